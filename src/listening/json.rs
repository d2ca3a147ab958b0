//! JSON rows read one at a time, for the formats that are a JSON array (both Spotify exports)
//! or JSON lines (ListenBrainz).
//!
//! [`ArrayRows`] cuts a top-level array into its elements without parsing them, so only one
//! row's bytes are ever held; [`Json`] is the row parsed with its strings borrowed from those
//! bytes (no allocation per field, unlike `serde_json::Value`), and [`Json::fingerprint`] is
//! the row's identity for the duplicate rule, independent of field order.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, BufRead};

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use sha2::{Digest, Sha256};

/// The longest row read; a longer one is skipped as malformed, so one hostile row cannot
/// take the memory a whole file would.
pub const MAX_ROW: usize = 1 << 20;

/// A JSON value whose strings borrow from the row text where they can. An object's fields are
/// kept sorted by key.
#[derive(Debug, Clone, PartialEq)]
pub enum Json<'a> {
    Null,
    Bool(bool),
    U64(u64),
    I64(i64),
    F64(f64),
    Str(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    Object(Vec<(Cow<'a, str>, Json<'a>)>),
}

impl<'a> Json<'a> {
    /// Parses one row.
    pub fn parse(text: &'a [u8]) -> Result<Json<'a>, serde_json::Error> {
        serde_json::from_slice(text)
    }

    /// A field of an object (the last one, if the key repeats, as `serde_json` does).
    pub fn get(&self, key: &str) -> Option<&Json<'a>> {
        match self {
            Json::Object(fields) => {
                // Fields are sorted by key (stable, see `visit_map`): the last of equal keys
                // is just before the first greater one.
                let after = fields.partition_point(|(k, _)| k.as_ref() <= key);
                let (k, v) = fields.get(after.checked_sub(1)?)?;
                (k == key).then_some(v)
            }
            _ => None,
        }
    }

    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn is_object(&self) -> bool {
        matches!(self, Json::Object(_))
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A non-negative integer.
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            Json::U64(n) => Some(n),
            _ => None,
        }
    }

    /// Any number.
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Json::U64(n) => Some(n as f64),
            Json::I64(n) => Some(n as f64),
            Json::F64(n) => Some(n),
            _ => None,
        }
    }

    /// 128 bits of SHA-256 over the value with every object's keys in sorted order: equal
    /// rows give equal fingerprints whatever order their fields were written in, and rows
    /// that differ in any field (or number type: `1` is not `1.0`) differ.
    pub fn fingerprint(&self) -> u128 {
        let mut hasher = Sha256::new();
        self.feed(&mut hasher);
        let digest = hasher.finalize();
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&digest[..16]);
        u128::from_le_bytes(bytes)
    }

    /// Feeds an unambiguous encoding: a tag byte per value, lengths before contents.
    fn feed(&self, h: &mut Sha256) {
        match self {
            Json::Null => h.update(b"n"),
            Json::Bool(b) => h.update(if *b { b"t" } else { b"f" }),
            Json::U64(n) => {
                h.update(b"u");
                h.update(n.to_le_bytes());
            }
            Json::I64(n) => {
                h.update(b"i");
                h.update(n.to_le_bytes());
            }
            Json::F64(n) => {
                h.update(b"d");
                h.update(n.to_bits().to_le_bytes());
            }
            Json::Str(s) => feed_str(h, b's', s),
            Json::Array(items) => {
                h.update(b"[");
                h.update((items.len() as u64).to_le_bytes());
                for item in items {
                    item.feed(h);
                }
            }
            Json::Object(fields) => {
                h.update(b"{");
                h.update((fields.len() as u64).to_le_bytes());
                for (key, value) in fields {
                    feed_str(h, b'k', key);
                    value.feed(h);
                }
            }
        }
    }
}

fn feed_str(h: &mut Sha256, tag: u8, s: &str) {
    h.update([tag]);
    h.update((s.len() as u64).to_le_bytes());
    h.update(s.as_bytes());
}

impl<'de> Deserialize<'de> for Json<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }
    fn visit_none<E>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Json<'de>, D::Error> {
        Json::deserialize(d)
    }
    fn visit_bool<E>(self, b: bool) -> Result<Json<'de>, E> {
        Ok(Json::Bool(b))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Json<'de>, E> {
        Ok(Json::U64(n))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Json<'de>, E> {
        Ok(if n >= 0 {
            Json::U64(n as u64)
        } else {
            Json::I64(n)
        })
    }
    fn visit_f64<E>(self, n: f64) -> Result<Json<'de>, E> {
        Ok(Json::F64(n))
    }
    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Json<'de>, E> {
        Ok(Json::Str(Cow::Borrowed(s)))
    }
    fn visit_str<E>(self, s: &str) -> Result<Json<'de>, E> {
        Ok(Json::Str(Cow::Owned(s.to_owned())))
    }
    fn visit_string<E>(self, s: String) -> Result<Json<'de>, E> {
        Ok(Json::Str(Cow::Owned(s)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json<'de>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json<'de>, A::Error> {
        let mut fields = Vec::with_capacity(24);
        while let Some(Key(key)) = map.next_key()? {
            fields.push((key, map.next_value()?));
        }
        // Sorted once here, fields are in canonical order for the fingerprint and can be
        // looked up by binary search. Stable, so repeated keys keep their order.
        fields.sort_by(|a: &(Cow<str>, Json), b| a.0.cmp(&b.0));
        Ok(Json::Object(fields))
    }
}

/// An object key, borrowed unless it holds an escape.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(s)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s.to_owned())))
            }
            fn visit_string<E>(self, s: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// What [`ArrayRows::next_row`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    /// An element; its bytes are in [`ArrayRows::row`].
    Row,
    /// An element longer than [`MAX_ROW`], skipped.
    TooLong,
    /// The closing `]`.
    End,
    /// The text ended inside the array (an interrupted download).
    BrokenOff,
}

