//! Every shipped background drawn through snapshots, as the studio draws a saved one, and
//! drawn once, as a cache miss draws it, is the same pixels as `resvg::render` draws it, and
//! the shipped designs do resume after their glows: in a second and third locale only the
//! words are drawn again. An edit under every
//! glow composites each glow from its kept layer, with the same pixels again.

mod common;

use cardfarm::card::backdrop::snapshots::{self, Drawn, Snapshots};
use cardfarm::Source;
use common::{fixture, fixtures, renderer};

#[test]
fn every_shipped_background_drawn_from_snapshots_is_the_whole_render() {
    let renderer = renderer();
    // The first two in the same direction: the third mirrors some designs, glows included.
    let people = ["typical", "cjk", "rtl"].map(|name| (name, fixture(name)));
    let root = fixtures();
    let slots: Vec<(String, String)> = renderer
        .templates()
        .iter()
        .flat_map(|t| t.formats.values().map(|f| (t.name.clone(), f.name.clone())))
        .collect();
    assert!(slots.len() >= 8, "{slots:?}");

    // The formats on every core; each format's locales in order, sharing its snapshots.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some((template, format)) = slots.get(i) else {
                    break;
                };
                let snapshots = Snapshots::new(1 << 30);
                for (n, (name, stats)) in people.iter().enumerate() {
                    let source = Source {
                        stats,
                        root: Some(&root),
                    };
                    let inspection = renderer
                        .inspect(source, template, format)
                        .unwrap_or_else(|e| panic!("{template}/{format} for {name}: {e}"));
                    let Some(tree) = inspection.background else {
                        break;
                    };
                    let size = tree.size();
                    let transform = tiny_skia::Transform::from_scale(
                        inspection.width as f32 / size.width(),
                        inspection.height as f32 / size.height(),
                    );
                    let mut whole =
                        tiny_skia::Pixmap::new(inspection.width, inspection.height).unwrap();
                    resvg::render(&tree, transform, &mut whole.as_mut());
                    let mut drawn =
                        tiny_skia::Pixmap::new(inspection.width, inspection.height).unwrap();
                    let how = snapshots.draw(&tree, transform, &mut drawn);
                    assert!(
                        drawn == whole,
                        "{template}/{format} for {name}: snapshots drew other pixels ({how:?})"
                    );
                    let mut once =
                        tiny_skia::Pixmap::new(inspection.width, inspection.height).unwrap();
                    snapshots::draw_unkept(&tree, transform, &mut once);
                    assert!(
                        once == whole,
                        "{template}/{format} for {name}: drawn once, other pixels"
                    );
                    match how {
                        Drawn::Nodes { resumed, .. } if n == 0 => assert_eq!(resumed, 0),
                        Drawn::Nodes { resumed, drawn, .. } if n == 1 => assert!(
                            resumed > 0 && drawn > 0,
                            "{template}/{format} for {name}: the glows were drawn again \
                             ({resumed} nodes resumed, {drawn} drawn)"
                        ),
                        Drawn::Nodes { .. } => {}
                        Drawn::Whole => panic!("{template}/{format}: drawn whole"),
                    }
                    if n == 0 {
                        let size = (inspection.width, inspection.height);
                        under_the_glows(&tree, transform, size, &format!("{template}/{format}"));
                    }
                }
            });
        }
    });
}

/// The background written out by usvg, then with a square added under everything: drawn
/// again from the start, with every glow composited from the layer kept by the first draw.
fn under_the_glows(
    tree: &usvg::Tree,
    transform: tiny_skia::Transform,
    size: (u32, u32),
    card: &str,
) {
    let svg = tree.to_string(&usvg::WriteOptions::default());
    let open = svg.find("<svg").expect("an svg element");
    let first_child = open + svg[open..].find('>').expect("the svg tag closes") + 1;
    let edited = format!(
        r##"{}<rect width="40" height="40" fill="#0a0"/>{}"##,
        &svg[..first_child],
        &svg[first_child..]
    );
    let parse = |text: &str| {
        usvg::Tree::from_str(text, &usvg::Options::default())
            .unwrap_or_else(|e| panic!("{card}: usvg's own output does not parse: {e}"))
    };
    let (written, edited) = (parse(&svg), parse(&edited));
    let snapshots = Snapshots::new(1 << 30);
    let mut pixmap = tiny_skia::Pixmap::new(size.0, size.1).unwrap();
    snapshots.draw(&written, transform, &mut pixmap);

    let mut drawn = tiny_skia::Pixmap::new(size.0, size.1).unwrap();
    let how = snapshots.draw(&edited, transform, &mut drawn);
    let mut whole = tiny_skia::Pixmap::new(size.0, size.1).unwrap();
    resvg::render(&edited, transform, &mut whole.as_mut());
    assert!(
        drawn == whole,
        "{card}, edited under the glows: other pixels ({how:?})"
    );
    match how {
        Drawn::Nodes {
            resumed: 0, layers, ..
        } => assert!(
            layers >= 2,
            "{card}: {layers} glows composited from their layers"
        ),
        other => panic!("{card}, edited under the glows: drawn {other:?}"),
    }
}
