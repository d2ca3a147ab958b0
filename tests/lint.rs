//! The lint: each rule triggered by a deliberately broken template (tests/fixtures/lint/
//! templates) or a fixture user, the shipped templates clean on the golden fixtures, and the
//! `cardfarm lint` binary's output and exit codes.

mod common;

use std::sync::OnceLock;
use std::time::Duration;

use cardfarm::lint::{self, Config, Finding, Rule, Selection, Subject};
use cardfarm::Renderer;
use common::process::{run as cardfarm, stderr};
use common::{fixture, fixtures, renderer, repo, TempDir};

/// The broken templates, with the bundled fonts.
fn broken() -> &'static Renderer {
    static RENDERER: OnceLock<Renderer> = OnceLock::new();
    RENDERER.get_or_init(|| {
        Renderer::load(
            &repo().join("tests/fixtures/lint/templates"),
            &repo().join("fonts"),
        )
        .expect("the lint's test templates load")
    })
}

/// No timing: debug builds and a busy machine make it meaningless here.
fn untimed() -> Config {
    Config {
        budget: None,
        ..Config::default()
    }
}

fn subject(name: &str) -> Subject {
    Subject {
        name: name.into(),
        stats: fixture(name),
        root: Some(fixtures()),
        locale: None,
    }
}

/// Lints one broken template on the `typical` fixture.
fn lint_broken(template: &str) -> Vec<Finding> {
    let selection = Selection {
        templates: Some(vec![template.into()]),
        formats: None,
    };
    lint::run(broken(), &[subject("typical")], &selection, &untimed())
        .expect("lint runs")
        .findings
}

fn of(findings: &[Finding], rule: Rule) -> Vec<&Finding> {
    findings.iter().filter(|f| f.rule == rule).collect()
}

fn show(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| format!("  {f}\n"))
        .collect::<String>()
}

#[test]
fn text_and_photos_in_the_safe_zones_are_found() {
    let findings = lint_broken("safe-zone");
    let safe = of(&findings, Rule::SafeZone);
    assert_eq!(safe.len(), 2, "{}", show(&findings));
    let name = safe
        .iter()
        .find(|f| f.subject == "Alex Rivera")
        .expect("the name");
    assert!(name.message.contains("top safe zone"), "{}", name.message);
    assert_eq!(name.template.as_deref(), Some("safe-zone"));
    assert_eq!(name.format.as_deref(), Some("story"));
    assert_eq!(name.fixture.as_deref(), Some("typical"));
    let photo = safe
        .iter()
        .find(|f| f.subject == "Aurora Vale")
        .expect("the photo");
    assert!(
        photo.message.contains("bottom safe zone"),
        "{}",
        photo.message
    );
    // The greeting in the middle of the card is fine.
    assert!(!safe.iter().any(|f| f.subject == "Hello"));
}

#[test]
fn a_layer_drawing_outside_the_content_box_is_found() {
    let findings = lint_broken("overflow");
    let overflow = of(&findings, Rule::Overflow);
    assert_eq!(overflow.len(), 1, "{}", show(&findings));
    assert!(
        overflow[0].message.contains("a path at (-40, 1100)")
            && overflow[0].message.contains("64 px outside"),
        "{}",
        overflow[0].message
    );
}

#[test]
fn ink_touching_other_text_or_art_is_found() {
    let findings = lint_broken("collision");
    let collisions = of(&findings, Rule::Collision);
    assert_eq!(collisions.len(), 2, "{}", show(&findings));
    assert!(collisions
        .iter()
        .any(|f| f.subject == "Alex Rivera" && f.message.contains("“See you next year”")));
    assert!(collisions
        .iter()
        .any(|f| f.subject == "Hello" && f.message.contains("a path at (700, 1300)")));
    // The number laid inside its disc is a badge, not a collision.
    assert!(!collisions.iter().any(|f| f.subject == "48,213"));
}

#[test]
fn text_below_its_minimum_size_or_cut_is_found_by_its_string() {
    let findings = lint_broken("fit");
    let small = of(&findings, Rule::SmallText);
    assert_eq!(small.len(), 2, "{}", show(&findings));
    assert!(
        small
            .iter()
            .any(|f| f.subject == "Alex Rivera"
                && f.message.contains("template's minimum of 30.0 px"))
    );
    assert!(small
        .iter()
        .any(|f| f.subject == "Hello" && f.message.contains("smallest legible size of 16 px")));
    let cut = of(&findings, Rule::CutText);
    assert_eq!(cut.len(), 1, "{}", show(&findings));
    assert_eq!(cut[0].subject, "Glass Harbour");
    assert!(cut[0].message.contains('…'), "{}", cut[0].message);
}

