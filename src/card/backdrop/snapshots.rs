//! Snapshots: a background drawn node by node, with the canvas kept after each node that draws
//! through a filter, so that a background edited after its filters is drawn again from there.
//!
//! Nearly all of a background's drawing time is its blurred glows, and a designer's edit is
//! nearly always to what lies over them (a label, a line, a colour). The studio draws each
//! saved background through [`Snapshots::draw`]: the longest prefix of nodes it has drawn
//! before is taken from its snapshot, and only the nodes after it are drawn.
//!
//! **Same pixels.** `resvg::render` draws the root's nodes one after another onto one canvas;
//! so does [`Snapshots::draw`], with `resvg::render_node` for each node (a plain group's
//! children in its place, as resvg does, where each of them can be drawn alone). `render_node`
//! shifts a node to its box's corner, which is undone here, and only where the two shifts
//! cancel to the bit in `f32` (else a plain group is drawn as one node). A horizontal or
//! vertical line has no box for `render_node`; stroked with a colour it is stroked here as
//! resvg strokes it. Anything else that cannot be drawn alone exactly (such a line stroked
//! with a gradient) makes the whole tree drawn by `resvg::render`, and nothing is kept. A test
//! draws every shipped background both ways and compares the pixels.
//!
//! **Later.** [`Snapshots::later`] runs jobs on one thread of the snapshots' own: the studio
//! draws there the snapshots of backgrounds it found in the disk cache, and makes the PNG
//! bands of those it drew, so that neither waits in front of a card.
//!
//! **Keys.** A snapshot's key is a SHA-256 of the canvas size, the transform and every node
//! drawn before it as usvg parsed them: their `Debug` form, which holds every coordinate,
//! paint, filter and glyph outline, and beside it the bytes of their raster images, which
//! that form leaves out. Snapshots live in memory only, in one process, least recently used
//! first out of a byte budget.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex, OnceLock};

use sha2::{Digest, Sha256};

/// Canvases kept after the filtered nodes of the backgrounds drawn through them.
#[derive(Debug)]
pub struct Snapshots {
    budget: usize,
    kept: Mutex<Kept>,
    /// The thread that runs [`later`](Snapshots::later) jobs, started by the first.
    later: OnceLock<Option<Mutex<Sender<Job>>>>,
    /// Jobs given to [`later`](Snapshots::later) and not yet done.
    pending: Arc<AtomicUsize>,
}

type Job = Box<dyn FnOnce() + Send>;

#[derive(Debug, Default)]
struct Kept {
    entries: HashMap<[u8; 32], Entry>,
    bytes: usize,
    clock: u64,
}

#[derive(Debug)]
struct Entry {
    canvas: Arc<tiny_skia::Pixmap>,
    used: u64,
}

/// How [`Snapshots::draw`] drew a background.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drawn {
    /// Node by node, from the snapshot after the first `resumed` nodes (0: from the start),
    /// drawing the `drawn` nodes after them.
    Nodes { resumed: usize, drawn: usize },
    /// By `resvg::render`, as a whole: a node could not be drawn alone exactly.
    Whole,
}

impl Snapshots {
    /// Snapshots of at most `budget` bytes in all (a 1080×1920 canvas is 8.3 MB).
    pub fn new(budget: usize) -> Snapshots {
        Snapshots {
            budget,
            kept: Mutex::new(Kept::default()),
            later: OnceLock::new(),
            pending: Arc::default(),
        }
    }

    /// The number of canvases kept and their bytes.
    pub fn usage(&self) -> (usize, usize) {
        let kept = self.lock();
        (kept.entries.len(), kept.bytes)
    }

