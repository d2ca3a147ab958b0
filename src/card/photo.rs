//! Photo: artist images from the dataset's folder or a `data:` URI, checked, cropped square
//! and pre-sized to their box, ready to embed in the filled SVG.
//!
//! A photo never fails a card: any problem (missing, corrupt, too big, outside the dataset's
//! folder) returns a [`PhotoError`] that the caller turns into a designed placeholder and a
//! warning. Nothing is fetched from the network: only files under the root and `data:` URIs.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use base64::Engine;

/// Largest image file or decoded `data:` URI accepted, in bytes.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// Largest width or height accepted before decoding, in pixels.
pub const MAX_SIDE: u32 = 6000;
/// Prepared photos kept in memory; artist photos repeat across many users.
const CACHE_ENTRIES: usize = 256;

/// Why a photo could not be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PhotoError {
    #[error("image path {0:?} is absolute or leaves the dataset folder")]
    OutsideRoot(String),
    #[error("image file {0:?} not found")]
    NotFound(String),
    #[error("image {0:?} is larger than {MAX_BYTES} bytes")]
    TooLarge(String),
    #[error("image {0:?} is {1}×{2} pixels; at most {MAX_SIDE} per side")]
    TooManyPixels(String, u32, u32),
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

/// A prepared photo as a `data:` URI, for SVG that must stand alone (`--emit-svg`).
pub fn data_uri(png: &[u8]) -> String {
    let mut uri = String::from("data:image/png;base64,");
    base64::engine::general_purpose::STANDARD.encode_string(png, &mut uri);
    uri
}

/// Loads, checks, crops and resizes photos; remembers recent results.
#[derive(Default)]
pub struct Photos {
    cache: Mutex<HashMap<u64, Result<Prepared, PhotoError>>>,
}

