# Public headers (include/parley/) may include only the standard library and other public
# headers: never OpenSSL, libsrtp, usrsctp, libvpx, libopus or internal src/ headers.
# Run with -DSOURCE_DIR=<repo>. (tests/CMakeLists.txt also compiles each header on its own.)
file(GLOB_RECURSE headers RELATIVE ${SOURCE_DIR} ${SOURCE_DIR}/include/*.h)
set(violations "")
foreach(header IN LISTS headers)
  file(STRINGS ${SOURCE_DIR}/${header} includes REGEX "^[ ]*#[ ]*include")
  foreach(line IN LISTS includes)
    if(line MATCHES "#[ ]*include[ ]*\"parley/[a-z0-9_/]+\\.h\"")
      continue()
    endif()
    if(line MATCHES "#[ ]*include[ ]*<[a-z0-9_]+>")
      continue()  # A standard library header (no slash, no extension).
    endif()
    string(APPEND violations "  ${header}: ${line}\n")
  endforeach()
endforeach()
if(violations)
  message(FATAL_ERROR "Public headers may include only <standard> and \"parley/...\" headers:\n"
                      "${violations}")
endif()
list(LENGTH headers count)
message(STATUS "${count} public headers include only the standard library and each other")
