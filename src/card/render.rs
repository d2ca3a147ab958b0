//! Render: the whole pipeline for one card, in order.
//!
//! ```text
//! Stats ─prepare photos─▶ View ─fill─▶ Svg ─parse─▶ usvg::Tree ─rasterize─▶ Pixmap ─encode─▶ Png
//!                                          (over the format's background, cached per locale)
//! ```
//!
//! A [`Renderer`] is built once (fonts, compiled templates, photo cache) and shared by every
//! front end and thread; [`Renderer::render`] is the one entry point. A panic anywhere inside a
//! render is caught and becomes [`Error::Panic`] for that card alone.
//!
//! Backgrounds are drawn once per process and format and locale, on first use or by
//! [`Renderer::warm_cards`]; with a [`Cache`] ([`Renderer::with_cache`]) once per machine:
//! a process finds in the cache what another drew.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::card::backdrop::cache::{self, Cache, Key, Lookup};
use crate::card::backdrop::{self, Backdrop, Snapshots};
use crate::card::encoding::Encoding;
use crate::card::fonts::Fonts;
use crate::card::layout::{self, Facts};
use crate::card::model::Stats;
use crate::card::photo::{self, Photos, Prepared};
use crate::card::png::{self, Png};
use crate::card::template::{Format, Svg, Template, Templates};
use crate::card::view::View;
use crate::error::{Error, Result};

/// A rendered card and what went less than perfectly (a placeholder for a broken photo…).
#[derive(Debug, Clone)]
pub struct Card {
    pub png: Png,
    pub warnings: Vec<String>,
}

/// A rendered card in an [`Encoding`], and what went less than perfectly.
#[derive(Debug, Clone)]
pub struct Encoded {
    pub bytes: Vec<u8>,
    pub encoding: Encoding,
    pub warnings: Vec<String>,
}

/// One card filled and parsed with its layout facts: see [`Renderer::inspect`].
pub struct Inspection {
    pub width: u32,
    pub height: u32,
    /// The view the layer was filled with, as the template saw it.
    pub view: serde_json::Value,
    /// The parsed layer: recorded elements carry the ids of their [`layout`] facts.
    pub layer: usvg::Tree,
    /// The parsed background in the card's locale, when the format has one.
    pub background: Option<usvg::Tree>,
    pub facts: Facts,
    pub warnings: Vec<String>,
}

/// Where a user's stats came from: relative image paths resolve against `root`.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    pub stats: &'a Stats,
    /// The folder of the stats or dataset file; `None` allows only `data:` images.
    pub root: Option<&'a Path>,
}

/// The output of the fill stage: the SVG layer and the photos its `photo:N` hrefs name.
#[derive(Debug, Clone)]
pub struct Filled {
    pub svg: Svg,
    pub warnings: Vec<String>,
    photos: Vec<Prepared>,
}

/// How a filled layer refers to its photos.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PhotoRefs {
    /// `photo:N`, resolved from memory at parse time: no base64 round trip per card.
    Referenced,
    /// `data:` URIs, so the SVG stands alone.
    Embedded,
}

/// How a PNG card over a background is drawn and encoded.
#[derive(Debug, Clone, Copy)]
enum Raster {
    /// Only the rows the layer can reach ([`Renderer::rasterize_touched`]), its changed bands
    /// compressed on up to `threads` threads.
    Touched { threads: usize },
    /// The whole card: every row copied and compared.
    Whole,
}

