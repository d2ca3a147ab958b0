//! `cardfarm stats` on hand-built Spotify exports, the real binary in temporary folders. Every
//! expected figure is worked out by hand in the test, never by the code under test.

mod common;

use std::path::Path;

use common::process::{self, run as cardfarm, stderr};
use common::TempDir;
use serde_json::{json, Value};

/// The stats JSON a successful run printed.
fn stats(args: &[&str], dir: &Path) -> (Value, String) {
    let o = cardfarm(args, dir);
    let err = stderr(&o);
    assert!(o.status.success(), "{args:?}: {err}");
    (serde_json::from_slice(&o.stdout).expect("stats JSON"), err)
}

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

/// A podcast episode in the extended history: no track, no artist.
fn episode(ts: &str, ms: u64) -> Value {
    json!({
        "ts": ts, "ms_played": ms, "master_metadata_track_name": null,
        "master_metadata_album_artist_name": null, "episode_name": "Episode 1",
        "episode_show_name": "The Show", "reason_start": "clickrow"
    })
}

fn write(dir: &Path, name: &str, rows: &Value) {
    std::fs::write(dir.join(name), serde_json::to_string_pretty(rows).unwrap()).unwrap();
}

fn names(list: &Value, key: &str) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|x| x[key].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_stream_belongs_to_the_local_year_it_started_in_and_podcasts_are_reported_apart() {
    let dir = TempDir::new("stats-year");
    let export = dir.path().join("my_spotify_data");
    std::fs::create_dir_all(&export).unwrap();
    write(
        &export,
        "Streaming_History_Audio_2026.json",
        &json!([
            // Ends 2027-01-01 00:20 UTC after 30 min: starts 2026-12-31 23:50 UTC, that is
            // 2027-01-01 00:50 in Berlin (UTC+1): year 2027, local hour 0.
            ext("2027-01-01T00:20:00Z", 1_800_000, "Midnight", "Aurora"),
            // Starts 2027-06-01 09:58 UTC = 11:58 in Berlin (UTC+2): hour 11.
            ext("2027-06-01T10:00:00Z", 120_000, "Noon", "Aurora"),
            // A podcast in 2027 (starts 2027-02-01 12:00 Berlin): 3 minutes, left out.
            episode("2027-02-01T11:03:00Z", 180_000),
            // Malformed: not a time.
            { "ts": "last tuesday", "ms_played": 1000 },
            // In 2026 in Berlin: ignored by the default year, which is the latest.
            ext("2026-07-01T10:00:00Z", 60_000, "Summer", "Bo"),
        ]),
    );
    std::fs::write(export.join("ReadMeFirst.pdf"), b"%PDF-1.4 not a history").unwrap();

    let (s, err) = stats(
        &["stats", "my_spotify_data", "--tz", "Europe/Berlin"],
        dir.path(),
    );
    assert_eq!(s["year"], 2027);
    assert_eq!(s["user_id"], "my_spotify_data");
    assert_eq!(s["display_name"], "my_spotify_data");
    assert_eq!(s["minutes_listened"], 32);
    let mut clock = vec![0.0; 24];
    clock[0] = 30.0;
    clock[11] = 2.0;
    assert_eq!(s["listening_clock"], json!(clock));
    assert_eq!(
        s["top_artists"],
        json!([{ "name": "Aurora", "minutes": 32 }])
    );
    assert_eq!(
        s["top_tracks"],
        json!([
            { "title": "Midnight", "artist": "Aurora", "plays": 1 },
            { "title": "Noon", "artist": "Aurora", "plays": 1 }
        ])
    );
    assert_eq!(s["top_genres"], json!([]));
    assert!(s.get("top_artist_percentile").is_none());
    assert!(
        err.contains("1 podcast or audiobook streams in 2027 (3 minutes)"),
        "{err}"
    );
    assert!(err.contains("ReadMeFirst.pdf"), "{err}");
    assert!(err.contains("1 malformed rows"), "{err}");
    assert!(
        err.contains("Streaming_History_Audio_2026.json, row 3"),
        "{err}"
    );

    // The same history in UTC: the long stream starts 2026-12-31 23:50, in 2026.
    let (s, _) = stats(
        &[
            "stats",
            "my_spotify_data",
            "--year",
            "2026",
            "--user-id",
            "me",
        ],
        dir.path(),
    );
    assert_eq!(s["user_id"], "me");
    assert_eq!(s["minutes_listened"], 31);
    assert_eq!(s["listening_clock"][23], 30.0);
    assert_eq!(s["listening_clock"][9], 1.0);
}

