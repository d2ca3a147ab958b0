//! `cardfarm import` into the PostgreSQL store (a schema of its own on loopback, or
//! `CARDFARM_TEST_POSTGRES`): valid records are upserted, invalid ones reported by line and
//! not loaded, superseded ones skipped; then `serve --data postgres://…` serves a card of an
//! imported user.

mod common;

use std::time::Duration;

use common::net;
use common::process::{self, run as cardfarm, stderr, Running};
use common::services::{self, PgSchema};
use common::TempDir;
use serde_json::json;

/// The tests' PostgreSQL URL with the schema as its search path.
fn url_for(schema: &PgSchema) -> String {
    let url = services::postgres_url();
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}options=-c%20search_path%3D{}", schema.name)
}

fn record(id: &str, year: i32, minutes: u64) -> serde_json::Value {
    json!({
        "user_id": id, "display_name": id, "year": year, "minutes_listened": minutes,
        "top_artists": [{"name": "Aurora Vale", "minutes": minutes / 2}],
        "top_tracks": [{"title": "Northern", "artist": "Aurora Vale", "plays": 12}],
        "top_genres": [], "top_artist_percentile": 0.5
    })
}

/// `(user_id, year, minutes_listened)` of every row, in order.
async fn rows(schema: &PgSchema) -> Vec<(String, i32, i64)> {
    services::postgres()
        .await
        .query(
            &format!(
                "SELECT user_id, year, (stats->>'minutes_listened')::bigint FROM {}.cardfarm_stats ORDER BY user_id, year",
                schema.name
            ),
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn valid_records_are_upserted_and_invalid_ones_reported() {
    let (schema, _store) = PgSchema::create().await;
    let url = url_for(&schema);
    let dir = TempDir::new("import");
    let lines = [
        record("ana", 2026, 1000).to_string(),              // 1
        record("ben", 2026, 2000).to_string(),              // 2
        "{not json".to_string(),                            // 3
        json!({"user_id": "cy", "year": 2026}).to_string(), // 4: fields missing
        record("ben", 2026, 2500).to_string(),              // 5: supersedes line 2
        record("dee", 2025, 300).to_string(),               // 6
        "".to_string(),                                     // 7: blank, skipped
        {
            let mut r = record("eve", 2026, 10);
            r["top_artist_percentile"] = json!(250);
            r.to_string() // 8: out of range
        },
    ];
    std::fs::write(dir.path().join("year.jsonl"), lines.join("\n")).unwrap();

    let o = cardfarm(&["import", "year.jsonl", "--into", &url], dir.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("year.jsonl, line 3"), "{err}");
    assert!(
        err.contains("year.jsonl:4") && err.contains("missing field"),
        "{err}"
    );
    assert!(
        err.contains("year.jsonl:8") && err.contains("top_artist_percentile"),
        "{err}"
    );
    assert!(err.contains("line 2 and again on line 5"), "{err}");
    assert!(
        err.contains(
            "3 records loaded into cardfarm_stats; 3 invalid records not loaded; 1 superseded"
        ),
        "{err}"
    );
    assert_eq!(
        rows(&schema).await,
        [
            ("ana".to_string(), 2026, 1000),
            ("ben".to_string(), 2026, 2500),
            ("dee".to_string(), 2025, 300),
        ]
    );

    // A rerun with a changed record replaces it and adds a year beside an existing one.
    let again = [
        record("ana", 2026, 1111).to_string(),
        record("dee", 2026, 400).to_string(),
    ];
    std::fs::write(dir.path().join("more.jsonl"), again.join("\n")).unwrap();
    let o = cardfarm(&["import", "more.jsonl", "--into", &url], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        rows(&schema).await,
        [
            ("ana".to_string(), 2026, 1111),
            ("ben".to_string(), 2026, 2500),
            ("dee".to_string(), 2025, 300),
            ("dee".to_string(), 2026, 400),
        ]
    );
}

#[test]
fn bad_arguments_exit_2() {
    let dir = TempDir::new("import-bad");
    process::assert_usage(
        &[
            "import",
            "missing.jsonl",
            "--into",
            "postgres://127.0.0.1/x",
        ],
        dir.path(),
        &["missing.jsonl", "hint: "],
    );
    std::fs::write(dir.path().join("d.jsonl"), record("a", 2026, 1).to_string()).unwrap();
    process::assert_usage(
        &["import", "d.jsonl", "--into", "mysql://u:secret@host/db"],
        dir.path(),
        &["not a PostgreSQL URL", "hint: "],
    );
    let o = cardfarm(
        &[
            "import",
            "d.jsonl",
            "--into",
            "postgres://u:secret@127.0.0.1:1/x?connect_timeout=1",
        ],
        dir.path(),
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("nothing was loaded") && !err.contains("secret"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_then_serve_serves_a_card() {
    let (schema, _store) = PgSchema::create().await;
    let url = url_for(&schema);
    let dir = TempDir::new("import-serve");
    let lines = [record("ana", 2025, 900), record("ana", 2026, 1234)];
    let text: Vec<String> = lines.iter().map(|r| r.to_string()).collect();
    std::fs::write(dir.path().join("a.jsonl"), &text[0]).unwrap();
    std::fs::write(dir.path().join("b.jsonl"), &text[1]).unwrap();
    for file in ["a.jsonl", "b.jsonl"] {
        let o = cardfarm(&["import", file, "--into", &url], dir.path());
        assert!(o.status.success(), "{}", stderr(&o));
    }

    let port = net::free_port();
    let mut command = process::cardfarm();
    command.args([
        "serve",
        "--addr",
        &format!("127.0.0.1:{port}"),
        "--data",
        &url,
    ]);
    let _server = Running::spawn(command).unwrap();
    common::wait_for("the server to listen", Duration::from_secs(60), || {
        net::listening(port)
    });
    let card = net::request(port, "GET", "/v1/cards/ana/minutes.png");
    assert!(
        card.starts_with("HTTP/1.1 200"),
        "{}",
        &card[..card.len().min(300)]
    );
    assert!(
        card.contains("image/png"),
        "{}",
        &card[..card.len().min(300)]
    );
    let unknown = net::request(port, "GET", "/v1/cards/nobody/minutes.png");
    assert!(unknown.starts_with("HTTP/1.1 404"), "{unknown}");
}
