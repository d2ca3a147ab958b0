//! The real `cardfarm` binary, driven in temporary folders: what designers type.

mod common;

use std::path::Path;
use std::time::Duration;

use common::process::{self, assert_usage as assert_fails, run as cardfarm, stderr, Running};
use common::{eventually, repo, TempDir};

/// Width and height of a PNG file.
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    common::png_size(&bytes)
}

#[test]
fn renders_the_demo_user_from_the_bundled_sample() {
    let dir = TempDir::new("cli-demo");
    let o = cardfarm(
        &[
            "render",
            "--user",
            "demo",
            "--template",
            "top-artists",
            "--out",
            "demo.png",
        ],
        &dir,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(png_size(&dir.join("demo.png")), (1080, 1920));
}

#[test]
fn all_renders_every_template_and_format_and_emits_svg() {
    let dir = TempDir::new("cli-all");
    let o = cardfarm(
        &[
            "render",
            "--user",
            "demo",
            "--all",
            "--out",
            "cards",
            "--emit-svg",
            ".",
        ],
        &dir,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let pngs: Vec<_> = std::fs::read_dir(dir.join("cards"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(pngs.len(), 8, "6 story cards + square + landscape summary");
    assert_eq!(
        png_size(&dir.join("cards/demo-summary-landscape.png")),
        (1200, 630)
    );
    assert_eq!(
        png_size(&dir.join("cards/demo-summary-square.png")),
        (1080, 1080)
    );
    // The emitted SVG stands alone: it parses and renders to the same size.
    let svg = std::fs::read_to_string(dir.join("demo-minutes-story.svg")).unwrap();
    let tree = usvg::Tree::from_str(&svg, &usvg::Options::default()).expect("emitted SVG parses");
    assert_eq!(
        (tree.size().width(), tree.size().height()),
        (1080.0, 1920.0)
    );
}

#[test]
fn templates_lists_every_template() {
    let o = cardfarm(&["templates"], &TempDir::new("cli-list"));
    let out = String::from_utf8_lossy(&o.stdout);
    for &t in common::TEMPLATES {
        assert!(out.contains(t), "{t} missing from:\n{out}");
    }
    assert!(out.contains("landscape 1200×630"));
    assert!(out.contains("locales: ar, de, en,"), "{out}");
}

/// `--locale` renders another language, and a tag that is no tag is named.
#[test]
fn render_and_batch_take_a_locale() {
    let dir = TempDir::new("cli-locale");
    let o = cardfarm(
        &[
            "render", "-u", "demo", "-t", "minutes", "--locale", "ar", "--out", "ar.png",
        ],
        &dir,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = cardfarm(
        &["render", "-u", "demo", "-t", "minutes", "--out", "en.png"],
        &dir,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let (ar, en) = (
        std::fs::read(dir.join("ar.png")).unwrap(),
        std::fs::read(dir.join("en.png")).unwrap(),
    );
    assert_ne!(ar, en);
    assert_fails(
        &["render", "-u", "demo", "-t", "minutes", "--locale", "e n"],
        &dir,
        &["--locale", "language tag"],
    );
    assert_fails(
        &["batch", "--out", "cards", "--locale", "<x>"],
        &dir,
        &["--locale", "language tag"],
    );
}

/// Every bad input: exit code 2, one `error:` line naming the problem, no panic.
#[test]
fn unknown_user_template_and_format_are_named() {
    let dir = TempDir::new("cli-unknown");
    assert_fails(
        &["render", "-u", "nobody", "-t", "minutes"],
        &dir,
        &["unknown user `nobody`"],
    );
    assert_fails(
        &["render", "-u", "demo", "-t", "nope"],
        &dir,
        &["unknown template `nope`", "top-artists"],
    );
    assert_fails(
        &["render", "-u", "demo", "-t", "minutes", "-f", "square"],
        &dir,
        &["no format `square`", "story"],
    );
}

#[test]
fn malformed_and_invalid_stats_name_line_column_and_field() {
    let dir = TempDir::new("cli-stats");
    std::fs::write(dir.join("bad.json"), "{\n  \"user_id\": \"x\",\n  oops\n}").unwrap();
    assert_fails(
        &["render", "--stats", "bad.json", "-t", "minutes"],
        &dir,
        &["line 3, column 3"],
    );

    let mut v: serde_json::Value = serde_json::from_str(&common::typical_json()).unwrap();
    v["top_artists"][2]["minutes"] = serde_json::json!(-4);
    std::fs::write(dir.join("neg.json"), v.to_string()).unwrap();
    assert_fails(
        &["render", "--stats", "neg.json", "-t", "minutes"],
        &dir,
        &["top_artists[2].minutes: expected a non-negative integer, got -4"],
    );
}

#[test]
fn a_broken_template_names_its_file_and_line() {
    let dir = TempDir::new("cli-broken");
    let templates = dir.join("templates/bad");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("template.toml"),
        "description = \"x\"\nversion = 1\n[formats.story]\nwidth = 1080\nheight = 1920\nlayer = \"story.svg.hbs\"\n",
    )
    .unwrap();
    std::fs::write(
        templates.join("story.svg.hbs"),
        "<svg>\n{{#if x}}\n</svg>\n",
    )
    .unwrap();
    let fonts = repo().join("fonts");
    assert_fails(
        &[
            "--font-dir",
            fonts.to_str().unwrap(),
            "--template-dir",
            "templates",
            "templates",
        ],
        &dir,
        &["story.svg.hbs", "line"],
    );

    // A field the data does not have is an error at fill time, not a blank.
    std::fs::write(
        templates.join("story.svg.hbs"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1080\" height=\"1920\">\n{{no_such_field}}</svg>",
    )
    .unwrap();
    let data = repo().join("data/sample.jsonl");
    assert_fails(
        &[
            "--font-dir",
            fonts.to_str().unwrap(),
            "--template-dir",
            "templates",
            "render",
            "-u",
            "demo",
            "-t",
            "bad",
            "--data",
            data.to_str().unwrap(),
        ],
        &dir,
        &["story.svg.hbs, line 2", "no_such_field"],
    );
}

#[test]
fn schema_prints_the_stats_json_schema() {
    let o = cardfarm(&["schema"], &TempDir::new("cli-schema"));
    let schema: serde_json::Value = serde_json::from_slice(&o.stdout).expect("schema is JSON");
    assert_eq!(schema["title"], "Stats");
    assert!(schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f == "minutes_listened"));
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn watch_re_renders_when_a_template_changes() {
    let dir = TempDir::new("cli-watch");
    copy_dir(&repo().join("templates"), &dir.join("templates"));
    let stats = common::fixtures().join("typical.json");
    let mut command = process::cardfarm();
    command
        .args(["--template-dir", "templates", "--font-dir"])
        .arg(repo().join("fonts"))
        .args(["render", "--stats"])
        .arg(&stats)
        .args(["-t", "top-artists", "--out", "card.png", "--watch"])
        .current_dir(&dir);
    let watcher = Running::spawn(command).unwrap();
    let out = dir.join("card.png");
    // Wait for a complete first card (a PNG that decodes), not a half-written file.
    let first = eventually(Duration::from_secs(30), || {
        std::fs::read(&out).is_ok_and(|b| image::load_from_memory(&b).is_ok())
    });
    let before = std::fs::read(&out).unwrap_or_default();
    // Change what the card shows: the badge's number.
    let layer = dir.join("templates/top-artists/story.svg.hbs");
    let changed = std::fs::read_to_string(&layer)
        .unwrap()
        .replace("(t \"rank-badge\" rank=1)", "(t \"rank-badge\" rank=7)");
    assert!(
        changed.contains("rank=7"),
        "the badge is no longer where the test looks"
    );
    std::fs::write(&layer, changed).unwrap();
    let rerendered = eventually(Duration::from_secs(30), || {
        std::fs::read(&out).is_ok_and(|b| !b.is_empty() && b != before)
    });
    drop(watcher);
    assert!(first, "the first render never appeared");
    assert!(rerendered, "no re-render after the template changed");
}

#[test]
fn bench_refuses_an_unknown_format_and_zero_cards() {
    let dir = TempDir::new("cli-bench");
    assert_fails(
        &["bench", "--format", "nosuch", "-n", "1"],
        &dir,
        &["nosuch"],
    );
    assert_fails(
        &[
            "bench",
            "--template",
            "minutes",
            "--format",
            "nosuch",
            "-n",
            "1",
        ],
        &dir,
        &["no format `nosuch`", "story"],
    );
    assert_fails(&["bench", "-n", "0"], &dir, &["--cards", "0"]);
}

#[test]
fn sign_url_signs_cosig_refuses_sig_and_overflowing_expiry() {
    let dir = TempDir::new("cli-sign");
    let sign = |args: &[&str]| {
        let mut all = vec!["sign-url", "--signing-key", "k3y"];
        all.extend_from_slice(args);
        cardfarm(&all, &dir)
    };
    // A parameter that merely ends in `sig` is signed like any other.
    let o = sign(&["/v1/cards/demo/minutes.png?format=story&cosig=2"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let url = String::from_utf8_lossy(&o.stdout).trim().to_string();
    let (path, query) = url.split_once('?').unwrap();
    assert!(query.starts_with("format=story&cosig=2&sig="), "{url}");
    assert_eq!(
        cardfarm::server::sign::verify(b"k3y", path, Some(query), 0),
        Ok(())
    );

    for args in [
        vec![
            "sign-url",
            "--signing-key",
            "k3y",
            "/v1/cards/demo/minutes.png?sig=00",
        ],
        vec![
            "sign-url",
            "--signing-key",
            "k3y",
            "/v1/cards/demo/minutes.png?format=story&sig=00",
        ],
    ] {
        assert_fails(&args, &dir, &["already has a `sig`"]);
    }
    assert_fails(
        &[
            "sign-url",
            "--signing-key",
            "k3y",
            "--expires-in",
            "18446744073709551615",
            "/v1/cards/demo/minutes.png",
        ],
        &dir,
        &[
            "--expires-in 18446744073709551615 is too far in the future",
            "hint:",
        ],
    );
}

#[test]
fn serve_refuses_a_cache_size_that_does_not_fit_in_memory() {
    let dir = TempDir::new("cli-cache-mb");
    assert_fails(
        // With a missing dataset too: a server that took the flag would fail on that instead.
        &[
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--data",
            "no-such-users.jsonl",
            "--cache-mb",
            "18446744073709551615",
        ],
        &dir,
        &["--cache-mb 18446744073709551615", "hint: give at most"],
    );
}

/// A folder holding `typical.json`, `users.jsonl` (the same user) and the photos they name,
/// by paths relative to that folder.
fn folder_with_stats_and_photos(tag: &str) -> TempDir {
    let dir = TempDir::new(tag);
    copy_dir(&common::fixtures().join("photos"), &dir.join("photos"));
    let json = common::typical_json();
    std::fs::write(dir.join("typical.json"), &json).unwrap();
    let line: serde_json::Value = serde_json::from_str(&json).unwrap();
    std::fs::write(dir.join("users.jsonl"), format!("{line}\n")).unwrap();
    dir
}

#[test]
fn a_bare_stats_or_dataset_file_name_finds_its_photos() {
    let dir = folder_with_stats_and_photos("cli-bare-name");
    let user = common::fixture("typical").user_id;
    for args in [
        vec![
            "render",
            "--stats",
            "typical.json",
            "-t",
            "top-artists",
            "--out",
            "a.png",
        ],
        vec![
            "render",
            "--data",
            "users.jsonl",
            "-u",
            &user,
            "-t",
            "top-artists",
            "--out",
            "b.png",
        ],
        vec![
            "batch",
            "--data",
            "users.jsonl",
            "--templates",
            "top-artists",
            "--out",
            "cards",
        ],
    ] {
        let o = cardfarm(&args, &dir);
        let err = stderr(&o);
        assert!(o.status.success(), "{args:?}: {err}");
        assert!(
            !err.contains("warning:") && !err.contains("not found") && !err.contains("placeholder"),
            "{args:?}: a photo was missed:\n{err}"
        );
    }
    assert!(dir.join("a.png").is_file() && dir.join("b.png").is_file());
}

#[test]
fn an_unknown_format_in_a_selection_is_named_with_the_formats_there_are() {
    let dir = TempDir::new("cli-formats");
    for args in [
        vec!["batch", "--formats", "story,nosuch", "--out", "cards"],
        vec!["bench", "--format", "nosuch", "-n", "1"],
    ] {
        assert_fails(
            &args,
            &dir,
            &[
                "no template has a format `nosuch`; formats: landscape, square, story",
                "hint: `cardfarm templates` lists templates and formats",
            ],
        );
        let err = stderr(&cardfarm(&args, &dir));
        assert!(!err.contains("cardfarm schema"), "{args:?}: {err}");
    }
}

#[test]
fn render_user_takes_the_last_record_of_a_user_and_warns() {
    let dir = TempDir::new("cli-dups");
    // Without photos, so the dataset and the single stats file render alike from anywhere.
    let mut demo = serde_json::to_value(common::demo_stats()).unwrap();
    for artist in demo["top_artists"].as_array_mut().unwrap() {
        artist.as_object_mut().unwrap().remove("image");
    }
    let mut earlier = demo.clone();
    earlier["minutes_listened"] = 999.into();
    let lines = [
        earlier.to_string(),
        serde_json::to_string(&common::sample_users(2)[1]).unwrap(),
        demo.to_string(),
    ];
    std::fs::write(dir.join("users.jsonl"), lines.join("\n")).unwrap();
    std::fs::write(dir.join("last.json"), demo.to_string()).unwrap();
    let data = dir.join("users.jsonl");
    let o = cardfarm(
        &[
            "render",
            "-u",
            "demo",
            "-t",
            "minutes",
            "--out",
            "dup.png",
            "--data",
            data.to_str().unwrap(),
        ],
        &dir,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o)
            .contains("user `demo` appears on line 1 and again on line 3; the last record wins"),
        "{}",
        stderr(&o)
    );
    // The same card as the last record's, rendered on its own.
    let o = cardfarm(
        &[
            "render",
            "--stats",
            "last.json",
            "-t",
            "minutes",
            "--out",
            "last.png",
        ],
        &dir,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        std::fs::read(dir.join("dup.png")).unwrap() == std::fs::read(dir.join("last.png")).unwrap(),
        "render --user used the last record"
    );
}
