//! `cardfarm stats --population` on populations written by hand in the test, the real binary
//! in temporary folders: the percentile badge (floor, buckets, ties, what makes a listener),
//! the default year, opt-out, and `batch` rendering the dataset. Every expected value is
//! worked out by hand here, never by the code under test.

mod common;

use std::collections::HashMap;
use std::path::Path;

use common::process::{self, run as cardfarm, stderr};
use common::TempDir;
use serde_json::{json, Value};

const MIN: u64 = 60_000;

/// A row of Spotify's extended streaming history, as the export writes it.
fn ext(ts: &str, ms: u64, track: &str, artist: &str) -> Value {
    json!({
        "ts": ts, "platform": "android", "ms_played": ms, "conn_country": "DE",
        "master_metadata_track_name": track,
        "master_metadata_album_artist_name": artist,
        "master_metadata_album_album_name": "Album",
        "spotify_track_uri": format!("spotify:track:{track}"),
        "episode_name": null, "episode_show_name": null, "spotify_episode_uri": null,
        "audiobook_title": null, "reason_start": "trackdone", "reason_end": "trackdone",
        "shuffle": false, "skipped": false, "offline": false, "incognito_mode": false
    })
}

/// A listener folder `dir/id` holding `rows` as one extended-history file.
fn listener(dir: &Path, id: &str, rows: Vec<Value>) {
    let folder = dir.join(id);
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("Streaming_History_Audio_2026.json"),
        serde_json::to_string(&rows).unwrap(),
    )
    .unwrap();
}

/// `minutes` of an artist as streams of at most 10 minutes, one a day from 1 March 2026.
fn listening(artist: &str, minutes: u64) -> Vec<Value> {
    let mut rows = Vec::new();
    let mut left = minutes * MIN;
    let mut day = 0;
    while left > 0 {
        let ms = left.min(10 * MIN);
        let ts = format!("2026-{:02}-{:02}T20:00:00Z", 3 + day / 28, 1 + day % 28);
        rows.push(ext(&ts, ms, &format!("{artist} {day}"), artist));
        left -= ms;
        day += 1;
    }
    rows
}

/// The dataset a run wrote, by user id.
fn dataset(path: &Path) -> HashMap<String, Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).unwrap();
            (v["user_id"].as_str().unwrap().to_string(), v)
        })
        .collect()
}

fn run_ok(args: &[&str], dir: &Path) -> String {
    let o = cardfarm(args, dir);
    let err = stderr(&o);
    assert!(o.status.success(), "{args:?}: {err}");
    err
}

fn percentile(data: &HashMap<String, Value>, id: &str) -> Option<f64> {
    let record = data
        .get(id)
        .unwrap_or_else(|| panic!("{id} is in the dataset"));
    record
        .get("top_artist_percentile")
        .map(|p| p.as_f64().unwrap())
}

/// 200 listeners of "Common" (c000 the most, c001 and c002 tied second), 99 of "Niche" who
/// each also streamed Common for 29.999 s (no play: not its listeners).
fn crowd(dir: &Path) {
    for i in 0..200u64 {
        // c000: 400 min; c001 and c002: 390 each; then c003 380, c004 379, … one less each.
        let minutes = match i {
            0 => 400,
            1 | 2 => 390,
            _ => 383 - i,
        };
        let mut rows = listening("Common", minutes);
        rows.extend(listening("Other", 5));
        listener(dir, &format!("c{i:03}"), rows);
    }
    for i in 0..99u64 {
        let mut rows = listening("Niche", 200 - i);
        rows.push(ext("2026-06-01T12:00:00Z", 29_999, "Brief", "Common"));
        listener(dir, &format!("n{i:03}"), rows);
    }
}

