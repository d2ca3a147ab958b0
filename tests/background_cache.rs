//! The background cache on disk: a cached background is the fresh raster's pixels, an edited
//! template or another font misses, a corrupt or truncated file is made again and never drawn,
//! read-only mode writes nothing, several renderers may share a folder, and the commands make
//! ready only the backgrounds their plan needs.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use cardfarm::card::backdrop::cache::{Cache, Counts, Mode};
use cardfarm::card::backdrop::Snapshots;
use cardfarm::{Renderer, Source, Stats};
use common::process::{cardfarm, stderr};
use common::{fixture, fixtures, repo, TempDir};

/// A renderer over `templates` and `fonts` with a cache in `dir`.
fn cached(templates: &Path, fonts: &Path, dir: &Path, mode: Mode) -> Renderer {
    Renderer::load(templates, fonts)
        .expect("templates and fonts load")
        .with_cache(Some(Arc::new(Cache::new(dir, mode))))
}

fn bundled(dir: &Path, mode: Mode) -> Renderer {
    cached(&repo().join("templates"), &repo().join("fonts"), dir, mode)
}

fn counts(renderer: &Renderer) -> Counts {
    renderer.cache().expect("a cache").counts()
}

/// The `.bg` files of a cache folder, sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir.join("backgrounds")) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "bg"))
        .collect();
    files.sort();
    files
}

/// Everything under a folder, for "nothing was written" checks.
fn everything(dir: &Path) -> Vec<PathBuf> {
    let mut all = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries {
            let path = e.unwrap().path();
            if path.is_dir() {
                stack.push(path.clone());
            }
            all.push(path);
        }
    }
    all.sort();
    all
}

/// The top-artists story card of the typical fixture.
fn card(renderer: &Renderer) -> Vec<u8> {
    let stats = fixture("typical");
    let root = fixtures();
    let source = Source {
        stats: &stats,
        root: Some(&root),
    };
    renderer
        .render(source, "top-artists", "story")
        .expect("the card renders")
        .png
        .0
}

/// The background of `template`/`format` in `locale` as the renderer has it: an empty layer
/// drawn over it leaves its pixels as they are.
fn background_pixels(renderer: &Renderer, template: &str, format: &str, locale: &str) -> Vec<u8> {
    let (t, f) = renderer.templates().get(template, format).unwrap();
    let empty = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}"/>"#,
        f.width, f.height
    );
    let layer = usvg::Tree::from_str(&empty, &usvg::Options::default()).unwrap();
    renderer
        .rasterize(t, f, locale, &layer)
        .unwrap()
        .data()
        .to_vec()
}

#[test]
fn a_cached_background_has_the_pixels_of_a_fresh_raster_and_the_card_the_same_bytes() {
    let dir = TempDir::new("bgcache_same");
    let fresh = Renderer::load(&repo().join("templates"), &repo().join("fonts")).unwrap();
    let writer = bundled(&dir, Mode::ReadWrite);
    let expected = card(&fresh);
    assert_eq!(card(&writer), expected);
    assert_eq!(writer.backgrounds_drawn(), 1);
    assert_eq!(counts(&writer).written, 1);
    assert_eq!(files(&dir).len(), 1);

    for locale in ["en", "ar"] {
        let reader = bundled(&dir, Mode::ReadWrite);
        let from_cache = background_pixels(&reader, "top-artists", "story", locale);
        let raster = background_pixels(&fresh, "top-artists", "story", locale);
        assert!(
            from_cache == raster,
            "{locale}: the cached background's pixels differ from a fresh raster"
        );
        // English was cached by the first renderer; Arabic (mirrored, its own words) is
        // another background, drawn and kept by this one.
        let hit = locale == "en";
        assert_eq!(counts(&reader).hits, u64::from(hit), "{locale}");
        assert_eq!(reader.backgrounds_drawn(), u64::from(!hit), "{locale}");
    }
    assert_eq!(files(&dir).len(), 2);

    // A card over a cached background is the same bytes, bands and all.
    let reader = bundled(&dir, Mode::ReadWrite);
    assert_eq!(card(&reader), expected);
    assert_eq!(reader.backgrounds_drawn(), 0);
    assert_eq!(counts(&reader).hits, 1);
}

