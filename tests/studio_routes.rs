//! The designers' studio through its real router (`app(workspace).oneshot(request)`, no
//! socket), over a scratch copy of the templates: the page, the gallery's JSON and cards, a
//! broken template beside working ones, the stats editor's errors, live reloads and their
//! events, goldens, diffs and blessing.

mod common;

use std::time::Duration;

use axum::http::StatusCode;
use cardfarm::golden;
use common::studio::Studio;
use common::{png_size, repo, TempDir};
use http_body_util::BodyExt;

#[tokio::test]
async fn serves_the_page_and_its_assets_from_the_binary() {
    let s = Studio::new("studio_page", None, true);
    let page = s.get("/").await;
    page.assert_status(StatusCode::OK);
    assert!(page.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = page.text();
    for needle in [
        "/studio.js",
        "/studio.css",
        "id=\"gallery\"",
        "id=\"stats\"",
    ] {
        assert!(html.contains(needle), "page lacks {needle}");
    }
    // Offline: nothing is loaded from another host.
    assert!(!html.contains("http://") && !html.contains("https://"));
    let js = s.get("/studio.js").await;
    js.assert_status(StatusCode::OK);
    assert!(js.text().contains("EventSource"));
    assert!(!js.text().contains("https://"));
    s.get("/studio.css").await.assert_status(StatusCode::OK);
}

#[tokio::test]
async fn state_lists_fixtures_users_and_every_template_format() {
    let s = Studio::new("studio_state", None, true);
    let state = s
        .get("/api/state")
        .await
        .assert_status(StatusCode::OK)
        .json();
    let people: Vec<String> = state["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            format!(
                "{}/{}",
                p["kind"].as_str().unwrap(),
                p["id"].as_str().unwrap()
            )
        })
        .collect();
    for who in ["fixture/typical", "fixture/rtl", "user/demo"] {
        assert!(
            people.contains(&who.to_string()),
            "{who} missing: {people:?}"
        );
    }
    assert_eq!(state["default"]["id"], "typical");
    let slots: Vec<String> = state["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{}/{}",
                s["template"].as_str().unwrap(),
                s["format"].as_str().unwrap()
            )
        })
        .collect();
    let expected: usize = common::renderer()
        .templates()
        .iter()
        .map(|t| t.formats.len())
        .sum();
    assert_eq!(slots.len(), expected, "{slots:?}");
    assert!(slots.contains(&"summary/landscape".to_string()));
    assert_eq!(state["safe_zone"]["top"], 250);
    assert_eq!(state["safe_zone"]["bottom"], 340);
    assert_eq!(state["safe_zone"]["height"], 1920);
}

#[tokio::test]
async fn renders_a_persons_cards_as_png_and_names_unknowns() {
    let s = Studio::new("studio_cards", None, true);
    let cards = s
        .get("/api/cards/user/demo")
        .await
        .assert_status(StatusCode::OK)
        .json();
    let list = cards["cards"].as_array().unwrap();
    let minutes = list
        .iter()
        .find(|c| c["template"] == "minutes")
        .expect("a minutes card");
    let src = minutes["src"].as_str().unwrap();
    assert!(src.starts_with("/card/user/demo/minutes/story?v="), "{src}");
    assert!(minutes["golden"].is_null(), "dataset users have no goldens");
    let card = s.get(src).await;
    card.assert_status(StatusCode::OK);
    assert_eq!(card.headers["content-type"], "image/png");
    assert_eq!(png_size(&card.body), (1080, 1920));
    // The pixels the CLI and the server render. (A background the studio draws itself is
    // encoded whole rather than waiting for its bands: the same pixels, other bytes.)
    let demo = common::demo_stats();
    let expected = common::renderer()
        .render(
            cardfarm::Source {
                stats: &demo,
                root: Some(&repo().join("data")),
            },
            "minutes",
            "story",
        )
        .unwrap();
    assert!(
        common::pixels(&card.body) == common::pixels(&expected.png.0),
        "other pixels"
    );

    s.get("/api/cards/user/nobody")
        .await
        .assert_status(StatusCode::NOT_FOUND);
    s.get("/card/user/nobody/minutes/story")
        .await
        .assert_status(StatusCode::NOT_FOUND);
    s.get("/api/cards/robot/demo")
        .await
        .assert_status(StatusCode::NOT_FOUND);
    // The findings route refuses the same unknowns the card route does.
    for path in [
        "/api/findings/user/nobody/minutes/story",
        "/api/findings/robot/demo/minutes/story",
        "/card/robot/demo/minutes/story",
    ] {
        s.get(path).await.assert_status(StatusCode::NOT_FOUND);
    }
    let unknown = s.get("/card/user/demo/nope/story").await;
    unknown.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unknown.text().contains("unknown template `nope`"),
        "{}",
        unknown.text()
    );
}

