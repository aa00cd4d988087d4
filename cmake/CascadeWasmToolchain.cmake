# The toolchain that compiles our C test and example programs to wasm32-wasi:
# Debian's clang with wasi-libc (sysroot /usr: headers in
# /usr/include/wasm32-wasi, libc in /usr/lib/wasm32-wasi) and the wasm32
# compiler-rt builtins (libclang-rt-dev-wasm32); tools/setup installs them.
# Sets:
#   CASCADE_WASM_CLANG   the clang to use (cache variable)
#   CASCADE_WASM_FLAGS   --target/--sysroot flags for every compile and link
#   CASCADE_WASM_TOOLCHAIN_FOUND  TRUE when clang, the builtins and libc exist
find_program(CASCADE_WASM_CLANG NAMES clang clang-14 DOC "clang able to target wasm32-wasi")
set(CASCADE_WASM_FLAGS --target=wasm32-wasi --sysroot=/usr)
set(CASCADE_WASM_TOOLCHAIN_FOUND FALSE)
if(CASCADE_WASM_CLANG)
  execute_process(COMMAND ${CASCADE_WASM_CLANG} ${CASCADE_WASM_FLAGS} -print-libgcc-file-name
                  OUTPUT_VARIABLE _wasm_builtins OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  execute_process(COMMAND ${CASCADE_WASM_CLANG} ${CASCADE_WASM_FLAGS} -print-file-name=libc.a
                  OUTPUT_VARIABLE _wasm_libc OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(EXISTS "${_wasm_builtins}" AND EXISTS "${_wasm_libc}" AND IS_ABSOLUTE "${_wasm_libc}")
    set(CASCADE_WASM_TOOLCHAIN_FOUND TRUE)
  endif()
endif()
