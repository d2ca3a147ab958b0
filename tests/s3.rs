//! S3 storage against a real S3-compatible server on loopback: moto's server (PyPI
//! `moto[server]`, installed by `.ci/run`), started by this test on a free port, or compose's
//! moto when python3 has none (see `common::services::moto`); the bucket is the test's own.
//! Without moto the test fails in one line saying how to install or start it.

mod common;

use cardfarm::farm::batch::{self, Plan};
use cardfarm::farm::dataset::Dataset;
use std::time::Duration;

use cardfarm::farm::job::{CardSelection, Job};
use cardfarm::farm::queue::{self, Settings};
use cardfarm::farm::sink::Sink;
use common::farm::{dead_letters, drain, engine};
use common::services::{self, with_stream, Moto};
use common::{process, sample_users, small_dataset};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_writes_typed_pngs_to_s3_and_resumes() {
    let moto = services::moto();
    let bucket = &moto.bucket;
    assert!(moto
        .http("PUT", &format!("/{bucket}"))
        .starts_with("HTTP/1.1 200"));
    // The first 4 users, to keep it short.
    let (small, users) = small_dataset(4);
    let dataset = Dataset::open(&small).unwrap();

    let sink = Sink::open(&format!("s3://{bucket}/wrapped/2026"), &moto.s3_options()).unwrap();
    let farm = engine(sink.clone(), true);
    let plan = Plan {
        cards: CardSelection {
            templates: Some(vec!["minutes".into()]),
            formats: None,
        },
        concurrency: 2,
        ..Plan::default()
    };
    let report = batch::run(farm.clone(), &dataset, &plan, |_| {})
        .await
        .unwrap();
    assert_eq!(
        (report.written, report.failures.len()),
        (4, 0),
        "{report:?}"
    );

    let key = format!("wrapped/2026/{}/minutes-story.png", users[0].user_id);
    let (bytes, content_type) = sink.get(&key).await.unwrap();
    assert_eq!(content_type.as_deref(), Some("image/png"));
    assert_eq!(image::load_from_memory(&bytes).unwrap().height(), 1920);

    // A second run finds every card in the bucket and renders nothing.
    let again = batch::run(farm.clone(), &dataset, &plan, |_| {})
        .await
        .unwrap();
    assert_eq!((again.written, again.skipped), (0, 4));
    // Each object carries its fingerprint as user metadata.
    let stamp = sink.stamp(&key).await.unwrap().expect("a stamped object");
    assert!(!stamp.placeholder);
    let metadata = object_metadata(&moto, &key).await;
    assert_eq!(
        metadata.get("cardfarm-fingerprint"),
        Some(&stamp.fingerprint.to_hex()),
        "{metadata:?}"
    );

    // One user's stats change: exactly that user's card is drawn again.
    let mut changed = users.clone();
    changed[1].minutes_listened.0 += 1;
    let lines: Vec<String> = changed
        .iter()
        .map(|u| serde_json::to_string(u).unwrap())
        .collect();
    std::fs::write(&small, lines.join("\n")).unwrap();
    let third = batch::run(farm, &dataset, &plan, |_| {}).await.unwrap();
    assert_eq!((third.written, third.skipped), (1, 3), "{third:?}");
    let changed_key = format!("wrapped/2026/{}/minutes-story.png", users[1].user_id);
    assert_ne!(sink.stamp(&changed_key).await.unwrap(), None);
    assert_ne!(
        sink.stamp(&changed_key)
            .await
            .unwrap()
            .map(|s| s.fingerprint),
        Some(stamp.fingerprint)
    );

    // The CLI takes the standard AWS environment variables.
    let mut cli = process::cardfarm();
    cli.args(["batch", "--templates", "top-genres", "--out"])
        .arg(format!("s3://{bucket}/cli"))
        .arg("--data")
        .arg(&small);
    for (k, v) in moto.s3_options() {
        cli.env(k.to_uppercase(), v);
    }
    let out = cli.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key = format!("cli/{}/top-genres-story.png", users[0].user_id);
    assert!(sink_root(&moto).exists(&key).await.unwrap());
}

/// The user metadata (`x-amz-meta-*`) of the object `key` in the test's bucket.
async fn object_metadata(moto: &Moto, key: &str) -> std::collections::HashMap<String, String> {
    use object_store::{Attribute, GetOptions, ObjectStore};
    let mut builder = object_store::aws::AmazonS3Builder::new().with_bucket_name(&moto.bucket);
    for (k, v) in moto.s3_options() {
        builder = builder.with_config(k.parse().unwrap(), v);
    }
    let store = builder.build().unwrap();
    let head = GetOptions {
        head: true,
        ..GetOptions::default()
    };
    let got = store.get_opts(&key.into(), head).await.unwrap();
    got.attributes
        .iter()
        .filter_map(|(k, v)| match k {
            Attribute::Metadata(name) => Some((name.to_string(), v.to_string())),
            _ => None,
        })
        .collect()
}

