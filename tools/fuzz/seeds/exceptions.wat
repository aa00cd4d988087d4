;; Seed: tags and legacy exception handling (try/catch/throw/rethrow/delegate).
(module
  (tag $e (param i32))
  (tag $f)
  (func (export "run") (param i32) (result i32)
    (try (result i32)
      (do (if (local.get 0) (then (throw $e (local.get 0)))) (i32.const 0))
      (catch $e)
      (catch_all (i32.const -1)))))
