// Table instructions, elem.drop, memory.init and data.drop run as JIT code
// (through table_helpers.h) with the interpreter's results and traps.
#include <string>

#include "jit/tests/jit_test_util.h"

namespace cascade::jit::test {
namespace {

constexpr const char* kModule = R"((module
  (type $ii (func (param i32) (result i32)))
  (table $t 4 10 funcref)
  (table $u 2 externref)
  (memory 1)
  (func $double (type $ii) local.get 0 i32.const 2 i32.mul)
  (func $inc (type $ii) local.get 0 i32.const 1 i32.add)
  (elem $e func $double $inc)
  (data $d "\01\02\03\04")
  (func (export "init_call") (param i32 i32) (result i32)
    (table.init $t $e (i32.const 0) (i32.const 0) (i32.const 2))
    (call_indirect (type $ii) (local.get 1) (local.get 0)))
  (func (export "size_grow") (param i32) (result i32)
    (drop (table.grow $t (ref.null func) (local.get 0)))
    (table.size $t))
  (func (export "get_set_is_null") (param i32) (result i32)
    (table.set $t (local.get 0) (table.get $t (i32.const 1)))
    (ref.is_null (table.get $t (local.get 0))))
  (func (export "fill_copy") (param i32) (result i32)
    (table.fill $t (i32.const 0) (ref.null func) (local.get 0))
    (table.copy $t $t (i32.const 2) (i32.const 0) (i32.const 2))
    (ref.is_null (table.get $t (i32.const 3))))
  (func (export "drop_then_init") (result i32)
    (elem.drop $e)
    (table.init $t $e (i32.const 0) (i32.const 0) (i32.const 1))
    (i32.const 0))
  (func (export "mem_init") (param i32 i32) (result i32)
    (memory.init $d (local.get 0) (i32.const 0) (local.get 1))
    (i32.load (local.get 0)))
  (func (export "data_drop") (result i32)
    (data.drop $d)
    (memory.init $d (i32.const 0) (i32.const 0) (i32.const 0))
    (memory.init $d (i32.const 0) (i32.const 0) (i32.const 1))
    (i32.const 0))
  (func (export "externref_size") (result i32) (table.size $u)))
)";

TEST_CASE("jit: table and segment instructions match the interpreter") {
  JitInterpPair p(kModule);
  JitInstance& jit = p.jit;
  auto same = [&](const std::string& f, std::vector<Value> args) { p.Same(f, std::move(args)); };
  for (uint32_t i : {0u, 1u, 2u, 3u, 4u, 100u}) {
    same("init_call", {Value::I32(7), Value::I32(i)});
    same("get_set_is_null", {Value::I32(i)});
    same("fill_copy", {Value::I32(i)});
    same("mem_init", {Value::I32(i * 16000), Value::I32(4)});
    same("mem_init", {Value::I32(65534), Value::I32(i)});
  }
  for (uint32_t i : {0u, 1u, 6u, 7u}) same("size_grow", {Value::I32(i)});
  same("drop_then_init", {});
  same("data_drop", {});
  same("externref_size", {});
  CHECK(jit.stats().unsupported == 0);
  CHECK(jit.stats().compiled >= 8);
}

}  // namespace
}  // namespace cascade::jit::test
