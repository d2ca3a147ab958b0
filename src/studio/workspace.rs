//! Workspace: what the studio has loaded (fonts, templates, the people whose cards it shows,
//! the stats edited on the page) and the cards it has rendered from them, kept until an edit
//! makes them stale.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use serde::Serialize;
use tokio::sync::broadcast;

use crate::card::backdrop::Snapshots;
use crate::card::fonts::Fonts;
use crate::card::template::Templates;
use crate::card::threads::RenderThreads;
use crate::error::{Error, Result};
use crate::farm::dataset::Dataset;
use crate::lint;
use crate::{Renderer, Source, Stats};

/// Where the studio reads from, and whether it may write goldens.
#[derive(Debug, Clone)]
pub struct Config {
    /// Folder of templates.
    pub templates: PathBuf,
    /// Folder of fonts.
    pub fonts: PathBuf,
    /// A dataset (JSON Lines) whose users are shown beside the fixtures. Default: none.
    pub data: Option<PathBuf>,
    /// Folder of fixture stats (`*.json`), named by file stem. Default: none.
    pub fixtures: Option<PathBuf>,
    /// Folder of goldens (`<template>-<format>/<fixture>.png`). Default: none.
    pub golden: Option<PathBuf>,
    /// The person shown first: a dataset user id or a fixture name. Default: the first
    /// fixture, else the first user.
    pub user: Option<String>,
    /// Whether the studio listens on loopback only; blessing a golden is refused otherwise.
    pub loopback: bool,
    /// The cache of rasterized backgrounds on disk: the studio starts with every background
    /// another process drew, and a template saved back as it was is not drawn again.
    /// Default: none.
    pub backgrounds: Option<std::sync::Arc<crate::card::backdrop::Cache>>,
}

/// Whose cards: a fixture (by file stem) or a dataset user (by id).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "lowercase")]
pub enum Who {
    Fixture(String),
    User(String),
}

impl Who {
    /// From the two URL segments `fixture/<name>` or `user/<id>`.
    pub fn parse(kind: &str, id: &str) -> Option<Who> {
        match kind {
            "fixture" => Some(Who::Fixture(id.to_string())),
            "user" => Some(Who::User(id.to_string())),
            _ => None,
        }
    }

    /// `fixture/<name>` or `user/<id>`, as in URLs.
    pub fn path(&self) -> String {
        match self {
            Who::Fixture(id) => format!("fixture/{id}"),
            Who::User(id) => format!("user/{id}"),
        }
    }
}

/// One person's stats as loaded, and the text the editor starts from.
#[derive(Debug, Clone)]
pub struct Person {
    pub stats: Stats,
    pub json: String,
    /// The folder relative image paths resolve against.
    pub root: PathBuf,
}

/// Fixtures and dataset users, and what could not be read.
#[derive(Debug, Default)]
struct People {
    known: BTreeMap<Who, Person>,
    problems: Vec<String>,
}

/// The renderer and what failed to load: a broken template is set aside with its error; broken
/// fonts or partials break every card (`fatal`).
struct Loaded {
    renderer: Option<Arc<Renderer>>,
    fonts: Option<Arc<Fonts>>,
    broken: BTreeMap<String, String>,
    fatal: Option<String>,
}

/// A template × format the gallery shows, with its error when the template did not load.
#[derive(Debug, Clone, Serialize)]
pub struct Slot {
    pub template: String,
    pub format: String,
    pub width: u32,
    pub height: u32,
    pub error: Option<String>,
}

/// A rendered card, or why it could not be.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub result: std::result::Result<Arc<Vec<u8>>, String>,
    pub warnings: Vec<String>,
    pub millis: f64,
    /// What the lint finds on this card (see [`crate::lint::card`]).
    pub findings: Vec<crate::lint::Finding>,
}

type CardKey = (Who, String, String);

/// Each template's formats as (name, width, height).
type FormatSizes = BTreeMap<String, Vec<(String, u32, u32)>>;

/// A change the page should follow: sent to every open page over server-sent events.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// Increases with every change; the page puts it in card URLs.
    pub generation: u64,
    /// What changed, for people: "template top-artists", "fonts", "data", "stats of …".
    pub what: String,
}