/// The elements of one top-level JSON array, cut apart by tracking strings and nesting, so
/// the reader never holds more than one element.
pub struct ArrayRows<R> {
    reader: R,
    started: bool,
    done: bool,
    row: Vec<u8>,
    too_long: bool,
}

impl<R: BufRead> ArrayRows<R> {
    pub fn new(reader: R) -> Self {
        ArrayRows {
            reader,
            started: false,
            done: false,
            row: Vec::with_capacity(4096),
            too_long: false,
        }
    }

    /// Whether the text opens with `[` (after a byte order mark and white space). Reads
    /// nothing past it.
    pub fn open(&mut self) -> io::Result<bool> {
        skip_bom(&mut self.reader)?;
        loop {
            let buf = self.reader.fill_buf()?;
            let Some(&b) = buf.first() else {
                return Ok(false);
            };
            if b.is_ascii_whitespace() {
                self.reader.consume(1);
                continue;
            }
            if b == b'[' {
                self.reader.consume(1);
                self.started = true;
                return Ok(true);
            }
            return Ok(false);
        }
    }

    /// The bytes of the element [`next_row`](Self::next_row) last found.
    pub fn row(&self) -> &[u8] {
        &self.row
    }

    /// Moves to the next element. Call [`open`](Self::open) first.
    pub fn next_row(&mut self) -> io::Result<Next> {
        if self.done || !self.started {
            return Ok(Next::End);
        }
        self.row.clear();
        self.too_long = false;
        let mut depth = 0usize;
        let mut in_string = false;
        let mut escaped = false;
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                self.done = true;
                return Ok(Next::BrokenOff);
            }
            let mut end = None;
            let mut i = 0;
            while i < buf.len() {
                if in_string {
                    if escaped {
                        escaped = false;
                        i += 1;
                        continue;
                    }
                    // Most of a row is inside strings: jump to the next quote or backslash.
                    match memchr::memchr2(b'"', b'\\', &buf[i..]) {
                        None => i = buf.len(),
                        Some(j) => {
                            i += j;
                            if buf[i] == b'\\' {
                                escaped = true;
                            } else {
                                in_string = false;
                            }
                            i += 1;
                        }
                    }
                    continue;
                }
                match buf[i] {
                    b'"' => in_string = true,
                    b'[' | b'{' => depth += 1,
                    b']' | b'}' if depth > 0 => depth -= 1,
                    b']' if depth == 0 => {
                        end = Some((i, true));
                        break;
                    }
                    b',' if depth == 0 => {
                        end = Some((i, false));
                        break;
                    }
                    _ => {}
                }
                i += 1;
            }
            let (take, found) = match end {
                Some((i, last)) => (i, Some(last)),
                None => (buf.len(), None),
            };
            if !self.too_long {
                if self.row.len() + take > MAX_ROW {
                    self.too_long = true;
                    self.row.clear();
                } else {
                    self.row.extend_from_slice(&buf[..take]);
                }
            }
            match found {
                None => self.reader.consume(take),
                Some(last) => {
                    self.reader.consume(take + 1);
                    if last {
                        self.done = true;
                        if !self.too_long && self.row.iter().all(u8::is_ascii_whitespace) {
                            // `[]` or the end after a last row: no element here.
                            return Ok(Next::End);
                        }
                    }
                    return Ok(if self.too_long {
                        Next::TooLong
                    } else {
                        Next::Row
                    });
                }
            }
        }
    }
}

/// Skips a UTF-8 byte order mark, which some tools write before JSON or CSV.
pub fn skip_bom(reader: &mut impl BufRead) -> io::Result<()> {
    let buf = reader.fill_buf()?;
    if buf.starts_with(b"\xEF\xBB\xBF") {
        reader.consume(3);
    }
    Ok(())
}

