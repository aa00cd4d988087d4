#!/usr/bin/env python3
"""tools/tests/real_modules.py: Cascade against V8 on real-world modules.

1. Fetches the yosys core module (@yowasp/yosys, gen/yosys.core.wasm, ~30 MB)
   and Ruby (@ruby/3.4-wasm-wasi, dist/ruby.wasm, ~16 MB) with `npm pack` into
   build/npm/ (tools/tests/npm_fetch.sh); checks `cascade validate` accepts both.
2. Makes seeded mutants of them (flip bytes, truncate, insert bytes) in a tmpfs
   directory, validates each batch with one `cascade validate` process and one
   node process (WebAssembly.validate, with V8's Wasm 3.0 feature flags), and
   compares the verdicts. cascade must never die by a signal (exit 0 or 1 only).

Every disagreement is listed with both engines' messages. Exit status: 0 when
everything agrees, 1 on a crash or disagreement, 77 (skipped) when npm or the
registry is unavailable, with the reason printed.

Usage: real_modules.py PATH/TO/cascade [--mutants N] [--seed S] [--keep DIR]
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SKIP = 77
# V8 11.3 (node 20) needs flags for the Wasm 3.0 features it has.
NODE_FLAGS = ["--experimental-wasm-gc", "--experimental-wasm-memory64",
              "--experimental-wasm-extended-const", "--experimental-wasm-return-call",
              "--experimental-wasm-relaxed-simd"]
MODULES = [("CASCADE_YOSYS_PKG", "package/gen/yosys.core.wasm"),
           ("CASCADE_RUBY_PKG", "package/dist/ruby.wasm")]

NODE_VALIDATE = r"""
const fs = require('fs');
const out = {};
for (const f of process.argv.slice(1)) {
  const bytes = fs.readFileSync(f);
  out[f] = WebAssembly.validate(bytes);
}
process.stdout.write(JSON.stringify(out));
"""
NODE_WHY = r"""
const fs = require('fs');
try { new WebAssembly.Module(fs.readFileSync(process.argv[1])); console.log('valid'); }
catch (e) { console.log(String(e.message).replace(/^WebAssembly.Module\(\): /, '')); }
"""


def supported_node_flags():
    """NODE_FLAGS that this node's V8 knows (another node version may lack some)."""
    r = subprocess.run(["node", "--v8-options"], capture_output=True, text=True)
    return [f for f in NODE_FLAGS if f in r.stdout]


def fetch(pkg_var, inner):
    script = (f'source "{ROOT}/tools/tests/npm_fetch.sh" && '
              f'npm_fetch_file "${pkg_var}" "{inner}"')
    r = subprocess.run(["bash", "-c", script], capture_output=True, text=True)
    if r.returncode != 0:
        return None, r.stderr.strip() or "npm pack failed"
    return r.stdout.strip(), None


def mutate(data, rng):
    kind = rng.choice(["flip", "flip", "flip_head", "truncate", "insert"])
    b = bytearray(data)
    if kind == "flip" or kind == "flip_head":
        # flip_head aims at the first 64 KiB: type, import, function, table,
        # memory, global and export sections of these modules live there.
        limit = min(len(b), 65536) if kind == "flip_head" else len(b)
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(8, limit)
            b[i] ^= rng.randint(1, 255)
        return kind, bytes(b)
    if kind == "truncate":
        return kind, bytes(b[:rng.randrange(0, len(b))])
    i = rng.randrange(8, len(b))
    ins = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
    return kind, bytes(b[:i]) + ins + bytes(b[i:])


# Sanitizer builds exit with 1 on a report by default, which would read as
# "invalid": make a report a distinct exit status.
CASCADE_ENV = dict(os.environ)
for var in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):
    CASCADE_ENV[var] = ":".join(filter(None, [CASCADE_ENV.get(var, ""), "exitcode=86", "halt_on_error=1"]))


def cascade_verdicts(cascade, files):
    """Runs one `cascade validate` over `files`; returns ({file: error or None}, crashes)."""
    r = subprocess.run([cascade, "validate", *files], capture_output=True, text=True,
                       errors="replace", env=CASCADE_ENV)
    if r.returncode in (0, 1):
        errors = {}
        for line in r.stderr.splitlines():
            f, sep, msg = line.partition(": error: ")
            if sep:
                errors[f] = msg
        return {f: errors.get(f) for f in files}, []
    # A crash: find the culprit(s) one file at a time.
    verdicts, crashes = {}, []
    for f in files:
        r = subprocess.run([cascade, "validate", f], capture_output=True, text=True, errors="replace",
                           env=CASCADE_ENV)
        if r.returncode not in (0, 1):
            crashes.append((f, r.returncode, r.stderr[-300:]))
            verdicts[f] = "CRASH"
        else:
            verdicts[f] = None if r.returncode == 0 else r.stderr.partition(": error: ")[2].strip()
    return verdicts, crashes


