//! The population rules as SQL (`docs/population.sql`) give the same dataset as
//! `cardfarm stats --population`: a generated population (`data/generate_population.py`) is
//! both read by the binary and loaded into PostgreSQL (a schema of its own, on loopback or
//! `CARDFARM_TEST_POSTGRES`), and the two datasets are compared record by record. Needs
//! python3 for the generator.

mod common;

use std::path::Path;

use common::process::{run as cardfarm, stderr};
use common::services::{self, PgSchema};
use common::TempDir;
use serde_json::Value;

/// The export's fields, each a column of the `plays` table.
const TEXT_COLUMNS: &[&str] = &[
    "platform",
    "conn_country",
    "master_metadata_track_name",
    "master_metadata_album_artist_name",
    "master_metadata_album_album_name",
    "spotify_track_uri",
    "episode_name",
    "episode_show_name",
    "spotify_episode_uri",
    "audiobook_title",
    "reason_start",
    "reason_end",
];
const BOOL_COLUMNS: &[&str] = &["shuffle", "skipped", "offline", "incognito_mode"];

const TZ: &str = "America/New_York";
const OPTED_OUT: &[&str] = &["l00003", "l00117"];

fn generate(dir: &Path) {
    let status = std::process::Command::new("python3")
        .arg(common::repo().join("data/generate_population.py"))
        .arg("--out")
        .arg(dir.join("people"))
        .args(["--listeners", "260", "--artists", "300", "--rows", "120"])
        .arg("--genres")
        .arg(dir.join("genres.csv"))
        .status()
        .expect("python3 runs the generator");
    assert!(status.success());
}

/// Every listener's rows as `(user_id, row)`, read straight from their files.
fn rows(people: &Path) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let mut listeners: Vec<_> = std::fs::read_dir(people)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    listeners.sort();
    for folder in listeners {
        let id = folder.file_name().unwrap().to_string_lossy().into_owned();
        for file in std::fs::read_dir(&folder).unwrap() {
            let text = std::fs::read_to_string(file.unwrap().path()).unwrap();
            let list: Vec<Value> = serde_json::from_str(&text).unwrap();
            out.extend(list.into_iter().map(|r| (id.clone(), r)));
        }
    }
    out
}

async fn load(client: &tokio_postgres::Client, schema: &str, dir: &Path) {
    let columns: Vec<String> = TEXT_COLUMNS
        .iter()
        .map(|c| format!("{c} text"))
        .chain(BOOL_COLUMNS.iter().map(|c| format!("{c} boolean")))
        .collect();
    client
        .batch_execute(&format!(
            "SET search_path TO {schema};
             CREATE TABLE staging (user_id text, row jsonb);
             CREATE TABLE plays (user_id text NOT NULL, ts timestamptz NOT NULL,
                                 ms_played bigint NOT NULL, {});
             CREATE TABLE genres (artist text NOT NULL, genre text NOT NULL);
             CREATE TABLE opt_out (user_id text NOT NULL);",
            columns.join(", ")
        ))
        .await
        .unwrap();
    let all = rows(&dir.join("people"));
    for chunk in all.chunks(5000) {
        let ids: Vec<&str> = chunk.iter().map(|(id, _)| id.as_str()).collect();
        let json: Vec<String> = chunk.iter().map(|(_, r)| r.to_string()).collect();
        client
            .execute(
                "INSERT INTO staging SELECT u, r::jsonb FROM unnest($1::text[], $2::text[]) AS t(u, r)",
                &[&ids, &json],
            )
            .await
            .unwrap();
    }
    let text = TEXT_COLUMNS
        .iter()
        .map(|c| format!("row->>'{c}'"))
        .chain(
            BOOL_COLUMNS
                .iter()
                .map(|c| format!("(row->>'{c}')::boolean")),
        )
        .collect::<Vec<_>>()
        .join(", ");
    let names = TEXT_COLUMNS
        .iter()
        .chain(BOOL_COLUMNS)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    let inserted = client
        .execute(
            &format!(
                "INSERT INTO plays (user_id, ts, ms_played, {names})
                 SELECT user_id, (row->>'ts')::timestamptz, (row->>'ms_played')::bigint, {text}
                 FROM staging"
            ),
            &[],
        )
        .await
        .unwrap();
    assert_eq!(inserted as usize, all.len());

    let csv = std::fs::read_to_string(dir.join("genres.csv")).unwrap();
    let mut artists = Vec::new();
    let mut genres = Vec::new();
    for line in csv.lines().skip(1) {
        // The generator's names hold no comma or quote: plain split.
        let (artist, genre) = line.split_once(',').unwrap();
        artists.push(artist.to_string());
        genres.push(genre.to_string());
    }
    client
        .execute(
            "INSERT INTO genres SELECT * FROM unnest($1::text[], $2::text[])",
            &[&artists, &genres],
        )
        .await
        .unwrap();
    let opted: Vec<String> = OPTED_OUT.iter().map(|s| s.to_string()).collect();
    client
        .execute("INSERT INTO opt_out SELECT unnest($1::text[])", &[&opted])
        .await
        .unwrap();
}

