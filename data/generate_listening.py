#!/usr/bin/env python3
"""Write one listener's listening history in every export format `cardfarm stats` reads, and
the figures the rules give for it, worked out here (independently of cardfarm).

Deterministic: a fixed seed, no clock or environment input.  The listener lives in
Europe/Berlin and listens over several years, so the history crosses New Year and the
daylight saving time changes in local time.  It holds what real exports hold: podcast and
audiobook streams, streams skipped before 30 s, rows repeated within and across files, a row
that differs from another only in one field, null fields, missing durations (ListenBrainz),
malformed rows, and artist and track names in every script cardfarm's fonts cover (the
fictional artists of generate_sample.py).

Written to OUT (default: ./listener):

    spotify-extended/Streaming_History_Audio_*.json   Spotify extended streaming history
    spotify-extended/ReadMeFirst_ExtendedStreamingHistory.pdf   (not a history: skipped)
    my_spotify_data.zip                               the same, as Spotify's zip
    spotify-account/StreamingHistory_music_*.json     Spotify account data
    spotify-account/StreamingHistory_podcast_0.json
    listenbrainz_<user>_<time>.zip                    ListenBrainz export (user.json, listens/)
    lastfm/scrobbles.csv                              Last.fm, lastfm-to-csv style (no header)
    lastfm-uts/scrobbles.csv                          Last.fm, with a header and a `uts` column
    genres.csv                                        artist,genre for the artists
    truth.json                                        the expected figures, per format

Importable: a population generator can build its own listeners with `Listener(seed, ...)` and
reuse the row writers (`spotify_extended_row`, `spotify_account_row`, `listenbrainz_listen`,
`lastfm_row`) and `expected` (the rules).

Usage:
    python3 data/generate_listening.py [--out DIR] [--seed N] [--streams-per-year N]
    python3 data/generate_listening.py --heavy 300000 --out DIR   # the benchmark's listener
    python3 data/generate_listening.py --sample-genres data/genres.csv  # the sample's genres

Only the Python standard library is needed.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import sys
import zipfile
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep data/ free of __pycache__
sys.path.insert(0, HERE)
from generate_sample import ARTISTS  # noqa: E402

SEED = 20261128
TZ = "Europe/Berlin"
YEARS = (2024, 2025, 2026)
STREAMS_PER_YEAR = 260
USER = "ana_conceição"  # ListenBrainz user names may hold any letter; the id is cleaned
PLAY_MS = 30_000
ESTIMATED_MS = 180_000
UTC = timezone.utc
PODCASTS = (("Der Morgen-Podcast", "Folge 12: Zeitumstellung"), ("Ciência às Sextas", "Episódio 4"))
AUDIOBOOKS = (("Der Zauberberg", "Kapitel 3"), ("Мастер и Маргарита", "Глава 1"))


@dataclass(frozen=True)
class Stream:
    """One stream as it happened: what the exports are written from."""
    end: datetime            # UTC, whole seconds
    ms: int                  # how long it played
    artist: str | None       # None: not music
    track: str | None
    album: str | None
    length_ms: int           # the track's length (ListenBrainz's duration)
    kind: str = "music"      # music | podcast | audiobook
    show: str | None = None  # podcast show / audiobook title
    episode: str | None = None
    offline: bool = False

    @property
    def start_ms(self) -> int:
        return epoch_ms(self.end) - self.ms


def epoch_ms(t: datetime) -> int:
    return int(t.timestamp()) * 1000 + t.microsecond // 1000


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


class Listener:
    """A listener's streams over several years in one time zone."""

    def __init__(self, seed: int = SEED, years=YEARS, tz: str = TZ, per_year: int = STREAMS_PER_YEAR,
                 artists=None):
        self.rng = random.Random(seed)
        self.tz = ZoneInfo(tz)
        self.tz_name = tz
        pool = list(artists or ARTISTS)
        self.rng.shuffle(pool)
        # A few favourites take most of the time, the rest the long tail.
        self.artists = pool[:14]
        self.weights = [1.0 / (i + 1) ** 0.9 for i in range(len(self.artists))]
        self.streams: list[Stream] = []
        for year in years:
            self._year(year, per_year)
        self._edges(years)
        self.streams.sort(key=lambda s: (s.end, s.ms))

    def _music(self, end: datetime, ms: int | None = None) -> Stream:
        artist = self.rng.choices(self.artists, self.weights)[0]
        track = self.rng.choice(artist.tracks)
        length = 120_000 + (hash_text(track) % 240) * 1000  # fixed per track
        if ms is None:
            r = self.rng.random()
            ms = length if r < 0.7 else (self.rng.randint(0, 29_999) if r < 0.85 else self.rng.randint(30_000, length))
        return Stream(end=end, ms=ms, artist=artist.name, track=track, album=f"{artist.name} — Live",
                      length_ms=length)

    def _year(self, year: int, n: int) -> None:
        rng = self.rng
        start = datetime(year, 1, 1, tzinfo=self.tz)
        days = (datetime(year + 1, 1, 1, tzinfo=self.tz) - start).days
        for _ in range(n):
            day = rng.randrange(days)
            hour = rng.choices(range(24), [1, 1, 1, 1, 1, 2, 4, 8, 7, 4, 3, 3, 4, 5, 4, 3, 4, 6, 8, 9, 8, 6, 4, 2])[0]
            local = (start + timedelta(days=day)).replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60))
            end = local.astimezone(UTC)
            r = rng.random()
            if r < 0.06:
                show, episode = rng.choice(PODCASTS)
                self.streams.append(Stream(end=end, ms=rng.randint(60_000, 2_400_000), artist=None, track=None,
                                           album=None, length_ms=0, kind="podcast", show=show, episode=episode))
            elif r < 0.09:
                title, chapter = rng.choice(AUDIOBOOKS)
                self.streams.append(Stream(end=end, ms=rng.randint(60_000, 1_800_000), artist=None, track=None,
                                           album=None, length_ms=0, kind="audiobook", show=title, episode=chapter))
            else:
                self.streams.append(self._music(end))

    def _edges(self, years) -> None:
        """Streams on the edges the rules have to get right."""
        for year in years[1:]:
            # Starts 00:10 on 1 January in Berlin, 23:10 on 31 December in UTC: the new year
            # in Berlin, the old one in UTC.  Ends 20 minutes later (both in the new year).
            self.streams.append(self._music(at(f"{year - 1}-12-31T23:30:00Z"), ms=1_200_000))
            # Starts 23:55 on 31 December in Berlin and ends in the new year: the old year.
            self.streams.append(self._music(at(f"{year - 1}-12-31T23:05:00Z"), ms=600_000))
        for year in years:
            # Daylight saving time: the last Sundays of March and October, 01:00 UTC.
            march = last_sunday(year, 3)
            october = last_sunday(year, 10)
            for start in (march - timedelta(minutes=30), march + timedelta(minutes=30),
                          october - timedelta(minutes=30), october + timedelta(minutes=30)):
                self.streams.append(self._music(start + timedelta(minutes=4), ms=240_000))
        # One stream heard again with only `offline` changed: a different row, counted again.
        twin = self._music(at(f"{years[-1]}-06-01T10:00:00Z"), ms=200_000)
        self.streams += [twin, replace(twin, offline=True)]


