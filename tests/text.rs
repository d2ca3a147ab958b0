//! Text layout with the bundled fonts: every script we claim draws real glyphs (no `.notdef`
//! boxes), emoji sequences become single glyphs, and fitting keeps any string in its frame.

mod common;

use cardfarm::card::fonts::Fonts;
use cardfarm::card::text::{self, Align, Frame, Style};

/// The bundled fonts, as the shared renderer loaded them.
fn fonts() -> &'static Fonts {
    common::renderer().fonts()
}

fn glyphs(s: &str) -> Vec<(String, u32)> {
    text::shape(fonts(), s, 700)
        .glyphs(fonts())
        .map(|(f, g)| (f.to_string(), g))
        .collect()
}

#[test]
fn every_claimed_script_draws_real_glyphs() {
    for sample in [
        "Beyoncé Zoë Åkerlund Łukasz Wróbel",
        "Земфира Ѳеодоръ",
        "Ελληνικά Μουσική",
        "宇多田ヒカル",
        "방탄소년단",
        "周杰伦的音乐",
        "فيروز سلام",
        "שלום עליכם",
        "अरिजीत सिंह",
        "ภาษาไทย เพลง",
        "Arijit अरिजीत سلام",
        "Bad Bunny 🐰🔥",
        "ok 👍🏽",
        "宇多田ヒカル & Beyoncé",
        "family 👨‍👩‍👧‍👦 flags 🇯🇵🇧🇷 keycap 1️⃣ ❤️",
    ] {
        let g = glyphs(sample);
        assert!(!g.is_empty(), "{sample}: no glyphs");
        let boxes: Vec<_> = g.iter().filter(|(_, id)| *id == 0).collect();
        assert!(boxes.is_empty(), "{sample}: .notdef boxes from {boxes:?}");
    }
}

#[test]
fn scripts_get_their_own_faces() {
    let families = |s: &str| -> Vec<String> { glyphs(s).into_iter().map(|(f, _)| f).collect() };
    assert!(families("سلام").iter().all(|f| f.contains("Arabic")));
    assert!(families("שלום").iter().all(|f| f.contains("Hebrew")));
    assert!(families("अरिजीत").iter().all(|f| f.contains("Devanagari")));
    assert!(families("ภาษาไทย").iter().all(|f| f.contains("Thai")));
    assert!(families("ヒカル").iter().all(|f| f.ends_with("JP")));
    assert!(families("방탄").iter().all(|f| f.ends_with("KR")));
    assert!(families("Beyoncé").iter().all(|f| f.starts_with("Inter")));
    let mixed = families("Bad Bunny 🐰🔥");
    assert!(
        mixed.iter().any(|f| f.contains("Emoji")) && mixed.iter().any(|f| f.starts_with("Inter"))
    );
}

#[test]
fn emoji_sequences_are_single_glyphs() {
    for (s, n) in [("👨‍👩‍👧‍👦", 1), ("👍🏽", 1), ("🇯🇵", 1), ("1️⃣", 1), ("🇯🇵🇧🇷", 2)]
    {
        let g = glyphs(s);
        assert_eq!(g.len(), n, "{s}: {g:?}");
        assert!(
            g.iter().all(|(f, id)| f.contains("Emoji") && *id != 0),
            "{s}: {g:?}"
        );
    }
}

#[test]
fn right_to_left_runs_are_reversed_for_display() {
    // "abc سلام": the Latin run comes first on the left, then Arabic.
    let g = glyphs("abc سلام");
    assert!(g.first().unwrap().0.starts_with("Inter"));
    assert!(g.last().unwrap().0.contains("Arabic"));
    // In an Arabic sentence with a Latin word, the Latin word sits left of the Arabic start.
    let g = glyphs("سلام abc");
    assert!(g.first().unwrap().0.starts_with("Inter"), "{g:?}");
}

fn fitted(s: &str, style: &Style, width: f32) -> text::Block {
    text::fit(
        fonts(),
        s,
        style,
        Frame {
            x: 0.0,
            y: 0.0,
            width,
            height: None,
        },
    )
}

#[test]
fn fitting_keeps_size_then_shrinks_then_wraps_then_ellipsizes() {
    let style = Style {
        size: 100.0,
        min_size: 40.0,
        max_lines: 2,
        align: Align::Left,
        ..Style::default()
    };
    let short = fitted("Aurora", &style, 900.0);
    assert_eq!((short.size, short.lines.len()), (100.0, 1));

    let medium = fitted("Aurora Vale and the Night", &style, 900.0);
    assert!(
        medium.size < 100.0 && medium.size >= 40.0 && medium.lines.len() == 1,
        "{}",
        medium.size
    );

    let long = fitted(
        &"The Extraordinarily Long Named Orchestra ".repeat(2),
        &style,
        900.0,
    );
    assert_eq!(long.lines.len(), 2);

    let huge = fitted(&"word ".repeat(60), &style, 900.0);
    assert_eq!(huge.lines.len(), 2);
    assert_eq!(huge.size, 40.0);
    assert!(huge.lines[1].text.ends_with('…'), "{}", huge.lines[1].text);
    for block in [&short, &medium, &long, &huge] {
        for line in &block.lines {
            assert!(
                line.width * block.size <= 900.5,
                "{} is {} px",
                line.text,
                line.width * block.size
            );
        }
    }
}

#[test]
fn a_300_character_name_without_spaces_fits() {
    let name = "宇".repeat(150) + &"a".repeat(150);
    let style = Style {
        size: 80.0,
        min_size: 30.0,
        max_lines: 3,
        ..Style::default()
    };
    let b = fitted(&name, &style, 800.0);
    assert!(b.lines.len() <= 3);
    for line in &b.lines {
        assert!(line.width * b.size <= 800.5);
    }
    let single = fitted(
        &"x".repeat(300),
        &Style {
            max_lines: 1,
            ..style
        },
        800.0,
    );
    assert!(single.lines[0].text.ends_with('…'));
}