#[test]
fn a_studio_renderer_draws_through_snapshots_and_caches_the_bands_afterwards() {
    let dir = TempDir::new("bgcache_studio");
    let fresh = Renderer::load(&repo().join("templates"), &repo().join("fonts")).unwrap();
    let expected = common::pixels(&card(&fresh));
    let snapshots = Arc::new(Snapshots::new(1 << 30));
    let studio = bundled(&dir, Mode::ReadWrite).with_snapshots(Some(snapshots.clone()));
    // The card is encoded whole, over the background drawn node by node: the same pixels.
    let png = card(&studio);
    assert!(common::pixels(&png) == expected, "other pixels");
    assert_eq!(studio.backgrounds_drawn(), 1);
    assert!(
        snapshots.usage().0 >= 4,
        "one canvas after each of the four glows"
    );
    // The background's file is written afterwards, on the snapshots' thread.
    assert!(
        common::eventually(Duration::from_secs(60), || snapshots.pending() == 0),
        "the bands were never made"
    );
    assert_eq!(counts(&studio).written, 1);
    let reader = bundled(&dir, Mode::ReadWrite);
    assert_eq!(card(&reader), card(&fresh), "a card over the studio's file");
    assert_eq!(reader.backgrounds_drawn(), 0);

    // A studio that finds the background in the cache draws its snapshots there, to resume
    // from on the first edit.
    let later = Arc::new(Snapshots::new(1 << 30));
    let studio = bundled(&dir, Mode::ReadWrite).with_snapshots(Some(later.clone()));
    assert_eq!(card(&studio), card(&fresh), "a cache hit keeps its bands");
    assert_eq!(studio.backgrounds_drawn(), 0);
    assert!(common::eventually(Duration::from_secs(60), || later
        .pending()
        == 0));
    assert!(later.usage().0 >= 4, "{:?}", later.usage());
}

#[test]
fn an_edited_background_misses_and_the_edit_undone_hits_again() {
    let dir = TempDir::new("bgcache_edit");
    let templates = dir.join("templates");
    common::studio::copy_dir(&repo().join("templates"), &templates);
    let cache = dir.join("cache");
    let fonts = repo().join("fonts");
    let renderer = cached(&templates, &fonts, &cache, Mode::ReadWrite);
    let original = card(&renderer);
    assert_eq!(renderer.backgrounds_drawn(), 1);

    let file = templates.join("top-artists/story-bg.svg");
    let svg = std::fs::read_to_string(&file).unwrap();
    let edited = svg.replacen("<rect", "<rect opacity=\"0.5\"", 1);
    assert_ne!(edited, svg, "the background has a <rect> to edit");
    std::fs::write(&file, &edited).unwrap();
    let renderer = cached(&templates, &fonts, &cache, Mode::ReadWrite);
    let changed = card(&renderer);
    assert_eq!(
        renderer.backgrounds_drawn(),
        1,
        "an edited background is drawn"
    );
    assert_eq!(counts(&renderer).hits, 0);
    assert_ne!(changed, original, "the edit shows on the card");
    assert_eq!(files(&cache).len(), 2);

    std::fs::write(&file, &svg).unwrap();
    let renderer = cached(&templates, &fonts, &cache, Mode::ReadWrite);
    assert_eq!(card(&renderer), original);
    assert_eq!(
        renderer.backgrounds_drawn(),
        0,
        "the original is in the cache"
    );
}

/// A template of one tiny format whose background is `background`, in a folder of its own.
fn tiny_template(dir: &Path, background: &str) -> PathBuf {
    let root = dir.join("templates");
    let t = root.join("tiny");
    std::fs::create_dir_all(&t).unwrap();
    std::fs::write(
        t.join("template.toml"),
        "description = \"tiny\"\nversion = 1\n[formats.story]\nwidth = 64\nheight = 64\n\
         background = \"story-bg.svg\"\nlayer = \"story.svg.hbs\"\n",
    )
    .unwrap();
    std::fs::write(t.join("story-bg.svg"), background).unwrap();
    std::fs::write(
        t.join("story.svg.hbs"),
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><circle cx="32" cy="32" r="8" fill="#fff"/></svg>"##,
    )
    .unwrap();
    root
}

