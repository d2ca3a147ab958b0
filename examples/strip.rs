//! Lays PNG cards side by side, scaled to one height: the strip of locales in the README.
//!
//! `cargo run --example strip -- docs/locales.png 640 golden/summary-story/locales-en.png …`

use image::imageops::{self, FilterType};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: strip OUT.png HEIGHT IN.png…";
    let out = args.next().ok_or_else(|| anyhow::anyhow!(usage))?;
    let height: u32 = args.next().ok_or_else(|| anyhow::anyhow!(usage))?.parse()?;
    let gap = height / 40;
    let cards: Vec<image::RgbaImage> = args
        .map(|path| -> anyhow::Result<_> {
            let card = image::open(&path)
                .map_err(|e| anyhow::anyhow!("{path}: {e}"))?
                .to_rgba8();
            let width = card.width() * height / card.height();
            Ok(imageops::resize(&card, width, height, FilterType::Lanczos3))
        })
        .collect::<anyhow::Result<_>>()?;
    anyhow::ensure!(!cards.is_empty(), usage);
    let width = cards.iter().map(|c| c.width() + gap).sum::<u32>() - gap;
    let mut strip = image::RgbaImage::from_pixel(width, height, image::Rgba([0, 0, 0, 0]));
    let mut x = 0;
    for card in &cards {
        imageops::replace(&mut strip, card, i64::from(x), 0);
        x += card.width() + gap;
    }
    strip.save(&out)?;
    Ok(())
}
