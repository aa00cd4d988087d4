// Text forms of types and constant expressions for `cascade inspect`, in the
// text format's spelling (spec 6 "Text Format"): `i32`, `funcref`,
// `(ref null 3)`, `(func (param i32) (result i64))`, `i32.const 1024`.
//
// Invariants: printing never fails; bytes it cannot interpret are shown as
// `<...>` placeholders rather than rejected (inspect may run with --no-validate).
#pragma once

#include <string>

#include "engine/module.h"
#include "engine/type_text.h"
#include "engine/value_type.h"

namespace cascade::cli {

using cascade::HeapTypeText;  // engine/type_text.h
using cascade::ValTypeText;
// "(func (param i32 i32) (result i32))", "(struct (field (mut i32)) (field i8))",
// "(array (mut i16))", wrapped as "(sub final? SUPER? ...)" when the subtype is
// not final or declares a supertype.
std::string SubTypeText(const Module& module, const SubType& type);
// A constant expression, instructions separated by spaces and without the
// final `end`: "i32.const 1024", "global.get 0 i32.const 16 i32.add".
std::string ConstExprText(const Module& module, ByteRange expr);

}  // namespace cascade::cli
