//! Template helpers: the Rust side of the templates. Arithmetic, chart geometry, numbers and
//! text fitting live here so the templates only say where things go.
//!
//! | helper | example | gives |
//! |---|---|---|
//! | `text` | `{{text display_name x=90 y=900 w=900 size=120 min=56 weight=900 lines=2 fill="#fff" align="center"}}` | the string, fitted to the frame, as SVG outlines |
//! | `avatar` | `{{avatar top_artist cx=540 cy=760 r=280}}` | the artist's photo in a circle, or initials on a colour |
//! | `number` | `{{number minutes_listened}}`, `{{number x decimals=1}}`, `{{number x sig=2}}` | `48,213` in the user's locale; `sig` keeps significant digits (0.001) |
//! | `t` | `{{t "minutes-count" minutes=top_artist.minutes}}` | a message from the locale's catalog |
//! | `label` | `{{label (t "heading-top-artists") x=540 y=318 w=940 size=32 anchor="middle"}}` | a static heading as `<text>`, fitted, for backgrounds |
//! | `x` | `cx="{{x 706}}"`, `x="{{x 300 480}}"` | an x position, mirrored on right-to-left cards |
//! | `plural` | `{{plural minutes_listened "minute" "minutes"}}` | the word for that count |
//! | `percent` | `{{percent share}}` | `34%`, as the locale writes it |
//! | `concat` | `(concat (number plays) " plays")` | the parts joined |
//! | `upper` | `(upper name)` | upper case |
//! | `ring` | `<path d="{{ring 540 960 300 380 start end}}"/>` | a ring slice between two turns |
//! | `clock` | `<path d="{{clock listening_clock 540 960 200 420}}"/>` | 24 hour bars |
//! | `dial` | `x="{{dial 540 960 450 0.25 "x"}}"` | a coordinate on a dial |
//! | `bar` | `width="{{bar relative 700 min=24}}"` | a length in proportion |
//! | `step` | `y="{{step @index 700 180}}"` | `from + index × by` |
//! | `pick` | `fill="{{pick @index "#f00" "#0f0"}}"` | the index-th option, cycling |

use std::fmt::Write;
use std::sync::Arc;

use handlebars::{
    Context, Handlebars, Helper, HelperDef, HelperResult, JsonRender, Output, RenderContext,
    RenderError, RenderErrorReason, ScopedJson,
};
use serde_json::{json, Value};

use super::escape_xml;
use crate::card::catalog::{Arg, Catalogs};
use crate::card::fonts::Fonts;
use crate::card::layout::{self, Fact, PhotoFact, Place, TextFact};
use crate::card::text::{self, Align, Frame, Style, VAlign};
use crate::card::view::chart;
use crate::card::view::locale;

pub(super) fn register(
    registry: &mut Handlebars<'static>,
    fonts: Arc<Fonts>,
    catalogs: Arc<Catalogs>,
) {
    registry.register_helper("text", Box::new(TextHelper(fonts.clone())));
    registry.register_helper("label", Box::new(LabelHelper(fonts.clone())));
    registry.register_helper("avatar", Box::new(AvatarHelper(fonts)));
    for (name, f) in VALUE_HELPERS {
        registry.register_helper(name, Box::new(ValueHelper(*f)));
    }
    registry.register_helper("t", Box::new(CatalogHelper(catalogs.clone(), message)));
    registry.register_helper("percent", Box::new(CatalogHelper(catalogs, percent)));
}

/// Every helper a template can call: ours and handlebars' own.
pub(super) fn names() -> Vec<&'static str> {
    let mut names = vec!["text", "label", "avatar", "t", "percent"];
    names.extend(VALUE_HELPERS.iter().map(|(name, _)| *name));
    names.extend([
        "if", "unless", "each", "with", "lookup", "raw", "log", "eq", "ne", "gt", "gte", "lt",
        "lte", "and", "or", "not", "len",
    ]);
    names
}

type ValueFn = fn(&Helper, &Context) -> Result<Value, RenderError>;

/// Helpers that compute a value: usable as `{{helper …}}` (escaped) and in subexpressions.
const VALUE_HELPERS: &[(&str, ValueFn)] = &[
    ("number", number),
    ("plural", plural),
    ("x", mirror_x),
    ("concat", concat),
    ("upper", upper),
    ("ring", ring),
    ("clock", clock),
    ("dial", dial),
    ("bar", bar),
    ("step", step),
    ("pick", pick),
];

