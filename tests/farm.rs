//! The render farm against a real nats-server with JetStream on 127.0.0.1:4222. Every test
//! uses its own stream names and deletes them afterwards.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use futures::StreamExt;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use cardfarm::batch::{self, Plan};
use cardfarm::dataset::Dataset;
use cardfarm::farm::Farm;
use cardfarm::job::Job;
use cardfarm::queue::{self, Settings};
use cardfarm::sink::Sink;
use cardfarm::{worker, Renderer, Stats};

const NATS: &str = "nats://127.0.0.1:4222";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn renderer() -> Arc<Renderer> {
    static R: OnceLock<Arc<Renderer>> = OnceLock::new();
    R.get_or_init(|| {
        Arc::new(Renderer::load(&repo().join("templates"), &repo().join("fonts")).unwrap())
    })
    .clone()
}

fn unique(tag: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "cftest_{tag}_{}_{}",
        std::process::id(),
        nanos % 1_000_000_000
    )
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(unique(tag));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn sample_users(n: usize) -> Vec<Stats> {
    let dataset = Dataset::open(&repo().join("data/sample.jsonl")).unwrap();
    dataset
        .users()
        .unwrap()
        .map(Result::unwrap)
        .take(n)
        .collect()
}

/// Every PNG under `dir`, as keys relative to it.
fn keys(dir: &Path) -> Vec<String> {
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

fn expected_keys(users: &[Stats], cards: &[&str]) -> Vec<String> {
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

/// Runs `body` with fresh stream names, then deletes the streams whatever happened.
async fn with_stream<F, Fut>(tag: &str, body: F)
where
    F: FnOnce(String) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let stream = unique(tag);
    let result = tokio::spawn(body(stream.clone())).await;
    let js = queue::connect(NATS).await.unwrap();
    let _ = js.delete_stream(&stream).await;
    let _ = js.delete_stream(queue::dead_stream(&stream)).await;
    if let Err(e) = result {
        std::panic::resume_unwind(e.into_panic());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn worker_renders_every_job_to_its_key_and_dead_letters_poison() {
    with_stream("worker", |stream| async move {
        let js = queue::connect(NATS)
            .await
            .expect("nats-server runs on 127.0.0.1:4222");
        queue::ensure_streams(&js, &stream, 1).await.unwrap();
        let users = sample_users(8);
        let templates = Some(vec!["minutes".to_string(), "top-genres".to_string()]);
        let formats = Some(vec!["story".to_string()]);
        let jobs: Vec<Job> = users
            .iter()
            .map(|u| Job::new(u, templates.clone(), formats.clone()))
            .collect();
        assert_eq!(queue::enqueue(&js, &stream, jobs.clone()).await.unwrap(), 8);
        // Enqueueing the same jobs again is deduplicated.
        assert_eq!(queue::enqueue(&js, &stream, jobs).await.unwrap(), 0);

        // Two poison jobs: invalid stats, and a message that is not a job at all.
        let mut bad = Job::new(&users[0], templates.clone(), formats.clone());
        bad.stats["user_id"] = "poison".into();
        bad.stats["top_artists"][0]["minutes"] = (-4).into();
        assert_eq!(queue::enqueue(&js, &stream, [bad]).await.unwrap(), 1);
        js.publish(queue::subject(&stream), "not json".into())
            .await
            .unwrap()
            .await
            .unwrap();
        // And a job that asks for no card at all: not a success with nothing to show.
        let mut empty = Job::new(&users[1], Some(vec![]), None);
        empty.stats["user_id"] = "asks-for-nothing".into();
        assert_eq!(queue::enqueue(&js, &stream, [empty]).await.unwrap(), 1);

        let out = temp_dir("worker-out");
        let sink = Sink::open(out.to_str().unwrap(), &[]).unwrap();
        let farm = Arc::new(
            Farm::new(renderer(), sink, Some(repo().join("data")), 2, false)
                .expect("render threads start"),
        );
        let config = worker::Config {
            in_flight: 4,
            settings: Settings {
                ack_wait: Duration::from_secs(10),
                max_deliver: 3,
                replicas: 1,
            },
            pull_wait: Duration::from_secs(1),
            exit_when_empty: true,
            ..worker::Config::new(&stream)
        };
        let report = tokio::time::timeout(
            Duration::from_secs(300),
            worker::run(farm.clone(), js.clone(), config, std::future::pending()),
        )
        .await
        .expect("the worker drains the queue")
        .unwrap();
        assert_eq!((report.done, report.dead), (8, 3), "{report:?}");
        assert_eq!(report.cards, 16, "{report:?}");

        assert_eq!(
            keys(&out),
            expected_keys(&users, &["minutes", "top-genres"])
        );
        let png =
            std::fs::read(out.join(format!("{}/minutes-story.png", users[0].user_id))).unwrap();
        assert_eq!(image::load_from_memory(&png).unwrap().height(), 1920);

        let status = queue::status(&js, &stream).await.unwrap();
        assert_eq!(
            status,
            queue::Status {
                pending: 0,
                in_flight: 0,
                completed: 8,
                dead: 3
            }
        );
        // The dead letters say why.
        let letters = dead_letters(&js, &stream).await;
        let errors: Vec<&str> = letters.iter().map(|l| l.error.as_str()).collect();
        assert!(
            errors
                .iter()
                .any(|e| e.contains("asks for no cards: `templates` is empty")),
            "{errors:?}"
        );
        assert!(
            errors
                .iter()
                .any(|e| e
                    .contains("top_artists[0].minutes: expected a non-negative integer, got -4")),
            "{errors:?}"
        );
        assert!(
            errors.iter().any(|e| e.contains("malformed JSON")),
            "{errors:?}"
        );
        assert!(farm.metrics.render().contains("cardfarm_jobs_dead_total 3"));
        std::fs::remove_dir_all(&out).unwrap();
    })
    .await;
}

/// Every letter in the dead-letter stream, in order.
async fn dead_letters(js: &async_nats::jetstream::Context, stream: &str) -> Vec<queue::DeadLetter> {
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

/// A worker process, killed if the test ends (or fails) before it exits. Its stderr (JSON
/// logs) is collected on a thread, so a full pipe never blocks it.
struct Worker {
    child: Child,
    logs: Option<std::thread::JoinHandle<String>>,
}

impl Worker {
    fn spawn(stream: &str, out: &Path, ack_wait: u64) -> Worker {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cardfarm"))
            .args(["worker", "--nats", NATS, "--stream", stream, "--out"])
            .arg(out)
            .args([
                "--concurrency",
                "1",
                "--ack-wait",
                &ack_wait.to_string(),
                "--exit-when-empty",
            ])
            .env("CARDFARM_LOG", "json")
            .env("RUST_LOG", "info")
            .current_dir(repo())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = child.stderr.take().unwrap();
        let logs = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = std::io::Read::read_to_string(&mut stderr, &mut text);
            text
        });
        Worker {
            child,
            logs: Some(logs),
        }
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill -{name}");
    }

    /// Waits (bounded) for the worker to exit; its status and the fields of its last log line
    /// ("worker stopped").
    fn finish(mut self, limit: Duration) -> (std::process::ExitStatus, serde_json::Value) {
        let deadline = Instant::now() + limit;
        let status = loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                break s;
            }
            assert!(Instant::now() < deadline, "the worker did not exit in time");
            std::thread::sleep(Duration::from_millis(100));
        };
        let logs = self.logs.take().unwrap().join().unwrap();
        let stopped = logs
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .find(|l| l["fields"]["message"] == "worker stopped")
            .unwrap_or_else(|| panic!("no `worker stopped` line in:\n{logs}"));
        (status, stopped["fields"].clone())
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Freezes the worker (SIGSTOP) at a moment it holds unacked jobs, and returns the queue's
/// status then. The frozen worker can neither ack nor pull, so the status stays as read.
async fn freeze_holding_jobs(worker: &Worker, stream: &str) -> queue::Status {
    let js = queue::connect(NATS).await.unwrap();
    for _ in 0..50 {
        worker.signal("STOP");
        // Let acks and deliveries already on the wire land.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let status = queue::status(&js, stream).await.unwrap();
        if status.in_flight > 0 {
            return status;
        }
        worker.signal("CONT");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the worker never held a job when frozen");
}

fn enqueue_cli(stream: &str, templates: &str, data: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_cardfarm"))
        .args([
            "enqueue",
            "--nats",
            NATS,
            "--stream",
            stream,
            "--templates",
            templates,
            "--formats",
            "story",
            "--data",
        ])
        .arg(data)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("queued"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

fn wait_for(what: &str, limit: Duration, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A dataset of the first `n` sample users, beside the sample's photos.
fn small_dataset(n: usize) -> (PathBuf, Vec<Stats>) {
    let users = sample_users(n);
    let path = std::env::temp_dir().join(format!("{}.jsonl", unique("data")));
    let lines: Vec<String> = users
        .iter()
        .map(|u| serde_json::to_string(u).unwrap())
        .collect();
    std::fs::write(&path, lines.join("\n")).unwrap();
    (path, users)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_worker_loses_no_job() {
    with_stream("kill", |stream| async move {
        let (data, users) = small_dataset(24);
        enqueue_cli(&stream, "minutes,top-genres", &data);
        let out = temp_dir("kill-out");
        let victim = Worker::spawn(&stream, &out, 3);
        tokio::task::spawn_blocking({
            let out = out.clone();
            move || {
                wait_for("the first cards", Duration::from_secs(120), || {
                    keys(&out).len() >= 4
                })
            }
        })
        .await
        .unwrap();
        // The victim is the only worker, so the jobs in flight are the ones it holds.
        let at_kill = freeze_holding_jobs(&victim, &stream).await;
        drop(victim); // SIGKILL: no chance to ack what it holds
        let survivor = Worker::spawn(&stream, &out, 3);
        let (status, stopped) =
            tokio::task::spawn_blocking(move || survivor.finish(Duration::from_secs(300)))
                .await
                .unwrap();
        assert!(status.success(), "{stopped}");
        // Every job the victim held came back to the survivor.
        let redelivered = stopped["redelivered"].as_u64().unwrap();
        assert!(
            redelivered >= at_kill.in_flight,
            "held at the kill: {at_kill:?}; redelivered to the survivor: {redelivered}"
        );
        assert_eq!(
            keys(&out),
            expected_keys(&users, &["minutes", "top-genres"]),
            "every job rendered"
        );
        let js = queue::connect(NATS).await.unwrap();
        let s = queue::status(&js, &stream).await.unwrap();
        assert_eq!(
            (s.pending, s.in_flight, s.completed, s.dead),
            (0, 0, 24, 0),
            "{s:?}"
        );
        std::fs::remove_dir_all(&out).unwrap();
        std::fs::remove_file(&data).unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_in_flight_jobs_and_exits_zero() {
    with_stream("term", |stream| async move {
        let (data, _) = small_dataset(40);
        enqueue_cli(&stream, "summary", &data);
        let out = temp_dir("term-out");
        let worker = Worker::spawn(&stream, &out, 30);
        tokio::task::spawn_blocking({
            let out = out.clone();
            move || {
                wait_for("the first cards", Duration::from_secs(120), || {
                    !keys(&out).is_empty()
                })
            }
        })
        .await
        .unwrap();
        // SIGTERM while frozen holding jobs: it is handled the moment the worker resumes.
        let before = freeze_holding_jobs(&worker, &stream).await;
        worker.signal("TERM");
        worker.signal("CONT");
        let (status, stopped) =
            tokio::task::spawn_blocking(move || worker.finish(Duration::from_secs(120)))
                .await
                .unwrap();
        assert!(status.success(), "exit {status:?}");
        // The jobs it held were finished and acked, not handed back; nothing more was taken.
        let js = queue::connect(NATS).await.unwrap();
        let s = queue::status(&js, &stream).await.unwrap();
        assert_eq!(s.in_flight, 0, "{s:?}");
        assert_eq!(
            s.completed,
            before.completed + before.in_flight,
            "at SIGTERM: {before:?}; after: {s:?}"
        );
        assert_eq!(s.completed + s.pending, 40, "{s:?}");
        assert!(s.pending > 0, "stopped before draining the queue: {s:?}");
        let written = keys(&out);
        assert_eq!(
            written.len() as u64,
            s.completed,
            "one summary story per completed job: {s:?}"
        );
        // The worker reports its own throughput.
        assert_eq!(stopped["cards"].as_u64(), Some(s.completed), "{stopped}");
        assert!(stopped["cards_per_second"].is_string(), "{stopped}");
        std::fs::remove_dir_all(&out).unwrap();
        std::fs::remove_file(&data).unwrap();
    })
    .await;
}

/// Runs an in-process worker until the queue is drained.
async fn drain(
    stream: &str,
    sink: Sink,
    settings: Settings,
) -> (worker::Report, async_nats::jetstream::Context) {
    drain_within(stream, sink, settings, Duration::from_secs(300)).await
}

async fn drain_within(
    stream: &str,
    sink: Sink,
    settings: Settings,
    job_timeout: Duration,
) -> (worker::Report, async_nats::jetstream::Context) {
    let js = queue::connect(NATS).await.unwrap();
    let farm = Arc::new(
        Farm::new(renderer(), sink, Some(repo().join("data")), 2, false)
            .expect("render threads start"),
    );
    let config = worker::Config {
        settings,
        job_timeout,
        pull_wait: Duration::from_secs(1),
        exit_when_empty: true,
        ..worker::Config::new(stream)
    };
    let report = tokio::time::timeout(
        Duration::from_secs(120),
        worker::run(farm, js.clone(), config, std::future::pending()),
    )
    .await
    .expect("the worker drains the queue")
    .unwrap();
    (report, js)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_whose_workers_keep_dying_is_dead_lettered_not_stranded() {
    with_stream("abandoned", |stream| async move {
        let js = queue::connect(NATS).await.unwrap();
        let work = queue::ensure_streams(&js, &stream, 1).await.unwrap();
        // A consumer left by an older cardfarm: server-side max_deliver, another ack wait.
        work.create_consumer(async_nats::jetstream::consumer::pull::Config {
            durable_name: Some(queue::CONSUMER.into()),
            ack_policy: async_nats::jetstream::consumer::AckPolicy::Explicit,
            ack_wait: Duration::from_secs(30),
            max_deliver: 5,
            filter_subject: queue::subject(&stream),
            ..Default::default()
        })
        .await
        .unwrap();
        let settings = Settings {
            ack_wait: Duration::from_secs(1),
            max_deliver: 2,
            replicas: 1,
        };
        // The worker brings it in line: unlimited server-side deliveries, its ack wait.
        let mut consumer = queue::consumer(&work, &stream, &settings).await.unwrap();
        let config = consumer.info().await.unwrap().config.clone();
        assert_eq!(
            (config.max_deliver, config.ack_wait),
            (-1, settings.ack_wait)
        );

        let users = sample_users(1);
        let job = Job::new(&users[0], Some(vec!["minutes".into()]), None);
        assert_eq!(queue::enqueue(&js, &stream, [job]).await.unwrap(), 1);
        // Two workers take the job and die before acking it (the delivery limit's worth).
        for delivery in 1..=2 {
            let mut batch = consumer
                .batch()
                .max_messages(1)
                .expires(Duration::from_secs(10))
                .messages()
                .await
                .unwrap();
            let message = batch.next().await.expect("a delivery").unwrap();
            assert_eq!(message.info().unwrap().delivered, delivery);
        }
        let out = temp_dir("abandoned-out");
        let sink = Sink::open(out.to_str().unwrap(), &[]).unwrap();
        let (report, js) = drain(&stream, sink, settings).await;
        assert_eq!(
            (report.done, report.dead, report.redelivered, report.cards),
            (0, 1, 1, 0),
            "{report:?}"
        );
        assert!(keys(&out).is_empty(), "not rendered a third time");
        let letters = dead_letters(&js, &stream).await;
        assert_eq!(letters.len(), 1);
        assert_eq!(
            letters[0].error,
            "delivered 3 times without finishing (worker crashed or timed out)"
        );
        assert_eq!(letters[0].deliveries, 3);
        let s = queue::status(&js, &stream).await.unwrap();
        assert_eq!((s.pending, s.in_flight, s.completed, s.dead), (0, 0, 0, 1));
        std::fs::remove_dir_all(&out).unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_sink_is_retried_then_dead_lettered_as_retryable() {
    with_stream("retry", |stream| async move {
        let js = queue::connect(NATS).await.unwrap();
        queue::ensure_streams(&js, &stream, 1).await.unwrap();
        let users = sample_users(2);
        let jobs: Vec<Job> = users
            .iter()
            .map(|u| Job::new(u, Some(vec!["minutes".into()]), Some(vec!["story".into()])))
            .collect();
        assert_eq!(queue::enqueue(&js, &stream, jobs).await.unwrap(), 2);
        // The sink's folder becomes a regular file: every write fails with an I/O error.
        let out = temp_dir("retry-out");
        let sink = Sink::open(out.to_str().unwrap(), &[]).unwrap();
        std::fs::remove_dir(&out).unwrap();
        std::fs::write(&out, "not a folder").unwrap();
        let settings = Settings {
            ack_wait: Duration::from_secs(10),
            max_deliver: 2,
            replicas: 1,
        };
        let (report, js) = drain(&stream, sink, settings).await;
        assert_eq!(
            (report.done, report.retried, report.dead, report.redelivered),
            (0, 2, 2, 2),
            "{report:?}"
        );
        let letters = dead_letters(&js, &stream).await;
        assert_eq!(letters.len(), 2);
        for letter in &letters {
            assert!(letter.retryable, "{letter:?}");
            assert_eq!(letter.deliveries, 2, "{letter:?}");
            assert!(letter.error.contains("writing"), "{letter:?}");
        }
        let s = queue::status(&js, &stream).await.unwrap();
        assert_eq!((s.pending, s.in_flight, s.completed, s.dead), (0, 0, 0, 2));
        std::fs::remove_file(&out).unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_past_its_time_limit_is_dead_lettered() {
    with_stream("timeout", |stream| async move {
        let js = queue::connect(NATS).await.unwrap();
        queue::ensure_streams(&js, &stream, 1).await.unwrap();
        let job = Job::new(&sample_users(1)[0], Some(vec!["summary".into()]), None);
        assert_eq!(queue::enqueue(&js, &stream, [job]).await.unwrap(), 1);
        let out = temp_dir("timeout-out");
        let sink = Sink::open(out.to_str().unwrap(), &[]).unwrap();
        // Three cards cannot be rendered and stored in a millisecond.
        let (report, js) =
            drain_within(&stream, sink, Settings::default(), Duration::from_millis(1)).await;
        assert_eq!((report.done, report.dead), (0, 1), "{report:?}");
        let letters = dead_letters(&js, &stream).await;
        assert_eq!(
            letters[0].error,
            "the job did not finish within its time limit (1ms)"
        );
        std::fs::remove_dir_all(&out).unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_worker_waits_and_a_deleted_consumer_is_reported_not_spun_on() {
    with_stream("idle", |stream| async move {
        let js = queue::connect(NATS).await.unwrap();
        let out = temp_dir("idle-out");
        let sink = Sink::open(out.to_str().unwrap(), &[]).unwrap();
        let farm =
            Arc::new(Farm::new(renderer(), sink, None, 1, false).expect("render threads start"));
        let config = worker::Config {
            pull_wait: Duration::from_millis(500),
            ..worker::Config::new(&stream)
        };
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let running = tokio::spawn(worker::run(farm, js.clone(), config, async {
            let _ = stopped.await;
        }));
        // Idle on an empty queue, then lose the consumer under it.
        let work = loop {
            if let Ok(s) = js.get_stream(&stream).await {
                if s.consumer_info(queue::CONSUMER).await.is_ok() {
                    break s;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        tokio::time::sleep(Duration::from_secs(1)).await;
        work.delete_consumer(queue::CONSUMER).await.unwrap();
        tokio::time::sleep(Duration::from_secs(2)).await;
        stop.send(()).unwrap();
        let report = tokio::time::timeout(Duration::from_secs(30), running)
            .await
            .expect("the worker stops on shutdown")
            .unwrap()
            .unwrap();
        // Pull errors are counted (and logged) with a growing pause between them: a handful
        // in two seconds, where a spin would make thousands.
        assert!((1..=20).contains(&report.pull_errors), "{report:?}");
        std::fs::remove_dir_all(&out).unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enqueue_loses_no_record_and_refuses_a_plan_without_cards() {
    with_stream("enqueue", |stream| async move {
        let (data, users) = small_dataset(3);
        let mut text = std::fs::read_to_string(&data).unwrap();
        // Line 4: JSON, invalid stats. Line 5: not JSON at all.
        text.push_str("\n{\"user_id\": \"broken\", \"display_name\": 5}\nthis is not json\n");
        std::fs::write(&data, text).unwrap();
        let enqueue = |formats: &str| {
            Command::new(env!("CARGO_BIN_EXE_cardfarm"))
                .args(["enqueue", "--nats", NATS, "--stream", &stream])
                .args(["--templates", "minutes", "--formats", formats, "--data"])
                .arg(&data)
                .output()
                .unwrap()
        };
        // A plan that selects nothing is refused before anything is queued.
        let refused = enqueue("square");
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert_eq!(refused.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("asks for no cards: template minutes has none of the formats square"),
            "{stderr}"
        );
        let js = queue::connect(NATS).await.unwrap();
        assert!(js.get_stream(&stream).await.is_err(), "nothing was queued");

        let queued = enqueue("story");
        let stdout = String::from_utf8_lossy(&queued.stdout);
        assert!(
            queued.status.success(),
            "{}",
            String::from_utf8_lossy(&queued.stderr)
        );
        assert!(
            stdout.starts_with("queued 4 jobs")
                && stdout.contains("1 with invalid stats")
                && stdout.contains("1 lines dead-lettered at enqueue"),
            "{stdout}"
        );
        let s = queue::status(&js, &stream).await.unwrap();
        assert_eq!((s.pending, s.completed, s.dead), (4, 0, 1), "{s:?}");
        let parked = &dead_letters(&js, &stream).await[0];
        assert_eq!(parked.user_id, "(line 5)");
        assert!(parked.error.contains("line 5"), "{parked:?}");
        assert_eq!(parked.job, "this is not json");

        let out = temp_dir("enqueue-out");
        let sink = Sink::open(out.to_str().unwrap(), &[]).unwrap();
        let (report, js) = drain(&stream, sink, Settings::default()).await;
        assert_eq!((report.done, report.dead), (3, 1), "{report:?}");
        assert_eq!(keys(&out), expected_keys(&users, &["minutes"]));
        let letters = dead_letters(&js, &stream).await;
        assert_eq!(letters[1].user_id, "broken");
        assert!(letters[1].error.contains("display_name"), "{letters:?}");
        assert!(!letters[1].retryable);
        let s = queue::status(&js, &stream).await.unwrap();
        assert_eq!(
            (s.pending, s.in_flight, s.completed, s.dead),
            (0, 0, 3, 2),
            "{s:?}"
        );
        std::fs::remove_dir_all(&out).unwrap();
        std::fs::remove_file(&data).unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_renders_every_card_resumes_and_reports_failures() {
    let (data, users) = small_dataset(6);
    let clean = std::fs::read_to_string(&data).unwrap();
    // One broken record among the good ones.
    std::fs::write(
        &data,
        format!("{clean}\n{{\"user_id\": \"broken\", \"display_name\": 5}}\n"),
    )
    .unwrap();
    let dataset = Dataset::open(&data).unwrap();
    let out = temp_dir("batch-out");
    // One card that cannot be stored: a folder sits where its PNG goes.
    let blocked = out.join(format!("{}/minutes-story.png", users[1].user_id));
    std::fs::create_dir_all(&blocked).unwrap();
    let farm = || {
        let sink = Sink::open(out.to_str().unwrap(), &[]).unwrap();
        Arc::new(
            Farm::new(renderer(), sink, Some(repo().join("data")), 2, true)
                .expect("render threads start"),
        )
    };
    let plan = Plan {
        templates: Some(vec!["minutes".into(), "listening-clock".into()]),
        formats: Some(vec!["story".into()]),
        concurrency: 2,
    };
    let finished = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let first = batch::run(farm(), &dataset, &plan, {
        let finished = finished.clone();
        move |done| finished.store(done, std::sync::atomic::Ordering::SeqCst)
    })
    .await
    .unwrap();
    assert_eq!(
        (first.users, first.written, first.skipped),
        (7, 11, 0),
        "{first:?}"
    );
    // Progress reaches the total even though cards failed.
    assert_eq!(finished.load(std::sync::atomic::Ordering::SeqCst), 14);
    // Every missing card is named: both of the broken record's, and the blocked one, while
    // that user's other card was still made.
    let mut failed: Vec<(String, String)> = first
        .failures
        .iter()
        .map(|f| (f.user_id.clone(), f.card.clone()))
        .collect();
    failed.sort();
    let mut expected = vec![
        ("broken".to_string(), "listening-clock-story".to_string()),
        ("broken".to_string(), "minutes-story".to_string()),
        (users[1].user_id.clone(), "minutes-story".to_string()),
    ];
    expected.sort();
    assert_eq!(failed, expected, "{:?}", first.failures);
    assert_eq!(first.failed_users(), 2);
    assert!(
        first
            .failures
            .iter()
            .filter(|f| f.user_id == "broken")
            .all(|f| f.error.contains("display_name")),
        "{:?}",
        first.failures
    );
    assert!(out
        .join(format!("{}/listening-clock-story.png", users[1].user_id))
        .is_file());

    // Resume: the blocked card and one lost card are made, everything else is already there.
    std::fs::remove_dir(&blocked).unwrap();
    std::fs::remove_file(out.join(format!("{}/minutes-story.png", users[2].user_id))).unwrap();
    let second = batch::run(farm(), &dataset, &plan, |_| {}).await.unwrap();
    assert_eq!((second.written, second.skipped), (2, 10), "{second:?}");
    assert_eq!(second.failures.len(), 2, "{:?}", second.failures);
    assert_eq!(
        keys(&out),
        expected_keys(&users, &["listening-clock", "minutes"])
    );

    // A job that selects no card is an error, not an empty success.
    let nothing = Job::new(&users[0], Some(vec![]), None);
    let err = farm().process(&nothing).await.unwrap_err();
    assert!(matches!(err, cardfarm::Error::NoCards(_)), "{err}");
    let plan_without_cards = Plan {
        templates: Some(vec!["minutes".into()]),
        formats: Some(vec!["square".into()]),
        concurrency: 1,
    };
    let err = batch::run(farm(), &dataset, &plan_without_cards, |_| {})
        .await
        .unwrap_err();
    assert!(err.to_string().contains("asks for no cards"), "{err}");

    // The CLI: non-zero exit and a report naming each failed card.
    let report = out.join("failures.jsonl");
    let batch_cli = |data: &Path, formats: &str| {
        Command::new(env!("CARGO_BIN_EXE_cardfarm"))
            .args([
                "batch",
                "--templates",
                "minutes",
                "--formats",
                formats,
                "--data",
            ])
            .arg(data)
            .arg("--out")
            .arg(out.join("cli"))
            .arg("--report")
            .arg(&report)
            .output()
            .unwrap()
    };
    let cli = batch_cli(&data, "story");
    let stderr = String::from_utf8_lossy(&cli.stderr);
    assert_eq!(cli.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("6 cards written")
            && stderr.contains("1 failed cards")
            && stderr.contains("cards/s"),
        "{stderr}"
    );
    let lines = std::fs::read_to_string(&report).unwrap();
    let letter: serde_json::Value = serde_json::from_str(lines.trim()).unwrap();
    assert_eq!(letter["user_id"], "broken");
    assert_eq!(letter["card"], "minutes-story");
    assert!(letter["error"].as_str().unwrap().contains("display_name"));

    // A plan that selects no card fails before any work, naming why.
    let cli = batch_cli(&data, "square");
    let stderr = String::from_utf8_lossy(&cli.stderr);
    assert_eq!(cli.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("asks for no cards"), "{stderr}");

    // A clean rerun exits 0 and removes the stale report.
    std::fs::write(&data, &clean).unwrap();
    let cli = batch_cli(&data, "story");
    assert!(
        cli.status.success(),
        "{}",
        String::from_utf8_lossy(&cli.stderr)
    );
    assert!(!report.exists(), "the stale report is removed");

    // A report path that is not a regular file (here a symlink to /dev/null, as an operator
    // who wants no report might pass) is left alone by a clean run.
    std::os::unix::fs::symlink("/dev/null", &report).unwrap();
    let cli = batch_cli(&data, "story");
    assert!(
        cli.status.success(),
        "{}",
        String::from_utf8_lossy(&cli.stderr)
    );
    assert!(
        report
            .symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink()),
        "the symlink is not removed"
    );
    std::fs::remove_dir_all(&out).unwrap();
    std::fs::remove_file(&data).unwrap();
}
