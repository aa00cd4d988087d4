// The compiler's local cache (value_stack.h): a register left holding a
// local's value by local.set / local.tee / local.get serves later local.gets
// until a label, a call or a write to the local. Each function here would
// read a stale value if the cache outlived one of those; results are checked
// against the interpreter over many inputs.
#include <string>

#include "jit/tests/jit_test_util.h"

namespace cascade::jit::test {
namespace {

constexpr const char* kModule = R"((module
  (func $id (param f64) (result f64) local.get 0)
  ;; set in one arm of an if, read after the join
  (func (export "join") (param i32 f64) (result f64) (local f64)
    f64.const 1 local.set 2
    local.get 0
    if f64.const 2 local.set 2 end
    local.get 2 local.get 1 f64.add)
  ;; tee, overwrite, read; int and float
  (func (export "rewrite") (param i32 f64) (result f64) (local f64 i32)
    local.get 1 local.tee 2 drop
    local.get 1 f64.const 3 f64.mul local.set 2
    local.get 0 local.tee 3 i32.const 7 i32.add local.set 3
    local.get 2 local.get 3 f64.convert_i32_s f64.add)
  ;; loop-carried locals: the back edge joins at the loop header
  (func (export "loop") (param i32 f64) (result f64) (local f64 f64)
    local.get 1 local.set 2
    block loop
      local.get 0 i32.eqz br_if 1
      local.get 2 local.get 2 f64.mul f64.const 0.5 f64.mul local.tee 3
      local.get 2 f64.add local.set 2
      local.get 3 local.set 3
      local.get 0 i32.const 1 i32.sub local.set 0
      br 0
    end end
    local.get 2 local.get 3 f64.sub)
  ;; a call between the write and the read (registers are clobbered)
  (func (export "call") (param f64) (result f64) (local f64)
    local.get 0 f64.const 2 f64.add local.tee 1
    call $id
    local.get 1 f64.mul
    local.get 1 f64.add)
  ;; br_if out of a block while a cached value is live; the target reads it
  (func (export "brif") (param i32 f64) (result f64) (local f64)
    block
      local.get 1 local.set 2
      local.get 0 br_if 0
      local.get 1 f64.neg local.set 2
    end
    local.get 2 local.get 2 f64.add))
)";

TEST_CASE("jit: the local cache never serves a stale value") {
  JitInstance jit(kModule), interp(kModule, /*jit=*/false);
  const int32_t kInts[] = {0, 1, 2, 5, 9};  // also loop counts: keep them small
  const double kFloats[] = {0.0, 1.5, -2.25, 0.75, 1e10};
  for (int32_t i : kInts) {
    for (double d : kFloats) {
      CAPTURE(i);
      CAPTURE(d);
      for (const char* f : {"join", "rewrite", "loop", "brif"}) {
        CAPTURE(f);
        std::vector<Value> args{Value::I32(static_cast<uint32_t>(i)), Value::F64(d)};
        CHECK(jit.Run(f, args) == interp.Run(f, args));
      }
      CHECK(jit.Run("call", {Value::F64(d)}) == interp.Run("call", {Value::F64(d)}));
    }
  }
  CHECK(jit.stats().unsupported == 0);
}

}  // namespace
}  // namespace cascade::jit::test