#[tokio::test]
async fn a_broken_template_shows_its_file_and_line_and_the_others_still_render() {
    let s = Studio::new("studio_broken", None, true);
    let layer = s.template_file("minutes/story.svg.hbs");
    let text = std::fs::read_to_string(&layer).unwrap();
    // Line 3 opens a block that never closes: a syntax error at load time.
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(2, "{{#if display_name}}");
    std::fs::write(&layer, lines.join("\n")).unwrap();
    s.workspace.reload_templates(Some("minutes"));

    let cards = s.get("/api/cards/fixture/typical").await.json();
    let list = cards["cards"].as_array().unwrap();
    let minutes = list.iter().find(|c| c["template"] == "minutes").unwrap();
    let error = minutes["error"]
        .as_str()
        .expect("the broken card has its error");
    assert!(error.contains("minutes/story.svg.hbs"), "{error}");
    assert!(error.contains("line "), "{error}");
    let answer = s.get("/card/fixture/typical/minutes/story").await;
    answer.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer.text(), error);
    // The rest of the gallery keeps working.
    assert_eq!(list.len(), 8);
    let songs = s.get("/card/fixture/typical/top-songs/story").await;
    songs.assert_status(StatusCode::OK);

    // A field the view does not have fails at fill time: the error names the file and line.
    std::fs::write(
        &layer,
        text.replacen("{{text display_name", "{{text no_such_field", 1),
    )
    .unwrap();
    s.workspace.reload_templates(Some("minutes"));
    let answer = s.get("/card/fixture/typical/minutes/story").await;
    answer.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        answer.text().contains("story.svg.hbs, line 12"),
        "{}",
        answer.text()
    );

    // Fixed: the card is back.
    std::fs::write(&layer, text).unwrap();
    s.workspace.reload_templates(Some("minutes"));
    s.get("/card/fixture/typical/minutes/story")
        .await
        .assert_status(StatusCode::OK);
}

#[tokio::test]
async fn the_stats_editor_gives_the_clis_errors_and_edits_re_render() {
    let s = Studio::new("studio_edit", None, true);
    let original = s.get("/api/stats/fixture/typical").await.text();
    assert_eq!(
        original,
        std::fs::read_to_string(repo().join("tests/fixtures/typical.json")).unwrap()
    );
    let before = s.get("/card/fixture/typical/minutes/story").await.body;

    let malformed = s
        .send("PUT", "/api/stats/fixture/typical", "{\"user_id\": ")
        .await;
    malformed.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        malformed
            .error()
            .starts_with("malformed JSON at the editor, line 1, column"),
        "{}",
        malformed.error()
    );
    let invalid = original.replace("\"year\": 2026", "\"year\": 0");
    assert_ne!(invalid, original);
    let invalid = s.send("PUT", "/api/stats/fixture/typical", &invalid).await;
    invalid.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        invalid.error(),
        "year: expected a year from 1 to 9999, got 0"
    );
    let wrong_type = original.replace("\"minutes_listened\": 48213", "\"minutes_listened\": -5");
    let wrong_type = s
        .send("PUT", "/api/stats/fixture/typical", &wrong_type)
        .await;
    wrong_type.assert_status(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong_type.error().starts_with("minutes_listened: "),
        "{}",
        wrong_type.error()
    );
    // Rejected edits change nothing.
    assert_eq!(
        s.get("/card/fixture/typical/minutes/story").await.body,
        before
    );

    let renamed = original.replace("Alex Rivera", "Zaphod B.");
    s.send("PUT", "/api/stats/fixture/typical", &renamed)
        .await
        .assert_status(StatusCode::OK);
    assert_eq!(s.get("/api/stats/fixture/typical").await.text(), renamed);
    let after = s.get("/card/fixture/typical/minutes/story").await.body;
    let mut stats = common::fixture("typical");
    stats.display_name = "Zaphod B.".into();
    let expected = common::renderer()
        .render(
            cardfarm::Source {
                stats: &stats,
                root: Some(&common::fixtures()),
            },
            "minutes",
            "story",
        )
        .unwrap();
    assert!(
        common::pixels(&after) == common::pixels(&expected.png.0),
        "the card shows the edited name"
    );

    s.send("DELETE", "/api/stats/fixture/typical", "")
        .await
        .assert_status(StatusCode::OK);
    assert_eq!(
        s.get("/card/fixture/typical/minutes/story").await.body,
        before
    );
}

