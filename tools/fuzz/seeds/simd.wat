;; Seed: 128-bit SIMD.
(module
  (memory 1)
  (func (param v128 v128) (result v128)
    (i32x4.add (local.get 0) (local.get 1))
    (v128.load offset=16 (i32.const 0))
    (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15)
    (f32x4.splat (f32.const 1.5))
    (local.get 0)
    (v128.bitselect)
    (i16x8.extract_lane_s 3 (v128.const i32x4 1 2 3 4)) drop))
