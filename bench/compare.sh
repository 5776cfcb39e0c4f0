#!/usr/bin/env bash
# compare.sh - whole-process benchmark of trainpack against the tools people
# use today (issue 7). Times, side by side in one hyperfine run:
#   trainpack check (folder, stored zip, deflated zip), manifest, pack, verify;
#   openssl dgst -sha256 (2 processes, 1 process), sha256sum (2 processes),
#   bagit.py create / validate (2 processes), file --mime-type + ffprobe,
#   and cat (the cost of reading alone);
# then one extra run of each under /usr/bin/time -v for peak memory, and
# `openssl speed -multi 2 -evp sha256` for the hashing limit. Prints a table
# and the target ratios of issue 7, each marked met or missed.
#
# Usage: bash bench/compare.sh
# Environment:
#   CORPUS       corpus dir (default target/bench-corpus); built if it has no package/
#   PRESET       make-corpus.sh preset when building (default large)
#   MAKE_CORPUS  path of make-corpus.sh (default ../shared/bench/make-corpus.sh
#                beside the repository)
#   RESULTS      where results go (default target/bench-results/<timestamp>)
#   RUNS, WARMUP hyperfine runs / warm-up runs (default 3 / 1)
#   JOBS         processes/threads for every tool (default 2)
#   SKIP         regex of benchmark names to leave out (e.g. 'sha256sum|ffprobe')
# Requires: cargo, hyperfine, /usr/bin/time, openssl, coreutils, findutils,
#   bagit.py, file, ffprobe, python3.
set -euo pipefail
export LC_ALL=C.UTF-8

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
MAKE_CORPUS=${MAKE_CORPUS:-$HERE/../../shared/bench/make-corpus.sh}
CORPUS=${CORPUS:-$REPO/target/bench-corpus}
PRESET=${PRESET:-large}
RESULTS=${RESULTS:-$REPO/target/bench-results/$(date +%Y%m%d-%H%M%S)}
RUNS=${RUNS:-3}
WARMUP=${WARMUP:-1}
JOBS=${JOBS:-2}
SKIP=${SKIP:-^$}

# `bash bench/compare.sh --summary RESULTS_DIR` prints the table again from a
# finished run (the numbers it needs are in RESULTS_DIR/meta.env).
if [ "${1:-}" = --summary ]; then
  RESULTS=$(cd "${2:?usage: compare.sh --summary RESULTS_DIR}" && pwd)
  SUMMARY_ONLY=1
fi

if [ -z "${SUMMARY_ONLY:-}" ]; then
for t in hyperfine openssl sha256sum bagit.py file ffprobe python3 cargo; do
  command -v "$t" >/dev/null || { echo "compare.sh: $t not found" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "compare.sh: /usr/bin/time not found (apt-get install time)" >&2; exit 2; }

# ------------------------------------------------------------------ corpus
if [ ! -d "$CORPUS/package" ]; then
  echo "== building the $PRESET corpus in $CORPUS (once)"
  bash "$MAKE_CORPUS" "$CORPUS" "$PRESET"
fi
CORPUS=$(cd "$CORPUS" && pwd)
PKG=$CORPUS/package
STORED=$CORPUS/package-stored.zip
DEFLATE=$CORPUS/package-deflate.zip
for f in "$STORED" "$DEFLATE"; do
  [ -f "$f" ] || { echo "compare.sh: $f missing (corpus built with SKIP_ZIPS=1?)" >&2; exit 2; }
done

# ------------------------------------------------------------------ build
echo "== cargo build --release"
(cd "$REPO" && cargo build --release --quiet)
TP=$REPO/target/release/trainpack

mkdir -p "$RESULTS"
RESULTS=$(cd "$RESULTS" && pwd)
# Scratch beside the corpus, so bag copies can be hard links (same file system).
SCRATCH=$(mktemp -d "$CORPUS/.bench-scratch.XXXXXX")
# pack also writes to memory (tmpfs), where its own work is measured rather
# than the disk's write speed (the bag is as large as the package, and pack
# fsyncs it). Skipped when /dev/shm is missing or too small.
SHM_OUT=
if [ -d /dev/shm ] && [ "$(df -k --output=avail /dev/shm | tail -1)" -gt $(( $(du -sk "$PKG" | cut -f1) * 2 )) ]; then
  SHM_OUT=$(mktemp -d /dev/shm/trainpack-bench.XXXXXX)
fi
trap 'rm -rf "$SCRATCH" ${SHM_OUT:+"$SHM_OUT"}' EXIT

