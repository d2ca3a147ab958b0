#!/usr/bin/env bash
# Launch spike on loopback: the farm pre-renders the bundled sample (every user's six story
# cards), `serve --cards` stands in front of that output, and wrk asks for every user's cards
# for a minute at far more than the server could render. Prints what docs/performance.md
# records: the uncached render rate (the same server rendering every request), requests/s, latency
# percentiles, non-2xx answers, renders done during the spike and the stored-card lookups.
#
#   cargo build --release && benches/launch.sh [SECONDS] [CONNECTIONS] [CACHE_MB] [BIN]
#
# SECONDS (default 60) of wrk with CONNECTIONS (default 64) over 2 threads. CACHE_MB (default
# 256, the server's default) is the memory cache; 0 makes every request read the stored card.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_=${1:-60}
CONNECTIONS=${2:-64}
CACHE_MB=${3:-256}
BIN=$(realpath "${4:-target/release/cardfarm}")
WARMUP=20   # seconds of the uncached server's first pass (each locale's backgrounds drawn)
UNCACHED=30 # seconds of the uncached server measured
WORK=$(mktemp -d /dev/shm/cardfarm-launch.XXXXXX)
PORT=$((20000 + RANDOM % 20000))
SERVER=
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"' EXIT

# Start-up rasterizes backgrounds first: seconds on a busy machine.
wait_ready() {
    for _ in $(seq 600); do
        curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && return
        sleep 0.2
    done
}

metric() { # the sum of every series of a metric whose labels match $2
    curl -fsS "http://127.0.0.1:$PORT/metrics" |
        awk -v m="$1" -v l="$2" '$1 ~ "^"m && $1 ~ l { s += $2 } END { print s + 0 }'
}

# Every user's six cards, in turn.
cat >"$WORK/spike.lua" <<'EOF'
local templates = {"minutes", "top-artists", "top-songs", "top-genres", "listening-clock", "summary"}
local users = {}
for line in io.lines("data/sample.jsonl") do
  local id = line:match('"user_id"%s*:%s*"([^"]+)"')
  if id then users[#users + 1] = id end
end
local n = 0
request = function()
  n = n + 1
  local user = users[(n % #users) + 1]
  local template = templates[(math.floor(n / #users) % #templates) + 1]
  return wrk.format("GET", "/v1/cards/" .. user .. "/" .. template .. ".png")
end
EOF

echo "== pre-render: batch, story cards of the bundled sample"
"$BIN" batch --out "$WORK/cards" --formats story --report "$WORK/failures.jsonl" >"$WORK/batch.txt" 2>&1
grep 'cards written' "$WORK/batch.txt"

# The uncached render rate: the same server and requests with nothing to hand out (no --cards,
# no memory cache), so every request renders. A first pass draws each locale's backgrounds;
# the second is measured.
echo "== uncached: serve without --cards, --cache-mb 0 (${WARMUP} s first pass, ${UNCACHED} s measured)"
"$BIN" serve --addr "127.0.0.1:$PORT" --cache-mb 0 >"$WORK/uncached.log" 2>&1 &
SERVER=$!
wait_ready
wrk -t2 -c8 -d"${WARMUP}s" -s "$WORK/spike.lua" "http://127.0.0.1:$PORT" >/dev/null
wrk -t2 -c8 -d"${UNCACHED}s" --latency -s "$WORK/spike.lua" "http://127.0.0.1:$PORT" >"$WORK/uncached.txt"
RATE=$(awk '/Requests\/sec/ { print $2 }' "$WORK/uncached.txt")
echo "uncached render rate: $RATE cards/s, p50 $(awk '$1 == "50%" { print $2 }' "$WORK/uncached.txt"); 50x that is $(python3 -c "print(round(50 * $RATE))") requests/s"
kill "$SERVER"
wait "$SERVER" 2>/dev/null || true
SERVER=

echo "== serve --cards (cache ${CACHE_MB} MiB) on 127.0.0.1:$PORT"
"$BIN" serve --addr "127.0.0.1:$PORT" --cards "$WORK/cards" --cache-mb "$CACHE_MB" \
    >"$WORK/serve.log" 2>&1 &
SERVER=$!
wait_ready
RENDERS_BEFORE=$(metric cardfarm_render_seconds_count "")

echo "== wrk: ${SECONDS_} s, ${CONNECTIONS} connections"
wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_}s" --latency -s "$WORK/spike.lua" "http://127.0.0.1:$PORT" | tee "$WORK/wrk.txt"

RENDERS=$(( $(metric cardfarm_render_seconds_count "") - RENDERS_BEFORE ))
SERVED=$(metric cardfarm_stored_cards_total 'outcome="served"')
PLACEHOLDER=$(metric cardfarm_stored_cards_total 'outcome="placeholder"')
OTHER=$(( $(metric cardfarm_stored_cards_total "") - SERVED - PLACEHOLDER ))
HITS=$(metric cardfarm_cache_hits_total "")
NON2XX=$(grep -oE 'Non-2xx or 3xx responses: [0-9]+' "$WORK/wrk.txt" | grep -oE '[0-9]+$' || echo 0)
RSS=$(awk '/VmHWM/ { print $2 / 1024 " MB" }' "/proc/$SERVER/status")
REQS=$(awk '/Requests\/sec/ { print $2 }' "$WORK/wrk.txt")
echo "== result"
echo "requests/s: $REQS ($(python3 -c "print(round($REQS / $RATE, 1))")x the uncached render rate)"
echo "latency p50: $(awk '$1 == "50%" { print $2 }' "$WORK/wrk.txt"), p99: $(awk '$1 == "99%" { print $2 }' "$WORK/wrk.txt")"
echo "non-2xx: $NON2XX"
echo "renders during the spike: $RENDERS"
echo "stored cards served: $SERVED; stored with a placeholder (drawn again): $PLACEHOLDER; other lookups (missing, stale, unreadable, error): $OTHER"
echo "memory cache hits: $HITS"
echo "server peak memory (VmHWM): $RSS"