def last_sunday(year: int, month: int) -> datetime:
    day = datetime(year, month + 1, 1, 1, tzinfo=UTC) - timedelta(days=1)
    while day.weekday() != 6:
        day -= timedelta(days=1)
    return day


def hash_text(text: str) -> int:
    h = 2166136261
    for b in text.encode():
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


# ---------------------------------------------------------------------------
# Row writers: one stream -> one row as each export writes it.
# ---------------------------------------------------------------------------

def spotify_extended_row(s: Stream) -> dict:
    music = s.kind == "music"
    return {
        "ts": s.end.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "platform": "android",
        "ms_played": s.ms,
        "conn_country": "DE",
        "ip_addr": "192.0.2.1",
        "master_metadata_track_name": s.track if music else None,
        "master_metadata_album_artist_name": s.artist if music else None,
        "master_metadata_album_album_name": s.album if music else None,
        "spotify_track_uri": f"spotify:track:{hash_text(s.track or ''):08x}" if music else None,
        "episode_name": s.episode if s.kind == "podcast" else None,
        "episode_show_name": s.show if s.kind == "podcast" else None,
        "spotify_episode_uri": "spotify:episode:x" if s.kind == "podcast" else None,
        "audiobook_title": s.show if s.kind == "audiobook" else None,
        "audiobook_uri": None,
        "audiobook_chapter_uri": None,
        "audiobook_chapter_title": s.episode if s.kind == "audiobook" else None,
        "reason_start": "trackdone",
        "reason_end": "trackdone" if s.ms == s.length_ms else "fwdbtn",
        "shuffle": False,
        "skipped": s.ms < PLAY_MS,
        "offline": s.offline,
        "offline_timestamp": None,
        "incognito_mode": False,
    }