NFILES=$(find "$PKG" -type f | wc -l)
TOTAL_BYTES=$(find "$PKG" -type f -printf '%s\n' | awk '{s+=$1} END {printf "%.0f", s}')
HALF=$(( (NFILES + JOBS - 1) / JOBS ))
# Videos as a provider would pick them: by extension, without macOS resource forks.
find "$PKG" -path '*/__MACOSX' -prune -o -type f \
  \( -iname '*.mp4' -o -iname '*.mov' -o -iname '*.m4v' -o -iname '*.mkv' -o -iname '*.webm' -o -iname '*.avi' \) \
  -print0 > "$SCRATCH/videos.lst"
NVIDEOS=$(tr -cd '\0' < "$SCRATCH/videos.lst" | wc -c)
echo "== corpus: $NFILES files, $TOTAL_BYTES bytes, $NVIDEOS videos"

# ------------------------------------------------------------------ fixtures
# A manifest for verify; a bag for bagit --validate (on a hard-linked copy:
# bagit moves files into data/, which leaves the original tree alone).
# (exit 1 only means the package fails the policy; the manifest is written.)
"$TP" manifest -q -o "$SCRATCH/package.manifest.json" "$PKG" >/dev/null 2>&1 || [ $? -le 1 ]
cp -al "$PKG" "$SCRATCH/bag-validate"
bagit.py --quiet --processes "$JOBS" --sha256 "$SCRATCH/bag-validate" 2>/dev/null

# ------------------------------------------------------------------ warm the page cache
echo "== warming the page cache"
find "$PKG" -type f -print0 | xargs -0 cat > /dev/null
cat "$STORED" "$DEFLATE" > /dev/null
find "$SCRATCH/bag-validate" -type f -print0 | xargs -0 cat > /dev/null

# ------------------------------------------------------------------ hashing limit
echo "== openssl speed -multi $JOBS -evp sha256 (16384-byte blocks)"
SPEED_LINE=$(openssl speed -bytes 16384 -seconds 3 -multi "$JOBS" -evp sha256 2>/dev/null | awk '/^sha256 /{print $2}' | tail -1)
# "1882415.10k": thousands of bytes per second, summed over the processes.
HASH_RATE=$(python3 -c "import sys; v=sys.argv[1]; print(float(v.rstrip('k'))*1000 if v.endswith('k') else float(v))" "$SPEED_LINE")
echo "   $HASH_RATE bytes/s"

# ------------------------------------------------------------------ the commands
q() { printf '%q' "$1"; }
NAMES=() CMDS=() PREPS=()
add() { # name prepare command
  if [[ $1 =~ $SKIP ]]; then return; fi
  NAMES+=("$1") PREPS+=("$2") CMDS+=("$3")
}
SINK=">/dev/null 2>&1"
# check exits 1 when the package fails the policy: a result, not an error.
add check-folder    true "$(q "$TP") check -q -j $JOBS --lang en $(q "$PKG") $SINK; [ \$? -le 1 ]"
add check-stored-zip true "$(q "$TP") check -q -j $JOBS --lang en $(q "$STORED") $SINK; [ \$? -le 1 ]"
add check-deflate-zip true "$(q "$TP") check -q -j $JOBS --lang en $(q "$DEFLATE") $SINK; [ \$? -le 1 ]"
add manifest        true "$(q "$TP") manifest -q -j $JOBS -o $(q "$SCRATCH/m.json") $(q "$PKG") $SINK; [ \$? -le 1 ]"
add pack            "rm -rf $(q "$SCRATCH/packout")" \
                    "$(q "$TP") pack -q --force -j $JOBS -o $(q "$SCRATCH/packout") $(q "$PKG") $SINK; [ \$? -le 1 ]"
[ -n "$SHM_OUT" ] && add pack-tmpfs "rm -rf $(q "$SHM_OUT/packout")" \
                    "$(q "$TP") pack -q --force -j $JOBS -o $(q "$SHM_OUT/packout") $(q "$PKG") $SINK; [ \$? -le 1 ]"