struct ValueHelper(ValueFn);

impl HelperDef for ValueHelper {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        (self.0)(h, ctx).map(ScopedJson::Derived)
    }
}

type CatalogFn = fn(&Catalogs, &Helper, &Context) -> Result<Value, RenderError>;

/// Helpers that read the catalogs: usable like the value helpers.
struct CatalogHelper(Arc<Catalogs>, CatalogFn);

impl HelperDef for CatalogHelper {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        (self.1)(&self.0, h, ctx).map(ScopedJson::Derived)
    }
}

fn fail(helper: &str, message: impl std::fmt::Display) -> RenderError {
    RenderErrorReason::Other(format!("helper `{helper}`: {message}")).into()
}

/// Positional parameter `i`, which must exist (strict templates).
fn param<'a>(h: &'a Helper, i: usize) -> Result<&'a Value, RenderError> {
    let name = h.name();
    let p = h
        .param(i)
        .ok_or_else(|| fail(name, format!("parameter {} is required", i + 1)))?;
    if p.is_value_missing() {
        let path = p.relative_path().cloned().unwrap_or_default();
        return Err(fail(name, format!("`{path}` is missing")));
    }
    Ok(p.value())
}

fn num(h: &Helper, i: usize) -> Result<f64, RenderError> {
    let v = param(h, i)?;
    v.as_f64().ok_or_else(|| {
        fail(
            h.name(),
            format!("parameter {} must be a number, got {v}", i + 1),
        )
    })
}

fn hash_num(h: &Helper, key: &str) -> Result<Option<f64>, RenderError> {
    match h.hash_get(key) {
        None => Ok(None),
        Some(v) => v.value().as_f64().map(Some).ok_or_else(|| {
            fail(
                h.name(),
                format!("`{key}` must be a number, got {}", v.value()),
            )
        }),
    }
}

/// A number argument the helper cannot do without: `key=` missing is an error naming both.
fn hash_required(h: &Helper, key: &str) -> Result<f64, RenderError> {
    hash_num(h, key)?.ok_or_else(|| fail(h.name(), format!("`{key}=` is required")))
}

fn hash_str(h: &Helper, key: &str) -> Option<String> {
    h.hash_get(key).map(|v| v.value().render())
}

fn locale_of(ctx: &Context) -> String {
    ctx.data()
        .get("locale")
        .and_then(Value::as_str)
        .unwrap_or("en")
        .to_string()
}

fn number(h: &Helper, ctx: &Context) -> Result<Value, RenderError> {
    let n = num(h, 0)?;
    let locale = locale_of(ctx);
    if let Some(digits) = hash_num(h, "sig")? {
        return Ok(locale::significant(n, digits.clamp(1.0, 6.0) as u32, &locale).into());
    }
    let decimals = hash_num(h, "decimals")?.unwrap_or(0.0).clamp(0.0, 6.0) as usize;
    // A count is a u64: print it exactly, not through an f64 that rounds its last digits.
    if let Some(exact) = param(h, 0)?.as_u64().filter(|_| decimals == 0) {
        return Ok(locale::integer(exact, &locale).into());
    }
    Ok(if decimals == 0 && n >= 0.0 && n < u64::MAX as f64 {
        locale::integer(n.round() as u64, &locale)
    } else {
        locale::decimal(n, decimals, &locale)
    }
    .into())
}

fn plural(h: &Helper, _: &Context) -> Result<Value, RenderError> {
    let n = num(h, 0)?;
    let one = param(h, 1)?.render();
    let other = param(h, 2)?.render();
    Ok(locale::plural(n, &one, &other).into())
}

fn percent(catalogs: &Catalogs, h: &Helper, ctx: &Context) -> Result<Value, RenderError> {
    let share = num(h, 0)?;
    let decimals = hash_num(h, "decimals")?.unwrap_or(0.0).clamp(0.0, 3.0) as usize;
    catalogs
        .format(
            &locale_of(ctx),
            "percent",
            &[("value", Arg::Decimals(share * 100.0, decimals))],
        )
        .map(Value::from)
        .map_err(|e| fail("percent", e))
}

