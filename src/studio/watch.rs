//! Watch: saving a template, a font, a fixture or the dataset reloads what it affects, and the
//! workspace tells every open page.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};

use crate::error::{Error, Result};
use crate::studio::workspace::Workspace;

/// How long the files must be quiet before a reload: editors save in bursts (write, rename,
/// chmod), and one reload per save keeps the page under a second behind.
const QUIET: Duration = Duration::from_millis(60);

/// What a changed path affects.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Affected {
    /// One template folder.
    Template(String),
    /// The partials or the template folder itself: every template.
    Templates,
    Fonts,
    People,
}

/// The watched places, canonical so that event paths compare.
struct Roots {
    templates: PathBuf,
    fonts: PathBuf,
    data: Option<PathBuf>,
    fixtures: Option<PathBuf>,
}

impl Roots {
    fn affected(&self, path: &Path) -> Option<Affected> {
        if let Ok(rest) = path.strip_prefix(&self.templates) {
            let first = rest.components().next()?.as_os_str().to_str()?.to_string();
            // A file directly in the template folder is no template.
            if rest.components().count() == 1 && !path.is_dir() {
                return None;
            }
            return Some(match first.as_str() {
                "_partials" => Affected::Templates,
                _ => Affected::Template(first),
            });
        }
        if path.starts_with(&self.fonts) {
            return Some(Affected::Fonts);
        }
        if self.data.as_deref() == Some(path) {
            return Some(Affected::People);
        }
        if let Some(dir) = &self.fixtures {
            if path.parent() == Some(dir) && path.extension().is_some_and(|e| e == "json") {
                return Some(Affected::People);
            }
        }
        None
    }
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Starts watching the workspace's templates, fonts, fixtures and dataset; changes are applied
/// on a thread of their own for as long as the returned watcher lives.
pub fn watch(workspace: Arc<Workspace>) -> Result<notify::RecommendedWatcher> {
    let config = workspace.config().clone();
    let roots = Roots {
        templates: canonical(&config.templates),
        fonts: canonical(&config.fonts),
        data: config.data.as_deref().map(canonical),
        fixtures: config.fixtures.as_deref().map(canonical),
    };
    let (tx, rx) = mpsc::channel::<Vec<PathBuf>>();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(e) = event {
            if !e.kind.is_access() {
                let _ = tx.send(e.paths);
            }
        }
    })
    .map_err(|e| watch_error(&config.templates, e))?;
    let mut watched = vec![
        (roots.templates.clone(), RecursiveMode::Recursive),
        (roots.fonts.clone(), RecursiveMode::Recursive),
    ];
    // A file is watched through its folder: an editor that saves by renaming a new file over
    // the old one would end a watch on the file itself.
    if let Some(parent) = roots.data.as_deref().and_then(Path::parent) {
        watched.push((parent.to_path_buf(), RecursiveMode::NonRecursive));
    }
    if let Some(dir) = &roots.fixtures {
        watched.push((dir.clone(), RecursiveMode::NonRecursive));
    }
    for (path, mode) in &watched {
        watcher
            .watch(path, *mode)
            .map_err(|e| watch_error(path, e))?;
    }
    std::thread::Builder::new()
        .name("cardfarm-studio-watch".into())
        .spawn(move || {
            while let Ok(paths) = rx.recv() {
                let mut affected: Vec<Affected> = Vec::new();
                let mut note = |paths: Vec<PathBuf>| {
                    for a in paths.iter().filter_map(|p| roots.affected(p)) {
                        if !affected.contains(&a) {
                            affected.push(a);
                        }
                    }
                };
                note(paths);
                while let Ok(more) = rx.recv_timeout(QUIET) {
                    note(more);
                }
                apply(&workspace, &affected);
            }
        })
        .map_err(|e| Error::io("(studio watch thread)", e))?;
    Ok(watcher)
}

fn apply(workspace: &Workspace, affected: &[Affected]) {
    if affected.contains(&Affected::Fonts) {
        // Fonts reload the templates too.
        workspace.reload_fonts();
    } else if affected.contains(&Affected::Templates) {
        workspace.reload_templates(None);
    } else {
        let templates: Vec<&str> = affected
            .iter()
            .filter_map(|a| match a {
                Affected::Template(name) => Some(name.as_str()),
                _ => None,
            })
            .collect();
        match templates.as_slice() {
            [] => {}
            [one] => workspace.reload_templates(Some(one)),
            _ => workspace.reload_templates(None),
        }
    }
    if affected.contains(&Affected::People) {
        workspace.reload_people();
    }
}

fn watch_error(path: &Path, e: notify::Error) -> Error {
    Error::io(path, std::io::Error::other(e))
}
