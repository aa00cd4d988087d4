// Unit tests for runtime memories and tables: initial sizes, memory.grow and
// table.grow against declared and store maxima, the three memory layouts, and
// the guard-page trap (a fault in a guarded reservation under a WasmEntry
// becomes a jump back to the entry; outside an entry nothing is caught).
#include <doctest/doctest.h>

#include <csetjmp>
#include <optional>

#include "engine/runtime/memory_instance.h"
#include "engine/runtime/table_instance.h"
#include "engine/runtime/trap_handler.h"

using namespace cascade;

namespace {

Limits Mem(uint64_t min, std::optional<uint64_t> max = std::nullopt, bool is64 = false) {
  Limits l;
  l.min = min;
  l.has_max = max.has_value();
  l.max = max.value_or(0);
  l.is64 = is64;
  return l;
}

// Reads one byte at `p` under a wasm entry; returns true if it faulted.
[[gnu::noinline]] bool FaultsUnderEntry(volatile uint8_t* p) {
  trap_handler::WasmEntry entry;
  volatile bool faulted = false;
  if (sigsetjmp(entry.env, 0) == 0) {
    entry.Enter();
    (void)*p;
  } else {
    faulted = true;
  }
  entry.Exit();
  return faulted;
}

}  // namespace

TEST_CASE("memory32: guarded layout, grow within the declared maximum") {
  MemoryInstance m;
  std::string err;
  REQUIRE(m.Init(Mem(1, 3), uint64_t{1} << 32, &err));
  CHECK(m.guarded);
  CHECK(m.size_bytes == 65536);
  CHECK(m.max_pages == 3);
  m.base[65535] = 7;
  uint8_t* base = m.base;
  CHECK(m.Grow(1) == 1);
  CHECK(m.base == base);  // guarded memories never move
  CHECK(m.base[65535] == 7);
  CHECK(m.base[65536] == 0);
  CHECK(m.Grow(2) == -1);  // 4 > max 3
  CHECK(m.pages() == 2);
  CHECK(m.Grow(0) == 2);
  CHECK(m.Grow(1) == 2);
  CHECK(m.Grow(1) == -1);
}

TEST_CASE("memory: the store limit caps growth, and a too-large minimum fails") {
  MemoryInstance m;
  std::string err;
  REQUIRE(m.Init(Mem(1), 4 * 65536, &err));
  CHECK(m.max_pages == 4);
  CHECK(m.Grow(3) == 1);
  CHECK(m.Grow(1) == -1);
  MemoryInstance big;
  CHECK_FALSE(big.Init(Mem(5), 4 * 65536, &err));
  CHECK(!err.empty());
}

TEST_CASE("memory64 uses explicit bounds checks and grows in place") {
  MemoryInstance m;
  std::string err;
  REQUIRE(m.Init(Mem(0, 10, /*is64=*/true), uint64_t{1} << 32, &err));
  CHECK_FALSE(m.guarded);
  CHECK(m.base != nullptr);
  CHECK(m.size_bytes == 0);
  CHECK_FALSE(m.InBounds(0, 1));
  CHECK(m.InBounds(0, 0));
  CHECK(m.Grow(2) == 0);
  CHECK(m.InBounds(2 * 65536 - 4, 4));
  CHECK_FALSE(m.InBounds(2 * 65536 - 3, 4));
  CHECK_FALSE(m.InBounds(~uint64_t{0}, 8, 1));  // addr + offset overflows
  m.base[2 * 65536 - 1] = 1;
}

TEST_CASE("custom page size 1: explicit checks, byte-granular growth") {
  Limits l = Mem(3, 10);
  l.page_size_log2 = 0;
  MemoryInstance m;
  std::string err;
  REQUIRE(m.Init(l, uint64_t{1} << 32, &err));
  CHECK_FALSE(m.guarded);
  CHECK(m.size_bytes == 3);
  CHECK(m.Grow(7) == 3);
  CHECK(m.size_bytes == 10);
  CHECK(m.Grow(1) == -1);
}

TEST_CASE("guard pages: an access past the end of a guarded memory faults into the entry") {
  MemoryInstance m;
  std::string err;
  REQUIRE(m.Init(Mem(1, 2), uint64_t{1} << 32, &err));
  REQUIRE(m.guarded);
  CHECK_FALSE(FaultsUnderEntry(m.base + 100));
  CHECK(FaultsUnderEntry(m.base + 65536));
  CHECK(FaultsUnderEntry(m.base + 0xFFFFFFFFull + 0xFFFFFFFFull));  // u32 addr + u32 offset
  CHECK(trap_handler::InReservation(m.base + 70000));
  // After growing, the same address is accessible.
  CHECK(m.Grow(1) == 1);
  CHECK_FALSE(FaultsUnderEntry(m.base + 65536));
  // The handler stays usable after a fault.
  CHECK(FaultsUnderEntry(m.base + 2 * 65536));
}

TEST_CASE("guard pages: reservations are unregistered when a memory dies") {
  const uint8_t* base;
  {
    MemoryInstance m;
    std::string err;
    REQUIRE(m.Init(Mem(0), uint64_t{1} << 32, &err));
    base = m.base;
    CHECK(trap_handler::InReservation(base));
  }
  CHECK_FALSE(trap_handler::InReservation(base));
}

TEST_CASE("tables: grow against the maximum, with the init value") {
  TableInstance t;
  t.elem_type = kWasmFuncRef;
  t.limits = Mem(2, 5);
  t.max_elements = 5;
  t.elements.assign(2, 0);
  CHECK(t.Grow(2, 42) == 2);
  CHECK(t.size() == 4);
  CHECK(t.elements[3] == 42);
  CHECK(t.elements[1] == 0);
  CHECK(t.Grow(2, 0) == -1);
  CHECK(t.Grow(1, 0) == 4);
  CHECK(t.Grow(0, 0) == 5);
}
