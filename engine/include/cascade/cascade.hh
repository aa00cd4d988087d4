// Cascade's C++ embedding API: compile a module, link host functions, and run
// instances, with microsecond instantiation through InstancePre.
//
//   Engine ──▶ Module::Compile(engine, bytes)       validated once, shareable
//     │        Linker(engine).FuncWrap("env","f", [](int32_t x) { return x; })
//     │        Linker::InstantiatePre(module)  ──▶ InstancePre  (imports resolved,
//     │                                               memory image built)
//     └──────▶ Store(engine, limits)  ──  InstancePre::Instantiate(store) ──▶ Instance
//              Instance::GetFunc(store, "run")->typed<int32_t(int32_t)>(store)
//
// Ownership and lifetimes:
//  * Engine, Module, Linker and InstancePre are cheap handles (shared
//    ownership); copies refer to the same object. Host functions defined in a
//    Linker live as long as any Linker copy, InstancePre or instance using them.
//  * Store owns everything instances create. Func, Memory, Table, Global and
//    Instance are plain handles valid while the Store that owns them lives (and,
//    for an instance dropped with Store::Drop, until that call). Using a handle
//    with another Store, or after its Store died, is undefined.
//  * A Store is used by one thread at a time; Engine, Module, Linker and
//    InstancePre may be shared across threads once set up.
//
// Errors: functions that can fail return Result<T> (no exceptions). An Error
// says what kind of failure it is (compile, link, trap, exit, limit) and
// carries the message; traps carry a wasm backtrace in ToString().
//
// Values: Val holds one wasm value (i32, i64, f32, f64, v128, funcref,
// externref). Typed calls (Func::typed) and typed host functions (FuncWrap)
// use C++ types directly, without boxing: int32_t/uint32_t (i32),
// int64_t/uint64_t (i64), float (f32), double (f64); several results are a
// std::tuple. A host function may take `Caller&` as its first parameter (the
// calling instance's exports, e.g. its memory) and may return Result<T> to trap.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace cascade::api {

// ------------------------------------------------------------------ errors
class Error {
 public:
  enum class Kind : uint8_t {
    kCompile,  // malformed or invalid module (message names the byte offset)
    kLink,     // unknown or mistyped import ("unknown import", ...)
    kTrap,     // a wasm trap (spec 4.4), or a host function's trap
    kExit,     // a host function ended the program (WASI proc_exit): exit_status()
    kLimit,    // a store limit or resource shortage (instances, memory, tables)
    kUsage,    // wrong use of the API (argument count/type mismatch, ...)
  };
  Error(Kind kind, std::string message, std::string backtrace = {}, int exit_status = 0)
      : kind_(kind), message_(std::move(message)), backtrace_(std::move(backtrace)),
        exit_status_(exit_status) {}
  Kind kind() const { return kind_; }
  const std::string& message() const { return message_; }
  int exit_status() const { return exit_status_; }
  // "message" plus, for traps, "\n  at func N ($name) @0xOFFSET" lines.
  std::string ToString() const { return backtrace_.empty() ? message_ : message_ + "\n" + backtrace_; }

 private:
  Kind kind_;
  std::string message_;
  std::string backtrace_;
  int exit_status_;
};

// A value or an Error.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : e_(std::move(error)) {}
  bool ok() const { return !e_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return *e_; }

 private:
  std::optional<Error> e_;
};

// ------------------------------------------------------------------ values
enum class ValKind : uint8_t { kI32, kI64, kF32, kF64, kV128, kFuncRef, kExternRef };

class Func;

// One wasm value. References: funcref holds a function handle (or null);
// externref holds an opaque non-zero host word (0 = null).
struct Val {
  ValKind kind = ValKind::kI32;
  uint64_t lo = 0, hi = 0;  // bit pattern (v128: low then high 64 bits)

  static Val I32(int32_t v) { return {ValKind::kI32, static_cast<uint32_t>(v), 0}; }
  static Val I64(int64_t v) { return {ValKind::kI64, static_cast<uint64_t>(v), 0}; }
  static Val F32(float v);
  static Val F64(double v);
  static Val V128(uint64_t lo, uint64_t hi) { return {ValKind::kV128, lo, hi}; }
  static Val ExternRef(uint64_t host_word) { return {ValKind::kExternRef, host_word, 0}; }
  static Val FuncRef(const Func* f);  // nullptr: null funcref
  int32_t i32() const { return static_cast<int32_t>(lo); }
  int64_t i64() const { return static_cast<int64_t>(lo); }
  float f32() const;
  double f64() const;
  std::optional<Func> funcref() const;  // nullopt for null
};

