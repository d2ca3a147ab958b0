//! Which PNG filter and deflate setting to use: encodes every story card of three sample users
//! with each choice, in interleaved rounds, and prints the median encode time and mean size.
//! `cargo run --release --example png_filters`

use std::time::Instant;

use cardfarm::farm::dataset::Dataset;
use cardfarm::{Renderer, Stats};
use png::{ColorType, DeflateCompression, Filter};

fn encode(
    rgb: &[u8],
    width: u32,
    height: u32,
    deflate: DeflateCompression,
    filter: Filter,
) -> usize {
    cardfarm::card::png::encode_with(rgb, width, height, ColorType::Rgb, deflate, filter)
        .expect("encodes")
        .len()
}

fn main() -> anyhow::Result<()> {
    let renderer = Renderer::load("templates".as_ref(), "fonts".as_ref())?;
    let dataset = Dataset::open("data/sample.jsonl".as_ref())?;
    let users: Vec<Stats> = dataset.users()?.filter_map(Result::ok).take(3).collect();
    let mut cards = Vec::new();
    for t in renderer.templates().iter() {
        let Some(f) = t.formats.get("story") else {
            continue;
        };
        for stats in &users {
            let source = cardfarm::Source {
                stats,
                root: Some(dataset.root()),
            };
            let filled = renderer.fill(source, t, f)?;
            let pixmap = renderer.rasterize(t, f, stats.locale(), &renderer.parse(t, &filled)?)?;
            let rgb: Vec<u8> = pixmap
                .data()
                .chunks_exact(4)
                .flat_map(|px| [px[0], px[1], px[2]])
                .collect();
            cards.push((rgb, pixmap.width(), pixmap.height()));
        }
    }
    let fast = DeflateCompression::FdeflateUltraFast;
    let choices = [
        ("fdeflate, Up", fast, Filter::Up),
        ("fdeflate, Sub", fast, Filter::Sub),
        ("fdeflate, Avg", fast, Filter::Avg),
        ("fdeflate, Paeth", fast, Filter::Paeth),
        ("fdeflate, Adaptive", fast, Filter::Adaptive),
        ("zlib 1, Paeth", DeflateCompression::Level(1), Filter::Paeth),
    ];
    let mut times = vec![Vec::new(); choices.len()];
    let mut sizes = vec![0usize; choices.len()];
    for _round in 0..3 {
        for (i, (_, deflate, filter)) in choices.iter().enumerate() {
            for (rgb, w, h) in &cards {
                let started = Instant::now();
                sizes[i] += encode(rgb, *w, *h, *deflate, *filter);
                times[i].push(started.elapsed().as_secs_f64() * 1000.0);
            }
        }
    }
    println!("{} story cards, 3 rounds", cards.len());
    for (i, (name, _, _)) in choices.iter().enumerate() {
        times[i].sort_by(f64::total_cmp);
        println!(
            "{name:20} median {:6.2} ms   mean {:5.0} KB",
            times[i][times[i].len() / 2],
            sizes[i] as f64 / times[i].len() as f64 / 1024.0
        );
    }
    Ok(())
}
