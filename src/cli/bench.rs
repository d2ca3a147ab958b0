//! `cardfarm bench`: render N cards from the dataset and report throughput, per-card latency
//! percentiles and peak memory. This is the real path: stats → PNG bytes, no I/O.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use cardfarm::farm::dataset::Dataset;
use cardfarm::farm::job::CardSelection;
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
    /// Cards to render (after a warm-up: every background the run needs, and one card per
    /// template); at least 1.
    #[arg(long, short = 'n', default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..))]
    cards: u64,
    /// Threads rendering at once.
    #[arg(long, default_value_t = 1)]
    threads: usize,
}

pub fn run(args: Args, renderer: &Renderer) -> anyhow::Result<ExitCode> {
    let data = super::data_or_sample(args.data.clone());
    let dataset = Dataset::open(&data)?;
    let users: Vec<Stats> = dataset.users()?.filter_map(Result::ok).collect();
    anyhow::ensure!(!users.is_empty(), "no valid users in {}", data.display());
    // An unknown template or format is refused before any render, naming what exists.
    let templates: Vec<String> = match &args.template {
        Some(t) => {
            renderer.templates().get(t, &args.format)?;
            vec![t.clone()]
        }
        None => CardSelection {
            templates: None,
            formats: Some(vec![args.format.clone()]),
        }
        .cards(renderer.templates())?
        .into_iter()
        .map(|card| card.template)
        .collect(),
    };
    let cards = usize::try_from(args.cards)?;
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
    // Warm-up, as a long-running process would have: every background the timed run needs
    // (each template in each locale of the dataset) made ready, and one card per template.
    let mut locales: Vec<String> = users.iter().map(|u| u.locale().to_string()).collect();
    locales.sort();
    locales.dedup();
    let cards_needed: Vec<(String, String)> = templates
        .iter()
        .map(|t| (t.clone(), args.format.clone()))
        .collect();
    renderer.warm_cards(&cards_needed, &locales)?;
    for i in 0..templates.len() {
        job(i);
    }
    let threads = args.threads.max(1);
    let started = Instant::now();
    let mut results = run_threads(threads, cards, &job)?;
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

/// Runs `job(0)` … `job(cards - 1)` on `threads` threads and collects every result. A thread
/// that panics is an error naming the panic: a bench that lost a thread's cards would report
/// numbers that are not what was asked for.
fn run_threads<T: Send>(
    threads: usize,
    cards: usize,
    job: &(impl Fn(usize) -> T + Sync),
) -> anyhow::Result<Vec<T>> {
    let threads = threads.max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| s.spawn(move || (t..cards).step_by(threads).map(job).collect::<Vec<_>>()))
            .collect();
        let mut results = Vec::with_capacity(cards);
        let mut panics = Vec::new();
        for handle in handles {
            match handle.join() {
                Ok(part) => results.extend(part),
                Err(payload) => panics.push(cardfarm::error::panic_message(payload.as_ref())),
            }
        }
        match panics.first() {
            None => Ok(results),
            Some(first) => Err(anyhow::anyhow!(
                "{} of {threads} bench thread(s) panicked: {first}",
                panics.len()
            )),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_card_is_run_once() {
        let mut got = run_threads(3, 10, &|i| i).unwrap();
        got.sort_unstable();
        assert_eq!(got, (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn a_panicking_thread_is_an_error_not_missing_cards() {
        let e = run_threads(2, 6, &|i| {
            if i == 3 {
                panic!("card {i} blew up");
            }
            i
        })
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "1 of 2 bench thread(s) panicked: card 3 blew up"
        );
    }
}
