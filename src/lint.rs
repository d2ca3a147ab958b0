//! Lint: renders every template against fixture users and reports what a designer would
//! catch by eye, each finding naming the template, format, fixture and the string, element,
//! field or message it is about.
//!
//! ```text
//! fixtures × templates × formats ─Renderer::inspect─▶ layout facts + parsed layer/background
//!     ─card rules─▶ findings          (safe zone, small or cut text, tofu, overflow, collision)
//! compiled templates + the views seen ─fields─▶ findings    (unknown and unused view fields)
//! catalogs ─messages─▶ findings                              (messages a locale lacks)
//! a warm render's time ─budget─▶ findings                    (slower than --budget-ms)
//! ```
//!
//! The rules read what the renderer decided and drew: the fit step's sizes and cuts, the
//! glyphs it could not find, and the ink of each element in the parsed tree (real glyph
//! outlines, so an Arabic or Thai line's marks count where they land). Nothing is recorded
//! in a normal render; see [`crate::card::layout`].
//!
//! [`run`] lints many cases; [`card`] lints one (the studio shows its findings beside each
//! card).

mod fields;
mod ink;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::card::model::Stats;
use crate::card::render::{Renderer, Source};
use crate::error::{Error, Result};

/// The bands of a 9:16 story that Instagram covers with its own interface (the profile and
/// timestamp at the top, the reply bar and call-to-action at the bottom), in pixels of a
/// 1080×1920 story; other story sizes scale them by height.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct SafeZone {
    pub top: u32,
    pub bottom: u32,
    pub height: u32,
    pub source: &'static str,
}

/// Meta's Ads Guide for Instagram Stories (image and carousel specs) says: consider leaving
/// roughly 14% (250 pixels) of the top and 20% (340 pixels) of the bottom free from text and
/// logos. The pixels are used, as in `docs/templates.md` (key text in y = 250…1580); the
/// percentages in the same sentence do not match them at 1920 px (269 and 384 px).
pub const SAFE_ZONE: SafeZone = SafeZone {
    top: 250,
    bottom: 340,
    height: 1920,
    source: "Meta Ads Guide, Instagram Stories specs: leave roughly the top 250 px and the bottom 340 px of a 1080×1920 story free of text and logos",
};

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// The card did not render at all.
    RenderError,
    /// Key text or a photo inside a story's safe zone.
    SafeZone,
    /// Text drawn below the template's minimum size or the lint's floor.
    SmallText,
    /// Text cut with an ellipsis.
    CutText,
    /// Characters no bundled font covers, drawn as boxes.
    Tofu,
    /// The layer draws outside the design's content box.
    Overflow,
    /// Text whose ink touches other text or art.
    Collision,
    /// A template uses a field the view does not have.
    UnknownField,
    /// A view field no template uses.
    UnusedField,
    /// A warm render slower than the budget.
    Slow,
    /// A message a locale's catalog lacks (it falls back).
    MissingMessage,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::RenderError => "render-error",
            Rule::SafeZone => "safe-zone",
            Rule::SmallText => "small-text",
            Rule::CutText => "cut-text",
            Rule::Tofu => "tofu",
            Rule::Overflow => "overflow",
            Rule::Collision => "collision",
            Rule::UnknownField => "unknown-field",
            Rule::UnusedField => "unused-field",
            Rule::Slow => "slow",
            Rule::MissingMessage => "missing-message",
        }
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing to fix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub rule: Rule,
    /// The template, format and fixture (user) it was seen on; `None` where it concerns no
    /// one card (an unused field, a catalog's missing message).
    pub template: Option<String>,
    pub format: Option<String>,
    pub fixture: Option<String>,
    /// The locale the card was rendered in, or the catalog lacking a message.
    pub locale: Option<String>,
    /// The string, element, field or message id it is about.
    pub subject: String,
    /// What is wrong, in a sentence.
    pub message: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut place = Vec::new();
        if let Some(t) = &self.template {
            place.push(match &self.format {
                Some(format) => format!("{t}/{format}"),
                None => t.clone(),
            });
        }
        if let Some(fixture) = &self.fixture {
            place.push(fixture.clone());
        }
        if let Some(locale) = &self.locale {
            place.push(format!("[{locale}]"));
        }
        if !place.is_empty() {
            write!(f, "{}: ", place.join(" "))?;
        }
        write!(f, "{}: {}", self.rule, self.message)
    }
}

