//! Opt-out, everywhere: a listener on the list gets no card from `batch`, is not queued by
//! `enqueue`, is acked without rendering by a worker (for opt-outs that arrive after the
//! queueing), and is answered by the server exactly like an unknown user, also when the farm
//! stored their card, and from PostgreSQL's `cardfarm_opt_out` table. NATS and PostgreSQL
//! on loopback, each test isolated in a stream or schema of its own.

mod common;

use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use cardfarm::farm::job::{CardSelection, Job};
use cardfarm::farm::{queue, worker, Engine};
use cardfarm::opt_out::{OptOut, Shared};
use cardfarm::server::store::Store;
use cardfarm::server::{AppState, Config};
use common::app::{call, get, jsonl_store, post, state};
use common::farm::{folder_sink, keys};
use common::process::{cardfarm, stderr};
use common::services::{self, nats_url, pg_pool, with_stream, PgSchema};
use common::{demo_stats, renderer, sample_users, small_dataset, TempDir, TempFile};

fn list(ids: &[&str]) -> TempFile {
    let file = TempFile::new("opt-out", "txt");
    let text: String = ids
        .iter()
        .map(|id| format!("{id}   # asked by mail\n"))
        .collect();
    std::fs::write(file.path(), format!("# opted out\n\n{text}")).unwrap();
    file
}

fn story(templates: &[&str]) -> CardSelection {
    CardSelection {
        templates: Some(templates.iter().map(|t| t.to_string()).collect()),
        formats: Some(vec!["story".into()]),
    }
}

#[test]
fn batch_renders_and_writes_nothing_for_an_opted_out_user() {
    let (data, users) = small_dataset(4);
    let out = TempDir::new("opt-out-batch");
    let gone = &users[1].user_id;
    let opt_out = list(&[gone]);
    let run = cardfarm()
        .args(["batch", "--templates", "minutes", "--formats", "story"])
        .arg("--data")
        .arg(data.path())
        .arg("--out")
        .arg(out.path())
        .arg("--report")
        .arg(out.path().join("failures.jsonl"))
        .arg("--opt-out")
        .arg(opt_out.path())
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", stderr(&run));
    let mut expected: Vec<String> = users
        .iter()
        .filter(|u| &u.user_id != gone)
        .map(|u| format!("{}/minutes-story.png", u.user_id))
        .collect();
    expected.sort();
    assert_eq!(keys(out.path()), expected);
    assert!(!out.path().join(gone).exists(), "no folder for {gone}");
    assert!(
        stderr(&run).contains("1 opted-out users: nothing rendered or written"),
        "{}",
        stderr(&run)
    );
}

#[test]
fn an_opt_out_list_with_a_line_that_is_no_id_stops_the_run_naming_the_line() {
    let out = TempDir::new("opt-out-bad");
    let bad = TempFile::new("opt-out", "txt");
    std::fs::write(bad.path(), "ana\nbo cy\n").unwrap();
    let run = cardfarm()
        .args(["batch", "--templates", "minutes"])
        .arg("--out")
        .arg(out.path())
        .arg("--opt-out")
        .arg(bad.path())
        .output()
        .unwrap();
    assert!(!run.status.success());
    let text = stderr(&run);
    assert!(
        text.contains("opt-out list") && text.contains("line 2") && text.contains("\"bo cy\""),
        "{text}"
    );
    assert!(keys(out.path()).is_empty(), "nothing rendered: {text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enqueue_skips_and_a_worker_acks_opted_out_users_without_rendering() {
    with_stream("opt-out", |stream| async move {
        let (data, users) = small_dataset(4);
        // Opted out before queueing: never queued.
        let early = users[0].user_id.clone();
        let opt_out = list(&[&early]);
        let run = cardfarm()
            .args(["enqueue", "--nats", &nats_url(), "--stream", &stream])
            .args(["--templates", "minutes", "--formats", "story"])
            .arg("--data")
            .arg(data.path())
            .arg("--opt-out")
            .arg(opt_out.path())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&run.stdout).to_string();
        assert!(run.status.success(), "{}", stderr(&run));
        assert!(stdout.starts_with("queued 3 jobs"), "{stdout}");
        assert!(stdout.contains("1 users opted out, not queued"), "{stdout}");

        // Opted out while the queue drains: the worker acks the job and draws nothing.
        let late = users[2].user_id.clone();
        let out = TempDir::new("opt-out-worker");
        let engine = Arc::new(
            Engine::new(
                renderer().clone(),
                folder_sink(out.path()),
                Some(common::repo().join("data")),
                2,
                true,
            )
            .unwrap()
            .with_opt_out(Shared::new(
                OptOut::from_ids([early.clone(), late.clone()]).unwrap(),
            )),
        );
        let js = services::nats().await;
        let config = worker::Config {
            pull_wait: Duration::from_secs(1),
            exit_when_empty: true,
            ..worker::Config::new(&stream)
        };
        let report = tokio::time::timeout(
            Duration::from_secs(120),
            worker::run(engine.clone(), js.clone(), config, std::future::pending()),
        )
        .await
        .expect("the worker drains the queue")
        .unwrap();
        assert_eq!((report.done, report.opted_out, report.dead), (3, 1, 0));
        let mut expected: Vec<String> = [&users[1], &users[3]]
            .iter()
            .map(|u| format!("{}/minutes-story.png", u.user_id))
            .collect();
        expected.sort();
        assert_eq!(keys(out.path()), expected);
        assert!(engine
            .metrics
            .render()
            .contains("cardfarm_users_opted_out_total 1"));
        let status = queue::status(&js, &stream).await.unwrap();
        assert_eq!(status.pending, 0, "{status:?}");
    })
    .await;
}

