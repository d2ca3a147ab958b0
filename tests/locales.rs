//! Locales: the catalogs are complete and well formed, plural forms follow CLDR, fallback goes
//! message by message, and a right-to-left card is mirrored, checked on its pixels.

mod common;

use cardfarm::card::catalog::{Arg, Catalogs, Direction};
use cardfarm::{Renderer, Source, Stats};
use common::{fixture, fixtures, repo, LOCALES};

fn catalogs() -> &'static Catalogs {
    common::renderer().templates().catalogs()
}

/// A formatted message without the marks that steer bidi (they draw nothing).
fn plain(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(*c, '\u{200E}' | '\u{200F}' | '\u{2066}'..='\u{2069}'))
        .collect()
}

fn format(locale: &str, id: &str, args: &[(&str, Arg)]) -> String {
    plain(
        &catalogs()
            .format(locale, id, args)
            .unwrap_or_else(|e| panic!("{locale}: {e}")),
    )
}

#[test]
fn every_launch_locale_has_a_catalog() {
    let tags: Vec<&str> = catalogs().tags().collect();
    for locale in LOCALES {
        assert!(tags.contains(locale), "no catalog for `{locale}`: {tags:?}");
    }
}

/// Every message of the reference exists in every catalog. A catalog that lacks one still
/// renders (that message falls back), but a launch locale must not print English.
#[test]
fn every_reference_message_is_in_every_catalog() {
    let missing = catalogs().missing();
    let unknown = catalogs().unknown();
    let mut report = Vec::new();
    for (tag, id) in &missing {
        report.push(format!("{tag}: `{id}` is missing (falls back)"));
    }
    for (tag, id) in &unknown {
        report.push(format!("{tag}: `{id}` is not in the reference catalog"));
    }
    assert!(
        report.is_empty(),
        "{} catalog problem(s):\n  {}",
        report.len(),
        report.join("\n  ")
    );
}

