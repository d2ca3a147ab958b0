#!/usr/bin/env bash
# `cardfarm stats --population` over a generated population: wall time and peak memory
# (`/usr/bin/time -v`), the figures of "Population" in README.md and docs/performance.md.
#
#   cargo build --release && benches/population.sh [LISTENERS] [BIN]
#
# LISTENERS defaults to 10000, BIN to target/release/cardfarm. The population is written once
# by data/generate_population.py (5,000 artists, a mean of 250 rows per listener, genres) into
# target/bench/pop<LISTENERS>/ and reused by later runs; 10,000 listeners take about 1.5 GB and
# ten minutes to generate on the reference host. Needs python3 and GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
BIN=$(realpath "${2:-target/release/cardfarm}")
DIR=target/bench/pop$N
if [ ! -d "$DIR" ]; then
    mkdir -p target/bench
    python3 data/generate_population.py --out "$DIR" --listeners "$N" --artists 5000 \
        --genres "$DIR-genres.csv"
fi
echo "population: $(find -L "$DIR" -name '*.json' | wc -l) listeners, $(du -shL "$DIR" | cut -f1)"
OUT=$(mktemp /tmp/cardfarm-population.XXXXXX.jsonl)
trap 'rm -f "$OUT"' EXIT
/usr/bin/time -v "$BIN" stats --population "$DIR" --genres "$DIR-genres.csv" --out "$OUT" \
    2>&1 | grep -E '^(read|[0-9]+ listeners|top artist|not a listener|failed)|Elapsed|Maximum resident|User time|System time'
echo "dataset: $(wc -l <"$OUT") records, $(grep -c top_artist_percentile "$OUT") with the badge"
