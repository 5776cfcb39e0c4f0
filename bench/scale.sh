#!/usr/bin/env bash
# scale.sh - how trainpack check scales (issue 7, item 3): time and peak memory
# of `trainpack check` against `openssl dgst -sha256` on 2 processes, over
#   - corpora of growing size (make-corpus.sh `large` preset with fewer or more
#     lesson videos: about 0.3, 3 and 10 GB),
#   - packages of growing file count (1k, 10k, 100k random files of 1-8 KiB),
#   - one sparse 20 GB file (peak memory; timed once).
#
# Usage: bash bench/scale.sh
# Environment:
#   SCALE_DIR    where corpora are built (default target/bench-scale); kept for reuse
#   SIZES        corpus sizes to run, of "0.3 3 10" (default all three)
#   CORPUS_3     an existing 3 GB corpus to reuse (a make-corpus.sh `large` dir)
#   COUNTS       file counts (default "1000 10000 100000")
#   SPARSE_GB    size of the sparse file, 0 to skip (default 20)
#   MAKE_CORPUS, RUNS (3), WARMUP (1), JOBS (2), RESULTS as in compare.sh
set -euo pipefail
export LC_ALL=C.UTF-8

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
MAKE_CORPUS=${MAKE_CORPUS:-$HERE/../../shared/bench/make-corpus.sh}
SCALE_DIR=${SCALE_DIR:-$REPO/target/bench-scale}
SIZES=${SIZES:-0.3 3 10}
COUNTS=${COUNTS:-1000 10000 100000}
SPARSE_GB=${SPARSE_GB:-20}
RUNS=${RUNS:-3}
WARMUP=${WARMUP:-1}
JOBS=${JOBS:-2}
RESULTS=${RESULTS:-$REPO/target/bench-results/scale-$(date +%Y%m%d-%H%M%S)}

mkdir -p "$SCALE_DIR" "$RESULTS"
SCALE_DIR=$(cd "$SCALE_DIR" && pwd)
RESULTS=$(cd "$RESULTS" && pwd)
echo "== cargo build --release"
(cd "$REPO" && cargo build --release --quiet)
TP=$REPO/target/release/trainpack
: > "$RESULTS/rows.tsv"

# Times check and openssl-2proc on one package folder; appends a row.
measure() { # label dir runs warmup
  local label=$1 dir=$2 runs=$3 warmup=$4
  local files bytes half
  files=$(find "$dir" -type f | wc -l)
  bytes=$(find "$dir" -type f -printf '%s\n' | awk '{s+=$1} END {printf "%.0f", s}')
  half=$(( (files + JOBS - 1) / JOBS ))
  echo "== $label: $files files, $bytes bytes"
  find "$dir" -type f -print0 | xargs -0 cat > /dev/null   # warm the page cache
  local q; q=$(printf '%q' "$dir")
  hyperfine --shell bash --style basic --warmup "$warmup" --runs "$runs" \
    --export-json "$RESULTS/$label.json" \
    --command-name check "$(printf '%q' "$TP") check -q -j $JOBS --lang en $q >/dev/null 2>&1; [ \$? -le 1 ]" \
    --command-name openssl-2proc "find $q -type f -print0 | xargs -0 -P$JOBS -n$half openssl dgst -sha256 >/dev/null"
  /usr/bin/time -v -o "$RESULTS/$label.time" "$TP" check -q -j "$JOBS" --lang en "$dir" >/dev/null 2>&1 || true
  /usr/bin/time -v -o "$RESULTS/$label.builtin.time" "$TP" check -q -j "$JOBS" --probe builtin "$dir" >/dev/null 2>&1 || true
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$files" "$bytes" "$RESULTS/$label.json" \
    "$(awk -F': ' '/Maximum resident set size/{print $2}' "$RESULTS/$label.time")" \
    "$(awk -F': ' '/Maximum resident set size/{print $2}' "$RESULTS/$label.builtin.time")" >> "$RESULTS/rows.tsv"
}