/// The generation of the last change to everything, each template and each person: a card's
/// URL carries the newest that applies, so the page re-fetches only the cards a change made
/// stale.
#[derive(Debug, Default)]
struct Versions {
    all: u64,
    templates: HashMap<String, u64>,
    people: HashMap<Who, u64>,
}

/// What a change makes stale.
enum Scope<'a> {
    All,
    Template(&'a str),
    People,
    Person(&'a Who),
    Nothing,
}

/// Everything the studio's routes and watcher share.
pub struct Workspace {
    config: Config,
    loaded: RwLock<Loaded>,
    /// The last formats of each template, so a template that breaks keeps its slots.
    formats: Mutex<FormatSizes>,
    people: RwLock<People>,
    drafts: Mutex<HashMap<Who, (Stats, String)>>,
    cards: Mutex<HashMap<CardKey, Arc<Rendered>>>,
    generation: AtomicU64,
    versions: Mutex<Versions>,
    changes: broadcast::Sender<Change>,
    threads: RenderThreads,
    /// Canvases after the glows of the backgrounds drawn here: a saved background is drawn
    /// again from its unchanged part.
    snapshots: Arc<Snapshots>,
}

/// The memory the studio gives background snapshots and glow layers: the shipped template
/// formats in one locale take 220 MB (a canvas where each run of glows ends, and each glow's
/// layer), so two locales' fit.
const SNAPSHOT_BUDGET: usize = 512 << 20;

impl Workspace {
    /// Loads fonts, templates, fixtures and the dataset. Broken templates and unreadable
    /// people are kept as errors to show; only render threads that cannot start fail.
    pub fn open(config: Config) -> Result<Workspace> {
        let threads = RenderThreads::new(crate::card::threads::cores())?;
        let (changes, _) = broadcast::channel(64);
        let workspace = Workspace {
            config,
            loaded: RwLock::new(Loaded {
                renderer: None,
                fonts: None,
                broken: BTreeMap::new(),
                fatal: None,
            }),
            formats: Mutex::new(BTreeMap::new()),
            people: RwLock::new(People::default()),
            drafts: Mutex::new(HashMap::new()),
            snapshots: Arc::new(Snapshots::new(SNAPSHOT_BUDGET)),
            cards: Mutex::new(HashMap::new()),
            generation: AtomicU64::new(1),
            versions: Mutex::new(Versions::default()),
            changes,
            threads,
        };
        workspace.reload_fonts();
        workspace.reload_people();
        Ok(workspace)
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The current generation: changes with every edit that can change a card.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Changes from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.changes.subscribe()
    }

    /// Marks the cards `stale` as such and tells the pages. The generation moves first, so a
    /// render that started before is not cached after the cards were forgotten.
    fn invalidate(&self, scope: Scope, what: String) {
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        let drafts: Vec<Who> = self
            .drafts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .keys()
            .cloned()
            .collect();
        let stale = |(who, t, _): &CardKey| match &scope {
            Scope::All => true,
            Scope::Template(name) => t == name,
            // Reading the files again changes no card whose stats are edited on the page.
            Scope::People => !drafts.contains(who),
            Scope::Person(person) => who == *person,
            Scope::Nothing => false,
        };
        self.cards
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|key, _| !stale(key));
        {
            let mut versions = self.versions.lock().unwrap_or_else(|e| e.into_inner());
            match &scope {
                Scope::All => versions.all = generation,
                Scope::Template(name) => {
                    versions.templates.insert(name.to_string(), generation);
                }
                Scope::People => {
                    for who in self.people() {
                        if !drafts.contains(&who) {
                            versions.people.insert(who, generation);
                        }
                    }
                }
                Scope::Person(who) => {
                    versions.people.insert((*who).clone(), generation);
                }
                Scope::Nothing => {}
            }
        }
        tracing::info!(generation, %what, "studio: changed");
        let _ = self.changes.send(Change { generation, what });
    }

    /// Loads the fonts again, then every template; all cards are stale.
    pub fn reload_fonts(&self) {
        let fonts = Fonts::load(&self.config.fonts).map(Arc::new);
        {
            let mut loaded = self.loaded.write().unwrap_or_else(|e| e.into_inner());
            match fonts {
                Ok(fonts) => {
                    loaded.fonts = Some(fonts);
                    loaded.renderer = None;
                }
                Err(e) => {
                    loaded.fonts = None;
                    loaded.renderer = None;
                    loaded.fatal = Some(e.to_string());
                }
            }
        }
        self.load_templates();
        self.invalidate(Scope::All, "fonts".into());
    }

    /// Loads the templates again after a change under the template folder: `template` names
    /// the folder that changed, `None` means anything (a partial). Unchanged backgrounds are
    /// kept, so only the edited template's are drawn again.
    pub fn reload_templates(&self, template: Option<&str>) {
        self.load_templates();
        match template {
            Some(name) => self.invalidate(Scope::Template(name), format!("template {name}")),
            None => self.invalidate(Scope::All, "templates".into()),
        }
    }

    fn load_templates(&self) {
        let mut loaded = self.loaded.write().unwrap_or_else(|e| e.into_inner());
        let Some(fonts) = loaded.fonts.clone() else {
            return;
        };
        match Templates::load_each(&self.config.templates, fonts.clone()) {
            Ok((templates, broken)) => {
                if let Some(previous) = &loaded.renderer {
                    templates.adopt_backgrounds(previous.templates());
                }
                let mut formats = self.formats.lock().unwrap_or_else(|e| e.into_inner());
                for t in templates.iter() {
                    formats.insert(
                        t.name.clone(),
                        t.formats
                            .values()
                            .map(|f| (f.name.clone(), f.width, f.height))
                            .collect(),
                    );
                }
                loaded.broken = broken
                    .into_iter()
                    .map(|(name, e)| (name, e.to_string()))
                    .collect();
                loaded.fatal = None;
                loaded.renderer = Some(Arc::new(
                    Renderer::new(fonts, templates)
                        .with_cache(self.config.backgrounds.clone())
                        .with_snapshots(Some(self.snapshots.clone())),
                ));
            }
            Err(e) => {
                // Partials, or every template: nothing renders until they are fixed.
                loaded.fatal = Some(e.to_string());
                loaded.broken.clear();
            }
        }
    }

    /// Reads the fixtures and the dataset again; the cards of people not edited on the page
    /// are stale.
    pub fn reload_people(&self) {
        let mut people = People::default();
        if let Some(dir) = &self.config.fixtures {
            read_fixtures(dir, &mut people);
        }
        if let Some(file) = &self.config.data {
            read_dataset(file, &mut people);
        }
        *self.people.write().unwrap_or_else(|e| e.into_inner()) = people;
        self.invalidate(Scope::People, "data".into());
    }

    /// Background snapshots: those kept, their bytes, and the backgrounds still queued to
    /// be drawn for them.
    pub fn snapshots(&self) -> (usize, usize, usize) {
        let (kept, bytes) = self.snapshots.usage();
        (kept, bytes, self.snapshots.pending())
    }

    /// Everyone whose cards can be shown.
    pub fn people(&self) -> Vec<Who> {
        let people = self.people.read().unwrap_or_else(|e| e.into_inner());
        people.known.keys().cloned().collect()
    }

    /// Problems reading fixtures or the dataset, to show on the page.
    pub fn problems(&self) -> Vec<String> {
        let people = self.people.read().unwrap_or_else(|e| e.into_inner());
        let mut all = people.problems.clone();
        let loaded = self.loaded.read().unwrap_or_else(|e| e.into_inner());
        all.extend(loaded.fatal.clone());
        all
    }

    /// Who is shown first.
    pub fn default_person(&self) -> Option<Who> {
        let people = self.people();
        if let Some(id) = &self.config.user {
            let wanted = [Who::User(id.clone()), Who::Fixture(id.clone())];
            if let Some(who) = wanted.into_iter().find(|w| people.contains(w)) {
                return Some(who);
            }
        }
        people.into_iter().next()
    }

    /// The stats the cards of `who` are rendered from (an edit on the page wins) and the text
    /// the editor shows.
    pub fn person(&self, who: &Who) -> Option<Person> {
        let person = self
            .people
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .known
            .get(who)
            .cloned()?;
        let drafts = self.drafts.lock().unwrap_or_else(|e| e.into_inner());
        Some(match drafts.get(who) {
            Some((stats, json)) => Person {
                stats: stats.clone(),
                json: json.clone(),
                root: person.root,
            },
            None => person,
        })
    }

    /// The stats as loaded from the file, ignoring edits on the page.
    pub fn original(&self, who: &Who) -> Option<Person> {
        let people = self.people.read().unwrap_or_else(|e| e.into_inner());
        people.known.get(who).cloned()
    }

    /// Whether `who` has stats edited on the page.
    pub fn is_edited(&self, who: &Who) -> bool {
        let drafts = self.drafts.lock().unwrap_or_else(|e| e.into_inner());
        drafts.contains_key(who)
    }

    /// Replaces the stats of `who` with `json` from the page's editor; the error is the one
    /// the CLI gives for a stats file (`Stats::from_json`).
    pub fn edit(&self, who: &Who, json: &str) -> Result<()> {
        if self.original(who).is_none() {
            return Err(unknown(who));
        }
        let stats = Stats::from_json(json, "the editor")?;
        self.drafts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(who.clone(), (stats, json.to_string()));
        self.invalidate(Scope::Person(who), format!("stats of {}", who.path()));
        Ok(())
    }

    /// Drops the page's edit of `who`: the cards show the file's stats again.
    pub fn revert(&self, who: &Who) {
        let dropped = self
            .drafts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(who)
            .is_some();
        if dropped {
            self.invalidate(
                Scope::Person(who),
                format!("stats of {} reverted", who.path()),
            );
        }
    }

    /// Every template × format, loaded or broken, in name order.
    pub fn slots(&self) -> Vec<Slot> {
        let loaded = self.loaded.read().unwrap_or_else(|e| e.into_inner());
        let formats = self.formats.lock().unwrap_or_else(|e| e.into_inner());
        let mut slots = Vec::new();
        if let Some(renderer) = &loaded.renderer {
            for t in renderer.templates().iter() {
                if loaded.broken.contains_key(&t.name) {
                    continue;
                }
                for f in t.formats.values() {
                    slots.push(Slot {
                        template: t.name.clone(),
                        format: f.name.clone(),
                        width: f.width,
                        height: f.height,
                        error: loaded.fatal.clone(),
                    });
                }
            }
        }
        for (name, error) in &loaded.broken {
            let known = formats.get(name).cloned().unwrap_or_default();
            let known = match known.is_empty() {
                true => vec![("story".to_string(), 1080, 1920)],
                false => known,
            };
            for (format, width, height) in known {
                slots.push(Slot {
                    template: name.clone(),
                    format,
                    width,
                    height,
                    error: Some(error.clone()),
                });
            }
        }
        slots.sort_by(|a, b| (&a.template, &a.format).cmp(&(&b.template, &b.format)));
        slots
    }

    /// The card of `who` for a template and format: from the cache, else rendered on a render
    /// thread. Errors (a broken template, a fill that fails) are cards too: the page shows
    /// them in place.
    pub async fn card(&self, who: &Who, template: &str, format: &str) -> Result<Arc<Rendered>> {
        let key = (who.clone(), template.to_string(), format.to_string());
        if let Some(hit) = self
            .cards
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
        {
            return Ok(hit.clone());
        }
        // The generation before the inputs: see `invalidate`.
        let generation = self.generation();
        let person = self.person(who).ok_or_else(|| unknown(who))?;
        let rendered = {
            let loaded = self.loaded.read().unwrap_or_else(|e| e.into_inner());
            if let Some(error) = loaded.broken.get(template).or(loaded.fatal.as_ref()) {
                Err(error.clone())
            } else {
                Ok(loaded.renderer.clone())
            }
        };
        let rendered = match rendered {
            Err(error) => Rendered {
                result: Err(error),
                warnings: Vec::new(),
                millis: 0.0,
                findings: Vec::new(),
            },
            Ok(None) => Rendered {
                result: Err("no templates loaded".into()),
                warnings: Vec::new(),
                millis: 0.0,
                findings: Vec::new(),
            },
            Ok(Some(renderer)) => {
                let (t, f) = (template.to_string(), format.to_string());
                let who = who.clone();
                self.threads
                    .run(move || {
                        let started = Instant::now();
                        let source = Source {
                            stats: &person.stats,
                            root: Some(&person.root),
                        };
                        let card = renderer.render(source, &t, &f);
                        let millis = started.elapsed().as_secs_f64() * 1000.0;
                        match card {
                            Ok(card) => {
                                let subject = lint::Subject {
                                    name: match &who {
                                        Who::Fixture(id) | Who::User(id) => id.clone(),
                                    },
                                    stats: person.stats.clone(),
                                    root: Some(person.root.clone()),
                                    locale: None,
                                };
                                let config = lint::Config {
                                    budget: None,
                                    ..lint::Config::default()
                                };
                                Rendered {
                                    result: Ok(Arc::new(card.png.0)),
                                    warnings: card.warnings,
                                    millis,
                                    findings: lint::card(&renderer, &subject, &t, &f, &config),
                                }
                            }
                            Err(e) => Rendered {
                                result: Err(e.to_string()),
                                warnings: Vec::new(),
                                millis,
                                findings: Vec::new(),
                            },
                        }
                    })
                    .await?
            }
        };
        let rendered = Arc::new(rendered);
        // A change while this card rendered made it stale: hand it out, but do not keep it.
        if self.generation() == generation {
            self.cards
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(key, rendered.clone());
        }
        Ok(rendered)
    }

    /// The fixture's card as the golden test renders it: from the fixture file, never from an
    /// edit on the page.
    pub async fn fixture_card(
        &self,
        fixture: &str,
        template: &str,
        format: &str,
    ) -> Result<Vec<u8>> {
        let who = Who::Fixture(fixture.to_string());
        let person = self.original(&who).ok_or_else(|| unknown(&who))?;
        let renderer = {
            let loaded = self.loaded.read().unwrap_or_else(|e| e.into_inner());
            loaded.renderer.clone()
        }
        .ok_or_else(|| Error::BrokenTemplate {
            file: self.config.templates.display().to_string(),
            message: "no templates loaded".into(),
        })?;
        let (t, f) = (template.to_string(), format.to_string());
        self.threads
            .run(move || {
                let source = Source {
                    stats: &person.stats,
                    root: Some(&person.root),
                };
                renderer.render(source, &t, &f).map(|card| card.png.0)
            })
            .await?
    }

    /// Called after a golden was written: the page shows it again.
    pub fn golden_written(&self, what: String) {
        self.invalidate(Scope::Nothing, what);
    }

    /// The version of a card of `who` from `template`: changes whenever the card may have.
    pub fn card_version(&self, who: &Who, template: &str) -> u64 {
        let versions = self.versions.lock().unwrap_or_else(|e| e.into_inner());
        let template = versions.templates.get(template).copied().unwrap_or(0);
        let person = versions.people.get(who).copied().unwrap_or(0);
        versions.all.max(template).max(person)
    }
}