#[test]
fn identical_rows_count_once_across_files_and_a_changed_field_counts_again() {
    let dir = TempDir::new("stats-dupes");
    let a = ext("2026-04-01T10:00:00Z", 120_000, "Song", "Cleo");
    let mut offline = a.clone();
    offline["offline"] = json!(true);
    // Spotify's two overlapping exports: the same rows in both files.
    write(dir.path(), "endsong_0.json", &json!([a.clone(), a.clone()]));
    write(dir.path(), "endsong_1.json", &json!([a, offline]));
    let (s, err) = stats(&["stats", "endsong_0.json", "endsong_1.json"], dir.path());
    // Distinct rows: `a` and `offline`, 2 minutes each.
    assert_eq!(s["minutes_listened"], 4);
    assert_eq!(s["top_tracks"][0]["plays"], 2);
    assert_eq!(s["user_id"], "endsong_0");
    assert!(err.contains("2 duplicate rows counted once"), "{err}");
}

#[test]
fn account_data_and_genres() {
    let dir = TempDir::new("stats-account");
    write(
        dir.path(),
        "StreamingHistory_music_0.json",
        &json!([
            { "endTime": "2026-03-05 16:52", "artistName": "Dua", "trackName": "One", "msPlayed": 240_000 },
            { "endTime": "2026-03-05 17:10", "artistName": "Dua", "trackName": "Two", "msPlayed": 20_000 },
            { "endTime": "2026-03-06 08:00", "artistName": "Eno", "trackName": "Air", "msPlayed": 120_000 },
            { "endTime": "2026-03-06 09:00", "artistName": "Fox", "trackName": "Den", "msPlayed": 60_000 }
        ]),
    );
    std::fs::write(
        dir.path().join("genres.csv"),
        "artist,genre\nDua,pop\nDua,\"dance, disco\"\nEno,ambient\nEno,ambient\n",
    )
    .unwrap();
    let (s, _) = stats(
        &[
            "stats",
            "StreamingHistory_music_0.json",
            "--genres",
            "genres.csv",
            "--display-name",
            "Dee",
        ],
        dir.path(),
    );
    assert_eq!(s["year"], 2026);
    assert_eq!(s["display_name"], "Dee");
    // 240,000 + 20,000 + 120,000 + 60,000 = 440,000 ms = 7 minutes (7.33 rounded down).
    assert_eq!(s["minutes_listened"], 7);
    assert_eq!(names(&s["top_artists"], "name"), ["Dua", "Eno", "Fox"]);
    assert_eq!(s["top_artists"][0]["minutes"], 4); // 260,000 ms
                                                   // "Two" played 20 s: no play, so not a top track.
    assert_eq!(names(&s["top_tracks"], "title"), ["One", "Air", "Den"]);
    // Account data ends on the minute: "One" started 16:48 UTC, "Air" 07:58, "Den" 08:59.
    assert_eq!(s["listening_clock"][16], 4.0);
    assert_eq!(s["listening_clock"][7], 2.0);
    assert_eq!(s["listening_clock"][8], 1.0);
    // Dua's 260,000 ms split in two (pop, "dance, disco"), Eno's 120,000 ambient; Fox has no
    // genre: shares of 380,000 ms.
    let genres: Vec<(String, f64)> = s["top_genres"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["name"].as_str().unwrap().into(),
                g["share"].as_f64().unwrap(),
            )
        })
        .collect();
    // Equal shares order by name: "dance, disco" < "pop".
    let expected = [
        ("dance, disco", 130_000.0 / 380_000.0),
        ("pop", 130_000.0 / 380_000.0),
        ("ambient", 120_000.0 / 380_000.0),
    ];
    assert_eq!(genres.len(), 3);
    for ((name, share), (want, want_share)) in genres.iter().zip(expected) {
        assert_eq!(name, want);
        assert!((share - want_share).abs() < 1e-12, "{name}: {share}");
    }
}