# ------------------------------------------------------------------ sizes
for size in $SIZES; do
  case $size in
    0.3) dir=$SCALE_DIR/size-0.3; knobs=(N_VIDEOS=3 LESSONS_PER_MODULE=3 N_EXTRAS=1) ;;
    3)   dir=${CORPUS_3:-$SCALE_DIR/size-3}; knobs=() ;;
    10)  dir=$SCALE_DIR/size-10; knobs=(N_VIDEOS=135 LESSONS_PER_MODULE=9) ;;
    *) echo "unknown size $size (0.3|3|10)" >&2; exit 2 ;;
  esac
  if [ ! -d "$dir/package" ]; then
    echo "== building the ${size} GB corpus in $dir"
    env "${knobs[@]}" SKIP_ZIPS=1 bash "$MAKE_CORPUS" "$dir" large
  fi
  measure "size-${size}GB" "$dir/package" "$RUNS" "$WARMUP"
done

# ------------------------------------------------------------------ file counts
for n in $COUNTS; do
  dir=$SCALE_DIR/files-$n
  if [ ! -d "$dir" ]; then
    echo "== generating $n files of 1-8 KiB in $dir"
    python3 - "$dir" "$n" <<'PY'
import os, random, sys
root, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(n)
tmp = root + ".tmp"
for i in range(n):
    d = os.path.join(tmp, f"模块{i // 1000:03d}", f"第{(i // 100) % 10}课")
    if i % 100 == 0:
        os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"资料{i:06d}.bin"), "wb") as f:
        f.write(rng.randbytes(rng.randint(1024, 8192)))
os.rename(tmp, root)
PY
  fi
  runs=$RUNS; warmup=$WARMUP
  [ "$n" -ge 100000 ] && { runs=${RUNS_100K:-$RUNS}; warmup=${WARMUP_100K:-$WARMUP}; }
  measure "files-$n" "$dir" "$runs" "$warmup"
done

# ------------------------------------------------------------------ one sparse file
if [ "$SPARSE_GB" != 0 ]; then
  dir=$SCALE_DIR/sparse-${SPARSE_GB}G
  mkdir -p "$dir"
  [ -f "$dir/big.bin" ] || truncate -s "${SPARSE_GB}G" "$dir/big.bin"
  echo "== sparse ${SPARSE_GB} GB file (timed once)"
  /usr/bin/time -v -o "$RESULTS/sparse.time" "$TP" check -q -j "$JOBS" --lang en "$dir" >/dev/null 2>&1 || true
  /usr/bin/time -v -o "$RESULTS/sparse-openssl.time" openssl dgst -sha256 "$dir/big.bin" >/dev/null
  # Hole pages read back as zeros land in the page cache; drop them from it.
  dd if="$dir/big.bin" iflag=nocache count=0 status=none 2>/dev/null || true
fi

# ------------------------------------------------------------------ table
python3 - "$RESULTS" "$SPARSE_GB" <<'PY' | tee "$RESULTS/summary.md"
import json, os, re, sys
res, sparse = sys.argv[1], sys.argv[2]
print("| package | files | GB | check median s (min–max) | openssl 2 proc median s | check / openssl | check s/GB | check µs/file | peak RSS MiB (auto / builtin only) |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for line in open(os.path.join(res, "rows.tsv")):
    label, files, size, js, rss, rss_b = line.rstrip("\n").split("\t")
    files, size = int(files), int(size)
    r = {x["command"]: x for x in json.load(open(js))["results"]}
    c, o = r["check"], r["openssl-2proc"]
    print(f"| {label} | {files} | {size/1e9:.2f} | {c['median']:.2f} ({c['min']:.2f}–{c['max']:.2f}) | "
          f"{o['median']:.2f} | {c['median']/o['median']:.2f} | {c['median']/(size/1e9):.2f} | "
          f"{c['median']/files*1e6:.0f} | {int(rss)/1024:.1f} / {int(rss_b)/1024:.1f} |")
def parse(p):
    t = open(p).read()
    wall = re.search(r"Elapsed \(wall clock\) time.*: (.*)", t).group(1)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
    parts = [float(x) for x in wall.split(":")]
    secs = sum(v * 60 ** i for i, v in enumerate(reversed(parts)))
    return secs, rss
if sparse != "0" and os.path.exists(os.path.join(res, "sparse.time")):
    s, rss = parse(os.path.join(res, "sparse.time"))
    so, rsso = parse(os.path.join(res, "sparse-openssl.time"))
    print(f"\nSparse {sparse} GB file, one run: check {s:.1f} s, peak RSS {rss/1024:.1f} MiB; "
          f"openssl dgst (1 process) {so:.1f} s, peak RSS {rsso/1024:.1f} MiB")
PY
echo "== results in $RESULTS"
