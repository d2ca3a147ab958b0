//! What the integration tests share, so each piece exists once: the repository's paths, one
//! renderer, scratch folders, the sample data, and polling. Beside it:
//!
//! - [`process`]: the `cardfarm` binary as a command, and child processes that die with the
//!   test.
//! - [`net`]: free loopback ports and plain HTTP/1.1 requests over a socket.
//! - [`services`]: PostgreSQL, NATS JetStream and moto on loopback. A test that cannot reach
//!   one fails at once, in one line naming the service, its address and how to start it.
//! - [`app`]: the HTTP server through its router, no socket: requests, answers, the stores'
//!   shared checks.
//! - [`farm`]: the render farm: engines, draining a queue, dead letters, written keys.
//! - [`studio`]: the designers' studio over a scratch copy of the templates, through its router.
//!
//! Every test binary declares `mod common;` and uses only part of it, hence the allow below.

#![allow(dead_code)]

pub mod app;
pub mod farm;
pub mod net;
pub mod process;
pub mod services;
pub mod studio;

use std::ffi::OsStr;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use cardfarm::farm::dataset::Dataset;
use cardfarm::{Renderer, Stats};

/// The bundled templates (`templates/`), by name.
pub const TEMPLATES: &[&str] = &[
    "minutes",
    "top-artists",
    "top-songs",
    "top-genres",
    "listening-clock",
    "summary",
];

/// The locales cards launch in: each has a catalog under `templates/_locales/`.
pub const LOCALES: &[&str] = cardfarm::golden::LAUNCH_LOCALES;

