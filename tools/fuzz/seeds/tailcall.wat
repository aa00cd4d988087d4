;; Seed: tail calls and typed function references.
(module
  (type $u (func (param i32) (result i32)))
  (table 1 funcref)
  (func $id (type $u) local.get 0)
  (elem declare func $id)
  (func (param i32) (result i32) local.get 0 return_call $id)
  (func (param i32) (result i32) local.get 0 i32.const 0 return_call_indirect (type $u)))
