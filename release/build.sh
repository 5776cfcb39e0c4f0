#!/usr/bin/env bash
# release/build.sh - the release archives, with one command:
#
#   bash release/build.sh [OUT_DIR]          (default: target/dist)
#
# Builds, each in a target folder of its own under target/release-build/
# (so it never waits for the lock of a `cargo build` or `cargo test`):
#   trainpack-VERSION-x86_64-linux-musl.tar.gz   static Linux binary (musl: runs on any x86_64 Linux)
#   trainpack-VERSION-x86_64-windows.zip         trainpack.exe (x86_64-pc-windows-gnu, mingw)
#   trainpack-VERSION-web.zip                    trainpack.html (web/build.sh)
# Each archive holds a SHA256SUMS of its contents; OUT_DIR/SHA256SUMS lists the archives.
# Archives are reproducible: sorted entries, fixed owner and time (SOURCE_DATE_EPOCH, else
# the last commit's time).
#
# Needs: rustup targets x86_64-unknown-linux-musl and x86_64-pc-windows-gnu, musl-tools
# (musl-gcc: rusqlite's bundled SQLite and zstd-sys are C), gcc-mingw-w64-x86-64, zip,
# and what web/build.sh needs (the wasm32-unknown-unknown target, wasm-bindgen-cli).
# Set RELEASE_SKIP=web (or linux, windows; comma-separated) to leave parts out.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$(mkdir -p "${1:-target/dist}" && cd "${1:-target/dist}" && pwd)
BUILD="$ROOT/target/release-build"
SKIP=",${RELEASE_SKIP:-},"
LINUX=x86_64-unknown-linux-musl
WINDOWS=x86_64-pc-windows-gnu

die() { echo "release/build.sh: $*" >&2; exit 2; }
# `cargo pkgid` ends in `#0.1.0` or `#trainpack@0.1.0`.
VERSION=$(cargo pkgid --quiet -p trainpack | sed 's/.*[#@]//')
[ -n "$VERSION" ] || die "cannot read the version of the trainpack package"
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}

need_target() {
  rustup target list --installed | grep -qx "$1" \
    || die "the rust target $1 is missing: rustup target add $1"
}
need_cmd() { command -v "$1" >/dev/null 2>&1 || die "$1 is missing: $2"; }

# Write SHA256SUMS in DIR for the files in it (sha256sum format, sorted names).
sums() { (cd "$1" && find . -type f ! -name SHA256SUMS -printf '%P\n' | LC_ALL=C sort | xargs -d '\n' sha256sum > SHA256SUMS); }
# Set every file's time in DIR to SOURCE_DATE_EPOCH, so archives are reproducible.
touch_all() { find "$1" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +; }

STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
archives=()

if [[ $SKIP != *,linux,* ]]; then
  need_target "$LINUX"; need_cmd musl-gcc "apt-get install musl-tools"
  # Rust links musl targets statically (crt-static); musl-gcc compiles the C of
  # rusqlite's bundled SQLite and zstd-sys against musl instead of glibc.
  CC_x86_64_unknown_linux_musl=musl-gcc CARGO_TARGET_DIR="$BUILD/linux" \
    cargo build --release --locked --bin trainpack --target "$LINUX"
  bin="$BUILD/linux/$LINUX/release/trainpack"
  # Proof it is static and runs: `file` says so (static-pie counts), `ldd` finds no libraries,
  # and it passes the bundled sample.
  file "$bin" | grep -Eq 'statically linked|static-pie linked' || die "$bin is not statically linked: $(file "$bin")"
  ldd_out=$(ldd "$bin" 2>&1 || true)
  case "$ldd_out" in
    *"statically linked"*|*"not a dynamic executable"*) ;;
    *) die "ldd lists shared libraries for $bin: $ldd_out" ;;
  esac
  "$bin" check samples/pass -q --probe builtin || die "$bin check samples/pass failed"
  name="trainpack-$VERSION-x86_64-linux-musl"
  mkdir -p "$STAGE/$name"
  cp "$bin" "$STAGE/$name/trainpack"
  strip "$STAGE/$name/trainpack"
  cp README.md "$STAGE/$name/"
  sums "$STAGE/$name"; touch_all "$STAGE/$name"
  tar -C "$STAGE" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
    -cf - "$name" | gzip -9n > "$OUT/$name.tar.gz"
  archives+=("$name.tar.gz")
fi

if [[ $SKIP != *,windows,* ]]; then
  need_target "$WINDOWS"; need_cmd x86_64-w64-mingw32-gcc "apt-get install gcc-mingw-w64-x86-64"
  CARGO_TARGET_DIR="$BUILD/windows" cargo build --release --locked --bin trainpack --target "$WINDOWS"
  name="trainpack-$VERSION-x86_64-windows"
  mkdir -p "$STAGE/$name"
  cp "$BUILD/windows/$WINDOWS/release/trainpack.exe" "$STAGE/$name/"
  x86_64-w64-mingw32-strip "$STAGE/$name/trainpack.exe"
  cp README.md "$STAGE/$name/"
  sums "$STAGE/$name"; touch_all "$STAGE/$name"
  rm -f "$OUT/$name.zip"
  (cd "$STAGE" && find "$name" -type f | LC_ALL=C sort | zip -X -q -9 "$OUT/$name.zip" -@)
  archives+=("$name.zip")
fi

if [[ $SKIP != *,web,* ]]; then
  [ -f web/build.sh ] || die "web/build.sh is missing (the page's build)"
  name="trainpack-$VERSION-web"
  mkdir -p "$STAGE/$name"
  CARGO_TARGET_DIR="$BUILD/web" bash web/build.sh "$STAGE/$name/trainpack.html"
  [ -s "$STAGE/$name/trainpack.html" ] || die "web/build.sh wrote no trainpack.html"
  sums "$STAGE/$name"; touch_all "$STAGE/$name"
  rm -f "$OUT/$name.zip"
  (cd "$STAGE" && find "$name" -type f | LC_ALL=C sort | zip -X -q -9 "$OUT/$name.zip" -@)
  archives+=("$name.zip")
fi

[ ${#archives[@]} -gt 0 ] || die "nothing to build (RELEASE_SKIP=$RELEASE_SKIP)"
(cd "$OUT" && sha256sum "${archives[@]}" > SHA256SUMS)
echo "release archives in $OUT:"
(cd "$OUT" && ls -l "${archives[@]}" SHA256SUMS)