impl Photos {
    /// The photo `image` (a relative path under `root`, or a `data:` URI) as a `size`×`size`
    /// PNG.
    pub fn load(
        &self,
        root: Option<&Path>,
        image: &str,
        size: u32,
    ) -> Result<Prepared, PhotoError> {
        let key = {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            (root, image, size).hash(&mut h);
            h.finish()
        };
        if let Some(hit) = self.lock().get(&key) {
            return hit.clone();
        }
        let result = read(root, image).and_then(|bytes| prepare(image, &bytes, size));
        let mut cache = self.lock();
        if cache.len() >= CACHE_ENTRIES {
            cache.clear();
        }
        cache.insert(key, result.clone());
        result
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Result<Prepared, PhotoError>>> {
        // A panic while holding the lock cannot leave the map inconsistent; keep using it.
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn short(image: &str) -> String {
    image.chars().take(60).collect()
}

/// The folder that relative image paths in the stats or dataset file `file` resolve against:
/// the file's own folder, made absolute. The parent of a bare file name (`stats.json`) is the
/// empty path, which no file lives under; it means the working directory.
pub fn root_of(file: &Path) -> PathBuf {
    match file.parent() {
        Some(parent) => folder(parent),
        None => folder(Path::new(".")),
    }
}

/// `dir` as an image root: an empty path is the working directory, and the result is absolute
/// (resolved now, so a later change of working directory cannot move it). A folder that does
/// not exist is kept as given, made absolute: its photos are then missing, not an error.
pub fn folder(dir: &Path) -> PathBuf {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    dir.canonicalize()
        .or_else(|_| std::path::absolute(dir))
        .unwrap_or_else(|_| dir.to_path_buf())
}

/// The bytes of the image, from a `data:` URI or a file under `root`.
fn read(root: Option<&Path>, image: &str) -> Result<Vec<u8>, PhotoError> {
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
            .map_err(|_| PhotoError::BadPrepared(short(image)));
    }
    let root = root.ok_or_else(|| PhotoError::NoRoot(short(image)))?;
    let path = resolve(root, image)?;
    let file = std::fs::File::open(&path).map_err(|_| PhotoError::NotFound(short(image)))?;
    let mut bytes = Vec::new();
    file.take(MAX_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|_| PhotoError::NotFound(short(image)))?;
    if bytes.len() > MAX_BYTES {
        return Err(PhotoError::TooLarge(short(image)));
    }
    Ok(bytes)
}

/// `root/relative`, refusing absolute paths, `..`, and symlinks that lead out of `root`.
fn resolve(root: &Path, relative: &str) -> Result<PathBuf, PhotoError> {
    let rel = Path::new(relative);
    let outside = || PhotoError::OutsideRoot(short(relative));
    if relative.contains('\\')
        || rel
            .components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(outside());
    }
    let root = folder(root)
        .canonicalize()
        .map_err(|_| PhotoError::NotFound(short(relative)))?;
    let path = root
        .join(rel)
        .canonicalize()
        .map_err(|_| PhotoError::NotFound(short(relative)))?;
    if !path.starts_with(&root) {
        return Err(outside());
    }
    Ok(path)
}

/// Decodes with limits, crops the centre square, resizes to `size`, masks it to a circle and
/// encodes a fast PNG. Masking here, once per photo, spares every card an SVG clip path, which
/// resvg draws through a full-canvas mask.
fn prepare(image: &str, bytes: &[u8], size: u32) -> Result<Prepared, PhotoError> {
    let corrupt = |e: &dyn std::fmt::Display| PhotoError::Corrupt(short(image), e.to_string());
    let reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| corrupt(&e))?;
    let (w, h) = reader.into_dimensions().map_err(|e| corrupt(&e))?;
    if w > MAX_SIDE || h > MAX_SIDE {
        return Err(PhotoError::TooManyPixels(short(image), w, h));
    }
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| corrupt(&e))?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let decoded = reader.decode().map_err(|e| corrupt(&e))?.to_rgb8();
    let side = w.min(h);
    let square =
        image::imageops::crop_imm(&decoded, (w - side) / 2, (h - side) / 2, side, side).to_image();
    let sized = if side == size {
        square
    } else {
        image::imageops::resize(&square, size, size, image::imageops::FilterType::Triangle)
    };
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

    #[test]
    fn refuses_paths_out_of_root() {
        let root = std::env::temp_dir();
        for bad in ["../etc/passwd", "/etc/passwd", "a/../../x.png", "..\\x.png"] {
            assert!(
                matches!(resolve(&root, bad), Err(PhotoError::OutsideRoot(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn refuses_symlinks_out_of_root() {
        let dir = std::env::temp_dir().join(format!("cardfarm-photo-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let link = dir.join("escape.png");
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink("/etc/hostname", &link).unwrap();
        let result = resolve(&dir, "escape.png");
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(
            matches!(result, Err(PhotoError::OutsideRoot(_))),
            "{result:?}"
        );
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
        let uri = format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(png)
        );
        assert!(matches!(
            photos.load(None, &uri, 64),
            Err(PhotoError::TooManyPixels(_, w, 2)) if w == MAX_SIDE + 1
        ));
        // A 40 MB payload is refused by its size.
        let huge = format!("data:image/png;base64,{}", "A".repeat(40 << 20));
        assert!(matches!(
            photos.load(None, &huge, 64),
            Err(PhotoError::TooLarge(_))
        ));
        // So is a 40 MB file.
        let dir = std::env::temp_dir().join(format!("cardfarm-big-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("big.jpg"), vec![0u8; 40 << 20]).unwrap();
        let result = photos.load(Some(&dir), "big.jpg", 64);
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(matches!(result, Err(PhotoError::TooLarge(_))), "{result:?}");
    }

    #[test]
    fn decodes_crops_and_resizes() {
        let img = image::RgbImage::from_pixel(40, 20, image::Rgb([200, 10, 10]));
        let png = crate::card::png::encode_rgb(img.as_raw(), 40, 20).unwrap();
        let uri = format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(png)
        );
        let out = Photos::default().load(None, &uri, 16).unwrap();
        let back = image::load_from_memory(&out).unwrap();
        assert_eq!((back.width(), back.height()), (16, 16));
        let rgba = back.to_rgba8();
        assert_eq!(rgba.get_pixel(0, 0)[3], 0, "corners are masked out");
        assert_eq!(rgba.get_pixel(8, 8)[3], 255, "the centre is opaque");
    }
}
