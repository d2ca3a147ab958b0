//! Workers draining the render queue on NATS JetStream (127.0.0.1:4222, or
//! `CARDFARM_TEST_NATS`): in process, and as `cardfarm worker` processes that are killed,
//! frozen and stopped. Every job ends rendered or dead-lettered with its reason, never lost or
//! stranded. Each test uses streams of its own and deletes them afterwards; without NATS the
//! tests fail in one line saying how to start it.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;

use cardfarm::farm::job::{CardSelection, Job};
use cardfarm::farm::queue::{self, Settings};
use cardfarm::farm::{worker, Engine};
use common::farm::{dead_letters, drain, drain_within, engine, expected_keys, folder_sink, keys};
use common::process::{self, Running};
use common::services::{self, nats_url, with_stream};
use common::{renderer, sample_users, small_dataset, wait_for, TempDir};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn worker_renders_every_job_to_its_key_and_dead_letters_poison() {
    with_stream("worker", |stream| async move {
        let js = services::nats().await;
        queue::ensure_streams(&js, &stream, 1).await.unwrap();
        let users = sample_users(8);
        let templates = Some(vec!["minutes".to_string(), "top-genres".to_string()]);
        let formats = Some(vec!["story".to_string()]);
        let jobs: Vec<Job> = users
            .iter()
            .map(|u| {
                Job::new(
                    u,
                    CardSelection {
                        templates: templates.clone(),
                        formats: formats.clone(),
                    },
                )
            })
            .collect();
        assert_eq!(queue::enqueue(&js, &stream, jobs.clone()).await.unwrap(), 8);
        // Enqueueing the same jobs again is deduplicated.
        assert_eq!(queue::enqueue(&js, &stream, jobs).await.unwrap(), 0);

        // Two poison jobs: invalid stats, and a message that is not a job at all.
        let mut bad = Job::new(
            &users[0],
            CardSelection {
                templates: templates.clone(),
                formats: formats.clone(),
            },
        );
        bad.stats["user_id"] = "poison".into();
        bad.stats["top_artists"][0]["minutes"] = (-4).into();
        assert_eq!(queue::enqueue(&js, &stream, [bad]).await.unwrap(), 1);
        js.publish(queue::subject(&stream), "not json".into())
            .await
            .unwrap()
            .await
            .unwrap();
        // And a job that asks for no card at all: not a success with nothing to show.
        let mut empty = Job::new(
            &users[1],
            CardSelection {
                templates: Some(vec![]),
                formats: None,
            },
        );
        empty.stats["user_id"] = "asks-for-nothing".into();
        assert_eq!(queue::enqueue(&js, &stream, [empty]).await.unwrap(), 1);

        let out = TempDir::new("worker-out");
        let sink = folder_sink(&out);
        let farm = engine(sink, false);
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
    })
    .await;
}

/// A `cardfarm worker` process, killed if the test ends (or fails) before it exits.
struct Worker(Running);

impl Worker {
    fn spawn(stream: &str, out: &Path, ack_wait: u64) -> Worker {
        let mut command = process::cardfarm();
        command
            .args(["worker", "--nats", &nats_url(), "--stream", stream, "--out"])
            .arg(out)
            .args([
                "--concurrency",
                "1",
                "--ack-wait",
                &ack_wait.to_string(),
                "--exit-when-empty",
            ])
            .env("CARDFARM_LOG", "json")
            .env("RUST_LOG", "info");
        Worker(Running::spawn(command).unwrap())
    }

    fn signal(&self, name: &str) {
        self.0.signal(name);
    }

    /// Waits (bounded) for the worker to exit; its status and the fields of its last log line
    /// ("worker stopped").
    fn finish(mut self, limit: Duration) -> (std::process::ExitStatus, serde_json::Value) {
        let status = self.0.wait("the worker", limit);
        let logs = self.0.stderr();
        let stopped = logs
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .find(|l| l["fields"]["message"] == "worker stopped")
            .unwrap_or_else(|| panic!("no `worker stopped` line in:\n{logs}"));
        (status, stopped["fields"].clone())
    }
}

