//! Layout facts: what the fill stage decided about each piece of text and each photo, kept
//! only when asked.
//!
//! A normal render records nothing: the helpers check one thread-local flag and write the
//! same SVG as ever. Inside [`record`], the `text`, `label` and `avatar` helpers also note
//! what they drew (the string, the size it got, whether it was cut, which characters no font
//! has) and give their SVG element an `id` ([`Fact::id`]) so the parsed tree can say where
//! the ink landed. The lint ([`crate::lint`]) reads both.

use std::cell::RefCell;

use serde::Serialize;

/// Where in the card a fact was drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Place {
    /// The per-user layer (`text` and `avatar` helpers).
    Layer,
    /// The static background (`label` helper).
    Background,
}

/// One piece of text as the fit step laid it out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TextFact {
    /// The element id in the filled SVG; its lines are `{id}-{line}`.
    pub id: String,
    pub place: Place,
    /// The string the template asked for.
    pub value: String,
    /// The lines drawn (after any ellipsis).
    pub lines: Vec<String>,
    /// The size drawn, the design size and the smallest size the template allows, in px.
    pub size: f32,
    pub design_size: f32,
    pub min_size: f32,
    /// Whether the drawn text ends in an ellipsis the value did not have.
    pub cut: bool,
    /// Characters drawn as `.notdef` (no bundled face covers them).
    pub tofu: Vec<char>,
}

/// One artist photo (or its placeholder) as the `avatar` helper drew it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhotoFact {
    /// The element id in the filled SVG.
    pub id: String,
    /// The artist's name.
    pub name: String,
    /// Whether a real photo was drawn (else the initials placeholder).
    pub photo: bool,
}

/// Everything recorded while filling one card.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Facts {
    pub texts: Vec<TextFact>,
    pub photos: Vec<PhotoFact>,
}

/// Anything a helper can note.
pub(crate) enum Fact {
    Text(TextFact),
    Photo(PhotoFact),
}

impl Fact {
    /// The id the element gets: unique within one recording.
    fn assign(&mut self, n: usize) -> String {
        let (id, prefix) = match self {
            Fact::Text(t) => (
                &mut t.id,
                match t.place {
                    Place::Layer => "cf-text",
                    Place::Background => "cf-label",
                },
            ),
            Fact::Photo(p) => (&mut p.id, "cf-photo"),
        };
        *id = format!("{prefix}-{n}");
        id.clone()
    }
}

thread_local! {
    static FACTS: RefCell<Option<Facts>> = const { RefCell::new(None) };
}

/// Runs `work` (a fill) with recording on, and returns what the helpers noted.
pub fn record<T>(work: impl FnOnce() -> T) -> (T, Facts) {
    let outer = FACTS.with_borrow_mut(|f| f.replace(Facts::default()));
    let out = work();
    let facts = FACTS
        .with_borrow_mut(|f| std::mem::replace(f, outer))
        .unwrap_or_default();
    (out, facts)
}

/// Notes a fact, built only when recording; returns the id its element must carry.
pub(crate) fn note(fact: impl FnOnce() -> Fact) -> Option<String> {
    FACTS.with_borrow_mut(|facts| {
        let facts = facts.as_mut()?;
        let mut fact = fact();
        let id = fact.assign(facts.texts.len() + facts.photos.len());
        match fact {
            Fact::Text(t) => facts.texts.push(t),
            Fact::Photo(p) => facts.photos.push(p),
        }
        Some(id)
    })
}
