#!/usr/bin/env bash
# Start-up on one core (taskset -c 0), with and without the background cache. Each command
# runs RUNS times (default 9), the cases taking turns, and the script prints every run and
# the medians: wall time from process start to exit (the PNG is written before exit), and
# CPU time (user + system), which a busy host inflates less than wall time.
#
#   cargo build --release --bin cardfarm && benches/startup.sh [BIN]
#
#   render, warm cache   render --user demo --template top-artists, the cache filled beforehand
#   render, no cache     the same with --no-cache: the background is rasterized in the process
#   batch, warm cache    batch --templates top-artists over one user (start-up and one card)
#   batch, no cache      the same with --no-cache: one background drawn
#   batch, every         batch over one user with --no-cache and no --templates: every
#     template, no cache   template's background drawn (SLOW_RUNS rounds, default 3): what any
#                          batch paid at start before backgrounds were chosen by the plan
#   studio save          a layer saved in the studio (a copy of the templates): from the write
#                          to the card fetched again after its change event (python3); then
#                          the same for four edits of the background file: a line over the
#                          glows moved, the last glow's colour, the first glow's colour, the
#                          first glow's fading (see the script)
#
# STUDIO_ONLY=1 runs the studio saves alone; STUDIO_LOG=FILE keeps the studio's log.
# The cache lives in a temporary folder: nothing is read from or written to ~/.cache.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-${CARGO_TARGET_DIR:-target}/release/cardfarm}")
runs=${RUNS:-9}
slow_runs=${SLOW_RUNS:-3}
work=$(mktemp -d)
studio_pid=
trap '[ -n "$studio_pid" ] && kill "$studio_pid" 2>/dev/null; rm -rf "$work"' EXIT
one="taskset -c 0"
cache="--cache-dir $work/cache"
# One user, with the sample's photos beside it: the card draws them as it would in the sample.
head -1 data/sample.jsonl >"$work/one.jsonl"
ln -s "$PWD/data/photos" "$work/photos"

echo "host: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $("$bin" --version); build $(git rev-parse --short HEAD)"

# "WALL CPU" milliseconds of one run of "$@"; its output goes to $work/last.
ms() {
  local t0 t1 user sys
  t0=$(date +%s%N)
  "$@" >"$work/last" 2>&1 ||
    { cat "$work/last" >&2; return 1; }
  t1=$(date +%s%N)
  read -r user sys <"$work/time"
  echo "$(((t1 - t0) / 1000000)) $(awk -v u="$user" -v s="$sys" 'BEGIN { print int((u + s) * 1000) }')"
}

# The CPU time of each run of the binary goes to $work/time.
timed=(/usr/bin/time -f '%U %S' -o "$work/time" $one "$bin")
render() { "${timed[@]}" render --user demo --template top-artists --out "$work/card.png" "$@"; }
batch() {
  rm -rf "$work/cards"
  "${timed[@]}" batch --data "$work/one.jsonl" --out "$work/cards" --report "$work/failures.jsonl" "$@"
}

# Fill the cache once, and warm the page cache for every file the runs read.
render $cache >/dev/null 2>&1
batch $cache --templates top-artists >/dev/null 2>&1

