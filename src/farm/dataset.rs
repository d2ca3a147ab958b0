//! Dataset: users' stats as JSON Lines, one user per line; the input store of the CLI and the
//! batch. Lines are parsed lazily, so finding one user in a large file reads, not parses, the
//! rest.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use crate::card::model::Stats;
use crate::error::{Error, Result};

/// One line of a dataset, not yet validated.
#[derive(Debug)]
pub struct Record {
    /// 1-based line number in the file.
    pub line: usize,
    pub text: String,
    /// The line's JSON, or why it is not JSON.
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
    /// `batch`).
    pub fn records(&self) -> Result<impl Iterator<Item = Result<Record>> + '_> {
        let file = std::fs::File::open(&self.path).map_err(|e| Error::io(&self.path, e))?;
        Ok(BufReader::new(file)
            .lines()
            .enumerate()
            .filter_map(move |(i, line)| match line {
                Err(e) => Some(Err(Error::io(&self.path, e))),
                Ok(l) if l.trim().is_empty() => None,
                Ok(l) => Some(Ok(Record {
                    line: i + 1,
                    value: self.json_line(i + 1, &l),
                    text: l,
                })),
            }))
    }

    /// The stats of one user. Only lines that mention the id are parsed.
    pub fn find(&self, user_id: &str) -> Result<Stats> {
        let file = std::fs::File::open(&self.path).map_err(|e| Error::io(&self.path, e))?;
        let needle = format!("\"{user_id}\"");
        for (i, line) in BufReader::new(file).lines().enumerate() {
            let line = line.map_err(|e| Error::io(&self.path, e))?;
            if !line.contains(&needle) {
                continue;
            }
            let value = self.json_line(i + 1, &line)?;
            if value.get("user_id").and_then(|v| v.as_str()) == Some(user_id) {
                return self.validate(i + 1, value);
            }
        }
        Err(Error::UnknownUser {
            user_id: user_id.to_string(),
            dataset: self.path.display().to_string(),
        })
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
