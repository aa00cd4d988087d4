// Text forms of types and constant expressions (see type_printer.h).
#include "tools/cascade/type_printer.h"

#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "engine/reader.h"

namespace cascade::cli {
namespace {

// Abstract heap type by its binary code (spec 5.3.3), for ref.null.
const char* AbstractCodeName(uint8_t code) {
  switch (code) {
    case typecode::kFunc: return "func";
    case typecode::kNoFunc: return "nofunc";
    case typecode::kExtern: return "extern";
    case typecode::kNoExtern: return "noextern";
    case typecode::kAny: return "any";
    case typecode::kEq: return "eq";
    case typecode::kI31: return "i31";
    case typecode::kStruct: return "struct";
    case typecode::kArray: return "array";
    case typecode::kNone: return "none";
    case typecode::kExn: return "exn";
    case typecode::kNoExn: return "noexn";
    default: return nullptr;
  }
}

std::string FieldText(const FieldType& f) {
  std::string t = ValTypeText(f.type);
  return f.mut ? "(mut " + t + ")" : t;
}

}  // namespace

std::string SubTypeText(const Module& module, const SubType& type) {
  std::string comp;
  switch (type.kind) {
    case CompositeKind::kFunc: {
      comp = "(func";
      auto params = module.params(type);
      auto results = module.results(type);
      if (!params.empty()) {
        comp += " (param";
        for (ValType v : params) comp += " " + ValTypeText(v);
        comp += ")";
      }
      if (!results.empty()) {
        comp += " (result";
        for (ValType v : results) comp += " " + ValTypeText(v);
        comp += ")";
      }
      comp += ")";
      break;
    }
    case CompositeKind::kStruct: {
      comp = "(struct";
      for (const FieldType& f : module.fields(type)) comp += " (field " + FieldText(f) + ")";
      comp += ")";
      break;
    }
    case CompositeKind::kArray: {
      auto fields = module.fields(type);
      comp = "(array " + (fields.empty() ? std::string("?") : FieldText(fields[0])) + ")";
      break;
    }
  }
  if (type.is_final && type.supertype == SubType::kNoSupertype) return comp;
  std::string sub = type.is_final ? "(sub final " : "(sub ";
  if (type.supertype != SubType::kNoSupertype) sub += std::to_string(type.supertype) + " ";
  return sub + comp + ")";
}

std::string ConstExprText(const Module& module, ByteRange expr) {
  if (expr.size == 0 || expr.end() > module.bytes.size()) return "<none>";
  const uint8_t* base = module.bytes.data();
  Reader r(base, base + expr.offset, base + expr.end());
  std::string out;
  char buf[64];
  auto add = [&out](const std::string& s) {
    if (!out.empty()) out += ' ';
    out += s;
  };
  while (r.ok() && !r.at_end()) {
    uint8_t op = r.u8();
    switch (op) {
      case 0x0B:  // end
        return out.empty() ? "<empty>" : out;
      case 0x41: add("i32.const " + std::to_string(r.s32())); break;
      case 0x42: add("i64.const " + std::to_string(r.s64())); break;
      case 0x43: {
        uint32_t bits = r.fixed_u32();
        float f;
        std::memcpy(&f, &bits, 4);
        std::snprintf(buf, sizeof buf, "f32.const %g", static_cast<double>(f));
        add(buf);
        break;
      }
      case 0x44: {
        uint64_t bits = r.fixed_u64();
        double d;
        std::memcpy(&d, &bits, 8);
        std::snprintf(buf, sizeof buf, "f64.const %g", d);
        add(buf);
        break;
      }
      case 0x23: add("global.get " + std::to_string(r.u32())); break;
      case 0xD2: add("ref.func " + std::to_string(r.u32())); break;
      case 0xD0: {
        int64_t ht = r.s33();
        if (ht >= 0) {
          add("ref.null " + std::to_string(ht));
        } else {
          const char* name = AbstractCodeName(static_cast<uint8_t>(ht & 0x7F));
          add(std::string("ref.null ") + (name ? name : "?"));
        }
        break;
      }
      case 0x6A: add("i32.add"); break;
      case 0x6B: add("i32.sub"); break;
      case 0x6C: add("i32.mul"); break;
      case 0x7C: add("i64.add"); break;
      case 0x7D: add("i64.sub"); break;
      case 0x7E: add("i64.mul"); break;
      default:
        // GC (0xFB) and SIMD (0xFD) constant instructions: not spelled out here.
        std::snprintf(buf, sizeof buf, "<opcode 0x%02x ...>", op);
        add(buf);
        return out;
    }
  }
  add("<truncated>");
  return out;
}

}  // namespace cascade::cli
