#!/usr/bin/env bash
# Hostile input against a live `cardfarm serve` on loopback, bounded in count and time: the
# figures of "Under hostile input" in README.md and docs/performance.md.
#
#   cargo build --release && benches/hostile.sh [BIN]
#
# BIN defaults to target/release/cardfarm. Starts the server on a free 127.0.0.1 port with a
# signing key, the bundled sample and default limits, then, one phase after the other:
# oversized and malformed bodies, slow headers and slow bodies, photo bombs in POST bodies,
# tampered, expired and rotated signatures, and 1,000 concurrent requests for one uncached card. It
# prints the statuses each phase saw, the renders done (from /metrics) and the server's peak
# memory (VmHWM from /proc), and stops the server. Every request goes to 127.0.0.1 only; the
# whole run takes about a minute. Needs python3.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${1:-target/release/cardfarm}")
KEY=hostile-run-signing-key
OLD_KEY=hostile-run-previous-key
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
LOG=$(mktemp /tmp/cardfarm-hostile.XXXXXX.log)
env -u CARDFARM_API_KEY CARDFARM_SIGNING_KEY=$KEY CARDFARM_SIGNING_KEY_PREVIOUS=$OLD_KEY "$BIN" serve --addr "127.0.0.1:$PORT" >"$LOG" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -f "$LOG"' EXIT
for _ in $(seq 1 120); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 1)" 2>/dev/null && break
    sleep 0.5
done
# Links: one valid for the 1,000-request phase, one tampered, one expired, one signed with the
# previous key (still valid while keys rotate) and one with a key the server never had.
CARD=$(CARDFARM_SIGNING_KEY=$KEY "$BIN" sign-url /v1/cards/demo/summary.png?format=story)
TAMPER=$(CARDFARM_SIGNING_KEY=$KEY "$BIN" sign-url /v1/cards/demo/minutes.png | sed 's/demo/u0001/')
EXPIRED=$(CARDFARM_SIGNING_KEY=$KEY "$BIN" sign-url '/v1/cards/demo/minutes.png?exp=1000')
ROTATED=$(CARDFARM_SIGNING_KEY=$OLD_KEY "$BIN" sign-url /v1/cards/demo/minutes.png)
UNKNOWN=$(CARDFARM_SIGNING_KEY=never-this-servers-key "$BIN" sign-url /v1/cards/demo/minutes.png)
echo "server pid $PID on 127.0.0.1:$PORT; $(nproc) cores; $BIN"
python3 - "$PORT" "$PID" "$CARD" "$TAMPER" "$EXPIRED" "$ROTATED" "$UNKNOWN" <<'PY'
import asyncio, base64, collections, json, struct, sys, time, zlib

PORT, PID, CARD, TAMPER, EXPIRED, ROTATED, UNKNOWN = int(sys.argv[1]), sys.argv[2], *sys.argv[3:8]
HOST = "127.0.0.1"  # loopback only

async def request(method, path, body=b"", headers=(), timeout=60.0, slow=None):
    """One request on its own connection; the status code, or what went wrong instead."""
    try:
        r, w = await asyncio.wait_for(asyncio.open_connection(HOST, PORT), 10)
    except Exception as e:
        return f"connect:{type(e).__name__}"
    try:
        head = f"{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        for k, v in headers:
            head += f"{k}: {v}\r\n"
        if body or method == "POST":
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        if slow == "headers":  # a request line and part of a header, then nothing
            w.write(head.encode()[:40]); await w.drain()
        elif slow == "body":   # all headers, then one byte of the body every 3 s
            w.write((head + "\r\n").encode()); await w.drain()
            for b in body[:8]:
                await asyncio.sleep(3)
                w.write(bytes([b])); await w.drain()
        else:
            w.write((head + "\r\n").encode() + body); await w.drain()
        line = await asyncio.wait_for(r.readline(), timeout)
        if not line:
            return "closed"
        rest = await asyncio.wait_for(r.read(), timeout)
        status = line.split()[1].decode()
        if b"cardfarm-placeholders" in rest.lower():
            status += "+placeholder"
        return status
    except asyncio.TimeoutError:
        return "timeout"
    except (ConnectionError, OSError) as e:
        return f"reset:{type(e).__name__}"
    finally:
        w.close()

def metrics():
    import urllib.request
    text = urllib.request.urlopen(f"http://{HOST}:{PORT}/metrics", timeout=10).read().decode()
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            k, _, v = line.rpartition(" ")
            out[k] = float(v)
    return out

def renders(m):
    return int(sum(v for k, v in m.items() if k.startswith("cardfarm_render_seconds_count")))

def vm(field):
    for line in open(f"/proc/{PID}/status"):
        if line.startswith(field):
            return line.split(":")[1].strip()

