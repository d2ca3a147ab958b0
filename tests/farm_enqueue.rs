//! `cardfarm enqueue` against NATS JetStream (127.0.0.1:4222, or `CARDFARM_TEST_NATS`): every
//! dataset line becomes a job or a dead letter, and a plan that selects no card is refused
//! before anything is queued. The stream is its own and deleted afterwards; without NATS the
//! test fails in one line saying how to start it.

mod common;

use cardfarm::farm::queue::{self, Settings};
use common::farm::{dead_letters, drain, expected_keys, folder_sink, keys};
use common::process;
use common::services::{self, nats_url, with_stream};
use common::{small_dataset, TempDir};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enqueue_loses_no_record_and_refuses_a_plan_without_cards() {
    with_stream("enqueue", |stream| async move {
        let (data, users) = small_dataset(3);
        let mut text = std::fs::read_to_string(&data).unwrap();
        // Line 4: JSON, invalid stats. Line 5: not JSON at all.
        text.push_str("\n{\"user_id\": \"broken\", \"display_name\": 5}\nthis is not json\n");
        std::fs::write(&data, text).unwrap();
        let nats = nats_url();
        let enqueue = |formats: &str| {
            process::cardfarm()
                .args(["enqueue", "--nats", &nats, "--stream", &stream])
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
        let js = services::nats().await;
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

        let out = TempDir::new("enqueue-out");
        let sink = folder_sink(&out);
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
    })
    .await;
}

/// Runs `cardfarm enqueue` of the `minutes` story card for every record of `data`.
fn enqueue_cli(stream: &str, data: &std::path::Path) -> std::process::Output {
    let nats = nats_url();
    process::cardfarm()
        .args(["enqueue", "--nats", &nats, "--stream", stream])
        .args(["--templates", "minutes", "--formats", "story", "--data"])
        .arg(data)
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enqueue_dead_letters_unreadable_and_oversized_records_and_queues_the_last_of_a_user() {
    with_stream("enqueue_edge", |stream| async move {
        let js = services::nats().await;
        let max_payload = js.client().server_info().max_payload;
        let users = common::sample_users(3);
        // A record padded past the server's max payload.
        let mut huge = serde_json::to_value(&users[2]).unwrap();
        huge["user_id"] = "huge".into();
        huge["padding"] = "x".repeat(max_payload + 1000).into();
        // The first user twice: the earlier record has other minutes.
        let mut earlier = users[0].clone();
        earlier.minutes_listened.0 += 777;
        let lines: Vec<Vec<u8>> = vec![
            serde_json::to_vec(&earlier).unwrap(),
            // Line 2: Latin-1, not UTF-8.
            b"{\"user_id\": \"m\xfcller\", \"display_name\": \"M\xfcller\"}".to_vec(),
            serde_json::to_vec(&users[1]).unwrap(),
            serde_json::to_vec(&huge).unwrap(),
            serde_json::to_vec(&users[0]).unwrap(),
        ];
        let data = common::TempFile::new("edge", "jsonl");
        std::fs::write(&data, lines.join(&b"\n"[..])).unwrap();

        let out = enqueue_cli(&stream, &data);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        assert!(
            stdout.starts_with("queued 2 jobs")
                && stdout.contains("2 lines dead-lettered at enqueue")
                && stdout.contains("1 records superseded"),
            "{stdout}"
        );
        assert!(
            stderr.contains(&format!(
                "user `{}` appears on line 1 and again on line 5",
                users[0].user_id
            )),
            "{stderr}"
        );
        let letters = dead_letters(&js, &stream).await;
        assert_eq!(letters.len(), 2, "{letters:?}");
        assert_eq!(letters[0].user_id, "(line 2)");
        assert_eq!(letters[0].line, Some(2));
        assert!(letters[0].error.contains("not UTF-8"), "{:?}", letters[0]);
        assert_eq!(letters[1].user_id, "(line 4)");
        assert_eq!(letters[1].line, Some(4));
        assert!(letters[1].error.contains("max payload"), "{:?}", letters[1]);
        assert!(letters[1].truncated);
        assert!(letters[1].job.as_str().unwrap().chars().count() <= 1001);

        // Workers render the others; the duplicated user's card is their last record's.
        let dir = TempDir::new("edge-out");
        let (report, _) = drain(&stream, folder_sink(&dir), Settings::default()).await;
        assert_eq!((report.done, report.dead), (2, 0), "{report:?}");
        assert_eq!(keys(&dir), expected_keys(&users[..2], &["minutes"]));
        let stored =
            std::fs::read(dir.join(format!("{}/minutes-story.png", users[0].user_id))).unwrap();
        let expected = common::renderer()
            .render(
                cardfarm::Source {
                    stats: &users[0],
                    root: Some(&common::repo().join("data")),
                },
                "minutes",
                "story",
            )
            .unwrap();
        assert!(stored == expected.png.as_bytes(), "the last record's card");
    })
    .await;
}
