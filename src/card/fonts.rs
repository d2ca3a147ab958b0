//! Fonts: the repository's `fonts/` folder, loaded once, in a fixed order, and shared.
//!
//! Rendering never looks at the machine's fonts, so a card is the same everywhere. Two
//! consumers share the same bytes: usvg gets a [`fontdb::Database`] (for static `<text>` in
//! backgrounds), and our own text layout ([`crate::card::text`]) picks a face per script and weight
//! with [`Fonts::pick`].
//!
//! Faces are ordered by file name, so `Inter…` comes before `Noto…`: the first face that
//! covers a script is its primary face, later ones are fallbacks.

use std::path::Path;
use std::sync::Arc;

use skrifa::raw::TableProvider;
use skrifa::MetadataProvider;

use crate::error::{Error, Result};

/// The broad script classes that choose a face. Scripts that share a face share a class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    /// Latin, Cyrillic, Greek and the rest of the alphabetic scripts Inter and Noto Sans cover.
    Alphabetic,
    Arabic,
    Hebrew,
    Devanagari,
    Thai,
    /// Han, kana, hangul: one CJK face, chosen by language.
    Cjk(CjkLang),
    /// Colour emoji.
    Emoji,
}

/// Which regional CJK face to use; the same ideograph looks different in each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CjkLang {
    Japanese,
    Korean,
    SimplifiedChinese,
}

/// One loaded face.
pub struct Face {
    pub(crate) data: Arc<Vec<u8>>,
    pub(crate) index: u32,
    pub family: String,
    pub weight: u16,
    pub(crate) units_per_em: f32,
    /// Classes this face is a candidate for, from a probe of its character map.
    classes: Vec<Class>,
    coverage: Coverage,
    /// Reusable shaping caches: building one costs more than shaping a name, so threads take
    /// one, shape, and put it back.
    shapers: std::sync::Mutex<Vec<harfrust::ShaperData>>,
}

impl Face {
    /// Whether the face maps this character to a glyph.
    pub fn covers(&self, c: char) -> bool {
        self.coverage.contains(c)
    }

    pub(crate) fn font_ref(&self) -> Option<skrifa::FontRef<'_>> {
        skrifa::FontRef::from_index(&self.data, self.index).ok()
    }

    /// A shaping cache for this face: a pooled one, or a new one.
    pub(crate) fn take_shaper(&self, font: &harfrust::FontRef) -> harfrust::ShaperData {
        let pooled = self.shapers.lock().unwrap_or_else(|e| e.into_inner()).pop();
        pooled.unwrap_or_else(|| harfrust::ShaperData::new(font))
    }

    /// Returns a cache taken with [`Face::take_shaper`].
    pub(crate) fn give_back_shaper(&self, data: harfrust::ShaperData) {
        let mut pool = self.shapers.lock().unwrap_or_else(|e| e.into_inner());
        if pool.len() < 64 {
            pool.push(data);
        }
    }
}

/// All faces from `fonts/`, plus a usvg font database over the same data.
pub struct Fonts {
    faces: Vec<Face>,
    database: Arc<fontdb::Database>,
    /// Every file loaded, by name, in load order: what the database holds.
    files: Vec<(String, Arc<Vec<u8>>)>,
    /// SHA-256 over `files`, made on first use ([`Fonts::digest`]).
    digest: std::sync::OnceLock<[u8; 32]>,
    /// What identifies the files without their bytes ([`Fonts::stamp`]).
    stamp: Option<[u8; 32]>,
}

/// Characters that identify a class when a face maps them.
const PROBES: &[(Class, char)] = &[
    (Class::Alphabetic, 'a'),
    (Class::Arabic, 'ب'),
    (Class::Hebrew, 'ש'),
    (Class::Devanagari, 'क'),
    (Class::Thai, 'ก'),
    (Class::Emoji, '😀'),
];