/// The repository root: templates, fonts, data, fixtures and goldens are found from here.
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/fixtures`: the edge-case stats and the photos they name.
pub fn fixtures() -> PathBuf {
    repo().join("tests/fixtures")
}

/// One renderer over the bundled templates and fonts for the whole test binary: loading the
/// fonts is the slow part, and the caches it fills are what every front end shares too.
pub fn renderer() -> &'static Arc<Renderer> {
    static RENDERER: OnceLock<Arc<Renderer>> = OnceLock::new();
    RENDERER.get_or_init(|| {
        Arc::new(
            Renderer::load(&repo().join("templates"), &repo().join("fonts"))
                .expect("templates and fonts load"),
        )
    })
}

/// A name no other test of this run, nor a parallel run, uses: `cftest_<tag>_<pid>_<n>_<ns>`.
/// Stream and schema names are made from it, so `tag` is letters, digits and `_` there.
pub fn unique(tag: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "cftest_{tag}_{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        nanos % 1_000_000_000
    )
}

/// A fresh folder under the system's temp dir, removed with everything in it when dropped,
/// also when the test failed. It stands for its path (`&dir`, `dir.join(..)`).
#[derive(Debug)]
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(unique(tag));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        // A test may have replaced the folder with a file (a sink that cannot write).
        if std::fs::remove_dir_all(&self.0).is_err() {
            let _ = std::fs::remove_file(&self.0);
        }
    }
}

/// A file path under the system's temp dir (not created), removed when dropped.
#[derive(Debug)]
pub struct TempFile(PathBuf);

impl TempFile {
    pub fn new(tag: &str, extension: &str) -> TempFile {
        TempFile(std::env::temp_dir().join(format!("{}.{extension}", unique(tag))))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

macro_rules! stands_for_its_path {
    ($t:ty) => {
        impl Deref for $t {
            type Target = Path;
            fn deref(&self) -> &Path {
                &self.0
            }
        }
        impl AsRef<Path> for $t {
            fn as_ref(&self) -> &Path {
                &self.0
            }
        }
        impl AsRef<OsStr> for $t {
            fn as_ref(&self) -> &OsStr {
                self.0.as_os_str()
            }
        }
    };
}
stands_for_its_path!(TempDir);
stands_for_its_path!(TempFile);

/// The bundled sample dataset (`data/sample.jsonl`, 98 users, `demo` among them).
pub fn sample() -> Dataset {
    Dataset::open(&repo().join("data/sample.jsonl")).unwrap()
}

/// Makes ready the backgrounds `cards` (template, format, locale) need, all at once and on
/// every core ([`Renderer::warm_cards`]): a test that renders many locales' cards one by one
/// would otherwise draw each background on one core, in turn. The pixels are the same.
pub fn warm(renderer: &Renderer, cards: impl IntoIterator<Item = (String, String, String)>) {
    use std::collections::{BTreeMap, BTreeSet};
    let mut locales: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for (template, format, locale) in cards {
        locales
            .entry((template, format))
            .or_default()
            .insert(locale);
    }
    // One call per set of locales, so each call shares out cards × locales.
    let mut by_set: BTreeMap<Vec<String>, Vec<(String, String)>> = BTreeMap::new();
    for (card, set) in locales {
        by_set
            .entry(set.into_iter().collect())
            .or_default()
            .push(card);
    }
    for (set, cards) in by_set {
        renderer
            .warm_cards(&cards, &set)
            .unwrap_or_else(|e| panic!("backgrounds of {cards:?} in {set:?}: {e}"));
    }
}

/// [`warm`] for every golden case, each in its locale (the case's, else its fixture's).
pub fn warm_golden_cases(renderer: &Renderer) {
    let cards = cardfarm::golden::cases(renderer.templates())
        .into_iter()
        .map(|case| {
            let locale = case
                .locale
                .clone()
                .unwrap_or_else(|| fixture(&case.fixture).locale().to_string());
            (case.template, case.format, locale)
        });
    warm(renderer, cards);
}

/// The first `n` users of the sample.
pub fn sample_users(n: usize) -> Vec<Stats> {
    sample()
        .users()
        .unwrap()
        .map(Result::unwrap)
        .take(n)
        .collect()
}

/// Every user of the sample.
pub fn all_sample_users() -> Vec<Stats> {
    sample().users().unwrap().map(Result::unwrap).collect()
}

/// The sample's showcase user.
pub fn demo_stats() -> Stats {
    sample().find("demo").unwrap()
}

/// A dataset file of the first `n` sample users (removed when dropped), and those users.
pub fn small_dataset(n: usize) -> (TempFile, Vec<Stats>) {
    let users = sample_users(n);
    let file = TempFile::new("data", "jsonl");
    let lines: Vec<String> = users
        .iter()
        .map(|u| serde_json::to_string(u).unwrap())
        .collect();
    std::fs::write(&file, lines.join("\n")).unwrap();
    (file, users)
}

/// The text of `tests/fixtures/<name>.json`.
pub fn fixture_json(name: &str) -> String {
    let path = fixtures().join(format!("{name}.json"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `tests/fixtures/<name>.json`, parsed and validated.
pub fn fixture(name: &str) -> Stats {
    let path = fixtures().join(format!("{name}.json"));
    Stats::from_json(&fixture_json(name), &path.display().to_string())
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The typical fixture user's stats, as a client would post them.
pub fn typical_json() -> String {
    fixture_json("typical")
}

/// Width and height of an encoded image.
pub fn png_size(bytes: &[u8]) -> (u32, u32) {
    let img = image::load_from_memory(bytes).expect("a PNG");
    (img.width(), img.height())
}

/// An encoded image's decoded RGBA pixels: what two encodings of one card must agree on.
pub fn pixels(bytes: &[u8]) -> Vec<u8> {
    cardfarm::golden::decode(bytes).expect("decodes").rgba
}

/// Polls `check` every 100 ms until it holds or `limit` has passed; whether it held.
pub fn eventually(limit: Duration, mut check: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    loop {
        if check() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Polls until `check` holds; fails naming `what` once `limit` has passed.
pub fn wait_for(what: &str, limit: Duration, check: impl FnMut() -> bool) {
    assert!(eventually(limit, check), "timed out waiting for {what}");
}

/// Writes a zip of `(name, bytes)` entries, deflated, as the exports' zips are.
pub fn zip(path: &Path, entries: &[(&str, &[u8])]) {
    use std::io::Write as _;
    let file = std::fs::File::create(path).unwrap();
    let mut z = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        z.start_file(*name, options).unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap();
}
