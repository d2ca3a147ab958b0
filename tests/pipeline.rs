//! The library pipeline end to end: the sample dataset, determinism, sizes, errors and the
//! shipped JSON Schema.

mod common;

use cardfarm::{Error, Source, Stats};
use common::{fixtures, renderer, repo, sample, typical_json};

#[test]
fn every_sample_user_is_valid_and_renders_every_story_card() {
    let dataset = sample();
    let users: Vec<Stats> = dataset.users().unwrap().map(|u| u.unwrap()).collect();
    assert!(users.len() >= 50, "{} users", users.len());
    assert!(users.iter().any(|u| u.user_id == "demo"));
    common::warm(
        renderer(),
        users.iter().flat_map(|u| {
            renderer()
                .templates()
                .iter()
                .map(|t| (t.name.clone(), "story".to_string(), u.locale().to_string()))
        }),
    );
    // The users in two halves at once: 588 cards of a debug build take minutes on one core.
    let render_all = |users: &[Stats]| {
        let mut failures = Vec::new();
        for stats in users {
            for t in renderer().templates().iter() {
                let source = Source {
                    stats,
                    root: Some(dataset.root()),
                };
                if let Err(e) = renderer().render(source, &t.name, "story") {
                    failures.push(format!("{} / {}: {e}", stats.user_id, t.name));
                }
            }
        }
        failures
    };
    let (first, second) = users.split_at(users.len() / 2);
    let failures: Vec<String> = std::thread::scope(|s| {
        let other = s.spawn(|| render_all(second));
        let mut failures = render_all(first);
        failures.extend(other.join().expect("the second half's thread"));
        failures
    });
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn the_same_input_gives_the_same_bytes_at_the_exact_size() {
    let dataset = sample();
    let stats = dataset.find("demo").unwrap();
    let source = Source {
        stats: &stats,
        root: Some(dataset.root()),
    };
    for t in renderer().templates().iter() {
        for f in t.formats.values() {
            let a = renderer().render(source, &t.name, &f.name).unwrap();
            let b = renderer().render(source, &t.name, &f.name).unwrap();
            assert_eq!(a.png, b.png, "{}/{} is not deterministic", t.name, f.name);
            let decoder = png::Decoder::new(std::io::Cursor::new(a.png.0));
            let reader = decoder.read_info().unwrap();
            let info = reader.info();
            assert_eq!((info.width, info.height), (f.width, f.height));
            assert_eq!(info.color_type, png::ColorType::Rgb, "opaque cards are RGB");
        }
    }
}

#[test]
fn broken_photos_become_placeholders_with_a_warning() {
    let fixtures = fixtures();
    let top_artists = |stats: &Stats| {
        renderer()
            .render(
                Source {
                    stats,
                    root: Some(&fixtures),
                },
                "top-artists",
                "story",
            )
            .unwrap()
    };
    for name in ["missing-image", "corrupt-image"] {
        let json = common::fixture_json(name);
        let stats = Stats::from_json(&json, name).unwrap();
        let card = top_artists(&stats);
        assert_eq!(card.warnings.len(), 1, "{name}: {:?}", card.warnings);
        assert!(
            card.warnings[0].starts_with("top_artists[0].image"),
            "{:?}",
            card.warnings
        );
    }
    // An image path that climbs out of the dataset folder is refused, never read.
    let mut stats = Stats::from_json(&typical_json(), "t").unwrap();
    stats.top_artists[0].image = Some("../../Cargo.toml".into());
    let card = top_artists(&stats);
    assert!(
        card.warnings[0].contains("leaves the dataset folder"),
        "{:?}",
        card.warnings
    );
}

#[test]
fn stats_errors_name_the_field_or_position() {
    let err = |json: &str| Stats::from_json(json, "input").unwrap_err().to_string();
    let typical = typical_json();
    let mut v: serde_json::Value = serde_json::from_str(&typical).unwrap();

    v["top_artists"][2]["minutes"] = serde_json::json!(-4);
    assert_eq!(
        err(&v.to_string()),
        "top_artists[2].minutes: expected a non-negative integer, got -4"
    );

    let mut v2: serde_json::Value = serde_json::from_str(&typical).unwrap();
    v2["top_genres"][0]["share"] = serde_json::json!(1.5);
    assert_eq!(
        err(&v2.to_string()),
        "top_genres[0].share: expected a number from 0 to 1, got 1.5"
    );

    let mut v3: serde_json::Value = serde_json::from_str(&typical).unwrap();
    v3["listening_clock"] = serde_json::json!([1, 2, 3]);
    assert_eq!(
        err(&v3.to_string()),
        "listening_clock: expected exactly 24 numbers, got 3"
    );

    let mut v4: serde_json::Value = serde_json::from_str(&typical).unwrap();
    v4.as_object_mut().unwrap().remove("display_name");
    assert!(err(&v4.to_string()).contains("missing field `display_name`"));

    assert!(err("{\"user_id\": \"a\",\n \"year\": }")
        .starts_with("malformed JSON at input, line 2, column 10"));

    // XML-forbidden characters are stripped, not passed to the SVG.
    let mut v5: serde_json::Value = serde_json::from_str(&typical).unwrap();
    v5["display_name"] = serde_json::json!("A\u{0001}B\u{FFFE}\nC");
    let stats = Stats::from_json(&v5.to_string(), "input").unwrap();
    assert_eq!(stats.display_name, "AB C");
}

#[test]
fn user_strings_cannot_inject_svg() {
    let typical = typical_json();
    let mut v: serde_json::Value = serde_json::from_str(&typical).unwrap();
    v["display_name"] = serde_json::json!("</svg><image href=\"file:///etc/passwd\"/>{{year}}");
    v["top_genres"][0]["name"] = serde_json::json!("\"><script>alert(1)</script>");
    let stats = Stats::from_json(&v.to_string(), "input").unwrap();
    for t in renderer().templates().iter() {
        let (template, format) = renderer().templates().get(&t.name, "story").unwrap();
        let filled = renderer()
            .fill(
                Source {
                    stats: &stats,
                    root: None,
                },
                template,
                format,
            )
            .unwrap();
        assert!(!filled.svg.as_str().contains("<script"), "{}", t.name);
        assert!(!filled.svg.as_str().contains("file:///"), "{}", t.name);
        renderer().parse(template, &filled).unwrap();
    }
}

#[test]
fn unknown_user_is_a_typed_error() {
    assert!(matches!(
        sample().find("no-such-user"),
        Err(Error::UnknownUser { .. })
    ));
}

/// `schema/stats.schema.json` is what the types generate; regenerate with
/// `cargo run -- schema > schema/stats.schema.json`.
#[test]
fn shipped_json_schema_is_current() {
    let shipped = std::fs::read_to_string(repo().join("schema/stats.schema.json")).unwrap();
    let shipped: serde_json::Value = serde_json::from_str(&shipped).unwrap();
    assert_eq!(
        shipped,
        cardfarm::card::model::json_schema(),
        "regenerate schema/stats.schema.json"
    );
}