/// Every message id a template asks for exists in the reference catalog.
#[test]
fn templates_ask_only_for_reference_messages() {
    let pattern = "(t \"";
    let mut unknown = Vec::new();
    let mut asked = 0;
    for dir in std::fs::read_dir(repo().join("templates"))
        .unwrap()
        .flatten()
    {
        for file in std::fs::read_dir(dir.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let path = file.path();
            let name = path.to_string_lossy().to_string();
            if !(name.ends_with(".hbs") || name.ends_with("-bg.svg")) {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for piece in text.split(pattern).skip(1) {
                let id = piece.split('"').next().unwrap();
                asked += 1;
                if !catalogs().has(id) {
                    unknown.push(format!("{name}: `{id}`"));
                }
            }
        }
    }
    assert!(asked > 50, "found only {asked} messages in the templates");
    assert!(unknown.is_empty(), "unknown messages: {unknown:?}");
}

/// No English word is left in a template: quoted text given to `text` or `label` is a
/// message, a number, or a symbol.
#[test]
fn no_copy_is_left_in_templates() {
    let mut found = Vec::new();
    for dir in std::fs::read_dir(repo().join("templates"))
        .unwrap()
        .flatten()
    {
        for file in std::fs::read_dir(dir.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let path = file.path();
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for helper in ["{{text \"", "{{label \"", "<text"] {
                for piece in text.split(helper).skip(1) {
                    let literal = piece.split('"').next().unwrap_or_default();
                    if literal.chars().any(|c| c.is_alphabetic()) || helper == "<text" {
                        found.push(format!("{}: {helper}{literal}", path.display()));
                    }
                }
            }
        }
    }
    assert!(found.is_empty(), "copy outside the catalogs: {found:?}");
}

#[test]
fn plural_forms_follow_cldr() {
    let counts = [0u32, 1, 2, 5, 21, 101];
    let expect: &[(&str, [&str; 6])] = &[
        (
            "ru",
            [
                "0 минут",
                "1 минута",
                "2 минуты",
                "5 минут",
                "21 минута",
                "101 минута",
            ],
        ),
        (
            "pl",
            [
                "0 minut",
                "1 minuta",
                "2 minuty",
                "5 minut",
                "21 minut",
                "101 minut",
            ],
        ),
        (
            "ar",
            [
                "0 دقيقة",
                "دقيقة واحدة",
                "دقيقتان",
                "5 دقائق",
                "21 دقيقة",
                "101 دقيقة",
            ],
        ),
        (
            "en",
            [
                "0 minutes",
                "1 minute",
                "2 minutes",
                "5 minutes",
                "21 minutes",
                "101 minutes",
            ],
        ),
    ];
    let mut wrong = Vec::new();
    for (locale, forms) in expect {
        for (n, want) in counts.iter().zip(forms) {
            let got = format(
                locale,
                "minutes-count",
                &[("minutes", Arg::Number(f64::from(*n)))],
            );
            if got != *want {
                wrong.push(format!("{locale} {n}: got {got:?}, want {want:?}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn numbers_in_messages_group_like_the_number_helper() {
    let args = [("minutes", Arg::Number(48213.0))];
    assert_eq!(format("en", "minutes-count", &args), "48,213 minutes");
    assert_eq!(format("de", "minutes-count", &args), "48.213 Minuten");
    // hi has no catalog region; en-IN words are English but its numbers are Indian.
    let lakh = [("minutes", Arg::Number(1234567.0))];
    assert_eq!(format("en-IN", "minutes-count", &lakh), "12,34,567 minutes");
    let pct = [("percent", Arg::Number(0.5))];
    assert_eq!(
        format("en", "top-percentile", &pct),
        "Top 0.5% of their listeners"
    );
    assert_eq!(
        format("de", "top-percentile", &pct),
        "Top 0,5\u{a0}% seiner Hörerschaft"
    );
    assert_eq!(
        format("tr", "percent", &[("value", Arg::Decimals(34.2, 0))]),
        "%34"
    );
}

#[test]
fn requests_find_the_nearest_catalog() {
    let c = catalogs();
    assert_eq!(c.chain("pt-BR"), ["pt-BR", "en"]);
    assert_eq!(c.chain("pt"), ["pt-BR", "en"]);
    assert_eq!(c.chain("pt_BR"), ["pt-BR", "en"]);
    assert_eq!(c.chain("zh-CN"), ["zh-Hans", "en"]);
    assert_eq!(c.chain("zh-Hans-CN"), ["zh-Hans", "en"]);
    assert_eq!(c.chain("de-CH"), ["de", "en"]);
    assert_eq!(c.chain("xx-YY"), ["en"]);
    assert_eq!(c.direction("ar-EG"), Direction::Rtl);
    assert_eq!(c.direction("he"), Direction::Rtl);
    // Persian has no catalog: its words are English, so the layout stays left to right.
    assert_eq!(c.direction("fa"), Direction::Ltr);
}

/// `pt-BR` → `pt` → `en`, message by message, and every gap reported.
#[test]
fn a_missing_message_falls_back_alone() {
    let dir = std::env::temp_dir().join(common::unique("catalogs"));
    let write = |tag: &str, body: &str| {
        std::fs::create_dir_all(dir.join(tag)).unwrap();
        std::fs::write(dir.join(tag).join("cards.ftl"), body).unwrap();
    };
    write("en", "a = A en\nb = B en\nc = C en\n");
    write("pt", "a = A pt\nb = B pt\n");
    write("pt-BR", "a = A br\n");
    let catalogs = Catalogs::load(&dir).unwrap();
    let get = |id| catalogs.format("pt-BR", id, &[]).unwrap();
    assert_eq!(catalogs.chain("pt-BR"), ["pt-BR", "pt", "en"]);
    assert_eq!(
        (get("a"), get("b"), get("c")),
        ("A br".into(), "B pt".into(), "C en".into())
    );
    let mut missing = catalogs.missing();
    missing.sort();
    let expected: Vec<(String, String)> = [("pt", "c"), ("pt-BR", "b"), ("pt-BR", "c")]
        .iter()
        .map(|(t, i)| (t.to_string(), i.to_string()))
        .collect();
    assert_eq!(missing, expected);
    assert!(matches!(
        catalogs.format("pt-BR", "nope", &[]),
        Err(cardfarm::card::catalog::CatalogError::Unknown { .. })
    ));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_broken_catalog_is_named() {
    let dir = std::env::temp_dir().join(common::unique("broken"));
    std::fs::create_dir_all(dir.join("en")).unwrap();
    std::fs::write(dir.join("en/cards.ftl"), "a = { $x\n").unwrap();
    let e = Catalogs::load(&dir).unwrap_err().to_string();
    assert!(e.contains("cards.ftl"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
    let dir = std::env::temp_dir().join(common::unique("noref"));
    std::fs::create_dir_all(dir.join("de")).unwrap();
    std::fs::write(dir.join("de/cards.ftl"), "a = A\n").unwrap();
    let e = Catalogs::load(&dir).unwrap_err().to_string();
    assert!(e.contains("reference catalog `en`"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

fn render(renderer: &Renderer, stats: &Stats, template: &str) -> image::RgbaImage {
    let fixtures = fixtures();
    let source = Source {
        stats,
        root: Some(&fixtures),
    };
    let card = renderer.render(source, template, "story").unwrap();
    image::load_from_memory(card.png.as_bytes())
        .unwrap()
        .to_rgba8()
}

fn in_locale(locale: &str) -> Stats {
    let mut stats = fixture("locales");
    stats.locale = Some(locale.to_string());
    stats
}

fn near(p: &image::Rgba<u8>, rgb: [u8; 3], tolerance: u8) -> bool {
    p.0[..3]
        .iter()
        .zip(rgb)
        .all(|(a, b)| a.abs_diff(b) <= tolerance)
}

/// Pixels of `rgb` (±tolerance) in the box x0..x1 × y0..y1.
fn count(
    img: &image::RgbaImage,
    (x0, x1): (u32, u32),
    (y0, y1): (u32, u32),
    rgb: [u8; 3],
) -> usize {
    let mut n = 0;
    for y in y0..y1 {
        for x in x0..x1 {
            if near(img.get_pixel(x, y), rgb, 24) {
                n += 1;
            }
        }
    }
    n
}

/// On the top-artists card the #1 badge sits at the photo's lower right and the runners-up's
/// ranks in a left column; in Arabic and Hebrew both move to the right, read on the pixels.
#[test]
fn a_right_to_left_card_has_its_rank_badges_on_the_right() {
    let renderer = common::renderer();
    const BADGE: [u8; 3] = [0xff, 0x4f, 0xa3];
    const RANK: [u8; 3] = [0xff, 0x8f, 0xc8];
    let left_badge = ((660, 752), (840, 858));
    let right_badge = ((1080 - 752, 1080 - 660), (840, 858));
    let left_ranks = ((96, 186), (1262, 1560));
    let right_ranks = ((1080 - 186, 1080 - 96), (1262, 1560));
    let en = render(renderer, &in_locale("en"), "top-artists");
    assert!(count(&en, left_badge.0, left_badge.1, BADGE) > 500);
    assert_eq!(count(&en, right_badge.0, right_badge.1, BADGE), 0);
    assert!(count(&en, left_ranks.0, left_ranks.1, RANK) > 200);
    assert_eq!(count(&en, right_ranks.0, right_ranks.1, RANK), 0);
    for locale in ["ar", "he"] {
        let img = render(renderer, &in_locale(locale), "top-artists");
        let badge_right = count(&img, right_badge.0, right_badge.1, BADGE);
        let badge_left = count(&img, left_badge.0, left_badge.1, BADGE);
        assert!(
            badge_right > 500,
            "{locale}: badge on the right: {badge_right} px"
        );
        assert_eq!(
            badge_left, 0,
            "{locale}: badge pixels left behind on the left"
        );
        let ranks_right = count(&img, right_ranks.0, right_ranks.1, RANK);
        let ranks_left = count(&img, left_ranks.0, left_ranks.1, RANK);
        assert!(
            ranks_right > 200,
            "{locale}: ranks on the right: {ranks_right} px"
        );
        assert_eq!(ranks_left, 0, "{locale}: rank pixels on the left");
    }
}

/// The heading in a cached background is the locale's: an Arabic card's background differs
/// from the English one where the heading is, and `ar-EG` draws the `ar` one.
#[test]
fn backgrounds_are_cached_per_locale() {
    let renderer = common::renderer();
    let heading = ((90, 990), (280, 330));
    let en = render(renderer, &in_locale("en"), "top-artists");
    let ar = render(renderer, &in_locale("ar"), "top-artists");
    let ar_again = render(renderer, &in_locale("ar-EG"), "top-artists");
    let differing = (heading.1 .0..heading.1 .1)
        .flat_map(|y| (heading.0 .0..heading.0 .1).map(move |x| (x, y)))
        .filter(|&(x, y)| en.get_pixel(x, y) != ar.get_pixel(x, y))
        .count();
    assert!(
        differing > 1000,
        "the heading did not change: {differing} px"
    );
    let same = (heading.1 .0..heading.1 .1)
        .flat_map(|y| (heading.0 .0..heading.0 .1).map(move |x| (x, y)))
        .all(|(x, y)| ar.get_pixel(x, y) == ar_again.get_pixel(x, y));
    assert!(same, "ar and ar-EG share one background");
}

/// A background heading keeps its size when it fits, shrinks (spacing with it) when it does
/// not, and is cut with "…" only below the minimum size: never wider than its frame.
#[test]
fn a_long_heading_shrinks_then_is_cut() {
    use cardfarm::card::text::{fit_label, measure, LabelStyle};
    let fonts = common::renderer().fonts();
    let style = LabelStyle {
        weight: 700,
        size: 32.0,
        min_size: 22.4,
        spacing: 9.0,
    };
    let width_of = |text: &str, size: f32, spacing: f32| {
        measure(fonts, text, 700) * size + spacing * text.chars().count() as f32
    };
    let fits = fit_label(fonts, "YOUR TOP ARTISTS", style, 940.0);
    assert_eq!((fits.size, fits.spacing), (32.0, 9.0));
    assert_eq!(fits.text, "YOUR TOP ARTISTS");
    assert_eq!(fits.families, ["Inter"]);

    let long = "DEINE MEISTGEHÖRTEN ARTISTS";
    let shrunk = fit_label(fonts, long, style, 700.0);
    assert_eq!(shrunk.text, long);
    assert!(shrunk.size < 32.0 && shrunk.size >= 22.4, "{}", shrunk.size);
    assert!(shrunk.spacing < 9.0);
    assert!(width_of(&shrunk.text, shrunk.size, shrunk.spacing) <= 700.0);

    let cut = fit_label(fonts, long, style, 200.0);
    assert!((cut.size - 22.4).abs() < 0.01, "{}", cut.size);
    assert!(
        cut.text.ends_with('…') && cut.text.len() < long.len(),
        "{}",
        cut.text
    );
    assert!(width_of(&cut.text, cut.size, cut.spacing) <= 200.0);

    let arabic = fit_label(fonts, "فنانوك الأكثر استماعًا", style, 940.0);
    assert_eq!(arabic.families[0], "Noto Sans Arabic");
}