fn sink_root(moto: &Moto) -> Sink {
    Sink::open(&format!("s3://{}", moto.bucket), &moto.s3_options()).unwrap()
}

/// A bucket that does not exist is the storage refusing us, not a hiccup: the write fails at
/// once as a permanent card-storage error, and a worker dead-letters the job on its first
/// delivery instead of retrying it until `max_deliver`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_bucket_is_fatal_and_its_job_is_dead_lettered_at_once() {
    let moto = services::moto();
    // The bucket is never created.
    let sink = Sink::open(&format!("s3://{}/cards", moto.bucket), &moto.s3_options()).unwrap();
    let e = sink
        .put("u1/minutes-story.png", b"not really a png".to_vec())
        .await
        .unwrap_err();
    assert!(!e.is_retryable(), "{e}");
    assert!(
        e.to_string()
            .starts_with("card storage: writing u1/minutes-story.png"),
        "{e}"
    );

    with_stream("s3-missing-bucket", |stream| async move {
        let js = services::nats().await;
        queue::ensure_streams(&js, &stream, 1).await.unwrap();
        let job = Job::new(
            &sample_users(1)[0],
            CardSelection {
                templates: Some(vec!["minutes".into()]),
                formats: Some(vec!["story".into()]),
            },
        );
        assert_eq!(queue::enqueue(&js, &stream, [job]).await.unwrap(), 1);
        let settings = Settings {
            ack_wait: Duration::from_secs(10),
            max_deliver: 5,
            replicas: 1,
        };
        let (report, js) = drain(&stream, sink, settings).await;
        assert_eq!(
            (report.done, report.retried, report.dead),
            (0, 0, 1),
            "{report:?}"
        );
        let letters = dead_letters(&js, &stream).await;
        assert_eq!(letters.len(), 1);
        assert!(!letters[0].retryable, "{:?}", letters[0]);
        assert_eq!(letters[0].deliveries, 1, "{:?}", letters[0]);
        assert!(
            letters[0].error.contains("card storage"),
            "{:?}",
            letters[0]
        );
    })
    .await;
    drop(moto);
}

/// `serve --cards s3://…`: the cards the farm put in the bucket are answered as stored, without
/// a render; a card not there yet is rendered and written back with its stamp.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_hands_out_the_cards_stored_in_s3() {
    use cardfarm::server::Config;
    use common::app::{get, jsonl_store, state};

    let moto = services::moto();
    let bucket = &moto.bucket;
    assert!(moto
        .http("PUT", &format!("/{bucket}"))
        .starts_with("HTTP/1.1 200"));
    let sink = Sink::open(&format!("s3://{bucket}/wrapped"), &moto.s3_options()).unwrap();
    let demo = common::demo_stats();
    let job = Job::new(
        &demo,
        CardSelection {
            templates: Some(vec!["minutes".into(), "top-artists".into()]),
            formats: Some(vec!["story".into()]),
        },
    );
    let outcome = engine(sink.clone(), false).process(&job).await.unwrap();
    assert_eq!(outcome.written, 2, "{outcome:?}");

    let s = state(
        jsonl_store().await,
        Config {
            cards: Some(sink.clone()),
            ..Config::default()
        },
    );
    let metrics = |s: std::sync::Arc<cardfarm::server::AppState>| async move {
        String::from_utf8(get(&s, "/metrics").await.body).unwrap()
    };
    for template in ["minutes", "top-artists"] {
        let a = get(&s, &format!("/v1/cards/demo/{template}.png")).await;
        assert_eq!(a.status, axum::http::StatusCode::OK, "{template}");
        let (stored, _) = sink
            .get(&format!("wrapped/demo/{template}-story.png"))
            .await
            .unwrap();
        assert_eq!(a.body, stored, "{template}: not the stored bytes");
    }
    let text = metrics(s.clone()).await;
    assert!(
        text.contains("cardfarm_stored_cards_total{outcome=\"served\"} 2"),
        "{text}"
    );
    assert!(!text.contains("cardfarm_render_seconds_count"), "{text}");

    // A card the farm did not make is drawn, then stored with its stamp.
    let a = get(&s, "/v1/cards/demo/summary.png").await;
    assert_eq!(a.status, axum::http::StatusCode::OK);
    let key = "wrapped/demo/summary-story.png";
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(Some(stamp)) = sink.stamp(key).await {
            assert!(!stamp.placeholder);
            assert_eq!(sink.get(key).await.unwrap().0, a.body);
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the card was not written back"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let text = metrics(s.clone()).await;
    assert!(
        text.contains("cardfarm_stored_cards_total{outcome=\"missing\"} 1"),
        "{text}"
    );
}
