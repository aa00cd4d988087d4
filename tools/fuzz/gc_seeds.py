#!/usr/bin/env python3
"""tools/fuzz/gc_seeds.py: writes hand-assembled Wasm 3.0 GC modules (rec groups,
struct/array types, subtyping, GC instructions) as fuzz seeds, since wabt 1.0.32
cannot assemble the final GC encoding. Usage: gc_seeds.py OUT_DIR"""
import os
import sys


def leb(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def sleb(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if (n == 0 and not b & 0x40) or (n == -1 and b & 0x40):
            out.append(b)
            return bytes(out)
        out.append(b | 0x80)


def vec(items):
    return leb(len(items)) + b"".join(items)


def section(sid, payload):
    return bytes([sid]) + leb(len(payload)) + payload


def module(*sections):
    return b"\0asm\1\0\0\0" + b"".join(sections)


I32, I64, F64, I8, I16 = b"\x7f", b"\x7e", b"\x7c", b"\x78", b"\x77"
ANYREF, EQREF, STRUCTREF = b"\x6e", b"\x6d", b"\x6b"


def ref(idx, null=True):
    return (b"\x63" if null else b"\x64") + sleb(idx)


def func_type(params, results):
    return b"\x60" + vec(params) + vec(results)


def struct_type(fields):  # fields: [(storage type bytes, mutable)]
    return b"\x5f" + vec([t + (b"\x01" if m else b"\x00") for t, m in fields])


def array_type(t, m):
    return b"\x5e" + t + (b"\x01" if m else b"\x00")


def sub(supers, comp, final=False):
    return (b"\x4f" if final else b"\x50") + vec([leb(s) for s in supers]) + comp


def rec(types):
    return b"\x4e" + vec(types)


def code(locals_, body):
    f = vec([leb(n) + t for n, t in locals_]) + body + b"\x0b"
    return leb(len(f)) + f


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    seeds = {}

    # A linked list and a tree in one rec group, a subtype chain, an array.
    types = section(1, vec([
        rec([struct_type([(I32, False), (ref(1), True)]),            # 0 list
             struct_type([(ref(0), True), (ref(1), True)])]),        # 1 tree
        sub([], struct_type([(I32, True)])),                         # 2 base
        sub([2], struct_type([(I32, True), (I64, False)])),          # 3 derived
        sub([3], struct_type([(I32, True), (I64, False), (I8, True)]), final=True),  # 4
        array_type(I16, True),                                       # 5 array i16
        func_type([ref(3, False)], [I32]),                            # 6
        func_type([], [ANYREF]),                                     # 7
    ]))
    funcs = section(3, vec([leb(6), leb(7)]))
    # func 0: (struct.get 3 0 (local.get 0))
    body0 = b"\x20\x00" + b"\xfb\x02" + leb(3) + leb(0)
    # func 1: (drop (array.new_default 5 (i32.const 4))) (ref.i31 (i32.const 7))
    body1 = (b"\x41\x04" + b"\xfb\x07" + leb(5) + b"\x1a" +
             b"\x41\x07" + b"\xfb\x1c")
    seeds["gc_types.wasm"] = module(types, funcs, section(10, vec([code([], body0), code([], body1)])))

    # Only types: deep subtype chain and a big rec group.
    chain = [sub([], struct_type([]))] + [sub([i], struct_type([(I32, False)] * (i + 1))) for i in range(15)]
    seeds["gc_chain.wasm"] = module(section(1, vec(chain)))
    group = rec([struct_type([(ref((i + 1) % 12), True)]) for i in range(12)])
    seeds["gc_rec_group.wasm"] = module(section(1, vec([group, group])))

    # ref.test / ref.cast / br_on_cast on an anyref parameter.
    types2 = section(1, vec([struct_type([(I32, False)]), func_type([ANYREF], [I32])]))
    body = (b"\x20\x00" + b"\xfb\x14" + sleb(0) +                 # ref.test (ref 0)
            b"\x1a" +
            b"\x02\x63\x00" +                                     # block (result (ref null 0))
            b"\x20\x00" + b"\xfb\x18\x03\x00" + sleb(-18) + sleb(0) +  # br_on_cast 0 anyref (ref null 0)
            b"\x1a\xd0\x00" +                                     # drop; ref.null 0
            b"\x0b" + b"\xd4" + b"\xfb\x02\x00\x00")              # end; ref.as_non_null; struct.get 0 0
    seeds["gc_casts.wasm"] = module(types2, section(3, vec([leb(1)])),
                                    section(10, vec([code([], body)])))
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