    /// Draws `tree` with `transform` onto `pixmap`, a new (transparent) canvas, as
    /// `resvg::render` does: from the snapshot of its longest unchanged prefix of nodes, if
    /// one is kept, keeping a snapshot after each node it draws through a filter.
    pub fn draw(
        &self,
        tree: &usvg::Tree,
        transform: tiny_skia::Transform,
        pixmap: &mut tiny_skia::Pixmap,
    ) -> Drawn {
        let mut nodes = Vec::new();
        if !flatten(tree.root(), transform, &mut nodes) {
            resvg::render(tree, transform, &mut pixmap.as_mut());
            return Drawn::Whole;
        }
        let keys = prefix_keys(&nodes, pixmap.width(), pixmap.height());
        let resumed = {
            let mut kept = self.lock();
            (0..nodes.len())
                .rev()
                .find_map(|i| kept.get(&keys[i]).map(|canvas| (i + 1, canvas)))
        };
        let from = match resumed {
            Some((from, canvas)) if canvas.data().len() == pixmap.data().len() => {
                pixmap.data_mut().copy_from_slice(canvas.data());
                from
            }
            _ => 0,
        };
        for (i, node) in nodes.iter().enumerate().skip(from) {
            node.draw(pixmap);
            if node.filtered {
                self.keep(keys[i], pixmap);
            }
        }
        Drawn::Nodes {
            resumed: from,
            drawn: nodes.len() - from,
        }
    }

    /// Runs `job` on the snapshots' own thread, after the jobs before it: the studio draws
    /// there the glows of the backgrounds it found already drawn (in the disk cache), so that
    /// their first edit is quick too. A job that panics is dropped alone.
    pub fn later(&self, job: impl FnOnce() + Send + 'static) {
        let sender = self.later.get_or_init(|| {
            let (sender, jobs) = mpsc::channel::<Job>();
            let pending = self.pending.clone();
            std::thread::Builder::new()
                .name("snapshots".into())
                .spawn(move || {
                    for job in jobs {
                        let _ = catch_unwind(AssertUnwindSafe(job));
                        pending.fetch_sub(1, Ordering::SeqCst);
                    }
                })
                .ok()
                .map(|_| Mutex::new(sender))
        });
        if let Some(sender) = sender {
            let sender = sender.lock().unwrap_or_else(|e| e.into_inner());
            self.pending.fetch_add(1, Ordering::SeqCst);
            if sender.send(Box::new(job)).is_err() {
                self.pending.fetch_sub(1, Ordering::SeqCst);
            }
        }
    }

    /// The [`later`](Snapshots::later) jobs not yet done.
    pub fn pending(&self) -> usize {
        self.pending.load(Ordering::SeqCst)
    }

    fn keep(&self, key: [u8; 32], canvas: &tiny_skia::Pixmap) {
        let size = canvas.data().len();
        if size > self.budget {
            return;
        }
        let mut kept = self.lock();
        while kept.bytes + size > self.budget {
            let Some(oldest) = kept
                .entries
                .iter()
                .min_by_key(|(_, e)| e.used)
                .map(|(k, _)| *k)
            else {
                break;
            };
            if let Some(entry) = kept.entries.remove(&oldest) {
                kept.bytes -= entry.canvas.data().len();
            }
        }
        kept.clock += 1;
        let entry = Entry {
            canvas: Arc::new(canvas.clone()),
            used: kept.clock,
        };
        if let Some(old) = kept.entries.insert(key, entry) {
            kept.bytes -= old.canvas.data().len();
        }
        kept.bytes += size;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        self.kept.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Kept {
    fn get(&mut self, key: &[u8; 32]) -> Option<Arc<tiny_skia::Pixmap>> {
        self.clock += 1;
        let clock = self.clock;
        let entry = self.entries.get_mut(key)?;
        entry.used = clock;
        Some(entry.canvas.clone())
    }
}

/// One node as `resvg::render` reaches it: with the transform of its plain ancestors.
struct Leaf<'a> {
    node: &'a usvg::Node,
    /// The transform resvg draws the node with (plain ancestors' included).
    transform: tiny_skia::Transform,
    how: How<'a>,
    /// It draws through a filter: worth a snapshot after it.
    filtered: bool,
}

/// How a leaf is drawn exactly as `resvg::render` would.
enum How<'a> {
    /// By `resvg::render_node`, with this transform (see [`Leaf::new`]).
    Node(tiny_skia::Transform),
    /// A horizontal or vertical line stroked with a colour: it has no box for `render_node`
    /// (which then draws nothing), so it is stroked here as resvg 0.49 strokes it
    /// (`path::stroke_path`); its fill covers no pixel.
    Line(&'a usvg::Path, &'a usvg::Stroke, usvg::Color),
}

