//! Photo: artist images from the dataset's folder or a `data:` URI, checked, cropped square
//! and pre-sized to their box, ready to embed in the filled SVG.
//!
//! A photo never fails a card: any problem (missing, corrupt, too big, outside the dataset's
//! folder, not a regular file) returns a [`PhotoError`] that the caller turns into a designed
//! placeholder and a warning. Nothing is fetched from the network: only files under the root
//! and `data:` URIs.
//!
//! Hostile input is bounded at every step:
//!
//! - A file is opened once, without blocking (a FIFO cannot hang a render thread), and then
//!   checked from the open handle: it must be a regular file, and the same file (device and
//!   inode) as the canonical path under the root, so a symlink swapped in between the check and
//!   the open cannot lead out of the root. At most [`MAX_BYTES`] are read.
//! - Dimensions are read from the header before any pixel is decoded; a `data:` URI (the only
//!   kind of photo a posted body can carry) may be at most [`OVERSAMPLE`] times its drawn size a
//!   side, a file at most [`MAX_SIDE`]. The decoder gets the same bounds as `image::Limits`, so a
//!   decompression bomb is refused before its buffer is allocated.
//! - The decoded image is cropped as a view and resized from it: one full-size buffer, not three.
//!
//! [`Photos`] remembers prepared photos, successes only (a photo that is missing now may be
//! there next time), keyed by the image's SHA-256 and the drawn size, bounded by
//! [`CACHE_BYTES`], least recently used dropped first. It also remembers the SHA-256 of files by
//! their identity (device, inode, size, modification and change times), so the card
//! [`fingerprint`](crate::card::fingerprint) of a stored user costs a `stat`, not a read.

use std::fs::File;
use std::io::Read;
use std::path::{Component, Path};
use std::sync::{Arc, Mutex, MutexGuard};

use base64::Engine;
use lru::LruCache;
use sha2::{Digest, Sha256};

/// Largest image file or decoded `data:` URI accepted, in bytes.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// Largest width or height of a photo file, in pixels.
pub const MAX_SIDE: u32 = 6000;
/// A `data:` URI photo may be at most this many times its drawn size a side: a card shows no
/// more, and a posted body must not buy seconds of decoding.
pub const OVERSAMPLE: u32 = 4;
/// Bytes of prepared photos kept in memory.
pub const CACHE_BYTES: usize = 64 << 20;
/// File digests kept in memory (each entry is under 100 bytes).
const DIGEST_ENTRIES: usize = 16_384;

/// Why a photo could not be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PhotoError {
    #[error("image path {0:?} is absolute or leaves the dataset folder")]
    OutsideRoot(String),
    #[error("image file {0:?} not found")]
    NotFound(String),
    #[error("image {0:?} is not a regular file")]
    NotAFile(String),
    #[error("image {0:?} is larger than {MAX_BYTES} bytes")]
    TooLarge(String),
    #[error("image {0:?} is {1}×{2} pixels; at most {3} per side")]
    TooManyPixels(String, u32, u32, u32),
    #[error("image {0:?} cannot be decoded: {1}")]
    Corrupt(String, String),
    #[error("image {0:?} is not a base64 data: URI of an image")]
    BadPrepared(String),
    #[error("image {0:?} given but the stats have no folder to resolve it against")]
    NoRoot(String),
}

/// A prepared photo: a PNG of the requested size, masked to a circle. Shared, because the
/// same artist photo serves many cards.
pub type Prepared = Arc<Vec<u8>>;

/// The SHA-256 of a photo's bytes (the file's content, or a `data:` URI's decoded payload).
pub type ContentHash = [u8; 32];

/// A prepared photo as a `data:` URI, for SVG that must stand alone (`--emit-svg`).
pub fn data_uri(png: &[u8]) -> String {
    let mut uri = String::from("data:image/png;base64,");
    base64::engine::general_purpose::STANDARD.encode_string(png, &mut uri);
    uri
}

/// Loads, checks, crops and resizes photos; remembers recent successes.
pub struct Photos {
    prepared: Mutex<Prepareds>,
    digests: Mutex<LruCache<FileId, ContentHash>>,
}

/// Prepared photos by content and drawn size, with the bytes they hold.
struct Prepareds {
    entries: LruCache<(ContentHash, u32), Prepared>,
    bytes: usize,
    capacity: usize,
}

/// What identifies one version of a file's content without reading it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct FileId {
    dev: u64,
    ino: u64,
    len: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

/// A photo's source, opened and checked, not yet read (a file) or already decoded (a URI).
enum Opened {
    Data(Vec<u8>),
    File(File, FileId),
}