impl Fonts {
    /// Loads every `.ttf`, `.otf` and `.ttc` file in `dir`, sorted by file name.
    pub fn load(dir: &Path) -> Result<Fonts> {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| Error::Fonts(format!("cannot read font folder {}: {e}", dir.display())))?;
        let mut files: Vec<_> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                    matches!(e.to_ascii_lowercase().as_str(), "ttf" | "otf" | "ttc")
                })
            })
            .collect();
        files.sort();

        let mut database = fontdb::Database::new();
        let mut faces = Vec::new();
        let mut loaded = Vec::with_capacity(files.len());
        let mut stamp = Some(<sha2::Sha256 as sha2::Digest>::new());
        for path in &files {
            // Before the bytes are read: a file changed in between has another stamp by the
            // next load, so the digest remembered for this stamp is never of other bytes.
            stamp = stamp.zip(file_stamp(path)).map(|(mut hash, file)| {
                sha2::Digest::update(&mut hash, file);
                hash
            });
            let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
            let data = Arc::new(bytes);
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            loaded.push((name, data.clone()));
            let ids = database.load_font_source(fontdb::Source::Binary(data.clone()));
            for id in ids {
                let Some(info) = database.face(id) else {
                    continue;
                };
                let family = info
                    .families
                    .first()
                    .map(|(name, _)| name.clone())
                    .unwrap_or_default();
                // Monospaced CJK faces duplicate the proportional ones.
                if family.contains("Mono") {
                    continue;
                }
                let index = info.index;
                let weight = info.weight.0;
                let font = skrifa::FontRef::from_index(&data, index)
                    .map_err(|e| Error::Fonts(format!("{}: {e}", path.display())))?;
                let units_per_em = f32::from(
                    font.head()
                        .map(|h| h.units_per_em())
                        .unwrap_or(1000)
                        .max(16),
                );
                let coverage = Coverage::of(&font);
                let mut classes: Vec<Class> = PROBES
                    .iter()
                    .filter(|(_, c)| coverage.contains(*c))
                    .map(|(class, _)| *class)
                    .collect();
                if coverage.contains('漢') {
                    let lang = if family.ends_with(" KR") {
                        CjkLang::Korean
                    } else if family.ends_with(" SC") {
                        CjkLang::SimplifiedChinese
                    } else if family.ends_with(" JP") {
                        CjkLang::Japanese
                    } else {
                        // A CJK face of another region serves none of ours first.
                        CjkLang::SimplifiedChinese
                    };
                    classes.push(Class::Cjk(lang));
                    // A CJK face carries Latin too, but our Latin faces come first.
                    classes.retain(|c| *c != Class::Alphabetic);
                }
                if classes.contains(&Class::Emoji) {
                    // The emoji font maps digits and `#` for keycaps; it is never a text face.
                    classes.retain(|c| *c == Class::Emoji);
                }
                faces.push(Face {
                    data: data.clone(),
                    index,
                    family,
                    weight,
                    units_per_em,
                    classes,
                    coverage,
                    shapers: Default::default(),
                });
            }
        }
        if faces.is_empty() {
            return Err(Error::Fonts(format!(
                "no .ttf, .otf or .ttc font in {}",
                dir.display()
            )));
        }
        if !faces.iter().any(|f| f.classes.contains(&Class::Alphabetic)) {
            return Err(Error::Fonts(format!(
                "no font in {} covers Latin text",
                dir.display()
            )));
        }
        Ok(Fonts {
            faces,
            database: Arc::new(database),
            files: loaded,
            digest: std::sync::OnceLock::new(),
            stamp: stamp.map(|hash| sha2::Digest::finalize(hash).into()),
        })
    }

    /// What identifies the font files as loaded without reading their bytes: a SHA-256 over
    /// each file's absolute path, size, modification and status-change times (to the
    /// nanosecond) and inode. Writing a file changes its status-change time, which no program
    /// can set back, so a file with the same stamp holds the same bytes. `None` when a file's
    /// metadata could not be read. The background cache remembers [`digest`](Self::digest)
    /// under it, so a process need not hash the fonts' 50 MB again.
    pub fn stamp(&self) -> Option<[u8; 32]> {
        self.stamp
    }

    /// Takes `digest` as [`digest`](Self::digest), remembered for this [`stamp`](Self::stamp),
    /// unless it was made already.
    pub fn remember_digest(&self, digest: [u8; 32]) {
        let _ = self.digest.set(digest);
    }

    /// Whether [`digest`](Self::digest) was made (or remembered) already.
    pub fn has_digest(&self) -> bool {
        self.digest.get().is_some()
    }

    /// A SHA-256 over every font file's name and bytes, in load order: what usvg can draw
    /// static `<text>` with. Made on first use (tens of milliseconds for the bundled fonts)
    /// and kept; the background cache keys a background that has `<text>` on it.
    pub fn digest(&self) -> [u8; 32] {
        *self.digest.get_or_init(|| {
            use sha2::Digest;
            let mut hash = sha2::Sha256::new();
            for (name, bytes) in &self.files {
                hash.update((name.len() as u64).to_le_bytes());
                hash.update(name.as_bytes());
                hash.update((bytes.len() as u64).to_le_bytes());
                hash.update(bytes.as_slice());
            }
            hash.finalize().into()
        })
    }

    /// The database usvg renders static `<text>` with: the same faces, no system fonts.
    pub fn database(&self) -> Arc<fontdb::Database> {
        self.database.clone()
    }

    pub fn faces(&self) -> &[Face] {
        &self.faces
    }

    pub(crate) fn face(&self, id: FaceId) -> &Face {
        &self.faces[id.0]
    }

    /// The face for a cluster of characters of `class` at `weight`: the nearest weight among
    /// the faces of that class that cover every character; failing that, any face that covers
    /// them; failing that, the class's primary face (which draws its `.notdef` box).
    pub fn pick(&self, class: Class, weight: u16, cluster: &str) -> FaceId {
        let needed = || cluster.chars().filter(|c| !is_default_ignorable(*c));
        let covers = |f: &Face| needed().all(|c| f.covers(c));
        let by_weight = |a: &(usize, &Face), b: &(usize, &Face)| {
            weight_distance(a.1.weight, weight).cmp(&weight_distance(b.1.weight, weight))
        };
        let mut of_class: Vec<(usize, &Face)> = self
            .faces
            .iter()
            .enumerate()
            .filter(|(_, f)| f.classes.contains(&class))
            .collect();
        // Stable sort: among equal weights the earlier file wins.
        of_class.sort_by(by_weight);
        if let Some((i, _)) = of_class.iter().find(|(_, f)| covers(f)) {
            return FaceId(*i);
        }
        let mut any: Vec<(usize, &Face)> = self
            .faces
            .iter()
            .enumerate()
            .filter(|(_, f)| !f.classes.contains(&Class::Emoji) && covers(f))
            .collect();
        any.sort_by(by_weight);
        if let Some((i, _)) = any.first() {
            return FaceId(*i);
        }
        if let Some((i, _)) = of_class.first() {
            return FaceId(*i);
        }
        self.pick(Class::Alphabetic, weight, "")
    }

    /// Whether any non-emoji face covers `c`.
    pub fn text_covers(&self, c: char) -> bool {
        self.faces
            .iter()
            .any(|f| !f.classes.contains(&Class::Emoji) && f.covers(c))
    }

    /// Whether an emoji face is loaded.
    pub fn has_emoji(&self) -> bool {
        self.faces.iter().any(|f| f.classes.contains(&Class::Emoji))
    }
}

