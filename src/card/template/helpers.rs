//! Template helpers: the Rust side of the templates. Arithmetic, chart geometry, numbers and
//! text fitting live here so the templates only say where things go.
//!
//! | helper | example | gives |
//! |---|---|---|
//! | `text` | `{{text display_name x=90 y=900 w=900 size=120 min=56 weight=900 lines=2 fill="#fff" align="center"}}` | the string, fitted to the frame, as SVG outlines |
//! | `avatar` | `{{avatar top_artist cx=540 cy=760 r=280}}` | the artist's photo in a circle, or initials on a colour |
//! | `number` | `{{number minutes_listened}}`, `{{number x decimals=1}}`, `{{number x sig=2}}` | `48,213` in the user's locale; `sig` keeps significant digits (0.001) |
//! | `plural` | `{{plural minutes_listened "minute" "minutes"}}` | the word for that count |
//! | `percent` | `{{percent share}}` | `34%` |
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
use crate::card::fonts::Fonts;
use crate::card::text::{self, Align, Frame, Style, VAlign};
use crate::card::view::chart;
use crate::card::view::locale;

pub(super) fn register(registry: &mut Handlebars<'static>, fonts: Arc<Fonts>) {
    registry.register_helper("text", Box::new(TextHelper(fonts.clone())));
    registry.register_helper("avatar", Box::new(AvatarHelper(fonts)));
    for (name, f) in VALUE_HELPERS {
        registry.register_helper(name, Box::new(ValueHelper(*f)));
    }
}

type ValueFn = fn(&Helper, &Context) -> Result<Value, RenderError>;

/// Helpers that compute a value: usable as `{{helper …}}` (escaped) and in subexpressions.
const VALUE_HELPERS: &[(&str, ValueFn)] = &[
    ("number", number),
    ("plural", plural),
    ("percent", percent),
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

fn percent(h: &Helper, ctx: &Context) -> Result<Value, RenderError> {
    let share = num(h, 0)?;
    let decimals = hash_num(h, "decimals")?.unwrap_or(0.0).clamp(0.0, 3.0) as usize;
    Ok(format!(
        "{}%",
        locale::decimal(share * 100.0, decimals, &locale_of(ctx))
    )
    .into())
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
    let need = |key: &str| -> Result<f32, RenderError> {
        hash_num(h, key)?
            .map(|v| v as f32)
            .ok_or_else(|| fail(name, format!("`{key}=` is required")))
    };
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

/// `{{text value x= y= w= size= …}}`: fitted text as SVG outlines.
struct TextHelper(Arc<Fonts>);

impl HelperDef for TextHelper {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let mut value = param(h, 0)?.render();
        if h.hash_get("upper")
            .is_some_and(|v| v.value().as_bool() == Some(true))
        {
            value = value.to_uppercase();
        }
        let (style, frame) = style_and_frame(h)?;
        let fill = escape_xml(&hash_str(h, "fill").unwrap_or_else(|| "#fff".into()));
        let block = text::fit(&self.0, &value, &style, frame);
        let mut svg = String::new();
        let opacity = hash_num(h, "opacity")?;
        match opacity {
            Some(o) => {
                let _ = write!(svg, r#"<g opacity="{o}">"#);
            }
            None => svg.push_str("<g>"),
        }
        block.write_svg(&self.0, &fill, &mut svg);
        svg.push_str("</g>");
        out.write(&svg)?;
        Ok(())
    }
}

/// `{{avatar artist cx= cy= r=}}`: the artist's prepared photo clipped to a circle, or, when
/// there is none, a designed placeholder: the initials on a gradient in the name's hue.
struct AvatarHelper(Arc<Fonts>);

impl HelperDef for AvatarHelper {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let artist = param(h, 0)?;
        let need = |key: &str| -> Result<f64, RenderError> {
            hash_num(h, key)?.ok_or_else(|| fail("avatar", format!("`{key}=` is required")))
        };
        let (cx, cy, r) = (need("cx")?, need("cy")?, need("r")?);
        let rank = artist.get("rank").and_then(Value::as_u64).unwrap_or(0);
        let id = format!("avatar-{rank}-{}-{}", cx as i64, cy as i64);
        let mut svg = String::new();
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
        out.write(&svg)?;
        Ok(())
    }
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
}
