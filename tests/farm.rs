//! The render farm against a real nats-server with JetStream on 127.0.0.1:4222. Every test
//! uses its own stream names and deletes them afterwards.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
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
        queue::ensure_streams(&js, &stream).await.unwrap();
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

        let out = temp_dir("worker-out");
        let sink = Sink::open(out.to_str().unwrap(), &[]).unwrap();
        let farm = Arc::new(Farm::new(
            renderer(),
            sink,
            Some(repo().join("data")),
            2,
            false,
        ));
        let config = worker::Config {
            stream: stream.clone(),
            in_flight: 4,
            settings: Settings {
                ack_wait: Duration::from_secs(10),
                max_deliver: 3,
            },
            exit_when_empty: true,
        };
        let report = tokio::time::timeout(
            Duration::from_secs(300),
            worker::run(farm.clone(), js.clone(), config, std::future::pending()),
        )
        .await
        .expect("the worker drains the queue")
        .unwrap();
        assert_eq!((report.done, report.dead), (8, 2), "{report:?}");

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
                dead: 2
            }
        );
        // The dead letters say why.
        let dead = js.get_stream(queue::dead_stream(&stream)).await.unwrap();
        let first = dead.get_raw_message(1).await.unwrap();
        let letter: queue::DeadLetter = serde_json::from_slice(&first.payload).unwrap();
        let second: queue::DeadLetter =
            serde_json::from_slice(&dead.get_raw_message(2).await.unwrap().payload).unwrap();
        let errors = [letter.error.as_str(), second.error.as_str()];
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
        assert!(farm.metrics.render().contains("cardfarm_jobs_dead_total 2"));
        std::fs::remove_dir_all(&out).unwrap();
    })
    .await;
}

fn spawn_worker(stream: &str, out: &Path, ack_wait: u64) -> Child {
    Command::new(env!("CARGO_BIN_EXE_cardfarm"))
        .args(["worker", "--nats", NATS, "--stream", stream, "--out"])
        .arg(out)
        .args([
            "--concurrency",
            "1",
            "--ack-wait",
            &ack_wait.to_string(),
            "--exit-when-empty",
        ])
        .current_dir(repo())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
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
        let mut victim = spawn_worker(&stream, &out, 3);
        let mut survivor = spawn_worker(&stream, &out, 3);
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
        victim.kill().unwrap(); // SIGKILL: no chance to ack what it holds
        victim.wait().unwrap();
        let status = tokio::task::spawn_blocking(move || {
            let deadline = Instant::now() + Duration::from_secs(300);
            loop {
                if let Some(s) = survivor.try_wait().unwrap() {
                    break s;
                }
                assert!(
                    Instant::now() < deadline,
                    "the survivor did not drain the queue"
                );
                std::thread::sleep(Duration::from_millis(100));
            }
        })
        .await
        .unwrap();
        assert!(status.success());
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
        let mut worker = spawn_worker(&stream, &out, 30);
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
        let term = Command::new("kill")
            .args(["-TERM", &worker.id().to_string()])
            .status()
            .unwrap();
        assert!(term.success());
        let status = tokio::task::spawn_blocking(move || worker.wait().unwrap())
            .await
            .unwrap();
        assert!(status.success(), "exit {status:?}");
        // Nothing left half-done: every job is either acked with its cards stored, or pending.
        let js = queue::connect(NATS).await.unwrap();
        let s = queue::status(&js, &stream).await.unwrap();
        assert_eq!(s.in_flight, 0, "{s:?}");
        assert_eq!(s.completed + s.pending, 40, "{s:?}");
        assert!(s.pending > 0, "stopped before draining the queue: {s:?}");
        let written = keys(&out);
        assert_eq!(
            written.len() as u64,
            s.completed,
            "one summary story per completed job: {s:?}"
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
        Arc::new(Farm::new(
            renderer(),
            sink,
            Some(repo().join("data")),
            2,
            true,
        ))
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
    std::fs::remove_dir_all(&out).unwrap();
    std::fs::remove_file(&data).unwrap();
}
