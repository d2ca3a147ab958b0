#!/usr/bin/env bash
# Whole-run throughput of batch and of queue workers (one per core, one render thread each),
# against the 1-thread bench times the cores, measured in the same round: the figures and
# ratios in docs/performance.md.
#
#   cargo build --release && benches/farm.sh [ROUNDS] [BIN] [OLD_BIN]
#
# WORKER_ARGS (environment) adds flags to every worker, e.g. "--warm-locales all"; OLD_WORKER_ARGS
# to the OLD_BIN's workers (none by default: an older build may not know the newer flags).
# OLD_DIR: the older build's checkout, where its commands run, so that it reads its own
# templates and fonts (a build before the templates were embedded reads them from there).
# ROUNDS (default 7) rounds; BIN defaults to target/release/cardfarm. With OLD_BIN (a release
# build of another commit, to compare with), each round also runs batch and workers of that build, the order of each pair
# alternating round by round. Needs NATS with JetStream on 127.0.0.1:4222, /dev/shm and python3.
# Every run renders the whole bundled sample, story format only (588 cards). Run it on a quiet
# machine: the rounds share the cores with anything else running.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-7}
BIN=$(realpath "${2:-target/release/cardfarm}")
OLD=${3:+$(realpath "$3")}
CORES=$(nproc)
WORK=$(mktemp -d /dev/shm/cardfarm-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# The last figure: an older build's batch also prints its progress in cards/s.
rate() { grep -oE '[0-9.]+ cards/s' | tail -1 | cut -d' ' -f1; }

bench() { "$1" bench -n 588 "${@:2}" 2>&1 | rate; }

# Where a build's commands run: OLD_DIR for the older build, else this checkout.
dir_of() { if [[ $1 == "$OLD" && -n ${OLD_DIR:-} ]]; then echo "$OLD_DIR"; else echo .; fi; }

batch() {
    rm -rf "$WORK/batch"
    (cd "$(dir_of "$1")" && "$1" batch --out "$WORK/batch" --formats story \
        --report "$WORK/failures.jsonl") 2>&1 | rate
}

# Deletes streams over the plain NATS protocol (the JetStream API is request/reply on subjects).
delete_streams() {
    python3 - "$@" <<'EOF'
import socket, sys
s = socket.create_connection(("127.0.0.1", 4222))
s.recv(4096)
s.sendall(b'CONNECT {"verbose":false}\r\n')
for name in sys.argv[1:]:
    s.sendall(f"PUB $JS.API.STREAM.DELETE.{name} 0\r\n\r\n".encode())
s.sendall(b"PING\r\n")
s.recv(4096)
EOF
}

# One worker per core, one render thread each, drain the sample. `full`: the workers are paused
# (SIGSTOP) while `enqueue` fills the stream and timed from their resume, so the figure is the
# farm's rate from a full queue, as in production. `live`: timed from the start of `enqueue`,
# which first loads the fonts to check the plan. Either way, to the last PNG written.
workers() {
    local bin=$1 mode=$2 stream=bench$RANDOM$RANDOM out=$WORK/workers args=${WORKER_ARGS:-}
    [[ $bin == "$OLD" ]] && args=${OLD_WORKER_ARGS:-}
    local dir
    dir=$(dir_of "$bin")
    rm -rf "$out"
    mkdir -p "$out"
    local pids=()
    rm -f "$WORK"/worker*.log
    for i in $(seq 1 "$CORES"); do
        # shellcheck disable=SC2086 # the worker arguments are a list of flags
        (cd "$dir" && exec "$bin" worker --concurrency 1 --exit-when-empty --stream "$stream" \
            --out "$out" $args) >"$WORK/worker$i.log" 2>&1 &
        pids+=($!)
    done
    until [[ $(cat "$WORK"/worker*.log | grep -c "worker started") == "$CORES" ]]; do
        sleep 0.1
    done
    sleep 0.3
    local t0
    if [[ $mode == full ]]; then
        kill -STOP "${pids[@]}"
        (cd "$dir" && "$bin" enqueue --stream "$stream" --formats story) >/dev/null 2>&1
        t0=$(date +%s.%N)
        kill -CONT "${pids[@]}"
    else
        t0=$(date +%s.%N)
        (cd "$dir" && "$bin" enqueue --stream "$stream" --formats story) >/dev/null 2>&1
    fi
    wait "${pids[@]}"
    delete_streams "$stream" "$stream-dead"
    find "$out" -name '*.png' -printf '%T@\n' | python3 -c "
import sys
t = [float(x) for x in sys.stdin]
print(f'{len(t) / (max(t) - $t0):.1f}')"
}

for round in $(seq 1 "$ROUNDS"); do
    line="b1 $(bench "$BIN") bN $(bench "$BIN" --threads "$CORES")"
    if [[ -n $OLD ]] && ((round % 2 == 0)); then
        line+=" batch-old $(batch "$OLD") batch $(batch "$BIN")"
        line+=" workers-old $(workers "$OLD" full) workers $(workers "$BIN" full)"
    else
        line+=" batch $(batch "$BIN")"
        [[ -n $OLD ]] && line+=" batch-old $(batch "$OLD")"
        line+=" workers $(workers "$BIN" full)"
        [[ -n $OLD ]] && line+=" workers-old $(workers "$OLD" full)"
    fi
    line+=" workers-live $(workers "$BIN" live)"
    echo "$line" | tee -a "$WORK/rounds"
done

python3 - "$WORK/rounds" "$CORES" <<'EOF'
import statistics as st, sys
cores = int(sys.argv[2])
rows = [dict(zip(l.split()[::2], map(float, l.split()[1::2]))) for l in open(sys.argv[1])]
print(f"\nmedians of {len(rows)} rounds on {cores} cores, cards/s (min-max):")
for k in rows[0]:
    v = [r[k] for r in rows]
    print(f"  {k:13} {st.median(v):6.1f}  ({min(v):.1f}-{max(v):.1f})")
print("per-round ratios, medians:")
for k in rows[0]:
    if k != "b1":
        ratio = st.median(r[k] / (cores * r["b1"]) for r in rows)
        print(f"  {k:13} {100 * ratio:5.1f}% of b1 x {cores}")
for k in ("batch", "workers"):
    if f"{k}-old" in rows[0]:
        print(f"  {k:13} {100 * st.median(r[k] / r[k + '-old'] for r in rows):5.1f}% of the old build")
EOF