thread_local! {
    /// Each thread's pixel buffer, with room for the largest card the thread has rendered:
    /// whatever the last cards left in it (a card drawn over only the rows its layer touches
    /// leaves the other rows as they were).
    static PIXELS: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Fonts, templates and caches: everything a render needs, built once.
pub struct Renderer {
    fonts: Arc<Fonts>,
    templates: Templates,
    photos: Photos,
    /// Rasterized backgrounds on disk, shared with other processes. Default: none.
    cache: Option<Arc<Cache>>,
    /// Canvases kept part-way through drawing backgrounds, to draw an edited one again from
    /// its unchanged part (the studio). Default: none.
    snapshots: Option<Arc<Snapshots>>,
    /// Backgrounds this renderer rasterized (not found in memory or in the cache).
    drawn: AtomicU64,
}

impl Renderer {
    /// Loads fonts from `fonts_dir` and templates from `templates_dir`.
    pub fn load(templates_dir: &Path, fonts_dir: &Path) -> Result<Renderer> {
        let fonts = Arc::new(Fonts::load(fonts_dir)?);
        let templates = Templates::load(templates_dir, fonts.clone())?;
        Ok(Renderer::new(fonts, templates))
    }

    pub fn new(fonts: Arc<Fonts>, templates: Templates) -> Renderer {
        Renderer {
            fonts,
            templates,
            photos: Photos::default(),
            cache: None,
            snapshots: None,
            drawn: AtomicU64::new(0),
        }
    }

    /// The same renderer, finding its backgrounds in `cache` before drawing them and keeping
    /// there what it draws.
    pub fn with_cache(mut self, cache: Option<Arc<Cache>>) -> Renderer {
        self.cache = cache;
        self
    }

    /// The same renderer for a designer waiting on each card (the studio): the backgrounds it
    /// must draw are drawn through `snapshots`, from the canvas after their unchanged glows
    /// when an earlier background had them, and their cards are encoded whole instead of
    /// waiting for the background's PNG bands, which are made for the disk cache afterwards
    /// on the snapshots' thread (the same pixels either way). A background found in the disk
    /// cache has its snapshots drawn there too.
    pub fn with_snapshots(mut self, snapshots: Option<Arc<Snapshots>>) -> Renderer {
        self.snapshots = snapshots;
        self
    }

    /// The background cache on disk, if any.
    pub fn cache(&self) -> Option<&Arc<Cache>> {
        self.cache.as_ref()
    }

    /// How many backgrounds this renderer rasterized so far (each one it found neither in
    /// memory nor in the cache).
    pub fn backgrounds_drawn(&self) -> u64 {
        self.drawn.load(Ordering::Relaxed)
    }

    pub fn templates(&self) -> &Templates {
        &self.templates
    }

    pub fn fonts(&self) -> &Arc<Fonts> {
        &self.fonts
    }

    /// The photo cache every render of this renderer shares.
    pub fn photos(&self) -> &Photos {
        &self.photos
    }

    /// Rasterizes every format's background now, so the first cards of a long-running process
    /// don't wait for it. Warms the reference locale (`en`); [`warm_locale`](Self::warm_locale)
    /// warms another, [`warm_cards`](Self::warm_cards) only some templates and formats.
    pub fn warm(&self) -> Result<()> {
        self.warm_locale(crate::card::catalog::REFERENCE)
    }

    /// [`warm`](Self::warm) for the backgrounds of `locale`.
    pub fn warm_locale(&self, locale: &str) -> Result<()> {
        let all: Vec<(String, String)> = self
            .templates
            .iter()
            .flat_map(|t| t.formats.keys().map(|f| (t.name.clone(), f.clone())))
            .collect();
        self.warm_cards(&all, &[locale.to_string()])
    }

    /// Makes ready now the backgrounds of `cards` (template, format) in each of `locales`,
    /// for cards to be rendered over them: [`cache_cards`](Self::cache_cards), and their bands'
    /// tiles coded (about 2 MB a story background; see `png::tiles`), which the first cards
    /// would otherwise do.
    pub fn warm_cards(&self, cards: &[(String, String)], locales: &[String]) -> Result<()> {
        self.ready(cards, locales, true)
    }

    /// Makes ready now the backgrounds of `cards` (template, format) in each of `locales`:
    /// from the cache when it has them, else rasterized (and kept in the cache). The blurred
    /// glows make a raster the slowest part of start-up (about a second each on one core), so
    /// the work is shared out over one thread per core. Locales with the same catalog share a
    /// background and are made once. Fails on an unknown template or format, or the first
    /// broken background.
    pub fn cache_cards(&self, cards: &[(String, String)], locales: &[String]) -> Result<()> {
        self.ready(cards, locales, false)
    }

    fn ready(&self, cards: &[(String, String)], locales: &[String], tiles: bool) -> Result<()> {
        let mut primaries: Vec<String> = locales
            .iter()
            .map(|l| self.templates.catalogs().primary(l).to_string())
            .collect();
        primaries.sort();
        primaries.dedup();
        let mut all: Vec<(&Template, &Format, &str)> = Vec::new();
        for (template, format) in cards {
            let (t, f) = self.templates.get(template, format)?;
            for locale in &primaries {
                all.push((t, f, locale));
            }
        }
        let threads = crate::card::threads::cores().min(all.len().max(1));
        let next = std::sync::atomic::AtomicUsize::new(0);
        let results: Vec<Result<()>> = std::thread::scope(|s| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(|| loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some((t, f, locale)) = all.get(i) else {
                            return Ok(());
                        };
                        let backdrop = guard(&t.name, || self.background(t, f, locale))?;
                        if let Some(backdrop) = backdrop.filter(|_| tiles) {
                            backdrop.code_tiles()?;
                        }
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|w| {
                    w.join().unwrap_or_else(|_| {
                        Err(Error::Panic {
                            template: "(warm)".into(),
                            message: "a background thread panicked".into(),
                        })
                    })
                })
                .collect()
        });
        results.into_iter().collect()
    }

    /// Renders one card: stats → PNG.
    pub fn render(&self, source: Source, template: &str, format: &str) -> Result<Card> {
        let card = self.render_as(source, template, format, Encoding::Png)?;
        Ok(Card {
            png: Png(card.bytes),
            warnings: card.warnings,
        })
    }

    /// Renders one card in an encoding: stats → PNG, WebP or JPEG bytes.
    pub fn render_as(
        &self,
        source: Source,
        template: &str,
        format: &str,
        encoding: Encoding,
    ) -> Result<Encoded> {
        self.render_by(
            source,
            template,
            format,
            encoding,
            Raster::Touched { threads: 1 },
        )
    }

    /// [`render_as`](Self::render_as) for a card a client waits on (the HTTP route): a PNG's
    /// runs of changed bands are compressed on up to `threads` threads, so the card can be
    /// ready sooner for the same CPU time or a little more. The same bytes. Throughput gains
    /// nothing from it: the farm renders one card per core, one thread each.
    pub fn render_as_with_threads(
        &self,
        source: Source,
        template: &str,
        format: &str,
        encoding: Encoding,
        threads: usize,
    ) -> Result<Encoded> {
        let raster = Raster::Touched {
            threads: threads.max(1),
        };
        self.render_by(source, template, format, encoding, raster)
    }

    /// [`render`](Self::render) drawing and comparing the whole card: a copy of the whole
    /// background, the layer over it, every row compared with the background's. The same
    /// bytes as [`render`](Self::render); the reference the bench and tests hold it to.
    pub fn render_whole(&self, source: Source, template: &str, format: &str) -> Result<Card> {
        let card = self.render_by(source, template, format, Encoding::Png, Raster::Whole)?;
        Ok(Card {
            png: Png(card.bytes),
            warnings: card.warnings,
        })
    }

    fn render_by(
        &self,
        source: Source,
        template: &str,
        format: &str,
        encoding: Encoding,
        raster: Raster,
    ) -> Result<Encoded> {
        let (t, f) = self.templates.get(template, format)?;
        guard(template, || {
            let filled = self.fill(source, t, f)?;
            let tree = self.parse(t, &filled)?;
            // The pixels live in this thread's buffer, reused card after card: a fresh 8 MB
            // allocation lands on pages the kernel must zero first.
            let bytes = PIXELS.with_borrow_mut(|pixels| {
                let backdrop = self.background(t, f, source.stats.locale())?;
                if let (Encoding::Png, Raster::Touched { threads }, Some(bg)) =
                    (encoding, raster, backdrop.as_deref())
                {
                    if let Some(png) = self.rasterize_touched(t, f, bg, &tree, pixels, threads)? {
                        return Ok(png.0);
                    }
                }
                let pixmap =
                    self.rasterize_over(t, f, backdrop.as_deref(), &tree, std::mem::take(pixels))?;
                let bytes = match encoding {
                    Encoding::Png => encode_over(backdrop.as_deref(), &pixmap).map(|p| p.0),
                    other => other.encode(&pixmap),
                };
                *pixels = pixmap.take();
                bytes
            })?;
            Ok(Encoded {
                bytes,
                encoding,
                warnings: filled.warnings,
            })
        })
    }

    /// Stage 1: prepare photos and fill the template's layer.
    pub fn fill(&self, source: Source, t: &Template, f: &Format) -> Result<Filled> {
        self.fill_with(source, t, f, PhotoRefs::Referenced)
    }

    fn fill_with(
        &self,
        source: Source,
        t: &Template,
        f: &Format,
        mode: PhotoRefs,
    ) -> Result<Filled> {
        let (view, photos, warnings) = self.view(source, f, mode);
        let svg = self.templates.fill(t, f, &view)?;
        Ok(Filled {
            svg,
            warnings,
            photos,
        })
    }

    /// Prepares the photos and builds the view a format's layer is filled with.
    fn view(
        &self,
        source: Source,
        f: &Format,
        mode: PhotoRefs,
    ) -> (View, Vec<Prepared>, Vec<String>) {
        let mut warnings = Vec::new();
        let mut photos = Vec::new();
        let hrefs: Vec<Option<String>> = source
            .stats
            .top_artists
            .iter()
            .take(f.photos)
            .enumerate()
            .map(|(i, artist)| {
                let image = artist.image.as_deref()?;
                match self.photos.load(source.root, image, f.photo_size) {
                    Ok(png) => {
                        let href = match mode {
                            PhotoRefs::Referenced => format!("photo:{}", photos.len()),
                            PhotoRefs::Embedded => photo::data_uri(&png),
                        };
                        photos.push(png);
                        Some(href)
                    }
                    Err(e) => {
                        warnings.push(format!("top_artists[{i}].image: {e}; drew a placeholder"));
                        None
                    }
                }
            })
            .collect();
        let direction = self.templates.catalogs().direction(source.stats.locale());
        let view = View::new(source.stats, &hrefs).laid_out(direction, f.width, f.height);
        (view, photos, warnings)
    }

    /// Fills and parses one card (layer and background) with its [`layout`] facts recorded,
    /// without rasterizing it: what the lint reads. The layer is the same SVG a render draws,
    /// with ids on the recorded elements.
    pub fn inspect(&self, source: Source, template: &str, format: &str) -> Result<Inspection> {
        let (t, f) = self.templates.get(template, format)?;
        guard(template, || {
            let primary = self.templates.catalogs().primary(source.stats.locale());
            let ((filled, background), facts) = layout::record(|| {
                let (view, photos, warnings) = self.view(source, f, PhotoRefs::Referenced);
                let filled = self.templates.fill(t, f, &view).map(|svg| {
                    (
                        Filled {
                            svg,
                            warnings,
                            photos,
                        },
                        view,
                    )
                });
                let background = f
                    .background
                    .as_ref()
                    .map(|bg| self.templates.fill_background(t, f, bg, primary))
                    .transpose();
                (filled, background)
            });
            let (filled, view) = filled?;
            let layer = self.parse(t, &filled)?;
            let background = match background? {
                Some(svg) => {
                    Some(
                        parse_background(&svg, &self.fonts).map_err(|e| Error::Parse {
                            template: t.name.clone(),
                            message: format!("background: {e}"),
                        })?,
                    )
                }
                None => None,
            };
            Ok(Inspection {
                width: f.width,
                height: f.height,
                view: serde_json::to_value(&view).unwrap_or_default(),
                layer,
                background,
                facts,
                warnings: filled.warnings,
            })
        })
    }

    /// Stage 2: parse the filled SVG.
    pub fn parse(&self, t: &Template, filled: &Filled) -> Result<usvg::Tree> {
        let photos = filled.photos.clone();
        let options = self.options(Box::new(move |href: &str, _: &usvg::Options| {
            let i: usize = href.strip_prefix("photo:")?.parse().ok()?;
            Some(usvg::ImageKind::PNG(photos.get(i)?.clone()))
        }));
        usvg::Tree::from_str(filled.svg.as_str(), &options).map_err(|e| Error::Parse {
            template: t.name.clone(),
            message: e.to_string(),
        })
    }

    /// usvg options: our fonts only, and images only from `data:` URIs or `resolve` (never a
    /// file or the network: a template or a string must not read either).
    fn options<'a>(&self, resolve: usvg::ImageHrefStringResolverFn<'a>) -> usvg::Options<'a> {
        let mut options = usvg::Options {
            fontdb: self.fonts.database(),
            resources_dir: None,
            ..usvg::Options::default()
        };
        options.image_href_resolver.resolve_string = resolve;
        options
    }

    /// Stage 3: draw the layer over (a copy of) the format's cached background in `locale`
    /// (the stats' locale: the background is cached by its primary catalog).
    pub fn rasterize(
        &self,
        t: &Template,
        f: &Format,
        locale: &str,
        layer: &usvg::Tree,
    ) -> Result<tiny_skia::Pixmap> {
        let backdrop = self.background(t, f, locale)?;
        self.rasterize_over(t, f, backdrop.as_deref(), layer, Vec::new())
    }

    /// Stage 4: encode a card [`rasterize`](Self::rasterize) drew in `locale`. Over a
    /// background, only the rows its layer changed are compressed; the background's were
    /// compressed once.
    pub fn encode(
        &self,
        t: &Template,
        f: &Format,
        locale: &str,
        card: &tiny_skia::Pixmap,
    ) -> Result<Png> {
        let backdrop = self.background(t, f, locale)?;
        encode_over(backdrop.as_deref(), card)
    }

    /// [`rasterize`](Self::rasterize) over `backdrop` in `pixels`, a buffer that is reused
    /// when it is big enough.
    fn rasterize_over(
        &self,
        t: &Template,
        f: &Format,
        backdrop: Option<&Backdrop>,
        layer: &usvg::Tree,
        mut pixels: Vec<u8>,
    ) -> Result<tiny_skia::Pixmap> {
        let size = card_size(&t.name, &f.name, f.width, f.height)?;
        let empty = || Error::CardSize {
            template: t.name.clone(),
            format: f.name.clone(),
            width: f.width,
            height: f.height,
        };
        // Same size as the last card: no allocation and no write.
        pixels.resize(f.width as usize * f.height as usize * 4, 0);
        match backdrop {
            Some(bg) if bg.pixmap.data().len() == pixels.len() => {
                pixels.copy_from_slice(bg.pixmap.data())
            }
            _ => pixels.fill(0),
        }
        let mut pixmap = tiny_skia::Pixmap::from_vec(pixels, size).ok_or_else(empty)?;
        draw(layer, f, &mut pixmap);
        Ok(pixmap)
    }

    /// Stages 3 and 4 over a background with bands, touching only the rows the layer can
    /// reach ([`backdrop::touched_rows`]): those rows of the background are copied into
    /// `pixels` (the others keep whatever the last card left there and are never read), the
    /// layer is drawn over them at its place on the whole card, and the encoder compares and
    /// compresses only them, taking the background's bands for the rest.
    ///
    /// The pixmap is the card's full size and the layer is drawn with the same transform as
    /// on a whole card, so every pixel in those rows is computed exactly as there (drawing
    /// into a smaller pixmap with a translation would move the edges' arithmetic by rounding).
    /// `None` when the rows cannot be told or the bands cannot make the card (a translucent
    /// pixel): the caller draws and encodes the whole card.
    fn rasterize_touched(
        &self,
        t: &Template,
        f: &Format,
        backdrop: &Backdrop,
        layer: &usvg::Tree,
        pixels: &mut Vec<u8>,
        threads: usize,
    ) -> Result<Option<Png>> {
        let size = card_size(&t.name, &f.name, f.width, f.height)?;
        if backdrop.pixmap.width() != f.width || backdrop.pixmap.height() != f.height {
            return Ok(None);
        }
        let transform = layer_transform(layer, f);
        let Some(touched) = backdrop::touched_rows(layer, transform, f.height) else {
            return Ok(None);
        };
        let Some(spans) = backdrop.spans(&touched) else {
            return Ok(None);
        };
        let stride = f.width as usize * 4;
        // Same size as the last card: no allocation and no write.
        pixels.resize(stride * f.height as usize, 0);
        let background = backdrop.pixmap.data();
        for span in &spans {
            let bytes = span.start * stride..span.end * stride;
            pixels[bytes.clone()].copy_from_slice(&background[bytes]);
        }
        let Some(mut pixmap) = tiny_skia::Pixmap::from_vec(std::mem::take(pixels), size) else {
            return Ok(None);
        };
        resvg::render(layer, transform, &mut pixmap.as_mut());
        let png = backdrop.encode_spans(&pixmap, &spans, threads);
        *pixels = pixmap.take();
        png
    }

    /// The background of a format in a locale (the stats' locale; cached by its primary
    /// catalog), filled, rasterized and prepared (its PNG row bands) on first use and kept:
    /// the one background cache in memory, keyed by format and locale. With a disk
    /// [`Cache`], a background is looked for there before it is drawn, and kept there after.
    fn background(&self, t: &Template, f: &Format, locale: &str) -> Result<Option<Arc<Backdrop>>> {
        let Some(bg) = &f.background else {
            return Ok(None);
        };
        let locale = self.templates.catalogs().primary(locale);
        let cell = bg.cell(locale);
        let prepared = cell.get_or_init(|| {
            let svg = self
                .templates
                .fill_background(t, f, bg, locale)
                .map_err(|e| e.to_string())?;
            let key = self.cache.as_ref().map(|cache| {
                let fonts = cache::may_draw_text(&svg).then(|| cache.fonts_digest(&self.fonts));
                (cache, Key::new(&svg, fonts, f.width, f.height))
            });
            if let Some((cache, key)) = &key {
                if let Lookup::Hit(backdrop) = cache.load(key, f.width, f.height) {
                    if let Some(snapshots) = &self.snapshots {
                        self.snapshot_later(snapshots, &svg, f);
                    }
                    return Ok(Arc::new(backdrop));
                }
            }
            let tree = parse_background(&svg, &self.fonts)
                .map_err(|e| format!("{}: {e}", bg.file.display()))?;
            let mut pixmap = tiny_skia::Pixmap::new(f.width, f.height)
                .ok_or_else(|| "empty card size".to_string())?;
            if let Some(snapshots) = &self.snapshots {
                // A designer waits for this background's cards: they are encoded whole, and
                // its bands, which only the disk cache needs then, are made afterwards.
                snapshots.draw(&tree, layer_transform(&tree, f), &mut pixmap);
                self.drawn.fetch_add(1, Ordering::Relaxed);
                if let Some((cache, key)) = key {
                    let (cache, pixels) = (cache.clone(), pixmap.clone());
                    snapshots.later(move || {
                        if let Ok(backdrop) = Backdrop::new(pixels) {
                            cache.store(&key, &backdrop);
                        }
                    });
                }
                return Ok(Arc::new(Backdrop {
                    pixmap,
                    bands: None,
                }));
            }
            backdrop::snapshots::draw_unkept(&tree, layer_transform(&tree, f), &mut pixmap);
            self.drawn.fetch_add(1, Ordering::Relaxed);
            let backdrop = Backdrop::new(pixmap).map_err(|e| e.to_string())?;
            if let Some((cache, key)) = &key {
                cache.store(key, &backdrop);
            }
            Ok(Arc::new(backdrop))
        });
        prepared
            .clone()
            .map(Some)
            .map_err(|message| Error::BrokenTemplate {
                file: format!("{} ({})", bg.file.display(), t.name),
                message,
            })
    }

    /// Draws the snapshots of a background found already drawn, on the snapshots' thread.
    fn snapshot_later(&self, snapshots: &Arc<Snapshots>, svg: &str, f: &Format) {
        let (svg, fonts, width, height) = (svg.to_string(), self.fonts.clone(), f.width, f.height);
        let kept = snapshots.clone();
        snapshots.later(move || {
            if let (Ok(tree), Some(mut pixmap)) = (
                parse_background(&svg, &fonts),
                tiny_skia::Pixmap::new(width, height),
            ) {
                kept.draw(&tree, fit(&tree, width, height), &mut pixmap);
            }
        });
    }

    /// The filled card as one self-contained SVG (background and layer), for designers to open
    /// in a browser or design tool. Fonts aside: user text is already outlines.
    pub fn compose_svg(
        &self,
        source: Source,
        template: &str,
        format: &str,
    ) -> Result<(String, Vec<String>)> {
        let (t, f) = self.templates.get(template, format)?;
        let filled = guard(template, || {
            self.fill_with(source, t, f, PhotoRefs::Embedded)
        })?;
        let mut out = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="{w}" height="{h}" viewBox="0 0 {w} {h}">"#,
            w = f.width,
            h = f.height
        );
        if let Some(bg) = &f.background {
            let primary = self.templates.catalogs().primary(source.stats.locale());
            let svg = self.templates.fill_background(t, f, bg, primary)?;
            out.push_str(strip_prolog(&svg));
        }
        out.push_str(strip_prolog(filled.svg.as_str()));
        out.push_str("</svg>\n");
        Ok((out, filled.warnings))
    }
}