#[test]
fn the_badge_follows_the_floor_and_the_buckets() {
    let dir = TempDir::new("population-badge");
    crowd(&dir.path().join("people"));
    let err = run_ok(
        &["stats", "--population", "people", "--out", "year.jsonl"],
        dir.path(),
    );
    let data = dataset(&dir.path().join("year.jsonl"));
    assert_eq!(data.len(), 299, "{err}");
    assert!(err.contains("299 listeners: 299 written for 2026"), "{err}");

    // Common has 200 listeners: value = 100 × (listeners with more ms + 1) / 200.
    let expected = [
        ("c000", Some(0.5)),  // 0.5 %
        ("c001", Some(1.0)),  // one has more: 1 %, equal keeps its bucket
        ("c002", Some(1.0)),  // tied with c001: the same rank
        ("c003", Some(2.0)),  // three have more: 2 %
        ("c004", Some(5.0)),  // 2.5 %
        ("c009", Some(5.0)),  // 5 %
        ("c010", Some(10.0)), // 5.5 %
        ("c019", Some(10.0)), // exactly 10 % is published
        // 10.5 %: none. Were the 99 Niche listeners' 29.999 s streams plays, Common would
        // have 299 listeners and this would be 7 %, a badge.
        ("c020", None),
        ("c199", None),
    ];
    for (id, want) in expected {
        assert_eq!(percentile(&data, id), want, "{id}");
    }
    // Niche has 99 listeners: under the floor of 100, nobody gets its badge.
    assert!((0..99).all(|i| percentile(&data, &format!("n{i:03}")).is_none()));
    let c000 = &data["c000"];
    assert_eq!(c000["top_artists"][0]["name"], "Common");
    assert_eq!(c000["top_artists"][0]["minutes"], 400);
    assert_eq!(c000["display_name"], "c000");
    assert!(
        err.contains("top artist percentile: 20 of 299 records"),
        "{err}"
    );

    // A floor of 99 lets Niche's top listeners have it: 100 × (more + 1) / 99.
    run_ok(
        &[
            "stats",
            "--population",
            "people",
            "--min-listeners",
            "99",
            "--out",
            "low.jsonl",
        ],
        dir.path(),
    );
    let low = dataset(&dir.path().join("low.jsonl"));
    assert_eq!(percentile(&low, "n000"), Some(2.0)); // 1.01 %
    assert_eq!(percentile(&low, "n004"), Some(10.0)); // 5.05 %
    assert_eq!(percentile(&low, "n008"), Some(10.0)); // 9.09 %
    assert_eq!(percentile(&low, "n009"), None); // 10.1 %
    assert_eq!(percentile(&low, "c000"), Some(0.5));
}

#[test]
fn an_opted_out_listener_is_left_out_but_still_counted() {
    let dir = TempDir::new("population-opt-out");
    crowd(&dir.path().join("people"));
    std::fs::write(
        dir.path().join("opt-out.txt"),
        "# asked for no card\n\nc000\r\nn005  # by mail\nnobody\n",
    )
    .unwrap();
    let err = run_ok(
        &[
            "stats",
            "--population",
            "people",
            "--opt-out",
            "opt-out.txt",
            "--out",
            "year.jsonl",
        ],
        dir.path(),
    );
    let data = dataset(&dir.path().join("year.jsonl"));
    assert_eq!(data.len(), 297);
    assert!(!data.contains_key("c000") && !data.contains_key("n005"));
    assert!(err.contains("297 written for 2026, 2 opted out"), "{err}");
    // c000 still out-listens c001: 2 of 200 is 1 %, not the 0.5 % of c000's own rank.
    assert_eq!(percentile(&data, "c001"), Some(1.0));
    assert_eq!(percentile(&data, "c019"), Some(10.0));
    assert_eq!(percentile(&data, "c020"), None);
    // The opted-out listener appears nowhere in the dataset's text.
    let text = std::fs::read_to_string(dir.path().join("year.jsonl")).unwrap();
    assert!(!text.contains("\"c000\""));

    std::fs::write(dir.path().join("bad.txt"), "c001\n# fine\nnot an id\n").unwrap();
    process::assert_usage(
        &[
            "stats",
            "--population",
            "people",
            "--opt-out",
            "bad.txt",
            "--out",
            "x.jsonl",
        ],
        dir.path(),
        &["bad.txt, line 3", "\"not an id\"", "hint: "],
    );
    assert!(!dir.path().join("x.jsonl").exists());
}

