//! Snapshots: a background drawn node by node, with the canvas kept after its filtered nodes
//! and their layers kept alone, so that an edited background is drawn again from where it
//! changed and blurs nothing it had blurred before.
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
//! **Layers.** An edit to a glow that others are drawn over would draw every later glow
//! again. So each glow is also kept alone: an isolated group with opacity 1 and normal
//! blending, drawn onto a transparent canvas, is exactly the layer resvg composites (source
//! over nothing is the source), cropped to its drawn pixels. A kept layer is composited with
//! the very paint resvg uses (a pattern at the layer's integer offset, the group's opacity,
//! source over), so only the edited glow is blurred again. A glow faded by a group around
//! it, `<g opacity="0.8"><circle … filter="url(#soft)"/></g>` as the shipped designs write
//! them, keeps its layer through an edit to the fading too. One faded on its own element,
//! `<circle opacity="0.8" filter=…>`, cannot be kept (drawn alone it comes out already
//! faded, in rounded bytes) and is drawn again: the same pixels, slower. A layer that is a
//! glow (one Gaussian blur of shapes) is blurred by `backdrop::glow`, the same pixels as resvg's in
//! about half the time; [`draw_unkept`] draws a whole background that way, keeping nothing.
//!
//! **Later.** [`Snapshots::later`] runs jobs on one thread of the snapshots' own: the studio
//! draws there the snapshots of backgrounds it found in the disk cache, and makes the PNG
//! bands of those it drew, so that neither waits in front of a card.
//!
//! **Keys.** A snapshot's key is a SHA-256 of the canvas size, the transform and every node
//! drawn before it as usvg parsed them: their `Debug` form, which holds every coordinate,
//! paint, filter and glyph outline, and beside it the bytes of their raster images, which
//! that form leaves out. A layer's key is the same of its node alone. Snapshots and layers
//! live in memory only, in one process, least recently used first out of a byte budget.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex, OnceLock};

use sha2::{Digest, Sha256};

use super::glow;

/// Canvases kept after the filtered nodes of the backgrounds drawn through them, and those
/// nodes' own layers.
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
    canvas: Arc<Placed>,
    used: u64,
}

/// Pixels placed on a background's canvas: a snapshot (the whole canvas) or a layer (its
/// drawn pixels, cropped).
#[derive(Debug)]
struct Placed {
    pixels: tiny_skia::Pixmap,
    x: i32,
    y: i32,
}

impl Placed {
    fn bytes(&self) -> usize {
        self.pixels.data().len()
    }
}

