//! Dataset: users' stats as JSON Lines, one user per line; the input store of the CLI and the
//! batch. Lines are parsed lazily, so finding one user in a large file reads, not parses, the
//! rest.
//!
//! Lines are read as bytes: a line that is not UTF-8 (a Latin-1 export, a truncated write) is
//! one invalid record, reported with its line number like a line that is not JSON, and never
//! stops the reading of the lines after it.
//!
//! A user id may appear on several lines (an export appended to, a correction added at the
//! end). One rule holds everywhere (batch, enqueue, `render --user`, the server's store): the
//! last record of a user wins, and each earlier one is reported as a [`Duplicate`] naming both
//! line numbers. [`Dataset::index`] finds the last line of every user in one light pass (it
//! reads only `user_id`), so streaming readers know whether a record is superseded before they
//! act on it.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::card::model::Stats;
use crate::error::{Error, Result};

/// One line of a dataset, not yet validated.
#[derive(Debug)]
pub struct Record {
    /// 1-based line number in the file.
    pub line: usize,
    /// The line's text; a line that is not UTF-8 has its invalid bytes replaced by U+FFFD.
    pub text: String,
    /// The line's JSON, or why it is not JSON (or not UTF-8).
    pub value: Result<serde_json::Value>,
}

impl Record {
    /// The line's `user_id` when it is JSON that has one, so a store can tell "no such user"
    /// from "that user's record is broken".
    pub fn user_id(&self) -> Option<&str> {
        self.value.as_ref().ok()?.get("user_id")?.as_str()
    }
}

/// A JSON Lines file of stats.
#[derive(Debug, Clone)]
pub struct Dataset {
    path: PathBuf,
    /// The file's folder, absolute (see [`Dataset::root`]).
    root: PathBuf,
}

impl Dataset {
    pub fn open(path: &Path) -> Result<Dataset> {
        if !path.is_file() {
            return Err(Error::io(
                path,
                std::io::Error::new(std::io::ErrorKind::NotFound, "dataset file not found"),
            ));
        }
        Ok(Dataset {
            path: path.to_path_buf(),
            root: crate::card::photo::root_of(path),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The folder relative image paths resolve against: the file's own folder, absolute, as
    /// it was when the dataset was opened (a bare `users.jsonl` is in the working directory).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Every user, in file order; each item is that line's stats or its error. Blank lines are
    /// skipped.
    pub fn users(&self) -> Result<impl Iterator<Item = Result<Stats>> + '_> {
        Ok(self.records()?.map(move |record| {
            let record = record?;
            self.validate(record.line, record.value?)
        }))
    }

    /// Every record, unvalidated, in file order; the error is a failed read. Blank lines are
    /// skipped. For callers that must account for every line, valid or not (`enqueue`,
    /// `batch`). A line that is not UTF-8 is a record whose `value` says so.
    pub fn records(&self) -> Result<impl Iterator<Item = Result<Record>> + '_> {
        Ok(self.lines()?.filter_map(move |line| match line {
            Err(e) => Some(Err(e)),
            Ok((_, bytes)) if bytes.trim_ascii().is_empty() => None,
            Ok((line, bytes)) => Some(Ok(match String::from_utf8(bytes) {
                Ok(text) => Record {
                    line,
                    value: self.json_line(line, &text),
                    text,
                },
                Err(e) => Record {
                    line,
                    value: Err(self.not_utf8(line, e.utf8_error())),
                    text: String::from_utf8_lossy(e.as_bytes()).into_owned(),
                },
            })),
        }))
    }

    /// Every line as bytes, numbered from 1, without its line ending (`\n` or `\r\n`).
    fn lines(&self) -> Result<impl Iterator<Item = Result<(usize, Vec<u8>)>> + '_> {
        let file = std::fs::File::open(&self.path).map_err(|e| Error::io(&self.path, e))?;
        let mut reader = BufReader::new(file);
        let mut number = 0;
        let mut failed = false;
        Ok(std::iter::from_fn(move || {
            if failed {
                return None;
            }
            let mut bytes = Vec::new();
            match reader.read_until(b'\n', &mut bytes) {
                Ok(0) => None,
                Ok(_) => {
                    number += 1;
                    if bytes.last() == Some(&b'\n') {
                        bytes.pop();
                        if bytes.last() == Some(&b'\r') {
                            bytes.pop();
                        }
                    }
                    Some(Ok((number, bytes)))
                }
                Err(e) => {
                    failed = true;
                    Some(Err(Error::io(&self.path, e)))
                }
            }
        }))
    }

    fn not_utf8(&self, line: usize, e: std::str::Utf8Error) -> Error {
        Error::MalformedJson {
            location: format!(
                "{}, line {line}, column {}",
                self.path.display(),
                e.valid_up_to() + 1
            ),
            message: "not UTF-8 (the dataset must be UTF-8 encoded)".into(),
        }
    }

    /// The stats of one user: their last record, when the id appears on several lines. Only
    /// lines that mention the id are parsed.
    pub fn find(&self, user_id: &str) -> Result<Stats> {
        self.lookup(user_id).map(|found| found.stats)
    }

