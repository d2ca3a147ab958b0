#!/usr/bin/env bash
# `cardfarm stats` on a heavy listener: ROWS rows of Spotify extended streaming history (all of
# Spotify's fields, in files of 20,000 rows as Spotify splits them), on one core (taskset -c 0).
# Prints each run's wall time and peak RSS (GNU time's %e and %M) and their medians.
#
#   cargo build --release --bin cardfarm && benches/stats.sh [target/release/cardfarm]
#
# ROWS (default 300000) and RUNS (default 7) change the size and the rounds. It needs python3
# (the generator) and /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-${CARGO_TARGET_DIR:-target}/release/cardfarm}
rows=${ROWS:-300000}
runs=${RUNS:-7}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

python3 data/generate_listening.py --heavy "$rows" --out "$dir/heavy"
echo "history: $rows rows, $(du -sm "$dir/heavy" | cut -f1) MB in $(ls "$dir/heavy" | wc -l) files"
# One warm-up, so every measured run reads from the page cache alike.
"$bin" stats "$dir/heavy" --tz Europe/Berlin --out "$dir/out.json" 2>/dev/null

for i in $(seq "$runs"); do
  /usr/bin/time -f '%e %M' -o "$dir/time" \
    taskset -c 0 "$bin" stats "$dir/heavy" --tz Europe/Berlin --out "$dir/out.json" 2>"$dir/summary"
  read -r secs kb <"$dir/time"
  echo "run $i: ${secs} s, $((kb / 1024)) MB peak RSS"
  echo "$secs $kb" >>"$dir/all"
done
head -1 "$dir/summary"
sort -n "$dir/all" | awk '{ t[NR] = $1 } END { print "median time: " t[int((NR + 1) / 2)] " s" }'
sort -n -k2 "$dir/all" | awk '{ m[NR] = $2 } END { printf "median peak RSS: %d MB, highest %d MB\n", m[int((NR + 1) / 2)] / 1024, m[NR] / 1024 }'