/// How [`Snapshots::draw`] drew a background.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drawn {
    /// Node by node, from the snapshot after the first `resumed` nodes (0: from the start),
    /// drawing the `drawn` nodes after them; `layers` of those were composited from their
    /// kept layers, not drawn again.
    Nodes {
        resumed: usize,
        drawn: usize,
        layers: usize,
    },
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
    /// one is kept, compositing the kept layers of the glows after it, and keeping the layers
    /// it draws and a snapshot where a run of filtered nodes ends (and after each whose layer
    /// cannot be kept).
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
        let (width, height) = (pixmap.width(), pixmap.height());
        let keys = prefix_keys(&nodes, width, height);
        let resumed = {
            let mut kept = self.lock();
            (0..nodes.len())
                .rev()
                .find_map(|i| kept.get(&keys[i]).map(|canvas| (i + 1, canvas)))
        };
        let from = match resumed {
            Some((from, canvas)) if canvas.pixels.data().len() == pixmap.data().len() => {
                pixmap.data_mut().copy_from_slice(canvas.pixels.data());
                from
            }
            _ => 0,
        };
        let mut layers = 0;
        for (i, node) in nodes.iter().enumerate().skip(from) {
            if let Some(layer) = &node.layer {
                let key = layer_key(&layer.alone, width, height);
                let kept = self.lock().get(&key);
                let pixels = match kept {
                    Some(pixels) => {
                        layers += 1;
                        Some(pixels)
                    }
                    None => layer.alone.layer_alone(width, height).map(|pixels| {
                        let pixels = Arc::new(pixels);
                        self.keep(key, pixels.clone());
                        pixels
                    }),
                };
                if let Some(pixels) = pixels {
                    composite(&pixels, layer.opacity, pixmap);
                }
            } else {
                node.draw(pixmap);
            }
            // A glow whose layer is kept needs a canvas after it only where a run of glows
            // ends: an edit between them composites the kept layers instead, and every draw
            // is spared a canvas copy per glow.
            let ends_run = nodes.get(i + 1).is_none_or(|next| !next.filtered);
            if node.filtered && (node.layer.is_none() || ends_run) {
                self.keep(
                    keys[i],
                    Arc::new(Placed {
                        pixels: pixmap.clone(),
                        x: 0,
                        y: 0,
                    }),
                );
            }
        }
        Drawn::Nodes {
            resumed: from,
            drawn: nodes.len() - from,
            layers,
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
                    yield_to_cards();
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

    fn keep(&self, key: [u8; 32], canvas: Arc<Placed>) {
        let size = canvas.bytes();
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
                kept.bytes -= entry.canvas.bytes();
            }
        }
        kept.clock += 1;
        let entry = Entry {
            canvas,
            used: kept.clock,
        };
        if let Some(old) = kept.entries.insert(key, entry) {
            kept.bytes -= old.canvas.bytes();
        }
        kept.bytes += size;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        self.kept.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Lowers the calling thread's scheduling priority to the least (nice 19): its jobs (the
/// disk cache's copy of a saved background, compressed at level 6) then take a core only
/// when the designer's card does not need it. Linux keeps a nice value per thread.
fn yield_to_cards() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority takes plain integers; `who` 0 is the calling thread on Linux.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 19);
    }
}

impl Kept {
    fn get(&mut self, key: &[u8; 32]) -> Option<Arc<Placed>> {
        self.clock += 1;
        let clock = self.clock;
        let entry = self.entries.get_mut(key)?;
        entry.used = clock;
        Some(entry.canvas.clone())
    }
}

/// Draws `tree` with `transform` onto `pixmap` as `resvg::render` does, its glows blurred
/// here (see `backdrop::glow`), keeping nothing: a background drawn once, for the disk cache or for
/// one process's cards.
pub fn draw_unkept(
    tree: &usvg::Tree,
    transform: tiny_skia::Transform,
    pixmap: &mut tiny_skia::Pixmap,
) {
    let mut nodes = Vec::new();
    if !flatten(tree.root(), transform, &mut nodes) {
        resvg::render(tree, transform, &mut pixmap.as_mut());
        return;
    }
    let (width, height) = (pixmap.width(), pixmap.height());
    for node in &nodes {
        match &node.layer {
            Some(layer) => {
                if let Some(pixels) = layer.alone.layer_alone(width, height) {
                    composite(&pixels, layer.opacity, pixmap);
                }
            }
            None => node.draw(pixmap),
        }
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
    /// It is drawn by compositing a layer that can be kept (see [`Layer::of`]).
    layer: Option<Layer<'a>>,
}

/// A filtered node drawn as resvg draws an isolated group: its layer, composited.
struct Layer<'a> {
    /// The group whose layer it is, drawn alone: the node itself, or the one child of a
    /// group that only fades it (then an edit to the fading keeps the layer).
    alone: Box<Leaf<'a>>,
    /// The opacity the layer is composited with.
    opacity: f32,
}

