//! Usage: which view fields and catalog messages a compiled layer refers to, read from the
//! handlebars syntax tree (not by searching the source text).
//!
//! A field is named by its path from the view's root, with `[]` for "each item of a list":
//! `{{#each top_genres}}{{text name …}}{{/each}}` uses `top_genres` as a scope and
//! `top_genres[].name` as a value.

use std::collections::{BTreeMap, BTreeSet};

use handlebars::template::{HelperTemplate, Parameter, Template, TemplateElement};
use handlebars::Path;

/// How a template uses a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Use {
    /// Only tested (`#if`, `#unless`): its parts are not read.
    Test,
    /// Entered (`#each`, `#with`): its parts are read by their own paths.
    Scope,
    /// Read whole, as a helper's parameter or printed: a helper may read any part of it.
    Value,
}

/// The fields (by path) and messages one layer or background uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Usage {
    /// Field path → the strongest way it is used.
    pub fields: BTreeMap<String, Use>,
    /// Ids of the catalog messages asked for with a literal id (`{{t "id" …}}`).
    pub messages: BTreeSet<String>,
}

/// Reads the usage of `template`; `helpers` tells helper names from field names.
pub(crate) fn of(template: &Template, helpers: &[&str]) -> Usage {
    let mut usage = Usage::default();
    Walker {
        helpers,
        usage: &mut usage,
    }
    .template(template, &[String::new()]);
    usage
}

struct Walker<'a> {
    helpers: &'a [&'a str],
    usage: &'a mut Usage,
}

impl Walker<'_> {
    fn template(&mut self, t: &Template, scopes: &[String]) {
        for element in &t.elements {
            match element {
                TemplateElement::Expression(h) | TemplateElement::HtmlExpression(h) => {
                    self.call(h, scopes)
                }
                TemplateElement::HelperBlock(h) => self.block(h, scopes),
                _ => {}
            }
        }
    }

    fn block(&mut self, h: &HelperTemplate, scopes: &[String]) {
        let name = match &h.name {
            Parameter::Name(n) => n.as_str(),
            _ => "",
        };
        match name {
            "each" | "with" => {
                let inner = h.params.first().and_then(|p| match p {
                    Parameter::Path(path) => self.path(path, scopes, Use::Scope),
                    other => {
                        self.param(other, scopes, Use::Value);
                        None
                    }
                });
                if let (Some(body), Some(inner)) = (&h.template, inner) {
                    let mut nested = scopes.to_vec();
                    nested.push(if name == "each" {
                        format!("{inner}[]")
                    } else {
                        inner
                    });
                    self.template(body, &nested);
                }
            }
            "if" | "unless" => {
                for p in &h.params {
                    self.param(p, scopes, Use::Test);
                }
                if let Some(body) = &h.template {
                    self.template(body, scopes);
                }
            }
            _ => {
                self.arguments(h.params.iter(), h.hash.values(), name, scopes);
                if let Some(body) = &h.template {
                    self.template(body, scopes);
                }
            }
        }
        if let Some(inverse) = &h.inverse {
            self.template(inverse, scopes);
        }
    }

    /// `{{name …}}`: a helper call, or a field printed.
    fn call(&mut self, h: &HelperTemplate, scopes: &[String]) {
        match &h.name {
            Parameter::Name(n) if self.helpers.contains(&n.as_str()) => {
                self.arguments(h.params.iter(), h.hash.values(), n, scopes)
            }
            Parameter::Name(n) => {
                if let Ok(path) = Path::parse(n) {
                    self.path(&path, scopes, Use::Value);
                }
            }
            Parameter::Path(path) => {
                self.path(path, scopes, Use::Value);
            }
            Parameter::Subexpression(s) => self.subexpression(s.as_element(), scopes),
            Parameter::Literal(_) => {}
            _ => {}
        }
    }

    fn arguments<'p>(
        &mut self,
        params: impl Iterator<Item = &'p Parameter>,
        hash: impl Iterator<Item = &'p Parameter>,
        helper: &str,
        scopes: &[String],
    ) {
        for (i, p) in params.enumerate() {
            if let (0, "t", Parameter::Literal(serde_json::Value::String(id))) = (i, helper, p) {
                self.usage.messages.insert(id.clone());
            }
            self.param(p, scopes, Use::Value);
        }
        for p in hash {
            self.param(p, scopes, Use::Value);
        }
    }

    fn param(&mut self, p: &Parameter, scopes: &[String], how: Use) {
        match p {
            Parameter::Path(path) => {
                self.path(path, scopes, how);
            }
            Parameter::Name(n) => {
                if let Ok(path) = Path::parse(n) {
                    self.path(&path, scopes, how);
                }
            }
            Parameter::Subexpression(s) => self.subexpression(s.as_element(), scopes),
            _ => {}
        }
    }

    fn subexpression(&mut self, element: &TemplateElement, scopes: &[String]) {
        match element {
            TemplateElement::Expression(h) | TemplateElement::HtmlExpression(h) => {
                self.call(h, scopes)
            }
            TemplateElement::HelperBlock(h) => self.block(h, scopes),
            _ => {}
        }
    }

    /// Records a relative path (resolved against the scopes) and returns its full path;
    /// `@index` and the like are not fields.
    fn path(&mut self, path: &Path, scopes: &[String], how: Use) -> Option<String> {
        let Path::Relative((_, raw)) = path else {
            return None;
        };
        let mut rest = raw.as_str();
        let mut depth = scopes.len() - 1;
        if let Some(r) = rest.strip_prefix("@root") {
            depth = 0;
            rest = r.trim_start_matches(['.', '/']);
        }
        while let Some(r) = rest.strip_prefix("../") {
            depth = depth.saturating_sub(1);
            rest = r;
        }
        let rest = rest
            .trim_start_matches("this.")
            .trim_start_matches("./")
            .trim_start_matches("this/");
        let rest = if rest == "this" || rest == "." {
            ""
        } else {
            rest
        };
        if rest.starts_with('@') {
            return None;
        }
        let scope = &scopes[depth];
        let full = match (scope.is_empty(), rest.is_empty()) {
            (_, true) => scope.clone(),
            (true, false) => rest.replace('/', "."),
            (false, false) => format!("{scope}.{}", rest.replace('/', ".")),
        };
        if full.is_empty() {
            return None;
        }
        let entry = self.usage.fields.entry(full.clone()).or_insert(how);
        *entry = (*entry).max(how);
        Some(full)
    }
}

/// Every field path of a view (as JSON), lists as `[]`: `top_genres`, `top_genres[]`,
/// `top_genres[].name`, …
pub fn paths(view: &serde_json::Value, out: &mut BTreeSet<String>) {
    fn walk(v: &serde_json::Value, prefix: &str, out: &mut BTreeSet<String>) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    let path = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    out.insert(path.clone());
                    walk(v, &path, out);
                }
            }
            serde_json::Value::Array(items) => {
                let path = format!("{prefix}[]");
                for item in items {
                    if item.is_object() {
                        out.insert(path.clone());
                    }
                    walk(item, &path, out);
                }
            }
            _ => {}
        }
    }
    walk(view, "", out)
}