impl<'a> Leaf<'a> {
    /// `node` drawn with `transform`, if it can be drawn alone exactly. `render_node` draws at
    /// the node's box corner (`pre_translate(-x, -y)`), so it is given a transform shifted the
    /// other way, when the two shifts cancel to the bit.
    fn new(node: &'a usvg::Node, transform: tiny_skia::Transform) -> Option<Leaf<'a>> {
        let how = match node.abs_layer_bounding_box() {
            Some(bbox) => {
                let shifted = transform.pre_translate(bbox.x(), bbox.y());
                if shifted.pre_translate(-bbox.x(), -bbox.y()) != transform {
                    return None;
                }
                How::Node(shifted)
            }
            None => match node {
                usvg::Node::Path(path) => {
                    let stroke = path.stroke()?;
                    match stroke.paint() {
                        usvg::Paint::Color(c) => How::Line(path, stroke, *c),
                        _ => return None,
                    }
                }
                _ => return None,
            },
        };
        Some(Leaf {
            node,
            transform,
            how,
            filtered: has_filters(node),
        })
    }

    fn draw(&self, pixmap: &mut tiny_skia::Pixmap) {
        match self.how {
            How::Node(shifted) => {
                resvg::render_node(self.node, shifted, &mut pixmap.as_mut());
            }
            How::Line(path, stroke, c) => {
                if !path.is_visible() {
                    return;
                }
                let mut paint = tiny_skia::Paint::default();
                paint.set_color_rgba8(c.red, c.green, c.blue, stroke.opacity().to_u8());
                paint.anti_alias = path.rendering_mode().use_shape_antialiasing();
                paint.blend_mode = tiny_skia::BlendMode::SourceOver;
                pixmap.stroke_path(
                    path.data(),
                    &paint,
                    &stroke.to_tiny_skia(),
                    self.transform,
                    None,
                );
            }
        }
    }
}

/// The nodes under `group` in resvg's drawing order, a plain (not isolated) group's children
/// in its place where each of them can be drawn alone exactly, else the group as one node;
/// `false` when a node cannot be drawn alone exactly.
fn flatten<'a>(
    group: &'a usvg::Group,
    transform: tiny_skia::Transform,
    leaves: &mut Vec<Leaf<'a>>,
) -> bool {
    for node in group.children() {
        if let usvg::Node::Group(g) = node {
            if !g.should_isolate() {
                let mut inner = Vec::new();
                if flatten(g, transform.pre_concat(g.transform()), &mut inner) {
                    leaves.append(&mut inner);
                    continue;
                }
            }
        }
        match Leaf::new(node, transform) {
            Some(leaf) => leaves.push(leaf),
            None => return false,
        }
    }
    true
}

/// Whether `node` or a group in it draws through a filter.
fn has_filters(node: &usvg::Node) -> bool {
    match node {
        usvg::Node::Group(g) => !g.filters().is_empty() || g.children().iter().any(has_filters),
        _ => false,
    }
}

/// For each node, the key of the canvas after it: everything drawn up to and including it.
fn prefix_keys(nodes: &[Leaf], width: u32, height: u32) -> Vec<[u8; 32]> {
    let mut hash = Sha256::new();
    hash.update(b"cardfarm snapshot\0");
    hash.update(width.to_le_bytes());
    hash.update(height.to_le_bytes());
    let mut keys = Vec::with_capacity(nodes.len());
    for leaf in nodes {
        let t = leaf.transform;
        for v in [t.sx, t.ky, t.kx, t.sy, t.tx, t.ty] {
            hash.update(v.to_bits().to_le_bytes());
        }
        let mut out = HashWriter(&mut hash);
        // Writing into a hash cannot fail.
        let _ = write!(out, "{:?}", leaf.node);
        hash.update(b"\0");
        hash_images(leaf.node, &mut hash);
        keys.push(hash.clone().finalize().into());
    }
    keys
}