/// `{{t "id" name=value …}}`: message `id` in the card's locale. Numbers stay numbers (for
/// plural forms and grouping); anything else is text.
fn message(catalogs: &Catalogs, h: &Helper, ctx: &Context) -> Result<Value, RenderError> {
    let id = param(h, 0)?.render();
    let mut args: Vec<(&str, Arg)> = Vec::new();
    for (name, value) in h.hash() {
        if value.is_value_missing() {
            let path = value.relative_path().cloned().unwrap_or_default();
            return Err(fail("t", format!("{id}: `{name}` (`{path}`) is missing")));
        }
        let arg = match value.value() {
            Value::Number(n) => Arg::Number(n.as_f64().unwrap_or(0.0)),
            Value::String(s) => Arg::Text(s.clone()),
            Value::Null => return Err(fail("t", format!("{id}: `{name}` is null"))),
            other => Arg::Text(other.render()),
        };
        args.push((name, arg));
    }
    catalogs
        .format(&locale_of(ctx), &id, &args)
        .map(Value::from)
        .map_err(|e| fail("t", e))
}

/// Whether the card being filled reads right to left.
fn is_rtl(ctx: &Context) -> bool {
    ctx.data().get("dir").and_then(Value::as_str) == Some("rtl")
}

/// The card's width, for mirroring.
fn canvas_width(ctx: &Context) -> f64 {
    ctx.data()
        .pointer("/canvas/width")
        .and_then(Value::as_f64)
        .unwrap_or(0.0)
}

/// A number for SVG: whole numbers without a fraction, others to 0.01.
fn coordinate(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        json!(v as i64)
    } else {
        json!((v * 100.0).round() / 100.0)
    }
}

/// `{{x X [W]}}`: X on a left-to-right card; on a right-to-left card the mirrored position,
/// the card's width − X − W (W, the width of a box starting at X, defaults to 0).
fn mirror_x(h: &Helper, ctx: &Context) -> Result<Value, RenderError> {
    let x = param(h, 0)?;
    if !is_rtl(ctx) {
        return Ok(x.clone());
    }
    let w = if h.params().len() > 1 {
        num(h, 1)?
    } else {
        0.0
    };
    Ok(coordinate(canvas_width(ctx) - num(h, 0)? - w))
}

fn concat(h: &Helper, _: &Context) -> Result<Value, RenderError> {
    let mut out = String::new();
    for i in 0..h.params().len() {
        out.push_str(&param(h, i)?.render());
    }
    Ok(out.into())
}

fn upper(h: &Helper, _: &Context) -> Result<Value, RenderError> {
    Ok(param(h, 0)?.render().to_uppercase().into())
}

fn ring(h: &Helper, _: &Context) -> Result<Value, RenderError> {
    let [cx, cy, inner, outer, from, to] = nums::<6>(h)?;
    Ok(chart::ring_slice(cx, cy, inner, outer, from, to).into())
}

fn clock(h: &Helper, _: &Context) -> Result<Value, RenderError> {
    let values: Vec<f64> = match param(h, 0)? {
        Value::Array(a) => a.iter().filter_map(Value::as_f64).collect(),
        Value::Null => vec![0.0; 24],
        other => return Err(fail("clock", format!("expected 24 numbers, got {other}"))),
    };
    let cx = num(h, 1)?;
    let cy = num(h, 2)?;
    let inner = num(h, 3)?;
    let outer = num(h, 4)?;
    let gap = hash_num(h, "gap")?.unwrap_or(0.006);
    Ok(chart::clock_bars(&values, cx, cy, inner, outer, gap).into())
}

fn dial(h: &Helper, _: &Context) -> Result<Value, RenderError> {
    let [cx, cy, r, t] = nums::<4>(h)?;
    let (x, y) = chart::dial_point(cx, cy, r, t);
    let axis = param(h, 4)?.render();
    let v = if axis == "y" { y } else { x };
    Ok(json!((v * 100.0).round() / 100.0))
}

fn bar(h: &Helper, _: &Context) -> Result<Value, RenderError> {
    let relative = num(h, 0)?.clamp(0.0, 1.0);
    let length = num(h, 1)?;
    let min = hash_num(h, "min")?.unwrap_or(0.0);
    let v = min + (length - min) * relative;
    Ok(json!((v * 100.0).round() / 100.0))
}

fn step(h: &Helper, _: &Context) -> Result<Value, RenderError> {
    let [index, from, by] = nums::<3>(h)?;
    Ok(json!(from + index * by))
}