#[test]
fn characters_no_font_covers_are_named_by_code_point() {
    let tofu = Subject {
        name: "tofu".into(),
        stats: cardfarm::Stats::from_json(
            &std::fs::read_to_string(fixtures().join("lint/tofu.json")).unwrap(),
            "tofu.json",
        )
        .unwrap(),
        root: None,
        locale: None,
    };
    let selection = Selection {
        templates: Some(vec!["minutes".into()]),
        formats: None,
    };
    let findings = lint::run(renderer(), &[tofu], &selection, &untimed())
        .unwrap()
        .findings;
    let tofu = of(&findings, Rule::Tofu);
    assert_eq!(tofu.len(), 1, "{}", show(&findings));
    assert_eq!(tofu[0].subject, "Wulfila 𐌰𐌱𐌲");
    assert!(
        tofu[0].message.contains("U+10330 𐌰, U+10331 𐌱, U+10332 𐌲"),
        "{}",
        tofu[0].message
    );
}

#[test]
fn fields_the_view_lacks_and_fields_no_template_uses_are_found() {
    let findings = lint_broken("fields");
    let unknown = of(&findings, Rule::UnknownField);
    assert_eq!(unknown.len(), 1, "{}", show(&findings));
    assert_eq!(unknown[0].subject, "top_artist.nickname");
    assert_eq!(unknown[0].template.as_deref(), Some("fields"));
    // Only one template linted: which view fields the others use is unknown.
    assert!(of(&findings, Rule::UnusedField).is_empty());

    // All the broken templates together use few of the view's fields.
    let all = lint::run(
        broken(),
        &[subject("typical")],
        &Selection::default(),
        &untimed(),
    )
    .unwrap()
    .findings;
    let unused: Vec<&str> = of(&all, Rule::UnusedField)
        .iter()
        .map(|f| f.subject.as_str())
        .collect();
    for field in ["top_genres", "top_track.plays", "personality"] {
        assert!(unused.contains(&field), "{field} in {unused:?}");
    }
    // Used ones are not reported: printed, entered, tested, or handed whole to a helper.
    for field in [
        "display_name",
        "minutes_listened",
        "top_artist",
        "top_artist.photo",
        "locale",
    ] {
        assert!(!unused.contains(&field), "{field} in {unused:?}");
    }
}

#[test]
fn a_message_a_locale_lacks_is_found() {
    let mut stats = fixture("typical");
    stats.set_locale("de").unwrap();
    let german = Subject {
        name: "typical".into(),
        stats,
        root: Some(fixtures()),
        locale: Some("de".into()),
    };
    let selection = Selection {
        templates: Some(vec!["collision".into()]),
        formats: None,
    };
    let findings = lint::run(broken(), &[german], &selection, &untimed())
        .unwrap()
        .findings;
    let missing = of(&findings, Rule::MissingMessage);
    assert_eq!(missing.len(), 1, "{}", show(&findings));
    assert_eq!(missing[0].subject, "farewell");
    assert_eq!(missing[0].locale.as_deref(), Some("de"));
    assert_eq!(missing[0].template.as_deref(), Some("collision"));

    // English has every message.
    let english = lint_broken("collision");
    assert!(of(&english, Rule::MissingMessage).is_empty());
}

#[test]
fn a_render_over_the_budget_is_found() {
    let selection = Selection {
        templates: Some(vec!["minutes".into()]),
        formats: None,
    };
    let run = |budget| {
        let config = Config {
            budget: Some(budget),
            ..Config::default()
        };
        lint::run(renderer(), &[subject("typical")], &selection, &config)
            .unwrap()
            .findings
    };
    // No card renders in no time; every card renders within a minute, even unoptimized.
    let slow = run(Duration::ZERO);
    assert_eq!(of(&slow, Rule::Slow).len(), 1, "{}", show(&slow));
    assert!(of(&slow, Rule::Slow)[0]
        .message
        .contains("over the budget of 0 ms"));
    assert!(of(&run(Duration::from_secs(60)), Rule::Slow).is_empty());
}

#[test]
fn the_shipped_templates_lint_clean_on_the_golden_fixtures() {
    let subjects = lint::fixtures(&fixtures(), None).unwrap();
    let report = lint::run(renderer(), &subjects, &Selection::default(), &untimed()).unwrap();
    assert!(report.cards > 200, "{} cards", report.cards);
    assert!(
        report.findings.is_empty(),
        "{} findings:\n{}",
        report.findings.len(),
        show(&report.findings)
    );
}

