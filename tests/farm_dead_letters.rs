//! The dead-letter stream on NATS JetStream (127.0.0.1:4222, or `CARDFARM_TEST_NATS`): its
//! limits, set by `enqueue` and workers, and `cardfarm dead-letters list|replay|purge`. Each
//! test uses streams of its own and deletes them afterwards; without NATS the tests fail in one
//! line saying how to start it.

mod common;

use std::time::Duration;

use cardfarm::farm::job::{CardSelection, Job};
use cardfarm::farm::queue::{self, DeadLimits, Settings};
use common::farm::{dead_letters, drain, folder_sink};
use common::process;
use common::services::{self, nats_url, with_stream};
use common::{sample_users, TempDir};

/// The dead-letter stream's `max_age` and `max_bytes`.
async fn limits_of(js: &async_nats::jetstream::Context, stream: &str) -> (Duration, i64) {
    let mut dead = js.get_stream(queue::dead_stream(stream)).await.unwrap();
    let config = &dead.info().await.unwrap().config;
    (config.max_age, config.max_bytes)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dead_letter_stream_has_limits_that_flags_set() {
    with_stream("deadlimits", |stream| async move {
        let js = services::nats().await;
        // A new stream gets the defaults.
        queue::ensure_streams(&js, &stream, 1).await.unwrap();
        assert_eq!(
            limits_of(&js, &stream).await,
            (Duration::from_secs(30 * 86400), 1 << 30)
        );
        // Limits passed in bring an existing stream in line; none leave it alone.
        let limits = DeadLimits {
            max_age: Duration::from_secs(3600),
            max_bytes: 1 << 20,
        };
        queue::ensure_streams_with(&js, &stream, 1, Some(limits))
            .await
            .unwrap();
        assert_eq!(
            limits_of(&js, &stream).await,
            (Duration::from_secs(3600), 1 << 20)
        );
        queue::ensure_streams(&js, &stream, 1).await.unwrap();
        assert_eq!(
            limits_of(&js, &stream).await,
            (Duration::from_secs(3600), 1 << 20)
        );
        // The enqueue flags.
        let (data, _) = common::small_dataset(1);
        let nats = nats_url();
        let out = process::cardfarm()
            .args(["enqueue", "--nats", &nats, "--stream", &stream])
            .args([
                "--dead-max-age",
                "2d",
                "--dead-max-bytes",
                "64MiB",
                "--data",
            ])
            .arg(&data)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            limits_of(&js, &stream).await,
            (Duration::from_secs(2 * 86400), 64 << 20)
        );
    })
    .await;
}

/// Runs `cardfarm dead-letters ARGS` on `stream`; its stdout.
fn dead_letters_cli(stream: &str, args: &[&str]) -> String {
    let nats = nats_url();
    let out = process::cardfarm()
        .arg("dead-letters")
        .args(args)
        .args(["--nats", &nats, "--stream", stream])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dead_letters_are_listed_replayed_and_purged() {
    with_stream("deadcli", |stream| async move {
        let js = services::nats().await;
        queue::ensure_streams(&js, &stream, 1).await.unwrap();
        // Two jobs that fail for good (invalid stats) and a dataset line that is not JSON.
        let users = sample_users(2);
        let poison: Vec<Job> = users
            .iter()
            .enumerate()
            .map(|(i, u)| {
                let mut job = Job::new(
                    u,
                    CardSelection {
                        templates: Some(vec!["minutes".into()]),
                        formats: Some(vec!["story".into()]),
                    },
                );
                job.stats["user_id"] = format!("poison-{i}").into();
                job.stats["minutes_listened"] = (-1).into();
                job
            })
            .collect();
        assert_eq!(
            queue::enqueue(&js, &stream, poison.clone()).await.unwrap(),
            2
        );
        let error = cardfarm::Error::Queue("not JSON".into()).to_string();
        queue::dead_letter_record(&js, &stream, "users.jsonl", 7, "oops", &error)
            .await
            .unwrap();
        let out = TempDir::new("dead-out");
        let (report, js) = drain(&stream, folder_sink(&out), Settings::default()).await;
        assert_eq!(report.dead, 2, "{report:?}");

        // list: one JSON line per letter.
        let mut listed: Vec<serde_json::Value> = dead_letters_cli(&stream, &["list"])
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(listed.len(), 3, "{listed:?}");
        // The record was parked first; the two jobs died in either order.
        listed[1..].sort_by_key(|l| l["user_id"].as_str().unwrap().to_string());
        let record = &listed[0];
        assert_eq!(record["kind"], "record");
        assert_eq!(record["line"], 7);
        assert_eq!(record["user_id"], "(line 7)");
        for (letter, user) in listed[1..].iter().zip(["poison-0", "poison-1"]) {
            assert_eq!(letter["kind"], "job");
            assert_eq!(letter["user_id"], user);
            assert_eq!(letter["deliveries"], 1);
            assert!(
                letter["reason"]
                    .as_str()
                    .unwrap()
                    .contains("minutes_listened"),
                "{letter}"
            );
            assert!(
                letter["time"].as_str().unwrap().starts_with("20"),
                "{letter}"
            );
        }

        // replay --user: that job is back on the work stream, and no longer a letter.
        let said = dead_letters_cli(&stream, &["replay", "--user", "poison-0"]);
        assert!(said.starts_with("replayed 1 jobs"), "{said}");
        let status = queue::status(&js, &stream).await.unwrap();
        assert_eq!((status.pending, status.dead), (1, 2), "{status:?}");
        let work = js.get_stream(&stream).await.unwrap();
        let last = work.get_info().await.unwrap().state.last_sequence;
        let requeued = work.get_raw_message(last).await.unwrap();
        assert_eq!(Job::from_bytes(&requeued.payload).unwrap(), poison[0]);
        let left: Vec<String> = dead_letters(&js, &stream)
            .await
            .into_iter()
            .map(|l| l.user_id)
            .collect();
        assert_eq!(left, ["(line 7)", "poison-1"]);

        // replay (all): the other job; the record stays, it is no job.
        let said = dead_letters_cli(&stream, &["replay"]);
        assert!(
            said.starts_with("replayed 1 jobs") && said.contains("1 letters kept"),
            "{said}"
        );
        let status = queue::status(&js, &stream).await.unwrap();
        assert_eq!((status.pending, status.dead), (2, 1), "{status:?}");

        // The replayed jobs fail again (their stats are still invalid) and come back.
        let (report, js) = drain(&stream, folder_sink(&out), Settings::default()).await;
        assert_eq!(report.dead, 2, "{report:?}");

        // purge --user, then purge everything.
        let said = dead_letters_cli(&stream, &["purge", "--user", "(line 7)"]);
        assert!(said.starts_with("removed 1 letters"), "{said}");
        let mut left: Vec<String> = dead_letters(&js, &stream)
            .await
            .into_iter()
            .map(|l| l.user_id)
            .collect();
        left.sort();
        assert_eq!(left, ["poison-0", "poison-1"]);
        let said = dead_letters_cli(&stream, &["purge"]);
        assert!(said.starts_with("removed 2 letters"), "{said}");
        assert!(dead_letters_cli(&stream, &["list"]).is_empty());
    })
    .await;
}
