;; Seed: numeric instructions, locals, multi-value results.
(module
  (func $add (export "add") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.add)
  (func $mix (param i64 f32 f64) (result i64 f64) (local i32 i64)
    local.get 0 i64.const -1 i64.mul i64.popcnt
    local.get 2 f64.sqrt local.get 1 f64.promote_f32 f64.add)
  (func $conv (param f64) (result i32 i64)
    local.get 0 i32.trunc_sat_f64_s local.get 0 i64.trunc_f64_u)
  (func $ext (param i32) (result i32) local.get 0 i32.extend8_s i32.extend16_s))