/// How strict the lint is.
#[derive(Debug, Clone)]
pub struct Config {
    /// A warm render slower than this is a finding; `None` skips timing (two renders per card).
    /// Default: 50 ms.
    pub budget: Option<Duration>,
    /// Text drawn smaller than this, in pixels of the card, is a finding. Default: 16 (the
    /// smallest design size shipped is 18 px, on the landscape card's labels).
    pub min_text_px: f32,
    /// A user's string (a name, a title, or copy that carries one) of at most this many
    /// characters must not be cut; a longer one may be, as the fit step's designed last
    /// resort. The design's own copy (catalog messages, literals) must never be cut.
    /// Default: 24.
    pub user_text_chars: usize,
    /// Ink closer than this, in pixels, counts as touching. Default: 1.
    pub clearance: u32,
    /// Margin of the content box inside the card's edges, in pixels: the layer must not draw
    /// outside it. Default: 24.
    pub content_margin: f32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            budget: Some(Duration::from_millis(50)),
            min_text_px: 16.0,
            user_text_chars: 24,
            clearance: 1,
            content_margin: 24.0,
        }
    }
}

/// One fixture user to lint the cards of.
#[derive(Debug, Clone)]
pub struct Subject {
    /// The fixture's name (file stem) or the user id.
    pub name: String,
    pub stats: Stats,
    /// Where relative photo paths resolve.
    pub root: Option<PathBuf>,
    /// Set when the stats are rendered in another locale than their own.
    pub locale: Option<String>,
}

impl Subject {
    fn source(&self) -> Source<'_> {
        Source {
            stats: &self.stats,
            root: self.root.as_deref(),
        }
    }
}

/// The cards to lint: templates and formats (`None`: all).
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub templates: Option<Vec<String>>,
    pub formats: Option<Vec<String>>,
}

/// The result of a [`run`].
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// Cards rendered.
    pub cards: usize,
    pub findings: Vec<Finding>,
}

/// The golden fixtures in `dir` (`tests/fixtures`): each fixture the golden cases use, in its
/// own locale, then the `locales` fixture in every launch locale; or, with `locale`, each of
/// them once in that locale.
pub fn fixtures(dir: &Path, locale: Option<&str>) -> Result<Vec<Subject>> {
    let mut names = vec!["typical".to_string()];
    names.extend(crate::golden::EDGES.iter().map(|(f, _)| f.to_string()));
    names.push("locales".into());
    let load = |name: &str, locale: Option<&str>| -> Result<Subject> {
        let file = dir.join(format!("{name}.json"));
        let json = std::fs::read_to_string(&file).map_err(|e| Error::io(&file, e))?;
        let mut stats = Stats::from_json(&json, &file.display().to_string())?;
        if let Some(locale) = locale {
            stats.set_locale(locale)?;
        }
        Ok(Subject {
            name: name.to_string(),
            stats,
            root: Some(dir.to_path_buf()),
            locale: locale.map(str::to_string),
        })
    };
    let mut out = Vec::new();
    for name in &names {
        match locale {
            Some(tag) => out.push(load(name, Some(tag))?),
            None if name == "locales" => {
                for tag in crate::golden::LAUNCH_LOCALES {
                    out.push(load(name, Some(tag))?);
                }
            }
            None => out.push(load(name, None)?),
        }
    }
    Ok(out)
}

/// Lints every selected template × format on every subject, then the fields the templates
/// use against the views they were filled with, then the catalogs of the locales seen.
pub fn run(
    renderer: &Renderer,
    subjects: &[Subject],
    selection: &Selection,
    config: &Config,
) -> Result<Report> {
    let slots = slots(renderer, selection)?;
    let mut report = Report::default();
    let mut views = BTreeSet::new();
    let mut locales = BTreeSet::new();
    for subject in subjects {
        locales.insert(
            renderer
                .templates()
                .catalogs()
                .primary(subject.stats.locale())
                .to_string(),
        );
        for (template, format) in &slots {
            let (findings, view) = lint_card(renderer, subject, template, format, config);
            if let Some(view) = view {
                crate::card::template::usage::paths(&view, &mut views);
            }
            report.findings.extend(findings);
            report.cards += 1;
        }
    }
    if !subjects.is_empty() {
        report.findings.extend(fields::check(
            renderer,
            &slots,
            &views,
            selection.templates.is_none(),
        ));
    }
    report.findings.extend(missing_messages(renderer, &locales));
    Ok(report)
}