#[tokio::test]
async fn saving_a_template_re_renders_it_and_tells_the_page() {
    let s = Studio::new("studio_watch", None, true);
    let _watcher = cardfarm::studio::watch(s.workspace.clone()).unwrap();
    let mut changes = s.workspace.subscribe();
    let before = s.get("/card/fixture/typical/minutes/story").await.body;
    let songs = s.get("/card/fixture/typical/top-songs/story").await.body;

    let layer = s.template_file("minutes/story.svg.hbs");
    let text = std::fs::read_to_string(&layer).unwrap();
    std::fs::write(
        &layer,
        text.replace(
            "</svg>",
            "<rect x=\"0\" y=\"0\" width=\"200\" height=\"200\" fill=\"#f0f\"/></svg>",
        ),
    )
    .unwrap();
    let saved = std::time::Instant::now();
    let change = tokio::time::timeout(Duration::from_secs(5), changes.recv())
        .await
        .expect("a change within 5 s of the save")
        .unwrap();
    assert_eq!(change.what, "template minutes");
    let after = s.get("/card/fixture/typical/minutes/story").await.body;
    let elapsed = saved.elapsed();
    assert_ne!(after, before, "the saved template shows");
    let img = image::load_from_memory(&after).unwrap().to_rgba8();
    assert_eq!(img.get_pixel(100, 100).0, [255, 0, 255, 255]);
    // Another template's card is served from the cache, unchanged.
    assert_eq!(
        s.get("/card/fixture/typical/top-songs/story").await.body,
        songs
    );
    eprintln!("save → re-rendered card: {elapsed:?}");
}