impl Default for Photos {
    fn default() -> Self {
        Photos::with_capacity(CACHE_BYTES)
    }
}

impl Photos {
    /// A photo cache that keeps at most `bytes` of prepared photos.
    pub fn with_capacity(bytes: usize) -> Photos {
        let digests =
            std::num::NonZeroUsize::new(DIGEST_ENTRIES).unwrap_or(std::num::NonZeroUsize::MIN);
        Photos {
            prepared: Mutex::new(Prepareds {
                entries: LruCache::unbounded(),
                bytes: 0,
                capacity: bytes,
            }),
            digests: Mutex::new(LruCache::new(digests)),
        }
    }

    /// The photo `image` (a relative path under `root`, or a `data:` URI) as a `size`×`size`
    /// PNG.
    pub fn load(
        &self,
        root: Option<&Path>,
        image: &str,
        size: u32,
    ) -> Result<Prepared, PhotoError> {
        let (hash, bytes) = match open(root, image)? {
            Opened::Data(bytes) => (sha256(&bytes), Some(bytes)),
            Opened::File(file, id) => match self.known(&id) {
                Some(hash) => (hash, None),
                None => {
                    let bytes = read_capped(file, image)?;
                    let hash = sha256(&bytes);
                    self.remember(id, hash);
                    (hash, Some(bytes))
                }
            },
        };
        if let Some(hit) = lock(&self.prepared).entries.get(&(hash, size)) {
            return Ok(hit.clone());
        }
        let bytes = match bytes {
            Some(bytes) => bytes,
            // Known digest but not prepared at this size (or evicted): open again, since the
            // handle was dropped; the file is checked the same way.
            None => match open(root, image)? {
                Opened::Data(bytes) => bytes,
                Opened::File(file, _) => read_capped(file, image)?,
            },
        };
        let max_side = if image.starts_with("data:") {
            size.saturating_mul(OVERSAMPLE).clamp(1, MAX_SIDE)
        } else {
            MAX_SIDE
        };
        let png = prepare(image, &bytes, size, max_side)?;
        lock(&self.prepared).put((hash, size), png.clone());
        Ok(png)
    }

    /// The SHA-256 of the photo's bytes, without decoding it: a `stat` for a file seen before.
    pub fn content_hash(
        &self,
        root: Option<&Path>,
        image: &str,
    ) -> Result<ContentHash, PhotoError> {
        match open(root, image)? {
            Opened::Data(bytes) => Ok(sha256(&bytes)),
            Opened::File(file, id) => {
                if let Some(hash) = self.known(&id) {
                    return Ok(hash);
                }
                let hash = sha256(&read_capped(file, image)?);
                self.remember(id, hash);
                Ok(hash)
            }
        }
    }

    /// Bytes of prepared photos held now.
    pub fn bytes(&self) -> usize {
        lock(&self.prepared).bytes
    }

    fn known(&self, id: &FileId) -> Option<ContentHash> {
        lock(&self.digests).get(id).copied()
    }

    fn remember(&self, id: FileId, hash: ContentHash) {
        lock(&self.digests).put(id, hash);
    }
}

impl Prepareds {
    fn put(&mut self, key: (ContentHash, u32), png: Prepared) {
        if png.len() > self.capacity {
            return;
        }
        self.bytes += png.len();
        if let Some(old) = self.entries.put(key, png) {
            self.bytes -= old.len();
        }
        while self.bytes > self.capacity {
            match self.entries.pop_lru() {
                Some((_, old)) => self.bytes -= old.len(),
                None => break,
            }
        }
    }
}

/// A panic while holding a lock cannot leave these caches inconsistent; keep using them.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn sha256(bytes: &[u8]) -> ContentHash {
    Sha256::digest(bytes).into()
}

fn short(image: &str) -> String {
    image.chars().take(60).collect()
}

/// The decoded bytes of a `data:` URI, or the file under `root`, opened and checked.
fn open(root: Option<&Path>, image: &str) -> Result<Opened, PhotoError> {
    if let Some(rest) = image.strip_prefix("data:") {
        let (meta, payload) = rest
            .split_once(',')
            .ok_or_else(|| PhotoError::BadPrepared(short(image)))?;
        if !meta.starts_with("image/") || !meta.ends_with(";base64") {
            return Err(PhotoError::BadPrepared(short(image)));
        }
        if payload.len() / 4 * 3 > MAX_BYTES {
            return Err(PhotoError::TooLarge(short(image)));
        }
        return base64::engine::general_purpose::STANDARD
            .decode(payload.trim())
            .map(Opened::Data)
            .map_err(|_| PhotoError::BadPrepared(short(image)));
    }
    let root = root.ok_or_else(|| PhotoError::NoRoot(short(image)))?;
    let (file, id) = open_under(root, image)?;
    Ok(Opened::File(file, id))
}