/// Lints one card: what the studio shows beside it.
pub fn card(
    renderer: &Renderer,
    subject: &Subject,
    template: &str,
    format: &str,
    config: &Config,
) -> Vec<Finding> {
    lint_card(renderer, subject, template, format, config).0
}

/// The selected template × format pairs, or an error naming an unknown one.
fn slots(renderer: &Renderer, selection: &Selection) -> Result<Vec<(String, String)>> {
    let templates = renderer.templates();
    if let Some(names) = &selection.templates {
        for name in names {
            let t = templates.iter().find(|t| &t.name == name);
            if t.is_none() {
                // The same error `render` gives, listing what exists.
                templates.get(name, "story")?;
            }
        }
    }
    let mut out = Vec::new();
    for t in templates.iter() {
        if selection
            .templates
            .as_ref()
            .is_some_and(|s| !s.contains(&t.name))
        {
            continue;
        }
        for f in t.formats.keys() {
            if selection.formats.as_ref().is_some_and(|s| !s.contains(f)) {
                continue;
            }
            out.push((t.name.clone(), f.clone()));
        }
    }
    if out.is_empty() {
        return Err(Error::UnknownFormat {
            template: selection
                .templates
                .as_ref()
                .map_or("any template".into(), |t| t.join(", ")),
            format: selection
                .formats
                .as_ref()
                .map_or(String::new(), |f| f.join(", ")),
            available: templates
                .iter()
                .flat_map(|t| t.formats.keys().cloned())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    Ok(out)
}

/// A finding about one card, before its rule and words are known.
pub(crate) struct At<'a> {
    template: &'a str,
    format: &'a str,
    subject: &'a Subject,
}

impl At<'_> {
    pub(crate) fn finding(
        &self,
        rule: Rule,
        subject: impl Into<String>,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            rule,
            template: Some(self.template.to_string()),
            format: Some(self.format.to_string()),
            fixture: Some(self.subject.name.clone()),
            locale: self.subject.locale.clone(),
            subject: subject.into(),
            message: message.into(),
        }
    }
}

fn lint_card(
    renderer: &Renderer,
    subject: &Subject,
    template: &str,
    format: &str,
    config: &Config,
) -> (Vec<Finding>, Option<serde_json::Value>) {
    let at = At {
        template,
        format,
        subject,
    };
    let inspection = match renderer.inspect(subject.source(), template, format) {
        Ok(i) => i,
        Err(e) => {
            return (
                vec![at.finding(Rule::RenderError, template, e.to_string())],
                None,
            )
        }
    };
    let mut findings = ink::check(&at, &inspection, format == "story", config);
    if let Some(budget) = config.budget {
        findings.extend(budget_check(renderer, &at, budget));
    }
    (findings, Some(inspection.view))
}

/// Renders the card twice and times the second (warm: background drawn, photos cached).
fn budget_check(renderer: &Renderer, at: &At, budget: Duration) -> Option<Finding> {
    let source = at.subject.source();
    renderer.render(source, at.template, at.format).ok()?;
    let start = Instant::now();
    renderer.render(source, at.template, at.format).ok()?;
    let took = start.elapsed();
    (took > budget).then(|| {
        at.finding(
            Rule::Slow,
            at.template,
            format!(
                "a warm render took {:.1} ms, over the budget of {} ms",
                took.as_secs_f64() * 1e3,
                budget.as_millis()
            ),
        )
    })
}

/// Messages the catalogs of `locales` (primary tags) lack, with the templates that use them.
fn missing_messages(renderer: &Renderer, locales: &BTreeSet<String>) -> Vec<Finding> {
    let templates = renderer.templates();
    let users = |id: &str| -> Option<String> {
        let names: Vec<String> = templates
            .iter()
            .filter(|t| {
                t.formats
                    .values()
                    .any(|f| templates.usage(f).messages.contains(id))
            })
            .map(|t| t.name.clone())
            .collect();
        (!names.is_empty()).then(|| names.join(", "))
    };
    let folder = templates.root().join("_locales");
    templates
        .catalogs()
        .missing()
        .into_iter()
        .filter(|(tag, _)| locales.contains(tag))
        .map(|(tag, id)| {
            let template = users(&id);
            Finding {
                rule: Rule::MissingMessage,
                message: format!(
                    "`{id}` is missing from {}; cards fall back to another catalog",
                    folder.join(&tag).display()
                ),
                template,
                format: None,
                fixture: None,
                locale: Some(tag),
                subject: id,
            }
        })
        .collect()
}
