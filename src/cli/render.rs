//! `cardfarm render`: a designer's loop. One user, one template (or all), PNG and SVG out;
//! `--watch` re-renders when a template, font or the data changes.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::Context;
use cardfarm::farm::dataset::Dataset;
use cardfarm::{Renderer, Source, Stats};

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("who").required(true).args(["user", "stats"])))]
#[command(group(clap::ArgGroup::new("what").required(true).args(["template", "all"])))]
pub struct Args {
    /// User id to look up in the dataset.
    #[arg(long, short)]
    user: Option<String>,
    /// One user's stats file, instead of --user.
    #[arg(long, value_name = "FILE.json")]
    stats: Option<PathBuf>,
    /// Template name (see `cardfarm templates`).
    #[arg(long, short)]
    template: Option<String>,
    /// Every template and format; --out is then a folder.
    #[arg(long)]
    all: bool,
    /// Output format.
    #[arg(long, short, default_value = "story")]
    format: String,
    /// Dataset (JSON Lines). Default: the bundled sample.
    #[arg(long, env = "CARDFARM_DATA", value_name = "FILE.jsonl")]
    data: Option<PathBuf>,
    #[command(flatten)]
    encoding: super::EncodingArgs,
    /// Where to write the card (a folder with --all). Default:
    /// `<user>-<template>-<format>.<png|webp|jpg>`.
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// Render in this locale instead of the stats' own (`de`, `pt-BR`, `ar`…; see
    /// `cardfarm templates`).
    #[arg(long, value_name = "TAG")]
    locale: Option<String>,
    /// Also write the filled, self-contained SVG here.
    #[arg(long, value_name = "FILE.svg")]
    emit_svg: Option<PathBuf>,
    /// Re-render whenever a template, font or the data changes.
    #[arg(long)]
    watch: bool,
}

pub fn run(args: Args, setup: &super::Setup) -> anyhow::Result<ExitCode> {
    let data = super::data_or_sample(args.data.clone());
    let once = || -> anyhow::Result<()> {
        let renderer = setup.load()?;
        render_once(&args, &renderer, &data)
    };
    if !args.watch {
        once()?;
        return Ok(ExitCode::SUCCESS);
    }
    let input = args.stats.clone().unwrap_or(data.clone());
    watch(&args, &[&setup.templates, &setup.fonts, &input], once)
}

fn render_once(args: &Args, renderer: &Renderer, data: &Path) -> anyhow::Result<()> {
    let encoding = args.encoding.encoding()?;
    let (stats, root) = load_stats(args, data)?;
    let source = Source {
        stats: &stats,
        root: Some(&root),
    };
    let jobs: Vec<(String, String)> = match &args.template {
        Some(t) if !args.all => vec![(t.clone(), args.format.clone())],
        _ => renderer
            .templates()
            .iter()
            .flat_map(|t| t.formats.keys().map(|f| (t.name.clone(), f.clone())))
            .collect(),
    };
    for (template, format) in &jobs {
        let started = Instant::now();
        let card = renderer.render_as(source, template, format, encoding)?;
        let out = output_path(args, &stats.user_id, template, format, encoding);
        if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        std::fs::write(&out, &card.bytes).with_context(|| format!("writing {}", out.display()))?;
        for w in &card.warnings {
            eprintln!("warning: {w}");
        }
        eprintln!(
            "wrote {} ({} KB, {:.1} ms)",
            out.display(),
            card.bytes.len() / 1024,
            started.elapsed().as_secs_f64() * 1000.0
        );
        if let Some(svg_out) = &args.emit_svg {
            let svg_out = if args.all {
                svg_out.join(format!("{}-{template}-{format}.svg", stats.user_id))
            } else {
                svg_out.clone()
            };
            let (svg, _) = renderer.compose_svg(source, template, format)?;
            std::fs::write(&svg_out, svg)
                .with_context(|| format!("writing {}", svg_out.display()))?;
            eprintln!("wrote {}", svg_out.display());
        }
    }
    Ok(())
}

fn load_stats(args: &Args, data: &Path) -> anyhow::Result<(Stats, PathBuf)> {
    let (mut stats, root) = read_stats(args, data)?;
    if let Some(locale) = &args.locale {
        stats.set_locale(locale).context("--locale")?;
    }
    Ok((stats, root))
}

fn read_stats(args: &Args, data: &Path) -> anyhow::Result<(Stats, PathBuf)> {
    if let Some(file) = &args.stats {
        let json =
            std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        let stats = Stats::from_json(&json, &file.display().to_string())?;
        let root = cardfarm::card::photo::root_of(file);
        return Ok((stats, root));
    }
    let user = args.user.as_deref().unwrap_or_default();
    let dataset = Dataset::open(data)?;
    // The last record of a user wins, as in batch, enqueue and the server.
    let found = dataset.lookup(user)?;
    for line in &found.superseded {
        let duplicate = cardfarm::farm::dataset::Duplicate {
            user_id: user.to_string(),
            line: *line,
            last: found.line,
        };
        eprintln!("warning: {}: {duplicate}", dataset.path().display());
    }
    Ok((found.stats, dataset.root().to_path_buf()))
}

fn output_path(
    args: &Args,
    user: &str,
    template: &str,
    format: &str,
    encoding: cardfarm::card::Encoding,
) -> PathBuf {
    let name = format!("{user}-{template}-{format}.{}", encoding.extension());
    match &args.out {
        Some(dir) if args.all => dir.join(name),
        Some(file) => file.clone(),
        None => PathBuf::from(name),
    }
}

/// Runs `once` now and after every change under `paths`, until interrupted. The watcher starts
/// first, so a change made during the first render is not missed.
fn watch(
    args: &Args,
    paths: &[&Path],
    once: impl Fn() -> anyhow::Result<()>,
) -> anyhow::Result<ExitCode> {
    use notify::{RecursiveMode, Watcher};
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(e) = event {
            if !e.kind.is_access() {
                let _ = tx.send(());
            }
        }
    })?;
    for path in paths {
        watcher
            .watch(path, RecursiveMode::Recursive)
            .with_context(|| format!("watching {}", path.display()))?;
    }
    if let Err(e) = once() {
        super::report(&e);
    }
    let what = args.template.as_deref().unwrap_or("all templates");
    eprintln!("watching templates, fonts and data; re-rendering {what} on change (Ctrl-C stops)");
    while rx.recv().is_ok() {
        // Editors write in bursts: wait for quiet before re-rendering.
        while rx.recv_timeout(Duration::from_millis(150)).is_ok() {}
        if let Err(e) = once() {
            super::report(&e);
        }
    }
    Ok(ExitCode::SUCCESS)
}