#[test]
fn the_year_defaults_to_the_latest_with_music_across_the_population() {
    let dir = TempDir::new("population-year");
    let people = dir.path().join("people");
    listener(
        &people,
        "early",
        vec![ext("2025-05-01T10:00:00Z", 3 * MIN, "Old", "Past")],
    );
    listener(
        &people,
        "both",
        vec![
            ext("2025-05-01T10:00:00Z", 2 * MIN, "Old", "Past"),
            ext("2026-05-01T10:00:00Z", 4 * MIN, "New", "Now"),
        ],
    );
    // Starts 2026-12-31 23:30 UTC, 2027-01-01 00:30 in Berlin: 2027 there, 2026 in UTC.
    listener(
        &people,
        "eve",
        vec![ext("2026-12-31T23:40:00Z", 10 * MIN, "Midnight", "Now")],
    );
    std::fs::write(people.join("notes.txt"), "not a listener").unwrap();

    let err = run_ok(
        &["stats", "--population", "people", "--out", "utc.jsonl"],
        dir.path(),
    );
    let utc = dataset(&dir.path().join("utc.jsonl"));
    let mut ids: Vec<&str> = utc.keys().map(String::as_str).collect();
    ids.sort();
    assert_eq!(ids, ["both", "eve"]);
    assert_eq!(utc["both"]["year"], 2026);
    assert_eq!(utc["both"]["minutes_listened"], 4);
    assert!(err.contains("1 without music in 2026"), "{err}");
    assert!(err.contains("notes.txt"), "{err}");

    run_ok(
        &[
            "stats",
            "--population",
            "people",
            "--tz",
            "Europe/Berlin",
            "--out",
            "berlin.jsonl",
        ],
        dir.path(),
    );
    let berlin = dataset(&dir.path().join("berlin.jsonl"));
    assert_eq!(berlin.len(), 1);
    assert_eq!(berlin["eve"]["year"], 2027);
    assert_eq!(berlin["eve"]["listening_clock"][0], 10.0);

    run_ok(
        &[
            "stats",
            "--population",
            "people",
            "--year",
            "2025",
            "--out",
            "y.jsonl",
        ],
        dir.path(),
    );
    let y2025 = dataset(&dir.path().join("y.jsonl"));
    assert_eq!(y2025.len(), 2);
    assert_eq!(y2025["early"]["minutes_listened"], 3);
    assert_eq!(y2025["both"]["minutes_listened"], 2);
    // Single-listener mode never sets the badge, population mode without a crowd neither.
    assert!(y2025
        .values()
        .all(|r| r.get("top_artist_percentile").is_none()));

    process::assert_usage(
        &[
            "stats",
            "--population",
            "people",
            "--year",
            "2019",
            "--out",
            "z.jsonl",
        ],
        dir.path(),
        &["no listener has music in 2019", "hint: "],
    );
    assert!(!dir.path().join("z.jsonl").exists());
    // Population flags and single-listener flags do not mix.
    process::assert_usage(
        &["stats", "--population", "people", "people/eve"],
        dir.path(),
        &["cannot be used with"],
    );
    process::assert_usage(
        &["stats", "--population", "people", "--user-id", "x"],
        dir.path(),
        &["cannot be used with"],
    );
    process::assert_usage(
        &["stats", "people/eve", "--opt-out", "list.txt"],
        dir.path(),
        &["--population", "hint: "],
    );
    process::assert_usage(
        &["stats", "people/eve", "--min-listeners", "5"],
        dir.path(),
        &["--population", "hint: "],
    );
    process::assert_usage(
        &["stats", "--population", "nowhere", "--out", "z.jsonl"],
        dir.path(),
        &["nowhere", "hint: "],
    );
}

#[test]
fn a_listener_that_cannot_be_read_is_reported_and_the_rest_written() {
    let dir = TempDir::new("population-failed");
    let people = dir.path().join("people");
    listener(
        &people,
        "fine",
        vec![ext("2026-05-01T10:00:00Z", 3 * MIN, "A", "B")],
    );
    listener(
        &people,
        "bad name",
        vec![ext("2026-05-01T10:00:00Z", 3 * MIN, "A", "B")],
    );
    let o = cardfarm(
        &["stats", "--population", "people", "--out", "year.jsonl"],
        dir.path(),
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("failed: bad name: the name makes no user id"),
        "{err}"
    );
    let data = dataset(&dir.path().join("year.jsonl"));
    assert_eq!(data.len(), 1);
    assert!(data.contains_key("fine"));
}

