#!/usr/bin/env python3
"""Write a population of listeners for `cardfarm stats --population`: one folder per
listener, each holding a Spotify extended streaming history
(Streaming_History_Audio_<year>.json).

Realistic skew: artist popularity follows a Zipf law, so the most popular artists are
shared by many listeners (past the percentile badge's floor of 100 listeners once the
population has a few hundred people) while the long tail has a handful each. Each listener
has a taste (a few dozen artists drawn by popularity), a favourite among them, a daily rhythm,
and rows a real export has: full plays, skips under 30 s, podcast episodes, duplicate rows,
and a few streams from the end of the year before.

Deterministic: a fixed seed and no clock or environment input, so the same arguments give
byte-identical files. All artist, track and show names are made up here (syllables), and the
output is CC0.

Usage:
    python3 data/generate_population.py --out DIR [--listeners 300] [--artists 400]
                                        [--rows 250] [--year 2026] [--seed 20261128]
                                        [--genres FILE.csv]

Only the Python standard library is needed.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import datetime as dt
import itertools
import json
import os
import random
import sys

SYLLABLES = [
    "ka", "lo", "mi", "ra", "ven", "so", "tu", "lin", "mar", "el", "no", "vi", "sa", "dor",
    "ae", "ki", "lu", "ren", "ta", "zo", "bel", "fi", "go", "ha", "is", "jo", "ny", "ob",
    "pe", "qui", "ri", "sel", "tor", "um", "va", "wen", "xa", "yo", "ze",
]
WORDS = [
    "Midnight", "Harbor", "Neon", "Paper", "Silver", "Echo", "Garden", "River", "Static",
    "Velvet", "Glass", "Orbit", "Ember", "Hollow", "Signal", "Tide", "Lantern", "Atlas",
]
SHOWS = ["The Long Table", "Signal and Noise", "Tiny Histories", "Field Notes"]
PLATFORMS = ["android", "ios", "windows", "web_player", "osx"]
COUNTRIES = ["DE", "US", "GB", "FR", "BR", "JP", "SE", "IN"]
GENRES = [
    "pop", "indie pop", "rock", "indie rock", "hip hop", "r&b", "electronic", "house",
    "techno", "ambient", "jazz", "soul", "folk", "metal", "k-pop", "latin", "classical",
]


def artist_names(n: int, rng: random.Random) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < n:
        parts = rng.randint(2, 3)
        word = "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()
        name = word if rng.random() < 0.6 else f"{word} {rng.choice(WORDS)}"
        if rng.random() < 0.1:
            name = f"The {rng.choice(WORDS)} {word}s"
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def track_titles(artist_index: int, rng: random.Random) -> list[str]:
    count = rng.randint(6, 30)
    return [
        f"{rng.choice(WORDS)} {''.join(rng.choice(SYLLABLES) for _ in range(2)).capitalize()}"
        f" {artist_index}-{t}"
        for t in range(count)
    ]


class Population:
    def __init__(self, artists: int, seed: int):
        rng = random.Random(seed)
        self.names = artist_names(artists, rng)
        # Zipf popularity, s = 1.1: the first artists are on most listeners' lists.
        weights = [1.0 / (rank + 1) ** 1.1 for rank in range(artists)]
        self.cumulative = list(itertools.accumulate(weights))
        self.tracks = [track_titles(i, rng) for i in range(artists)]
        # Track lengths in ms, fixed per track as on a real service.
        self.lengths = [
            [rng.randint(140_000, 330_000) for _ in titles] for titles in self.tracks
        ]

    def popular_artist(self, rng: random.Random) -> int:
        x = rng.random() * self.cumulative[-1]
        return bisect.bisect_left(self.cumulative, x)


def listener_rows(pop: Population, year: int, rows_mean: int, rng: random.Random) -> list[dict]:
    # A taste of 5 to 80 artists, drawn by popularity; the listener's own preference among
    # them is a steeper Zipf in a random order, so their #1 is often, not always, a popular one.
    taste_size = rng.randint(5, 80)
    taste: list[int] = []
    while len(taste) < taste_size:
        a = pop.popular_artist(rng)
        if a not in taste:
            taste.append(a)
    rng.shuffle(taste)
    preference = list(itertools.accumulate(1.0 / (r + 1) ** 1.4 for r in range(len(taste))))
    # Daily rhythm: a peak hour and a spread.
    peak = rng.choice([8, 12, 17, 20, 22, 23])
    n_rows = max(5, int(rng.lognormvariate(0, 0.6) * rows_mean))
    start_of_year = dt.datetime(year, 1, 1, tzinfo=dt.timezone.utc)
    platform = rng.choice(PLATFORMS)
    country = rng.choice(COUNTRIES)
    rows: list[dict] = []
    for _ in range(n_rows):
        day = rng.randrange(365)
        hour = int(rng.gauss(peak, 3)) % 24
        start = start_of_year + dt.timedelta(
            days=day, hours=hour, minutes=rng.randrange(60), seconds=rng.randrange(60)
        )
        if rng.random() < 0.02:
            # A stream from the last days of the year before.
            start -= dt.timedelta(days=rng.randint(366, 372))
        kind = rng.random()
        if kind < 0.03:
            ms = rng.randint(60_000, 3_600_000)
            row = episode_row(start, ms, rng, platform, country)
        else:
            a = taste[bisect.bisect_left(preference, rng.random() * preference[-1])]
            t = min(int(rng.paretovariate(1.2)) - 1, len(pop.tracks[a]) - 1)
            length = pop.lengths[a][t]
            skipped = rng.random() < 0.18
            ms = rng.randint(500, 29_999) if skipped else (
                length if rng.random() < 0.85 else rng.randint(30_000, length)
            )
            row = track_row(start, ms, pop.names[a], pop.tracks[a][t], a, t, skipped,
                            platform, country, rng)
        rows.append(row)
        if rng.random() < 0.01:
            rows.append(dict(row))  # the same row twice, as exports sometimes have
    rows.sort(key=lambda r: r["ts"])
    return rows


def end_ts(start: dt.datetime, ms: int) -> str:
    # `ts` is the end of the stream, to the second (the export truncates).
    end = start + dt.timedelta(milliseconds=ms)
    return end.strftime("%Y-%m-%dT%H:%M:%SZ")


def track_row(start, ms, artist, title, a, t, skipped, platform, country, rng) -> dict:
    return {
        "ts": end_ts(start, ms),
        "platform": platform,
        "ms_played": ms,
        "conn_country": country,
        "master_metadata_track_name": title,
        "master_metadata_album_artist_name": artist,
        "master_metadata_album_album_name": f"{artist} - Album {t // 10 + 1}",
        "spotify_track_uri": f"spotify:track:{a:05d}{t:03d}",
        "episode_name": None,
        "episode_show_name": None,
        "spotify_episode_uri": None,
        "audiobook_title": None,
        "reason_start": rng.choice(["trackdone", "clickrow", "fwdbtn"]),
        "reason_end": "fwdbtn" if skipped else "trackdone",
        "shuffle": rng.random() < 0.4,
        "skipped": skipped,
        "offline": False,
        "incognito_mode": False,
    }


def episode_row(start, ms, rng, platform, country) -> dict:
    show = rng.choice(SHOWS)
    number = rng.randint(1, 200)
    return {
        "ts": end_ts(start, ms),
        "platform": platform,
        "ms_played": ms,
        "conn_country": country,
        "master_metadata_track_name": None,
        "master_metadata_album_artist_name": None,
        "master_metadata_album_album_name": None,
        "spotify_track_uri": None,
        "episode_name": f"{show} #{number}",
        "episode_show_name": show,
        "spotify_episode_uri": f"spotify:episode:{number:06d}",
        "audiobook_title": None,
        "reason_start": "clickrow",
        "reason_end": "endplay",
        "shuffle": False,
        "skipped": False,
        "offline": False,
        "incognito_mode": False,
    }


def write_genres(path: str, pop: Population, seed: int) -> None:
    """The `--genres` CSV: most artists get one to three genres, some none."""
    rng = random.Random(f"{seed}/genres")
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["artist", "genre"])
        for name in pop.names:
            if rng.random() < 0.1:
                continue
            for genre in rng.sample(GENRES, rng.choice([1, 1, 2, 2, 3])):
                writer.writerow([name, genre])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="folder to write listener folders into")
    parser.add_argument("--listeners", type=int, default=300)
    parser.add_argument("--artists", type=int, default=400)
    parser.add_argument("--rows", type=int, default=250, help="mean rows per listener")
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--genres", help="also write an artist,genre CSV for --genres here")
    args = parser.parse_args(argv)
    if args.listeners < 1 or args.artists < 1 or args.rows < 1:
        parser.error("--listeners, --artists and --rows must be at least 1")
    pop = Population(args.artists, args.seed)
    os.makedirs(args.out, exist_ok=True)
    width = max(5, len(str(args.listeners)))
    for i in range(args.listeners):
        # One generator per listener, so listener i is the same whatever --listeners is.
        rng = random.Random(f"{args.seed}/{i}")
        rows = listener_rows(pop, args.year, args.rows, rng)
        folder = os.path.join(args.out, f"l{i:0{width}d}")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, f"Streaming_History_Audio_{args.year}.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(rows, f, ensure_ascii=False, separators=(",", ":"))
    if args.genres:
        write_genres(args.genres, pop, args.seed)
    print(f"wrote {args.listeners} listeners to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