/// Opens `root/relative` once and checks the open handle: a regular file, the very file that
/// the canonical path inside `root` names. Absolute paths, `..` and symlinks that lead out of
/// `root` are refused, also when the path is swapped while it is being checked.
fn open_under(root: &Path, relative: &str) -> Result<(File, FileId), PhotoError> {
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};

    let rel = Path::new(relative);
    let outside = || PhotoError::OutsideRoot(short(relative));
    let missing = || PhotoError::NotFound(short(relative));
    if relative.contains('\\')
        || rel
            .components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(outside());
    }
    let root = root.canonicalize().map_err(|_| missing())?;
    // Non-blocking: opening a FIFO for reading would otherwise wait for a writer forever.
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(root.join(rel))
        .map_err(|_| missing())?;
    let meta = file.metadata().map_err(|_| missing())?;
    // Where the name leads now; the handle must be that same file. Whatever the name led to
    // when it was opened, a file outside the root never has the identity of one inside it.
    let canonical = root.join(rel).canonicalize().map_err(|_| missing())?;
    if !canonical.starts_with(&root) {
        return Err(outside());
    }
    let named = std::fs::metadata(&canonical).map_err(|_| missing())?;
    if (named.dev(), named.ino()) != (meta.dev(), meta.ino()) {
        return Err(outside());
    }
    if !meta.is_file() {
        return Err(PhotoError::NotAFile(short(relative)));
    }
    let id = FileId {
        dev: meta.dev(),
        ino: meta.ino(),
        len: meta.len(),
        mtime: (meta.mtime(), meta.mtime_nsec()),
        ctime: (meta.ctime(), meta.ctime_nsec()),
    };
    Ok((file, id))
}

/// At most [`MAX_BYTES`] of `file`; more is [`PhotoError::TooLarge`].
fn read_capped(file: File, image: &str) -> Result<Vec<u8>, PhotoError> {
    let mut bytes = Vec::new();
    file.take(MAX_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|_| PhotoError::NotFound(short(image)))?;
    if bytes.len() > MAX_BYTES {
        return Err(PhotoError::TooLarge(short(image)));
    }
    Ok(bytes)
}

/// Decodes within `max_side` a side, crops the centre square, resizes to `size`, masks it to a
/// circle and encodes a fast PNG. Masking here, once per photo, spares every card an SVG clip
/// path, which resvg draws through a full-canvas mask.
fn prepare(image: &str, bytes: &[u8], size: u32, max_side: u32) -> Result<Prepared, PhotoError> {
    use image::ImageDecoder;

    let corrupt = |e: &dyn std::fmt::Display| PhotoError::Corrupt(short(image), e.to_string());
    let mut decoder = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| corrupt(&e))?
        .into_decoder()
        .map_err(|e| corrupt(&e))?;
    // From the header alone: nothing is allocated for pixels yet.
    let (w, h) = decoder.dimensions();
    if w > max_side || h > max_side {
        return Err(PhotoError::TooManyPixels(short(image), w, h, max_side));
    }
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(max_side);
    limits.max_image_height = Some(max_side);
    // The decoded image (at most 4 bytes a pixel for the formats we read) and some slack.
    limits.max_alloc = Some(u64::from(max_side) * u64::from(max_side) * 4 + (16 << 20));
    decoder.set_limits(limits).map_err(|e| corrupt(&e))?;
    // RGB decodes straight into the buffer we keep; other layouts convert once.
    let decoded = image::DynamicImage::from_decoder(decoder)
        .map_err(|e| corrupt(&e))?
        .into_rgb8();
    let (w, h) = decoded.dimensions();
    let side = w.min(h);
    if side == 0 {
        return Err(corrupt(&"the image is empty"));
    }
    let square = image::imageops::crop_imm(&decoded, (w - side) / 2, (h - side) / 2, side, side);
    let sized = if side == size {
        square.to_image()
    } else {
        image::imageops::resize(&*square, size, size, image::imageops::FilterType::Triangle)
    };
    drop(decoded);
    let png =
        crate::card::png::encode_rgba(&circle(&sized), size, size).map_err(|e| corrupt(&e))?;
    Ok(Arc::new(png))
}