#[test]
fn batch_renders_the_dataset_and_opted_out_listeners_get_no_card() {
    let dir = TempDir::new("population-batch");
    let people = dir.path().join("people");
    for (id, artist) in [("ana", "Aurora Vale"), ("ben", "Juno"), ("cy", "Kite")] {
        let mut rows = listening(artist, 30);
        rows.extend(listening("Moss", 10));
        listener(&people, id, rows);
    }
    std::fs::write(dir.path().join("opt-out.txt"), "ben\n").unwrap();
    run_ok(
        &[
            "stats",
            "--population",
            "people",
            "--opt-out",
            "opt-out.txt",
            "--out",
            "year.jsonl",
        ],
        dir.path(),
    );
    let o = cardfarm(
        &[
            "batch",
            "--data",
            "year.jsonl",
            "--templates",
            "top-artists,minutes",
            "--formats",
            "story",
            "--out",
            "cards",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    for id in ["ana", "cy"] {
        for card in ["top-artists-story.png", "minutes-story.png"] {
            let png = std::fs::read(dir.path().join("cards").join(id).join(card)).unwrap();
            assert!(png.starts_with(b"\x89PNG"), "{id}/{card}");
        }
    }
    assert!(!dir.path().join("cards/ben").exists());
}

/// A ListenBrainz listen line with a duration, as its export writes it.
fn listen(listened_at: u64, artist: &str, track: &str, minutes: u64) -> String {
    json!({
        "listened_at": listened_at,
        "track_metadata": {
            "artist_name": artist, "track_name": track, "release_name": "R",
            "additional_info": {"duration_ms": minutes * MIN}
        }
    })
    .to_string()
}

#[test]
fn zips_are_listeners_and_an_export_that_names_its_user_gives_the_id() {
    let dir = TempDir::new("population-zips");
    let people = dir.path().join("people");
    std::fs::create_dir_all(&people).unwrap();
    // A Spotify zip: its id is the zip's name. One malformed row in it.
    let mut rows = listening("Zed Band", 12);
    rows.push(json!({"ts": 17, "ms_played": "lots"}));
    let spotify = serde_json::to_string(&rows).unwrap();
    common::zip(
        &people.join("zed.zip"),
        &[(
            "Spotify Extended Streaming History/Streaming_History_Audio_2026.json",
            spotify.as_bytes(),
        )],
    );
    // A ListenBrainz zip whose user.json names `rosa.k`: the id is `rosa-k`, not the zip's
    // name (which makes no id at all). 2026-04-01 12:00 UTC and an hour later.
    let lines = [
        listen(1_775_044_800, "Rosa Artist", "One", 7),
        listen(1_775_048_400, "Rosa Artist", "Two", 4),
    ]
    .join("\n");
    common::zip(
        &people.join("listenbrainz export (1).zip"),
        &[
            ("user.json", br#"{"user_id": 12, "username": "rosa.k"}"#),
            ("listens/2026/4.jsonl", lines.as_bytes()),
        ],
    );
    // A folder whose name is the id the export above took: it comes later in name order and
    // fails; the id stays with the first.
    listener(&people, "rosa-k", listening("Someone Else", 3));

    let o = cardfarm(
        &["stats", "--population", "people", "--out", "year.jsonl"],
        dir.path(),
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "failed: rosa-k: user id `rosa-k` is already taken by listenbrainz export (1).zip"
        ),
        "{err}"
    );
    assert!(err.contains("1 malformed rows skipped"), "{err}");
    assert!(err.contains("first malformed rows:"), "{err}");
    assert!(
        err.contains(
            "zed.zip/Spotify Extended Streaming History/Streaming_History_Audio_2026.json"
        ),
        "the malformed row is named with its file: {err}"
    );
    let data = dataset(&dir.path().join("year.jsonl"));
    assert_eq!(data.len(), 2, "{data:?}");
    assert_eq!(data["zed"]["minutes_listened"], 12);
    assert_eq!(data["zed"]["top_artists"][0]["name"], "Zed Band");
    assert_eq!(data["rosa-k"]["minutes_listened"], 11);
    assert_eq!(data["rosa-k"]["display_name"], "rosa-k");
    assert_eq!(data["rosa-k"]["top_artists"][0]["name"], "Rosa Artist");
}
