//! How much of a story card's compressed rows could be the background's pieces, were each
//! row split into tiles: renders every story card of the sample's users, and counts, within
//! the bands the band encoder compresses (16-row bands that differ from the background), the
//! bytes of tiles whose Paeth-filtered bytes are the background's. A tile's filtered bytes
//! are the background's when its pixels, the pixel left of it, and the same columns of the
//! row above are all the background's. `cargo run --release --example tile_reuse [TILE_PX]`

use cardfarm::card::png::BAND_ROWS;
use cardfarm::farm::dataset::Dataset;
use cardfarm::{Renderer, Stats};

fn main() -> anyhow::Result<()> {
    let tile: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(64);
    let renderer = Renderer::load("templates".as_ref(), "fonts".as_ref())?;
    let dataset = Dataset::open("data/sample.jsonl".as_ref())?;
    let users: Vec<Stats> = dataset.users()?.filter_map(Result::ok).collect();
    println!("tile {tile} px; per template: bands' rows compressed, and the share of their bytes in reusable tiles");
    let (mut all_rows, mut all_bytes, mut all_reusable) = (0usize, 0usize, 0usize);
    for t in renderer.templates().iter() {
        let Some(f) = t.formats.get("story") else {
            continue;
        };
        let empty = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}"/>"#,
            f.width, f.height
        );
        let empty = usvg::Tree::from_str(&empty, &usvg::Options::default())?;
        let (w, h) = (f.width as usize, f.height as usize);
        let (mut rows, mut bytes, mut reusable) = (0usize, 0usize, 0usize);
        for stats in &users {
            let source = cardfarm::Source {
                stats,
                root: Some(dataset.root()),
            };
            let filled = renderer.fill(source, t, f)?;
            let card = renderer.rasterize(t, f, stats.locale(), &renderer.parse(t, &filled)?)?;
            let background = renderer.rasterize(t, f, stats.locale(), &empty)?;
            let (c, b) = (card.data(), background.data());
            // Columns of each row where the card is not the background.
            let differs = |r: usize, x: usize| {
                let i = (r * w + x) * 4;
                c[i..i + 4] != b[i..i + 4]
            };
            let row_differs: Vec<bool> = (0..h).map(|r| (0..w).any(|x| differs(r, x))).collect();
            for band in 0..h.div_ceil(BAND_ROWS) {
                let start = band * BAND_ROWS;
                let end = (start + BAND_ROWS).min(h);
                if !row_differs[start.saturating_sub(1)..end].iter().any(|&d| d) {
                    continue;
                }
                for r in start..end {
                    rows += 1;
                    bytes += 1 + w * 3;
                    for x0 in (0..w).step_by(tile) {
                        let x1 = (x0 + tile).min(w);
                        let clean = (r.saturating_sub(1)..=r)
                            .all(|rr| (x0.saturating_sub(1)..x1).all(|x| !differs(rr, x)));
                        if clean {
                            reusable += (x1 - x0) * 3;
                        }
                    }
                }
            }
        }
        println!(
            "  {:16} {:6.0} rows a card, {:4.1}% of their bytes reusable",
            t.name,
            rows as f64 / users.len() as f64,
            100.0 * reusable as f64 / bytes as f64
        );
        all_rows += rows;
        all_bytes += bytes;
        all_reusable += reusable;
    }
    println!(
        "  all stories      {:6.0} rows a card, {:4.1}% of their bytes reusable",
        all_rows as f64 / (users.len() * 6) as f64,
        100.0 * all_reusable as f64 / all_bytes as f64
    );
    Ok(())
}
