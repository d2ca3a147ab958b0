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
        ..Plan::default()
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
        ..Plan::default()
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

/// Writes `lines` (raw bytes) as a dataset file.
fn write_lines(path: &Path, lines: &[Vec<u8>]) {
    std::fs::write(path, lines.join(&b"\n"[..])).unwrap();
}

/// A Latin-1 export line: `ü` is the single byte 0xFC, so the line is not UTF-8.
const LATIN1: &[u8] = b"{\"user_id\": \"m\xfcller\", \"display_name\": \"M\xfcller\"}";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_line_that_is_not_utf8_is_reported_and_the_others_rendered() {
    let users = common::sample_users(2);
    let data = common::TempFile::new("latin1", "jsonl");
    write_lines(
        &data,
        &[
            serde_json::to_vec(&users[0]).unwrap(),
            LATIN1.to_vec(),
            serde_json::to_vec(&users[1]).unwrap(),
        ],
    );
    let dataset = Dataset::open(&data).unwrap();
    let out = TempDir::new("latin1-out");
    let plan = Plan {
        cards: CardSelection {
            templates: Some(vec!["minutes".into()]),
            formats: Some(vec!["story".into()]),
        },
        concurrency: 2,
        ..Plan::default()
    };
    let report = batch::run(engine(folder_sink(&out), true), &dataset, &plan, |_| {})
        .await
        .expect("the batch runs past the line");
    assert_eq!(report.written, 2, "{report:?}");
    assert_eq!(keys(&out), expected_keys(&users, &["minutes"]));
    assert_eq!(report.failures.len(), 1, "{:?}", report.failures);
    let failure = &report.failures[0];
    assert_eq!(failure.user_id, "(line 2)");
    assert!(failure.error.contains("not UTF-8"), "{failure:?}");

    // The CLI reports it in the failure report, with its line.
    let report_file = out.join("failures.jsonl");
    let cli = process::cardfarm()
        .args(["batch", "--templates", "minutes", "--formats", "story"])
        .arg("--data")
        .arg(&data)
        .arg("--out")
        .arg(out.join("cli"))
        .arg("--report")
        .arg(&report_file)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&cli.stderr);
    assert_eq!(cli.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("2 cards written"), "{stderr}");
    let line: serde_json::Value =
        serde_json::from_str(std::fs::read_to_string(&report_file).unwrap().trim()).unwrap();
    assert_eq!(line["user_id"], "(line 2)");
    assert!(
        line["error"].as_str().unwrap().contains("not UTF-8"),
        "{line}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_on_several_lines_gets_the_cards_of_the_last_record() {
    let users = common::sample_users(3);
    // Line 1: the user's first record, broken; line 4: the same user, corrected (other
    // minutes too, so the card shows which record it was made from).
    let mut broken = serde_json::to_value(&users[0]).unwrap();
    broken["display_name"] = 5.into();
    let mut last = users[0].clone();
    last.minutes_listened.0 += 1234;
    let data = common::TempFile::new("dups", "jsonl");
    write_lines(
        &data,
        &[
            serde_json::to_vec(&broken).unwrap(),
            serde_json::to_vec(&users[1]).unwrap(),
            serde_json::to_vec(&users[2]).unwrap(),
            serde_json::to_vec(&last).unwrap(),
        ],
    );
    let dataset = Dataset::open(&data).unwrap();
    let out = TempDir::new("dups-out");
    let plan = Plan {
        cards: CardSelection {
            templates: Some(vec!["minutes".into()]),
            formats: Some(vec!["story".into()]),
        },
        concurrency: 4,
        ..Plan::default()
    };
    let duplicates = Arc::new(std::sync::Mutex::new(Vec::new()));
    let observer = batch::Observer {
        duplicate: Box::new({
            let duplicates = duplicates.clone();
            move |d: &cardfarm::farm::dataset::Duplicate| duplicates.lock().unwrap().push(d.clone())
        }),
        ..batch::Observer::default()
    };
    let index = dataset.index().unwrap();
    assert_eq!((index.records, index.used()), (4, 3));
    let report = batch::run_observed(
        engine(folder_sink(&out), true),
        &dataset,
        &index,
        &plan,
        observer,
    )
    .await
    .unwrap();
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    assert_eq!((report.written, report.duplicates), (3, 1), "{report:?}");
    let duplicates = duplicates.lock().unwrap().clone();
    assert_eq!(duplicates.len(), 1);
    assert_eq!(
        (
            duplicates[0].user_id.as_str(),
            duplicates[0].line,
            duplicates[0].last
        ),
        (users[0].user_id.as_str(), 1, 4)
    );
    let stored =
        std::fs::read(out.join(format!("{}/minutes-story.png", users[0].user_id))).unwrap();
    let expected = common::renderer()
        .render(
            cardfarm::Source {
                stats: &last,
                root: Some(&common::repo().join("data")),
            },
            "minutes",
            "story",
        )
        .unwrap();
    assert!(
        stored == expected.png.as_bytes(),
        "the card is the last record's"
    );

    // The CLI warns naming both lines.
    let cli = process::cardfarm()
        .args(["batch", "--templates", "minutes", "--formats", "story"])
        .arg("--data")
        .arg(&data)
        .arg("--out")
        .arg(out.join("cli"))
        .arg("--report")
        .arg(out.join("failures.jsonl"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&cli.stderr);
    assert!(cli.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "user `{}` appears on line 1 and again on line 4; the last record wins",
            users[0].user_id
        )),
        "{stderr}"
    );
}

#[test]
fn the_failure_report_is_written_as_failures_happen() {
    // A broken record first, then enough users to keep one render thread busy a while.
    let users = common::all_sample_users();
    let mut lines = vec![b"{\"user_id\": \"broken\", \"display_name\": 5}".to_vec()];
    lines.extend(users.iter().map(|u| serde_json::to_vec(u).unwrap()));
    let data = common::TempFile::new("slow", "jsonl");
    write_lines(&data, &lines);
    let out = TempDir::new("slow-out");
    let report = out.join("failures.jsonl");
    let mut command = process::cardfarm();
    command
        .args(["batch", "--concurrency", "1", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(out.join("cards"))
        .arg("--report")
        .arg(&report);
    let mut batch = process::Running::spawn(command).unwrap();
    // The failure is in the report while the batch is still rendering…
    common::wait_for(
        "the failure in the report",
        std::time::Duration::from_secs(60),
        || std::fs::read_to_string(&report).is_ok_and(|r| r.contains("\"broken\"")),
    );
    assert!(batch.exited().is_none(), "the batch was still running");
    // …and an interrupted run keeps it.
    batch.signal("INT");
    batch.wait("the interrupted batch", std::time::Duration::from_secs(60));
    let kept = std::fs::read_to_string(&report).unwrap();
    assert!(kept.contains("display_name"), "{kept}");
}
