//! An export's `.zip` (Spotify's `my_spotify_data.zip`, ListenBrainz's
//! `listenbrainz_<user>_<time>.zip`), read entry by entry without unpacking it to disk.
//!
//! An archive is a stranger's file, so every entry is checked before any is read: a name
//! that leaves the archive (`..`, an absolute path), an entry over [`MAX_FILE`], one packed
//! more than [`MAX_RATIO`] times or an archive over [`MAX_TOTAL`] in all is refused whole,
//! naming the entry. While reading, an entry that inflates past the size it declares is cut
//! off with an error too, so a lying header cannot get around the checks.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use super::{file, Error, History};

/// The most an archive may unpack to, all entries together.
pub const MAX_TOTAL: u64 = 1 << 30;
/// The largest single file read, in an archive or not.
pub const MAX_FILE: u64 = 2 << 30;
/// The highest compression ratio an entry may have; real exports stay far below it.
pub const MAX_RATIO: u64 = 100;

/// Whether `file` opens like a zip archive. Leaves the file where it was.
pub fn is_zip(file: &mut File) -> io::Result<bool> {
    use std::io::{Seek, SeekFrom};
    let mut magic = [0u8; 4];
    let mut got = 0;
    while got < magic.len() {
        match file.read(&mut magic[got..])? {
            0 => break,
            n => got += n,
        }
    }
    file.seek(SeekFrom::Start(0))?;
    Ok(got == 4 && (magic == *b"PK\x03\x04" || magic == *b"PK\x05\x06"))
}

/// Reads every entry of the archive at `path` in name order; entries in no known format are
/// listed in [`History::skipped_files`].
pub fn read(path: &Path, file: File, history: &mut History) -> Result<(), Error> {
    let refuse = |entry: &str, message: String| Error::Archive {
        path: path.into(),
        entry: entry.into(),
        message,
    };
    let mut zip = zip::ZipArchive::new(file).map_err(|e| Error::Archive {
        path: path.into(),
        entry: String::new(),
        message: format!("not a readable zip archive: {e}"),
    })?;
    let mut entries = Vec::new();
    let mut total = 0u64;
    for i in 0..zip.len() {
        let entry = zip
            .by_index_raw(i)
            .map_err(|e| refuse(&format!("entry {i}"), e.to_string()))?;
        let name = entry.name().to_string();
        if leaves_archive(&name) {
            return Err(refuse(
                &name,
                "leaves the archive (`..` or an absolute path); refused".into(),
            ));
        }
        if entry.is_dir() {
            continue;
        }
        let (size, packed) = (entry.size(), entry.compressed_size());
        if size > MAX_FILE {
            return Err(refuse(
                &name,
                format!("unpacks to {size} bytes, over the 2 GB a file may have; refused"),
            ));
        }
        if size > packed.saturating_mul(MAX_RATIO) {
            return Err(refuse(
                &name,
                format!("packs {size} bytes into {packed}, a ratio over {MAX_RATIO}: a zip bomb; refused"),
            ));
        }
        total = total.saturating_add(size);
        if total > MAX_TOTAL {
            return Err(refuse(
                &name,
                "the archive unpacks to more than 1 GB; refused".into(),
            ));
        }
        entries.push((name, i, size));
    }
    entries.sort();
    for (name, i, size) in entries {
        let entry = zip
            .by_index(i)
            .map_err(|e| refuse(&name, format!("cannot be read: {e}")))?;
        let shown = path.join(&name);
        let bounded = Declared {
            inner: entry,
            left: size,
        };
        match file::read(&shown, bounded, history) {
            Err(Error::UnknownFormat { path }) => history.skipped_files.push(path),
            Err(Error::Io { source, .. }) => return Err(refuse(&name, source.to_string())),
            other => other?,
        }
    }
    Ok(())
}

/// Whether a stored name would land outside a folder it is unpacked into.
fn leaves_archive(name: &str) -> bool {
    let bytes = name.as_bytes();
    name.starts_with('/')
        || name.starts_with('\\')
        || (bytes.len() >= 2 && bytes[1] == b':')
        || name.split(['/', '\\']).any(|part| part == "..")
}

/// An entry's reader that fails once it yields more than the entry declared.
struct Declared<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Declared<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.left = self.left.checked_sub(n as u64).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                "unpacks to more than its header declares; refused",
            )
        })?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_leave_the_archive() {
        for bad in [
            "../x.json",
            "a/../../x",
            "/etc/passwd",
            "\\x",
            "C:\\x",
            "a\\..\\b",
        ] {
            assert!(leaves_archive(bad), "{bad}");
        }
        for good in [
            "listens/2026/1.jsonl",
            "a..b/c.json",
            "Spotify Extended Streaming History/x.json",
        ] {
            assert!(!leaves_archive(good), "{good}");
        }
    }
}
