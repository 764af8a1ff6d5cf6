# Proves the sans-IO check can fail: writes protocol code that breaks each rule into a scratch
# tree and expects CheckSansIo.cmake to reject every line. Run with -DSOURCE_DIR and -DWORK_DIR.
set(tree ${WORK_DIR}/sans_io_self_test)
file(REMOVE_RECURSE ${tree})
set(bad_lines
  "auto t = std::chrono::steady_clock::now()\;"
  "gettimeofday(&tv, nullptr)\;"
  "std::this_thread::sleep_for(d)\;"
  "usleep(10)\;"
  "std::thread worker(run)\;"
  "#include <thread>"
  "int fd = ::socket(AF_INET, SOCK_DGRAM, 0)\;"
  "sendto(fd, p, n, 0, a, l)\;"
  "#include <sys/epoll.h>")
set(index 0)
foreach(line IN LISTS bad_lines)
  file(WRITE ${tree}/src/proto/bad${index}.cc "${line}\n")
  math(EXPR index "${index} + 1")
endforeach()
# Allowed: the runtime, comments and look-alikes.
file(WRITE ${tree}/src/runtime/loop.cc "auto t = std::chrono::steady_clock::now();\n")
file(WRITE ${tree}/src/proto/fine.cc "// sleep(1) in a comment\nauto f = std::bind(g);\nint my_socket(int);\n")

execute_process(COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${tree} -P ${SOURCE_DIR}/cmake/CheckSansIo.cmake
                RESULT_VARIABLE result ERROR_VARIABLE output)
if(result EQUAL 0)
  message(FATAL_ERROR "CheckSansIo accepted code that breaks the convention")
endif()
string(REGEX MATCHALL "src/proto/bad[0-9]+\\.cc" flagged "${output}")
list(REMOVE_DUPLICATES flagged)
list(LENGTH flagged flagged_count)
list(LENGTH bad_lines expected)
if(NOT flagged_count EQUAL expected OR output MATCHES "fine\\.cc|runtime/loop\\.cc")
  message(FATAL_ERROR "CheckSansIo flagged ${flagged_count}/${expected} bad files:\n${output}")
endif()
message(STATUS "CheckSansIo rejects all ${expected} violations and accepts the allowed code")
