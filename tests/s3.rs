//! S3 storage against a real S3-compatible server on loopback: moto's server (PyPI
//! `moto[server]`, installed by `.ci/run`), started by this test on a free port, or compose's
//! moto when python3 has none (see `common::services::moto`); the bucket is the test's own.
//! Without moto the test fails in one line saying how to install or start it.

mod common;

use cardfarm::farm::batch::{self, Plan};
use cardfarm::farm::dataset::Dataset;
use cardfarm::farm::job::CardSelection;
use cardfarm::farm::sink::Sink;
use common::farm::engine;
use common::services::{self, Moto};
use common::{process, small_dataset};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_writes_typed_pngs_to_s3_and_resumes() {
    let moto = services::moto();
    let bucket = &moto.bucket;
    assert!(moto
        .http("PUT", &format!("/{bucket}"))
        .starts_with("HTTP/1.1 200"));
    // The first 4 users, to keep it short.
    let (small, users) = small_dataset(4);
    let dataset = Dataset::open(&small).unwrap();

    let sink = Sink::open(&format!("s3://{bucket}/wrapped/2026"), &moto.s3_options()).unwrap();
    let farm = engine(sink.clone(), true);
    let plan = Plan {
        cards: CardSelection {
            templates: Some(vec!["minutes".into()]),
            formats: None,
        },
        concurrency: 2,
    };
    let report = batch::run(farm.clone(), &dataset, &plan, |_| {})
        .await
        .unwrap();
    assert_eq!(
        (report.written, report.failures.len()),
        (4, 0),
        "{report:?}"
    );

    let key = format!("wrapped/2026/{}/minutes-story.png", users[0].user_id);
    let (bytes, content_type) = sink.get(&key).await.unwrap();
    assert_eq!(content_type.as_deref(), Some("image/png"));
    assert_eq!(image::load_from_memory(&bytes).unwrap().height(), 1920);

    // A second run finds every card in the bucket and renders nothing.
    let again = batch::run(farm, &dataset, &plan, |_| {}).await.unwrap();
    assert_eq!((again.written, again.skipped), (0, 4));

    // The CLI takes the standard AWS environment variables.
    let mut cli = process::cardfarm();
    cli.args(["batch", "--templates", "top-genres", "--out"])
        .arg(format!("s3://{bucket}/cli"))
        .arg("--data")
        .arg(&small);
    for (k, v) in moto.s3_options() {
        cli.env(k.to_uppercase(), v);
    }
    let out = cli.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key = format!("cli/{}/top-genres-story.png", users[0].user_id);
    assert!(sink_root(&moto).exists(&key).await.unwrap());
}

fn sink_root(moto: &Moto) -> Sink {
    Sink::open(&format!("s3://{}", moto.bucket), &moto.s3_options()).unwrap()
}