/// A font folder holding only `names` from the bundled fonts.
fn font_dir(dir: &Path, tag: &str, names: &[&str]) -> PathBuf {
    let fonts = dir.join(tag);
    std::fs::create_dir_all(&fonts).unwrap();
    for name in names {
        std::fs::copy(repo().join("fonts").join(name), fonts.join(name)).unwrap();
    }
    fonts
}

fn tiny_card(renderer: &Renderer) -> Vec<u8> {
    let stats: Stats = fixture("typical");
    let source = Source {
        stats: &stats,
        root: None,
    };
    renderer.render(source, "tiny", "story").unwrap().png.0
}

#[test]
fn other_fonts_miss_when_the_background_draws_text_and_hit_when_it_draws_none() {
    let dir = TempDir::new("bgcache_fonts");
    let regular = font_dir(&dir, "regular", &["Inter-Regular.otf"]);
    let bold = font_dir(&dir, "bold", &["Inter-Bold.otf"]);
    let with_text = r##"<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="#224"/><text x="4" y="40" font-family="Inter" font-size="30" fill="#fff">Ag</text></svg>"##;
    let without = r##"<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="#224"/><path d="M4 40h50" stroke="#fff"/></svg>"##;
    for (background, uses_fonts) in [(with_text, true), (without, false)] {
        let case = TempDir::new("bgcache_fonts_case");
        let templates = tiny_template(&case, background);
        let cache = case.join("cache");
        let first = cached(&templates, &regular, &cache, Mode::ReadWrite);
        let a = tiny_card(&first);
        assert_eq!(first.backgrounds_drawn(), 1);
        let second = cached(&templates, &bold, &cache, Mode::ReadWrite);
        let b = tiny_card(&second);
        if uses_fonts {
            assert_eq!(second.backgrounds_drawn(), 1, "another font is another key");
            assert_ne!(a, b, "the text is drawn in the other font");
            assert_eq!(files(&cache).len(), 2);
        } else {
            assert_eq!(
                second.backgrounds_drawn(),
                0,
                "no text: the fonts are not in the key"
            );
            assert_eq!(a, b);
            assert_eq!(files(&cache).len(), 1);
        }
    }
}

#[test]
fn a_corrupt_truncated_or_misplaced_file_is_made_again_and_never_drawn() {
    let dir = TempDir::new("bgcache_corrupt");
    let expected = card(&bundled(&dir, Mode::ReadWrite));
    let [good] = files(&dir).try_into().expect("one cached background");
    let bytes = std::fs::read(&good).unwrap();
    // Another background's file (the Arabic one) under this one's name.
    let other = {
        let scratch = TempDir::new("bgcache_corrupt_other");
        let r = bundled(&scratch, Mode::ReadWrite);
        background_pixels(&r, "top-artists", "story", "ar");
        std::fs::read(&files(&scratch)[0]).unwrap()
    };
    let mid = bytes.len() / 2;
    let mut flipped = bytes.clone();
    flipped[mid] ^= 0x40;
    let mut bad_header = bytes.clone();
    bad_header[..8].copy_from_slice(b"NOTACARD");
    let mut other_version = bytes.clone();
    other_version[8] = other_version[8].wrapping_add(1);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("truncated to its header", bytes[..40].to_vec()),
        ("truncated in the middle", bytes[..mid].to_vec()),
        ("one bit flipped", flipped),
        ("not a cache file", bad_header),
        ("another format version", other_version),
        ("another background", other),
        ("one byte too many", [bytes.as_slice(), &[0]].concat()),
    ];
    for (what, corrupt) in cases {
        std::fs::write(&good, &corrupt).unwrap();
        let renderer = bundled(&dir, Mode::ReadWrite);
        assert_eq!(card(&renderer), expected, "{what}: the card is right");
        let c = counts(&renderer);
        assert_eq!((c.hits, c.rejected), (0, 1), "{what}: {c:?}");
        assert_eq!(renderer.backgrounds_drawn(), 1, "{what}: drawn again");
        assert_eq!(
            std::fs::read(&good).unwrap(),
            bytes,
            "{what}: the file is made again"
        );
    }
    // No temporary file is left behind.
    assert_eq!(everything(&dir.join("backgrounds")), vec![good]);
}

