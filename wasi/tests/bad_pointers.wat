;; bad_pointers.wat: guest pointers and lengths outside linear memory (one
;; 64 KiB page) given to WASI functions come back as errno fault (21), never a
;; host crash or an access outside the memory; no output is written for a bad
;; iovec array. Each check that fails exits with its own status (its number),
;; all passing prints "ok bad_pointers" and exits 0.
;; Run: cascade run --dir SANDBOX::/sandbox bad_pointers.wat
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_pwrite" (func $fd_pwrite (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $fd_prestat_dir_name (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_filestat_get" (func $fd_filestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $fd_fdstat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_readdir" (func $fd_readdir (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_readlink" (func $path_readlink (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_symlink" (func $path_symlink (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  ;; 0: an iovec {buf=64, len=16} for the final "ok" message
  (data (i32.const 0) "\40\00\00\00\10\00\00\00")
  ;; 8: an iovec whose buffer runs past the end {buf=65530, len=100}
  (data (i32.const 8) "\fa\ff\00\00\64\00\00\00")
  ;; 16: an iovec whose length wraps a 32-bit sum {buf=16, len=0xfffffff8}
  (data (i32.const 16) "\10\00\00\00\f8\ff\ff\ff")
  ;; 24: two iovecs: a good one {64, 16} then a bad one {65535, 2}
  (data (i32.const 24) "\40\00\00\00\10\00\00\00\ff\ff\00\00\02\00\00\00")
  (data (i32.const 64) "ok bad_pointers\0a")
  (data (i32.const 96) "file.txt")

  ;; Exits with status `id` unless `got` == `want`.
  (func $expect (param $id i32) (param $got i32) (param $want i32)
    (if (i32.ne (local.get $got) (local.get $want))
      (then (call $proc_exit (local.get $id)))))

  (func (export "_start")
    ;; fd_write: iovec array past the end, straddling the end, wrapping.
    (call $expect (i32.const 1) (call $fd_write (i32.const 1) (i32.const 65532) (i32.const 1) (i32.const 200)) (i32.const 21))
    (call $expect (i32.const 2) (call $fd_write (i32.const 1) (i32.const 0xfffffff8) (i32.const 2) (i32.const 200)) (i32.const 21))
    (call $expect (i32.const 3) (call $fd_write (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 200)) (i32.const 21))
    (call $expect (i32.const 4) (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 200)) (i32.const 21))
    ;; the good first iovec must not be written when the second is bad
    (call $expect (i32.const 5) (call $fd_write (i32.const 1) (i32.const 24) (i32.const 2) (i32.const 200)) (i32.const 21))
    ;; a huge count
    (call $expect (i32.const 6) (call $fd_write (i32.const 1) (i32.const 0) (i32.const 0x20000000) (i32.const 200)) (i32.const 21))
    ;; the result pointer past the end: nothing is written
    (call $expect (i32.const 7) (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 65533)) (i32.const 21))
    (call $expect (i32.const 8) (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const -1)) (i32.const 21))
    ;; fd_read / fd_pwrite into / from a bad buffer
    (call $expect (i32.const 9) (call $fd_read (i32.const 0) (i32.const 8) (i32.const 1) (i32.const 200)) (i32.const 21))
    (call $expect (i32.const 10) (call $fd_pwrite (i32.const 1) (i32.const 16) (i32.const 1) (i64.const 0) (i32.const 200)) (i32.const 21))
    ;; args / environ / clocks / random
    (call $expect (i32.const 11) (call $args_sizes_get (i32.const 65534) (i32.const 200)) (i32.const 21))
    (call $expect (i32.const 12) (call $args_sizes_get (i32.const 200) (i32.const -4)) (i32.const 21))
    (call $expect (i32.const 13) (call $args_get (i32.const 65535) (i32.const 300)) (i32.const 21))
    (call $expect (i32.const 14) (call $args_get (i32.const 300) (i32.const 65535)) (i32.const 21))
    (call $expect (i32.const 15) (call $environ_get (i32.const -1) (i32.const -1)) (i32.const 21))
    (call $expect (i32.const 16) (call $clock_time_get (i32.const 0) (i64.const 0) (i32.const 65529)) (i32.const 21))
    (call $expect (i32.const 17) (call $random_get (i32.const 65000) (i32.const 1000)) (i32.const 21))
    (call $expect (i32.const 18) (call $random_get (i32.const -1) (i32.const 2)) (i32.const 21))
    ;; records written past the end
    (call $expect (i32.const 19) (call $fd_prestat_dir_name (i32.const 3) (i32.const 65534) (i32.const 8)) (i32.const 21))
    (call $expect (i32.const 20) (call $fd_filestat_get (i32.const 1) (i32.const 65500)) (i32.const 21))
    (call $expect (i32.const 21) (call $fd_fdstat_get (i32.const 1) (i32.const 65520)) (i32.const 21))
    (call $expect (i32.const 22) (call $fd_readdir (i32.const 3) (i32.const 65530) (i32.const 100) (i64.const 0) (i32.const 200)) (i32.const 21))
    (call $expect (i32.const 23) (call $fd_seek (i32.const 1) (i64.const 0) (i32.const 1) (i32.const 65535)) (i32.const 21))
    ;; path strings and results out of bounds
    (call $expect (i32.const 24) (call $path_open (i32.const 3) (i32.const 0) (i32.const 65530) (i32.const 100)
                                   (i32.const 0) (i64.const 2) (i64.const 2) (i32.const 0) (i32.const 200)) (i32.const 21))
    (call $expect (i32.const 25) (call $path_open (i32.const 3) (i32.const 0) (i32.const -1) (i32.const 2)
                                   (i32.const 0) (i64.const 2) (i64.const 2) (i32.const 0) (i32.const 200)) (i32.const 21))
    (call $expect (i32.const 26) (call $path_open (i32.const 3) (i32.const 0) (i32.const 96) (i32.const 8)
                                   (i32.const 0) (i64.const 2) (i64.const 2) (i32.const 0) (i32.const 65534)) (i32.const 21))
    (call $expect (i32.const 27) (call $path_readlink (i32.const 3) (i32.const 96) (i32.const 8) (i32.const 65530) (i32.const 100) (i32.const 200)) (i32.const 21))
    (call $expect (i32.const 28) (call $path_symlink (i32.const 65530) (i32.const 100) (i32.const 3) (i32.const 96) (i32.const 8)) (i32.const 21))
    ;; poll_oneoff: subscriptions or events past the end, a huge count
    (call $expect (i32.const 29) (call $poll_oneoff (i32.const 65500) (i32.const 1024) (i32.const 1) (i32.const 200)) (i32.const 21))
    (call $expect (i32.const 30) (call $poll_oneoff (i32.const 1024) (i32.const 65510) (i32.const 1) (i32.const 200)) (i32.const 21))
    (call $expect (i32.const 31) (call $poll_oneoff (i32.const 1024) (i32.const 2048) (i32.const 0x10000000) (i32.const 200)) (i32.const 21))
    ;; a path with a NUL inside is inval
    (call $expect (i32.const 32) (call $path_open (i32.const 3) (i32.const 0) (i32.const 60) (i32.const 4)
                                   (i32.const 0) (i64.const 2) (i64.const 2) (i32.const 0) (i32.const 200)) (i32.const 28))
    ;; control: a good write works and reports 16 bytes
    (call $expect (i32.const 40) (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 200)) (i32.const 0))
    (call $expect (i32.const 41) (i32.load (i32.const 200)) (i32.const 16))))
