//! `cardfarm stats` on every export format it reads: ListenBrainz, Last.fm, archives, and a
//! generated listener in all of them. Expected figures are worked out by hand in the test, or
//! by `data/generate_listening.py`, which writes the exports from streams it knows and applies
//! the rules to them itself; never by the code under test.

mod common;

use std::path::{Path, PathBuf};

use common::process::{self, run as cardfarm, stderr};
use common::{repo, TempDir};
use serde_json::{json, Value};

/// The stats JSON a successful run printed, and its summary.
fn stats(args: &[&str], dir: &Path) -> (Value, String) {
    let o = cardfarm(args, dir);
    let err = stderr(&o);
    assert!(o.status.success(), "{args:?}: {err}");
    (serde_json::from_slice(&o.stdout).expect("stats JSON"), err)
}

fn assert_usage(args: &[&str], dir: &Path, needles: &[&str]) {
    let mut all = needles.to_vec();
    all.push("\nhint: ");
    process::assert_usage(args, dir, &all);
}

/// A ListenBrainz listen line as its export writes it (`listened_at` with six decimals).
fn listen(listened_at: &str, artist: &str, track: &str, info: Value) -> String {
    let meta = json!({
        "artist_name": artist, "track_name": track, "release_name": "R",
        "additional_info": info, "mbid_mapping": null, "recording_msid": "m"
    });
    format!(
        r#"{{"listened_at": {listened_at}, "inserted_at": 1770000000.000000, "track_metadata": {meta}}}"#
    )
}

