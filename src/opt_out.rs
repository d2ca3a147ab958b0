//! Opt-out: listeners who asked for no card. Every front end honours one list: `batch` and the
//! queue workers render nothing for them and write nothing, `enqueue` queues nothing, and the
//! server answers their cards exactly as it answers an unknown user (404), whether the card
//! would be drawn or read from storage.
//!
//! The list is a file of user ids, one per line (`#` starts a comment, blank lines are
//! ignored), or the `cardfarm_opt_out` table of a PostgreSQL database:
//!
//! ```sql
//! CREATE TABLE cardfarm_opt_out (user_id text PRIMARY KEY);
//! ```
//!
//! A list that cannot be read is an error, never an empty list: failing closed is the only
//! safe reading of "we could not tell who opted out".

use std::collections::HashSet;
use std::path::Path;
use std::sync::{Arc, RwLock};

use crate::card::model::{is_valid_id, ID_RULE};
use crate::error::{Error, Result};

/// The SQL that creates the opt-out table (idempotent).
pub const CREATE_TABLE: &str =
    "CREATE TABLE IF NOT EXISTS cardfarm_opt_out (user_id text PRIMARY KEY)";

/// A set of opted-out user ids.
#[derive(Debug, Default, Clone)]
pub struct OptOut {
    ids: HashSet<String>,
}

impl OptOut {
    /// Reads a file of ids, one per line. A line that is not an id is an error naming the line:
    /// a typo must not leave a listener on the cards.
    pub fn from_file(path: &Path) -> Result<OptOut> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.into(),
            source,
        })?;
        OptOut::parse(&text).map_err(|(line, message)| {
            Error::OptOut(format!("{}, line {line}: {message}", path.display()))
        })
    }

    /// Parses the text of an opt-out file. The error is the line number and what is wrong.
    pub fn parse(text: &str) -> std::result::Result<OptOut, (usize, String)> {
        let mut ids = HashSet::new();
        for (i, line) in text.lines().enumerate() {
            let id = line.split('#').next().unwrap_or("").trim();
            if id.is_empty() {
                continue;
            }
            if !is_valid_id(id) {
                return Err((i + 1, format!("{id:?} is not a user id ({ID_RULE})")));
            }
            ids.insert(id.to_string());
        }
        Ok(OptOut { ids })
    }

    /// Reads every id of the `cardfarm_opt_out` table.
    pub async fn from_postgres(pool: &deadpool_postgres::Pool) -> Result<OptOut> {
        let client = pool.get().await.map_err(|e| {
            Error::Store(format!(
                "opt-out list: {}",
                crate::redact::url(&e.to_string())
            ))
        })?;
        let rows = client
            .query("SELECT user_id FROM cardfarm_opt_out", &[])
            .await
            .map_err(|e| Error::Store(format!("reading cardfarm_opt_out: {e}")))?;
        Ok(OptOut {
            ids: rows.iter().map(|r| r.get::<_, String>(0)).collect(),
        })
    }

    pub fn from_ids<I: IntoIterator<Item = S>, S: Into<String>>(ids: I) -> OptOut {
        OptOut {
            ids: ids.into_iter().map(Into::into).collect(),
        }
    }

    pub fn contains(&self, user_id: &str) -> bool {
        self.ids.contains(user_id)
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// The list a long-running process consults, replaced whole when it is read again, so that
/// an opt-out made during a run is honoured without a restart.
#[derive(Debug, Clone, Default)]
pub struct Shared(Arc<RwLock<Arc<OptOut>>>);

impl Shared {
    pub fn new(list: OptOut) -> Shared {
        Shared(Arc::new(RwLock::new(Arc::new(list))))
    }

    /// The list as it is now.
    pub fn current(&self) -> Arc<OptOut> {
        // A writer only swaps an Arc, so a poisoned lock still holds a whole list.
        self.0.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn contains(&self, user_id: &str) -> bool {
        self.current().contains(user_id)
    }

    pub fn replace(&self, list: OptOut) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(list);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_comments_and_blank_lines() {
        let list = OptOut::parse("# who asked\nana\n\n  bo  # by mail\n").unwrap();
        assert!(list.contains("ana") && list.contains("bo"));
        assert!(!list.contains("# who asked") && !list.contains(""));
        assert_eq!(list.len(), 2);
    }

    #[test]
    fn a_line_that_is_no_id_is_named() {
        let (line, message) = OptOut::parse("ana\nbo cy\n").unwrap_err();
        assert_eq!(line, 2);
        assert!(message.contains("\"bo cy\""), "{message}");
    }
}