/// Reads one line (without its `\n`) into `line`, at most [`MAX_ROW`] bytes of it; `None` at
/// the end, `Some(false)` if the line was longer and was skipped.
pub fn read_line(reader: &mut impl BufRead, line: &mut Vec<u8>) -> io::Result<Option<bool>> {
    line.clear();
    let mut any = false;
    let mut fits = true;
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(any.then_some(fits));
        }
        any = true;
        let (take, newline) = match memchr::memchr(b'\n', buf) {
            Some(i) => (i, true),
            None => (buf.len(), false),
        };
        if fits {
            if line.len() + take > MAX_ROW {
                fits = false;
                line.clear();
            } else {
                line.extend_from_slice(&buf[..take]);
            }
        }
        reader.consume(take + usize::from(newline));
        if newline {
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            return Ok(Some(fits));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<Result<String, Next>> {
        let mut r = ArrayRows::new(text.as_bytes());
        assert!(r.open().unwrap());
        let mut out = Vec::new();
        loop {
            match r.next_row().unwrap() {
                Next::Row => out.push(Ok(String::from_utf8(r.row().to_vec()).unwrap())),
                Next::End => return out,
                other => {
                    out.push(Err(other));
                    if out.last() == Some(&Err(Next::BrokenOff)) {
                        return out;
                    }
                }
            }
        }
    }

    #[test]
    fn an_array_is_cut_at_its_top_level_commas() {
        let got = rows(" [ {\"a\": \"x,]}\\\"\"}, [1,2] ,3]trailing");
        assert_eq!(
            got,
            [
                Ok(" {\"a\": \"x,]}\\\"\"}".to_string()),
                Ok(" [1,2] ".to_string()),
                Ok("3".to_string())
            ]
        );
        assert!(rows("[]").is_empty());
        assert!(rows("[ \n ]").is_empty());
        assert_eq!(
            rows("[{\"a\":1},{\"b\""),
            [Ok("{\"a\":1}".to_string()), Err(Next::BrokenOff)]
        );
        let mut r = ArrayRows::new(&b"\xEF\xBB\xBF  {}"[..]);
        assert!(!r.open().unwrap());
    }

    #[test]
    fn rows_are_cut_alike_whatever_the_buffer_size() {
        let text = r#"[{"a": "q\"],{", "b": ["\\", {"c": 1}]}, {"d": "é,]"} ]"#;
        for capacity in [1, 2, 3, 7, 64] {
            let mut r =
                ArrayRows::new(std::io::BufReader::with_capacity(capacity, text.as_bytes()));
            assert!(r.open().unwrap());
            let mut got = Vec::new();
            while r.next_row().unwrap() == Next::Row {
                got.push(String::from_utf8(r.row().to_vec()).unwrap());
            }
            assert_eq!(
                got,
                [
                    r#"{"a": "q\"],{", "b": ["\\", {"c": 1}]}"#,
                    r#" {"d": "é,]"} "#
                ],
                "capacity {capacity}"
            );
        }
    }

    #[test]
    fn a_repeated_key_reads_as_its_last_value() {
        let row = Json::parse(br#"{"b": 1, "a": 2, "b": 3, "c": null}"#).unwrap();
        assert_eq!(row.get("b"), Some(&Json::U64(3)));
        assert_eq!(row.get("a"), Some(&Json::U64(2)));
        assert!(row.get("c").unwrap().is_null());
        assert_eq!(row.get("d"), None);
        assert_eq!(row.get(""), None);
    }

    #[test]
    fn field_order_does_not_change_the_fingerprint() {
        let a = Json::parse(br#"{"a":1,"b":[{"x":null,"y":"z"}]}"#).unwrap();
        let b = Json::parse(br#"{"b":[{"y":"z","x":null}],"a":1}"#).unwrap();
        let c = Json::parse(br#"{"b":[{"y":"z","x":null}],"a":2}"#).unwrap();
        let d = Json::parse(br#"{"b":[{"y":"z","x":null}],"a":1.0}"#).unwrap();
        let e = Json::parse(br#"{"b":[{"y":"\u007a","x":null}],"a":1}"#).unwrap();
        assert_eq!(a.fingerprint(), b.fingerprint());
        assert_eq!(
            a.fingerprint(),
            e.fingerprint(),
            "an escape is the same text"
        );
        assert_ne!(a.fingerprint(), c.fingerprint());
        assert_ne!(a.fingerprint(), d.fingerprint());
        assert_ne!(
            Json::parse(br#"["ab","c"]"#).unwrap().fingerprint(),
            Json::parse(br#"["a","bc"]"#).unwrap().fingerprint()
        );
    }

    #[test]
    fn lines_are_bounded() {
        let text = format!("a\r\n{}\nlast", "x".repeat(MAX_ROW + 1));
        let mut reader = text.as_bytes();
        let mut line = Vec::new();
        assert_eq!(read_line(&mut reader, &mut line).unwrap(), Some(true));
        assert_eq!(line, b"a");
        assert_eq!(read_line(&mut reader, &mut line).unwrap(), Some(false));
        assert_eq!(read_line(&mut reader, &mut line).unwrap(), Some(true));
        assert_eq!(line, b"last");
        assert_eq!(read_line(&mut reader, &mut line).unwrap(), None);
    }
}
