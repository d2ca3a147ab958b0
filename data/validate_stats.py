#!/usr/bin/env python3
"""Validate cardfarm stats files (JSON Lines datasets and single-user JSON fixtures).

Usage:
    python3 data/validate_stats.py                 # data/sample.jsonl + tests/fixtures/*.json
    python3 data/validate_stats.py FILE [FILE...]  # .jsonl = one user per line, .json = one user

Hard errors (exit status 1) are violations of the stats format. Warnings are
things that are legal but worth knowing (an image file that does not exist,
a clock whose sum is far from minutes_listened, ...); several sample users
trigger them on purpose.
"""

from __future__ import annotations

import json
import math
import os
import re
import sys

LOCALES = {"en", "de", "fr", "es", "pt", "it", "ja", "ko", "zh", "hi", "ar", "he", "ru", "th", "sv", "nl", "pl", "tr"}
REQUIRED = ("user_id", "display_name", "year", "minutes_listened", "top_artists", "top_tracks", "top_genres")
OPTIONAL = ("listening_clock", "top_artist_percentile", "locale")
USER_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def is_num(v) -> bool:
    return (isinstance(v, (int, float)) and not isinstance(v, bool)) and math.isfinite(v)


def check_user(u, base_dir: str | None = None):
    """Return (errors, warnings) for one user object."""
    errs: list[str] = []
    warns: list[str] = []
    if not isinstance(u, dict):
        return ["not a JSON object"], warns
    for k in REQUIRED:
        if k not in u:
            errs.append(f"missing required field {k!r}")
    for k in u:
        if k not in REQUIRED and k not in OPTIONAL:
            errs.append(f"unknown field {k!r}")
    if errs:
        return errs, warns

    uid = u["user_id"]
    if not isinstance(uid, str) or not USER_ID_RE.match(uid):
        errs.append(f"user_id {uid!r} must match [A-Za-z0-9_-]{{1,64}}")
    if not isinstance(u["display_name"], str):
        errs.append("display_name must be a string")
    if not is_int(u["year"]) or not (1900 <= u["year"] <= 9999):
        errs.append("year must be an integer (1900..9999)")
    mins = u["minutes_listened"]
    if not is_int(mins) or mins < 0:
        errs.append("minutes_listened must be an integer >= 0")

    def check_list(key, item_check, sort_key):
        lst = u[key]
        if not isinstance(lst, list):
            errs.append(f"{key} must be an array")
            return
        if len(lst) > 5:
            errs.append(f"{key} has {len(lst)} items (max 5)")
        ok = True
        for i, it in enumerate(lst):
            e = item_check(it)
            if e:
                errs.append(f"{key}[{i}]: {e}")
                ok = False
        if ok:
            vals = [it[sort_key] for it in lst]
            if any(a < b for a, b in zip(vals, vals[1:])):
                errs.append(f"{key} not sorted by {sort_key} descending: {vals}")

    def artist_check(a):
        if not isinstance(a, dict):
            return "not an object"
        extra = set(a) - {"name", "minutes", "image"}
        if extra:
            return f"unknown fields {sorted(extra)}"
        if not isinstance(a.get("name"), str):
            return "name must be a string"
        if not is_int(a.get("minutes")) or a["minutes"] < 0:
            return "minutes must be an integer >= 0"
        if "image" in a:
            img = a["image"]
            if not isinstance(img, str) or not img:
                return "image must be a non-empty string"
            if img.startswith("data:"):
                if ";base64," not in img:
                    warns.append(f"artist {a['name']!r}: data: URI is not base64")
            else:
                if img.startswith("/") or "\\" in img or ".." in img.split("/") or re.match(r"^[a-zA-Z]+:", img):
                    return f"image {img!r} must be a relative path (or a data: URI)"
                if base_dir is not None and not os.path.isfile(os.path.join(base_dir, img)):
                    warns.append(f"artist {a['name']!r}: image {img!r} does not exist")
        return None

    def track_check(t):
        if not isinstance(t, dict):
            return "not an object"
        extra = set(t) - {"title", "artist", "plays"}
        if extra:
            return f"unknown fields {sorted(extra)}"
        if not isinstance(t.get("title"), str) or not isinstance(t.get("artist"), str):
            return "title and artist must be strings"
        if not is_int(t.get("plays")) or t["plays"] < 0:
            return "plays must be an integer >= 0"
        return None

    def genre_check(g):
        if not isinstance(g, dict):
            return "not an object"
        extra = set(g) - {"name", "share"}
        if extra:
            return f"unknown fields {sorted(extra)}"
        if not isinstance(g.get("name"), str):
            return "name must be a string"
        if not is_num(g.get("share")) or not (0 <= g["share"] <= 1):
            return "share must be a number in 0..1"
        return None

    check_list("top_artists", artist_check, "minutes")
    check_list("top_tracks", track_check, "plays")
    check_list("top_genres", genre_check, "share")
    if isinstance(u["top_genres"], list) and all(isinstance(g, dict) and is_num(g.get("share")) for g in u["top_genres"]):
        shares = [g["share"] for g in u["top_genres"]]
        # strict: both summation orders must stay <= 1 in f64
        if sum(shares) > 1.0 or sum(reversed(shares)) > 1.0:
            errs.append(f"top_genres shares sum to {sum(shares)!r} > 1")

    if "listening_clock" in u:
        c = u["listening_clock"]
        if not isinstance(c, list) or len(c) != 24 or not all(is_num(v) and v >= 0 for v in c):
            errs.append("listening_clock must be exactly 24 non-negative numbers")
        elif is_int(mins):
            s = sum(c)
            if abs(s - mins) > max(1.0, 0.02 * mins):
                warns.append(f"listening_clock sums to {s}, minutes_listened is {mins}")
    if "top_artist_percentile" in u:
        p = u["top_artist_percentile"]
        if not is_num(p) or not (0 < p <= 100):
            errs.append("top_artist_percentile must be a number in (0, 100]")
    if "locale" in u and u["locale"] not in LOCALES:
        errs.append(f"locale {u['locale']!r} not one of {sorted(LOCALES)}")

    if not errs and is_int(mins):
        if sum(a["minutes"] for a in u["top_artists"]) > mins:
            warns.append("top artists' minutes add up to more than minutes_listened")
    return errs, warns