add verify          true "$(q "$TP") verify -j $JOBS --manifest $(q "$SCRATCH/package.manifest.json") $(q "$PKG") $SINK; [ \$? -le 1 ]"
add cat-read        true "find $(q "$PKG") -type f -print0 | xargs -0 cat >/dev/null"
add openssl-2proc   true "find $(q "$PKG") -type f -print0 | xargs -0 -P$JOBS -n$HALF openssl dgst -sha256 >/dev/null"
add openssl-1proc   true "find $(q "$PKG") -type f -print0 | xargs -0 openssl dgst -sha256 >/dev/null"
add sha256sum-2proc true "find $(q "$PKG") -type f -print0 | xargs -0 -P$JOBS -n$HALF sha256sum >/dev/null"
add bagit-create    "rm -rf $(q "$SCRATCH/bag") && cp -al $(q "$PKG") $(q "$SCRATCH/bag")" \
                    "bagit.py --quiet --processes $JOBS --sha256 $(q "$SCRATCH/bag") $SINK"
add bagit-validate  true "bagit.py --quiet --validate --processes $JOBS $(q "$SCRATCH/bag-validate") $SINK"
add file-ffprobe    true "find $(q "$PKG") -type f -exec file --mime-type {} + >/dev/null; xargs -0 -n1 ffprobe -v error -show_format -show_streams -of json < $(q "$SCRATCH/videos.lst") >/dev/null 2>&1"

printf '%s\n' "${CMDS[@]}" > "$RESULTS/commands.txt"
HF=(hyperfine --shell bash --style basic --warmup "$WARMUP" --runs "$RUNS"
    --export-json "$RESULTS/hyperfine.json" --export-markdown "$RESULTS/hyperfine.md")
for i in "${!NAMES[@]}"; do
  HF+=(--command-name "${NAMES[$i]}" --prepare "${PREPS[$i]}")
done
echo "== hyperfine (${#NAMES[@]} commands, $WARMUP warm-up + $RUNS runs each)"
"${HF[@]}" "${CMDS[@]}"

# ------------------------------------------------------------------ peak memory
echo "== peak memory (/usr/bin/time -v, one run each)"
: > "$RESULTS/rss.tsv"
for i in "${!NAMES[@]}"; do
  bash -c "${PREPS[$i]}"
  /usr/bin/time -v -o "$SCRATCH/time.txt" bash -c "${CMDS[$i]}" || true
  kb=$(awk -F': ' '/Maximum resident set size/{print $2}' "$SCRATCH/time.txt")
  printf '%s\t%s\n' "${NAMES[$i]}" "$kb" >> "$RESULTS/rss.tsv"
done
# maxrss counts the largest process among the waited-for children too: in
# auto mode check runs ffprobe on what the built-in probe cannot read (AVI),
# so also measure trainpack alone with --probe builtin.
for src in "$PKG" "$DEFLATE"; do
  name=check-$( [ "$src" = "$PKG" ] && echo folder || echo deflate-zip )-builtin-only
  [[ $name =~ $SKIP ]] && continue
  /usr/bin/time -v -o "$SCRATCH/time.txt" "$TP" check -q -j "$JOBS" --probe builtin "$src" >/dev/null 2>&1 || true
  printf '%s\t%s\n' "$name" "$(awk -F': ' '/Maximum resident set size/{print $2}' "$SCRATCH/time.txt")" >> "$RESULTS/rss.tsv"
done

# ------------------------------------------------------------------ single-video probe cost
ONE_VIDEO=$(tr '\0' '\n' < "$SCRATCH/videos.lst" | head -1)
if [ -n "$ONE_VIDEO" ] && [[ ! ffprobe-one =~ $SKIP ]]; then
  hyperfine --shell bash --style basic --warmup 2 --runs 10 --export-json "$RESULTS/ffprobe-one.json" \
    --command-name ffprobe-one "ffprobe -v error -show_format -show_streams -of json $(q "$ONE_VIDEO") >/dev/null"
fi

# ------------------------------------------------------------------ machine
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu: $(lscpu | awk -F': *' '/Model name/{print $2; exit}'), $(nproc) cores, sha_ni: $(grep -qw sha_ni /proc/cpuinfo && echo yes || echo no)"
  echo "memory: $(free -g | awk '/Mem:/{print $2}') GiB; kernel: $(uname -r)"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "trainpack: $(cd "$REPO" && git rev-parse --short HEAD)$(cd "$REPO" && git diff --quiet HEAD -- src Cargo.toml || echo ' (+ uncommitted changes)')"
  echo "openssl: $(openssl version)"
  echo "bagit: $(bagit.py --version 2>&1 | head -1)"
  echo "ffprobe: $(ffprobe -version | head -1 | cut -d' ' -f1-3)"
  echo "file: $(file --version | head -1)"
  echo "hyperfine: $(hyperfine --version)"
  echo "corpus: $CORPUS ($NFILES files, $TOTAL_BYTES bytes, $NVIDEOS videos)"
  echo "hashing rate (openssl speed -multi $JOBS, 16 KiB): $HASH_RATE B/s"
} > "$RESULTS/machine.txt"

