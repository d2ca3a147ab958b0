//! The batch farm in one process, and `cardfarm batch`: every card of every user written to a
//! folder, failures named card by card, resuming where a run stopped, and the CLI's exit codes
//! and report. Needs no service.

mod common;

use std::path::Path;
use std::sync::Arc;

use cardfarm::farm::batch::{self, Plan};
use cardfarm::farm::dataset::Dataset;
use cardfarm::farm::job::{CardSelection, Job};
use common::farm::{engine, expected_keys, folder_sink, keys};
use common::process;
use common::{small_dataset, TempDir};

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
    let out = TempDir::new("batch-out");
    // One card that cannot be stored: a folder sits where its PNG goes.
    let blocked = out.join(format!("{}/minutes-story.png", users[1].user_id));
    std::fs::create_dir_all(&blocked).unwrap();
    let farm = || engine(folder_sink(&out), true);
    let plan = Plan {
        cards: CardSelection {
            templates: Some(vec!["minutes".into(), "listening-clock".into()]),
            formats: Some(vec!["story".into()]),
        },
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
    let nothing = Job::new(
        &users[0],
        CardSelection {
            templates: Some(vec![]),
            formats: None,
        },
    );
    let err = farm().process(&nothing).await.unwrap_err();
    assert!(matches!(err, cardfarm::Error::NoCards(_)), "{err}");
    let plan_without_cards = Plan {
        cards: CardSelection {
            templates: Some(vec!["minutes".into()]),
            formats: Some(vec!["square".into()]),
        },
        concurrency: 1,
    };
    let err = batch::run(farm(), &dataset, &plan_without_cards, |_| {})
        .await
        .unwrap_err();
    assert!(err.to_string().contains("asks for no cards"), "{err}");

    // The CLI: non-zero exit and a report naming each failed card.
    let report = out.join("failures.jsonl");
    let batch_cli = |data: &Path, formats: &str| {
        process::cardfarm()
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
}