/// One font file's part of [`Fonts::stamp`].
fn file_stamp(path: &Path) -> Option<Vec<u8>> {
    let absolute = std::fs::canonicalize(path).ok()?;
    let meta = std::fs::metadata(&absolute).ok()?;
    let nanos = |t: std::io::Result<std::time::SystemTime>| {
        t.ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_nanos())
    };
    let mut stamp = absolute.to_string_lossy().into_owned().into_bytes();
    stamp.push(0);
    stamp.extend_from_slice(&meta.len().to_le_bytes());
    stamp.extend_from_slice(&nanos(meta.modified())?.to_le_bytes());
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        stamp.extend_from_slice(&meta.ctime().to_le_bytes());
        stamp.extend_from_slice(&meta.ctime_nsec().to_le_bytes());
        stamp.extend_from_slice(&meta.ino().to_le_bytes());
        stamp.extend_from_slice(&meta.dev().to_le_bytes());
    }
    Some(stamp)
}

/// Index into [`Fonts::faces`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FaceId(pub(crate) usize);

fn weight_distance(have: u16, want: u16) -> u32 {
    // Prefer heavier over lighter at the same distance: bold text should stay bold.
    let d = u32::from(have.abs_diff(want)) * 2;
    if have < want {
        d + 1
    } else {
        d
    }
}

/// Characters that take no glyph of their own (joiners, variation selectors, marks of
/// direction); a face need not map them to serve a cluster.
pub(crate) fn is_default_ignorable(c: char) -> bool {
    matches!(c as u32,
        0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x2069 | 0xFE00..=0xFE0F
        | 0xE0000..=0xE0FFF | 0x00AD | 0x034F | 0x061C)
}

/// Which characters a face maps: one bit per Unicode scalar value.
struct Coverage(Vec<u64>);

impl Coverage {
    fn of(font: &skrifa::FontRef) -> Coverage {
        let mut bits = vec![0u64; 0x110000 / 64];
        for (cp, _) in font.charmap().mappings() {
            if let Some(word) = bits.get_mut(cp as usize / 64) {
                *word |= 1 << (cp % 64);
            }
        }
        Coverage(bits)
    }

    fn contains(&self, c: char) -> bool {
        let cp = c as usize;
        self.0
            .get(cp / 64)
            .is_some_and(|word| word & (1 << (cp % 64)) != 0)
    }
}
