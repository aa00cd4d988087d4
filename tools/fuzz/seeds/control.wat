;; Seed: structured control flow, br_table, loops, select, unreachable code.
(module
  (func $fac (export "fac") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0))
      (then (i64.const 1))
      (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
  (func $switch (param i32) (result i32)
    (block $d (block $c (block $b (block $a
      (br_table $a $b $c $d (local.get 0)))
      (return (i32.const 10))) (return (i32.const 11))) (return (i32.const 12)))
    (i32.const 13))
  (func $loop (param i32) (result i32) (local i32)
    (loop $l (local.set 1 (i32.add (local.get 1) (local.get 0)))
      (br_if $l (i32.lt_u (local.get 1) (i32.const 100))))
    (select (local.get 1) (i32.const 0) (local.get 0)))
  (func $multi (param i32) (result i32 i32)
    (local.get 0) (block (param i32) (result i32 i32) (i32.const 1)))
  (func $dead (result i32) unreachable i32.add drop br 0))