/// Feeds the bytes of every raster image in `node` (in its subtrees too: patterns, masks,
/// clip paths, filters, nested SVGs) to `hash`: usvg's `Debug` form leaves them out.
fn hash_images(node: &usvg::Node, hash: &mut Sha256) {
    if let usvg::Node::Image(image) = node {
        let data = match image.kind() {
            usvg::ImageKind::JPEG(d)
            | usvg::ImageKind::PNG(d)
            | usvg::ImageKind::GIF(d)
            | usvg::ImageKind::WEBP(d) => Some(d),
            usvg::ImageKind::SVG(_) => None,
        };
        if let Some(data) = data {
            hash.update((data.len() as u64).to_le_bytes());
            hash.update(data.as_slice());
        }
    }
    if let usvg::Node::Group(g) = node {
        for child in g.children() {
            hash_images(child, hash);
        }
    }
    node.subroots(|root| {
        let mut out = HashWriter(hash);
        let _ = write!(out, "{root:?}");
        for child in root.children() {
            hash_images(child, hash);
        }
    });
}

/// Text written into a hash.
struct HashWriter<'a>(&'a mut Sha256);

impl std::fmt::Write for HashWriter<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.update(s.as_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(body: &str) -> usvg::Tree {
        let svg = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="120" height="200">{body}</svg>"#
        );
        usvg::Tree::from_str(&svg, &usvg::Options::default()).expect("parses")
    }

    fn whole(tree: &usvg::Tree) -> tiny_skia::Pixmap {
        let mut pixmap = tiny_skia::Pixmap::new(120, 200).unwrap();
        resvg::render(tree, tiny_skia::Transform::identity(), &mut pixmap.as_mut());
        pixmap
    }

    fn drawn(snapshots: &Snapshots, tree: &usvg::Tree) -> (tiny_skia::Pixmap, Drawn) {
        let mut pixmap = tiny_skia::Pixmap::new(120, 200).unwrap();
        let how = snapshots.draw(tree, tiny_skia::Transform::identity(), &mut pixmap);
        (pixmap, how)
    }

    const GLOWS: &str = r##"<defs><filter id="soft" x="-50%" y="-50%" width="200%" height="200%">
          <feGaussianBlur stdDeviation="12"/></filter></defs>
        <rect width="120" height="200" fill="#204"/>
        <circle cx="40" cy="50" r="30" fill="#f4a" opacity="0.7" filter="url(#soft)"/>
        <circle cx="80" cy="150" r="35" fill="#4af" opacity="0.45" filter="url(#soft)"/>"##;

    #[test]
    fn an_edit_after_the_glows_resumes_from_them_with_the_same_pixels() {
        let snapshots = Snapshots::new(1 << 20);
        let first = tree(&format!(
            r##"{GLOWS}<rect x="10" y="90" width="100" height="3" fill="#fff" opacity="0.4"/>"##
        ));
        let (pixels, how) = drawn(&snapshots, &first);
        assert_eq!(
            how,
            Drawn::Nodes {
                resumed: 0,
                drawn: 4
            }
        );
        assert_eq!(pixels, whole(&first));
        assert_eq!(snapshots.usage().0, 2, "one canvas after each glow");

        // The line moves and a stroke is added: both glows are taken from the snapshot.
        let edited = tree(&format!(
            r##"{GLOWS}<rect x="10" y="95" width="100" height="3" fill="#fff" opacity="0.4"/>
                <g transform="rotate(12 60 100)"><circle cx="60" cy="100" r="50" fill="none"
                   stroke="#fff" stroke-width="2.5" stroke-dasharray="4 6"/></g>"##
        ));
        let (pixels, how) = drawn(&snapshots, &edited);
        assert_eq!(
            how,
            Drawn::Nodes {
                resumed: 3,
                drawn: 2
            }
        );
        assert_eq!(pixels, whole(&edited));
    }

    #[test]
    fn an_edited_glow_is_drawn_again_from_the_one_before() {
        let snapshots = Snapshots::new(1 << 20);
        drawn(&snapshots, &tree(GLOWS));
        let edited = tree(&GLOWS.replace("opacity=\"0.45\"", "opacity=\"0.5\""));
        let (pixels, how) = drawn(&snapshots, &edited);
        assert_eq!(
            how,
            Drawn::Nodes {
                resumed: 2,
                drawn: 1
            }
        );
        assert_eq!(pixels, whole(&edited));
        // An edit before every glow: from the start.
        let recoloured = tree(&GLOWS.replace("#204", "#205"));
        let (pixels, how) = drawn(&snapshots, &recoloured);
        assert_eq!(
            how,
            Drawn::Nodes {
                resumed: 0,
                drawn: 3
            }
        );
        assert_eq!(pixels, whole(&recoloured));
    }

    #[test]
    fn images_with_other_bytes_are_other_keys() {
        // Two 1×1 PNGs, red and blue, behind a glow: usvg's Debug form shows neither.
        let png = |rgb: [u8; 3]| {
            let mut bytes = Vec::new();
            let mut encoder = ::png::Encoder::new(&mut bytes, 1, 1);
            encoder.set_color(::png::ColorType::Rgb);
            encoder
                .write_header()
                .unwrap()
                .write_image_data(&rgb)
                .unwrap();
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD.encode(bytes)
        };
        let with = |rgb| {
            tree(&format!(
                r#"<image width="120" height="200" preserveAspectRatio="none"
                          href="data:image/png;base64,{}"/>{GLOWS}"#,
                png(rgb)
            ))
        };
        let snapshots = Snapshots::new(1 << 20);
        drawn(&snapshots, &with([255, 0, 0]));
        let blue = with([0, 0, 255]);
        let (pixels, how) = drawn(&snapshots, &blue);
        assert_eq!(
            how,
            Drawn::Nodes {
                resumed: 0,
                drawn: 4
            }
        );
        assert_eq!(pixels, whole(&blue));
    }

    #[test]
    fn the_budget_drops_the_least_recently_used_canvas() {
        let canvas = 120 * 200 * 4;
        let snapshots = Snapshots::new(2 * canvas);
        drawn(&snapshots, &tree(GLOWS));
        assert_eq!(snapshots.usage(), (2, 2 * canvas));
        let other = tree(&GLOWS.replace("#204", "#205"));
        drawn(&snapshots, &other);
        assert_eq!(snapshots.usage(), (2, 2 * canvas));
        // The first background's canvases were dropped for the second's.
        let (_, how) = drawn(&snapshots, &other);
        assert_eq!(
            how,
            Drawn::Nodes {
                resumed: 3,
                drawn: 0
            }
        );
        let (_, how) = drawn(&snapshots, &tree(GLOWS));
        assert_eq!(
            how,
            Drawn::Nodes {
                resumed: 0,
                drawn: 3
            }
        );
    }

    #[test]
    fn a_bare_line_is_stroked_in_place_unless_its_paint_is_a_gradient() {
        // Horizontal and vertical lines have no fill box, so `render_node` would skip them.
        let lines = r##"<path d="M0 100 H120" stroke="#fff" stroke-width="4"/>
            <line x1="60" y1="10" x2="60" y2="190" stroke="#fc0" stroke-opacity="0.6"
                  stroke-width="3" stroke-linecap="round" stroke-dasharray="5 4"/>"##;
        let snapshots = Snapshots::new(1 << 20);
        let plain = tree(&format!("{GLOWS}{lines}"));
        let (pixels, how) = drawn(&snapshots, &plain);
        assert_eq!(
            how,
            Drawn::Nodes {
                resumed: 0,
                drawn: 5
            }
        );
        assert_eq!(pixels, whole(&plain));
        let line = tree(&format!(
            r##"{GLOWS}<linearGradient id="g"><stop offset="0" stop-color="#fff"/>
                <stop offset="1" stop-color="#000"/></linearGradient>
                <path d="M0 100 H120" stroke="url(#g)" stroke-width="4"/>"##
        ));
        let (pixels, how) = drawn(&snapshots, &line);
        assert_eq!(how, Drawn::Whole);
        assert_eq!(pixels, whole(&line));
        assert_eq!(
            snapshots.usage().0,
            2,
            "the plain lines' glows, and none of the whole draw's"
        );
    }
}
