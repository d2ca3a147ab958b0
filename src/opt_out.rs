//! The opt-out list: user ids of listeners who asked for no card. Whoever turns stats into
//! cards or datasets (`stats --population`, `batch`, `enqueue`, `worker`, `serve`) asks
//! [`OptOut::contains`] and leaves those users out.
//!
//! The file holds one user id a line. Surrounding whitespace is ignored, as are blank lines
//! and everything from a `#` to the end of its line (an id never contains `#`), so a list can
//! carry its own notes:
//!
//! ```text
//! # opted out in the settings page, 2026-11-20
//! ana_k
//! u-1042   # asked by mail
//! ```
//!
//! Any other line must be a valid user id ([`crate::card::model::is_valid_id`]); a line that
//! is not is an error naming the file and the line, never silently dropped: a typo in an
//! opt-out list would otherwise give someone the card they asked not to get.
//!
//! The list can also be the `cardfarm_opt_out` table of a PostgreSQL database
//! ([`OptOut::from_postgres`]), which the server's PostgreSQL store also reads on every lookup:
//!
//! ```sql
//! CREATE TABLE cardfarm_opt_out (user_id text PRIMARY KEY);
//! ```
//!
//! A list that cannot be read is an error, never an empty list: failing closed is the only
//! safe reading of "we could not tell who opted out". Long-running processes hold it as
//! [`Shared`] and read it again now and then.

use std::collections::HashSet;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use crate::card::model::{is_valid_id, ID_RULE};

/// The SQL that creates the opt-out table (idempotent).
pub const CREATE_TABLE: &str =
    "CREATE TABLE IF NOT EXISTS cardfarm_opt_out (user_id text PRIMARY KEY)";

/// What can be wrong with an opt-out file; each names the file, and the line where there is one.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("opt-out list {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("opt-out list {}, line {line}: {message}", path.display())]
    Line {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

/// A set of opted-out user ids.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OptOut {
    ids: HashSet<String>,
}

impl OptOut {
    /// Reads the list at `path` (rules above). An id listed twice counts once.
    pub fn from_file(path: &Path) -> Result<OptOut, Error> {
        let io = |source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        let file = std::fs::File::open(path).map_err(io)?;
        let mut reader = std::io::BufReader::new(file);
        let mut ids = HashSet::new();
        let mut bytes = Vec::new();
        let mut line = 0;
        loop {
            bytes.clear();
            if reader.read_until(b'\n', &mut bytes).map_err(io)? == 0 {
                break;
            }
            line += 1;
            let at = |message: String| Error::Line {
                path: path.to_path_buf(),
                line,
                message,
            };
            let text = std::str::from_utf8(&bytes)
                .map_err(|_| at("not UTF-8 (the list must be UTF-8 encoded)".into()))?;
            if let Some(id) = parse_line(text).map_err(at)? {
                ids.insert(id.to_string());
            }
        }
        Ok(OptOut { ids })
    }

    /// Reads every id of the `cardfarm_opt_out` table.
    pub async fn from_postgres(pool: &deadpool_postgres::Pool) -> crate::Result<OptOut> {
        let client = pool.get().await.map_err(|e| {
            crate::Error::Store(format!(
                "opt-out list: {}",
                crate::redact::url(&e.to_string())
            ))
        })?;
        let rows = client
            .query("SELECT user_id FROM cardfarm_opt_out", &[])
            .await
            .map_err(|e| crate::Error::Store(format!("reading cardfarm_opt_out: {e}")))?;
        Ok(OptOut {
            ids: rows.iter().map(|r| r.get::<_, String>(0)).collect(),
        })
    }

    /// A list of the given ids, checked as the file's lines are.
    pub fn from_ids<I, S>(ids: I) -> Result<OptOut, String>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut set = HashSet::new();
        for id in ids {
            let id = id.into();
            if !is_valid_id(&id) {
                return Err(format!("{id:?} is not a user id ({ID_RULE})"));
            }
            set.insert(id);
        }
        Ok(OptOut { ids: set })
    }

    /// Whether `user_id` opted out.
    pub fn contains(&self, user_id: &str) -> bool {
        self.ids.contains(user_id)
    }

    /// How many distinct ids the list holds.
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

/// The id on one line, `None` for a blank or comment-only line.
fn parse_line(text: &str) -> Result<Option<&str>, String> {
    let content = text.split('#').next().unwrap_or_default().trim();
    if content.is_empty() {
        return Ok(None);
    }
    if !is_valid_id(content) {
        let shown: String = content.chars().take(80).collect();
        return Err(format!("{shown:?} is not a user id ({ID_RULE})"));
    }
    Ok(Some(content))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, bytes: &[u8]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("cardfarm-opt-out-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn ids_comments_and_blank_lines() {
        let path = file(
            "ok.txt",
            b"# opted out\n\nana_k\r\n  u-1042   # by mail\nana_k\n\t\n#last",
        );
        let list = OptOut::from_file(&path).unwrap();
        assert_eq!(list.len(), 2, "a repeated id counts once");
        assert!(list.contains("ana_k") && list.contains("u-1042"));
        assert!(!list.contains("ana") && !list.contains("# opted out") && !list.contains(""));
        assert!(!list.is_empty());
    }

    #[test]
    fn an_empty_file_is_an_empty_list() {
        let list = OptOut::from_file(&file("empty.txt", b"")).unwrap();
        assert!(list.is_empty());
        assert_eq!(list.len(), 0);
    }

    #[test]
    fn an_invalid_id_names_its_line() {
        let path = file("bad.txt", b"good\n\nna me\n");
        let e = OptOut::from_file(&path).unwrap_err();
        assert!(matches!(e, Error::Line { line: 3, .. }), "{e:?}");
        let text = e.to_string();
        assert!(
            text.contains("bad.txt, line 3") && text.contains("\"na me\""),
            "{text}"
        );

        let e = OptOut::from_file(&file("slash.txt", b"../etc\n")).unwrap_err();
        assert!(matches!(e, Error::Line { line: 1, .. }), "{e:?}");
        let e = OptOut::from_file(&file("latin1.txt", b"ok\nJos\xe9\n")).unwrap_err();
        assert!(e.to_string().contains("line 2: not UTF-8"), "{e}");
    }

    #[test]
    fn a_missing_file_names_it() {
        let e = OptOut::from_file(Path::new("/nonexistent/opt-out.txt")).unwrap_err();
        assert!(matches!(e, Error::Io { .. }));
        assert!(e.to_string().contains("/nonexistent/opt-out.txt"), "{e}");
    }

    #[test]
    fn from_ids_checks_each_id() {
        let list = OptOut::from_ids(["a", "b", "a"]).unwrap();
        assert_eq!(list.len(), 2);
        assert!(OptOut::from_ids(["ok", "not ok"]).is_err());
    }
}
