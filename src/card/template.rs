//! Template: the `templates/` folder, compiled once, and the fill step (view → SVG).
//!
//! A template is a folder with a `template.toml` manifest and, per format, two SVG files:
//!
//! - a **background** (`story-bg.svg`): static art, the same for every user (gradients, glows,
//!   shapes, headings). It is filled once per locale (its headings come from the catalogs and
//!   a right-to-left card mirrors it), rasterized once per format and locale and reused for
//!   every card, which is where the speed comes from: blur filters cost hundreds of
//!   milliseconds, once.
//! - a **layer** (`story.svg.hbs`): a handlebars template filled per user, drawn over the
//!   background: text, photos, charts.
//!
//! Templates are strict: a missing field is an error, not a blank. Values are escaped for XML;
//! the `helpers` that return SVG (`text`, `label`, `avatar`) build it from escaped parts. The
//! words come from the message [`Catalogs`] in `_locales/`.

mod helpers;
pub mod usage;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use handlebars::Handlebars;
use serde::{Deserialize, Serialize};

use crate::card::backdrop::Backdrop;
use crate::card::catalog::Catalogs;
use crate::card::fonts::Fonts;
use crate::error::{Error, Result};

/// A filled SVG document, ready to parse. Only [`Templates::fill`] makes one, so an unfilled
/// template cannot reach the rasterizer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Svg(String);

