//! Reruns at any interval: every card is stored with its fingerprint, and batch and workers
//! skip a card whose stored fingerprint is the one it would have now. Nothing is drawn twice
//! however long after the first run (the queue's duplicate window plays no part), a user whose
//! stats changed gets new cards, and a card drawn with a placeholder is always drawn again. The
//! worker tests use NATS JetStream (127.0.0.1:4222, or `CARDFARM_TEST_NATS`) with streams of
//! their own.

mod common;

use std::sync::Arc;
use std::time::Duration;

use cardfarm::farm::batch::{self, Plan};
use cardfarm::farm::dataset::Dataset;
use cardfarm::farm::job::{CardSelection, Job};
use cardfarm::farm::queue::{self, Settings};
use cardfarm::farm::{worker, Engine};
use cardfarm::Stats;
use common::farm::{engine, folder_sink, keys};
use common::services::{self, with_stream};
use common::{sample_users, TempDir, TempFile};

fn cards() -> CardSelection {
    CardSelection {
        templates: Some(vec!["minutes".into(), "top-artists".into()]),
        formats: Some(vec!["story".into()]),
    }
}

/// Cards the engine has rendered so far, every template.
fn renders(engine: &Engine) -> u64 {
    ["minutes", "top-artists"]
        .iter()
        .map(|t| {
            engine
                .metrics
                .render_seconds
                .with_label_values(&[*t])
                .get_sample_count()
        })
        .sum()
}

/// A user whose first artist's photo is missing: their top-artists card gets a placeholder.
fn with_missing_photo(mut user: Stats) -> Stats {
    let mut value = serde_json::to_value(&user).unwrap();
    value["user_id"] = "no-photo".into();
    value["top_artists"][0]["image"] = "photos/not-there.jpg".into();
    user = serde_json::from_value(value).unwrap();
    user
}

fn write_dataset(path: &TempFile, users: &[Stats]) {
    let lines: Vec<String> = users
        .iter()
        .map(|u| serde_json::to_string(u).unwrap())
        .collect();
    std::fs::write(path, lines.join("\n")).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_rerun_redraws_only_changed_cards_and_placeholders() {
    let mut users = sample_users(3);
    users.push(with_missing_photo(sample_users(4)[3].clone()));
    let data = TempFile::new("rerun", "jsonl");
    write_dataset(&data, &users);
    let dataset = Dataset::open(&data).unwrap();
    let out = TempDir::new("rerun-out");
    let farm = engine(folder_sink(&out), true);
    let plan = Plan {
        cards: cards(),
        concurrency: 2,
        ..Plan::default()
    };
    let first = batch::run(farm.clone(), &dataset, &plan, |_| {})
        .await
        .unwrap();
    assert_eq!((first.written, first.skipped), (8, 0), "{first:?}");
    assert_eq!(first.warnings, 1, "{first:?}");
    // Each PNG has its stamp beside it; the placeholder card is marked.
    let stamp = |user: &str, card: &str| {
        std::fs::read_to_string(out.join(format!("{user}/{card}-story.png.fingerprint"))).unwrap()
    };
    assert_eq!(stamp(&users[0].user_id, "minutes").trim().len(), 64);
    assert!(stamp("no-photo", "top-artists").contains("placeholder"));

    // A rerun, any time later: only the placeholder card is drawn again.
    let rendered = renders(&farm);
    let second = batch::run(farm.clone(), &dataset, &plan, |_| {})
        .await
        .unwrap();
    assert_eq!((second.written, second.skipped), (1, 7), "{second:?}");
    assert_eq!(renders(&farm), rendered + 1);

    // One user's stats change: exactly that user's cards (and the placeholder) are drawn.
    users[1].minutes_listened.0 += 1;
    write_dataset(&data, &users);
    let before =
        std::fs::read(out.join(format!("{}/minutes-story.png", users[1].user_id))).unwrap();
    let third = batch::run(farm.clone(), &dataset, &plan, |_| {})
        .await
        .unwrap();
    assert_eq!((third.written, third.skipped), (3, 5), "{third:?}");
    let after = std::fs::read(out.join(format!("{}/minutes-story.png", users[1].user_id))).unwrap();
    assert!(before != after, "the changed user's card was drawn again");

    // A card without a stamp (an older version wrote it) is drawn again, once.
    std::fs::remove_file(out.join(format!(
        "{}/minutes-story.png.fingerprint",
        users[2].user_id
    )))
    .unwrap();
    let fourth = batch::run(farm.clone(), &dataset, &plan, |_| {})
        .await
        .unwrap();
    assert_eq!((fourth.written, fourth.skipped), (2, 6), "{fourth:?}");
    assert_eq!(keys(&out).len(), 8);
}

/// Runs a worker with `engine` until the queue of `stream` is drained.
async fn drain_with(engine: Arc<Engine>, stream: &str) -> worker::Report {
    let config = worker::Config {
        settings: Settings::default(),
        pull_wait: Duration::from_secs(1),
        exit_when_empty: true,
        ..worker::Config::new(stream)
    };
    tokio::time::timeout(
        Duration::from_secs(120),
        worker::run(
            engine,
            services::nats().await,
            config,
            std::future::pending(),
        ),
    )
    .await
    .expect("the worker drains the queue")
    .unwrap()
}

/// Queues one job per user on a work stream made afresh, as an `enqueue` rerun outside the
/// duplicate window finds it: nothing is deduplicated.
async fn enqueue_afresh(stream: &str, users: &[Stats]) {
    let js = services::nats().await;
    let _ = js.delete_stream(stream).await;
    queue::ensure_streams(&js, stream, 1).await.unwrap();
    let jobs: Vec<Job> = users.iter().map(|u| Job::new(u, cards())).collect();
    assert_eq!(
        queue::enqueue(&js, stream, jobs).await.unwrap(),
        users.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queue_rerun_outside_the_duplicate_window_renders_nothing_twice() {
    with_stream("rerun", |stream| async move {
        let mut users = sample_users(3);
        let out = TempDir::new("rerun-queue-out");
        let farm = engine(folder_sink(&out), true);
        enqueue_afresh(&stream, &users).await;
        let first = drain_with(farm.clone(), &stream).await;
        assert_eq!(
            (first.done, first.cards, first.skipped),
            (3, 6, 0),
            "{first:?}"
        );
        let rendered = renders(&farm);
        assert_eq!(rendered, 6);

        // An hour later: the same jobs again, no longer deduplicated by the queue.
        enqueue_afresh(&stream, &users).await;
        let second = drain_with(farm.clone(), &stream).await;
        assert_eq!(
            (second.done, second.cards, second.skipped),
            (3, 0, 6),
            "{second:?}"
        );
        assert_eq!(renders(&farm), rendered, "no card rendered again");

        // One user's stats change: exactly their cards are rendered.
        users[2].minutes_listened.0 += 1;
        enqueue_afresh(&stream, &users).await;
        let third = drain_with(farm.clone(), &stream).await;
        assert_eq!(
            (third.done, third.cards, third.skipped),
            (3, 2, 4),
            "{third:?}"
        );
        assert_eq!(renders(&farm), rendered + 2);
    })
    .await;
}
