# Enforces the sans-IO convention (docs/architecture.md): protocol code never reads a clock,
# sleeps, spawns threads or opens sockets. Only src/runtime/ and the PeerConnection facade above it
# (src/peerconnection/, which waits on the runtime's threads) may. Run with -DSOURCE_DIR=<repo>.
file(GLOB_RECURSE sources RELATIVE ${SOURCE_DIR} ${SOURCE_DIR}/src/*.h ${SOURCE_DIR}/src/*.cc)
list(FILTER sources EXCLUDE REGEX "^src/(runtime|peerconnection)/")

set(w "[^A-Za-z0-9_]")  # a word boundary (CMake regexes have no \b)
set(forbidden
  "clock: (steady_clock|system_clock|high_resolution_clock|utc_clock)::now"
  "clock: ${w}(gettimeofday|clock_gettime|timespec_get)[ ]*\\("
  "clock: ${w}time[ ]*\\([ ]*(nullptr|NULL|0)[ ]*\\)"
  "sleep: ${w}(sleep_for|sleep_until|usleep|nanosleep|sleep)[ ]*\\("
  "thread: std::(thread|jthread|async)${w}"
  "thread: ${w}pthread_create[ ]*\\("
  "thread: #include[ ]*<(thread|future)>"
  "socket: ${w}(socket|accept|listen|recvfrom|recvmsg|recvmmsg|sendto|sendmsg|sendmmsg|epoll_create1?|epoll_wait|poll|select)[ ]*\\("
  "socket: #include[ ]*<sys/(socket|epoll|select)\\.h>"
)

set(violations "")
foreach(file IN LISTS sources)
  file(STRINGS ${SOURCE_DIR}/${file} lines)
  set(line_number 0)
  foreach(line IN LISTS lines)
    math(EXPR line_number "${line_number} + 1")
    if(line MATCHES "^[ ]*//")
      continue()
    endif()
    foreach(rule IN LISTS forbidden)
      string(REGEX REPLACE "^([a-z]+): (.*)$" "\\1" kind "${rule}")
      string(REGEX REPLACE "^([a-z]+): (.*)$" "\\2" pattern "${rule}")
      if(" ${line}" MATCHES "${pattern}")
        string(APPEND violations "  ${file}:${line_number}: ${kind} call outside src/runtime: ${line}\n")
      endif()
    endforeach()
  endforeach()
endforeach()

list(LENGTH sources count)
if(violations)
  message(FATAL_ERROR "Sans-IO convention violated (protocol code takes `now` and bytes; only "
                      "src/runtime/ may use clocks, sleeps, threads and sockets):\n${violations}")
endif()
message(STATUS "sans-IO convention holds in ${count} files outside src/runtime/")
