# CTest embed.find_package (registered by cmake/CascadeInstall.cmake): installs
# the build tree CASCADE_BUILD_DIR into WORK_DIR/prefix, configures this folder
# as an outside project with find_package(cascade) against that prefix, builds
# it, and runs its hosts: hello_cpp, hello_c and request_loop (100,000 fresh
# instances, checks responses, flat RSS; LeakSanitizer checks at exit when the
# build is sanitized). Any failing step fails the test with its output.
cmake_minimum_required(VERSION 3.25)
foreach(var CASCADE_BUILD_DIR CASCADE_SOURCE_DIR WORK_DIR)
  if(NOT ${var})
    message(FATAL_ERROR "test_installed.cmake: ${var} not set")
  endif()
endforeach()
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)

function(run)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message("$ ${ARGV}\n${out}${err}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGV}")
  endif()
endfunction()

run(${CMAKE_COMMAND} --install ${CASCADE_BUILD_DIR} --prefix ${prefix})
if(NOT EXISTS ${prefix}/include/cascade/cascade.hh OR NOT EXISTS ${prefix}/lib/cmake/cascade/cascadeConfig.cmake)
  message(FATAL_ERROR "install tree is missing the API headers or the package config")
endif()
if(EXISTS ${prefix}/include/engine)
  message(FATAL_ERROR "internal headers were installed")
endif()
set(gen "")
if(CMAKE_GENERATOR)
  set(gen -G ${CMAKE_GENERATOR})
endif()
run(${CMAKE_COMMAND} -S ${CASCADE_SOURCE_DIR}/examples/embed -B ${WORK_DIR}/build ${gen}
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=${prefix}
    "-DCMAKE_C_FLAGS=${EXTRA_FLAGS}" "-DCMAKE_CXX_FLAGS=${EXTRA_FLAGS}"
    "-DCMAKE_EXE_LINKER_FLAGS=${EXTRA_FLAGS}")
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build -j2)
file(GLOB hosts ${WORK_DIR}/build/hello_cpp ${WORK_DIR}/build/hello_c)
foreach(host ${hosts})
  run(${host})
endforeach()
# Under AddressSanitizer, freed blocks wait in a quarantine (256 MiB by default)
# before reuse, so RSS climbs by design; a 1 MiB quarantine keeps use-after-free
# detection for recent frees and lets the flat-RSS check mean something.
run(${CMAKE_COMMAND} -E env "ASAN_OPTIONS=quarantine_size_mb=1"
    ${WORK_DIR}/build/request_loop 100000)
