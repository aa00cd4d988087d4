;; Seed: a name section (module, function and local names) and a custom section.
(module $named
  (func $first (param $x i32) (local $y i64) nop)
  (func $second))
