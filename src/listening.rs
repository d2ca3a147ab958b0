//! Listening histories → one listener's [`Stats`](crate::card::model::Stats): the part that
//! turns a real export into the JSON at the head of the card pipeline.
//!
//! ```text
//! export files ─spotify::read─▶ History (normalised Plays, duplicates dropped) ─rules::year─▶ Stats
//! ```
//!
//! 1. [`spotify`]: reads the two Spotify formats, detected by content, streaming each JSON array
//!    row by row.
//! 2. [`play`]: the normalised [`Play`] and the [`History`] that collects them, counting the
//!    rows it drops (duplicates, malformed rows) so the summary can say so.
//! 3. [`genre`]: the optional `artist,genre` CSV.
//! 4. [`rules`]: one year's figures in the listener's time zone, following the rules in the
//!    README ("Your own year").
//! 5. [`population`]: a folder of many listeners → a dataset, one listener at a time, with
//!    the percentile badge of each listener's #1 artist and the opt-out list honoured.
//!
//! `card` knows nothing of this part; it only receives the finished `Stats`.

pub mod genre;
pub mod play;
pub mod population;
pub mod rules;
pub mod spotify;

use std::path::{Path, PathBuf};

pub use play::{History, Play};

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

/// Reads `path` (a file, or a folder walked recursively in name order) into `history`. A file
/// named directly in no known format is an error; inside a folder it is skipped and listed in
/// [`History::skipped_files`].
pub fn read_path(path: &Path, history: &mut History) -> Result<(), Error> {
    let meta = std::fs::metadata(path).map_err(|source| Error::Io {
        path: path.into(),
        source,
    })?;
    if meta.is_dir() {
        read_dir(path, history)
    } else {
        spotify::read(path, history)
    }
}

fn read_dir(dir: &Path, history: &mut History) -> Result<(), Error> {
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
    for entry in entries {
        // Not following symlinks keeps a link loop from walking forever.
        let Ok(meta) = std::fs::symlink_metadata(&entry) else {
            continue;
        };
        if meta.is_dir() {
            read_dir(&entry, history)?;
        } else if meta.is_file() {
            match spotify::read(&entry, history) {
                Err(Error::UnknownFormat { path }) => history.skipped_files.push(path),
                other => other?,
            }
        }
    }
    Ok(())
}