/// Encodes a card: by the bands of its background when it has one.
fn encode_over(backdrop: Option<&Backdrop>, card: &tiny_skia::Pixmap) -> Result<Png> {
    match backdrop {
        Some(backdrop) => backdrop.encode(card),
        None => png::encode(card),
    }
}

/// The pixmap size of a `width`×`height` card, or [`Error::CardSize`] when no pixmap can have
/// it: a zero side, or a row or a whole image too large to address.
fn card_size(template: &str, format: &str, width: u32, height: u32) -> Result<tiny_skia::IntSize> {
    let fits = u64::from(width) * 4 <= i32::MAX as u64
        && (width as usize)
            .checked_mul(height as usize)
            .and_then(|n| n.checked_mul(4))
            .is_some();
    fits.then(|| tiny_skia::IntSize::from_wh(width, height))
        .flatten()
        .ok_or_else(|| Error::CardSize {
            template: template.to_string(),
            format: format.to_string(),
            width,
            height,
        })
}

/// Parses a filled background: no image but `data:` URIs.
fn parse_background(svg: &str, fonts: &Fonts) -> std::result::Result<usvg::Tree, usvg::Error> {
    let mut options = usvg::Options {
        fontdb: fonts.database(),
        resources_dir: None,
        ..usvg::Options::default()
    };
    options.image_href_resolver.resolve_string = Box::new(|_, _| None);
    usvg::Tree::from_str(svg, &options)
}

