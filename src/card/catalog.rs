//! Catalog: every word a card prints, per locale, in Project Fluent files.
//!
//! Templates never hold copy; they ask for a message by id (`{{t "top-artists-heading"}}`) and
//! this module formats it in the listener's language: variables, CLDR plural categories
//! (`one`, `few`, `many`, …) and numbers grouped the same way as the `number` helper does.
//!
//! The catalogs live beside the templates, one folder per language tag:
//! `templates/_locales/<tag>/cards.ftl` (every `.ftl` in the folder is read). `en` is the
//! reference: it must exist, and each of its messages carries a comment saying where it shows
//! and how long it may be.
//!
//! A request picks a *chain* of catalogs, most specific first, and each message is looked up
//! along it, so a catalog that lacks a message falls back for that message alone:
//! `pt-BR` → `pt` → `en`. A bare or unknown region finds a catalog of its language (`pt` →
//! `pt-BR`, `zh-CN` → `zh-Hans`); anything else ends in `en`. [`Catalogs::missing`] lists what
//! each catalog lacks against the reference.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use fluent_bundle::bundle::FluentBundle;
use fluent_bundle::types::{FluentNumber, FluentNumberOptions};
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use intl_memoizer::concurrent::IntlLangMemoizer;
use sha2::{Digest, Sha256};

use crate::card::view::locale;
use crate::error::{Error, Result};

/// The reference catalog: complete by definition, and the last link of every chain.
pub const REFERENCE: &str = "en";

/// Languages written right to left: a card in one of them mirrors its layout.
const RTL_LANGUAGES: &[&str] = &["ar", "he", "fa", "ur", "ps", "yi", "dv", "ckb", "sd", "ug"];

/// Reading direction of a catalog's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Ltr,
    Rtl,
}

impl Direction {
    /// `ltr` or `rtl`, as the view gives it to templates.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ltr => "ltr",
            Direction::Rtl => "rtl",
        }
    }
}

type Bundle = FluentBundle<FluentResource, IntlLangMemoizer>;

/// One locale's messages.
struct Catalog {
    bundle: Bundle,
    ids: BTreeSet<String>,
    direction: Direction,
}

/// A value for a message's variable.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Text(String),
    Number(f64),
    /// A number shown with exactly this many decimals at most (trailing zeros dropped).
    Decimals(f64, usize),
}

/// Why a message could not be formatted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    #[error("message `{id}` is in no catalog (not even `{REFERENCE}`)")]
    Unknown { id: String },
    #[error("message `{id}` ({tag}): {message}")]
    Broken {
        id: String,
        tag: String,
        message: String,
    },
}

/// Every catalog in a `_locales` folder, parsed once and shared by all renders.
pub struct Catalogs {
    catalogs: BTreeMap<String, Catalog>,
    digest: [u8; 32],
}

impl std::fmt::Debug for Catalogs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalogs")
            .field("tags", &self.catalogs.keys().collect::<Vec<_>>())
            .finish()
    }
}

thread_local! {
    /// The locale numbers inside the message being formatted are grouped for: the listener's
    /// own tag (`en-IN` groups 12,34,567 even though its words come from `en`). Fluent's
    /// formatter hook is a plain `fn`, so it reads the tag from here.
    static NUMBER_LOCALE: RefCell<String> = const { RefCell::new(String::new()) };
}

impl Catalogs {
    /// No catalogs: every message is [`CatalogError::Unknown`]. For template folders without
    /// a `_locales` folder.
    pub fn empty() -> Catalogs {
        Catalogs {
            catalogs: BTreeMap::new(),
            digest: Sha256::digest(b"no catalogs").into(),
        }
    }

