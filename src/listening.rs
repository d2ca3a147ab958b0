//! Listening histories → one listener's [`Stats`](crate::card::model::Stats): the part that
//! turns a real export into the JSON at the head of the card pipeline.
//!
//! ```text
//! files, folders, .zip ─read_path─▶ History (interned Plays, duplicates dropped) ─rules::year─▶ Stats
//! ```
//!
//! 1. [`read_path`] walks a folder or an [`archive`] and hands each file to [`file::read`],
//!    which tells the format by content: a JSON array ([`spotify`], or [`listenbrainz`]'s
//!    older export), JSON lines ([`listenbrainz`]) or CSV ([`lastfm`]). Rows are read one at
//!    a time ([`json`]); no file is ever held whole.
//! 2. [`play`]: the normalised [`Play`] and the [`History`] that collects them, titles and
//!    artists interned once, counting the rows it drops (duplicates, malformed rows) so the
//!    summary can say so.
//! 3. [`genre`]: the optional `artist,genre` CSV.
//! 4. [`rules`]: one year's figures in the listener's time zone, following the rules in the
//!    README ("Your own year").
//! 5. [`population`]: a folder of many listeners → a dataset, one listener at a time, with
//!    the percentile badge of each listener's #1 artist and the opt-out list honoured.
//!
//! For many listeners, read each into its own `History` and drop it after
//! [`rules::year`]: memory is bounded by one listener's distinct tracks and rows.
//!
//! `card` knows nothing of this part; it only receives the finished `Stats`.

pub mod archive;
pub mod file;
pub mod genre;
pub mod json;
pub mod lastfm;
pub mod listenbrainz;
pub mod play;
pub mod population;
pub mod rules;
pub mod spotify;

use std::path::{Path, PathBuf};

pub use play::{History, Listen, Play};

/// What can go wrong reading histories; each names the file or line it is about.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: not a listening history in a known format", path.display())]
    UnknownFormat { path: PathBuf },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {entry}: {message}", path.display())]
    Archive {
        path: PathBuf,
        entry: String,
        message: String,
    },
    #[error("{}: {size} bytes, over the 2 GB a history file may have; refused", path.display())]
    TooLarge { path: PathBuf, size: u64 },
    #[error("{}, line {line}: {message}", path.display())]
    Genres {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("no music in {year}")]
    NoMusic { year: i32 },
    #[error("no music in the history")]
    Empty,
    #[error("the stats came out invalid: {0}")]
    Invalid(String),
}

/// A name made into a user id: characters other than ASCII letters, digits, `-` and `_`
/// become `-`, cut to 64; an empty name gives `listener`.
pub fn to_user_id(name: &str) -> String {
    let id: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .take(64)
        .collect();
    if id.is_empty() {
        "listener".into()
    } else {
        id
    }
}

/// Reads `path` (a file, a `.zip` archive, or a folder walked recursively in name order) into
/// `history`. A file named directly in no known format is an error; inside a folder or an
/// archive it is skipped and listed in [`History::skipped_files`].
pub fn read_path(path: &Path, history: &mut History) -> Result<(), Error> {
    let meta = std::fs::metadata(path).map_err(|source| Error::Io {
        path: path.into(),
        source,
    })?;
    if meta.is_dir() {
        read_dir(path, history)
    } else {
        read_file(path, history)
    }
}

/// One file on disk: an archive or a history, told apart by content.
fn read_file(path: &Path, history: &mut History) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: path.into(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    if size > archive::MAX_FILE {
        return Err(Error::TooLarge {
            path: path.into(),
            size,
        });
    }
    if archive::is_zip(&mut file).map_err(io)? {
        archive::read(path, file, history)
    } else {
        file::read(path, file, history)
    }
}

/// The entries of `dir`, in name order.
pub(crate) fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let io = |source| Error::Io {
        path: dir.into(),
        source,
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(io)?;
    entries.sort();
    Ok(entries)
}

fn read_dir(dir: &Path, history: &mut History) -> Result<(), Error> {
    for entry in sorted_entries(dir)? {
        // Not following symlinks keeps a link loop from walking forever.
        let Ok(meta) = std::fs::symlink_metadata(&entry) else {
            continue;
        };
        if meta.is_dir() {
            read_dir(&entry, history)?;
        } else if meta.is_file() {
            match read_file(&entry, history) {
                Err(Error::UnknownFormat { path }) => history.skipped_files.push(path),
                other => other?,
            }
        }
    }
    Ok(())
}
