//! Every shipped background drawn through snapshots, as the studio draws a saved one, is the
//! same pixels as `resvg::render` draws it, and the shipped designs do resume after their
//! glows: in a second and third locale only the words are drawn again.

mod common;

use cardfarm::card::backdrop::snapshots::{Drawn, Snapshots};
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
                    match how {
                        Drawn::Nodes { resumed, .. } if n == 0 => assert_eq!(resumed, 0),
                        Drawn::Nodes { resumed, drawn } if n == 1 => assert!(
                            resumed > 0 && drawn > 0,
                            "{template}/{format} for {name}: the glows were drawn again \
                             ({resumed} nodes resumed, {drawn} drawn)"
                        ),
                        Drawn::Nodes { .. } => {}
                        Drawn::Whole => panic!("{template}/{format}: drawn whole"),
                    }
                }
            });
        }
    });
}
