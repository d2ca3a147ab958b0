//! Fingerprint: a card's content hash, computed without rendering it.
//!
//! Caches and validators (the server's ETag, the farm's "already rendered" check) need to
//! know whether a card would come out the same, for a fraction of what a render costs. The
//! fingerprint is SHA-256 over everything that decides the pixels: the crate version, the
//! template's name and `version`, the message catalogs, the format, the stats as canonical
//! JSON (their `locale` with them), and the bytes of
//! every photo the card draws. Photos are hashed, never decoded; a file already seen costs a
//! `stat` (see [`Photos`](crate::card::photo::Photos)). A photo that cannot be read hashes as
//! its error, so when it is fixed the fingerprint changes and the card is drawn again.
//!
//! It does not cover where the stats came from (posted or stored, with which folder): a
//! front end that mixes those adds it itself.

use sha2::{Digest, Sha256};

use crate::card::render::{Renderer, Source};
use crate::error::{Error, Result};

/// A card's content hash: SHA-256 over everything that decides its pixels. Equal
/// fingerprints mean identical PNG bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub [u8; 32]);

impl Fingerprint {
    /// 64 lowercase hex characters.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// The fingerprint that [`to_hex`](Self::to_hex) wrote; `None` for anything else.
    pub fn from_hex(s: &str) -> Option<Fingerprint> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(s, &mut out).ok()?;
        Some(Fingerprint(out))
    }
}

impl std::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// Feeds `bytes` with its length first, so that no two sequences of fields hash alike.
fn field(hash: &mut Sha256, bytes: &[u8]) {
    hash.update((bytes.len() as u64).to_le_bytes());
    hash.update(bytes);
}

impl Renderer {
    /// Covers: the crate version, the template's name and `version`, the format, the stats
    /// (their canonical JSON, as `serde_json::to_vec(&Stats)` writes it), and for every photo
    /// the card would draw, the photo's bytes (a hash of the file's content, or of the data:
    /// URI's decoded bytes); a photo that cannot be read or decoded hashes as its error
    /// text, so fixing the photo changes the fingerprint and the card is drawn again.
    ///
    /// Fails only for an unknown template or format.
    pub fn fingerprint(&self, source: Source, template: &str, format: &str) -> Result<Fingerprint> {
        let (t, f) = self.templates().get(template, format)?;
        let mut hash = Sha256::new();
        field(&mut hash, b"cardfarm card");
        field(&mut hash, env!("CARGO_PKG_VERSION").as_bytes());
        field(&mut hash, t.name.as_bytes());
        hash.update(t.version.to_le_bytes());
        // The words: a catalog edit redraws the cards it changes.
        hash.update(self.templates().catalogs().digest());
        field(&mut hash, f.name.as_bytes());
        let stats = serde_json::to_vec(source.stats).map_err(|e| Error::InvalidStats {
            path: "(root)".into(),
            message: e.to_string(),
        })?;
        field(&mut hash, &stats);
        for artist in source.stats.top_artists.iter().take(f.photos) {
            match artist.image.as_deref() {
                None => hash.update([0]),
                Some(image) => match self.photos().content_hash(source.root, image) {
                    Ok(content) => {
                        hash.update([1]);
                        hash.update(content);
                    }
                    Err(e) => {
                        hash.update([2]);
                        field(&mut hash, e.to_string().as_bytes());
                    }
                },
            }
        }
        Ok(Fingerprint(hash.finalize().into()))
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};
    use std::sync::{Arc, OnceLock};

    use super::*;
    use crate::card::model::Stats;