def validate_file(path: str, lowercase_ids: bool = False, quiet_warnings: bool = False) -> int:
    """Validate one .jsonl or .json file; print problems; return the number of errors."""
    base = os.path.dirname(os.path.abspath(path))
    raw = open(path, "rb").read()
    nerr = 0
    if raw.startswith(b"\xef\xbb\xbf"):
        print(f"{path}: ERROR: starts with a UTF-8 BOM")
        nerr += 1
    text = raw.decode("utf-8")
    records: list[tuple[str, object]] = []
    if path.endswith(".jsonl"):
        if not text.endswith("\n"):
            print(f"{path}: ERROR: last line not terminated by \\n")
            nerr += 1
        for i, line in enumerate(text.split("\n")[:-1], 1):
            if not line.strip():
                print(f"{path}:{i}: ERROR: blank line")
                nerr += 1
                continue
            try:
                records.append((f"{path}:{i}", json.loads(line)))
            except json.JSONDecodeError as e:
                print(f"{path}:{i}: ERROR: invalid JSON: {e}")
                nerr += 1
    else:
        try:
            records.append((path, json.loads(text)))
        except json.JSONDecodeError as e:
            print(f"{path}: ERROR: invalid JSON: {e}")
            nerr += 1
    seen: dict[str, str] = {}
    for where, u in records:
        errs, warns = check_user(u, base)
        uid = u.get("user_id") if isinstance(u, dict) else None
        if isinstance(uid, str):
            if uid in seen:
                errs.append(f"duplicate user_id {uid!r} (first at {seen[uid]})")
            seen[uid] = where
            if lowercase_ids and uid != uid.lower():
                errs.append(f"user_id {uid!r} is not lowercase")
        for e in errs:
            print(f"{where} [{uid}]: ERROR: {e}")
        if not quiet_warnings:
            for w in warns:
                print(f"{where} [{uid}]: warning: {w}")
        nerr += len(errs)
    return nerr


def main(argv: list[str]) -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    files = list(argv)
    if not files:
        files.append(os.path.join(here, "sample.jsonl"))
        fixtures = os.path.join(root, "tests", "fixtures")
        if os.path.isdir(fixtures):
            files += sorted(os.path.join(fixtures, f) for f in os.listdir(fixtures) if f.endswith(".json"))
    total = 0
    for f in files:
        total += validate_file(f, lowercase_ids=f.endswith(".jsonl"))
    print(f"{len(files)} file(s), {total} error(s)")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
