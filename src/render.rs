//! Render: the whole pipeline for one card, in order.
//!
//! ```text
//! Stats ─prepare photos─▶ View ─fill─▶ Svg ─parse─▶ usvg::Tree ─rasterize─▶ Pixmap ─encode─▶ Png
//!                                                        (over the cached background)
//! ```
//!
//! A [`Renderer`] is built once (fonts, compiled templates, photo cache) and shared by every
//! front end and thread; [`Renderer::render`] is the one entry point. A panic anywhere inside a
//! render is caught and becomes [`Error::Panic`] for that card alone.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::fonts::Fonts;
use crate::model::Stats;
use crate::photo::Photos;
use crate::png::{self, Png};
use crate::template::{Format, Svg, Template, Templates};
use crate::view::View;

/// A rendered card and what went less than perfectly (a placeholder for a broken photo…).
#[derive(Debug, Clone)]
pub struct Card {
    pub png: Png,
    pub warnings: Vec<String>,
}

/// Where a user's stats came from: relative image paths resolve against `root`.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    pub stats: &'a Stats,
    /// The folder of the stats or dataset file; `None` allows only `data:` images.
    pub root: Option<&'a Path>,
}

/// Fonts, templates and caches: everything a render needs, built once.
pub struct Renderer {
    fonts: Arc<Fonts>,
    templates: Templates,
    photos: Photos,
    options: usvg::Options<'static>,
}

impl Renderer {
    /// Loads fonts from `fonts_dir` and templates from `templates_dir`.
    pub fn load(templates_dir: &Path, fonts_dir: &Path) -> Result<Renderer> {
        let fonts = Arc::new(Fonts::load(fonts_dir)?);
        let templates = Templates::load(templates_dir, fonts.clone())?;
        Ok(Renderer::new(fonts, templates))
    }

    pub fn new(fonts: Arc<Fonts>, templates: Templates) -> Renderer {
        let mut options = usvg::Options {
            fontdb: fonts.database(),
            // Only `data:` images: a template or a string must never read a file or the network.
            resources_dir: None,
            ..usvg::Options::default()
        };
        options.image_href_resolver.resolve_string = Box::new(|_, _| None);
        Renderer {
            fonts,
            templates,
            photos: Photos::default(),
            options,
        }
    }

    pub fn templates(&self) -> &Templates {
        &self.templates
    }

    pub fn fonts(&self) -> &Arc<Fonts> {
        &self.fonts
    }

    /// Renders one card: stats → PNG.
    pub fn render(&self, source: Source, template: &str, format: &str) -> Result<Card> {
        let (t, f) = self.templates.get(template, format)?;
        guard(template, || {
            let (svg, warnings) = self.fill(source, t, f)?;
            let tree = self.parse(t, &svg)?;
            let pixmap = self.rasterize(t, f, &tree)?;
            let png = png::encode(&pixmap)?;
            Ok(Card { png, warnings })
        })
    }

    /// Stage 1: prepare photos and fill the template's layer.
    pub fn fill(&self, source: Source, t: &Template, f: &Format) -> Result<(Svg, Vec<String>)> {
        let mut warnings = Vec::new();
        let photos: Vec<_> = source
            .stats
            .top_artists
            .iter()
            .take(f.photos)
            .enumerate()
            .map(|(i, artist)| {
                let image = artist.image.as_deref()?;
                match self.photos.load(source.root, image, f.photo_size) {
                    Ok(uri) => Some(uri),
                    Err(e) => {
                        warnings.push(format!("top_artists[{i}].image: {e}; drew a placeholder"));
                        None
                    }
                }
            })
            .collect();
        let view = View::new(source.stats, &photos);
        let svg = self.templates.fill(t, f, &view)?;
        Ok((svg, warnings))
    }

    /// Stage 2: parse the filled SVG.
    pub fn parse(&self, t: &Template, svg: &Svg) -> Result<usvg::Tree> {
        usvg::Tree::from_str(svg.as_str(), &self.options).map_err(|e| Error::Parse {
            template: t.name.clone(),
            message: e.to_string(),
        })
    }

    /// Stage 3: draw the layer over (a copy of) the format's cached background.
    pub fn rasterize(
        &self,
        t: &Template,
        f: &Format,
        layer: &usvg::Tree,
    ) -> Result<tiny_skia::Pixmap> {
        let mut pixmap = match self.background(t, f)? {
            Some(bg) => (*bg).clone(),
            None => tiny_skia::Pixmap::new(f.width, f.height)
                .ok_or_else(|| Error::Encode("empty card size".into()))?,
        };
        draw(layer, f, &mut pixmap);
        Ok(pixmap)
    }

    /// The background of a format, rasterized on first use and kept.
    fn background(&self, t: &Template, f: &Format) -> Result<Option<Arc<tiny_skia::Pixmap>>> {
        let Some(bg) = &f.background else {
            return Ok(None);
        };
        let pixmap = bg.pixmap.get_or_init(|| {
            let tree = usvg::Tree::from_str(&bg.svg, &self.options)
                .map_err(|e| format!("{}: {e}", bg.file.display()))?;
            let mut pixmap = tiny_skia::Pixmap::new(f.width, f.height)
                .ok_or_else(|| "empty card size".to_string())?;
            draw(&tree, f, &mut pixmap);
            Ok(Arc::new(pixmap))
        });
        pixmap
            .clone()
            .map(Some)
            .map_err(|message| Error::BrokenTemplate {
                file: format!("{} ({})", bg.file.display(), t.name),
                message,
            })
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
        let (layer, warnings) = guard(template, || self.fill(source, t, f))?;
        let mut out = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="{w}" height="{h}" viewBox="0 0 {w} {h}">"#,
            w = f.width,
            h = f.height
        );
        if let Some(bg) = &f.background {
            out.push_str(strip_prolog(&bg.svg));
        }
        out.push_str(strip_prolog(layer.as_str()));
        out.push_str("</svg>\n");
        Ok((out, warnings))
    }
}

/// Renders `tree` scaled to the format's exact pixel size.
fn draw(tree: &usvg::Tree, f: &Format, pixmap: &mut tiny_skia::Pixmap) {
    let size = tree.size();
    let transform = tiny_skia::Transform::from_scale(
        f.width as f32 / size.width(),
        f.height as f32 / size.height(),
    );
    resvg::render(tree, transform, &mut pixmap.as_mut());
}

/// Runs one card's work, turning a panic into an error for that card.
fn guard<T>(template: &str, work: impl FnOnce() -> Result<T>) -> Result<T> {
    catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".into());
        Err(Error::Panic {
            template: template.to_string(),
            message,
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
