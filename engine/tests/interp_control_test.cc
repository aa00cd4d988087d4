// Interpreter: control flow (br_table, multi-value blocks, if/else with params,
// br_if with values), calls (indirect, ref, tail calls in constant space, stack
// exhaustion), exceptions (try_table, throw_ref across calls).
#include "engine/tests/interp_test_util.h"

namespace cascade::test {
namespace {

TEST_CASE("interp: br_table and multi-value blocks") {
  WatInstance w(R"((module
    (func (export "bt") (param i32) (result i32)
      block (result i32) block (result i32) block (result i32)
        i32.const 10 local.get 0 br_table 0 1 2
      end i32.const 1 i32.add end i32.const 2 i32.add end)
    (func (export "mv") (param i32 i32) (result i32)
      local.get 0 local.get 1
      block (param i32 i32) (result i32 i32) br 0 end
      i32.sub)
    (func (export "brif_val") (param i32) (result i32)
      block (result i32) i32.const 7 local.get 0 br_if 0 drop i32.const 9 end)
    (func (export "if_params") (param i32) (result i32)
      i32.const 5 local.get 0
      if (param i32) (result i32) i32.const 1 i32.add else i32.const 2 i32.mul end)
    (func (export "select") (param i32) (result i64)
      i64.const 11 i64.const 22 local.get 0 select)
    (func (export "alias") (param i32) (result i32)
      ;; local.get aliased on the stack, then the local is overwritten
      local.get 0 i32.const 100 local.set 0 local.get 0 i32.add)
    (func (export "tee") (param i32) (result i32)
      local.get 0 local.get 0 i32.const 1 i32.add local.tee 0 i32.mul local.get 0 i32.add)
    (func (export "loop_params") (result i32) (local i32)
      i32.const 0
      loop (param i32) (result i32)
        i32.const 1 i32.add local.tee 0 local.get 0 i32.const 10 i32.lt_u br_if 0
      end)
  ))");
  CHECK(w.Run("bt", {Value::I32(0)}) == 13);
  CHECK(w.Run("bt", {Value::I32(1)}) == 12);
  CHECK(w.Run("bt", {Value::I32(2)}) == 10);
  CHECK(w.Run("bt", {Value::I32(99)}) == 10);
  CHECK(w.Run("mv", {Value::I32(10), Value::I32(3)}) == 7);
  CHECK(w.Run("brif_val", {Value::I32(1)}) == 7);
  CHECK(w.Run("brif_val", {Value::I32(0)}) == 9);
  CHECK(w.Run("if_params", {Value::I32(1)}) == 6);
  CHECK(w.Run("if_params", {Value::I32(0)}) == 10);
  CHECK(w.Run("select", {Value::I32(1)}) == 11);
  CHECK(w.Run("select", {Value::I32(0)}) == 22);
  CHECK(w.Run("alias", {Value::I32(5)}) == 105);
  CHECK(w.Run("tee", {Value::I32(3)}) == 3 * 4 + 4);
  CHECK(w.Run("loop_params") == 10);
}

TEST_CASE("interp: calls, tail calls and stack exhaustion") {
  WatInstance w(R"((module
    (type $ii (func (param i32) (result i32)))
    (table 3 funcref)
    (elem (i32.const 0) $inc $dbl)
    (func $inc (type $ii) local.get 0 i32.const 1 i32.add)
    (func $dbl (type $ii) local.get 0 i32.const 2 i32.mul)
    (func $other (param i64) (result i64) local.get 0)
    (func (export "ci") (param i32 i32) (result i32)
      local.get 1 local.get 0 call_indirect (type $ii))
    (func (export "cref") (param i32) (result i32)
      local.get 0 ref.func $dbl call_ref $ii)
    (func $count (export "count") (param i64) (result i64)
      local.get 0 i64.eqz if (result i64) i64.const 42 else
        local.get 0 i64.const 1 i64.sub return_call $count end)
    (func $inf (export "inf") (param i32) (result i32)
      local.get 0 i32.const 1 i32.add call $inf)
    (func $even (param i32) (result i32)
      local.get 0 i32.eqz if (result i32) i32.const 1 else
        local.get 0 i32.const 1 i32.sub return_call $odd end)
    (func $odd (param i32) (result i32)
      local.get 0 i32.eqz if (result i32) i32.const 0 else
        local.get 0 i32.const 1 i32.sub return_call $even end)
    (func (export "even") (param i32) (result i32) local.get 0 call $even)
    (func (export "rci") (param i32) (result i32)
      i32.const 20 local.get 0 return_call_indirect (type $ii))
    (elem declare func $dbl)
  ))");
  CHECK(w.Run("ci", {Value::I32(0), Value::I32(5)}) == 6);
  CHECK(w.Run("ci", {Value::I32(1), Value::I32(5)}) == 10);
  CHECK(w.TrapOf("ci", {Value::I32(2), Value::I32(5)}) == "uninitialized element 2");
  CHECK(w.TrapOf("ci", {Value::I32(3), Value::I32(5)}) == "undefined element");
  CHECK(w.Run("cref", {Value::I32(21)}) == 42);
  CHECK(w.Run("count", {Value::I64(5000000)}) == 42);  // constant stack space
  CHECK(w.Run("even", {Value::I32(1000001)}) == 0);
  CHECK(w.Run("rci", {Value::I32(1)}) == 40);
  CHECK(w.TrapOf("inf", {Value::I32(0)}) == "call stack exhausted");
  CHECK(w.Run("count", {Value::I64(3)}) == 42);  // the store is usable again
}