#[test]
fn a_listenbrainz_export_starts_each_listen_at_listened_at() {
    let dir = TempDir::new("stats-lb");
    let january = [
        // 2026-01-01 04:30:00 UTC = 2025-12-31 23:30 in New York (UTC-5): year 2025 there.
        listen(
            "1767241800.000000",
            "Ｒｏｓａ",
            "夜",
            json!({"duration_ms": 240_000}),
        ),
        // 2026-01-01 05:00:00.5 UTC = 00:00:00.5 in New York: year 2026, hour 0. Seconds.
        listen(
            "1767243600.500000",
            "Ｒｏｓａ",
            "朝",
            json!({"duration": 200}),
        ),
        // No duration: a play of 180,000 ms, estimated. 2026-01-01 17:00 UTC = 12:00 NY.
        listen(
            "1767286800.000000",
            "Bo",
            "Noon",
            json!({"submission_client": "x"}),
        ),
        // The same line again (submitted twice): counted once.
        listen(
            "1767286800.000000",
            "Bo",
            "Noon",
            json!({"submission_client": "x"}),
        ),
        // 20 s: minutes, not a play. 2026-01-01 17:10 UTC = 12:10 NY.
        listen(
            "1767287400.000000",
            "Bo",
            "Short",
            json!({"duration_ms": 20_000}),
        ),
        // Not JSON: malformed.
        r#"{"listened_at": 17"#.to_string(),
    ]
    .join("\n");
    common::zip(
        &dir.path().join("listenbrainz_rosa_1767300000.zip"),
        &[
            ("user.json", br#"{"user_id": 12, "username": "rosa.k"}"#),
            ("listens/2026/1.jsonl", january.as_bytes()),
            (
                "feedback.jsonl",
                br#"{"recording_msid": "m", "score": 1, "created": 1}"#,
            ),
        ],
    );
    let (s, err) = stats(
        &[
            "stats",
            "listenbrainz_rosa_1767300000.zip",
            "--tz",
            "America/New_York",
        ],
        dir.path(),
    );
    // The export's user name is the default id, cleaned (`.` is not an id character).
    assert_eq!(s["user_id"], "rosa-k");
    assert_eq!(s["year"], 2026);
    // 200,000 + 180,000 + 20,000 = 400,000 ms = 6 minutes (6.67 rounded down).
    assert_eq!(s["minutes_listened"], 6);
    assert_eq!(
        s["top_artists"],
        json!([{"name": "Bo", "minutes": 3}, {"name": "Ｒｏｓａ", "minutes": 3}])
    );
    // Both one play; Noon has 180,000 ms, 朝 200,000: 朝 first.
    assert_eq!(
        s["top_tracks"],
        json!([
            {"title": "朝", "artist": "Ｒｏｓａ", "plays": 1},
            {"title": "Noon", "artist": "Bo", "plays": 1}
        ])
    );
    let mut clock = vec![0.0; 24];
    clock[0] = 3.0; // 200,000 ms
    clock[12] = 3.0; // 180,000 + 20,000 ms
    assert_eq!(s["listening_clock"], json!(clock));
    assert!(
        err.contains("1 music streams in 2026 had no duration"),
        "{err}"
    );
    assert!(err.contains("1 duplicate rows"), "{err}");
    assert!(err.contains("1 malformed rows"), "{err}");
    assert!(err.contains("listens/2026/1.jsonl, line 6"), "{err}");
    assert!(err.contains("feedback.jsonl"), "{err}");

    // The listen at 23:30 on New Year's Eve in New York is 2025 there, 2026 in UTC.
    let (s, _) = stats(
        &[
            "stats",
            "listenbrainz_rosa_1767300000.zip",
            "--tz",
            "America/New_York",
            "--year",
            "2025",
        ],
        dir.path(),
    );
    assert_eq!(s["minutes_listened"], 4);
    assert_eq!(s["listening_clock"][23], 4.0);
    let (s, _) = stats(
        &[
            "stats",
            "listenbrainz_rosa_1767300000.zip",
            "--year",
            "2026",
        ],
        dir.path(),
    );
    assert_eq!(s["minutes_listened"], 10);

    // The JSONL on its own reads too; with no user.json the id is the file name.
    std::fs::write(dir.path().join("1.jsonl"), &january).unwrap();
    let (s, _) = stats(&["stats", "1.jsonl", "--year", "2026"], dir.path());
    assert_eq!(s["user_id"], "1");
    assert_eq!(s["minutes_listened"], 10);
}

#[test]
fn last_fm_scrobbles_with_and_without_a_header() {
    let dir = TempDir::new("stats-lastfm");
    // lastfm-to-csv: artist,album,track,date (UTC, to the minute), newest first.
    std::fs::write(
        dir.path().join("scrobbles.csv"),
        "\"Sigur Rós\",\"( )\",\"Untitled #1\",\"01 Jan 2026 00:30\"\n\
         \"Sigur Rós\",\"( )\",\"Untitled #1\",\"31 Dec 2025 23:30\"\n\
         \"Sigur Rós\",\"( )\",\"Untitled #1\",\"31 Dec 2025 23:30\"\n\
         \"Earth, Wind & Fire\",\"I Am\",\"Boogie Wonderland\",\"31 Dec 2025 22:59\"\n\
         \"Earth, Wind & Fire\",\"I Am\",\"September\",\"\"\n",
    )
    .unwrap();
    // In Berlin (UTC+1): 01:30 and 00:30 on 1 January 2026, and 23:59 on New Year's Eve.
    let (s, err) = stats(
        &["stats", "scrobbles.csv", "--tz", "Europe/Berlin"],
        dir.path(),
    );
    assert_eq!(s["year"], 2026);
    // Two distinct scrobbles of 180,000 ms each (the repeated row counts once).
    assert_eq!(s["minutes_listened"], 6);
    assert_eq!(
        s["top_tracks"],
        json!([{"title": "Untitled #1", "artist": "Sigur Rós", "plays": 2}])
    );
    assert_eq!(s["listening_clock"][0], 3.0);
    assert_eq!(s["listening_clock"][1], 3.0);
    assert!(
        err.contains("2 music streams in 2026 had no duration"),
        "{err}"
    );
    assert!(err.contains("scrobbles.csv, line 5"), "{err}");

    // A header names the columns, in any order; `uts` (epoch seconds) wins over the text.
    std::fs::write(
        dir.path().join("export.csv"),
        "uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid\n\
         1767223800,\"31 Dec 2025, 23:30\",Björk,,Post,,Army of Me,\n\
         1767220200,\"31 Dec 2025, 22:30\",Björk,,Post,,Hyperballad,\n",
    )
    .unwrap();
    let (s, _) = stats(
        &[
            "stats",
            "export.csv",
            "--tz",
            "Asia/Tokyo",
            "--year",
            "2026",
        ],
        dir.path(),
    );
    // Tokyo is UTC+9: both started on 1 January 2026, at 08:30 and 07:30.
    assert_eq!(s["minutes_listened"], 6);
    assert_eq!(s["listening_clock"][8], 3.0);
    assert_eq!(s["listening_clock"][7], 3.0);
    assert_eq!(s["top_artists"], json!([{"name": "Björk", "minutes": 6}]));
    // Equal plays and ms: titles in code point order.
    assert_eq!(s["top_tracks"][0]["title"], "Army of Me");
    assert_eq!(s["top_tracks"][1]["title"], "Hyperballad");
}

#[test]
fn spotify_zip_and_account_podcasts() {
    let dir = TempDir::new("stats-zip");
    let audio = json!([
        {"ts": "2026-04-01T10:00:00Z", "ms_played": 120_000, "master_metadata_track_name": "A",
         "master_metadata_album_artist_name": "X", "episode_name": null},
        {"ts": "2026-04-01T11:00:00Z", "ms_played": 600_000, "master_metadata_track_name": null,
         "master_metadata_album_artist_name": null, "episode_name": null,
         "audiobook_title": "Book"}
    ]);
    let music = json!([
        {"endTime": "2026-04-02 10:00", "artistName": "Y", "trackName": "B", "msPlayed": 60_000}
    ]);
    let podcast = json!([
        {"endTime": "2026-04-02 12:00", "podcastName": "P", "episodeName": "E", "msPlayed": 300_000}
    ]);
    common::zip(
        &dir.path().join("my_spotify_data.zip"),
        &[
            (
                "Spotify Extended Streaming History/Streaming_History_Audio_2026.json",
                audio.to_string().as_bytes(),
            ),
            (
                "Spotify Extended Streaming History/ReadMeFirst_ExtendedStreamingHistory.pdf",
                b"%PDF-1.4",
            ),
            (
                "Spotify Account Data/StreamingHistory_music_0.json",
                music.to_string().as_bytes(),
            ),
            (
                "Spotify Account Data/StreamingHistory_podcast_0.json",
                podcast.to_string().as_bytes(),
            ),
        ],
    );
    let (s, err) = stats(&["stats", "my_spotify_data.zip"], dir.path());
    assert_eq!(s["user_id"], "my_spotify_data");
    assert_eq!(s["minutes_listened"], 3); // 120,000 + 60,000 ms
    assert!(
        err.contains("2 podcast or audiobook streams in 2026 (15 minutes)"),
        "{err}"
    );
    assert!(
        err.contains("ReadMeFirst_ExtendedStreamingHistory.pdf"),
        "{err}"
    );
}

/// Sets the sizes the central directory declares for every entry.
fn declare_sizes(path: &Path, packed: u32, unpacked: u32) {
    let mut bytes = std::fs::read(path).unwrap();
    let mut i = 0;
    while let Some(at) = bytes[i..].windows(4).position(|w| w == b"PK\x01\x02") {
        let h = i + at;
        bytes[h + 20..h + 24].copy_from_slice(&packed.to_le_bytes());
        bytes[h + 24..h + 28].copy_from_slice(&unpacked.to_le_bytes());
        i = h + 4;
    }
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn hostile_archives_are_refused_naming_the_entry() {
    let dir = TempDir::new("stats-hostile-zip");
    let row = br#"[{"ts": "2026-04-01T10:00:00Z", "ms_played": 60000}]"#;
    common::zip(&dir.path().join("up.zip"), &[("../../evil.json", row)]);
    assert_usage(
        &["stats", "up.zip"],
        dir.path(),
        &["up.zip", "../../evil.json", "leaves the archive"],
    );
    common::zip(&dir.path().join("abs.zip"), &[("/etc/evil.json", row)]);
    assert_usage(
        &["stats", "abs.zip"],
        dir.path(),
        &["/etc/evil.json", "leaves the archive"],
    );
    // 20 MB of zeros deflate to about 20 KB: a ratio near 1000.
    let zeros = vec![b' '; 20 << 20];
    common::zip(
        &dir.path().join("bomb.zip"),
        &[("a.json", row), ("b.json", &zeros)],
    );
    assert_usage(
        &["stats", "bomb.zip"],
        dir.path(),
        &["bomb.zip", "b.json", "zip bomb"],
    );
    // Headers that claim 600 MB per entry at a ratio of 60: 1.2 GB in all.
    common::zip(
        &dir.path().join("big.zip"),
        &[("a.json", row), ("b.json", row)],
    );
    declare_sizes(&dir.path().join("big.zip"), 10 << 20, 600 << 20);
    assert_usage(
        &["stats", "big.zip"],
        dir.path(),
        &["b.json", "more than 1 GB"],
    );
    // One entry that claims 2.5 GB.
    common::zip(&dir.path().join("huge.zip"), &[("a.json", row)]);
    declare_sizes(&dir.path().join("huge.zip"), 30 << 20, 2_500_000_000);
    assert_usage(
        &["stats", "huge.zip"],
        dir.path(),
        &["a.json", "over the 2 GB"],
    );
    // An entry that inflates past the size it declares.
    let rows = format!(
        "[{}]",
        vec![std::str::from_utf8(row).unwrap(); 50].join(",")
    );
    common::zip(&dir.path().join("liar.zip"), &[("a.json", rows.as_bytes())]);
    declare_sizes(&dir.path().join("liar.zip"), 200, 100);
    let o = cardfarm(&["stats", "liar.zip"], dir.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("a.json"), "{err}");
    // A sparse file over 2 GB is refused before a byte is read.
    let big = std::fs::File::create(dir.path().join("big.json")).unwrap();
    big.set_len(2_200_000_000).unwrap();
    assert_usage(
        &["stats", "big.json"],
        dir.path(),
        &["big.json", "over the 2 GB"],
    );
}

/// Runs the generator into `dir` and returns its truth.
fn generate(dir: &Path) -> Value {
    let status = std::process::Command::new("python3")
        .arg(repo().join("data/generate_listening.py"))
        .arg("--out")
        .arg(dir)
        .stderr(std::process::Stdio::null())
        .status()
        .expect("python3 runs");
    assert!(status.success(), "the generator failed");
    serde_json::from_slice(&std::fs::read(dir.join("truth.json")).unwrap()).unwrap()
}

/// Compares one run's stats and summary with the generator's figures.
fn check(key: &str, label: &str, got: &Value, err: &str, want: &Value, format: &Value) {
    let at = format!("{key} {label}");
    for field in [
        "year",
        "minutes_listened",
        "top_artists",
        "top_tracks",
        "listening_clock",
    ] {
        let w = if field == "listening_clock" {
            json!(want[field]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m.as_f64().unwrap())
                .collect::<Vec<_>>())
        } else {
            want[field].clone()
        };
        assert_eq!(got[field], w, "{at}: {field}");
    }
    let (g, w) = (
        got["top_genres"].as_array().unwrap(),
        want["top_genres"].as_array().unwrap(),
    );
    assert_eq!(g.len(), w.len(), "{at}: genres");
    for (g, w) in g.iter().zip(w) {
        assert_eq!(g["name"], w["name"], "{at}: genres");
        let (gs, ws) = (g["share"].as_f64().unwrap(), w["share"].as_f64().unwrap());
        assert!((gs - ws).abs() < 1e-9, "{at}: share {gs} vs {ws}");
    }
    let summary = [
        format!("read {} rows", format["rows"]),
        format!(
            "{} music streams in {}",
            want["music_streams"], want["year"]
        ),
        format!("{} duplicate rows counted once", format["duplicates"]),
        format!(
            "{} podcast or audiobook streams in {} ({} minutes)",
            want["other_streams"], want["year"], want["other_minutes"]
        ),
    ];
    for line in summary {
        assert!(err.contains(&line), "{at}: expected {line:?} in {err}");
    }
    let malformed = format["malformed"].as_u64().unwrap();
    if malformed > 0 {
        assert!(
            err.contains(&format!("skipped {malformed} malformed rows")),
            "{at}: {err}"
        );
    }
    let estimated = want["estimated"].as_u64().unwrap();
    if estimated > 0 {
        assert!(
            err.contains(&format!(
                "{estimated} music streams in {} had no duration",
                want["year"]
            )),
            "{at}: {err}"
        );
    } else {
        assert!(!err.contains("had no duration"), "{at}: {err}");
    }
}

#[test]
fn a_generated_listener_in_every_format_gets_the_generators_figures() {
    let dir = TempDir::new("stats-generated");
    let truth = generate(dir.path());
    let tz = truth["tz"].as_str().unwrap();
    let genres = dir.path().join("genres.csv");
    let genres = genres.to_str().unwrap();
    for (key, format) in truth["formats"].as_object().unwrap() {
        let paths: Vec<PathBuf> = format["paths"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| dir.path().join(p.as_str().unwrap()))
            .collect();
        for (zone, figures) in [(tz, &format["local"]), ("UTC", &format["utc"])] {
            for (year, want) in figures.as_object().unwrap() {
                let mut args = vec!["stats", "--tz", zone, "--year", year, "--genres", genres];
                args.extend(paths.iter().map(|p| p.to_str().unwrap()));
                let (s, err) = stats(&args, dir.path());
                check(key, &format!("{zone} {year}"), &s, &err, want, format);
            }
        }
        // Without --year: the latest local year with music.
        let mut args = vec!["stats", "--tz", tz];
        args.extend(paths.iter().map(|p| p.to_str().unwrap()));
        let (s, _) = stats(&args, dir.path());
        assert_eq!(s["year"], format["latest_local_year"], "{key}");
        if key == "listenbrainz" {
            // ana_conceição: the export's user name, cleaned to an id.
            assert_eq!(s["user_id"], "ana_concei--o", "{key}");
        }
    }
}

/// The stats of the generated listener's Spotify export, as committed beside the other
/// fixtures: the golden images draw them.
const GENERATED: &str = "tests/fixtures/generated-listener.json";

#[test]
fn a_generated_export_makes_every_card() {
    let dir = TempDir::new("stats-cards");
    let truth = generate(dir.path());
    let o = cardfarm(
        &[
            "stats",
            "my_spotify_data.zip",
            "--tz",
            "Europe/Berlin",
            "--genres",
            "genres.csv",
            "--user-id",
            "generated-listener",
            "--display-name",
            "Ana Conceição",
            "--out",
            "me.json",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let me: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("me.json")).unwrap()).unwrap();
    let want = &truth["formats"]["spotify-zip"]["local"]["2026"];
    assert_eq!(me["minutes_listened"], want["minutes_listened"]);
    assert_eq!(me["top_artists"], want["top_artists"]);
    // The committed fixture is this output; regenerate it with the command above if the
    // generator changes (and re-bless the goldens that draw it).
    let fixture: Value =
        serde_json::from_slice(&std::fs::read(repo().join(GENERATED)).unwrap()).unwrap();
    assert_eq!(
        me, fixture,
        "{GENERATED} is not the generator's current output"
    );

    let o = cardfarm(
        &["render", "--stats", "me.json", "--all", "--out", "cards"],
        dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let mut made: Vec<String> = std::fs::read_dir(dir.path().join("cards"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    made.sort();
    // Every template in story, and summary also square and landscape.
    let mut want: Vec<String> = common::TEMPLATES
        .iter()
        .map(|t| format!("generated-listener-{t}-story.png"))
        .collect();
    want.push("generated-listener-summary-landscape.png".into());
    want.push("generated-listener-summary-square.png".into());
    want.sort();
    assert_eq!(made, want);
    for name in &made {
        let png = std::fs::read(dir.path().join("cards").join(name)).unwrap();
        let img = image::load_from_memory(&png).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(img.width() >= 1080, "{name}");
    }
}

#[test]
fn the_bundled_genres_file_reads() {
    let genres = cardfarm::listening::genre::Genres::read(&repo().join("data/genres.csv"))
        .expect("data/genres.csv is a genres file");
    let aurora: Vec<&str> = genres
        .of("Aurora Vale")
        .unwrap()
        .iter()
        .map(String::as_str)
        .collect();
    assert_eq!(aurora, ["dream pop", "indie pop"]);
    assert!(genres.of("空のクジラ").is_some());
}
