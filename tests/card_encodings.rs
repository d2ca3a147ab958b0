//! `--encoding` / `?encoding=`: PNG (the default), lossless WebP and JPEG through every front
//! end. The HTTP route answers the asked encoding with its content type and an ETag of its
//! own, and a signed link covers it; batch stores each encoding under its own extension;
//! `render` writes it.

mod common;

use axum::http::{header, StatusCode};
use cardfarm::farm::batch::{self, Plan};
use cardfarm::farm::dataset::Dataset;
use cardfarm::farm::job::CardSelection;
use cardfarm::server::{sign, Config};
use cardfarm::Encoding;
use common::app::{assert_json_error, get, jsonl_store, state, SIGNING_KEY};
use common::farm::{engine, folder_sink};
use common::{process, small_dataset, TempDir};

fn rgb(bytes: &[u8], format: image::ImageFormat) -> image::RgbImage {
    image::load_from_memory_with_format(bytes, format)
        .unwrap_or_else(|e| panic!("{format:?}: {e}"))
        .to_rgb8()
}

#[tokio::test]
async fn the_card_route_answers_each_encoding_with_its_type_and_its_own_etag() {
    let s = state(
        jsonl_store().await,
        Config {
            signing_key: Some(SIGNING_KEY.to_vec()),
            ..Config::default()
        },
    );
    let path = "/v1/cards/demo/top-artists.png?format=story";
    let fetch = |query: &'static str| {
        let s = s.clone();
        async move { get(&s, &sign::sign(SIGNING_KEY, &format!("{path}{query}"))).await }
    };
    let png = fetch("").await;
    assert_eq!(png.status, StatusCode::OK);
    assert_eq!(png.headers[header::CONTENT_TYPE], "image/png");
    let webp = fetch("&encoding=webp").await;
    assert_eq!(webp.headers[header::CONTENT_TYPE], "image/webp");
    let jpeg = fetch("&encoding=jpeg").await;
    assert_eq!(jpeg.headers[header::CONTENT_TYPE], "image/jpeg");
    let jpeg80 = fetch("&encoding=jpeg&quality=80").await;
    assert_eq!(jpeg80.status, StatusCode::OK);

    // Lossless WebP is the PNG's pixels; JPEG is the same card, a little off.
    let pixels = rgb(&png.body, image::ImageFormat::Png);
    assert_eq!(rgb(&webp.body, image::ImageFormat::WebP), pixels);
    let lossy = rgb(&jpeg.body, image::ImageFormat::Jpeg);
    assert_eq!(lossy.dimensions(), (1080, 1920));
    let mean_error = lossy
        .as_raw()
        .iter()
        .zip(pixels.as_raw())
        .map(|(a, b)| u64::from(a.abs_diff(*b)))
        .sum::<u64>() as f64
        / pixels.as_raw().len() as f64;
    assert!(mean_error < 2.0, "JPEG mean error {mean_error}");
    let sizes = [&png, &webp, &jpeg, &jpeg80].map(|a| a.body.len());
    assert!(
        sizes[2] < sizes[0] && sizes[2] < sizes[1] && sizes[3] < sizes[2],
        "JPEG is the smallest, and smaller at a lower quality: png, webp, jpeg, jpeg:80 {sizes:?}"
    );

    // Each encoding, and each JPEG quality, is its own card to caches.
    let tags: std::collections::BTreeSet<_> = [&png, &webp, &jpeg, &jpeg80]
        .iter()
        .map(|a| a.headers[header::ETAG].to_str().unwrap().to_string())
        .collect();
    assert_eq!(tags.len(), 4, "{tags:?}");

    // The signature covers the encoding: a link signed for one cannot fetch another.
    let signed = sign::sign(SIGNING_KEY, &format!("{path}&encoding=jpeg"));
    let forged = signed.replace("encoding=jpeg", "encoding=webp");
    assert_json_error(&get(&s, &forged).await, StatusCode::FORBIDDEN, "forged");

    for (query, message) in [
        ("&encoding=gif", "unknown encoding `gif`"),
        ("&encoding=jpeg&quality=0", "JPEG quality 0 is not 1 to 100"),
        (
            "&encoding=jpeg&quality=best",
            "quality `best` is not 1 to 100",
        ),
        ("&quality=80", "a quality applies to jpeg only"),
    ] {
        let a = fetch(query).await;
        assert_json_error(&a, StatusCode::BAD_REQUEST, query);
        assert!(a.error().contains(message), "{query}: {}", a.error());
    }
}

#[tokio::test]
async fn batch_stores_each_encoding_under_its_extension() {
    let (data, users) = small_dataset(2);
    let dataset = Dataset::open(&data).unwrap();
    let out = TempDir::new("encodings-out");
    for encoding in [Encoding::Webp, Encoding::Jpeg { quality: 85 }] {
        let plan = Plan {
            cards: CardSelection {
                templates: Some(vec!["minutes".into()]),
                formats: Some(vec!["story".into()]),
            },
            concurrency: 2,
            encoding,
            locale: None,
        };
        let report = batch::run(engine(folder_sink(&out), true), &dataset, &plan, |_| {})
            .await
            .unwrap();
        assert_eq!(report.written, 2, "{encoding}: {report:?}");
        // A rerun finds them current: the stamp names the encoding.
        let again = batch::run(engine(folder_sink(&out), true), &dataset, &plan, |_| {})
            .await
            .unwrap();
        assert_eq!((again.written, again.skipped), (0, 2), "{encoding}");
    }
    for user in &users {
        let dir = out.join(&user.user_id);
        let webp = std::fs::read(dir.join("minutes-story.webp")).unwrap();
        let jpeg = std::fs::read(dir.join("minutes-story.jpg")).unwrap();
        assert_eq!(
            rgb(&webp, image::ImageFormat::WebP).dimensions(),
            (1080, 1920)
        );
        assert_eq!(
            rgb(&jpeg, image::ImageFormat::Jpeg).dimensions(),
            (1080, 1920)
        );
        assert!(!dir.join("minutes-story.png").exists());
    }
}

#[test]
fn render_writes_the_asked_encoding() {
    let dir = TempDir::new("render-encoding");
    let o = process::run(
        &[
            "render",
            "--user",
            "demo",
            "--template",
            "minutes",
            "--encoding",
            "jpeg",
            "--quality",
            "85",
        ],
        &dir,
    );
    assert!(o.status.success(), "{}", process::stderr(&o));
    let jpeg = std::fs::read(dir.join("demo-minutes-story.jpg")).unwrap();
    assert_eq!(
        rgb(&jpeg, image::ImageFormat::Jpeg).dimensions(),
        (1080, 1920)
    );
    let o = process::run(
        &[
            "render",
            "--user",
            "demo",
            "--template",
            "minutes",
            "--encoding",
            "webp",
            "--quality",
            "85",
        ],
        &dir,
    );
    assert!(!o.status.success());
    assert!(
        process::stderr(&o).contains("a quality applies to jpeg only"),
        "{}",
        process::stderr(&o)
    );
}