#[test]
fn read_only_mode_never_writes_not_even_over_a_corrupt_file() {
    let dir = TempDir::new("bgcache_ro");
    let cache = dir.join("cache");
    let expected = card(&Renderer::load(&repo().join("templates"), &repo().join("fonts")).unwrap());

    // An empty (missing) folder stays missing.
    let renderer = bundled(&cache, Mode::ReadOnly);
    assert_eq!(card(&renderer), expected);
    assert_eq!(renderer.backgrounds_drawn(), 1);
    assert_eq!(counts(&renderer).written, 0);
    assert!(
        !cache.exists(),
        "read-only mode created {}",
        cache.display()
    );

    // A filled one is read, and a corrupt file in it is left as it is.
    card(&bundled(&cache, Mode::ReadWrite));
    let before = everything(&cache);
    let [file] = files(&cache).try_into().unwrap();
    let renderer = bundled(&cache, Mode::ReadOnly);
    assert_eq!(card(&renderer), expected);
    assert_eq!(
        (renderer.backgrounds_drawn(), counts(&renderer).hits),
        (0, 1)
    );

    let mut corrupt = std::fs::read(&file).unwrap();
    corrupt.truncate(corrupt.len() - 1000);
    std::fs::write(&file, &corrupt).unwrap();
    let modified = std::fs::metadata(&file).unwrap().modified().unwrap();
    let renderer = bundled(&cache, Mode::ReadOnly);
    // Another background too (a miss): drawn, not written.
    background_pixels(&renderer, "minutes", "story", "en");
    assert_eq!(card(&renderer), expected);
    let c = counts(&renderer);
    assert_eq!((c.rejected, c.misses, c.written), (1, 1, 0), "{c:?}");
    assert_eq!(renderer.backgrounds_drawn(), 2);
    assert_eq!(std::fs::read(&file).unwrap(), corrupt);
    assert_eq!(
        std::fs::metadata(&file).unwrap().modified().unwrap(),
        modified
    );
    assert_eq!(everything(&cache), before);
}

#[test]
fn renderers_sharing_a_folder_write_one_good_file() {
    let dir = TempDir::new("bgcache_shared");
    let renderers: Vec<Renderer> = (0..3).map(|_| bundled(&dir, Mode::ReadWrite)).collect();
    let cards: Vec<Vec<u8>> = std::thread::scope(|s| {
        let running: Vec<_> = renderers.iter().map(|r| s.spawn(|| card(r))).collect();
        running.into_iter().map(|t| t.join().unwrap()).collect()
    });
    assert!(cards.windows(2).all(|w| w[0] == w[1]));
    let [file] = files(&dir).try_into().expect("one file");
    assert_eq!(everything(&dir.join("backgrounds")), vec![file]);
    let reader = bundled(&dir, Mode::ReadOnly);
    assert_eq!(card(&reader), cards[0]);
    assert_eq!(counts(&reader).hits, 1);
}

#[test]
fn warming_makes_only_the_cards_and_locales_it_is_given() {
    let dir = TempDir::new("bgcache_warm");
    let renderer = bundled(&dir, Mode::ReadWrite);
    renderer
        .warm_cards(
            &[("summary".into(), "square".into())],
            &["de".into(), "de-CH".into(), "ja".into()],
        )
        .unwrap();
    // de-CH takes the de catalog: one background for both.
    assert_eq!(renderer.backgrounds_drawn(), 2);
    assert_eq!(files(&dir).len(), 2);
}