fn opting_out(ids: &[&str], config: Config) -> Config {
    Config {
        opt_out: Shared::new(OptOut::from_ids(ids.iter().copied()).unwrap()),
        ..config
    }
}

/// The answer for `user`'s card, with the user's id replaced, so two answers compare whole.
async fn card_answer(s: &Arc<AppState>, user: &str) -> (StatusCode, String, String) {
    let a = get(s, &format!("/v1/cards/{user}/top-artists.png")).await;
    let mut headers: Vec<String> = a
        .headers
        .iter()
        // The length follows the id's; everything else must match.
        .filter(|(name, _)| !["x-request-id", "content-length"].contains(&name.as_str()))
        .map(|(name, value)| format!("{name}: {}", value.to_str().unwrap_or("?")))
        .collect();
    headers.sort();
    let body = String::from_utf8_lossy(&a.body).replace(user, "USER");
    (a.status, headers.join("\n"), body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_answers_an_opted_out_user_like_an_unknown_one_even_with_a_stored_card() {
    let dir = TempDir::new("opt-out-stored");
    let demo = demo_stats();
    // The farm drew demo's card before the opt-out.
    let engine = common::farm::engine(folder_sink(dir.path()), false);
    let outcome = engine
        .process(&Job::new(&demo, story(&["top-artists"])))
        .await
        .unwrap();
    assert_eq!(outcome.written, 1);
    let s = state(
        jsonl_store().await,
        opting_out(
            &["demo"],
            Config {
                cards: Some(folder_sink(dir.path())),
                ..Config::default()
            },
        ),
    );
    let opted = card_answer(&s, "demo").await;
    assert_eq!(opted.0, StatusCode::NOT_FOUND);
    assert_eq!(opted, card_answer(&s, "nobody-at-all").await);
    let metrics = String::from_utf8(get(&s, "/metrics").await.body).unwrap();
    assert!(
        !metrics.contains("cardfarm_stored_cards_total{outcome=\"served\"}"),
        "storage was not even read: {metrics}"
    );
    // Posted stats of an opted-out listener get no card either.
    let body = serde_json::to_vec(&demo).unwrap();
    let posted = call(&s, post("/v1/render/top-artists", body, None)).await;
    assert_eq!(posted.status, StatusCode::NOT_FOUND);
    // Anyone else is served as before.
    let other = &sample_users(2)[1].user_id;
    assert_eq!(card_answer(&s, other).await.0, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_postgres_opt_out_table_hides_a_user_and_its_absence_fails_closed() {
    let (schema, store) = PgSchema::create().await;
    let users = sample_users(3);
    Store::put_postgres(pg_pool(&store), &users).await.unwrap();
    let gone = users[1].user_id.clone();
    let pg = services::postgres().await;
    pg.execute(
        &format!(
            "INSERT INTO {}.cardfarm_opt_out (user_id) VALUES ($1)",
            schema.name
        ),
        &[&gone],
    )
    .await
    .unwrap();
    let s = state(store, Config::default());
    assert_eq!(get(&s, "/readyz").await.status, StatusCode::OK);
    let opted = card_answer(&s, &gone).await;
    assert_eq!(opted.0, StatusCode::NOT_FOUND);
    assert_eq!(opted, card_answer(&s, "nobody-at-all").await);
    let body = serde_json::to_vec(&users[1]).unwrap();
    let posted = call(&s, post("/v1/render/top-artists", body, None)).await;
    assert_eq!(posted.status, StatusCode::NOT_FOUND);
    let kept = &users[0].user_id;
    assert_eq!(card_answer(&s, kept).await.0, StatusCode::OK);

    // Without the table nobody can tell who opted out: not ready, and no card served.
    pg.execute(&format!("DROP TABLE {}.cardfarm_opt_out", schema.name), &[])
        .await
        .unwrap();
    assert_eq!(
        get(&s, "/readyz").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    // Also for a card served a moment ago, which the memory cache still holds.
    let a = get(&s, &format!("/v1/cards/{kept}/top-artists.png")).await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE, "{:?}", a.body);
}
