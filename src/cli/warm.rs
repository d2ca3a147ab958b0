//! `cardfarm warm`: fills the background cache, so that every later process (a worker, a
//! batch, `render`) starts with its backgrounds in milliseconds. The worker image bakes one
//! (deploy/Dockerfile).

use std::process::ExitCode;

use cardfarm::card::backdrop::cache::Mode;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    cards: super::Selection,
    /// Locales, comma separated, or `all`. Default: all.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "TAGS",
        default_value = "all"
    )]
    locales: Vec<String>,
    /// Then remove the cached backgrounds these templates do not use (old edits, other
    /// renderer versions) that no process used within --unused-for.
    #[arg(long)]
    prune: bool,
    /// With --prune: spare files any process used this recently (`0`: remove every file
    /// this warm did not need).
    #[arg(long, default_value = "7d", value_parser = super::dead_letters::parse_age, value_name = "AGE")]
    unused_for: std::time::Duration,
}

pub fn run(args: Args, setup: &super::Setup) -> anyhow::Result<ExitCode> {
    // Files that were refused, and failed writes, are logged as warnings.
    super::init_logging();
    let Some(cache) = setup.cache.clone() else {
        return Err(super::Usage {
            message: "there is no background cache to fill (--no-cache, or no cache folder)".into(),
            hint: "name one with --cache-dir DIR (or CARDFARM_CACHE_DIR)".into(),
        }
        .into());
    };
    if cache.mode() == Mode::ReadOnly {
        return Err(super::Usage {
            message: format!("the cache {} is read-only", cache.dir().display()),
            hint: "drop --cache-read-only (CARDFARM_CACHE_READ_ONLY) to fill it".into(),
        }
        .into());
    }
    let renderer = setup.load()?;
    let cards = super::selected_cards(&renderer, &args.cards.selection())?;
    let locales = super::locales(&renderer, &args.locales)?;
    let (renderer, warmed) = setup.warm(renderer, &cards, &locales, true)?;
    eprintln!("{warmed}");
    let counts = cache.counts();
    eprintln!(
        "{} backgrounds written to {}",
        counts.written,
        cache.dir().join("backgrounds").display()
    );
    if args.prune {
        let pruned = cache.prune(args.unused_for)?;
        eprintln!(
            "pruned {} unused backgrounds ({:.1} MB){}; kept {} ({:.1} MB)",
            pruned.removed,
            pruned.removed_bytes as f64 / 1e6,
            match pruned.leftovers {
                0 => String::new(),
                n => format!(" and {n} unfinished writes"),
            },
            pruned.kept,
            pruned.kept_bytes as f64 / 1e6,
        );
    }
    if counts.write_failures > 0 {
        eprintln!(
            "error: {} of the {} backgrounds drawn could not be written (see the warnings above)",
            counts.write_failures,
            renderer.backgrounds_drawn()
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
