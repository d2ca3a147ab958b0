//! The optional genres file: CSV rows `artist,genre` (standard quoting, an optional
//! `artist,genre` header). An artist may have several genres; a repeated pair counts once.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use super::Error;

/// Each artist's genres, exact names as in the file.
#[derive(Debug, Default, Clone)]
pub struct Genres(HashMap<String, BTreeSet<String>>);

impl Genres {
    /// Reads a genres file; a row that is not two fields is an error naming its line.
    pub fn read(path: &Path) -> Result<Genres, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.into(),
            source,
        })?;
        Genres::parse(&text).map_err(|(line, message)| Error::Genres {
            path: path.into(),
            line,
            message,
        })
    }

    /// Parses the CSV text; the error is the 1-based line and what is wrong there.
    pub fn parse(text: &str) -> Result<Genres, (usize, String)> {
        let mut genres = Genres::default();
        for (i, record) in records(text)?.into_iter().enumerate() {
            let (line, fields) = record;
            if fields.len() == 1 && fields[0].is_empty() {
                continue; // a blank line
            }
            let [artist, genre] = <[String; 2]>::try_from(fields).map_err(|f| {
                (
                    line,
                    format!("expected 2 fields (artist,genre), got {}", f.len()),
                )
            })?;
            if i == 0
                && artist.eq_ignore_ascii_case("artist")
                && genre.eq_ignore_ascii_case("genre")
            {
                continue;
            }
            if artist.is_empty() || genre.is_empty() {
                return Err((line, "an empty artist or genre".into()));
            }
            genres.0.entry(artist).or_default().insert(genre);
        }
        Ok(genres)
    }

    /// The genres of `artist`, none if the file does not name it.
    pub fn of(&self, artist: &str) -> Option<&BTreeSet<String>> {
        self.0.get(artist)
    }
}

/// A CSV record's first line and its fields.
type Record = (usize, Vec<String>);

/// RFC 4180 records with the line each starts on: fields split at commas, a quoted field may
/// hold commas, line breaks and `""` for a quote.
fn records(text: &str) -> Result<Vec<Record>, (usize, String)> {
    let mut records = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut line = 1;
    let mut start = 1;
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    let mut was_quoted = false;
    while let Some(c) = chars.next() {
        if c == '\n' {
            line += 1;
        }
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() && !was_quoted => {
                quoted = true;
                was_quoted = true;
            }
            '"' => return Err((line, "a quote inside an unquoted field".into())),
            ',' => {
                fields.push(std::mem::take(&mut field));
                was_quoted = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                fields.push(std::mem::take(&mut field));
                records.push((start, std::mem::take(&mut fields)));
                was_quoted = false;
                start = line;
            }
            _ if was_quoted => return Err((line, "text after a closing quote".into())),
            _ => field.push(c),
        }
    }
    if quoted {
        return Err((start, "a quoted field is never closed".into()));
    }
    if !field.is_empty() || !fields.is_empty() || was_quoted {
        fields.push(field);
        records.push((start, fields));
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_header_and_repeats() {
        let g = Genres::parse(
            "artist,genre\r\n\"Earth, Wind & Fire\",funk\nA,pop\nA,pop\nA,\"rock \"\"n\"\" roll\"\n\n",
        )
        .unwrap();
        assert_eq!(g.of("Earth, Wind & Fire").unwrap().len(), 1);
        let a: Vec<&str> = g.of("A").unwrap().iter().map(String::as_str).collect();
        assert_eq!(a, ["pop", "rock \"n\" roll"]);
        assert!(g.of("artist").is_none());
    }

    #[test]
    fn bad_rows_name_their_line() {
        assert_eq!(Genres::parse("A,pop\nB\n").unwrap_err().0, 2);
        assert_eq!(Genres::parse("A,pop\nB,\"x\n").unwrap_err().0, 2);
    }
}
