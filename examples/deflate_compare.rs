//! Which deflate compressor to use for a card's rows: compresses the `Paeth`-filtered rows of
//! every story card of three sample users with each maintained compressor at the levels that
//! matter, in interleaved rounds, and prints the median time per card and the mean size.
//! `cargo run --release --example deflate_compare`
//!
//! fdeflate compresses the rows changed at render time; the background's rows are compressed
//! once per format, so there a slow, small compressor is the better trade.

use std::time::Instant;

use cardfarm::card::png::paeth_filtered;
use cardfarm::farm::dataset::Dataset;
use cardfarm::{Renderer, Stats};

type Compress = fn(&[u8]) -> usize;

fn flate2_zlib_rs(data: &[u8], level: u32) -> usize {
    let mut c = flate2::Compress::new(flate2::Compression::new(level), true);
    let mut out = Vec::with_capacity(data.len() + 1024);
    c.compress_vec(data, &mut out, flate2::FlushCompress::Finish)
        .expect("compresses");
    out.len()
}

fn libdeflate(data: &[u8], level: i32) -> usize {
    let mut c =
        libdeflater::Compressor::new(libdeflater::CompressionLvl::new(level).expect("level"));
    let mut out = vec![0; c.zlib_compress_bound(data.len())];
    c.zlib_compress(data, &mut out).expect("compresses")
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
            cards.push(paeth_filtered(&rgb, pixmap.width()));
        }
    }
    let choices: [(&str, Compress); 10] = [
        ("fdeflate (today's encoder)", |d| {
            fdeflate::compress_to_vec(d).len()
        }),
        ("zlib-rs 1 (flate2)", |d| flate2_zlib_rs(d, 1)),
        ("zlib-rs 6 (flate2)", |d| flate2_zlib_rs(d, 6)),
        ("zlib-rs 9 (flate2)", |d| flate2_zlib_rs(d, 9)),
        ("miniz_oxide 1", |d| {
            miniz_oxide::deflate::compress_to_vec_zlib(d, 1).len()
        }),
        ("miniz_oxide 6", |d| {
            miniz_oxide::deflate::compress_to_vec_zlib(d, 6).len()
        }),
        ("miniz_oxide 9", |d| {
            miniz_oxide::deflate::compress_to_vec_zlib(d, 9).len()
        }),
        ("libdeflate 1", |d| libdeflate(d, 1)),
        ("libdeflate 6", |d| libdeflate(d, 6)),
        ("libdeflate 12", |d| libdeflate(d, 12)),
    ];
    let mut times = vec![Vec::new(); choices.len()];
    let mut sizes = vec![0usize; choices.len()];
    for round in 0..3 {
        for (i, (_, compress)) in choices.iter().enumerate() {
            for data in &cards {
                let started = Instant::now();
                let n = compress(data);
                times[i].push(started.elapsed().as_secs_f64() * 1000.0);
                if round == 0 {
                    sizes[i] += n;
                }
            }
        }
    }
    let raw = cards.iter().map(Vec::len).sum::<usize>() / cards.len();
    println!(
        "{} story cards, {} KB of filtered rows each",
        cards.len(),
        raw / 1000
    );
    println!("{:<28} {:>10} {:>10}", "compressor", "ms/card", "KB/card");
    for (i, (name, _)) in choices.iter().enumerate() {
        times[i].sort_by(f64::total_cmp);
        println!(
            "{name:<28} {:>10.2} {:>10}",
            times[i][times[i].len() / 2],
            sizes[i] / cards.len() / 1000
        );
    }
    Ok(())
}