/// RGBA pixels of `square` inside the inscribed circle, with a one-pixel antialiased edge.
fn circle(square: &image::RgbImage) -> Vec<u8> {
    let side = square.width() as f32;
    let r = side / 2.0;
    let mut out = Vec::with_capacity(square.as_raw().len() / 3 * 4);
    for (x, y, px) in square.enumerate_pixels() {
        let dx = x as f32 + 0.5 - r;
        let dy = y as f32 + 0.5 - r;
        let coverage = (r - (dx * dx + dy * dy).sqrt() + 0.5).clamp(0.0, 1.0);
        out.extend_from_slice(&[px[0], px[1], px[2], (coverage * 255.0).round() as u8]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(tag: &str) -> std::path::PathBuf {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("cardfarm-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn png_of(w: u32, h: u32, rgb: [u8; 3]) -> Vec<u8> {
        let img = image::RgbImage::from_pixel(w, h, image::Rgb(rgb));
        crate::card::png::encode_rgb(img.as_raw(), w, h).unwrap()
    }

    fn uri_of(png: &[u8]) -> String {
        format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(png)
        )
    }

    #[test]
    fn refuses_paths_out_of_root() {
        let root = std::env::temp_dir();
        for bad in ["../etc/passwd", "/etc/passwd", "a/../../x.png", "..\\x.png"] {
            assert!(
                matches!(open_under(&root, bad), Err(PhotoError::OutsideRoot(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn refuses_symlinks_out_of_root() {
        let dir = temp_dir("photo");
        std::os::unix::fs::symlink("/etc/hostname", dir.join("escape.png")).unwrap();
        std::fs::create_dir(dir.join("sub")).unwrap();
        std::os::unix::fs::symlink("/etc", dir.join("sub/etc")).unwrap();
        let file = open_under(&dir, "escape.png").map(|_| ());
        let through_dir = open_under(&dir, "sub/etc/hostname").map(|_| ());
        let loaded = Photos::default().load(Some(&dir), "escape.png", 64);
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(matches!(file, Err(PhotoError::OutsideRoot(_))), "{file:?}");
        assert!(
            matches!(through_dir, Err(PhotoError::OutsideRoot(_))),
            "{through_dir:?}"
        );
        assert!(
            matches!(loaded, Err(PhotoError::OutsideRoot(_))),
            "{loaded:?}"
        );
    }

    #[test]
    fn symlinks_inside_the_root_still_work() {
        let dir = temp_dir("photo-in");
        std::fs::write(dir.join("real.png"), png_of(8, 8, [1, 2, 3])).unwrap();
        std::os::unix::fs::symlink("real.png", dir.join("alias.png")).unwrap();
        let loaded = Photos::default().load(Some(&dir), "alias.png", 8);
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(loaded.is_ok(), "{loaded:?}");
    }

    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = temp_dir("fifo");
        let fifo = dir.join("pipe.jpg");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path; mkfifo only creates the node.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
        let (tx, rx) = std::sync::mpsc::channel();
        let root = dir.clone();
        std::thread::spawn(move || {
            let photos = Photos::default();
            let _ = tx.send((
                photos.load(Some(&root), "pipe.jpg", 64),
                photos.content_hash(Some(&root), "pipe.jpg"),
            ));
        });
        let answer = rx.recv_timeout(std::time::Duration::from_secs(5));
        if answer.is_err() {
            // Unblock the stuck reader before failing, so the test process can end.
            let _ = std::fs::OpenOptions::new().write(true).open(&fifo);
        }
        std::fs::remove_dir_all(&dir).unwrap();
        let (loaded, hashed) = answer.expect("opening a FIFO must not block the render");
        assert!(matches!(loaded, Err(PhotoError::NotAFile(_))), "{loaded:?}");
        assert!(matches!(hashed, Err(PhotoError::NotAFile(_))), "{hashed:?}");
    }

    #[test]
    fn garbage_is_corrupt_not_a_panic() {
        let photos = Photos::default();
        let uri = format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(b"not an image at all")
        );
        assert!(matches!(
            photos.load(None, &uri, 64),
            Err(PhotoError::Corrupt(..))
        ));
        assert!(matches!(
            photos.load(None, "data:text/plain,hi", 64),
            Err(PhotoError::BadPrepared(_))
        ));
    }

    #[test]
    fn oversized_images_are_refused_before_decoding() {
        let photos = Photos::default();
        // Wider than MAX_SIDE: refused from the header, never decoded.
        let wide = image::RgbImage::new(MAX_SIDE + 1, 2);
        let png = crate::card::png::encode_rgb(wide.as_raw(), MAX_SIDE + 1, 2).unwrap();
        let uri = uri_of(&png);
        assert!(matches!(
            photos.load(None, &uri, 64),
            Err(PhotoError::TooManyPixels(_, w, 2, _)) if w == MAX_SIDE + 1
        ));
        // A 40 MB payload is refused by its size.
        let huge = format!("data:image/png;base64,{}", "A".repeat(40 << 20));
        assert!(matches!(
            photos.load(None, &huge, 64),
            Err(PhotoError::TooLarge(_))
        ));
        // So is a 40 MB file.
        let dir = temp_dir("big");
        std::fs::write(dir.join("big.jpg"), vec![0u8; 40 << 20]).unwrap();
        let result = photos.load(Some(&dir), "big.jpg", 64);
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(matches!(result, Err(PhotoError::TooLarge(_))), "{result:?}");
    }

    #[test]
    fn a_data_uri_may_be_at_most_oversample_times_its_drawn_size() {
        let photos = Photos::default();
        let fits = uri_of(&png_of(4 * 16, 4 * 16, [9, 9, 9]));
        assert!(photos.load(None, &fits, 16).is_ok());
        let over = uri_of(&png_of(4 * 16 + 1, 8, [9, 9, 9]));
        let result = photos.load(None, &over, 16);
        assert!(
            matches!(result, Err(PhotoError::TooManyPixels(_, 65, 8, 64))),
            "{result:?}"
        );
        // A bomb: a JPEG header claiming 6000×6000 over a few hundred bytes of data.
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new(&mut jpeg)
            .encode(&[0u8; 3 * 8 * 8], 8, 8, image::ExtendedColorType::Rgb8)
            .unwrap();
        let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        jpeg[sof + 5..sof + 9].copy_from_slice(&[0x17, 0x70, 0x17, 0x70]);
        let result = photos.load(None, &uri_of(&jpeg), 512);
        assert!(
            matches!(result, Err(PhotoError::TooManyPixels(_, 6000, 6000, 2048))),
            "{result:?}"
        );
    }

    #[test]
    fn errors_are_not_cached() {
        let dir = temp_dir("late");
        let photos = Photos::default();
        let before = photos.load(Some(&dir), "late.png", 16);
        std::fs::write(dir.join("late.png"), png_of(20, 20, [200, 0, 0])).unwrap();
        let after = photos.load(Some(&dir), "late.png", 16);
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(matches!(before, Err(PhotoError::NotFound(_))), "{before:?}");
        assert!(after.is_ok(), "the photo that appeared is used: {after:?}");
    }

    #[test]
    fn a_replaced_file_is_read_again() {
        let dir = temp_dir("swap");
        let photos = Photos::default();
        let centre = |png: &Prepared| {
            *image::load_from_memory(png)
                .unwrap()
                .to_rgba8()
                .get_pixel(8, 8)
        };
        std::fs::write(dir.join("a.png"), png_of(20, 20, [200, 0, 0])).unwrap();
        let red = photos.load(Some(&dir), "a.png", 16).unwrap();
        let red_hash = photos.content_hash(Some(&dir), "a.png").unwrap();
        std::fs::write(dir.join("a.png"), png_of(30, 30, [0, 0, 200])).unwrap();
        let blue = photos.load(Some(&dir), "a.png", 16).unwrap();
        let blue_hash = photos.content_hash(Some(&dir), "a.png").unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(centre(&red)[0], 200);
        assert_eq!(
            centre(&blue)[2],
            200,
            "the new photo, not the cached old one"
        );
        assert_ne!(red_hash, blue_hash);
    }

    #[test]
    fn the_cache_is_bounded_in_bytes() {
        let one = Photos::default()
            .load(None, &uri_of(&png_of(64, 64, [0, 0, 0])), 64)
            .unwrap()
            .len();
        let photos = Photos::with_capacity(3 * one);
        for i in 0..20u8 {
            photos
                .load(None, &uri_of(&png_of(64, 64, [i, 0, 0])), 64)
                .unwrap();
            assert!(
                photos.bytes() <= 3 * one,
                "{} > {}",
                photos.bytes(),
                3 * one
            );
        }
        assert!(photos.bytes() >= one, "recent photos are kept");
    }

    #[test]
    fn decodes_crops_and_resizes() {
        let img = image::RgbImage::from_pixel(40, 20, image::Rgb([200, 10, 10]));
        let png = crate::card::png::encode_rgb(img.as_raw(), 40, 20).unwrap();
        let uri = uri_of(&png);
        let out = Photos::default().load(None, &uri, 16).unwrap();
        let back = image::load_from_memory(&out).unwrap();
        assert_eq!((back.width(), back.height()), (16, 16));
        let rgba = back.to_rgba8();
        assert_eq!(rgba.get_pixel(0, 0)[3], 0, "corners are masked out");
        assert_eq!(rgba.get_pixel(8, 8)[3], 255, "the centre is opaque");
    }
}