def node_verdicts(files):
    r = subprocess.run(["node", *NODE_FLAGS, "-e", NODE_VALIDATE, *files],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("node failed: " + r.stderr[-500:])
    return json.loads(r.stdout)


def node_why(f):
    r = subprocess.run(["node", *NODE_FLAGS, "-e", NODE_WHY, f], capture_output=True, text=True)
    return (r.stdout or r.stderr).strip()[:200]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cascade")
    ap.add_argument("--mutants", type=int, default=int(os.environ.get("REAL_MODULES_MUTANTS", "300")))
    ap.add_argument("--seed", type=int, default=20260101)
    ap.add_argument("--batch", type=int, default=25)
    ap.add_argument("--keep", help="copy disagreeing and crashing mutants here")
    args = ap.parse_args()

    if shutil.which("node") is None:
        print("real_modules: SKIP: node is not installed")
        return SKIP
    NODE_FLAGS[:] = supported_node_flags()
    print(f"real_modules: node {subprocess.run(['node', '--version'], capture_output=True, text=True).stdout.strip()} "
          f"with {' '.join(NODE_FLAGS)}")
    originals = []
    for var, inner in MODULES:
        path, err = fetch(var, inner)
        if path is None:
            print(f"real_modules: SKIP: cannot fetch {inner}: {err}")
            return SKIP
        originals.append(path)

    failures = 0
    verdicts, crashes = cascade_verdicts(args.cascade, originals)
    for f in originals:
        size = os.path.getsize(f) / 1e6
        if verdicts[f] is None:
            print(f"ok   {os.path.basename(f)} ({size:.1f} MB) is valid")
        else:
            failures += 1
            print(f"FAIL {os.path.basename(f)} ({size:.1f} MB) rejected: {verdicts[f]}")

    tmpfs = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    work = tempfile.mkdtemp(prefix="cascade-mutants-", dir=tmpfs)
    rng = random.Random(args.seed)
    datas = [open(f, "rb").read() for f in originals]
    agree = disagree = crashed = 0
    counts = {"valid": 0, "invalid": 0}
    try:
        done = 0
        while done < args.mutants:
            n = min(args.batch, args.mutants - done)
            batch, how = [], {}
            for k in range(n):
                which = rng.randrange(len(datas))
                kind, data = mutate(datas[which], rng)
                name = os.path.join(work, f"m{done + k:04d}_{os.path.basename(originals[which])[:5]}_{kind}.wasm")
                with open(name, "wb") as out:
                    out.write(data)
                batch.append(name)
                how[name] = kind
            ours, crashes = cascade_verdicts(args.cascade, batch)
            theirs = node_verdicts(batch)
            for f, code, tail in crashes:
                crashed += 1
                print(f"FAIL crash: {os.path.basename(f)} exit {code}: {tail.strip()[-200:]}")
                if args.keep:
                    os.makedirs(args.keep, exist_ok=True)
                    shutil.copy(f, args.keep)
            for f in batch:
                if ours[f] == "CRASH":
                    continue
                ours_valid = ours[f] is None
                counts["valid" if theirs[f] else "invalid"] += 1
                if ours_valid == theirs[f]:
                    agree += 1
                    continue
                disagree += 1
                print(f"DISAGREE {os.path.basename(f)}: cascade says "
                      f"{'valid' if ours_valid else 'invalid: ' + ours[f]}; "
                      f"V8 says {'valid' if theirs[f] else 'invalid: ' + node_why(f)}")
                if args.keep:
                    os.makedirs(args.keep, exist_ok=True)
                    shutil.copy(f, args.keep)
            for f in batch:
                os.unlink(f)
            done += n
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"real_modules: {args.mutants} mutants (V8: {counts['valid']} valid, "
          f"{counts['invalid']} invalid): {agree} agree, {disagree} disagree, {crashed} crashed")
    failures += disagree + crashed
    originals_ok = sum(1 for f in originals if verdicts[f] is None)
    print(f"real_modules: {agree + originals_ok} passed, {failures} failed")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