    /// Loads `dir/<tag>/*.ftl` for every folder in `dir`. A file that does not parse, a folder
    /// name that is not a language tag, or a missing reference catalog is an error naming it.
    pub fn load(dir: &Path) -> Result<Catalogs> {
        let broken = |file: &Path, message: String| Error::BrokenTemplate {
            file: file.display().to_string(),
            message,
        };
        let mut catalogs = BTreeMap::new();
        let mut hash = Sha256::new();
        for folder in sorted(dir)? {
            if !folder.is_dir() {
                continue;
            }
            let tag = folder
                .file_name()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_string();
            let langid: unic_langid::LanguageIdentifier = tag
                .parse()
                .map_err(|e| broken(&folder, format!("`{tag}` is not a language tag: {e}")))?;
            let direction = direction_of(&tag);
            let mut bundle = Bundle::new_concurrent(vec![langid]);
            // Isolation marks keep a Latin name from reordering an Arabic sentence; left-to-
            // right copy needs none, and leaving them out keeps its strings plain.
            bundle.set_use_isolating(direction == Direction::Rtl);
            bundle.set_formatter(Some(format_number));
            bundle
                .add_builtins()
                .map_err(|e| broken(&folder, format!("{e:?}")))?;
            let mut ids = BTreeSet::new();
            for file in sorted(&folder)? {
                if file.extension().is_none_or(|e| e != "ftl") {
                    continue;
                }
                let text = std::fs::read_to_string(&file).map_err(|e| Error::io(&file, e))?;
                hash.update(tag.as_bytes());
                hash.update((text.len() as u64).to_le_bytes());
                hash.update(text.as_bytes());
                let resource = FluentResource::try_new(text).map_err(|(_, errors)| {
                    broken(
                        &file,
                        errors
                            .iter()
                            .map(|e| format!("{:?} at bytes {:?}", e.kind, e.pos))
                            .collect::<Vec<_>>()
                            .join("; "),
                    )
                })?;
                for entry in resource.entries() {
                    if let fluent_syntax::ast::Entry::Message(m) = entry {
                        ids.insert(m.id.name.to_string());
                    }
                }
                bundle.add_resource(resource).map_err(|errors| {
                    broken(
                        &file,
                        errors
                            .iter()
                            .map(|e| e.to_string())
                            .collect::<Vec<_>>()
                            .join("; "),
                    )
                })?;
            }
            catalogs.insert(
                tag,
                Catalog {
                    bundle,
                    ids,
                    direction,
                },
            );
        }
        if !catalogs.contains_key(REFERENCE) {
            return Err(broken(
                &dir.join(REFERENCE),
                format!("the reference catalog `{REFERENCE}` is missing"),
            ));
        }
        Ok(Catalogs {
            catalogs,
            digest: hash.finalize().into(),
        })
    }

    /// The catalogs' tags, sorted.
    pub fn tags(&self) -> impl Iterator<Item = &str> {
        self.catalogs.keys().map(String::as_str)
    }

    /// SHA-256 over every catalog file: a card's fingerprint covers its words.
    pub fn digest(&self) -> [u8; 32] {
        self.digest
    }

