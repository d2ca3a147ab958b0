#!/usr/bin/env bash
# `cardfarm stats` on a heavy listener: ROWS rows of Spotify extended streaming history (all of
# Spotify's fields, in files of 20,000 rows as Spotify splits them), on one core (taskset -c 0).
# Prints each run's wall time and peak RSS (GNU time's %e and %M) and their medians.
#
#   cargo build --release --bin cardfarm && benches/stats.sh [target/release/cardfarm]
#
# ROWS (default 300000) and RUNS (default 7) change the size and the rounds; CORE=1 writes only
# seven fields a row (about 60 MB for 300,000 rows instead of about 200). It needs python3 (the
# generator), taskset and /usr/bin/time. Besides wall time it prints CPU time (user + sys),
# which a busy machine inflates less.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-${CARGO_TARGET_DIR:-target}/release/cardfarm}
rows=${ROWS:-300000}
runs=${RUNS:-7}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

python3 data/generate_listening.py --heavy "$rows" ${CORE:+--core-fields} --out "$dir/heavy"
echo "history: $rows rows, $(du -sm "$dir/heavy" | cut -f1) MB in $(ls "$dir/heavy" | wc -l) files"
# One warm-up, so every measured run reads from the page cache alike.
"$bin" stats "$dir/heavy" --tz Europe/Berlin --out "$dir/out.json" 2>/dev/null

for i in $(seq "$runs"); do
  /usr/bin/time -f '%e %U %S %M' -o "$dir/time" \
    taskset -c 0 "$bin" stats "$dir/heavy" --tz Europe/Berlin --out "$dir/out.json" 2>"$dir/summary"
  read -r secs user sys kb <"$dir/time"
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
  echo "run $i: ${secs} s wall, ${cpu} s CPU, $((kb / 1024)) MB peak RSS"
  echo "$secs $cpu $kb" >>"$dir/all"
done
head -1 "$dir/summary"
median() { sort -n -k"$1" "$dir/all" | awk -v k="$1" '{ v[NR] = $k } END { print v[int((NR + 1) / 2)] }'; }
echo "median: $(median 1) s wall, $(median 2) s CPU, $(($(median 3) / 1024)) MB peak RSS"
