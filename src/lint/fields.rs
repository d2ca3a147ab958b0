//! Fields: the view fields each layer uses (from its compiled template) against the fields
//! of the views it was filled with.

use std::collections::BTreeSet;

use super::{Finding, Rule};
use crate::card::render::Renderer;
use crate::card::template::usage::Use;
use crate::card::view::SAME_ITEMS;

/// Fields the helpers read from the view themselves (mirroring, number formatting), so no
/// template names them.
const IMPLICIT: &[&str] = &["locale", "dir", "canvas"];

/// A field a layer uses that no view had, per template and format; with `all` (every
/// template linted), each view field no layer uses.
pub(super) fn check(
    renderer: &Renderer,
    slots: &[(String, String)],
    views: &BTreeSet<String>,
    all: bool,
) -> Vec<Finding> {
    let templates = renderer.templates();
    let mut out = Vec::new();
    let mut used: Vec<(String, Use)> = Vec::new();
    for (template, format) in slots {
        let Ok((_, f)) = templates.get(template, format) else {
            continue;
        };
        for (path, how) in templates.usage(f).fields {
            if !views.contains(&path) {
                out.push(Finding {
                    rule: Rule::UnknownField,
                    template: Some(template.clone()),
                    format: Some(format.clone()),
                    fixture: None,
                    locale: None,
                    message: format!("the layer uses `{path}`, which the view does not provide"),
                    subject: path.clone(),
                });
            }
            used.push((path, how));
        }
    }
    if !all {
        return out;
    }
    // A field of an item is used when it is used on any path that shows such items.
    let used: Vec<(String, Use)> = used
        .into_iter()
        .map(|(u, how)| (item_path(&u), how))
        .collect();
    let views: BTreeSet<String> = views.iter().map(|v| item_path(v)).collect();
    let is_used = |field: &str| {
        IMPLICIT.iter().any(|i| field == *i || below(field, i))
            || used.iter().any(|(u, how)| {
                u == field
                    // A parent is used when a part of it is.
                    || below(u, field)
                    // A value handed to a helper whole may be read anywhere inside.
                    || (*how == Use::Value && below(field, u))
            })
    };
    for field in &views {
        if !is_used(field) {
            out.push(Finding {
                rule: Rule::UnusedField,
                template: None,
                format: None,
                fixture: None,
                locale: None,
                message: format!("the view provides `{field}`, which no template uses"),
                subject: field.clone(),
            });
        }
    }
    out
}

/// `path` with a path of [`SAME_ITEMS`] put as the first of its kind: `other_artists[].hue`
/// → `top_artist.hue`.
fn item_path(path: &str) -> String {
    for kinds in SAME_ITEMS {
        for alias in kinds.iter() {
            if path == *alias || below(path, alias) {
                return format!("{}{}", kinds[0], &path[alias.len()..]);
            }
        }
    }
    path.to_string()
}

/// Whether `path` lies inside `parent` (`a.b` and `a[].b` inside `a`).
fn below(path: &str, parent: &str) -> bool {
    path.strip_prefix(parent)
        .is_some_and(|rest| rest.starts_with('.') || rest.starts_with("[]"))
}