    /// The catalogs a request for `requested` reads, most specific first, ending with the
    /// reference (when loaded). `pt-BR` → `[pt-BR, pt, en]` when all three exist.
    pub fn chain<'a>(&'a self, requested: &str) -> Vec<&'a str> {
        let catalogs: &'a BTreeMap<String, Catalog> = &self.catalogs;
        let requested = requested.replace('_', "-");
        let parts: Vec<&str> = requested.split('-').filter(|p| !p.is_empty()).collect();
        let language = parts.first().copied().unwrap_or(REFERENCE);
        let mut out: Vec<&str> = Vec::new();
        let push = |tag: &str, out: &mut Vec<&'a str>| {
            if let Some((known, _)) = catalogs.iter().find(|(k, _)| k.eq_ignore_ascii_case(tag)) {
                if !out.contains(&known.as_str()) {
                    out.push(known.as_str());
                }
            }
        };
        // Most specific first: every prefix of the tag (zh-Hans-CN, zh-Hans, zh).
        for n in (1..=parts.len()).rev() {
            push(&parts[..n].join("-"), &mut out);
        }
        if out.is_empty() {
            // No catalog for the tag or its language alone: one for the same language with
            // another region or script still reads better than English.
            let prefix = format!("{}-", language.to_ascii_lowercase());
            if let Some(tag) = self
                .catalogs
                .keys()
                .find(|k| k.to_ascii_lowercase().starts_with(&prefix))
            {
                out.push(tag.as_str());
                if let Some((base, _)) = tag.split_once('-') {
                    push(base, &mut out);
                }
            }
        }
        push(REFERENCE, &mut out);
        out
    }

    /// The most specific catalog a request reads: what the card's words and direction
    /// follow, and what a localized background is cached by.
    pub fn primary(&self, requested: &str) -> &str {
        self.chain(requested).first().copied().unwrap_or(REFERENCE)
    }

    /// The direction of the card for `requested`: that of its primary catalog, so a language
    /// without a catalog (its words in English) keeps the left-to-right layout.
    pub fn direction(&self, requested: &str) -> Direction {
        self.catalogs
            .get(self.primary(requested))
            .map_or(Direction::Ltr, |c| c.direction)
    }

    /// Formats message `id` for `requested`, with the first catalog of the chain that has it.
    /// Numbers in it are grouped for `requested` itself.
    pub fn format(
        &self,
        requested: &str,
        id: &str,
        args: &[(&str, Arg)],
    ) -> std::result::Result<String, CatalogError> {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            let value = match value {
                Arg::Text(s) => FluentValue::String(Cow::Owned(s.clone())),
                Arg::Number(n) => FluentValue::Number(FluentNumber::new(*n, Default::default())),
                Arg::Decimals(n, d) => FluentValue::Number(FluentNumber::new(
                    *n,
                    FluentNumberOptions {
                        maximum_fraction_digits: Some(*d),
                        ..Default::default()
                    },
                )),
            };
            fluent_args.set(name.to_string(), value);
        }
        for tag in self.chain(requested) {
            let catalog = &self.catalogs[tag];
            let Some(pattern) = catalog.bundle.get_message(id).and_then(|m| m.value()) else {
                continue;
            };
            let mut errors = Vec::new();
            NUMBER_LOCALE.with_borrow_mut(|locale| {
                locale.clear();
                locale.push_str(requested);
            });
            let text = catalog
                .bundle
                .format_pattern(pattern, Some(&fluent_args), &mut errors)
                .into_owned();
            if !errors.is_empty() {
                return Err(CatalogError::Broken {
                    id: id.to_string(),
                    tag: tag.to_string(),
                    message: errors
                        .iter()
                        .map(|e| e.to_string())
                        .collect::<Vec<_>>()
                        .join("; "),
                });
            }
            // A right-to-left sentence starts with a right-to-left mark, so it reads right to
            // left even when it opens with a Latin name or a number.
            return Ok(match catalog.direction {
                Direction::Rtl => format!("\u{200F}{text}"),
                Direction::Ltr => text,
            });
        }
        Err(CatalogError::Unknown { id: id.to_string() })
    }

    /// Every message of the reference catalog that a catalog lacks, as `(tag, id)`: what falls
    /// back (to a less specific catalog, or to English).
    pub fn missing(&self) -> Vec<(String, String)> {
        let Some(reference) = self.catalogs.get(REFERENCE) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (tag, catalog) in &self.catalogs {
            for id in reference.ids.difference(&catalog.ids) {
                out.push((tag.clone(), id.clone()));
            }
        }
        out
    }

    /// Messages a catalog has that the reference lacks: typos of an id, or leftovers.
    pub fn unknown(&self) -> Vec<(String, String)> {
        let Some(reference) = self.catalogs.get(REFERENCE) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (tag, catalog) in &self.catalogs {
            for id in catalog.ids.difference(&reference.ids) {
                out.push((tag.clone(), id.clone()));
            }
        }
        out
    }

    /// Whether the reference catalog has message `id`.
    pub fn has(&self, id: &str) -> bool {
        self.catalogs
            .get(REFERENCE)
            .is_some_and(|c| c.ids.contains(id))
    }
}

/// The direction of a language tag's language.
pub fn direction_of(tag: &str) -> Direction {
    let language = tag.split(['-', '_']).next().unwrap_or_default();
    if RTL_LANGUAGES
        .iter()
        .any(|l| l.eq_ignore_ascii_case(language))
    {
        Direction::Rtl
    } else {
        Direction::Ltr
    }
}

/// Fluent's number formatter, replaced by ours so a number reads the same in a sentence as
/// on its own: whole numbers grouped (`48,213`); `maximumFractionDigits` honoured; other
/// fractions keep two significant digits (`0.5`, `0.001`, `12`), like `{{number x sig=2}}`.
fn format_number(value: &FluentValue, _: &IntlLangMemoizer) -> Option<String> {
    let FluentValue::Number(n) = value else {
        return None;
    };
    let x = n.value;
    NUMBER_LOCALE.with_borrow(|tag| {
        let tag = if tag.is_empty() { REFERENCE } else { tag };
        Some(if let Some(d) = n.options.maximum_fraction_digits {
            locale::decimal(x, d.min(6), tag)
        } else if let Some(s) = n.options.minimum_significant_digits {
            locale::significant(x, (s as u32).clamp(1, 6), tag)
        } else if x.fract() == 0.0 && x >= 0.0 && x < u64::MAX as f64 {
            locale::integer(x as u64, tag)
        } else {
            locale::significant(x, 2, tag)
        })
    })
}

fn sorted(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    Ok(entries)
}