TEST_CASE("interp: exceptions") {
  WatInstance w(R"((module
    (tag $e (param i32))
    (tag $f)
    (func $thrower (param i32) local.get 0 throw $e)
    (func (export "catch") (param i32) (result i32)
      block $h (result i32)
        try_table (catch $e $h)
          local.get 0 call $thrower
        end
        i32.const -1
      end)
    (func (export "catch_all") (result i32)
      block $h
        try_table (catch_all $h) throw $f end
      end
      i32.const 7)
    (func (export "rethrow") (param i32) (result i32)
      block $outer (result i32)
        try_table (catch $e $outer)
          block $h (result exnref)
            try_table (catch_all_ref $h) local.get 0 call $thrower end
            unreachable
          end
          throw_ref
        end
        i32.const -2
      end)
    (func (export "uncaught") throw $f)
  ))");
  CHECK(w.Run("catch", {Value::I32(33)}) == 33);
  CHECK(w.Run("catch_all") == 7);
  CHECK(w.Run("rethrow", {Value::I32(44)}) == 44);
  CHECK(w.TrapOf("uncaught") == "uncaught exception");
}

TEST_CASE("interp: memory, globals, tables") {
  WatInstance w(R"((module
    (memory 1 3)
    (global $g (mut i64) (i64.const 5))
    (table $t 2 funcref)
    (func (export "rw") (param i32 i64) (result i64)
      local.get 0 local.get 1 i64.store offset=4
      local.get 0 i64.load offset=4)
    (func (export "oob") (param i32) (result i32) local.get 0 i32.load)
    (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
    (func (export "size") (result i32) memory.size)
    (func (export "g") (param i64) (result i64)
      global.get $g local.get 0 i64.add global.set $g global.get $g)
    (func (export "fill") (result i32)
      i32.const 100 i32.const 0xAB i32.const 10 memory.fill
      i32.const 200 i32.const 100 i32.const 10 memory.copy
      i32.const 209 i32.load8_u)
    (func (export "tgrow") (result i32) ref.null func i32.const 3 table.grow $t table.size $t i32.add)
  ))");
  CHECK(w.Run("rw", {Value::I32(16), Value::I64(0x1122334455667788ull)}) == 0x1122334455667788ull);
  CHECK(w.TrapOf("oob", {Value::I32(65534)}) == "out of bounds memory access");
  CHECK(w.TrapOf("oob", {Value::I32(-1)}) == "out of bounds memory access");
  CHECK(w.Run("oob", {Value::I32(65532)}) == 0);
  CHECK(w.Run("grow", {Value::I32(1)}) == 1);
  CHECK(w.Run("size") == 2);
  CHECK(w.Run("oob", {Value::I32(65536)}) == 0);
  CHECK(w.Run("grow", {Value::I32(5)}) == 0xFFFFFFFFu);
  CHECK(w.Run("g", {Value::I64(10)}) == 15);
  CHECK(w.Run("g", {Value::I64(10)}) == 25);
  CHECK(w.Run("fill") == 0xAB);
  CHECK(w.Run("tgrow") == 2 + 5);
}

}  // namespace
}  // namespace cascade::test