    /// The stats of one user as [`Dataset::find`] gives them, with the line they come from and
    /// the earlier lines of the same user that it supersedes (to report them).
    pub fn lookup(&self, user_id: &str) -> Result<Found> {
        let needle = format!("\"{user_id}\"");
        // The last line of the user, and the lines before it.
        let mut last: Option<(usize, serde_json::Value)> = None;
        let mut earlier = Vec::new();
        for line in self.lines()? {
            let (line, bytes) = line?;
            // The id is UTF-8: a line that is not cannot mention it as a JSON string.
            let Ok(text) = std::str::from_utf8(&bytes) else {
                continue;
            };
            if !text.contains(&needle) {
                continue;
            }
            let value = self.json_line(line, text)?;
            if value.get("user_id").and_then(|v| v.as_str()) == Some(user_id) {
                if let Some((previous, _)) = last.replace((line, value)) {
                    earlier.push(previous);
                }
            }
        }
        match last {
            Some((line, value)) => Ok(Found {
                stats: self.validate(line, value)?,
                line,
                superseded: earlier,
            }),
            None => Err(Error::UnknownUser {
                user_id: user_id.to_string(),
                dataset: self.path.display().to_string(),
            }),
        }
    }

    /// One light pass over the file: how many records it has and the last line of every
    /// user, so a streaming reader can skip the records a later one supersedes. Only the
    /// `user_id` of each line is decoded; the ids are kept as 16-byte digests, so a dataset of
    /// millions of users costs tens of megabytes here, not its size.
    pub fn index(&self) -> Result<Index> {
        #[derive(serde::Deserialize)]
        struct Id<'a> {
            #[serde(borrow)]
            user_id: Option<std::borrow::Cow<'a, str>>,
        }
        let mut index = Index::default();
        for line in self.lines()? {
            let (line, bytes) = line?;
            if bytes.trim_ascii().is_empty() {
                continue;
            }
            index.records += 1;
            // The same lines [`Record::user_id`] finds an id on: UTF-8, a JSON object.
            let object = bytes.trim_ascii_start().first() == Some(&b'{');
            if !object || std::str::from_utf8(&bytes).is_err() {
                continue;
            }
            if let Ok(Id { user_id: Some(id) }) = serde_json::from_slice::<Id>(&bytes) {
                if index.last.insert(digest(&id), line).is_some() {
                    index.superseded += 1;
                }
            }
        }
        Ok(index)
    }

    fn json_line(&self, line_no: usize, line: &str) -> Result<serde_json::Value> {
        serde_json::from_str(line).map_err(|e| Error::MalformedJson {
            location: format!(
                "{}, line {line_no}, column {}",
                self.path.display(),
                e.column()
            ),
            message: crate::card::model::strip_position(&e.to_string()),
        })
    }

    /// Validates a record, naming its line in any error.
    pub fn validate(&self, line_no: usize, value: serde_json::Value) -> Result<Stats> {
        Stats::from_value(value).map_err(|e| match e {
            Error::InvalidStats { path, message } => Error::InvalidStats {
                path: format!("{}:{line_no}: {path}", self.path.display()),
                message,
            },
            other => other,
        })
    }
}

/// A user's record found by [`Dataset::lookup`].
#[derive(Debug)]
pub struct Found {
    pub stats: Stats,
    /// The line the stats come from: the user's last.
    pub line: usize,
    /// Earlier lines of the same user, superseded by `line`.
    pub superseded: Vec<usize>,
}

/// An earlier record of a user that a later one supersedes: reported, not used.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Duplicate {
    pub user_id: String,
    /// The superseded record's line.
    pub line: usize,
    /// The line of the user's last record, the one used.
    pub last: usize,
}

impl std::fmt::Display for Duplicate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "user `{}` appears on line {} and again on line {}; the last record wins",
            self.user_id, self.line, self.last
        )
    }
}

/// The last line of every user of a dataset ([`Dataset::index`]).
#[derive(Debug, Default)]
pub struct Index {
    /// Non-blank lines.
    pub records: usize,
    /// Records that a later record of the same user supersedes.
    pub superseded: usize,
    last: HashMap<[u8; 16], usize>,
}

impl Index {
    /// Records that are used: every non-blank line but the superseded ones.
    pub fn used(&self) -> usize {
        self.records - self.superseded
    }

    /// The [`Duplicate`] that `record` is, when a later line has the same user id.
    pub fn superseded(&self, record: &Record) -> Option<Duplicate> {
        let id = record.user_id()?;
        let last = *self.last.get(&digest(id))?;
        (last > record.line).then(|| Duplicate {
            user_id: id.to_string(),
            line: record.line,
            last,
        })
    }
}

fn digest(user_id: &str) -> [u8; 16] {
    let mut out = [0; 16];
    out.copy_from_slice(&Sha256::digest(user_id.as_bytes())[..16]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_file_name_has_the_working_directory_as_root() {
        // Unit tests run in the crate's folder, which holds Cargo.toml.
        let here = std::env::current_dir().unwrap().canonicalize().unwrap();
        let dataset = Dataset::open(Path::new("Cargo.toml")).unwrap();
        assert_eq!(dataset.root(), here);
        let nested = Dataset::open(Path::new("./data/sample.jsonl")).unwrap();
        assert_eq!(nested.root(), here.join("data"));
        assert_eq!(crate::card::photo::root_of(Path::new("stats.json")), here);
        assert_eq!(crate::card::photo::folder(Path::new("")), here);
    }
}
