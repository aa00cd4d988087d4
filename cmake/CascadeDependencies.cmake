# Third-party libraries, all from Debian packages (tools/setup installs them).
find_package(asmjit CONFIG REQUIRED)
find_package(zydis CONFIG REQUIRED)
find_package(mimalloc CONFIG REQUIRED)
find_package(doctest CONFIG REQUIRED)
find_package(xxHash MODULE REQUIRED)
if(CASCADE_BENCH)
  find_package(benchmark CONFIG REQUIRED)
endif()