/// The dots under an Arabic genre name once touched "was the sound of your year" below it:
/// the name's ink box reaches as deep as the Arabic marks do, not as a Latin line's.
#[test]
fn the_arabic_sample_user_lints_clean_on_top_genres() {
    let dataset =
        cardfarm::farm::dataset::Dataset::open(&repo().join("data/sample.jsonl")).unwrap();
    for locale in [None, Some("en")] {
        let mut stats = dataset.find("arabic").unwrap();
        if let Some(tag) = locale {
            stats.set_locale(tag).unwrap();
        }
        let subject = Subject {
            name: "arabic".into(),
            stats,
            root: Some(dataset.root().to_path_buf()),
            locale: locale.map(str::to_string),
        };
        let findings = lint::card(renderer(), &subject, "top-genres", "story", &untimed());
        assert!(findings.is_empty(), "{locale:?}:\n{}", show(&findings));
    }
}

#[test]
fn a_normal_render_is_unchanged_by_the_lint() {
    // The lint's ids appear only in an inspection, never in the SVG a render draws.
    let stats = fixture("typical");
    let source = cardfarm::Source {
        stats: &stats,
        root: Some(&fixtures()),
    };
    let (svg, _) = renderer()
        .compose_svg(source, "top-genres", "story")
        .unwrap();
    assert!(!svg.contains("cf-text"), "ids leaked into a render");
    let inspection = renderer().inspect(source, "top-genres", "story").unwrap();
    assert!(inspection.layer.node_by_id("cf-text-0").is_some());
    assert!(!inspection.facts.texts.is_empty());
}

// The binary.

fn lint_cli(args: &[&str]) -> std::process::Output {
    let dir = TempDir::new("lint-cli");
    cardfarm(&[&["lint"], args].concat(), &dir)
}

#[test]
fn the_binary_reports_findings_and_exits_1() {
    let templates = repo().join("tests/fixtures/lint/templates");
    let o = lint_cli(&[
        "--template-dir",
        templates.to_str().unwrap(),
        "--template",
        "safe-zone",
        "--budget-ms",
        "0",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("safe-zone/story typical: safe-zone: “Alex Rivera” reaches y = "),
        "{out}"
    );
    assert!(stderr(&o).contains("finding"), "{}", stderr(&o));

    let o = lint_cli(&[
        "--template-dir",
        templates.to_str().unwrap(),
        "--template",
        "fields",
        "--budget-ms",
        "0",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    let findings = report["findings"].as_array().unwrap();
    assert!(findings.iter().any(|f| f["rule"] == "unknown-field"
        && f["subject"] == "top_artist.nickname"
        && f["template"] == "fields"));
    assert!(report["cards"].as_u64().unwrap() > 10);
}

#[test]
fn the_binary_exits_0_when_clean() {
    let o = lint_cli(&[
        "--template",
        "minutes",
        "--locale",
        "de",
        "--budget-ms",
        "0",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        stderr(&o)
    );
    assert!(stderr(&o).contains("0 findings"), "{}", stderr(&o));
}

#[test]
fn the_binary_exits_2_on_bad_arguments() {
    for (args, error) in [
        (&["--template", "nope"][..], "nope"),
        (&["--locale", "not a tag"][..], "--locale"),
        (&["--format", "poster"][..], "poster"),
        (&["--data", "/nonexistent/users.jsonl"][..], "users.jsonl"),
    ] {
        let o = lint_cli(args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.starts_with("error: ") && err.contains(error),
            "{args:?}: {err}"
        );
    }
    let o = lint_cli(&["--template", "nope"]);
    assert!(stderr(&o).contains("hint: "), "{}", stderr(&o));
    // --data and --fixtures exclude each other (clap's usage error, also 2).
    let o = lint_cli(&["--fixtures", "--data", "x.jsonl"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

// The studio.

#[tokio::test]
async fn the_studio_lists_a_cards_findings_beside_it() {
    use axum::http::StatusCode;
    let s = common::studio::Studio::new("lint_studio", None, true);
    let findings_of = |cards: &serde_json::Value, template: &str| {
        cards["cards"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["template"] == template && c["format"] == "story")
            .expect("the card")["findings"]
            .as_str()
            .expect("a findings link")
            .to_string()
    };
    let cards = s.get("/api/cards/fixture/typical").await.json();
    let clean = s.get(&findings_of(&cards, "minutes")).await;
    clean.assert_status(StatusCode::OK);
    assert_eq!(clean.json(), serde_json::json!([]));

    // The designer drags the name into the top safe zone: the list under the card says so.
    let layer = s.template_file("minutes/story.svg.hbs");
    let text = std::fs::read_to_string(&layer).unwrap();
    let moved = text.replacen(
        "{{text display_name x=230 y=380",
        "{{text display_name x=230 y=100",
        1,
    );
    assert_ne!(moved, text, "the name's frame moved");
    std::fs::write(&layer, moved).unwrap();
    s.workspace.reload_templates(Some("minutes"));
    let cards = s.get("/api/cards/fixture/typical").await.json();
    let findings = s.get(&findings_of(&cards, "minutes")).await.json();
    let findings = findings.as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "safe-zone" && f["subject"] == "Alex Rivera"),
        "{findings:?}"
    );
}