// A function type: parameter and result kinds.
struct FuncType {
  std::vector<ValKind> params;
  std::vector<ValKind> results;
};

class Store;
class Caller;
class Memory;

namespace detail {
struct StoreImpl;
// Calls function `func` of `store` with params in `slots` (one 64-bit slot each,
// v128 two) and leaves the results there. Implemented in engine/api.
Result<void> CallSlots(Store& store, void* func, uint64_t* slots);
// Whether `func` has exactly this type.
bool HasType(void* func, std::span<const ValKind> params, std::span<const ValKind> results);

template <typename T> struct KindOf;
template <> struct KindOf<int32_t> { static constexpr ValKind kind = ValKind::kI32; };
template <> struct KindOf<uint32_t> { static constexpr ValKind kind = ValKind::kI32; };
template <> struct KindOf<int64_t> { static constexpr ValKind kind = ValKind::kI64; };
template <> struct KindOf<uint64_t> { static constexpr ValKind kind = ValKind::kI64; };
template <> struct KindOf<float> { static constexpr ValKind kind = ValKind::kF32; };
template <> struct KindOf<double> { static constexpr ValKind kind = ValKind::kF64; };

template <typename T> uint64_t ToSlot(T v) {
  if constexpr (std::is_same_v<T, float>) {
    uint32_t b; static_assert(sizeof b == sizeof v); __builtin_memcpy(&b, &v, 4); return b;
  } else if constexpr (std::is_same_v<T, double>) {
    uint64_t b; __builtin_memcpy(&b, &v, 8); return b;
  } else if constexpr (sizeof(T) == 4) {
    return static_cast<uint32_t>(v);
  } else {
    return static_cast<uint64_t>(v);
  }
}
template <typename T> T FromSlot(uint64_t s) {
  if constexpr (std::is_same_v<T, float>) {
    uint32_t b = static_cast<uint32_t>(s); T v; __builtin_memcpy(&v, &b, 4); return v;
  } else if constexpr (std::is_same_v<T, double>) {
    T v; __builtin_memcpy(&v, &s, 8); return v;
  } else {
    return static_cast<T>(s);
  }
}

// Result types: void, one value, or a std::tuple of values.
template <typename R> struct Results {
  static constexpr size_t count = 1;
  static std::vector<ValKind> Kinds() { return {KindOf<R>::kind}; }
  static R Read(const uint64_t* s) { return FromSlot<R>(s[0]); }
  static void Write(const R& r, uint64_t* s) { s[0] = ToSlot(r); }
};
template <> struct Results<void> {
  static constexpr size_t count = 0;
  static std::vector<ValKind> Kinds() { return {}; }
};
template <typename... T> struct Results<std::tuple<T...>> {
  static constexpr size_t count = sizeof...(T);
  static std::vector<ValKind> Kinds() { return {KindOf<T>::kind...}; }
  static std::tuple<T...> Read(const uint64_t* s) { return ReadAt(s, std::index_sequence_for<T...>{}); }
  template <size_t... I>
  static std::tuple<T...> ReadAt(const uint64_t* s, std::index_sequence<I...>) {
    return std::tuple<T...>{FromSlot<T>(s[I])...};
  }
  static void Write(const std::tuple<T...>& r, uint64_t* s) {
    std::apply([s](const T&... v) { size_t i = 0; ((s[i++] = ToSlot(v)), ...); }, r);
  }
};
}  // namespace detail

// A typed view of a function: calls pass C++ values straight into slots.
template <typename Sig> class TypedFunc;
template <typename R, typename... A>
class TypedFunc<R(A...)> {
 public:
  // Calls the function. Errors: traps (Error::Kind::kTrap / kExit).
  Result<std::conditional_t<std::is_void_v<R>, std::monostate, R>> operator()(Store& store,
                                                                            A... args) const {
    constexpr size_t n = sizeof...(A) > detail::Results<R>::count ? sizeof...(A)
                                                                  : detail::Results<R>::count;
    uint64_t slots[n == 0 ? 1 : n];
    size_t i = 0;
    ((slots[i++] = detail::ToSlot(args)), ...);
    (void)i;
    Result<void> r = detail::CallSlots(store, func_, slots);
    if (!r) return r.error();
    if constexpr (std::is_void_v<R>) {
      return std::monostate{};
    } else {
      return detail::Results<R>::Read(slots);
    }
  }