#[test]
fn batch_and_warm_make_only_the_backgrounds_their_plan_selects() {
    let dir = TempDir::new("bgcache_cli");
    let cache = dir.join("cache");
    let data = dir.join("one.jsonl");
    let sample = std::fs::read_to_string(repo().join("data/sample.jsonl")).unwrap();
    std::fs::write(&data, sample.lines().next().unwrap()).unwrap();
    let batch = |extra: &[&str]| {
        cardfarm()
            .args(["batch", "--templates", "top-artists", "--data"])
            .arg(&data)
            .arg("--out")
            .arg(dir.join("cards"))
            .arg("--report")
            .arg(dir.join("failures.jsonl"))
            .arg("--cache-dir")
            .arg(&cache)
            .args(extra)
            .output()
            .unwrap()
    };
    let first = batch(&[]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(
        stderr(&first).contains("1 drawn, 0 from the cache"),
        "{}",
        stderr(&first)
    );
    assert_eq!(files(&cache).len(), 1, "only top-artists' one background");

    // The same plan again finds it; --locale selects another.
    let again = batch(&[]);
    assert!(
        stderr(&again).contains("0 drawn, 1 from the cache"),
        "{}",
        stderr(&again)
    );
    let german = batch(&["--locale", "de"]);
    assert!(german.status.success(), "{}", stderr(&german));
    assert!(
        stderr(&german).contains("1 drawn, 0 from the cache"),
        "{}",
        stderr(&german)
    );
    assert_eq!(files(&cache).len(), 2);

    // CARDFARM_CACHE_DIR does what --cache-dir does; --no-cache uses none.
    let env = cardfarm()
        .args([
            "warm",
            "--templates",
            "summary",
            "--formats",
            "square,landscape",
        ])
        .args(["--locales", "en,he"])
        .env("CARDFARM_CACHE_DIR", &cache)
        .output()
        .unwrap();
    assert!(env.status.success(), "{}", stderr(&env));
    assert!(
        stderr(&env).contains("4 drawn, 0 from the cache"),
        "{}",
        stderr(&env)
    );
    assert_eq!(files(&cache).len(), 6);
    let off = batch(&["--no-cache"]);
    assert!(
        stderr(&off).contains("1 drawn, 0 from the cache (none)"),
        "{}",
        stderr(&off)
    );

    // Read-only: warm refuses, batch reads and writes nothing.
    let before = everything(&cache);
    let ro = cardfarm()
        .args(["warm", "--cache-read-only", "--cache-dir"])
        .arg(&cache)
        .output()
        .unwrap();
    assert_eq!(ro.status.code(), Some(2), "{}", stderr(&ro));
    assert!(stderr(&ro).contains("read-only"), "{}", stderr(&ro));
    let ro = batch(&["--cache-read-only", "--locale", "fr"]);
    assert!(ro.status.success(), "{}", stderr(&ro));
    assert!(stderr(&ro).contains("(read-only)"), "{}", stderr(&ro));
    assert_eq!(everything(&cache), before);
}

#[test]
fn the_fonts_digest_is_remembered_by_stamp_and_a_rewritten_font_is_hashed_again() {
    use cardfarm::card::fonts::Fonts;
    let dir = TempDir::new("bgcache_fontmemo");
    let fonts = font_dir(&dir, "fonts", &["Inter-Regular.otf"]);
    let cache = Cache::new(dir.join("cache"), Mode::ReadWrite);
    let load = || Fonts::load(&fonts).unwrap();
    let truth = load().digest();
    assert_eq!(cache.fonts_digest(&load()), truth);
    let memos: Vec<PathBuf> = std::fs::read_dir(dir.join("cache/fonts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let [memo] = memos.try_into().expect("one memo");
    // Remembered: a fresh load takes it from the memo without hashing.
    let remembered = load();
    assert_eq!(cache.fonts_digest(&remembered), truth);
    // A memo that is not a digest and its checksum is made again.
    std::fs::write(&memo, b"not a digest").unwrap();
    assert_eq!(cache.fonts_digest(&load()), truth);
    assert_eq!(std::fs::read(&memo).unwrap().len(), 36);
    // A font rewritten with other bytes has another stamp: hashed, not remembered.
    std::fs::copy(
        repo().join("fonts/Inter-Bold.otf"),
        fonts.join("Inter-Regular.otf"),
    )
    .unwrap();
    let rewritten = load().digest();
    assert_ne!(rewritten, truth);
    assert_eq!(cache.fonts_digest(&load()), rewritten);
    // Read-only: the memo is read but never written.
    let ro = Cache::new(dir.join("ro"), Mode::ReadOnly);
    assert_eq!(ro.fonts_digest(&load()), rewritten);
    assert!(!dir.join("ro").exists());
}

/// Sets a file's modification time `days` days back.
fn age(path: &Path, days: u64) {
    let then = std::time::SystemTime::now() - std::time::Duration::from_secs(days * 86_400 + 60);
    std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(then))
        .unwrap();
}

#[test]
fn pruning_removes_old_edits_and_dead_writes_and_keeps_what_is_used() {
    let dir = TempDir::new("bgcache_prune");
    let cache = dir.join("cache");
    let bg = |fill: &str| {
        format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="{fill}"/></svg>"#
        )
    };
    let templates = tiny_template(&dir, &bg("#123456"));
    let fonts = repo().join("fonts");
    let warm = |extra: &[&str]| {
        let out = cardfarm()
            .arg("--template-dir")
            .arg(&templates)
            .arg("--font-dir")
            .arg(&fonts)
            .args(["warm", "--cache-dir"])
            .arg(&cache)
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        stderr(&out)
    };
    warm(&[]);
    let old = files(&cache);
    assert_eq!(old.len(), 1);
    // An edit of the background: a second file; the first stays until pruned.
    std::fs::write(templates.join("tiny/story-bg.svg"), bg("#654321")).unwrap();
    warm(&[]);
    assert_eq!(files(&cache).len(), 2);
    let dead_write = cache.join("backgrounds/.dead.bg.1-2-3.tmp");
    std::fs::write(&dead_write, b"half a background").unwrap();
    let fresh_write = cache.join("backgrounds/.live.bg.4-5-6.tmp");
    std::fs::write(&fresh_write, b"a write in progress").unwrap();
    let stranger = cache.join("backgrounds/notes.txt");
    std::fs::write(&stranger, b"not ours").unwrap();
    age(&dead_write, 1);
    age(&stranger, 30);

    // The old edit was used a moment ago: spared by the default week.
    let report = warm(&["--prune"]);
    assert!(report.contains("pruned 0 unused backgrounds"), "{report}");
    assert!(report.contains("kept 2"), "{report}");
    assert!(
        !dead_write.exists(),
        "a write that died an hour ago is removed"
    );
    assert!(fresh_write.exists(), "a recent write may be in progress");

    // Unused for eight days: removed. The current background, just as old, is kept: this
    // warm used it (and its hit renewed its time).
    let current: Vec<_> = files(&cache).into_iter().filter(|f| *f != old[0]).collect();
    age(&old[0], 8);
    age(&current[0], 8);
    let report = warm(&["--prune"]);
    assert!(report.contains("pruned 1 unused backgrounds"), "{report}");
    assert_eq!(files(&cache), current);
    assert!(
        stranger.exists(),
        "files that are not the cache's are left alone"
    );
    let renewed = std::fs::metadata(&current[0]).unwrap().modified().unwrap();
    assert!(renewed.elapsed().unwrap() < std::time::Duration::from_secs(3600));

    // A hit in a read-only cache leaves the file's time as it was.
    age(&current[0], 8);
    let renderer = cached(&templates, &fonts, &cache, Mode::ReadOnly);
    tiny_card(&renderer);
    assert_eq!(counts(&renderer).hits, 1);
    let still = std::fs::metadata(&current[0]).unwrap().modified().unwrap();
    assert!(still.elapsed().unwrap() > std::time::Duration::from_secs(7 * 86_400));

    // --unused-for 0 removes whatever this warm did not use, at once.
    std::fs::write(templates.join("tiny/story-bg.svg"), bg("#abcdef")).unwrap();
    let report = warm(&["--prune", "--unused-for", "0"]);
    assert!(report.contains("pruned 1 unused backgrounds"), "{report}");
    assert_eq!(files(&cache).len(), 1);
    assert_ne!(files(&cache), current);
}
