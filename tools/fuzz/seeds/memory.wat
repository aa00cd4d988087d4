;; Seed: memory, loads/stores, bulk memory, active and passive data.
(module
  (memory (export "mem") 1 2)
  (data (i32.const 16) "hello, world")
  (data $p "passive")
  (func (param i32) (result i32)
    (i32.store offset=4 align=2 (local.get 0) (i32.load8_u (local.get 0)))
    (memory.init $p (i32.const 0) (i32.const 0) (i32.const 7))
    (data.drop $p)
    (memory.copy (i32.const 100) (i32.const 16) (i32.const 12))
    (memory.fill (i32.const 200) (i32.const 0) (i32.const 8))
    (drop (memory.grow (i32.const 1)))
    (i64.store32 (i32.const 8) (i64.load16_s (i32.const 2)))
    (memory.size)))