def spotify_account_row(s: Stream) -> dict:
    """Account data: the end to the minute.  Podcasts go to their own file."""
    end = s.end.strftime("%Y-%m-%d %H:%M")
    if s.kind == "podcast":
        return {"endTime": end, "podcastName": s.show, "episodeName": s.episode, "msPlayed": s.ms}
    return {"endTime": end, "artistName": s.artist, "trackName": s.track, "msPlayed": s.ms}


def listenbrainz_line(s: Stream, duration: str = "duration_ms") -> str:
    """A listen as one line of ListenBrainz's export: `listened_at` with six decimals, as
    PostgreSQL's `extract(epoch ...)` writes it."""
    listen = listenbrainz_listen(s, duration)
    listen["listened_at"] = "@"
    seconds = f"{s.start_ms // 1000}.{s.start_ms % 1000:03d}000"
    return json.dumps(listen, ensure_ascii=False).replace('"@"', seconds, 1)


def listenbrainz_listen(s: Stream, duration: str = "duration_ms") -> dict:
    """A listen as ListenBrainz's export writes it; `duration` is duration_ms, duration
    (seconds) or none."""
    info = {"recording_msid": f"{hash_text(s.track or ''):08x}-msid", "submission_client": "cardfarm-gen"}
    if duration == "duration_ms":
        info["duration_ms"] = s.length_ms
    elif duration == "duration":
        info["duration"] = s.length_ms // 1000
    return {
        "listened_at": round(s.start_ms / 1000, 3),
        "inserted_at": round(s.end.timestamp() + 5.5, 6),
        "track_metadata": {
            "artist_name": s.artist,
            "track_name": s.track,
            "release_name": s.album,
            "additional_info": info,
            "mbid_mapping": None,
            "recording_msid": f"{hash_text(s.track or ''):08x}-msid",
        },
    }


