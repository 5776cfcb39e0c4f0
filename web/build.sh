#!/usr/bin/env bash
# Builds trainpack.html: the browser build of trainpack, one self-contained
# file (wasm, JS and CSS inlined) that opens from disk with no server.
#
#   web/build.sh [OUT]        OUT defaults to target/web/trainpack.html
#
# Needs: the wasm32-unknown-unknown target (rustup target add
# wasm32-unknown-unknown), wasm-bindgen-cli at the exact version of the
# wasm-bindgen crate pinned in crates/web/Cargo.toml (cargo install wasm-bindgen-cli
# --version X), python3.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/target/web/trainpack.html}"
manifest="$root/crates/web/Cargo.toml"
target_dir="${CARGO_TARGET_DIR:-$root/target}"

# wasm-bindgen-cli must match the wasm-bindgen crate exactly; the crate's
# Cargo.toml pins it with "=".
want="$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' "$manifest")"

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  echo "web/build.sh: the wasm32-unknown-unknown target is missing; run: rustup target add wasm32-unknown-unknown" >&2
  exit 2
fi

# simd128: sha2's wasm SIMD SHA-256 (61 vs 42 MB/s in Node on a loaded
# machine); every browser that runs this page has wasm SIMD. Set only for
# the wasm target, so host builds keep their cache.
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="${CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS:--C target-feature=+simd128}"
cargo build --manifest-path "$manifest" --target wasm32-unknown-unknown --profile web --target-dir "$target_dir"

wasm="$target_dir/wasm32-unknown-unknown/web/trainpack_web.wasm"
have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
if [ "$have" != "$want" ]; then
  echo "web/build.sh: wasm-bindgen-cli ${have:-is not installed}; the crate uses wasm-bindgen $want. Run: cargo install wasm-bindgen-cli --version $want" >&2
  exit 2
fi

gen="$target_dir/web/bindgen"
mkdir -p "$gen" "$(dirname "$out")"
# no-modules: a classic script defining `wasm_bindgen`, which a blob: worker
# can run as is (ES modules would need a module worker and import URLs).
wasm-bindgen --target no-modules --no-typescript --out-dir "$gen" "$wasm"
bg="$gen/trainpack_web_bg.wasm"
if command -v wasm-opt >/dev/null 2>&1; then
  # -all: accept every feature rustc emits (simd128, bulk memory, …).
  if wasm-opt -O3 -all "$bg" -o "$bg.opt"; then
    mv "$bg.opt" "$bg"
  else
    echo "web/build.sh: wasm-opt failed; the page keeps the wasm as rustc made it" >&2
  fi
fi

version="$(awk -F'"' '/^version = / {print $2; exit}' "$root/Cargo.toml")"
python3 "$root/web/assemble.py" "$gen/trainpack_web.js" "$bg" "$version" "$out"
size=$(stat -c %s "$out")
echo "web/build.sh: wrote $out ($((size / 1024)) KiB; wasm $(( $(stat -c %s "$bg") / 1024 )) KiB)"