/// The SQL of the docs with this run's parameters.
fn query() -> String {
    let sql = std::fs::read_to_string(common::repo().join("docs/population.sql")).unwrap();
    let tz_line = "'UTC' AS tz,";
    assert!(
        sql.contains(tz_line),
        "the parameter lines are as documented"
    );
    sql.replace(tz_line, &format!("'{TZ}' AS tz,"))
}

fn numbers(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

/// One record of each side, equal field by field: integers and strings exactly, the clock
/// and the percentile as numbers (JSON from PostgreSQL writes 2 where Rust writes 2.0), genre
/// shares within 1e-12 (the same division, in f64 in Rust and numeric in SQL).
fn assert_same(rust: &Value, sql: &Value) {
    let id = &rust["user_id"];
    for key in [
        "user_id",
        "display_name",
        "year",
        "minutes_listened",
        "top_artists",
        "top_tracks",
    ] {
        assert_eq!(rust[key], sql[key], "{id}: {key}");
    }
    assert_eq!(
        numbers(&rust["listening_clock"]),
        numbers(&sql["listening_clock"]),
        "{id}: listening_clock"
    );
    assert_eq!(
        rust.get("top_artist_percentile")
            .map(|p| p.as_f64().unwrap()),
        sql.get("top_artist_percentile")
            .map(|p| p.as_f64().unwrap()),
        "{id}: top_artist_percentile"
    );
    let (a, b) = (
        rust["top_genres"].as_array().unwrap(),
        sql["top_genres"].as_array().unwrap(),
    );
    assert_eq!(a.len(), b.len(), "{id}: top_genres {a:?} {b:?}");
    for (x, y) in a.iter().zip(b) {
        assert_eq!(x["name"], y["name"], "{id}: top_genres {a:?} {b:?}");
        let (s, t) = (x["share"].as_f64().unwrap(), y["share"].as_f64().unwrap());
        assert!((s - t).abs() < 1e-12, "{id}: {s} vs {t}");
    }
    let keys = |v: &Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(rust), keys(sql), "{id}: the same fields");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sql_gives_the_same_dataset_as_stats_population() {
    let dir = TempDir::new("population-sql");
    generate(dir.path());
    std::fs::write(dir.path().join("opt-out.txt"), OPTED_OUT.join("\n")).unwrap();
    let o = cardfarm(
        &[
            "stats",
            "--population",
            "people",
            "--tz",
            TZ,
            "--genres",
            "genres.csv",
            "--opt-out",
            "opt-out.txt",
            "--out",
            "year.jsonl",
        ],
        dir.path(),
    );
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    let rust: Vec<Value> = std::fs::read_to_string(dir.path().join("year.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();

    let (schema, _store) = PgSchema::create().await;
    let client = services::postgres().await;
    load(&client, &schema.name, dir.path()).await;
    let wrapped = format!(
        "SELECT stats::text FROM ({}) AS q ORDER BY user_id COLLATE \"C\"",
        query().trim_end().trim_end_matches(';')
    );
    let sql: Vec<Value> = client
        .query(&wrapped, &[])
        .await
        .unwrap()
        .iter()
        .map(|row| serde_json::from_str(row.get::<_, &str>(0)).unwrap())
        .collect();

    // The population is big enough for the badge and the floor both to matter.
    let badges = rust
        .iter()
        .filter(|r| r.get("top_artist_percentile").is_some())
        .count();
    assert!(
        badges >= 5 && badges < rust.len() / 2,
        "{badges} badges: {err}"
    );
    assert!(rust.len() > 200, "{err}");
    assert!(rust
        .iter()
        .any(|r| !r["top_genres"].as_array().unwrap().is_empty()));
    for id in OPTED_OUT {
        assert!(rust.iter().all(|r| r["user_id"] != *id));
    }

    let ids = |d: &[Value]| -> Vec<String> {
        d.iter()
            .map(|r| r["user_id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        ids(&rust),
        ids(&sql),
        "the same listeners, in the same order"
    );
    for (r, s) in rust.iter().zip(&sql) {
        assert_same(r, s);
    }
}
