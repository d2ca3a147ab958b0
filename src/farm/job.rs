//! Job: one user's cards to render, as the queue carries it, and the [`CardSelection`]
//! (templates × formats) that a job, a batch plan and `enqueue`'s up-front check are made of.
//!
//! `{"stats": {…}, "templates": ["minutes"], "formats": ["story"], "encoding": "jpeg:85"}`;
//! `templates` and `formats` are optional (default: every template, in every format it has),
//! and so is `encoding` (default: `png`; see [`Encoding`]). The stats stay raw JSON in
//! the job so that a job with invalid stats still parses, and fails as a *fatal* error that names
//! the field (dead-lettered at once) rather than as an unreadable message.

use serde::{Deserialize, Serialize};

use crate::card::encoding::Encoding;
use crate::card::model::Stats;
use crate::card::template::Templates;
use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    pub stats: serde_json::Value,
    /// Which of the user's cards to make.
    #[serde(flatten)]
    pub cards: CardSelection,
    /// The file format of the cards. Default: PNG.
    #[serde(default, skip_serializing_if = "Encoding::is_png")]
    pub encoding: Encoding,
}

/// Which cards a user gets: the named templates (default: all), each in the named formats
/// (default: every format it has). A batch plan, a queued job and `enqueue`'s up-front check
/// are all made of one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardSelection {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub templates: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formats: Option<Vec<String>>,
}

/// One card of a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardSpec {
    pub template: String,
    pub format: String,
}

impl Job {
    pub fn new(stats: &Stats, cards: CardSelection) -> Job {
        Job {
            stats: serde_json::to_value(stats).unwrap_or_default(),
            cards,
            encoding: Encoding::Png,
        }
    }

    /// The same job with its cards in `encoding`.
    pub fn encoded(self, encoding: Encoding) -> Job {
        Job { encoding, ..self }
    }

    /// Parses a queue message's payload.
    pub fn from_bytes(bytes: &[u8]) -> Result<Job> {
        serde_json::from_slice(bytes).map_err(|e| Error::MalformedJson {
            location: format!("job, line {}, column {}", e.line(), e.column()),
            message: crate::card::model::strip_position(&e.to_string()),
        })
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// The user id, for logs and dead letters, even when the stats are invalid.
    pub fn user_id(&self) -> &str {
        self.stats
            .get("user_id")
            .and_then(|v| v.as_str())
            .unwrap_or("?")
    }

    /// The validated stats.
    pub fn stats(&self) -> Result<Stats> {
        Stats::from_value(self.stats.clone())
    }
}

impl CardSelection {
    /// The cards selected, in template then format order. Unknown template or format names
    /// are errors (fatal); a template without a requested format is skipped, but a selection
    /// left with no card at all is [`Error::NoCards`] (fatal): acking a job of it as done would
    /// report success for nothing.
    pub fn cards(&self, templates: &Templates) -> Result<Vec<CardSpec>> {
        let names: Vec<String> = match &self.templates {
            Some(names) => names.clone(),
            None => templates.iter().map(|t| t.name.clone()).collect(),
        };
        let mut cards = Vec::new();
        for name in names {
            let Some(template) = templates.iter().find(|t| t.name == name) else {
                return Err(Error::UnknownTemplate {
                    available: templates
                        .iter()
                        .map(|t| t.name.clone())
                        .collect::<Vec<_>>()
                        .join(", "),
                    name,
                });
            };
            for format in template.formats.keys() {
                if self.formats.as_ref().is_none_or(|f| f.contains(format)) {
                    cards.push(CardSpec {
                        template: name.clone(),
                        format: format.clone(),
                    });
                }
            }
        }
        if let Some(formats) = &self.formats {
            let known = |f: &String| templates.iter().any(|t| t.formats.contains_key(f));
            if let Some(unknown) = formats.iter().find(|f| !known(f)) {
                let available: std::collections::BTreeSet<&String> =
                    templates.iter().flat_map(|t| t.formats.keys()).collect();
                return Err(Error::NoSuchFormat {
                    format: unknown.clone(),
                    available: available
                        .into_iter()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
        }
        if cards.is_empty() {
            return Err(Error::NoCards(match (&self.templates, &self.formats) {
                (Some(t), _) if t.is_empty() => "`templates` is empty".into(),
                (_, Some(f)) if f.is_empty() => "`formats` is empty".into(),
                (Some(t), Some(f)) => format!(
                    "template {} has none of the formats {}",
                    t.join(", "),
                    f.join(", ")
                ),
                _ => "no template is installed".into(),
            }));
        }
        Ok(cards)
    }
}

impl CardSpec {
    /// The card's name in logs and reports: `<template>-<format>`.
    pub fn name(&self) -> String {
        format!("{}-{}", self.template, self.format)
    }
}

/// The object key of a card: `<prefix>/<user_id>/<template>-<format>.<extension>`, the
/// extension the encoding's (`png`, `webp`, `jpg`).
pub fn key(prefix: &str, user_id: &str, card: &CardSpec, encoding: Encoding) -> String {
    let file = format!(
        "{user_id}/{}-{}.{}",
        card.template,
        card.format,
        encoding.extension()
    );
    let prefix = prefix.trim_matches('/');
    if prefix.is_empty() {
        file
    } else {
        format!("{prefix}/{file}")
    }
}