/// A usage error that also gives a `hint:` line.
fn assert_usage(args: &[&str], dir: &Path, needles: &[&str]) {
    let mut all = needles.to_vec();
    all.push("\nhint: ");
    process::assert_usage(args, dir, &all);
}

#[test]
fn bad_arguments_exit_2_with_a_hint() {
    let dir = TempDir::new("stats-bad");
    write(
        dir.path(),
        "h.json",
        &json!([ext("2026-04-01T10:00:00Z", 60_000, "S", "A")]),
    );
    std::fs::write(dir.path().join("notes.json"), r#"{"not": "a history"}"#).unwrap();
    assert_usage(
        &["stats", "h.json", "--tz", "Mars/Olympus"],
        dir.path(),
        &["Mars/Olympus", "IANA"],
    );
    assert_usage(&["stats", "missing.json"], dir.path(), &["missing.json"]);
    assert_usage(
        &["stats", "notes.json"],
        dir.path(),
        &["notes.json", "known format"],
    );
    assert_usage(
        &["stats", "h.json", "--year", "2019"],
        dir.path(),
        &["no music in 2019", "--year 2026"],
    );
}

#[test]
fn its_output_renders_a_card() {
    let dir = TempDir::new("stats-render");
    let rows: Vec<Value> = (0..40)
        .map(|i| {
            let artist = ["Aurora Vale", "Juno", "Kite", "Lumen", "Moss", "Nova"][i % 6];
            ext(
                &format!("2026-0{}-1{}T1{}:00:00Z", 1 + i % 9, i % 10, i % 10),
                60_000 + i as u64 * 1000,
                &format!("Track {i}"),
                artist,
            )
        })
        .collect();
    write(
        dir.path(),
        "Streaming_History_Audio_2026_0.json",
        &json!(rows),
    );
    let o = cardfarm(&["stats", ".", "--out", "me.json"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let me: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("me.json")).unwrap()).unwrap();
    // `.` is named for the folder it stands for.
    let folder = dir
        .path()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .replace('.', "-");
    assert_eq!(me["user_id"], folder.as_str());
    assert_eq!(
        me["minutes_listened"],
        (0..40).map(|i| 60 + i).sum::<u64>() / 60
    );
    let o = cardfarm(
        &[
            "render",
            "--stats",
            "me.json",
            "--template",
            "top-artists",
            "--out",
            "x.png",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let png = std::fs::read(dir.path().join("x.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
}

#[test]
fn a_file_that_breaks_off_keeps_its_rows_before_the_break() {
    let dir = TempDir::new("stats-cut");
    let rows = json!([
        ext("2026-04-01T10:00:00Z", 120_000, "One", "Ada"),
        ext("2026-04-02T10:00:00Z", 180_000, "Two", "Ada"),
    ]);
    let text = serde_json::to_string(&rows).unwrap();
    // Cut inside the third row, as an interrupted download would.
    let cut = format!("{},{{\"ts\": \"2026-04-0", &text[..text.len() - 1]);
    std::fs::write(dir.path().join("Streaming_History_Audio_cut.json"), cut).unwrap();
    let (s, err) = stats(&["stats", "Streaming_History_Audio_cut.json"], dir.path());
    assert_eq!(s["minutes_listened"], 5);
    assert!(err.contains("breaks off"), "{err}");
}