impl<'a> Layer<'a> {
    /// The layer of `node`, drawn with `transform` (as `how`), if one can be kept: `node` is
    /// an isolated group with a filter in it that resvg composites with opacity 1, normal
    /// blending and no rotation; or a group that only fades (opacity, nothing else) one
    /// such group.
    fn of(node: &'a usvg::Node, transform: tiny_skia::Transform, how: How<'a>) -> Option<Self> {
        let usvg::Node::Group(g) = node else {
            return None;
        };
        if !has_filters(node) || !matches!(how, How::Node(_)) {
            return None;
        }
        if layerable(g, transform) {
            let alone = Leaf {
                node,
                transform,
                how,
                filtered: true,
                layer: None,
            };
            return Some(Layer {
                alone: Box::new(alone),
                opacity: 1.0,
            });
        }
        let fades_only = g.filters().is_empty()
            && g.clip_path().is_none()
            && g.mask().is_none()
            && g.blend_mode() == usvg::BlendMode::Normal;
        let [child] = g.children() else {
            return None;
        };
        let inner = Leaf::new(child, transform.pre_concat(g.transform()))?.layer?;
        (fades_only && inner.opacity == 1.0).then(|| Layer {
            alone: inner.alone,
            opacity: g.opacity().get(),
        })
    }
}

/// How a leaf is drawn exactly as `resvg::render` would.
#[derive(Clone, Copy)]
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
            layer: Layer::of(node, transform, how),
        })
    }

    /// The node drawn alone onto a transparent canvas of the background's size (so that
    /// resvg bounds its filters as on the background), cropped to its drawn pixels; `None`
    /// when it draws none.
    fn drawn_alone(&self, width: u32, height: u32) -> Option<Placed> {
        let mut alone = tiny_skia::Pixmap::new(width, height)?;
        self.draw(&mut alone);
        crop(&alone)
    }

    /// The layer resvg composites for this leaf (an isolated group, see [`Layer::of`]),
    /// cropped to the canvas and to its drawn pixels: blurred here where it is a glow (see
    /// [`glow`]), else drawn alone by resvg; `None` when it draws none.
    fn layer_alone(&self, width: u32, height: u32) -> Option<Placed> {
        if let usvg::Node::Group(g) = self.node {
            // A glow is blurred here; resvg draws anything else (`NotAGlow`).
            if let Ok(layer) = glow::layer(g, self.transform, width, height) {
                return layer.and_then(|layer| on_canvas(layer, width, height));
            }
        }
        self.drawn_alone(width, height)
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

/// Whether `g`, drawn with `transform`, is an isolated group whose layer resvg composites
/// with opacity 1, normal blending and no rotation: drawn alone onto a transparent canvas,
/// it is then exactly that layer, and compositing it again gives the same pixels.
fn layerable(g: &usvg::Group, transform: tiny_skia::Transform) -> bool {
    // resvg composites a filtered layer through the rotation left of its transform; none
    // is left when the transform only scales up and shifts.
    let t = transform.pre_concat(g.transform());
    let unrotated = t.kx == 0.0 && t.ky == 0.0 && t.sx > 0.0 && t.sy > 0.0;
    g.should_isolate()
        && g.opacity() == usvg::Opacity::ONE
        && g.blend_mode() == usvg::BlendMode::Normal
        && (g.filters().is_empty() || unrotated)
}

/// `canvas` cropped to the rows and columns that hold a pixel that is not transparent black.
fn crop(canvas: &tiny_skia::Pixmap) -> Option<Placed> {
    let width = canvas.width() as usize;
    let pixels = canvas.pixels();
    let drawn =
        |p: &tiny_skia::PremultipliedColorU8| *p != tiny_skia::PremultipliedColorU8::TRANSPARENT;
    let rows: Vec<usize> = (0..canvas.height() as usize)
        .filter(|&y| pixels[y * width..(y + 1) * width].iter().any(drawn))
        .collect();
    let (&top, &bottom) = (rows.first()?, rows.last()?);
    let (mut left, mut right) = (width, 0);
    for &y in &rows {
        let row = &pixels[y * width..(y + 1) * width];
        if let Some(first) = row.iter().position(drawn) {
            left = left.min(first);
        }
        if let Some(last) = row.iter().rposition(drawn) {
            right = right.max(last);
        }
    }
    let rect = tiny_skia::IntRect::from_ltrb(
        left as i32,
        top as i32,
        right as i32 + 1,
        bottom as i32 + 1,
    )?;
    Some(Placed {
        pixels: canvas.clone_rect(rect)?,
        x: rect.x(),
        y: rect.y(),
    })
}

/// The part of a glow's layer on a canvas of `width` × `height`, cropped to its drawn
/// pixels: what compositing the layer onto a transparent canvas and cropping it gives.
fn on_canvas(layer: glow::Layer, width: u32, height: u32) -> Option<Placed> {
    let canvas = tiny_skia::IntRect::from_xywh(0, 0, width, height)?;
    let seen = layer.rect.intersect(&canvas)?;
    let part = layer
        .pixels
        .clone_rect(seen.translate(-layer.rect.x(), -layer.rect.y())?)?;
    let cropped = crop(&part)?;
    Some(Placed {
        x: cropped.x + seen.x(),
        y: cropped.y + seen.y(),
        ..cropped
    })
}

/// Draws a kept layer onto `canvas` as resvg draws an isolated group's layer: a pattern of
/// the layer at its integer offset, with the group's opacity, source over, filling the
/// layer's box. The pixels cropped away are transparent black, which source over leaves as
/// they are at any opacity.
fn composite(layer: &Placed, opacity: f32, canvas: &mut tiny_skia::Pixmap) {
    let paint = tiny_skia::Paint {
        shader: tiny_skia::Pattern::new(
            layer.pixels.as_ref(),
            tiny_skia::SpreadMode::Pad,
            tiny_skia::FilterQuality::Bilinear,
            opacity,
            tiny_skia::Transform::from_translate(layer.x as f32, layer.y as f32),
        ),
        blend_mode: tiny_skia::BlendMode::SourceOver,
        anti_alias: true,
        ..tiny_skia::Paint::default()
    };
    let Some(rect) = tiny_skia::IntRect::from_xywh(
        layer.x,
        layer.y,
        layer.pixels.width(),
        layer.pixels.height(),
    ) else {
        return;
    };
    let path = tiny_skia::PathBuilder::from_rect(rect.to_rect());
    canvas.fill_path(
        &path,
        &paint,
        tiny_skia::FillRule::Winding,
        tiny_skia::Transform::identity(),
        None,
    );
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
        hash_leaf(leaf, &mut hash);
        keys.push(hash.clone().finalize().into());
    }
    keys
}