    fn repo() -> &'static Path {
        Path::new(env!("CARGO_MANIFEST_DIR"))
    }

    fn renderer() -> &'static Renderer {
        static R: OnceLock<Renderer> = OnceLock::new();
        R.get_or_init(|| Renderer::load(&repo().join("templates"), &repo().join("fonts")).unwrap())
    }

    fn typical() -> Stats {
        let path = repo().join("tests/fixtures/typical.json");
        Stats::from_json(&std::fs::read_to_string(&path).unwrap(), "typical").unwrap()
    }

    /// A folder with a copy of the fixture photos, removed when dropped.
    struct Folder(PathBuf);

    impl Folder {
        fn new() -> Folder {
            static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let dir = std::env::temp_dir().join(format!("cardfarm-fp-{}-{n}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(dir.join("photos")).unwrap();
            for e in std::fs::read_dir(repo().join("tests/fixtures/photos")).unwrap() {
                let e = e.unwrap();
                std::fs::copy(e.path(), dir.join("photos").join(e.file_name())).unwrap();
            }
            Folder(dir)
        }
    }

    impl Drop for Folder {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn of(stats: &Stats, root: Option<&Path>, template: &str, format: &str) -> Fingerprint {
        renderer()
            .fingerprint(Source { stats, root }, template, format)
            .unwrap()
    }

    #[test]
    fn hex_round_trips() {
        let fp = of(&typical(), None, "minutes", "story");
        let hex = fp.to_hex();
        assert_eq!(hex.len(), 64);
        assert!(
            hex.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')),
            "{hex}"
        );
        assert_eq!(fp.to_string(), hex);
        assert_eq!(Fingerprint::from_hex(&hex), Some(fp));
        assert_eq!(Fingerprint::from_hex(&hex[..62]), None);
        assert_eq!(Fingerprint::from_hex(&format!("{}zz", &hex[..62])), None);
    }

    #[test]
    fn equal_for_the_same_inputs_and_changes_with_each_of_them() {
        let folder = Folder::new();
        let root = Some(folder.0.as_path());
        let stats = typical();
        let base = of(&stats, root, "top-artists", "story");
        assert_eq!(base, of(&stats.clone(), root, "top-artists", "story"));

        let mut more = stats.clone();
        more.minutes_listened.0 += 1;
        assert_ne!(base, of(&more, root, "top-artists", "story"), "stats");
        assert_ne!(
            of(&stats, root, "summary", "story"),
            of(&stats, root, "summary", "square"),
            "format"
        );
        assert_ne!(base, of(&stats, root, "top-songs", "story"), "template");
    }

    #[test]
    fn changes_with_the_template_version() {
        let dir = std::env::temp_dir().join(format!("cardfarm-fp-tpl-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let copy = |version: u32| {
            let t = dir.join(format!("v{version}"));
            std::fs::create_dir_all(t.join("minutes")).unwrap();
            for e in std::fs::read_dir(repo().join("templates/minutes")).unwrap() {
                let e = e.unwrap();
                std::fs::copy(e.path(), t.join("minutes").join(e.file_name())).unwrap();
            }
            let manifest = t.join("minutes/template.toml");
            let text = std::fs::read_to_string(&manifest).unwrap();
            let text: String = text
                .lines()
                .map(|l| {
                    if l.starts_with("version") {
                        format!("version = {version}")
                    } else {
                        l.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join("\n");
            std::fs::write(&manifest, text).unwrap();
            let partials = repo().join("templates/_partials");
            if partials.exists() {
                std::fs::create_dir_all(t.join("_partials")).unwrap();
                for e in std::fs::read_dir(partials).unwrap() {
                    let e = e.unwrap();
                    std::fs::copy(e.path(), t.join("_partials").join(e.file_name())).unwrap();
                }
            }
            let fonts = renderer().fonts().clone();
            let templates = crate::card::template::Templates::load(&t, fonts.clone()).unwrap();
            Renderer::new(Arc::clone(&fonts), templates)
        };
        let (one, two) = (copy(101), copy(102));
        std::fs::remove_dir_all(&dir).unwrap();
        let stats = typical();
        let source = Source {
            stats: &stats,
            root: None,
        };
        assert_ne!(
            one.fingerprint(source, "minutes", "story").unwrap(),
            two.fingerprint(source, "minutes", "story").unwrap()
        );
    }

    #[test]
    fn changes_with_a_photos_bytes_and_when_a_missing_photo_is_fixed() {
        let folder = Folder::new();
        let root = Some(folder.0.as_path());
        let stats = typical();
        let image = stats.top_artists[0]
            .image
            .clone()
            .expect("typical has a #1 photo");
        let file = folder.0.join(&image);
        let base = of(&stats, root, "top-artists", "story");

        // Other bytes at the same path: another card.
        let other = std::fs::read(folder.0.join("photos/neon-bunny.jpg")).unwrap();
        let original = std::fs::read(&file).unwrap();
        assert_ne!(other, original);
        std::fs::write(&file, &other).unwrap();
        let replaced = of(&stats, root, "top-artists", "story");
        assert_ne!(base, replaced, "replaced photo");

        // Missing, then fixed: two different cards.
        std::fs::remove_file(&file).unwrap();
        let missing = of(&stats, root, "top-artists", "story");
        std::fs::write(&file, &original).unwrap();
        let fixed = of(&stats, root, "top-artists", "story");
        assert_ne!(missing, fixed, "a missing photo and the same photo fixed");
        assert_eq!(fixed, base, "the same bytes again: the same card");

        // A template that draws no photo does not look at them.
        let no_photo = of(&stats, root, "minutes", "story");
        std::fs::remove_file(&file).unwrap();
        assert_eq!(no_photo, of(&stats, root, "minutes", "story"));
    }

    #[test]
    fn a_data_uri_hashes_its_decoded_bytes() {
        use base64::Engine;
        let mut stats = typical();
        let png = std::fs::read(repo().join("tests/fixtures/photos/aurora-vale.jpg")).unwrap();
        let b64 = base64::engine::general_purpose::STANDARD.encode(&png);
        stats.top_artists[0].image = Some(format!("data:image/jpeg;base64,{b64}"));
        let a = of(&stats, None, "top-artists", "story");
        let mut other = png.clone();
        other.push(0);
        let b64 = base64::engine::general_purpose::STANDARD.encode(&other);
        stats.top_artists[0].image = Some(format!("data:image/jpeg;base64,{b64}"));
        assert_ne!(a, of(&stats, None, "top-artists", "story"));
    }
}
