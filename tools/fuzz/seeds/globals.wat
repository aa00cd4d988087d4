;; Seed: imports and exports of every kind, globals with extended constants, start.
(module
  (import "env" "f" (func $f (param i32)))
  (import "env" "g" (global $g i32))
  (import "env" "m" (memory 1))
  (import "env" "t" (table 1 funcref))
  (global $h (mut i64) (i64.const 42))
  (global $k i32 (i32.add (global.get $g) (i32.const 8)))
  (global $r funcref (ref.func $start))
  (func $start (call $f (global.get $k)) (global.set $h (i64.const 7)))
  (start $start)
  (export "h" (global $h))
  (export "start" (func $start)))