/// The key of a node's layer: the node alone, on a canvas of that size.
fn layer_key(leaf: &Leaf, width: u32, height: u32) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash.update(b"cardfarm layer\0");
    hash.update(width.to_le_bytes());
    hash.update(height.to_le_bytes());
    hash_leaf(leaf, &mut hash);
    hash.finalize().into()
}

/// Feeds a node's transform, its parsed form and its images' bytes to `hash`.
fn hash_leaf(leaf: &Leaf, hash: &mut Sha256) {
    let t = leaf.transform;
    for v in [t.sx, t.ky, t.kx, t.sy, t.tx, t.ty] {
        hash.update(v.to_bits().to_le_bytes());
    }
    let mut out = HashWriter(hash);
    // Writing into a hash cannot fail.
    let _ = write!(out, "{:?}", leaf.node);
    hash.update(b"\0");
    hash_images(leaf.node, hash);
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

    fn whole_with(tree: &usvg::Tree, transform: tiny_skia::Transform) -> tiny_skia::Pixmap {
        let mut pixmap = tiny_skia::Pixmap::new(120, 200).unwrap();
        resvg::render(tree, transform, &mut pixmap.as_mut());
        pixmap
    }

    fn whole(tree: &usvg::Tree) -> tiny_skia::Pixmap {
        whole_with(tree, tiny_skia::Transform::identity())
    }

    fn drawn_with(
        snapshots: &Snapshots,
        tree: &usvg::Tree,
        transform: tiny_skia::Transform,
    ) -> (tiny_skia::Pixmap, Drawn) {
        let mut pixmap = tiny_skia::Pixmap::new(120, 200).unwrap();
        let how = snapshots.draw(tree, transform, &mut pixmap);
        (pixmap, how)
    }

    fn drawn(snapshots: &Snapshots, tree: &usvg::Tree) -> (tiny_skia::Pixmap, Drawn) {
        drawn_with(snapshots, tree, tiny_skia::Transform::identity())
    }

    fn nodes(resumed: usize, drawn: usize, layers: usize) -> Drawn {
        Drawn::Nodes {
            resumed,
            drawn,
            layers,
        }
    }

    /// Two glows faded by a group around each, as the shipped designs fade theirs.
    const GLOWS: &str = r##"<defs><filter id="soft" x="-50%" y="-50%" width="200%" height="200%">
          <feGaussianBlur stdDeviation="12"/></filter></defs>
        <rect width="120" height="200" fill="#204"/>
        <g opacity="0.7"><circle cx="40" cy="50" r="30" fill="#f4a" filter="url(#soft)"/></g>
        <g opacity="0.45"><circle cx="80" cy="150" r="35" fill="#4af" filter="url(#soft)"/></g>"##;

    /// The same glows faded on their own elements, which their layers cannot be kept for.
    fn faded_glows() -> String {
        GLOWS
            .replace(r#"<g opacity="0.7"><circle"#, r#"<circle opacity="0.7""#)
            .replace(r#"<g opacity="0.45"><circle"#, r#"<circle opacity="0.45""#)
            .replace("</g>", "")
    }

    #[test]
    fn an_edit_after_the_glows_resumes_from_them_with_the_same_pixels() {
        let snapshots = Snapshots::new(1 << 20);
        let first = tree(&format!(
            r##"{GLOWS}<rect x="10" y="90" width="100" height="3" fill="#fff" opacity="0.4"/>"##
        ));
        let (pixels, how) = drawn(&snapshots, &first);
        assert_eq!(how, nodes(0, 4, 0));
        assert_eq!(pixels, whole(&first));
        assert_eq!(
            snapshots.usage().0,
            3,
            "a canvas after the last glow, and each glow's layer"
        );

        // The line moves and a stroke is added: both glows are taken from the snapshot.
        let edited = tree(&format!(
            r##"{GLOWS}<rect x="10" y="95" width="100" height="3" fill="#fff" opacity="0.4"/>
                <g transform="rotate(12 60 100)"><circle cx="60" cy="100" r="50" fill="none"
                   stroke="#fff" stroke-width="2.5" stroke-dasharray="4 6"/></g>"##
        ));
        let (pixels, how) = drawn(&snapshots, &edited);
        assert_eq!(how, nodes(3, 2, 0));
        assert_eq!(pixels, whole(&edited));
    }

    #[test]
    fn an_edit_under_a_glow_composites_the_glow_from_its_kept_layer() {
        let snapshots = Snapshots::new(1 << 20);
        drawn(&snapshots, &tree(GLOWS));
        // The last glow's colour: drawn again over the first, composited from its layer.
        let edited = tree(&GLOWS.replace("#4af", "#4bf"));
        let (pixels, how) = drawn(&snapshots, &edited);
        assert_eq!(how, nodes(0, 3, 1));
        assert_eq!(pixels, whole(&edited));
        // The first glow's colour: drawn again, and the second composited from its layer.
        let first = tree(&GLOWS.replace("#f4a", "#f4b"));
        let (pixels, how) = drawn(&snapshots, &first);
        assert_eq!(how, nodes(0, 3, 1));
        assert_eq!(pixels, whole(&first));
        // The first glow's fading: its layer holds too.
        let faded = tree(&GLOWS.replace(r#"opacity="0.7""#, r#"opacity="0.75""#));
        let (pixels, how) = drawn(&snapshots, &faded);
        assert_eq!(how, nodes(0, 3, 2));
        assert_eq!(pixels, whole(&faded));
        // Under every glow: neither is blurred again.
        let recoloured = tree(&GLOWS.replace("#204", "#205"));
        let (pixels, how) = drawn(&snapshots, &recoloured);
        assert_eq!(how, nodes(0, 3, 2));
        assert_eq!(pixels, whole(&recoloured));
    }

    #[test]
    fn a_glow_faded_on_its_own_element_is_drawn_again_and_not_kept_alone() {
        let snapshots = Snapshots::new(1 << 20);
        let glows = faded_glows();
        drawn(&snapshots, &tree(&glows));
        assert_eq!(snapshots.usage().0, 2, "a canvas after each glow, no layer");
        let recoloured = tree(&glows.replace("#204", "#205"));
        let (pixels, how) = drawn(&snapshots, &recoloured);
        assert_eq!(how, nodes(0, 3, 0));
        assert_eq!(pixels, whole(&recoloured));
    }

    #[test]
    fn scaled_rotated_clipped_and_blended_glows_give_resvgs_pixels() {
        let body = format!(
            r##"<defs><clipPath id="c"><rect x="0" y="0" width="90" height="120"/></clipPath>
                </defs>{GLOWS}
                <g transform="rotate(20 60 100)"><circle cx="60" cy="90" r="25" fill="#ff0"
                   fill-opacity="0.6" filter="url(#soft)"/></g>
                <g clip-path="url(#c)"><circle cx="70" cy="80" r="30" fill="#0f8"
                   filter="url(#soft)"/></g>
                <circle cx="30" cy="160" r="30" fill="#f80" filter="url(#soft)"
                   style="mix-blend-mode:screen"/>"##
        );
        let scene = tree(&body);
        let recoloured = tree(&body.replace("#204", "#205"));
        for transform in [
            tiny_skia::Transform::identity(),
            tiny_skia::Transform::from_scale(0.75, 0.5),
            tiny_skia::Transform::from_row(0.9, 0.0, 0.0, 0.9, 6.5, 3.25),
        ] {
            let snapshots = Snapshots::new(1 << 22);
            let (pixels, _) = drawn_with(&snapshots, &scene, transform);
            assert_eq!(pixels, whole_with(&scene, transform), "{transform:?}");
            let (pixels, how) = drawn_with(&snapshots, &recoloured, transform);
            assert_eq!(pixels, whole_with(&recoloured, transform), "{transform:?}");
            if transform.is_identity() {
                // The two plain glows and the clipped one are kept; the rotated one and the
                // blended one are drawn again.
                assert_eq!(how, nodes(0, 6, 3));
            }
        }
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
        // Every node after the image is drawn over it again; the glows' own layers hold.
        assert_eq!(how, nodes(0, 4, 2));
        assert_eq!(pixels, whole(&blue));
    }

    #[test]
    fn the_budget_drops_the_least_recently_used_canvas() {
        let canvas = 120 * 200 * 4;
        let snapshots = Snapshots::new(2 * canvas);
        let glows = faded_glows();
        drawn(&snapshots, &tree(&glows));
        assert_eq!(snapshots.usage(), (2, 2 * canvas));
        let other = tree(&glows.replace("#204", "#205"));
        drawn(&snapshots, &other);
        assert_eq!(snapshots.usage(), (2, 2 * canvas));
        // The first background's canvases were dropped for the second's.
        let (_, how) = drawn(&snapshots, &other);
        assert_eq!(how, nodes(3, 0, 0));
        let (_, how) = drawn(&snapshots, &tree(&glows));
        assert_eq!(how, nodes(0, 3, 0));
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
        assert_eq!(how, nodes(0, 5, 0));
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
            3,
            "the plain lines' glows (a canvas after the last, and each one's layer), and none \
             of the whole draw's"
        );
    }
}