fn pick(h: &Helper, _: &Context) -> Result<Value, RenderError> {
    let index = num(h, 0)?.max(0.0) as usize;
    let options = h.params().len().saturating_sub(1);
    if options == 0 {
        return Err(fail("pick", "needs at least one option after the index"));
    }
    Ok(param(h, 1 + index % options)?.clone())
}

fn nums<const N: usize>(h: &Helper) -> Result<[f64; N], RenderError> {
    let mut out = [0.0; N];
    for (i, v) in out.iter_mut().enumerate() {
        *v = num(h, i)?;
    }
    Ok(out)
}

/// Reads the text style from a helper's hash arguments.
fn style_and_frame(h: &Helper) -> Result<(Style, Frame), RenderError> {
    let name = h.name();
    let need = |key: &str| hash_required(h, key).map(|v| v as f32);
    let size = need("size")?;
    let style = Style {
        size,
        min_size: hash_num(h, "min")?.map_or(size * 0.5, |v| v as f32),
        weight: hash_num(h, "weight")?.map_or(400, |v| v.clamp(100.0, 900.0) as u16),
        max_lines: hash_num(h, "lines")?.map_or(1, |v| v.clamp(1.0, 20.0) as usize),
        line_height: hash_num(h, "lh")?.map_or(1.15, |v| v as f32),
        align: match hash_str(h, "align").as_deref() {
            None | Some("left") | Some("start") => Align::Left,
            Some("center") | Some("middle") => Align::Center,
            Some("right") | Some("end") => Align::Right,
            Some(other) => {
                return Err(fail(
                    name,
                    format!("align={other:?}: use left, center or right"),
                ))
            }
        },
        valign: match hash_str(h, "valign").as_deref() {
            None | Some("middle") | Some("center") => VAlign::Middle,
            Some("top") => VAlign::Top,
            Some("bottom") => VAlign::Bottom,
            Some("baseline") => VAlign::Baseline,
            Some(other) => {
                return Err(fail(
                    name,
                    format!("valign={other:?}: use top, middle, bottom or baseline"),
                ))
            }
        },
    };
    let frame = Frame {
        x: need("x")?,
        y: need("y")?,
        width: need("w")?,
        height: hash_num(h, "h")?.map(|v| v as f32),
    };
    Ok((style, frame))
}

/// Whether a helper's frame follows the card's direction: yes, unless `mirror=false` (a
/// clock face or a chart that reads the same in every language).
fn mirrors(h: &Helper, ctx: &Context) -> bool {
    let opted_out = h
        .hash_get("mirror")
        .is_some_and(|v| v.value().as_bool() == Some(false));
    is_rtl(ctx) && !opted_out
}

/// `{{text value x= y= w= size= …}}`: fitted text as SVG outlines. On a right-to-left card the
/// frame is mirrored and `left`/`right` alignment swap, so a template says its layout once.
struct TextHelper(Arc<Fonts>);