def jpeg_bomb():
    """A tiny baseline JPEG (8x8 grey) whose frame header claims 6000x6000."""
    # Minimal JPEG by hand: SOI, DQT, SOF0, DHT (DC+AC), SOS with an all-zero scan, EOI.
    q = bytes([1] * 64)
    dqt = b"\xff\xdb" + struct.pack(">H", 67) + b"\x00" + q
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, 6000, 6000, 1) + b"\x01\x11\x00"
    dc = b"\xff\xc4" + struct.pack(">H", 20) + b"\x00" + bytes([1] + [0] * 15) + b"\x00"
    ac = b"\xff\xc4" + struct.pack(">H", 20) + b"\x10" + bytes([1] + [0] * 15) + b"\x00"
    sos = b"\xff\xda" + struct.pack(">HB", 8, 1) + b"\x01\x00\x00\x3f\x00"
    return b"\xff\xd8" + dqt + sof + dc + ac + sos + b"\x00" * 64 + b"\xff\xd9"

def png_bomb(side=6000):
    """A real PNG of side x side black pixels, a few KB compressed (zlib of zeros)."""
    raw = zlib.compress(b"\x00" * ((side * 3 + 1) * side), 9)
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))

demo = None
for line in open("data/sample.jsonl"):
    if '"demo"' in line:
        demo = json.loads(line)
        break

def with_photos(uri):
    stats = json.loads(json.dumps(demo))
    for a in stats["top_artists"]:
        a["image"] = uri
    return json.dumps(stats).encode()

async def phase(name, coros, report):
    start = time.monotonic()
    seen = collections.Counter(await asyncio.gather(*coros))
    report.append((name, dict(sorted(seen.items())), time.monotonic() - start, vm("VmHWM")))

async def main():
    report = []
    m0 = metrics()
    print(f"after start-up: VmHWM {vm('VmHWM')}", flush=True)
    good = json.dumps(demo).encode()
    deep = b"[" * 100 + b"]" * 100
    await phase("oversized body (2 MiB) x20", [request("POST", "/v1/render/minutes", b" " * (2 << 20)) for _ in range(20)], report)
    await phase("malformed JSON, deep nesting, invalid stats x60", [request("POST", "/v1/render/minutes", b) for b in [b"{not json", deep, b'{"user_id": 5}'] * 20], report)
    await phase("bad paths and queries x40", [request("GET", p) for p in ["/v1/cards/..%2F..%2Fetc/minutes.png", "/v1/cards/demo/minutes.png?format=story&format=square", "/v1/render/minutes", "/v1/cards/demo/x.jpg"] * 10], report)
    await phase("slow headers (slowloris) x50", [request("GET", "/healthz", slow="headers", timeout=40) for _ in range(50)], report)
    await phase("slow bodies (1 byte / 3 s) x50", [request("POST", "/v1/render/minutes", good, slow="body", timeout=40) for _ in range(50)], report)
    jb = "data:image/jpeg;base64," + base64.b64encode(jpeg_bomb()).decode()
    pb = "data:image/png;base64," + base64.b64encode(png_bomb()).decode()
    bombs = [with_photos(jb), with_photos(pb)]
    print(f"bomb bodies: {len(bombs[0])} and {len(bombs[1])} bytes, 5 photos of 6000x6000 each", flush=True)
    await phase("photo bombs in POST bodies (summary, 5 x 6000x6000 each) x40", [request("POST", "/v1/render/summary", bombs[i % 2]) for i in range(40)], report)
    await phase("tampered and expired signatures x100", [request("GET", l) for l in [TAMPER, EXPIRED] * 50], report)
    await phase("previous-key and unknown-key signatures x50", [request("GET", l) for l in [ROTATED, UNKNOWN] * 25], report)
    m1 = metrics()
    await phase("1,000 concurrent GETs of one uncached card", [request("GET", CARD) for _ in range(1000)], report)
    m2 = metrics()
    for name, seen, secs, hwm in report:
        print(f"{name}: {seen} in {secs:.1f} s; VmHWM after it {hwm}")
    print(f"renders before the 1,000: {renders(m1) - renders(m0)}; during the 1,000: {renders(m2) - renders(m1)}"
          f" (cache misses {int(m2['cardfarm_cache_misses_total'] - m1['cardfarm_cache_misses_total'])},"
          f" waited for the same render {int(m2.get('cardfarm_cache_coalesced_total', 0) - m1.get('cardfarm_cache_coalesced_total', 0))},"
          f" cache hits {int(m2['cardfarm_cache_hits_total'] - m1['cardfarm_cache_hits_total'])})")
    print(f"server peak memory VmHWM {vm('VmHWM')}, now VmRSS {vm('VmRSS')}")

asyncio.run(asyncio.wait_for(main(), 300))
PY