printf 'TOTAL_BYTES=%s\nHASH_RATE=%s\nNVIDEOS=%s\n' "$TOTAL_BYTES" "$HASH_RATE" "$NVIDEOS" > "$RESULTS/meta.env"
fi # SUMMARY_ONLY

# ------------------------------------------------------------------ table and targets
# shellcheck disable=SC1091
. "$RESULTS/meta.env"
python3 - "$RESULTS" "$TOTAL_BYTES" "$HASH_RATE" "$NVIDEOS" <<'PY' | tee "$RESULTS/summary.md"
import json, os, sys
res, total, rate, nvid = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
runs = {r["command"]: r for r in json.load(open(os.path.join(res, "hyperfine.json")))["results"]}
rss = {}
for line in open(os.path.join(res, "rss.tsv")):
    name, kb = line.rstrip("\n").split("\t")
    rss[name] = int(kb) if kb else None
limit = total / rate
med = {k: v["median"] for k, v in runs.items()}

print(open(os.path.join(res, "machine.txt")).read())
print(f"Hashing limit: {total/1e9:.2f} GB / {rate/1e9:.2f} GB/s = {limit:.2f} s\n")
print("| command | median s | min–max s | MB/s (median) | CPU s (user+sys, mean) | peak RSS MiB |")
print("|---|---:|---:|---:|---:|---:|")
for name, r in runs.items():
    m = rss.get(name)
    mem = f"{m/1024:.1f}" if m else "?"
    print(f"| {name} | {r['median']:.2f} | {r['min']:.2f}–{r['max']:.2f} | "
          f"{total/r['median']/1e6:.0f} | {r['user']+r['system']:.2f} | {mem} |")
for name in ("check-folder-builtin-only", "check-deflate-zip-builtin-only"):
    if rss.get(name):
        print(f"| {name} (memory run only) | | | | | {rss[name]/1024:.1f} |")
one = os.path.join(res, "ffprobe-one.json")
if os.path.exists(one):
    r = json.load(open(one))["results"][0]
    print(f"\nffprobe on one video: median {r['median']*1000:.0f} ms (min {r['min']*1000:.0f}, max {r['max']*1000:.0f}); "
          f"× {nvid} videos ≈ {r['median']*nvid:.1f} s")
print("\n(peak RSS of pipelines is the largest single process, not the sum.)\n")

targets = []
def ratio(label, num, den_value, den_label, limit_ratio):
    if num not in med or den_value is None:
        return
    x = med[num] / den_value
    targets.append((label, f"{med[num]:.2f} / {den_value:.2f} ({den_label})", x, limit_ratio, x <= limit_ratio))
ratio("check folder ≤ bagit --validate", "check-folder", med.get("bagit-validate"), "bagit-validate", 1.0)
ratio("check folder ≤ openssl 2 proc", "check-folder", med.get("openssl-2proc"), "openssl-2proc", 1.0)
ratio("check folder ≤ 1.3 × hashing limit", "check-folder", limit, "limit", 1.3)
ratio("check stored zip ≤ 1.15 × folder", "check-stored-zip", med.get("check-folder"), "check-folder", 1.15)
ratio("check deflated zip ≤ 1.5 × folder", "check-deflate-zip", med.get("check-folder"), "check-folder", 1.5)
ratio("verify ≤ 1.3 × hashing limit", "verify", limit, "limit", 1.3)
ratio("pack ≤ 2 × openssl 2 proc", "pack", med.get("openssl-2proc"), "openssl-2proc", 2.0)
ratio("pack to tmpfs ≤ 2 × openssl 2 proc", "pack-tmpfs", med.get("openssl-2proc"), "openssl-2proc", 2.0)
print("| target | medians | ratio | bound | met |")
print("|---|---|---:|---:|---|")
for label, how, x, bound, ok in targets:
    print(f"| {label} | {how} | {x:.2f} | {bound:.2f} | {'yes' if ok else '**no**'} |")
for name in ("check-folder", "check-stored-zip", "check-deflate-zip", "manifest", "pack", "pack-tmpfs", "verify",
             "check-folder-builtin-only", "check-deflate-zip-builtin-only"):
    if rss.get(name):
        mib = rss[name] / 1024
        print(f"| peak memory {name} ≤ 64 MiB | | {mib:.1f} MiB | 64 | {'yes' if mib <= 64 else '**no**'} |")
PY
echo "== results in $RESULTS"
