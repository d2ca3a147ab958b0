//! Golden images: every template renders the fixture users in `tests/fixtures/` and must match
//! the reviewed PNGs in `golden/`, pixel by pixel within a small tolerance.
//!
//! All cases run and every failure is reported together. A mismatch writes
//! `expected | diff | actual` to `target/golden-diff/` and prints the path. A missing golden
//! fails. To accept new output, run `CARDFARM_BLESS=1 cargo test --test golden`: it rewrites the
//! goldens (compressed with oxipng) and still fails, so blessing is always deliberate; look at
//! every rewritten PNG, then run the tests again.

mod common;

use std::path::PathBuf;

use cardfarm::golden::{self, decode, differing_pixels, Case, MAX_DIFFERING_PIXELS};
use cardfarm::{Renderer, Source, Stats};
use common::{fixture, fixtures, repo};

fn golden_path(case: &Case) -> PathBuf {
    case.golden(&repo().join("golden"))
}

fn cases(renderer: &Renderer) -> Vec<Case> {
    golden::cases(renderer.templates())
}

fn render(renderer: &Renderer, stats: &Stats, template: &str, format: &str) -> Vec<u8> {
    let fixtures = fixtures();
    let source = Source {
        stats,
        root: Some(&fixtures),
    };
    renderer
        .render(source, template, format)
        .unwrap_or_else(|e| panic!("{template}/{format}: {e}"))
        .png
        .0
}

/// Writes `expected | diff | actual` to `target/golden-diff/`.
fn write_diff(name: &str, expected: &golden::Image, actual: &golden::Image) -> PathBuf {
    let out = repo()
        .join("target/golden-diff")
        .join(format!("{}.png", name.replace('/', "--")));
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    golden::diff_strip(expected, actual).save(&out).unwrap();
    out
}

#[test]
fn goldens_match() {
    let renderer: &Renderer = common::renderer();
    let blessing = std::env::var_os("CARDFARM_BLESS").is_some();
    let mut failures = Vec::new();
    let mut blessed = 0;
    let cases = cases(renderer);
    common::warm_golden_cases(renderer);
    for case in &cases {
        let mut stats = fixture(&case.fixture);
        if let Some(locale) = &case.locale {
            stats.locale = Some(locale.clone());
        }
        let png = render(renderer, &stats, &case.template, &case.format);
        let golden = golden_path(case);
        let expected = std::fs::read(&golden).ok().map(|b| decode(&b));
        let actual = decode(&png).expect("our own PNG decodes");
        let verdict = match &expected {
            None => Err("no golden (bless to create it)".to_string()),
            Some(Err(e)) => Err(format!("golden does not decode: {e}")),
            Some(Ok(expected)) => match differing_pixels(expected, &actual) {
                Ok(n) if n <= MAX_DIFFERING_PIXELS => Ok(()),
                Ok(n) => Err(format!(
                    "{n} pixels differ; see {}",
                    write_diff(&case.name(), expected, &actual).display()
                )),
                Err(e) => Err(e),
            },
        };
        if let Err(why) = verdict {
            if blessing {
                golden::bless(&golden, &png).expect("the golden is written");
                blessed += 1;
            } else {
                failures.push(format!("{}: {why}", case.name()));
            }
        }
    }
    if blessing && blessed > 0 {
        panic!(
            "blessed {blessed} golden(s) under golden/. Look at each one at full size, then run again without CARDFARM_BLESS."
        );
    }
    assert!(
        failures.is_empty(),
        "{} of {} golden cases failed:\n  {}",
        failures.len(),
        cases.len(),
        failures.join("\n  ")
    );
}

/// Goldens with no case behind them are stale: a renamed template or fixture.
#[test]
fn no_orphan_goldens() {
    let renderer: &Renderer = common::renderer();
    let expected: Vec<PathBuf> = cases(renderer).iter().map(golden_path).collect();
    let mut orphans = Vec::new();
    for dir in std::fs::read_dir(repo().join("golden"))
        .expect("golden/ exists")
        .flatten()
    {
        for file in std::fs::read_dir(dir.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            if !expected.contains(&file.path()) {
                orphans.push(file.path().display().to_string());
            }
        }
    }
    assert!(orphans.is_empty(), "goldens without a case: {orphans:?}");
}

/// The comparison is not blind: one changed digit in the minutes must fail it.
#[test]
fn comparison_catches_a_changed_digit() {
    let renderer: &Renderer = common::renderer();
    let mut stats = fixture("typical");
    let golden = golden_path(&Case {
        fixture: "typical".into(),
        template: "minutes".into(),
        format: "story".into(),
        locale: None,
    });
    let expected = decode(&std::fs::read(&golden).expect("typical minutes golden exists")).unwrap();
    let same = decode(&render(renderer, &stats, "minutes", "story")).unwrap();
    assert!(differing_pixels(&expected, &same).unwrap() <= MAX_DIFFERING_PIXELS);

    stats.minutes_listened.0 += 1; // 48213 → 48214: one digit
    let changed = decode(&render(renderer, &stats, "minutes", "story")).unwrap();
    let n = differing_pixels(&expected, &changed).unwrap();
    assert!(
        n > MAX_DIFFERING_PIXELS * 10,
        "a changed digit moved only {n} pixels"
    );
}