def lastfm_row(s: Stream) -> list[str]:
    """lastfm-to-csv: artist, album, track, the start in UTC to the minute."""
    start = datetime.fromtimestamp(s.start_ms // 1000, UTC)
    return [s.artist or "", s.album or "", s.track or "", start.strftime("%d %b %Y %H:%M")]


# ---------------------------------------------------------------------------
# What each export conveys, and the rules applied to it (independently of cardfarm).
# A "play" here is (start_ms, ms, artist|None, track|None, estimated).
# ---------------------------------------------------------------------------

class Export:
    """Rows of one format, with the play each conveys (None: malformed)."""

    def __init__(self):
        self.seen: set[str] = set()
        self.plays: list[tuple] = []
        self.rows = 0
        self.duplicates = 0
        self.malformed = 0

    def row(self, key: str, play: tuple | None) -> None:
        self.rows += 1
        if key in self.seen:
            self.duplicates += 1
            return
        self.seen.add(key)
        if play is None:
            self.malformed += 1
        else:
            self.plays.append(play)


def canonical(row) -> str:
    return json.dumps(row, sort_keys=True, ensure_ascii=False)


def expected(plays: list[tuple], tz: ZoneInfo, year: int | None, genres: dict[str, list[str]]) -> dict:
    """The figures of one local year, by the README's rules."""
    def local(p):
        return datetime.fromtimestamp(p[0] / 1000, UTC).astimezone(tz)
    music = [p for p in plays if p[2] and p[3]]
    if year is None:
        year = max(local(p).year for p in music)
    in_year = [(p, local(p)) for p in plays if local(p).year == year]
    artists: dict[str, list[int]] = {}
    tracks: dict[tuple[str, str], list[int]] = {}
    clock = [0] * 24
    total = estimated = other = other_ms = streams = 0
    for p, t in in_year:
        start, ms, artist, track, est = p
        if not (artist and track):
            other += 1
            other_ms += ms
            continue
        streams += 1
        estimated += est
        total += ms
        clock[t.hour] += ms
        a = artists.setdefault(artist, [0, 0])
        a[0] += ms
        a[1] += ms >= PLAY_MS
        tr = tracks.setdefault((track, artist), [0, 0])
        tr[0] += ms >= PLAY_MS
        tr[1] += ms
    ranked = sorted(artists.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
    top_tracks = sorted(((k, v) for k, v in tracks.items() if v[0] > 0),
                        key=lambda kv: (-kv[1][0], -kv[1][1], kv[0][0], kv[0][1]))
    by_genre: dict[str, float] = {}
    with_genre = 0
    for name, (ms, _) in ranked:
        gs = genres.get(name)
        if not gs:
            continue
        with_genre += ms
        for g in gs:
            by_genre[g] = by_genre.get(g, 0.0) + ms / len(gs)
    top_genres = sorted(((g, v / with_genre) for g, v in by_genre.items()), key=lambda gv: (-gv[1], gv[0]))[:5] \
        if with_genre else []
    return {
        "year": year,
        "minutes_listened": total // 60_000,
        "top_artists": [{"name": n, "minutes": v[0] // 60_000} for n, v in ranked[:5]],
        "top_tracks": [{"title": k[0], "artist": k[1], "plays": v[0]} for k, v in top_tracks[:5]],
        "top_genres": [{"name": g, "share": s} for g, s in top_genres],
        "listening_clock": [ms // 60_000 for ms in clock],
        "music_streams": streams,
        "estimated": estimated,
        "other_streams": other,
        "other_minutes": other_ms // 60_000,
    }


# ---------------------------------------------------------------------------
# The files.
# ---------------------------------------------------------------------------

def dump_array(rows: list, pretty: bool) -> str:
    if pretty:
        return json.dumps(rows, ensure_ascii=False, indent=2)
    return "[" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "]"


def write_spotify_extended(listener: Listener, rng: random.Random) -> tuple[dict[str, str], Export]:
    """Files by name; two files overlap by a few weeks, as Spotify's do, repeating rows."""
    ex = Export()
    rows: list[tuple[object, tuple | None]] = []  # (row, play; None: malformed)
    for s in listener.streams:
        row = spotify_extended_row(s)
        play = (s.start_ms, s.ms, row["master_metadata_album_artist_name"], row["master_metadata_track_name"], False)
        rows.append((row, play))
    # Null and missing fields in a music row: still read.
    s = listener._music(at(f"{YEARS[-1]}-02-02T12:00:00Z"), ms=150_000)
    sparse = {"ts": s.end.strftime("%Y-%m-%dT%H:%M:%SZ"), "ms_played": s.ms,
              "master_metadata_track_name": s.track, "master_metadata_album_artist_name": s.artist,
              "platform": None, "conn_country": None}
    rows.insert(len(rows) // 2, (sparse, (s.start_ms, s.ms, s.artist, s.track, False)))
    # Two files that overlap by a few weeks, as Spotify's do: the overlap is read twice.
    half = len(rows) // 2
    overlap = 25
    first, second = rows[: half + overlap], rows[half:]
    # A row repeated inside one file too.
    second.insert(10, second[3])
    # Malformed rows, each different, never first (the first row tells the format).
    bad = [
        {"ts": "last tuesday", "ms_played": 1000, "master_metadata_track_name": "X"},
        {"ts": "2025-05-05T10:00:00Z", "ms_played": -5, "master_metadata_track_name": "Y"},
        {"ts": "2025-05-05T10:00:00Z", "ms_played": "120000", "master_metadata_track_name": "Z"},
        42,
    ]
    for i, b in enumerate(bad):
        part = (first, second)[i % 2]
        part.insert(rng.randrange(1, len(part)), (b, None))
    files = {}
    for i, part in enumerate((first, second)):
        for row, play in part:
            ex.row(canonical(row), play)
        years = f"{YEARS[0] + i}-{YEARS[-1] if i else YEARS[1]}"
        files[f"Streaming_History_Audio_{years}_{i}.json"] = dump_array([r for r, _ in part], pretty=i == 0)
    return files, ex


def write_spotify_account(listener: Listener) -> tuple[dict[str, str], Export]:
    ex = Export()
    music, podcasts = [], []
    for s in listener.streams:
        if s.kind == "audiobook":
            continue  # account data leaves audiobooks out
        row = spotify_account_row(s)
        end_minute = int(s.end.timestamp()) // 60 * 60_000
        play = (end_minute - s.ms, s.ms, row.get("artistName"), row.get("trackName"), False)
        (podcasts if s.kind == "podcast" else music).append((row, play))
    files = {}
    chunk = (len(music) + 1) // 2
    for i in range(2):
        part = music[i * chunk:(i + 1) * chunk]
        files[f"StreamingHistory_music_{i}.json"] = dump_array([r for r, _ in part], pretty=True)
    files["StreamingHistory_podcast_0.json"] = dump_array([r for r, _ in podcasts], pretty=True)
    for row, play in music + podcasts:
        ex.row(canonical(row), play)
    return files, ex


def write_listenbrainz(listener: Listener, rng: random.Random) -> tuple[dict[str, bytes], Export]:
    """Scrobbled music only (streams of 30 s or more), in month files by UTC month."""
    ex = Export()
    months: dict[tuple[int, int], list[str]] = {}
    scrobbled = [s for s in listener.streams if s.kind == "music" and s.ms >= PLAY_MS]
    for i, s in enumerate(scrobbled):
        duration = ("duration_ms", "duration", "none")[0 if i % 7 else (1 if i % 2 else 2)]
        line = listenbrainz_line(s, duration)
        start = datetime.fromtimestamp(s.start_ms / 1000, UTC)
        lines = months.setdefault((start.year, start.month), [])
        lines.append(line)
        ms = {"duration_ms": s.length_ms, "duration": s.length_ms // 1000 * 1000, "none": ESTIMATED_MS}[duration]
        ex.row(line, (s.start_ms, ms, s.artist, s.track, duration == "none"))
        if i % 50 == 7:  # submitted twice: the same row again
            lines.append(line)
            ex.row(line, None)
    # A line that is not JSON, and one with no time: malformed.
    first = min(months)
    months[first].insert(1, '{"listened_at": 17')
    ex.rows += 1
    ex.malformed += 1
    months[first].append(json.dumps({"listened_at": None, "track_metadata": {"artist_name": "A", "track_name": "T"}}))
    ex.row("no-time", None)
    files = {"user.json": (json.dumps({"user_id": 4711, "username": USER}, ensure_ascii=False) + "\n").encode()}
    for (y, m), lines in sorted(months.items()):
        files[f"listens/{y}/{m}.jsonl"] = ("\n".join(lines) + "\n").encode()
    files["feedback.jsonl"] = b'{"recording_msid": "x", "recording_mbid": null, "score": 1, "created": 1700000000}\n'
    return files, ex


def write_lastfm(listener: Listener, header: bool) -> tuple[str, Export]:
    ex = Export()
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    if header:
        w.writerow(["uts", "utc_time", "artist", "artist_mbid", "album", "album_mbid", "track", "track_mbid"])
    scrobbled = [s for s in listener.streams if s.kind == "music" and s.ms >= PLAY_MS]
    for s in reversed(scrobbled):  # newest first, as Last.fm lists them
        if header:
            seconds = s.start_ms // 1000
            text = datetime.fromtimestamp(seconds, UTC).strftime("%d %b %Y, %H:%M")
            row = [str(seconds), text, s.artist, "", s.album, "", s.track, ""]
            start = seconds * 1000
        else:
            row = lastfm_row(s)
            start = s.start_ms // 60_000 * 60_000
        w.writerow(row)
        ex.row("\x1f".join(row), (start, ESTIMATED_MS, s.artist, s.track, True))
    # A scrobble with no date (a track playing now): malformed.
    row = (["", "", "Aurora Vale", "", "", "", "Now", ""] if header else ["Aurora Vale", "", "Now", ""])
    w.writerow(row)
    ex.row("\x1f".join(row), None)
    return out.getvalue(), ex


def entry(name: str) -> zipfile.ZipInfo:
    """A zip entry with a fixed date, so the archive's bytes repeat."""
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


FAKE_PDF = b"%PDF-1.4\n% ReadMeFirst: not a listening history\n%%EOF\n"


def write_genres(path: str, genres: dict[str, list[str]]) -> None:
    """The `--genres` CSV: a header, then one `artist,genre` row per pair."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["artist", "genre"])
        for name, gs in genres.items():
            for g in gs:
                w.writerow([name, g])


def write_all(out: str, seed: int = SEED, per_year: int = STREAMS_PER_YEAR) -> dict:
    listener = Listener(seed, per_year=per_year)
    rng = random.Random(seed + 1)
    os.makedirs(out, exist_ok=True)
    genres = {a.name: list(a.genres) for a in listener.artists[:10]}  # the tail has none
    write_genres(os.path.join(out, "genres.csv"), genres)

    exports: dict[str, tuple[list[str], Export]] = {}

    files, ex = write_spotify_extended(listener, rng)
    folder = os.path.join(out, "spotify-extended")
    os.makedirs(folder, exist_ok=True)
    for name, text in files.items():
        with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
            f.write(text)
    with open(os.path.join(folder, "ReadMeFirst_ExtendedStreamingHistory.pdf"), "wb") as f:
        f.write(FAKE_PDF)
    with zipfile.ZipFile(os.path.join(out, "my_spotify_data.zip"), "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(entry(f"Spotify Extended Streaming History/{name}"), text)
        z.writestr(entry("Spotify Extended Streaming History/ReadMeFirst_ExtendedStreamingHistory.pdf"), FAKE_PDF)
    exports["spotify-extended"] = (["spotify-extended"], ex)
    exports["spotify-zip"] = (["my_spotify_data.zip"], ex)

    files, ex = write_spotify_account(listener)
    folder = os.path.join(out, "spotify-account")
    os.makedirs(folder, exist_ok=True)
    for name, text in files.items():
        with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
            f.write(text)
    exports["spotify-account"] = (["spotify-account"], ex)

    files, ex = write_listenbrainz(listener, rng)
    zip_name = f"listenbrainz_{USER}_1767225600.zip"
    with zipfile.ZipFile(os.path.join(out, zip_name), "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(entry(name), data)
    exports["listenbrainz"] = ([zip_name], ex)

    for key, header in (("lastfm", False), ("lastfm-uts", True)):
        text, ex = write_lastfm(listener, header)
        folder = os.path.join(out, key)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "scrobbles.csv"), "w", encoding="utf-8", newline="") as f:
            f.write(text)
        exports[key] = ([f"{key}/scrobbles.csv"], ex)

    truth = {"tz": TZ, "user": USER, "years": list(YEARS), "formats": {}}
    berlin, utc = ZoneInfo(TZ), ZoneInfo("UTC")
    for key, (paths, ex) in exports.items():
        truth["formats"][key] = {
            "paths": paths,
            "rows": ex.rows,
            "duplicates": ex.duplicates,
            "malformed": ex.malformed,
            "local": {str(y): expected(ex.plays, berlin, y, genres) for y in YEARS},
            "utc": {str(y): expected(ex.plays, utc, y, genres) for y in YEARS},
            "latest_local_year": expected(ex.plays, berlin, None, genres)["year"],
        }
    with open(os.path.join(out, "truth.json"), "w", encoding="utf-8") as f:
        json.dump(truth, f, ensure_ascii=False, indent=1)
    return truth


CORE_FIELDS = ("ts", "ms_played", "master_metadata_track_name", "master_metadata_album_artist_name",
               "master_metadata_album_album_name", "reason_end", "skipped")


def write_heavy(out: str, rows: int, seed: int = SEED, core: bool = False) -> None:
    """A heavy listener for the benchmark: `rows` streams of Spotify extended history over
    five years, in files of 20,000 rows as Spotify splits them; nothing else. `core` keeps
    only CORE_FIELDS of each row (about a third of the bytes)."""
    years = (2022, 2023, 2024, 2025, 2026)
    listener = Listener(seed, years=years, per_year=rows // len(years), artists=ARTISTS)
    streams = listener.streams[:rows]
    os.makedirs(out, exist_ok=True)
    per_file = 20_000
    for i in range(0, len(streams), per_file):
        part = streams[i:i + per_file]
        name = f"Streaming_History_Audio_{part[0].end.year}-{part[-1].end.year}_{i // per_file}.json"
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            rows_out = [spotify_extended_row(s) for s in part]
            if core:
                rows_out = [{k: r[k] for k in CORE_FIELDS} for r in rows_out]
            f.write(dump_array(rows_out, pretty=False))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default="listener", help="folder to write (default %(default)s)")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--streams-per-year", type=int, default=STREAMS_PER_YEAR)
    ap.add_argument("--heavy", type=int, metavar="ROWS",
                    help="write only a heavy listener's Spotify extended history of ROWS rows (benchmark)")
    ap.add_argument("--sample-genres", metavar="FILE",
                    help="write only the genres of generate_sample.py's artists to FILE (data/genres.csv)")
    ap.add_argument("--core-fields", action="store_true",
                    help="with --heavy: only the fields the rules read, and a few more")
    args = ap.parse_args(argv)
    if args.sample_genres:
        write_genres(args.sample_genres, {a.name: list(a.genres) for a in ARTISTS})
        return 0
    if args.heavy:
        write_heavy(args.out, args.heavy, args.seed, args.core_fields)
        return 0
    truth = write_all(args.out, args.seed, args.streams_per_year)
    for key, t in truth["formats"].items():
        y = t["local"][str(YEARS[-1])]
        print(f"{key}: {t['rows']} rows, {t['duplicates']} duplicates, {t['malformed']} malformed; "
              f"{YEARS[-1]}: {y['minutes_listened']} minutes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
