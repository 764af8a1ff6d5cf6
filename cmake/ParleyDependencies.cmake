# Finds every dependency from its Debian package. A missing one stops configuration with its name
# and the package that provides it (scripts/setup-deps.sh installs them all).
find_package(PkgConfig QUIET)
if(NOT PkgConfig_FOUND)
  message(FATAL_ERROR "Missing dependency: pkg-config (Debian package: pkg-config)")
endif()

function(parley_missing what package)
  message(FATAL_ERROR "Missing dependency: ${what} (Debian package: ${package}). "
                      "Run scripts/setup-deps.sh to install everything Parley needs.")
endfunction()

find_package(OpenSSL 3.0 QUIET)
if(NOT OpenSSL_FOUND)
  parley_missing("OpenSSL >= 3.0" libssl-dev)
endif()

# pkg-config modules, each as an imported target PkgConfig::<name>.
foreach(spec "libsrtp2>=2.4;libsrtp2-dev" "usrsctp;libusrsctp-dev" "vpx>=1.12;libvpx-dev"
             "opus>=1.3;libopus-dev")
  list(GET spec 0 module)
  list(GET spec 1 package)
  string(REGEX REPLACE "[<>=].*" "" name "${module}")
  pkg_check_modules(${name} QUIET IMPORTED_TARGET GLOBAL ${module})
  if(NOT ${name}_FOUND)
    parley_missing("${module}" ${package})
  endif()
endforeach()

find_package(nlohmann_json 3.10 QUIET)
if(NOT nlohmann_json_FOUND)
  parley_missing("nlohmann/json" nlohmann-json3-dev)
endif()

find_package(Threads REQUIRED)

if(PARLEY_BUILD_TESTS)
  find_package(GTest QUIET)
  if(NOT GTest_FOUND OR NOT TARGET GTest::gmock)
    parley_missing("GoogleTest/GoogleMock" "libgtest-dev libgmock-dev")
  endif()
endif()
if(PARLEY_BUILD_BENCH)
  find_package(benchmark QUIET)
  if(NOT benchmark_FOUND)
    parley_missing("Google Benchmark" libbenchmark-dev)
  endif()
endif()