 private:
  friend class Func;
  explicit TypedFunc(void* f) : func_(f) {}
  void* func_;
};

// ------------------------------------------------------------------ objects
// A function (wasm or host) owned by a Store.
class Func {
 public:
  // Calls with boxed values; `args` must match the parameter types (else
  // Error::Kind::kUsage). Returns the results.
  Result<std::vector<Val>> Call(Store& store, std::span<const Val> args) const;
  FuncType type() const;
  // A typed view; fails (kUsage) when Sig does not match the function's type
  // exactly. Sig is R(A...) with R void, a value type, or std::tuple<...>.
  template <typename Sig>
  Result<TypedFunc<Sig>> typed(Store&) const {
    return TypedSig(static_cast<Sig*>(nullptr));
  }
  void* raw() const { return func_; }  // the runtime's function instance (opaque)
  explicit Func(void* raw) : func_(raw) {}

 private:
  template <typename R, typename... A>
  Result<TypedFunc<R(A...)>> TypedSig(R (*)(A...)) const {
    ValKind params[sizeof...(A) + 1] = {detail::KindOf<A>::kind...};
    std::vector<ValKind> results = detail::Results<R>::Kinds();
    if (!detail::HasType(func_, std::span<const ValKind>(params, sizeof...(A)), results)) {
      return Error(Error::Kind::kUsage, "typed: signature does not match the function type");
    }
    return TypedFunc<R(A...)>(func_);
  }
  void* func_;
};

// A linear memory owned by a Store. data() may change after Grow (and after
// wasm code ran memory.grow on a memory without the 8 GiB reservation).
class Memory {
 public:
  uint8_t* data(Store&) const;
  uint64_t size(Store&) const;   // bytes
  uint64_t pages(Store&) const;  // in units of the page size (64 KiB by default)
  // memory.grow: returns the old size in pages, or kLimit when the memory cannot grow.
  Result<uint64_t> Grow(Store&, uint64_t delta_pages) const;
  void* raw() const { return mem_; }
  explicit Memory(void* raw) : mem_(raw) {}

 private:
  void* mem_;
};

// A table owned by a Store (elements are funcref or externref Vals).
class Table {
 public:
  uint64_t size(Store&) const;
  // The element at `index`, or kTrap "out of bounds table access".
  Result<Val> Get(Store&, uint64_t index) const;
  Result<void> Set(Store&, uint64_t index, const Val& value) const;
  // table.grow by `delta` copies of `init`: the old size, or kLimit.
  Result<uint64_t> Grow(Store&, uint64_t delta, const Val& init) const;
  void* raw() const { return table_; }
  explicit Table(void* raw) : table_(raw) {}

 private:
  void* table_;
};

// A global owned by a Store.
class Global {
 public:
  Val Get(Store&) const;
  // Fails (kUsage) for an immutable global or a value of the wrong kind.
  Result<void> Set(Store&, const Val& value) const;
  ValKind kind() const;
  bool mutable_() const;
  void* raw() const { return global_; }
  explicit Global(void* raw) : global_(raw) {}

 private:
  void* global_;
};

// Anything an import can be bound to / an export names.
using Extern = std::variant<Func, Memory, Table, Global>;

