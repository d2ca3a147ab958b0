//! Where the start-up of `cardfarm render --user demo --template top-artists` goes, phase by
//! phase, with the background cache in a temporary folder (filled by the first of the runs).
//! `cargo run --release --example startup_phases [RUNS]`
//!
//! Each phase is what the command does, in its order: the fonts, the templates and catalogs,
//! the dataset lookup, the background (from the cache, or drawn), the card, the file. One
//! phase is not: "fonts digest" hashes the fonts' bytes, which the command does not do once
//! the cache remembers the digest under the fonts' stamp; it shows what that memo saves.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use cardfarm::card::backdrop::cache::{Cache, Mode};
use cardfarm::card::fonts::Fonts;
use cardfarm::card::template::Templates;
use cardfarm::farm::dataset::Dataset;
use cardfarm::{Renderer, Source};

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(5);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::temp_dir().join(format!("cardfarm-phases-{}", std::process::id()));
    let out = dir.join("card.png");
    let mut phases: Vec<(&str, Vec<f64>)> = Vec::new();
    for run in 0..=runs {
        let mut times = Vec::new();
        let mut lap = Instant::now();
        let mut mark = |name: &'static str, times: &mut Vec<(&'static str, f64)>| {
            times.push((name, lap.elapsed().as_secs_f64() * 1000.0));
            lap = Instant::now();
        };
        let fonts = Arc::new(Fonts::load(&repo.join("fonts")).expect("fonts"));
        mark("fonts", &mut times);
        let templates = Templates::load(&repo.join("templates"), fonts.clone()).expect("templates");
        mark("templates and catalogs", &mut times);
        let cache = Arc::new(Cache::new(&dir, Mode::ReadWrite));
        let renderer = Renderer::new(fonts, templates).with_cache(Some(cache.clone()));
        renderer.fonts().digest();
        mark("fonts digest", &mut times);
        let dataset = Dataset::open(&repo.join("data/sample.jsonl")).expect("dataset");
        let found = dataset.lookup("demo").expect("demo");
        mark("dataset lookup", &mut times);
        renderer
            .cache_cards(
                &[("top-artists".into(), "story".into())],
                &[found.stats.locale().to_string()],
            )
            .expect("background");
        mark("background", &mut times);
        let source = Source {
            stats: &found.stats,
            root: Some(dataset.root()),
        };
        let card = renderer
            .render(source, "top-artists", "story")
            .expect("card");
        mark("card", &mut times);
        std::fs::write(&out, &card.png.0).expect("write");
        mark("write", &mut times);
        let total: f64 = times.iter().map(|(_, t)| t).sum();
        times.push(("total", total));
        let from = match cache.counts().hits {
            0 => "drawn",
            _ => "from the cache",
        };
        println!(
            "run {run} (background {from}): {}",
            times
                .iter()
                .map(|(n, t)| format!("{n} {t:.1} ms"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        if run == 0 {
            continue; // the run that filled the cache
        }
        for (i, (name, t)) in times.into_iter().enumerate() {
            if phases.len() <= i {
                phases.push((name, Vec::new()));
            }
            phases[i].1.push(t);
        }
    }
    println!("medians of {runs} runs with the background in the cache:");
    for (name, mut t) in phases {
        t.sort_by(f64::total_cmp);
        println!("  {name:<24} {:7.1} ms", t[t.len() / 2]);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
