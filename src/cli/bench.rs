//! `cardfarm bench`: render N cards from the dataset and report throughput, per-card latency
//! percentiles and peak memory. This is the real path: stats → PNG bytes, no I/O.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use cardfarm::farm::dataset::Dataset;
use cardfarm::{Renderer, Source, Stats};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Dataset (JSON Lines). Default: the bundled sample.
    #[arg(long, env = "CARDFARM_DATA", value_name = "FILE.jsonl")]
    data: Option<PathBuf>,
    /// Template to render; default: every template in turn.
    #[arg(long, short)]
    template: Option<String>,
    #[arg(long, short, default_value = "story")]
    format: String,
    /// Cards to render (after one warm-up pass over the templates).
    #[arg(long, short = 'n', default_value_t = 300)]
    cards: usize,
    /// Threads rendering at once.
    #[arg(long, default_value_t = 1)]
    threads: usize,
}

pub fn run(args: Args, renderer: &Renderer) -> anyhow::Result<ExitCode> {
    let data = super::data_or_sample(args.data.clone());
    let dataset = Dataset::open(&data)?;
    let users: Vec<Stats> = dataset.users()?.filter_map(Result::ok).collect();
    anyhow::ensure!(!users.is_empty(), "no valid users in {}", data.display());
    let templates: Vec<String> = match &args.template {
        Some(t) => vec![t.clone()],
        None => renderer
            .templates()
            .iter()
            .filter(|t| t.formats.contains_key(&args.format))
            .map(|t| t.name.clone())
            .collect(),
    };
    let root = dataset.root();
    let job = |i: usize| {
        let source = Source {
            stats: &users[i % users.len()],
            root: Some(root),
        };
        let template = &templates[i % templates.len()];
        let started = Instant::now();
        let ok = renderer.render(source, template, &args.format).is_ok();
        (started.elapsed().as_secs_f64() * 1000.0, ok)
    };
    // Warm-up: rasterize every background once, as a long-running process would have.
    for i in 0..templates.len() {
        job(i);
    }
    let threads = args.threads.max(1);
    let started = Instant::now();
    let mut results: Vec<(f64, bool)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let job = &job;
                s.spawn(move || {
                    (t..args.cards)
                        .step_by(threads)
                        .map(job)
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let wall = started.elapsed().as_secs_f64();
    results.sort_by(|a, b| a.0.total_cmp(&b.0));
    let failed = results.iter().filter(|r| !r.1).count();
    let pct = |p: f64| results[((results.len() - 1) as f64 * p).round() as usize].0;
    println!(
        "{} cards ({} template(s), format {}, {} thread(s)): {:.1} cards/s, p50 {:.1} ms, p99 {:.1} ms, peak memory {} MB, {} failed",
        results.len(),
        templates.len(),
        args.format,
        threads,
        results.len() as f64 / wall,
        pct(0.5),
        pct(0.99),
        peak_rss_mb(),
        failed
    );
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Peak resident memory of this process (Linux `VmHWM`), in MB.
fn peak_rss_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}
