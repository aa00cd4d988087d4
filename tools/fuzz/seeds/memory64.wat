;; Seed: memory64 and multiple memories.
(module
  (memory $a i64 1 100)
  (memory $b 1)
  (func (param i64) (result i32)
    (i64.store $a (local.get 0) (i64.const 1))
    (i32.store $b (i32.const 0) (i32.const 2))
    (drop (memory.grow $a (i64.const 1)))
    (i32.load $a (local.get 0))))
