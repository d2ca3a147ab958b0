//! The render farm in tests: engines, an in-process worker that drains a queue, dead letters,
//! and the keys a run wrote.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use async_nats::jetstream::Context;
use cardfarm::farm::queue::{self, Settings};
use cardfarm::farm::sink::Sink;
use cardfarm::farm::{worker, Engine};
use cardfarm::Stats;

/// An engine over `sink` with two render threads, resolving photos against the sample's
/// folder; `skip_unchanged` as batch and workers do.
pub fn engine(sink: Sink, skip_unchanged: bool) -> Arc<Engine> {
    Arc::new(
        Engine::new(
            super::renderer().clone(),
            sink,
            Some(super::repo().join("data")),
            2,
            skip_unchanged,
        )
        .expect("render threads start"),
    )
}

/// A sink writing into the folder `dir`.
pub fn folder_sink(dir: &Path) -> Sink {
    Sink::open(dir.to_str().unwrap(), &[]).unwrap()
}

/// Every PNG under `dir`, as keys relative to it, sorted.
pub fn keys(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "png") {
                out.push(p.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

/// The keys of every user's story card of each of `cards`, sorted.
pub fn expected_keys(users: &[Stats], cards: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = users
        .iter()
        .flat_map(|u| {
            cards
                .iter()
                .map(move |c| format!("{}/{c}-story.png", u.user_id))
        })
        .collect();
    out.sort();
    out
}

/// Every letter in the dead-letter stream, in order.
pub async fn dead_letters(js: &Context, stream: &str) -> Vec<queue::DeadLetter> {
    let dead = js.get_stream(queue::dead_stream(stream)).await.unwrap();
    let count = dead.get_info().await.unwrap().state.last_sequence;
    let mut letters = Vec::new();
    for seq in 1..=count {
        if let Ok(m) = dead.get_raw_message(seq).await {
            letters.push(serde_json::from_slice(&m.payload).unwrap());
        }
    }
    letters
}

/// Runs an in-process worker until the queue is drained.
pub async fn drain(stream: &str, sink: Sink, settings: Settings) -> (worker::Report, Context) {
    drain_within(stream, sink, settings, Duration::from_secs(300)).await
}

/// [`drain`], with a time limit per job.
pub async fn drain_within(
    stream: &str,
    sink: Sink,
    settings: Settings,
    job_timeout: Duration,
) -> (worker::Report, Context) {
    let js = super::services::nats().await;
    let config = worker::Config {
        settings,
        job_timeout,
        pull_wait: Duration::from_secs(1),
        exit_when_empty: true,
        ..worker::Config::new(stream)
    };
    let report = tokio::time::timeout(
        Duration::from_secs(120),
        worker::run(
            engine(sink, true),
            js.clone(),
            config,
            std::future::pending(),
        ),
    )
    .await
    .expect("the worker drains the queue")
    .unwrap();
    (report, js)
}