declare -A times cpu
record() {
  local wall=${2% *} used=${2#* }
  times[$1]="${times[$1]:-} $wall"
  cpu[$1]="${cpu[$1]:-} $used"
  printf '%-34s run %2d: %6d ms wall, %6d ms CPU\n' "$1" "$3" "$wall" "$used"
}
start_runs=$runs
[ -n "${STUDIO_ONLY:-}" ] && start_runs=0
for i in $(seq "$start_runs"); do
  record "render, warm cache" "$(ms render $cache)" "$i"
  record "render, no cache" "$(ms render --no-cache)" "$i"
  record "batch, warm cache" "$(ms batch $cache --templates top-artists)" "$i"
  grep -o 'backgrounds ready in [0-9.]* s' "$work/last" | sed 's/^/    batch, warm cache: /'
  record "batch, no cache" "$(ms batch --no-cache --templates top-artists)" "$i"
  if [ "$i" -le "$slow_runs" ]; then
    record "batch, every template, no cache" "$(ms batch --no-cache)" "$i"
  fi
done

median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# The studio: a saved layer, from the write to the card on the page.
studio_median=
studio_bg_median=
studio_glow_median=
studio_first_median=
studio_fade_median=
if command -v python3 >/dev/null; then
  cp -r templates "$work/templates"
  port=$((20000 + RANDOM % 20000))
  $one "$bin" --template-dir "$work/templates" $cache studio --addr "127.0.0.1:$port" \
    --user typical >"${STUDIO_LOG:-$work/studio.log}" 2>&1 &
  studio_pid=$!
  studio_medians=$(python3 - "$port" "$work/templates/top-artists" "$runs" <<'EOF'
import statistics, sys, time, urllib.request
port, folder, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
base = f"http://127.0.0.1:{port}"
for _ in range(600):
    try:
        urllib.request.urlopen(base + "/api/state").read()
        break
    except OSError:
        time.sleep(0.1)
card = base + "/card/fixture/typical/top-artists/story"
urllib.request.urlopen(card).read()  # drawn once: the background is ready
# The studio draws the glows of a background it found in the disk cache on a thread of its
# own, for the snapshots an edit resumes from: wait for that, as a designer's first edit would.
import json
while json.load(urllib.request.urlopen(base + "/api/state"))["snapshots"]["pending"]:
    time.sleep(0.1)
events = urllib.request.urlopen(base + "/events")
def next_event():
    name = None
    while True:
        line = events.readline().decode()
        if line.startswith("event:"):
            name = line.split(":", 1)[1].strip()
        elif line.strip() == "" and name:
            return name
next_event()  # hello
# Each save writes different bytes, so the disk cache never has the background:
#   layer       a comment the card does not show;
#   background  the divider under the artists moved down i px (drawn after the glows);
#   last glow   the innermost glow's colour (its blur and what lies over it drawn again);
#   first glow  the first glow's colour: its blur drawn again, with every glow and line
#               over it (the later glows composited from their kept layers);
#   first fade  the first glow's fading (the group around it): no blur drawn again.
edits = [
    ("studio save, layer", "story.svg.hbs", lambda s, i: s + f"<!-- save {i} {time.time()} -->\n"),
    ("studio save, background", "story-bg.svg",
     lambda s, i: s.replace('y="1228"', f'y="{1229 + i}"')),
    ("studio save, last glow", "story-bg.svg",
     lambda s, i: s.replace('fill="#ff9ed2"', f'fill="#ff9e{0xd3 + i:02x}"')),
    ("studio save, first glow", "story-bg.svg",
     lambda s, i: s.replace('fill="#7b2cbf"', f'fill="#7b2c{0xc0 + i:02x}"')),
    ("studio save, first fade", "story-bg.svg",
     lambda s, i: s.replace('<g opacity="0.8">', f'<g opacity="0.{81 + i}">')),
]
medians = []
for label, name, edit in edits:
    path = f"{folder}/{name}"
    original = open(path).read()
    times = []
    for i in range(runs):
        edited = edit(original, i)
        assert edited != original, label
        with open(path, "w") as f:
            f.write(edited)
        t0 = time.perf_counter()
        while next_event() != "change":
            pass
        png = urllib.request.urlopen(f"{card}?v={len(medians)}-{i}").read()
        ms = (time.perf_counter() - t0) * 1000
        assert png.startswith(b"\x89PNG"), png[:40]
        times.append(ms)
        print(f"{label:34s} run {i + 1:2d}: {ms:6.0f} ms", file=sys.stderr)
        time.sleep(0.3)
    with open(path, "w") as f:
        f.write(original)
    while next_event() != "change":
        pass
    medians.append(str(round(statistics.median(times))))
print(" ".join(medians))
EOF
)
  read -r studio_median studio_bg_median studio_glow_median studio_first_median \
    studio_fade_median <<<"$studio_medians"
fi

echo
echo "medians of $runs runs (every template: $slow_runs), one core:"
for k in "render, warm cache" "render, no cache" "batch, warm cache" "batch, no cache" \
  "batch, every template, no cache"; do
  [ -n "${times[$k]:-}" ] || continue
  printf '  %-34s %6d ms wall, %6d ms CPU\n' "$k" "$(echo "${times[$k]}" | median)" \
    "$(echo "${cpu[$k]}" | median)"
done
[ -n "$studio_median" ] && printf '  %-34s %6d ms wall\n' "studio save, layer (to the card)" "$studio_median" \
  "studio save, background (to the card)" "$studio_bg_median" \
  "studio save, last glow (to the card)" "$studio_glow_median" \
  "studio save, first glow (to the card)" "$studio_first_median" \
  "studio save, first fade (to the card)" "$studio_fade_median"
echo "host load after: $(cut -d' ' -f1-3 /proc/loadavg)"
du -sh "$work/cache/backgrounds" | sed 's/^/cache: /'