impl HelperDef for TextHelper {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let mut value = param(h, 0)?.render();
        if h.hash_get("upper")
            .is_some_and(|v| v.value().as_bool() == Some(true))
        {
            value = value.to_uppercase();
        }
        let (mut style, mut frame) = style_and_frame(h)?;
        if mirrors(h, ctx) {
            frame.x = canvas_width(ctx) as f32 - frame.x - frame.width;
            style.align = match style.align {
                Align::Left => Align::Right,
                Align::Right => Align::Left,
                Align::Center => Align::Center,
            };
        }
        let fill = escape_xml(&hash_str(h, "fill").unwrap_or_else(|| "#fff".into()));
        let block = text::fit(&self.0, &value, &style, frame);
        let id = layout::note(|| {
            let lines: Vec<String> = block.lines.iter().map(|l| l.text.clone()).collect();
            Fact::Text(TextFact {
                id: String::new(),
                place: Place::Layer,
                cut: is_cut(&value, &lines),
                tofu: text::tofu(&self.0, &block.lines),
                value: value.clone(),
                lines,
                size: block.size,
                design_size: block.style.size,
                min_size: block.style.min_size,
            })
        });
        let mut svg = String::new();
        svg.push_str("<g");
        if let Some(id) = &id {
            let _ = write!(svg, r#" id="{id}""#);
        }
        if let Some(o) = hash_num(h, "opacity")? {
            let _ = write!(svg, r#" opacity="{o}""#);
        }
        svg.push('>');
        block.write_svg_marked(&self.0, &fill, id.as_deref(), &mut svg);
        svg.push_str("</g>");
        out.write(&svg)?;
        Ok(())
    }
}

/// `{{label TEXT x= y= w= size= [min=] [weight=] [spacing=] [anchor=] [fill=] [opacity=]}}`:
/// a static heading as an SVG `<text>` for a background (rasterized once per locale), with
/// `y` its baseline and `anchor` start|middle|end. It keeps its design size when it fits the
/// width `w`; else it shrinks (letter spacing with it) down to `min` (default 0.7 × size);
/// else it is cut with "…" at `min`. The font family is the face our own layout picks for
/// the text, so a heading in Arabic or Japanese draws with the right face. Mirrored on a
/// right-to-left card unless `mirror=false`.
struct LabelHelper(Arc<Fonts>);

impl HelperDef for LabelHelper {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let mut value = param(h, 0)?.render();
        let need = |key: &str| hash_required(h, key);
        let (mut x, y, w, size) = (need("x")?, need("y")?, need("w")?, need("size")?);
        let min = hash_num(h, "min")?.unwrap_or(size * 0.7).min(size);
        let weight = hash_num(h, "weight")?.map_or(400, |v| v.clamp(100.0, 900.0) as u16);
        let spacing = hash_num(h, "spacing")?.unwrap_or(0.0);
        let mut anchor = hash_str(h, "anchor").unwrap_or_else(|| "start".into());
        if !["start", "middle", "end"].contains(&anchor.as_str()) {
            return Err(fail(
                "label",
                format!("anchor={anchor:?}: use start, middle or end"),
            ));
        }
        if mirrors(h, ctx) {
            x = canvas_width(ctx) - x;
            anchor = match anchor.as_str() {
                "start" => "end".into(),
                "end" => "start".into(),
                other => other.into(),
            };
        }
        // Only the marks of direction differ between what we measure and what usvg draws.
        value = value.replace(
            [
                '\u{200E}', '\u{200F}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
            ],
            "",
        );
        let fitted = text::fit_label(
            &self.0,
            &value,
            text::LabelStyle {
                weight,
                size: size as f32,
                min_size: min as f32,
                spacing: spacing as f32,
            },
            w as f32,
        );
        let family = fitted
            .families
            .iter()
            .map(|f| escape_xml(f))
            .collect::<Vec<_>>()
            .join(", ");
        let id = layout::note(|| {
            let lines = vec![fitted.text.clone()];
            Fact::Text(TextFact {
                id: String::new(),
                place: Place::Background,
                cut: is_cut(&value, &lines),
                tofu: text::tofu(&self.0, &[text::shape(&self.0, &fitted.text, weight)]),
                value: value.clone(),
                lines,
                size: fitted.size,
                design_size: size as f32,
                min_size: min as f32,
            })
        });
        let mut svg = String::new();
        if let Some(id) = &id {
            let _ = write!(svg, r#"<g id="{id}">"#);
        }
        let _ = write!(
            svg,
            r#"<text x="{x}" y="{y}" text-anchor="{anchor}" font-family="{family}" font-weight="{weight}" font-size="{}""#,
            fitted.size
        );
        if fitted.spacing != 0.0 {
            let _ = write!(svg, r#" letter-spacing="{}""#, fitted.spacing);
        }
        let fill = escape_xml(&hash_str(h, "fill").unwrap_or_else(|| "#fff".into()));
        let _ = write!(svg, r#" fill="{fill}""#);
        if let Some(o) = hash_num(h, "opacity")? {
            let _ = write!(svg, r#" fill-opacity="{o}""#);
        }
        let _ = write!(svg, ">{}</text>", escape_xml(&fitted.text));
        if id.is_some() {
            svg.push_str("</g>");
        }
        out.write(&svg)?;
        Ok(())
    }
}

/// `{{avatar artist cx= cy= r=}}`: the artist's prepared photo clipped to a circle, or, when
/// there is none, a designed placeholder: the initials on a gradient in the name's hue.
/// Mirrored like `text` on a right-to-left card.
struct AvatarHelper(Arc<Fonts>);

impl HelperDef for AvatarHelper {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let artist = param(h, 0)?;
        let need = |key: &str| hash_required(h, key);
        let (mut cx, cy, r) = (need("cx")?, need("cy")?, need("r")?);
        if mirrors(h, ctx) {
            cx = canvas_width(ctx) - cx;
        }
        let rank = artist.get("rank").and_then(Value::as_u64).unwrap_or(0);
        let id = format!("avatar-{rank}-{}-{}", cx as i64, cy as i64);
        let mut svg = String::new();
        let fact = layout::note(|| {
            Fact::Photo(PhotoFact {
                id: String::new(),
                name: artist
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                photo: artist.get("photo").and_then(Value::as_str).is_some(),
            })
        });
        if let Some(fact) = &fact {
            let _ = write!(svg, r#"<g id="{fact}">"#);
        }
        match artist.get("photo").and_then(Value::as_str) {
            Some(uri) => {
                // Photos come masked to a circle (see photo.rs): no clip path needed.
                let _ = write!(
                    svg,
                    r#"<image x="{}" y="{}" width="{}" height="{}" href="{}"/>"#,
                    cx - r,
                    cy - r,
                    2.0 * r,
                    2.0 * r,
                    escape_xml(uri)
                );
            }
            None => {
                let hue = artist.get("hue").and_then(Value::as_u64).unwrap_or(280);
                let initials = artist
                    .get("initials")
                    .and_then(Value::as_str)
                    .unwrap_or("♪");
                let _ = write!(
                    svg,
                    r#"<linearGradient id="{id}" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl({hue},85%,62%)"/><stop offset="1" stop-color="hsl({},80%,38%)"/></linearGradient><circle cx="{cx}" cy="{cy}" r="{r}" fill="url(#{id})"/>"#,
                    (hue + 40) % 360
                );
                let size = (r * 0.8) as f32;
                let style = Style {
                    size,
                    min_size: size * 0.4,
                    weight: 900,
                    align: Align::Center,
                    ..Style::default()
                };
                let frame = Frame {
                    x: (cx - r * 0.75) as f32,
                    y: (cy - r * 0.5) as f32,
                    width: (r * 1.5) as f32,
                    height: Some(r as f32),
                };
                let block = text::fit(&self.0, initials, &style, frame);
                block.write_svg(&self.0, "#fff", &mut svg);
            }
        }
        if fact.is_some() {
            svg.push_str("</g>");
        }
        out.write(&svg)?;
        Ok(())
    }
}

/// Whether the drawn lines end in an ellipsis that `value` did not have: the text was cut.
fn is_cut(value: &str, lines: &[String]) -> bool {
    lines.last().is_some_and(|l| l.ends_with('…')) && !value.trim_end().ends_with('…')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number_of(value: Value, locale: &str) -> String {
        let mut registry = Handlebars::new();
        registry.register_helper("number", Box::new(ValueHelper(number)));
        registry
            .render_template("{{number n}}", &json!({ "n": value, "locale": locale }))
            .unwrap()
    }

    #[test]
    fn number_prints_every_count_exactly() {
        assert_eq!(number_of(json!(48213), "en"), "48,213");
        // u64::MAX as an f64 is 2^64, which no u64 holds: it once printed as "0".
        assert_eq!(
            number_of(json!(u64::MAX), "en"),
            "18,446,744,073,709,551,615"
        );
        assert_eq!(
            number_of(json!(u64::MAX), "de"),
            "18.446.744.073.709.551.615"
        );
        assert_eq!(number_of(json!(1e20), "en"), "100,000,000,000,000,000,000");
        assert_eq!(number_of(json!(2.5), "en"), "3");
    }

    #[test]
    fn a_missing_number_argument_names_the_helper_and_the_argument() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
        let fonts = Arc::new(Fonts::load(&dir).unwrap());
        let mut registry = Handlebars::new();
        registry.register_helper("text", Box::new(TextHelper(fonts.clone())));
        registry.register_helper("label", Box::new(LabelHelper(fonts.clone())));
        registry.register_helper("avatar", Box::new(AvatarHelper(fonts)));
        let data = json!({ "a": { "name": "Ana", "rank": 1 }, "locale": "en" });
        for (template, expected) in [
            (
                r#"{{text "hi" x=1 y=2 w=30 h=40}}"#,
                "helper `text`: `size=` is required",
            ),
            (
                r#"{{label "hi" x=1 y=2 size=4}}"#,
                "helper `label`: `w=` is required",
            ),
            (
                r#"{{avatar a cx=1 cy=2}}"#,
                "helper `avatar`: `r=` is required",
            ),
        ] {
            let e = registry.render_template(template, &data).unwrap_err();
            assert!(e.to_string().contains(expected), "{template}: {e}");
        }
    }
}
