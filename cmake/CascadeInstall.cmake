# Install rules for the embedding API (issue 7): `cmake --install <build> --prefix P`
# puts libcascade_engine.a in P/lib, the public headers (wasm.h, cascade.h,
# cascade/cascade.hh) in P/include, and a package config in P/lib/cmake/cascade,
# so another project does
#     find_package(cascade REQUIRED)
#     target_link_libraries(app PRIVATE cascade::cascade)
# Also the CTest `embed.find_package` (examples/embed/test_installed.cmake):
# install into a temporary prefix, configure examples/embed against it as an
# outside project, build and run its hosts (under the sanitizers when this
# build uses them).
#
# Invariant: the installed headers include nothing but the standard library
# (engine/include/ holds no internals), so the include path is P/include only.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# The engine's include path is the source root while building; installed, it
# is the include directory (the internal headers are not installed).
set_property(TARGET cascade_engine PROPERTY INTERFACE_INCLUDE_DIRECTORIES
  "$<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>"
  "$<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/engine/include>"
  "$<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>")
set_property(TARGET cascade_engine PROPERTY EXPORT_NAME cascade)
add_library(cascade::cascade ALIAS cascade_engine)

install(TARGETS cascade_engine EXPORT cascadeTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/engine/include/
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h" PATTERN "*.hh")
install(EXPORT cascadeTargets NAMESPACE cascade::
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/cascade)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/cascadeConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cascadeConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/cascade)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/cascadeConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/cascadeConfig.cmake
  ${PROJECT_BINARY_DIR}/cascadeConfigVersion.cmake
  ${PROJECT_SOURCE_DIR}/cmake/FindxxHash.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/cascade)

if(BUILD_TESTING OR NOT DEFINED BUILD_TESTING)
  set(_embed_flags "")
  if(CASCADE_SANITIZE)
    set(_embed_flags "-fsanitize=address,undefined -fno-omit-frame-pointer")
  endif()
  add_test(NAME embed.find_package
    COMMAND ${CMAKE_COMMAND}
      -DCASCADE_BUILD_DIR=${PROJECT_BINARY_DIR}
      -DCASCADE_SOURCE_DIR=${PROJECT_SOURCE_DIR}
      -DWORK_DIR=${PROJECT_BINARY_DIR}/embed-install-test
      -DEXTRA_FLAGS=${_embed_flags}
      -DCMAKE_GENERATOR=${CMAKE_GENERATOR}
      -P ${PROJECT_SOURCE_DIR}/examples/embed/test_installed.cmake)
  set_tests_properties(embed.find_package PROPERTIES TIMEOUT 900)
endif()

# The wasm.h C API tests (engine/tests/c_api/*.c).
add_subdirectory(${PROJECT_SOURCE_DIR}/engine/tests/c_api ${PROJECT_BINARY_DIR}/engine/tests/c_api)
