//! One file (or one entry of an archive) read by its content: the first byte that is not a
//! byte order mark or white space picks the reader, and the first row picks the format.
//!
//! | opens with | reader | formats |
//! |---|---|---|
//! | `[` | [`ArrayRows`] | Spotify extended or account data, ListenBrainz (older array export) |
//! | `{` | JSON lines | ListenBrainz listens, its `user.json` |
//! | anything else | CSV | Last.fm scrobbles |
//!
//! Whatever fits none of them is [`Error::UnknownFormat`].

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use super::json::{self, ArrayRows, Json, Next};
use super::play::Listen;
use super::{lastfm, listenbrainz, spotify, Error, History};

/// Read buffer: large enough that a 60 MB file takes few system calls.
const BUFFER: usize = 256 * 1024;

/// The format of a JSON row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RowFormat {
    Spotify(spotify::Format),
    ListenBrainz,
}

impl RowFormat {
    fn detect(row: &Json) -> Option<RowFormat> {
        if let Some(f) = spotify::Format::detect(row) {
            Some(RowFormat::Spotify(f))
        } else if listenbrainz::is_listen(row) {
            Some(RowFormat::ListenBrainz)
        } else {
            None
        }
    }

    fn listen<'a>(self, row: &'a Json) -> Result<Listen<'a>, String> {
        match self {
            RowFormat::Spotify(f) => f.listen(row),
            RowFormat::ListenBrainz => listenbrainz::listen(row),
        }
    }
}

/// Reads `reader`, named `name` in errors and the summary, into `history`.
pub fn read(name: &Path, reader: impl Read, history: &mut History) -> Result<(), Error> {
    let mut reader = BufReader::with_capacity(BUFFER, reader);
    let io = |source| Error::Io {
        path: name.into(),
        source,
    };
    json::skip_bom(&mut reader).map_err(io)?;
    let first = loop {
        let buf = reader.fill_buf().map_err(io)?;
        match buf.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(i) => break Some(buf[i]),
            None if buf.is_empty() => break None,
            None => {
                let n = buf.len();
                reader.consume(n);
            }
        }
    };
    let label = name.display().to_string();
    match first {
        Some(b'[') => read_array(&label, reader, history),
        Some(b'{') => read_lines(&label, reader, history),
        Some(_) => read_csv(&label, reader, history),
        None => Err(Failure::Unknown),
    }
    .map_err(|e| match e {
        Failure::Unknown => Error::UnknownFormat { path: name.into() },
        Failure::Io(source) => Error::Io {
            path: name.into(),
            source,
        },
    })?;
    history.files.push(name.into());
    Ok(())
}

/// Why a file was not read.
enum Failure {
    Unknown,
    Io(std::io::Error),
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Io(e)
    }
}

/// Adds one parsed row, or counts why it is malformed.
fn add(history: &mut History, format: RowFormat, row: &Json, at: impl FnOnce() -> String) {
    if !history.first_time(row.fingerprint()) {
        return;
    }
    match format.listen(row) {
        Ok(listen) => history.add(&listen),
        Err(why) => history.malformed(format!("{}: {why}", at())),
    }
}

/// A JSON array: the first element decides the format; a file that breaks off keeps the rows
/// before the break.
fn read_array(name: &str, reader: impl BufRead, history: &mut History) -> Result<(), Failure> {
    let mut rows = ArrayRows::new(reader);
    if !rows.open()? {
        return Err(Failure::Unknown);
    }
    let mut format = None;
    let mut index = 0usize;
    loop {
        let next = rows.next_row()?;
        let parsed = match next {
            Next::End => return Ok(()),
            Next::BrokenOff if format.is_some() => {
                history.malformed(format!("{name}: breaks off in row {index}"));
                return Ok(());
            }
            Next::BrokenOff => return Err(Failure::Unknown),
            Next::TooLong => Err(format!("longer than {} bytes", json::MAX_ROW)),
            Next::Row => Json::parse(rows.row()).map_err(|e| e.to_string()),
        };
        let format = match (format, &parsed) {
            (Some(f), _) => f,
            (None, Ok(row)) => *format.insert(RowFormat::detect(row).ok_or(Failure::Unknown)?),
            (None, Err(_)) => return Err(Failure::Unknown),
        };
        match parsed {
            Ok(row) => add(history, format, &row, || format!("{name}, row {index}")),
            Err(why) => {
                history.rows += 1;
                history.malformed(format!("{name}, row {index}: {why}"));
            }
        }
        index += 1;
    }
}

/// JSON lines: ListenBrainz's listens (`listens/<year>/<month>.jsonl`) or its `user.json`.
fn read_lines(name: &str, mut reader: impl BufRead, history: &mut History) -> Result<(), Failure> {
    let mut line = Vec::with_capacity(4096);
    let mut number = 0usize;
    let mut listens = None;
    while let Some(fits) = json::read_line(&mut reader, &mut line)? {
        number += 1;
        if fits && line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let parsed = if fits {
            Json::parse(&line).map_err(|e| e.to_string())
        } else {
            Err(format!("longer than {} bytes", json::MAX_ROW))
        };
        let at = || format!("{name}, line {number}");
        match (listens, parsed) {
            (None, Ok(row)) => {
                if listenbrainz::is_listen(&row) {
                    listens = Some(true);
                    add(history, RowFormat::ListenBrainz, &row, at);
                } else if let Some(user) = listenbrainz::user_name(&row) {
                    listens = Some(false);
                    history.user_name = Some(user.to_string());
                } else {
                    return Err(Failure::Unknown);
                }
            }
            (None, Err(_)) => return Err(Failure::Unknown),
            (Some(true), Ok(row)) => add(history, RowFormat::ListenBrainz, &row, at),
            (Some(true), Err(why)) => {
                history.rows += 1;
                history.malformed(format!("{}: {why}", at()));
            }
            // The user file holds one object; anything after it is not ours to judge.
            (Some(false), _) => {}
        }
    }
    if listens.is_none() {
        return Err(Failure::Unknown);
    }
    Ok(())
}

/// Last.fm scrobbles: the first record decides whether this is one and where its fields are.
fn read_csv(name: &str, reader: impl BufRead, history: &mut History) -> Result<(), Failure> {
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(reader);
    let mut record = csv::StringRecord::new();
    let layout = match csv.read_record(&mut record) {
        Ok(true) => lastfm::Layout::detect(&record).ok_or(Failure::Unknown)?,
        Ok(false) | Err(_) => return Err(Failure::Unknown),
    };
    let mut first = !layout.header;
    loop {
        if !first {
            match csv.read_record(&mut record) {
                Ok(true) => {}
                Ok(false) => return Ok(()),
                Err(e) if e.is_io_error() => {
                    return Err(Failure::Io(match e.into_kind() {
                        csv::ErrorKind::Io(io) => io,
                        other => std::io::Error::other(format!("{other:?}")),
                    }))
                }
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    history.rows += 1;
                    history.malformed(format!("{name}, line {line}: {e}"));
                    continue;
                }
            }
        }
        first = false;
        if record.len() == 1 && record[0].trim().is_empty() {
            continue; // a blank line
        }
        if !history.first_time(lastfm::fingerprint(&record)) {
            continue;
        }
        match layout.listen(&record) {
            Ok(listen) => history.add(&listen),
            Err(why) => {
                let line = record.position().map_or(0, |p| p.line());
                history.malformed(format!("{name}, line {line}: {why}"));
            }
        }
    }
}
