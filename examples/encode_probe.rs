use cardfarm::{Renderer, Source, Stats};
use std::path::Path;
use std::time::Instant;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let r = Renderer::load(&root.join("templates"), &root.join("fonts")).unwrap();
    let fx = root.join("tests/fixtures");
    let stats = Stats::from_json(
        &std::fs::read_to_string(fx.join("typical.json")).unwrap(),
        "t",
    )
    .unwrap();
    let (t, f) = r.templates().get("top-artists", "story").unwrap();
    let (svg, _) = r
        .fill(
            Source {
                stats: &stats,
                root: Some(&fx),
            },
            t,
            f,
        )
        .unwrap();
    let tree = r.parse(t, &svg).unwrap();
    let pixmap = r.rasterize(t, f, &tree).unwrap();
    let rgb: Vec<u8> = pixmap
        .data()
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    for (name, c, fl) in [
        ("fast/up", png::Compression::Fast, png::Filter::Up),
        ("fast/sub", png::Compression::Fast, png::Filter::Sub),
        ("fast/none", png::Compression::Fast, png::Filter::NoFilter),
        ("fast/paeth", png::Compression::Fast, png::Filter::Paeth),
        (
            "fast/adaptive",
            png::Compression::Fast,
            png::Filter::Adaptive,
        ),
        ("fastest/up", png::Compression::Fastest, png::Filter::Up),
        ("fastest/sub", png::Compression::Fastest, png::Filter::Sub),
        ("balanced/up", png::Compression::Balanced, png::Filter::Up),
    ] {
        let mut times = vec![];
        let mut size = 0;
        for _ in 0..15 {
            let s = Instant::now();
            let mut out = Vec::new();
            let mut e = png::Encoder::new(&mut out, f.width, f.height);
            e.set_color(png::ColorType::Rgb);
            e.set_depth(png::BitDepth::Eight);
            e.set_compression(c);
            e.set_filter(fl);
            let mut w = e.write_header().unwrap();
            w.write_image_data(&rgb).unwrap();
            w.finish().unwrap();
            times.push(s.elapsed().as_secs_f64() * 1000.0);
            size = out.len();
        }
        times.sort_by(f64::total_cmp);
        println!("{name:14} median {:.2} ms  {} KB", times[7], size / 1024);
    }
    let mut times = vec![];
    for _ in 0..15 {
        let s = Instant::now();
        let _ = cardfarm::png::encode(&pixmap).unwrap();
        times.push(s.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!("ours           median {:.2} ms", times[7]);
    let mut times = vec![];
    for _ in 0..15 {
        let s = Instant::now();
        let _ = r.rasterize(t, f, &tree).unwrap();
        times.push(s.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!("rasterize      median {:.2} ms", times[7]);
    let mut times = vec![];
    for _ in 0..15 {
        let s = Instant::now();
        let _ = pixmap.clone();
        times.push(s.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!("clone bg       median {:.2} ms", times[7]);
    let mut times = vec![];
    for _ in 0..31 {
        let s = Instant::now();
        let _ = r
            .fill(
                Source {
                    stats: &stats,
                    root: Some(&fx),
                },
                t,
                f,
            )
            .unwrap();
        times.push(s.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!("fill           median {:.2} ms", times[15]);
}
#[allow(dead_code)]
fn unused() {}