#[tokio::test]
async fn events_stream_a_change_per_edit() {
    let s = Studio::new("studio_events", None, true);
    let response = tower::ServiceExt::oneshot(
        cardfarm::studio::app(s.workspace.clone()),
        axum::http::Request::get("/events")
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let mut body = response.into_body();
    async fn next(body: &mut axum::body::Body) -> String {
        let frame = tokio::time::timeout(Duration::from_secs(5), body.frame())
            .await
            .expect("an event within 5 s")
            .unwrap()
            .unwrap();
        String::from_utf8(frame.into_data().unwrap().to_vec()).unwrap()
    }
    assert!(next(&mut body).await.starts_with("event: hello\n"));
    let edited = std::fs::read_to_string(repo().join("tests/fixtures/typical.json"))
        .unwrap()
        .replace("Alex Rivera", "Ada");
    s.send("PUT", "/api/stats/fixture/typical", &edited)
        .await
        .assert_status(StatusCode::OK);
    let event = next(&mut body).await;
    assert!(event.starts_with("event: change\n"), "{event}");
    assert!(event.contains("stats of fixture/typical"), "{event}");
}

#[tokio::test]
async fn compares_a_fixture_with_its_golden_and_draws_the_difference() {
    let s = Studio::new("studio_golden", None, true);
    let status = s
        .get("/api/golden/typical/minutes/story")
        .await
        .assert_status(StatusCode::OK)
        .json();
    assert_eq!(status["case"], true);
    assert_eq!(status["exists"], true);
    assert_eq!(status["matches"], true, "{status}");
    let golden_png = s.get("/golden/typical/minutes/story").await;
    golden_png.assert_status(StatusCode::OK);
    assert_eq!(
        golden_png.body,
        std::fs::read(repo().join("golden/minutes-story/typical.png")).unwrap()
    );
    let diff = s.get("/diff/typical/minutes/story").await;
    diff.assert_status(StatusCode::OK);
    let same: usize = diff.headers["x-differing-pixels"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(same <= golden::MAX_DIFFERING_PIXELS);

    // An edit shows as red where the card moved.
    let edited = std::fs::read_to_string(repo().join("tests/fixtures/typical.json"))
        .unwrap()
        .replace("48213", "98213");
    s.send("PUT", "/api/stats/fixture/typical", &edited)
        .await
        .assert_status(StatusCode::OK);
    let diff = s.get("/diff/typical/minutes/story").await;
    let moved: usize = diff.headers["x-differing-pixels"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(moved > 1000, "{moved}");
    let mask = image::load_from_memory(&diff.body).unwrap().to_rgba8();
    let red = mask.pixels().filter(|p| p.0 == [255, 0, 0, 255]).count();
    assert_eq!(red, moved);
    let status = s.get("/api/golden/typical/minutes/story").await.json();
    assert_eq!(status["matches"], false);
    assert_eq!(
        status["blessable"], false,
        "an edited fixture is not blessed"
    );

    s.get("/golden/typical/minutes/../../etc")
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn blesses_exactly_as_the_golden_test_does_and_only_on_loopback() {
    let goldens = TempDir::new("studio_bless");
    let remote = Studio::new("studio_bless_remote", Some(goldens.path()), false);
    let refused = remote
        .send("POST", "/api/bless/typical/minutes/story", "")
        .await;
    refused.assert_status(StatusCode::FORBIDDEN);
    assert!(refused.error().contains("loopback"), "{}", refused.error());
    assert!(!goldens.path().join("minutes-story").exists());

    let s = Studio::new("studio_bless_local", Some(goldens.path()), true);
    // Not a golden case: a golden there would be an orphan.
    s.send("POST", "/api/bless/zeros/top-artists/story", "")
        .await
        .assert_status(StatusCode::NOT_FOUND);
    let edited = std::fs::read_to_string(repo().join("tests/fixtures/typical.json"))
        .unwrap()
        .replace("Alex Rivera", "Ada");
    s.send("PUT", "/api/stats/fixture/typical", &edited).await;
    s.send("POST", "/api/bless/typical/minutes/story", "")
        .await
        .assert_status(StatusCode::CONFLICT);
    s.send("DELETE", "/api/stats/fixture/typical", "").await;

    let written = s.send("POST", "/api/bless/typical/minutes/story", "").await;
    written.assert_status(StatusCode::OK);
    let path = goldens.path().join("minutes-story/typical.png");
    assert_eq!(written.json()["written"], path.display().to_string());
    let blessed = std::fs::read(&path).unwrap();
    // Exactly what CARDFARM_BLESS writes: the render, through golden::bless.
    let card = s.get("/card/fixture/typical/minutes/story").await.body;
    let reference = goldens.path().join("reference.png");
    golden::bless(&reference, &card).unwrap();
    assert_eq!(blessed, std::fs::read(&reference).unwrap());
    // And it matches the committed golden.
    let committed =
        golden::decode(&std::fs::read(repo().join("golden/minutes-story/typical.png")).unwrap())
            .unwrap();
    let n = golden::differing_pixels(&committed, &golden::decode(&blessed).unwrap()).unwrap();
    assert!(n <= golden::MAX_DIFFERING_PIXELS, "{n}");
}

#[tokio::test]
async fn saving_the_dataset_re_renders_its_users() {
    let dir = TempDir::new("studio_data");
    let data = dir.path().join("users.jsonl");
    let sample = std::fs::read_to_string(repo().join("data/sample.jsonl")).unwrap();
    let demo = sample.lines().next().unwrap();
    std::fs::write(&data, format!("{demo}\n")).unwrap();
    common::studio::copy_dir(&repo().join("data/photos"), &dir.path().join("photos"));
    let workspace = std::sync::Arc::new(
        cardfarm::studio::Workspace::open(cardfarm::studio::Config {
            templates: repo().join("templates"),
            fonts: repo().join("fonts"),
            data: Some(data.clone()),
            fixtures: None,
            golden: None,
            user: None,
            loopback: true,
            backgrounds: None,
        })
        .unwrap(),
    );
    let _watcher = cardfarm::studio::watch(workspace.clone()).unwrap();
    let mut changes = workspace.subscribe();
    let who = cardfarm::studio::Who::User("demo".into());
    let before = workspace.card(&who, "minutes", "story").await.unwrap();

    std::fs::write(
        &data,
        format!("{}\n", demo.replace("Alex Rivera", "Sam Doe")),
    )
    .unwrap();
    let change = tokio::time::timeout(Duration::from_secs(5), changes.recv())
        .await
        .expect("a change within 5 s of the save")
        .unwrap();
    assert_eq!(change.what, "data");
    assert_eq!(
        workspace.person(&who).unwrap().stats.display_name,
        "Sam Doe"
    );
    let after = workspace.card(&who, "minutes", "story").await.unwrap();
    assert_ne!(
        before.result.as_deref().unwrap(),
        after.result.as_deref().unwrap()
    );
}