fn unknown(who: &Who) -> Error {
    Error::UnknownUser {
        user_id: who.path(),
        dataset: "the studio's fixtures and dataset".into(),
    }
}

fn read_fixtures(dir: &Path, people: &mut People) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            people.problems.push(format!("{}: {e}", dir.display()));
            return;
        }
    };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let root = crate::card::photo::root_of(&dir.join("x.json"));
    for file in files {
        let Some(name) = file.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let read = std::fs::read_to_string(&file)
            .map_err(|e| Error::io(&file, e))
            .and_then(|json| Ok((Stats::from_json(&json, &file.display().to_string())?, json)));
        match read {
            Ok((stats, json)) => {
                people.known.insert(
                    Who::Fixture(name.to_string()),
                    Person {
                        stats,
                        json,
                        root: root.clone(),
                    },
                );
            }
            Err(e) => people.problems.push(e.to_string()),
        }
    }
}

fn read_dataset(file: &Path, people: &mut People) {
    let dataset = match Dataset::open(file) {
        Ok(d) => d,
        Err(e) => {
            people.problems.push(e.to_string());
            return;
        }
    };
    let records = match dataset.records() {
        Ok(r) => r,
        Err(e) => {
            people.problems.push(e.to_string());
            return;
        }
    };
    for record in records {
        // The last record of a user wins, as everywhere else.
        let stats = record.and_then(|r| {
            let line = r.line;
            dataset.validate(line, r.value?)
        });
        match stats {
            Ok(stats) => {
                let json = serde_json::to_string_pretty(&stats).unwrap_or_default();
                people.known.insert(
                    Who::User(stats.user_id.clone()),
                    Person {
                        stats,
                        json,
                        root: dataset.root().to_path_buf(),
                    },
                );
            }
            Err(e) => people.problems.push(e.to_string()),
        }
    }
}