/// Freezes the worker (SIGSTOP) at a moment it holds unacked jobs, and returns the queue's
/// status then. The frozen worker can neither ack nor pull, so the status stays as read.
async fn freeze_holding_jobs(worker: &Worker, stream: &str) -> queue::Status {
    let js = services::nats().await;
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

/// Waits (bounded) until `out` holds at least `n` cards.
async fn until_cards(out: &Path, n: usize) {
    let out = out.to_path_buf();
    tokio::task::spawn_blocking(move || {
        wait_for("the first cards", Duration::from_secs(120), || {
            keys(&out).len() >= n
        })
    })
    .await
    .unwrap();
}

fn enqueue_cli(stream: &str, templates: &str, data: &Path) {
    let out = process::cardfarm()
        .args([
            "enqueue",
            "--nats",
            &nats_url(),
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_worker_loses_no_job() {
    with_stream("kill", |stream| async move {
        let (data, users) = small_dataset(24);
        enqueue_cli(&stream, "minutes,top-genres", &data);
        let out = TempDir::new("kill-out");
        let victim = Worker::spawn(&stream, &out, 3);
        until_cards(&out, 4).await;
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
        let js = services::nats().await;
        let s = queue::status(&js, &stream).await.unwrap();
        assert_eq!(
            (s.pending, s.in_flight, s.completed, s.dead),
            (0, 0, 24, 0),
            "{s:?}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_in_flight_jobs_and_exits_zero() {
    with_stream("term", |stream| async move {
        let (data, _) = small_dataset(40);
        enqueue_cli(&stream, "summary", &data);
        let out = TempDir::new("term-out");
        let worker = Worker::spawn(&stream, &out, 30);
        until_cards(&out, 1).await;
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
        let js = services::nats().await;
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
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_whose_workers_keep_dying_is_dead_lettered_not_stranded() {
    with_stream("abandoned", |stream| async move {
        let js = services::nats().await;
        let work = queue::ensure_streams(&js, &stream, 1).await.unwrap();
        // A consumer whose settings differ from the worker's (a server-side max_deliver,
        // another ack wait), as one made by hand would.
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
        let job = Job::new(
            &users[0],
            CardSelection {
                templates: Some(vec!["minutes".into()]),
                formats: None,
            },
        );
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
        let out = TempDir::new("abandoned-out");
        let sink = folder_sink(&out);
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
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_sink_is_retried_then_dead_lettered_as_retryable() {
    with_stream("retry", |stream| async move {
        let js = services::nats().await;
        queue::ensure_streams(&js, &stream, 1).await.unwrap();
        let users = sample_users(2);
        let jobs: Vec<Job> = users
            .iter()
            .map(|u| {
                Job::new(
                    u,
                    CardSelection {
                        templates: Some(vec!["minutes".into()]),
                        formats: Some(vec!["story".into()]),
                    },
                )
            })
            .collect();
        assert_eq!(queue::enqueue(&js, &stream, jobs).await.unwrap(), 2);
        // The sink's folder becomes a regular file: every write fails with an I/O error.
        let out = TempDir::new("retry-out");
        let sink = folder_sink(&out);
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
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_past_its_time_limit_is_dead_lettered() {
    with_stream("timeout", |stream| async move {
        let js = services::nats().await;
        queue::ensure_streams(&js, &stream, 1).await.unwrap();
        let job = Job::new(
            &sample_users(1)[0],
            CardSelection {
                templates: Some(vec!["summary".into()]),
                formats: None,
            },
        );
        assert_eq!(queue::enqueue(&js, &stream, [job]).await.unwrap(), 1);
        let out = TempDir::new("timeout-out");
        let sink = folder_sink(&out);
        // Three cards cannot be rendered and stored in a millisecond.
        let (report, js) =
            drain_within(&stream, sink, Settings::default(), Duration::from_millis(1)).await;
        assert_eq!((report.done, report.dead), (0, 1), "{report:?}");
        let letters = dead_letters(&js, &stream).await;
        assert_eq!(
            letters[0].error,
            "the job did not finish within its time limit (1ms)"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_worker_waits_and_a_deleted_consumer_is_reported_not_spun_on() {
    with_stream("idle", |stream| async move {
        let js = services::nats().await;
        let out = TempDir::new("idle-out");
        let sink = folder_sink(&out);
        let farm = Arc::new(
            Engine::new(renderer().clone(), sink, None, 1, false).expect("render threads start"),
        );
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
    })
    .await;
}