// ------------------------------------------------------------------ engine
class Engine {
 public:
  struct Config {
    // Address space reserved per linear memory of a pooled instance, bytes.
    // >= 8 GiB + 64 KiB (default): memory32 needs no bounds checks (guard
    // pages). Smaller: the "no large reservation" mode (explicit checks).
    uint64_t max_memory_reservation = (uint64_t{8} << 30) + (uint64_t{64} << 10);
    // Reset instance slots kept per InstancePre for reuse.
    uint32_t max_free_slots = 64;
  };
  Engine();
  explicit Engine(Config config);
  const Config& config() const;
  // Advances the process-wide epoch (thread- and signal-safe); stores whose
  // deadline it reaches trap "interrupt" (see Store::SetEpochDeadline).
  static void IncrementEpoch();

  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// A validated module. Compile accepts the binary format, or the text format
// (when the bytes start with '(' after optional whitespace/comments).
class Module {
 public:
  // Errors: kCompile ("...: MESSAGE (at offset 0x..)" / "LINE:COL: MESSAGE").
  static Result<Module> Compile(const Engine& engine, std::span<const uint8_t> bytes);
  static Result<Module> Compile(const Engine& engine, std::string_view text_or_binary);
  struct ExternInfo {
    std::string module;  // imports only
    std::string name;
    enum Kind : uint8_t { kFunc, kTable, kMemory, kGlobal, kTag } kind;
  };
  std::vector<ExternInfo> imports() const;
  std::vector<ExternInfo> exports() const;

  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// Per-store limits. Exceeding one fails the instantiation (kLimit) or makes
// memory.grow / table.grow return -1; stack limits trap "call stack exhausted".
struct StoreLimits {
  uint64_t max_memory_bytes = uint64_t{1} << 32;  // per memory
  uint64_t max_table_elements = 10000000;         // per table
  uint32_t max_instances = UINT32_MAX;            // live instances (default: no limit)
  uint64_t max_stack_slots = uint64_t{1} << 20;   // wasm value stack, 8-byte slots
  uint32_t max_call_depth = 100000;               // wasm frames
};

class Instance;

// The owner of instances and everything they create.
class Store {
 public:
  explicit Store(const Engine& engine, StoreLimits limits = {});
  ~Store();
  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;

  // Fuel metering: code traps "all fuel consumed by WebAssembly" after about
  // `units` wasm instructions; fuel_remaining() is UINT64_MAX while off.
  void SetFuel(uint64_t units);
  uint64_t fuel_remaining() const;
  void DisableFuel();
  // Code traps "interrupt" once Engine::IncrementEpoch has been called
  // `ticks_from_now` more times (UINT64_MAX: never, the default).
  void SetEpochDeadline(uint64_t ticks_from_now);

  // Releases an instance made by InstancePre::Instantiate before the Store
  // dies (its slot is reset and reused); every handle into it becomes invalid.
  // Returns false for other instances (they live as long as the Store).
  bool Drop(const Instance& instance);
  uint32_t instance_count() const;

  // A host function owned by this store (for Linker::Define or Val::FuncRef).
  template <typename F> Func Wrap(F&& f);

  detail::StoreImpl* impl() const { return impl_.get(); }

 private:
  std::unique_ptr<detail::StoreImpl> impl_;
};

// An instantiated module.
class Instance {
 public:
  std::optional<Extern> GetExport(Store&, std::string_view name) const;
  std::optional<Func> GetFunc(Store&, std::string_view name) const;
  std::optional<Memory> GetMemory(Store&, std::string_view name) const;
  std::optional<Table> GetTable(Store&, std::string_view name) const;
  std::optional<Global> GetGlobal(Store&, std::string_view name) const;
  void* raw() const { return inst_; }
  explicit Instance(void* raw) : inst_(raw) {}

 private:
  void* inst_;
};

// What a host function sees besides its arguments.
class Caller {
 public:
  Store& store() { return *store_; }
  // An export of the calling wasm instance (e.g. its "memory"); nullopt when
  // called from the host or the export does not exist.
  std::optional<Extern> GetExport(std::string_view name) const;
  std::optional<Memory> GetMemory(std::string_view name = "memory") const;
  Caller(Store* store, void* instance) : store_(store), instance_(instance) {}

