# One CMake target per layer folder under src/. Every layer has a rank; a layer may only link
# layers of a lower rank, so dependencies point downwards (checked at configure time).
#
#   0 base                         time, bytes, ids, errors, logging, randomness, addresses
#  10 wire formats (stateless)     stun, demux (RFC 7983), rtp, rtcp, sdp, dcep, payload formats
#  20 sans-IO machines             tls (20) < turn (21) < ice (22); srtp (23) < dtls (24);
#                                  sctp, streams, bwe, pacer
#  30 session                      demultiplexing and the soonest-deadline loop
#  40 runtime                      event loop, sockets, timers, callback executor (the only IO)
#  50 api                          PeerConnection
set(PARLEY_LAYER_RANK_base 0)
set(PARLEY_LAYER_RANK_stun 10)
set(PARLEY_LAYER_RANK_tls 20)
set(PARLEY_LAYER_RANK_turn 21)
set(PARLEY_LAYER_RANK_ice 22)
set(PARLEY_LAYER_RANK_demux 10)
set(PARLEY_LAYER_RANK_dcep 10)
set(PARLEY_LAYER_RANK_sdp 11)
set(PARLEY_LAYER_RANK_srtp 23)
set(PARLEY_LAYER_RANK_dtls 24)
set(PARLEY_LAYER_RANK_sctp 25)
set(PARLEY_LAYER_RANK_datachannel 26)
set(PARLEY_LAYER_RANK_session 30)
set(PARLEY_LAYER_RANK_jsep 31)
set(PARLEY_LAYER_RANK_runtime 40)
set(PARLEY_LAYER_RANK_peerconnection 50)

# Warnings as errors on project code only (not on the C libraries' headers, which are SYSTEM).
add_library(parley_warnings INTERFACE)
target_compile_options(parley_warnings INTERFACE -Wall -Wextra -Wpedantic -Werror)

# parley_add_layer(<name> SOURCES ... [LAYERS <lower layers>] [PUBLIC_LIBS ...] [PRIVATE_LIBS ...])
# creates target parley_<name> (alias parley::<name>).
function(parley_add_layer name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LAYERS;PUBLIC_LIBS;PRIVATE_LIBS" ${ARGN})
  if(NOT DEFINED PARLEY_LAYER_RANK_${name})
    message(FATAL_ERROR "Layer '${name}' has no rank in cmake/ParleyLayers.cmake")
  endif()
  set(rank ${PARLEY_LAYER_RANK_${name}})
  set(deps)
  foreach(lower IN LISTS ARG_LAYERS)
    if(NOT PARLEY_LAYER_RANK_${lower} LESS rank)
      message(FATAL_ERROR "Layer '${name}' (rank ${rank}) may not depend on layer '${lower}' "
                          "(rank ${PARLEY_LAYER_RANK_${lower}}): dependencies point downwards only")
    endif()
    list(APPEND deps parley_${lower})
  endforeach()
  add_library(parley_${name} STATIC ${ARG_SOURCES})
  add_library(parley::${name} ALIAS parley_${name})
  target_include_directories(parley_${name} PUBLIC ${PROJECT_SOURCE_DIR}/include
                                                   ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(parley_${name} PUBLIC ${deps} ${ARG_PUBLIC_LIBS}
                                       PRIVATE parley_warnings ${ARG_PRIVATE_LIBS})
endfunction()