impl Svg {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `template.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    description: String,
    /// Bump when the template's look changes (caches and ETags key on it).
    version: u32,
    formats: BTreeMap<String, FormatManifest>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FormatManifest {
    width: u32,
    height: u32,
    background: Option<String>,
    layer: String,
    /// How many top artists' photos the layer shows. Default: 0.
    #[serde(default)]
    photos: usize,
    /// Side of the square the photos are prepared at, in pixels. Default: 512.
    #[serde(default = "default_photo_size")]
    photo_size: u32,
}

fn default_photo_size() -> u32 {
    512
}

/// One template and its formats.
#[derive(Debug)]
pub struct Template {
    pub name: String,
    pub description: String,
    pub version: u32,
    pub formats: BTreeMap<String, Format>,
}

/// One output format of a template.
#[derive(Debug)]
pub struct Format {
    pub name: String,
    pub width: u32,
    pub height: u32,
    pub photos: usize,
    pub photo_size: u32,
    /// Handlebars name of the layer: `template/format`.
    layer: String,
    layer_file: PathBuf,
    pub(crate) background: Option<Background>,
}

/// The static part of a format: filled, parsed, rasterized and prepared (its PNG row bands) on
/// first use, once per locale.
#[derive(Debug)]
pub(crate) struct Background {
    pub file: PathBuf,
    /// Handlebars name of the background: `template/format/background`.
    pub name: String,
    /// The background's source, to tell an edited one from an unchanged one.
    pub svg: String,
    /// The rasterized background of each locale (by primary catalog tag) that was drawn.
    /// The map's lock is held only to find or add an entry; drawing happens in the entry's
    /// `OnceLock`, so two locales draw at once and a locale is drawn once.
    pub pixmaps: Mutex<HashMap<String, Arc<BackgroundCell>>>,
}

/// One locale's rasterized and prepared background, or why it failed.
pub(crate) type BackgroundCell = OnceLock<std::result::Result<Arc<Backdrop>, String>>;

impl Background {
    /// The cache entry of `locale` (a primary catalog tag, so the map stays as small as the
    /// catalog list).
    pub fn cell(&self, locale: &str) -> Arc<BackgroundCell> {
        let mut map = self.pixmaps.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(locale.to_string()).or_default().clone()
    }
}

/// What a background is filled with: no user data, only the locale.
#[derive(Debug, Clone, Serialize)]
pub struct BackgroundView<'a> {
    /// The primary catalog's tag.
    pub locale: &'a str,
    /// `ltr` or `rtl`.
    pub dir: &'static str,
    pub canvas: Canvas,
}

/// The card's size in pixels, for helpers that mirror positions.
#[derive(Debug, Clone, Copy, Serialize, Default)]
pub struct Canvas {
    pub width: u32,
    pub height: u32,
}

/// Every template in a folder, compiled.
pub struct Templates {
    root: PathBuf,
    registry: Handlebars<'static>,
    templates: BTreeMap<String, Template>,
    catalogs: Arc<Catalogs>,
}

impl Templates {
    /// Loads and compiles every template under `root` (folders with a `template.toml`), the
    /// shared partials in `root/_partials/*.hbs` and the message catalogs in
    /// `root/_locales/<tag>/*.ftl` (without that folder every message is an error).
    pub fn load(root: &Path, fonts: Arc<Fonts>) -> Result<Templates> {
        let (templates, mut broken) = Templates::load_each(root, fonts)?;
        match broken.is_empty() {
            true => Ok(templates),
            false => Err(broken.swap_remove(0).1),
        }
    }

    /// Like [`load`](Self::load), but a template that does not load is set aside with its
    /// error instead of failing them all, so a designer's studio keeps showing the others.
    /// Broken shared partials, or no template loading at all, still fail.
    #[allow(clippy::type_complexity)]
    pub fn load_each(root: &Path, fonts: Arc<Fonts>) -> Result<(Templates, Vec<(String, Error)>)> {
        let locales = root.join("_locales");
        let catalogs = Arc::new(if locales.is_dir() {
            Catalogs::load(&locales)?
        } else {
            Catalogs::empty()
        });
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        registry.set_prevent_indent(true);
        registry.register_escape_fn(escape_xml);
        helpers::register(&mut registry, fonts, catalogs.clone());

        let broken = |file: &Path, message: String| Error::BrokenTemplate {
            file: file.display().to_string(),
            message,
        };
        let read = |file: &Path| std::fs::read_to_string(file).map_err(|e| Error::io(file, e));

        let partials = root.join("_partials");
        if partials.is_dir() {
            for file in sorted_entries(&partials)? {
                if file.extension().is_some_and(|e| e == "hbs") {
                    let name = file
                        .file_stem()
                        .and_then(|s| s.to_str())
                        .unwrap_or_default()
                        .to_string();
                    registry
                        .register_partial(&name, read(&file)?)
                        .map_err(|e| broken(&file, template_error(&e)))?;
                }
            }
        }

        let mut templates = BTreeMap::new();
        let mut broken_templates = Vec::new();
        for dir in sorted_entries(root)? {
            if !dir.join("template.toml").is_file() {
                continue;
            }
            let name = dir
                .file_name()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_string();
            match load_template(&mut registry, &dir, &name) {
                Ok(template) => {
                    templates.insert(name, template);
                }
                Err(e) => broken_templates.push((name, e)),
            }
        }
        if templates.is_empty() {
            if let Some((_, e)) = broken_templates.into_iter().next() {
                return Err(e);
            }
            return Err(Error::BrokenTemplate {
                file: root.display().to_string(),
                message: "no template folders (with a template.toml) found".into(),
            });
        }
        let templates = Templates {
            root: root.to_path_buf(),
            registry,
            templates,
            catalogs,
        };
        Ok((templates, broken_templates))
    }

    /// Takes over the rasterized backgrounds of `previous` whose source, size and catalogs are
    /// unchanged, so reloading after one template's edit re-draws only that template's
    /// backgrounds. Only valid when both were loaded with the same fonts.
    pub fn adopt_backgrounds(&self, previous: &Templates) {
        if self.catalogs.digest() != previous.catalogs.digest() {
            return;
        }
        for t in self.templates.values() {
            for f in t.formats.values() {
                let Some(bg) = &f.background else { continue };
                let old = previous
                    .templates
                    .get(&t.name)
                    .and_then(|pt| pt.formats.get(&f.name))
                    .filter(|pf| (pf.width, pf.height) == (f.width, f.height))
                    .and_then(|pf| pf.background.as_ref())
                    .filter(|pb| pb.svg == bg.svg);
                if let Some(old) = old {
                    let drawn = old
                        .pixmaps
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .clone();
                    *bg.pixmaps.lock().unwrap_or_else(|e| e.into_inner()) = drawn;
                }
            }
        }
    }

    /// The message catalogs the templates print their words from.
    pub fn catalogs(&self) -> &Arc<Catalogs> {
        &self.catalogs
    }

    /// The folder the templates came from.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// All templates, by name.
    pub fn iter(&self) -> impl Iterator<Item = &Template> {
        self.templates.values()
    }

    /// The template and format, or an error listing what exists.
    pub fn get(&self, template: &str, format: &str) -> Result<(&Template, &Format)> {
        let t = self
            .templates
            .get(template)
            .ok_or_else(|| Error::UnknownTemplate {
                name: template.to_string(),
                available: self
                    .templates
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
        let f = t.formats.get(format).ok_or_else(|| Error::UnknownFormat {
            template: template.to_string(),
            format: format.to_string(),
            available: t.formats.keys().cloned().collect::<Vec<_>>().join(", "),
        })?;
        Ok((t, f))
    }

    /// Fills a format's layer with a view.
    pub fn fill(
        &self,
        template: &Template,
        format: &Format,
        view: &crate::card::view::View,
    ) -> Result<Svg> {
        self.registry
            .render(&format.layer, view)
            .map(Svg)
            .map_err(|e| Error::Fill {
                template: template.name.clone(),
                message: render_error(&e, &format.layer_file),
            })
    }
}

impl Templates {
    /// The view fields a format's layer uses, and the messages its layer and background ask
    /// for, read from the compiled templates.
    pub fn usage(&self, format: &Format) -> usage::Usage {
        let helpers = helpers::names();
        let mut out = self
            .registry
            .get_template(&format.layer)
            .map(|t| usage::of(t, &helpers))
            .unwrap_or_default();
        if let Some(bg) = &format.background {
            if let Some(t) = self.registry.get_template(&bg.name) {
                out.messages.extend(usage::of(t, &helpers).messages);
            }
        }
        out
    }

    /// Fills a format's background for a locale (a primary catalog tag).
    pub(crate) fn fill_background(
        &self,
        template: &Template,
        format: &Format,
        background: &Background,
        locale: &str,
    ) -> Result<String> {
        let view = BackgroundView {
            locale,
            dir: self.catalogs.direction(locale).as_str(),
            canvas: Canvas {
                width: format.width,
                height: format.height,
            },
        };
        self.registry
            .render(&background.name, &view)
            .map_err(|e| Error::Fill {
                template: template.name.clone(),
                message: render_error(&e, &background.file),
            })
    }
}

/// Loads one template folder: its manifest, its layers (registered in `registry` as
/// `name/format`) and its backgrounds.
fn load_template(registry: &mut Handlebars<'static>, dir: &Path, name: &str) -> Result<Template> {
    let broken = |file: &Path, message: String| Error::BrokenTemplate {
        file: file.display().to_string(),
        message,
    };
    let read = |file: &Path| std::fs::read_to_string(file).map_err(|e| Error::io(file, e));
    let manifest_file = dir.join("template.toml");
    let manifest: Manifest = toml::from_str(&read(&manifest_file)?)
        .map_err(|e| broken(&manifest_file, e.to_string()))?;
    let mut formats = BTreeMap::new();
    for (format_name, f) in manifest.formats {
        if !(16..=4096).contains(&f.width) || !(16..=4096).contains(&f.height) {
            return Err(broken(
                &manifest_file,
                format!("format `{format_name}`: width and height must be 16 to 4096"),
            ));
        }
        let layer_file = dir.join(&f.layer);
        let layer = format!("{name}/{format_name}");
        registry
            .register_template_string(&layer, read(&layer_file)?)
            .map_err(|e| broken(&layer_file, template_error(&e)))?;
        let background = match &f.background {
            Some(file) => {
                let file = dir.join(file);
                let name = format!("{layer}/background");
                let svg = read(&file)?;
                registry
                    .register_template_string(&name, &svg)
                    .map_err(|e| broken(&file, template_error(&e)))?;
                Some(Background {
                    file,
                    name,
                    svg,
                    pixmaps: Mutex::default(),
                })
            }
            None => None,
        };
        formats.insert(
            format_name.clone(),
            Format {
                name: format_name,
                width: f.width,
                height: f.height,
                photos: f.photos.min(crate::card::model::MAX_LIST),
                photo_size: f.photo_size.clamp(16, 2048),
                layer,
                layer_file,
                background,
            },
        );
    }
    Ok(Template {
        name: name.to_string(),
        description: manifest.description,
        version: manifest.version,
        formats,
    })
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    Ok(entries)
}

fn template_error(e: &handlebars::TemplateError) -> String {
    match e.pos() {
        Some((line, column)) => format!("line {line}, column {column}: {}", e.reason()),
        None => e.reason().to_string(),
    }
}

fn render_error(e: &handlebars::RenderError, file: &Path) -> String {
    let reason = e.reason().to_string();
    match (e.line_no, e.column_no) {
        (Some(line), Some(column)) => {
            format!("{}, line {line}, column {column}: {reason}", file.display())
        }
        _ => format!("{}: {reason}", file.display()),
    }
}

/// Escapes text for XML content and attribute values.
pub fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}
