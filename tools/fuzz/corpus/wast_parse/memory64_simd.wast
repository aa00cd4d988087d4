(module
  (memory $a i64 1)
  (memory $b 1 1 shared)
  (func (export "v") (param i64) (result v128)
    (v128.load $a offset=16 align=8 (local.get 0)))
  (func (export "s") (result v128)
    (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15
      (v128.const i32x4 1 2 3 4) (v128.const f32x4 -inf nan 0x1p-149 1e38)))
  (func (export "atomic") (result i32)
    (i32.atomic.rmw.add $b (i32.const 0) (i32.const 1)))
  (func (export "bulk") (memory.fill $a (i64.const 0) (i32.const 0) (i64.const 8)))
)
