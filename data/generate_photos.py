#!/usr/bin/env python3
"""Generate the procedural "artist photos" bundled with cardfarm's sample data.

Every image is synthesised from scratch (no photos are downloaded or traced):
a soft multi-colour gradient, out-of-focus bokeh circles, a head-and-shoulders
silhouette with rim light, optional halo / sun disc, film grain and a vignette,
and for some artists a duotone grade.  The subject is centred so the images
look good when cropped into a circle.

The artists are fictional.  The output is dedicated to the public domain
(CC0 1.0), see LICENSE-photos.md.

Usage:
    pip install pillow numpy
    python3 data/generate_photos.py [--out data/photos] [--size 640]

Output is deterministic for a given Pillow/NumPy version (fixed seeds).
It also writes photos/corrupt.jpg, a few hundred bytes of plain text with a
.jpg name, used by the sample data to exercise image-decode failures.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

MASTER_SEED = 20260101
JPEG_QUALITY = 85
MAX_BYTES = 80 * 1024


def hexrgb(h: str) -> np.ndarray:
    h = h.lstrip("#")
    return np.array([int(h[i : i + 2], 16) for i in (0, 2, 4)], dtype=np.float32) / 255.0


@dataclass
class Spec:
    slug: str
    palette: list[str]  # background colours, 3-4 entries
    rim: str  # rim-light colour
    fill: str  # silhouette colour
    style: str = "portrait"  # portrait | halo | sun | duotone
    hair: str = "short"  # short | long | bun | afro | cap | headphones | bob | none
    duo: tuple[str, str] | None = None  # duotone (shadow, highlight)
    light: tuple[float, float] = (-0.7, -0.7)  # direction the light comes FROM
    shift: float = 0.0  # horizontal offset of the subject (fraction of width)
    tilt: float = 0.0  # head tilt in degrees
    bokeh: int = 22
    extra: dict = field(default_factory=dict)


# Fictional artists from data/generate_sample.py that get a photo.
SPECS: list[Spec] = [
    Spec("aurora-vale", ["#1b1447", "#7b2ff7", "#f107a3", "#ffb86c"], "#ffd6a5", "#120c2c",
         style="halo", hair="long", light=(0.8, -0.6), tilt=-4),
    Spec("zoe-akerlund", ["#03045e", "#0077b6", "#00b4d8", "#caf0f8"], "#e0fbfc", "#02111f",
         hair="bob", light=(-0.8, -0.5), shift=0.02, tilt=5),
    Spec("lukasz-wrobel", ["#2b2d42", "#8d99ae", "#ef233c", "#edf2f4"], "#ffccd5", "#14151f",
         style="duotone", hair="short", duo=("#1d1a39", "#f4a261"), light=(0.7, -0.7)),
    Spec("midnight-cartographers", ["#0b132b", "#1c2541", "#3a506b", "#5bc0be"], "#6fffe9", "#050a18",
         style="halo", hair="cap", light=(-0.6, -0.8), bokeh=34),
    Spec("copper-lantern-society", ["#3d1308", "#9f2a00", "#e36414", "#fbb02d"], "#ffe8a3", "#1e0903",
         style="sun", hair="afro", light=(0.0, -1.0), tilt=3),
    Spec("kira-zvezdnaya", ["#10002b", "#3c096c", "#7b2cbf", "#e0aaff"], "#f3d9ff", "#0a0018",
         hair="long", light=(0.8, -0.4), shift=-0.02, bokeh=40),
    Spec("eleni-astra", ["#023e8a", "#48cae4", "#ffd166", "#ffffff"], "#fff3b0", "#06223f",
         style="sun", hair="bun", light=(-0.5, -0.9), tilt=-6),
    Spec("sora-no-kujira", ["#14213d", "#2a9d8f", "#e9c46a", "#f4a261"], "#fefae0", "#0b1322",
         style="duotone", hair="headphones", duo=("#0d1b2a", "#7bdff2"), light=(-0.8, -0.6)),
    Spec("haneulbit", ["#ff99c8", "#fcf6bd", "#d0f4de", "#a9def9"], "#ffffff", "#3d2c5e",
         hair="bob", light=(0.6, -0.8), tilt=4, bokeh=30),
    Spec("lin-yuejing", ["#2d00f7", "#6a00f4", "#bc00dd", "#f20089"], "#ffc2e2", "#12002e",
         style="halo", hair="long", light=(-0.7, -0.7), shift=0.015),
    Spec("layla-noor", ["#3c1518", "#69140e", "#a44200", "#d58936"], "#fff1c1", "#1a0a08",
         style="sun", hair="long", light=(0.3, -1.0), tilt=-3),
    Spec("noa-shachar", ["#004b23", "#38b000", "#ccff33", "#fdfcdc"], "#f1ffc4", "#0a1f10",
         hair="short", light=(-0.9, -0.3), shift=-0.015, tilt=6),
    Spec("meera-raag", ["#590d22", "#a4133c", "#ff4d6d", "#ffb3c1"], "#ffe5ec", "#23030c",
         style="duotone", hair="bun", duo=("#2b0a3d", "#ffb703"), light=(0.7, -0.7)),
    Spec("dao-nuea", ["#001219", "#005f73", "#0a9396", "#94d2bd"], "#e9d8a6", "#000d12",
         style="halo", hair="short", light=(0.6, -0.8), tilt=-5, bokeh=36),
    Spec("neon-bunny", ["#240046", "#ff006e", "#fb5607", "#3a86ff"], "#fff275", "#12001f",
         hair="headphones", light=(-0.7, -0.7), extra={"ears": True}, bokeh=28),
    Spec("pixel-tidewater", ["#0f0f0f", "#14213d", "#00f5d4", "#9b5de5"], "#00f5d4", "#050505",
         style="duotone", hair="cap", duo=("#0b0033", "#00f5d4"), light=(0.8, -0.6)),
]


# --------------------------------------------------------------------------
# helpers (all coordinates are normalised: x, y in [0, 1], y down)
# --------------------------------------------------------------------------

def ellipse_mask(x, y, cx, cy, rx, ry, px, angle=0.0):
    """Anti-aliased filled ellipse (optionally rotated, degrees)."""
    a = np.deg2rad(angle)
    dx, dy = x - cx, y - cy
    xr = dx * np.cos(a) + dy * np.sin(a)
    yr = -dx * np.sin(a) + dy * np.cos(a)
    d = np.sqrt((xr / rx) ** 2 + (yr / ry) ** 2)
    # signed distance approx in pixels: (1 - d) * min radius / pixel size
    sd = (1.0 - d) * min(rx, ry) / px
    return np.clip(sd + 0.5, 0.0, 1.0)


def box_mask(x, y, x0, y0, x1, y1, px):
    return (np.clip((x - x0) / px + 0.5, 0, 1) * np.clip((x1 - x) / px + 0.5, 0, 1)
            * np.clip((y - y0) / px + 0.5, 0, 1) * np.clip((y1 - y) / px + 0.5, 0, 1))


def blur(a: np.ndarray, radius: float) -> np.ndarray:
    """Gaussian blur of a float array in [0,1] (2-D) via Pillow, 16-bit-ish precision."""
    img = Image.fromarray(np.clip(a * 255.0, 0, 255).astype(np.uint8), "L")
    img = img.filter(ImageFilter.GaussianBlur(radius))
    return np.asarray(img, dtype=np.float32) / 255.0


def shift(a: np.ndarray, dx: int, dy: int) -> np.ndarray:
    out = np.zeros_like(a)
    h, w = a.shape
    xs0, xs1 = max(0, -dx), min(w, w - dx)
    ys0, ys1 = max(0, -dy), min(h, h - dy)
    out[ys0 + dy : ys1 + dy, xs0 + dx : xs1 + dx] = a[ys0:ys1, xs0:xs1]
    return out


def smoothstep(e0, e1, v):
    t = np.clip((v - e0) / (e1 - e0), 0, 1)
    return t * t * (3 - 2 * t)


def screen(base, layer):
    return 1 - (1 - base) * (1 - layer)


# --------------------------------------------------------------------------
# layers
# --------------------------------------------------------------------------

def background(spec: Spec, x, y, rng) -> np.ndarray:
    cols = [hexrgb(c) for c in spec.palette]
    ang = rng.uniform(0, 2 * np.pi)
    t = (x - 0.5) * np.cos(ang) + (y - 0.5) * np.sin(ang) + 0.5
    t = np.clip(t, 0, 1)[..., None]
    img = cols[0] * (1 - t) + cols[1] * t
    # soft colour blobs (mesh-gradient look)
    for i, c in enumerate(cols[1:] + cols[:1]):
        bx, by = rng.uniform(0.05, 0.95), rng.uniform(0.05, 0.8)
        s = rng.uniform(0.18, 0.38)
        w = np.exp(-((x - bx) ** 2 + (y - by) ** 2) / (2 * s * s))[..., None]
        w *= rng.uniform(0.45, 0.85)
        img = img * (1 - w) + c * w
    return img


def bokeh_layer(spec: Spec, n: int, size: int, rng, radius_range, blur_r, alpha_range):
    """Out-of-focus light discs with a brighter rim, drawn at 2x then blurred."""
    ss = 2
    layer = Image.new("RGB", (size * ss, size * ss), (0, 0, 0))
    d = ImageDraw.Draw(layer)
    cols = [hexrgb(c) for c in spec.palette[1:]] + [hexrgb(spec.rim)]
    for _ in range(n):
        cx = rng.uniform(-0.05, 1.05) * size * ss
        # keep most bokeh in the upper two thirds, behind the subject's head
        cy = rng.beta(1.6, 2.4) * size * ss
        r = rng.uniform(*radius_range) * size * ss
        c = cols[rng.integers(len(cols))]
        c = 0.5 * c + 0.5  # lighten: bokeh are light sources
        a = rng.uniform(*alpha_range)
        fill = tuple(int(255 * a * v) for v in c)
        rim = tuple(int(min(255, 255 * a * 1.5 * v)) for v in c)
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=fill)
        w = max(1, int(r * 0.08))
        d.ellipse([cx - r, cy - r, cx + r, cy + r], outline=rim, width=w)
    layer = layer.resize((size, size), Image.LANCZOS).filter(ImageFilter.GaussianBlur(blur_r))
    return np.asarray(layer, dtype=np.float32) / 255.0


def silhouette(spec: Spec, x, y, px) -> np.ndarray:
    cx = 0.5 + spec.shift
    hy, hrx, hry = 0.415, 0.125, 0.16
    tilt = spec.tilt
    head = ellipse_mask(x, y, cx, hy, hrx, hry, px, tilt)
    # jaw: slightly narrower lower ellipse gives a less egg-like head
    jaw = ellipse_mask(x, y, cx + np.sin(np.deg2rad(tilt)) * 0.04, hy + 0.05, hrx * 0.86, hry * 0.86, px, tilt)
    neck = box_mask(x, y, cx - 0.052, hy + 0.08, cx + 0.052, 0.80, px)
    neck = np.maximum(neck, ellipse_mask(x, y, cx, 0.70, 0.075, 0.09, px))
    shoulders = ellipse_mask(x, y, cx, 1.03, 0.42, 0.33, px)
    trap = ellipse_mask(x, y, cx, 0.80, 0.20, 0.12, px)  # trapezius slope
    m = np.maximum.reduce([head, jaw, neck, shoulders, trap])
    hair = spec.hair
    if hair == "short":
        m = np.maximum(m, ellipse_mask(x, y, cx + 0.005, hy - 0.035, hrx * 1.07, hry * 0.92, px, tilt - 8))
    elif hair == "bob":
        m = np.maximum(m, ellipse_mask(x, y, cx, hy - 0.01, hrx * 1.22, hry * 1.02, px, tilt))
        m = np.maximum(m, box_mask(x, y, cx - hrx * 1.2, hy - 0.02, cx + hrx * 1.2, hy + 0.11, px) *
                       ellipse_mask(x, y, cx, hy + 0.02, hrx * 1.3, hry * 1.2, px))
    elif hair == "long":
        m = np.maximum(m, ellipse_mask(x, y, cx, hy - 0.015, hrx * 1.2, hry * 1.05, px, tilt))
        # hair falling to the shoulders: a gently flaring band with a rounded end
        y0, y1 = hy - 0.01, hy + 0.27
        half = hrx * 1.18 + 0.035 * np.clip((y - y0) / (y1 - y0), 0, 1)
        fall = (np.clip((half - np.abs(x - cx)) / px + 0.5, 0, 1)
                * np.clip((y - y0) / px + 0.5, 0, 1)
                * ellipse_mask(x, y, cx, y0, hrx * 1.6, y1 - y0, px))
        m = np.maximum(m, fall)
    elif hair == "bun":
        m = np.maximum(m, ellipse_mask(x, y, cx, hy - 0.02, hrx * 1.06, hry * 1.0, px, tilt))
        bx = cx + np.sin(np.deg2rad(tilt)) * 0.18
        m = np.maximum(m, ellipse_mask(x, y, bx, hy - 0.19, 0.065, 0.06, px))
    elif hair == "afro":
        m = np.maximum(m, ellipse_mask(x, y, cx, hy - 0.06, 0.215, 0.19, px, tilt))
    elif hair == "cap":
        m = np.maximum(m, ellipse_mask(x, y, cx, hy - 0.05, hrx * 1.08, hry * 0.8, px, tilt))
        m = np.maximum(m, ellipse_mask(x, y, cx - 0.09, hy - 0.045, 0.14, 0.028, px, -6))  # brim
    elif hair == "headphones":
        m = np.maximum(m, ellipse_mask(x, y, cx, hy - 0.03, hrx * 1.08, hry * 0.95, px, tilt))
        outer = ellipse_mask(x, y, cx, hy - 0.01, hrx * 1.32, hry * 1.22, px)
        inner = ellipse_mask(x, y, cx, hy - 0.01, hrx * 1.2, hry * 1.1, px)
        band = outer * (1 - inner) * (y < hy - 0.0)
        m = np.maximum(m, band)
        for side in (-1, 1):
            m = np.maximum(m, ellipse_mask(x, y, cx + side * hrx * 1.12, hy + 0.01, 0.038, 0.062, px))
    if spec.extra.get("ears"):  # playful bunny ears for "Neon Bunny"
        for side, ang in ((-1, -14), (1, 16)):
            m = np.maximum(m, ellipse_mask(x, y, cx + side * 0.07, hy - 0.27, 0.038, 0.13, px, ang))
    return np.clip(m, 0, 1)


# --------------------------------------------------------------------------

def render(spec: Spec, size: int, seed: int) -> Image.Image:
    rng = np.random.default_rng(seed)
    px = 1.0 / size
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32)
    x, y = (xs + 0.5) / size, (ys + 0.5) / size

    img = background(spec, x, y, rng)

    # far bokeh (very soft), then nearer bokeh (crisper)
    img = screen(img, bokeh_layer(spec, spec.bokeh, size, rng, (0.02, 0.07), 6, (0.15, 0.45)))
    img = screen(img, bokeh_layer(spec, spec.bokeh // 2, size, rng, (0.03, 0.09), 2.2, (0.2, 0.55)))

    cx = 0.5 + spec.shift
    rimc = hexrgb(spec.rim)
    if spec.style == "halo":
        r = np.sqrt((x - cx) ** 2 + (y - 0.40) ** 2)
        ring = np.exp(-((r - 0.245) ** 2) / (2 * 0.006 ** 2)) + 0.35 * np.exp(-((r - 0.245) ** 2) / (2 * 0.04 ** 2))
        img = screen(img, (ring[..., None] * 0.8) * rimc)
    elif spec.style == "sun":
        r = np.sqrt((x - cx) ** 2 + (y - 0.36) ** 2)
        disc = smoothstep(0.31, 0.29, r)
        glow = np.exp(-(r ** 2) / (2 * 0.22 ** 2)) * 0.5
        sun = hexrgb(spec.palette[-1])
        # horizontal "sunset" stripes cut into the lower half of the disc
        stripes = 1 - (np.sin((y - 0.36) * 90) > 0.6) * smoothstep(0.40, 0.55, y)
        img = img * (1 - disc[..., None] * 0.85 * stripes[..., None]) + (disc * stripes * 0.85)[..., None] * sun
        img = screen(img, glow[..., None] * sun)

    # subject
    m = silhouette(spec, x, y, px)
    lx, ly = spec.light
    n = np.hypot(lx, ly)
    lx, ly = lx / n, ly / n
    d = int(round(size * 0.02))
    # pixels of the subject whose neighbour toward the light is background = lit edge
    toward = shift(m, int(round(-lx * d)), int(round(-ly * d)))
    rim = np.clip(m - toward, 0, 1)
    rim_soft = blur(rim, size * 0.004)
    glow = blur(rim, size * 0.03) * (1 - m)

    fill = hexrgb(spec.fill)
    # subtle interior gradient toward the light, so the silhouette is not flat
    inner = np.clip(0.5 + 0.5 * ((x - cx) * lx + (y - 0.55) * ly) / 0.5, 0, 1)
    # ambient bounce from the (heavily blurred) background instead of see-through bokeh
    amb = np.stack([blur(img[..., c], size * 0.08) for c in range(3)], axis=-1)
    body = fill[None, None, :] * (0.8 + 0.45 * inner[..., None]) + 0.10 * amb
    img = img * (1 - m[..., None]) + body * m[..., None]
    # a soft sheen just inside the lit edge, then the crisp rim, then the outer glow
    sheen = blur(rim, size * 0.02) * m
    img = screen(img, (sheen[..., None] * 0.35) * rimc)
    img = screen(img, (np.clip(rim_soft * 1.3, 0, 1)[..., None]) * rimc)
    img = screen(img, (glow[..., None] * 1.1) * rimc)

    # a couple of soft foreground bokeh crossing the frame edge (depth)
    img = screen(img, bokeh_layer(spec, 3, size, rng, (0.08, 0.14), 14, (0.1, 0.25)))

    if spec.style == "duotone" and spec.duo:
        lum = img @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
        lum = smoothstep(0.02, 0.95, lum)
        a, b = hexrgb(spec.duo[0]), hexrgb(spec.duo[1])
        duo = a * (1 - lum[..., None]) + b * lum[..., None]
        img = 0.85 * duo + 0.15 * img

    # vignette (round, since the card crops to a circle)
    r2 = (x - 0.5) ** 2 + (y - 0.5) ** 2
    img *= (1 - 0.55 * smoothstep(0.12, 0.5, r2))[..., None]

    # film grain: monochrome, slightly soft so JPEG keeps the file small
    g = rng.normal(0, 1, (size, size)).astype(np.float32)
    g = np.asarray(Image.fromarray(np.clip(g * 40 + 128, 0, 255).astype(np.uint8), "L")
                   .filter(ImageFilter.GaussianBlur(0.6)), dtype=np.float32) / 255.0 - 0.5
    img = img + g[..., None] * 0.07

    out = np.clip(img * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return Image.fromarray(out, "RGB")


def save_jpeg(im: Image.Image, path: str) -> int:
    q = JPEG_QUALITY
    while True:
        im.save(path, "JPEG", quality=q, optimize=True, progressive=False, subsampling="4:2:0")
        nbytes = os.path.getsize(path)
        if nbytes <= MAX_BYTES or q <= 60:
            return nbytes
        q -= 5  # keep under the size budget


# Deliberately broken "image" used by the sample data to exercise decode errors.
CORRUPT_TEXT = (
    "This is NOT a JPEG. cardfarm test data: photos/corrupt.jpg is intentionally\n"
    "garbage so that renderers exercise their image-decode error path and fall back\n"
    "to a placeholder instead of crashing. It has a .jpg name but no SOI marker,\n"
    "no JFIF/Exif header and no scan data; decoders must reject it cleanly.\n"
    "lorem ipsum 0xDEADBEEF ~~~ <<<>>> {{{}}} %%% @@@ ### !!! ??? ... 1234567890\n"
    "END OF GARBAGE\n"
)


def write_corrupt(path: str) -> None:
    with open(path, "w", encoding="ascii", newline="\n") as f:
        f.write(CORRUPT_TEXT)


def main(argv=None) -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(here, "photos"))
    ap.add_argument("--size", type=int, default=640)
    ap.add_argument("--only", nargs="*", help="slugs to render (default: all)")
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    for i, spec in enumerate(SPECS):
        if args.only and spec.slug not in args.only:
            continue
        im = render(spec, args.size, MASTER_SEED + 7919 * i)
        path = os.path.join(args.out, spec.slug + ".jpg")
        nbytes = save_jpeg(im, path)
        print(f"{path}  {nbytes / 1024:.1f} KiB", file=sys.stderr)
    if not args.only:
        write_corrupt(os.path.join(args.out, "corrupt.jpg"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