 private:
  Store* store_;
  void* instance_;
};

// An untyped host function: reads `args`, writes `results` (sized by the
// type). Return an Error (kind kTrap, or kExit with a status) to trap.
using HostCallback =
    std::function<Result<void>(Caller& caller, std::span<const Val> args, std::span<Val> results)>;

namespace detail {
// Slot-level host function: args/results in slots; return an Error to trap.
using SlotCallback = std::function<Result<void>(Caller&, const uint64_t* args, uint64_t* results)>;

template <typename T> struct IsResult : std::false_type {};
template <typename T> struct IsResult<Result<T>> : std::true_type { using type = T; };

template <typename F> struct Callable : Callable<decltype(&F::operator())> {};
template <typename C, typename R, typename... A>
struct Callable<R (C::*)(A...) const> { using Ret = R; using Args = std::tuple<A...>; };
template <typename C, typename R, typename... A>
struct Callable<R (C::*)(A...)> { using Ret = R; using Args = std::tuple<A...>; };
template <typename R, typename... A>
struct Callable<R (*)(A...)> { using Ret = R; using Args = std::tuple<A...>; };

// Calls f(caller?, args...) with arguments read from slots, writes results.
template <typename F, typename R, bool kCaller, typename... A>
struct Thunk {
  static SlotCallback Make(F f, FuncType* type) {
    type->params = {KindOf<std::decay_t<A>>::kind...};
    using Plain = typename std::conditional_t<IsResult<R>::value, IsResult<R>, std::type_identity<R>>::type;
    type->results = Results<Plain>::Kinds();
    return [f = std::move(f)](Caller& caller, const uint64_t* args, uint64_t* results) mutable
           -> Result<void> {
      return Invoke(f, caller, args, results, std::index_sequence_for<A...>{});
    };
  }
  template <size_t... I>
  static Result<void> Invoke(F& f, Caller& caller, const uint64_t* args, uint64_t* results,
                             std::index_sequence<I...>) {
    auto call = [&]() -> decltype(auto) {
      if constexpr (kCaller) {
        return f(caller, FromSlot<std::decay_t<A>>(args[I])...);
      } else {
        (void)caller;
        return f(FromSlot<std::decay_t<A>>(args[I])...);
      }
    };
    (void)args;
    if constexpr (IsResult<R>::value) {
      using T = typename IsResult<R>::type;
      if constexpr (std::is_void_v<T>) {
        return call();
      } else {
        R r = call();
        if (!r) return r.error();
        Results<T>::Write(r.value(), results);
        return {};
      }
    } else if constexpr (std::is_void_v<R>) {
      call();
      return {};
    } else {
      Results<R>::Write(call(), results);
      return {};
    }
  }
};

template <typename F, typename R, typename Tuple> struct ThunkFor;
template <typename F, typename R, typename... A>
struct ThunkFor<F, R, std::tuple<Caller&, A...>> { using type = Thunk<F, R, true, A...>; };
template <typename F, typename R, typename... A>
struct ThunkFor<F, R, std::tuple<A...>> { using type = Thunk<F, R, false, A...>; };

template <typename F>
SlotCallback MakeSlotCallback(F&& f, FuncType* type) {
  using D = std::decay_t<F>;
  using C = Callable<D>;
  return ThunkFor<D, typename C::Ret, typename C::Args>::type::Make(std::forward<F>(f), type);
}

Func NewStoreHostFunc(Store& store, const FuncType& type, SlotCallback cb);
}  // namespace detail

template <typename F>
Func Store::Wrap(F&& f) {
  FuncType type;
  detail::SlotCallback cb = detail::MakeSlotCallback(std::forward<F>(f), &type);
  return detail::NewStoreHostFunc(*this, type, std::move(cb));
}

class InstancePre;

// Import resolution by (module name, field name).
class Linker {
 public:
  explicit Linker(const Engine& engine);
  // A typed host function from a lambda / function pointer (see the top of
  // this file for the supported signatures). Store-independent: usable by
  // instances in any Store. A later definition replaces an earlier one.
  template <typename F>
  void FuncWrap(std::string_view module, std::string_view name, F&& f) {
    FuncType type;
    detail::SlotCallback cb = detail::MakeSlotCallback(std::forward<F>(f), &type);
    DefineSlotFunc(module, name, type, std::move(cb));
  }
  // An untyped host function of `type`.
  void FuncNew(std::string_view module, std::string_view name, const FuncType& type,
               HostCallback callback);
  // An object of `store` (it must outlive every instantiation that uses it;
  // an InstancePre made with it can only be instantiated into that store's lifetime).
  void Define(std::string_view module, std::string_view name, const Extern& item);
  // Every export of `instance` under `module`.
  void DefineInstance(Store& store, std::string_view module, const Instance& instance);

  // Resolves imports and instantiates (errors: kLink, kTrap, kLimit).
  Result<Instance> Instantiate(Store& store, const Module& module) const;
  // Resolves and type-checks imports once; see InstancePre.
  Result<InstancePre> InstantiatePre(const Module& module) const;

  struct Impl;
  std::shared_ptr<Impl> impl_;

 private:
  void DefineSlotFunc(std::string_view module, std::string_view name, const FuncType& type,
                      detail::SlotCallback cb);
};

// A module with its imports resolved and its memory image built: each
// Instantiate takes a pre-built instance slot (microseconds, independent of
// data size) when the imports are functions/immutable globals only.
class InstancePre {
 public:
  // A new instance (start function run). Errors: kTrap, kLimit.
  Result<Instance> Instantiate(Store& store) const;
  // Whether instantiation takes the pooled copy-on-write path.
  bool pooled() const;

  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace cascade::api