/// Renders `tree` scaled to the format's exact pixel size.
fn draw(tree: &usvg::Tree, f: &Format, pixmap: &mut tiny_skia::Pixmap) {
    resvg::render(tree, layer_transform(tree, f), &mut pixmap.as_mut());
}

/// The transform that scales `tree` to the format's exact pixel size.
fn layer_transform(tree: &usvg::Tree, f: &Format) -> tiny_skia::Transform {
    fit(tree, f.width, f.height)
}

/// The transform that scales `tree` to `width`×`height` pixels.
fn fit(tree: &usvg::Tree, width: u32, height: u32) -> tiny_skia::Transform {
    let size = tree.size();
    tiny_skia::Transform::from_scale(width as f32 / size.width(), height as f32 / size.height())
}

/// Runs one card's work, turning a panic into an error for that card.
pub(crate) fn guard<T>(template: &str, work: impl FnOnce() -> Result<T>) -> Result<T> {
    catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|payload| {
        Err(Error::Panic {
            template: template.to_string(),
            message: crate::error::panic_message(payload.as_ref()),
        })
    })
}

/// An SVG document without its `<?xml …?>` prolog or doctype, to nest in another.
fn strip_prolog(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_undrawable_size_is_a_size_error() {
        assert!(card_size("t", "story", 1080, 1920).is_ok());
        for (w, h) in [(0, 1920), (1080, 0), (u32::MAX, 1)] {
            match card_size("t", "story", w, h) {
                Err(e @ Error::CardSize { .. }) => {
                    assert!(!e.is_retryable());
                    assert_eq!(
                        e.to_string(),
                        format!("template `t` format `story`: a {w}×{h} card cannot be drawn")
                    );
                }
                other => panic!("{w}×{h}: {other:?}"),
            }
        }
    }
}
