//! Command line: one module per subcommand; errors print as `error: …` and `hint: …`.

mod batch;
mod bench;
mod dead_letters;
mod enqueue;
mod import;
mod lint;
mod queue_status;
mod render;
mod schema;
mod serve;
mod sign_url;
mod stats;
mod studio;
mod templates;
mod warm;
mod worker;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};

use cardfarm::card::backdrop::cache::{self, Cache};
use cardfarm::Renderer;

#[derive(Debug, Parser)]
#[command(
    name = "cardfarm",
    version,
    about = "Renders personal year-in-music story cards"
)]
pub struct Args {
    /// Folder of templates.
    #[arg(long, global = true, env = "CARDFARM_TEMPLATES", value_name = "DIR")]
    template_dir: Option<PathBuf>,
    /// Folder of fonts; only these are used.
    #[arg(long, global = true, env = "CARDFARM_FONTS", value_name = "DIR")]
    font_dir: Option<PathBuf>,
    /// Folder of the cache of rasterized backgrounds, shared by every cardfarm process.
    /// Default: `cardfarm` in the user's cache folder ($XDG_CACHE_HOME, else ~/.cache).
    #[arg(long, global = true, env = "CARDFARM_CACHE_DIR", value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Read the background cache but never write to it (a cache baked into an image).
    #[arg(long, global = true, env = "CARDFARM_CACHE_READ_ONLY")]
    cache_read_only: bool,
    /// Use no background cache: every background is drawn in this process. Wins over
    /// --cache-dir and --cache-read-only.
    #[arg(long, global = true, env = "CARDFARM_NO_CACHE")]
    no_cache: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List templates and their formats.
    Templates,
    /// Render one user's cards to PNG (and optionally the filled SVG).
    Render(render::Args),
    /// Render many cards and report cards/s, latency percentiles and peak memory.
    Bench(bench::Args),
    /// Render every user's cards in this process (the main job).
    Batch(batch::Args),
    /// Queue one render job per user on NATS JetStream.
    Enqueue(enqueue::Args),
    /// Drain the job queue: render and store cards until stopped.
    Worker(worker::Args),
    /// Print the queue's pending, in-flight, completed and dead jobs as JSON.
    QueueStatus(QueueArgs),
    /// List, replay or purge the dead-letter stream.
    DeadLetters(dead_letters::Args),
    /// Serve cards over HTTP.
    Serve(serve::Args),
    /// Print a signed card link for a server with a signing key.
    SignUrl(sign_url::Args),
    /// Print the JSON Schema of the stats format.
    Schema,
    /// Turn one listener's Spotify listening history into their stats JSON for a year, or a
    /// folder of listeners into a dataset (--population).
    Stats(stats::Args),
    /// Load a dataset into the PostgreSQL stats store the server reads.
    Import(import::Args),
    /// Render every template against the fixture users (or a dataset) and report what
    /// would look wrong: text in the safe zones, cut or tiny text, tofu, overflow, collisions,
    /// unknown or unused fields, slow renders, missing messages. Exit 1 on findings.
    Lint(lint::Args),
    /// The designers' page: every card of one person, re-rendered on every save.
    Studio(studio::Args),
    /// Fill the background cache: rasterize the backgrounds of the templates, formats and
    /// locales named (default: all of them) that it does not hold yet.
    Warm(warm::Args),
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let setup = Setup {
        templates: resolve(args.template_dir, "templates"),
        fonts: resolve(args.font_dir, "fonts"),
        cache: background_cache(args.cache_dir, args.cache_read_only, args.no_cache),
    };
    match args.command {
        Command::Templates => templates::run(&setup.load()?),
        Command::Render(a) => render::run(a, &setup),
        Command::Bench(a) => bench::run(a, &setup.load()?),
        Command::Batch(a) => batch::run(a, &setup),
        Command::Enqueue(a) => enqueue::run(a, &setup),
        Command::Worker(a) => worker::run(a, &setup),
        Command::QueueStatus(a) => queue_status::run(a),
        Command::DeadLetters(a) => dead_letters::run(a),
        Command::Serve(a) => serve::run(a, &setup),
        Command::SignUrl(a) => sign_url::run(a),
        Command::Schema => schema::run(),
        Command::Stats(a) => stats::run(a),
        Command::Import(a) => import::run(a),
        Command::Lint(a) => lint::run(a, &setup.load()?),
        Command::Studio(a) => studio::run(a, &setup),
        Command::Warm(a) => warm::run(a, &setup),
    }
}

/// Where templates, fonts and the background cache are: what every rendering command loads.
pub struct Setup {
    pub templates: PathBuf,
    pub fonts: PathBuf,
    /// `None` with `--no-cache`, or when the user has no cache folder.
    pub cache: Option<Arc<Cache>>,
}

impl Setup {
    /// The renderer, with the background cache.
    pub fn load(&self) -> anyhow::Result<Renderer> {
        Ok(Renderer::load(&self.templates, &self.fonts)?.with_cache(self.cache.clone()))
    }

    /// A renderer for a long-running job, with the backgrounds of `cards` (template, format)
    /// in `locales` made ready up front: read from the cache, or rasterized (and kept there),
    /// and ready to encode cards over ([`Renderer::warm_cards`]) unless `only_cache`. The
    /// others are made on first use. Also returns a line saying what that took.
    pub fn warm(
        &self,
        renderer: Renderer,
        cards: &[(String, String)],
        locales: &[String],
        only_cache: bool,
    ) -> anyhow::Result<(Arc<Renderer>, String)> {
        use anyhow::Context;
        let started = std::time::Instant::now();
        if only_cache {
            renderer.cache_cards(cards, locales)
        } else {
            renderer.warm_cards(cards, locales)
        }
        .context("rasterizing template backgrounds")?;
        let counts = renderer.cache().map(|c| c.counts()).unwrap_or_default();
        let refused = match counts.rejected {
            0 => String::new(),
            n => format!(", {n} cached files refused (corrupt or stale) and drawn again"),
        };
        let line = format!(
            "backgrounds ready in {:.2} s: {} drawn, {} from the cache ({}){refused}",
            started.elapsed().as_secs_f64(),
            renderer.backgrounds_drawn(),
            counts.hits,
            self.describe_cache()
        );
        Ok((Arc::new(renderer), line))
    }

    /// The cache's folder and mode, for logs.
    pub fn describe_cache(&self) -> String {
        match &self.cache {
            Some(c) if c.mode() == cache::Mode::ReadOnly => {
                format!("{} (read-only)", c.dir().display())
            }
            Some(c) => c.dir().display().to_string(),
            None => "none".into(),
        }
    }
}

/// The background cache the flags ask for: `--cache-dir`, else the user's cache folder.
fn background_cache(dir: Option<PathBuf>, read_only: bool, off: bool) -> Option<Arc<Cache>> {
    if off {
        return None;
    }
    let dir = dir.or_else(|| dirs::cache_dir().map(|d| d.join("cardfarm")))?;
    let mode = match read_only {
        true => cache::Mode::ReadOnly,
        false => cache::Mode::ReadWrite,
    };
    Some(Arc::new(Cache::new(dir, mode)))
}

/// Every (template, format) of `selection`, or the plan error (an unknown name, no card).
pub fn selected_cards(
    renderer: &Renderer,
    selection: &cardfarm::farm::job::CardSelection,
) -> anyhow::Result<Vec<(String, String)>> {
    Ok(selection
        .cards(renderer.templates())?
        .into_iter()
        .map(|c| (c.template, c.format))
        .collect())
}

/// The dataset flag's value, else the bundled sample.
pub fn data_or_sample(flag: Option<PathBuf>) -> PathBuf {
    flag.unwrap_or_else(|| resolve(None, "data/sample.jsonl"))
}

/// `--templates` and `--formats`: which cards each user gets (`batch`, `enqueue`).
#[derive(Debug, clap::Args)]
pub struct Selection {
    /// Templates to render, comma separated. Default: all.
    #[arg(long, value_delimiter = ',')]
    templates: Option<Vec<String>>,
    /// Formats to render, comma separated. Default: every format a template has.
    #[arg(long, value_delimiter = ',')]
    formats: Option<Vec<String>>,
}

/// Which backgrounds a long-running command (`worker`, `serve`) makes ready before its first
/// card; any other is made on first use.
#[derive(Debug, clap::Args)]
pub struct WarmArgs {
    /// Templates whose backgrounds are made ready at start, comma separated. Default: all.
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    warm_templates: Option<Vec<String>>,
    /// Formats made ready at start, comma separated. Default: every format.
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    warm_formats: Option<Vec<String>>,
    /// Locales made ready at start, comma separated, or `all`. Default: en.
    #[arg(long, value_delimiter = ',', value_name = "TAGS", default_value = "en")]
    warm_locales: Vec<String>,
}

impl WarmArgs {
    /// The renderer with the backgrounds these flags name made ready, and a line saying so.
    pub fn warm(
        &self,
        setup: &Setup,
        renderer: Renderer,
    ) -> anyhow::Result<(Arc<Renderer>, String)> {
        let selection = cardfarm::farm::job::CardSelection {
            templates: self.warm_templates.clone(),
            formats: self.warm_formats.clone(),
        };
        let cards = selected_cards(&renderer, &selection)?;
        let locales = locales(&renderer, &self.warm_locales)?;
        setup.warm(renderer, &cards, &locales, false)
    }
}

/// Locale tags from a flag: each checked, `all` for every catalog's (the reference locale
/// when the templates have no catalogs: their cards are still drawn in it).
pub fn locales(renderer: &Renderer, tags: &[String]) -> anyhow::Result<Vec<String>> {
    if tags.iter().any(|t| t == "all") {
        let mut all: Vec<String> = renderer
            .templates()
            .catalogs()
            .tags()
            .map(str::to_string)
            .collect();
        if all.is_empty() {
            all.push(cardfarm::card::catalog::REFERENCE.to_string());
        }
        return Ok(all);
    }
    for tag in tags {
        cardfarm::card::model::check_locale(tag).map_err(|e| Usage {
            message: format!("locale `{tag}`: {e}"),
            hint: "`cardfarm templates` lists the locales; `all` names every one".into(),
        })?;
    }
    Ok(tags.to_vec())
}

/// The cards' file format: `--encoding` and, for JPEG, `--quality`.
#[derive(Debug, clap::Args)]
pub struct EncodingArgs {
    /// File format of the cards: png (lossless, the default), webp (lossless, smaller) or
    /// jpeg (lossy, smallest; see --quality).
    #[arg(long, default_value = "png", value_parser = ["png", "webp", "jpeg"])]
    encoding: String,
    /// JPEG quality, 1 to 100. Default: 90.
    #[arg(long, value_name = "1-100")]
    quality: Option<u8>,
}

impl EncodingArgs {
    pub fn encoding(&self) -> anyhow::Result<cardfarm::card::Encoding> {
        Ok(cardfarm::card::Encoding::new(&self.encoding, self.quality)?)
    }
}

impl Selection {
    pub fn selection(&self) -> cardfarm::farm::job::CardSelection {
        cardfarm::farm::job::CardSelection {
            templates: self.templates.clone(),
            formats: self.formats.clone(),
        }
    }
}

/// `--opt-out`: users who get no card (`batch`, `enqueue`, `worker`, `serve`).
#[derive(Debug, Clone, clap::Args)]
pub struct OptOutArgs {
    /// Users who get no card: a file of user ids, one per line, or a postgres:// URL whose
    /// `cardfarm_opt_out` table lists them. Read again every minute by long-running commands.
    #[arg(
        long = "opt-out",
        env = "CARDFARM_OPT_OUT",
        value_name = "FILE | postgres://…",
        hide_env_values = true
    )]
    spec: Option<String>,
}

/// How often `worker` and `serve` read the opt-out list again.
const OPT_OUT_REFRESH: std::time::Duration = std::time::Duration::from_secs(60);

impl OptOutArgs {
    /// The list now (empty without `--opt-out`). A list that cannot be read is an error:
    /// no card is made while we cannot tell who opted out.
    pub async fn load(&self) -> anyhow::Result<cardfarm::opt_out::OptOut> {
        use anyhow::Context as _;
        use cardfarm::opt_out::OptOut;
        let Some(spec) = &self.spec else {
            return Ok(OptOut::default());
        };
        if spec.starts_with("postgres://") || spec.starts_with("postgresql://") {
            let pool = cardfarm::server::store::postgres_pool(spec)?;
            return OptOut::from_postgres(&pool).await.context("opt-out list");
        }
        let path = PathBuf::from(spec);
        // The file's errors name it, as "opt-out list FILE, line N: …".
        Ok(tokio::task::spawn_blocking(move || OptOut::from_file(&path)).await??)
    }

    /// The list, loaded now and then read again every [`OPT_OUT_REFRESH`] for as long as the
    /// runtime lives, so an opt-out during a long run is honoured. A failed re-read keeps the
    /// list it had (logged): its opt-outs still hold.
    pub async fn load_shared(&self) -> anyhow::Result<cardfarm::opt_out::Shared> {
        let shared = cardfarm::opt_out::Shared::new(self.load().await?);
        if self.spec.is_some() {
            tracing::info!(users = shared.current().len(), "opt-out list loaded");
            let (args, list) = (self.clone(), shared.clone());
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(OPT_OUT_REFRESH).await;
                    match args.load().await {
                        Ok(fresh) => list.replace(fresh),
                        Err(e) => {
                            tracing::warn!(error = %format!("{e:#}"), "kept the opt-out list")
                        }
                    }
                }
            });
        }
        Ok(shared)
    }
}

#[derive(Debug, clap::Args)]
pub struct QueueArgs {
    /// NATS server URL, with credentials if the server wants them (prefer the environment
    /// variable then: a flag's value shows in `ps`).
    #[arg(
        long,
        env = "CARDFARM_NATS",
        default_value = "nats://127.0.0.1:4222",
        hide_env_values = true
    )]
    nats: String,
    /// Work stream name (the dead letters go to `<stream>-dead`).
    #[arg(long, env = "CARDFARM_STREAM", default_value = "cardfarm")]
    stream: String,
    /// A NATS .creds file (user JWT and NKey seed), for servers in operator mode. Default:
    /// `NATS_CREDS` if set. A user and password or a token go in the URL instead:
    /// nats://user:password@host:4222, nats://token@host:4222.
    #[arg(long, env = "CARDFARM_NATS_CREDS", value_name = "FILE")]
    nats_creds: Option<PathBuf>,
    /// PEM file of the CA that signed the NATS server's certificate; requires TLS.
    #[arg(long, env = "CARDFARM_NATS_CA", value_name = "FILE")]
    nats_ca: Option<PathBuf>,
}

impl QueueArgs {
    /// The NATS server and the credentials to present to it.
    pub fn endpoint(&self) -> cardfarm::farm::queue::Endpoint {
        cardfarm::farm::queue::Endpoint {
            url: self.nats.clone(),
            // NATS's own tools read NATS_CREDS; honour it too, below our own setting.
            creds_file: self
                .nats_creds
                .clone()
                .or_else(|| std::env::var_os("NATS_CREDS").map(PathBuf::from)),
            root_ca: self.nats_ca.clone(),
        }
    }
}

/// A key from a flag or the environment. Unset is a choice (open endpoint, unsigned links);
/// empty is a mistake that would silently disable the check (`Bearer ` would match an empty
/// API key, and anyone can sign with an empty signing key), so it is refused.
pub fn check_key(key: &str, flag: &str, env: &str) -> anyhow::Result<()> {
    if key.trim().is_empty() {
        return Err(Usage {
            message: format!("{flag} (or {env}) is empty"),
            hint: format!(
                "set a real key (e.g. `openssl rand -hex 32`), or unset {env} and drop {flag} to run without one"
            ),
        }
        .into());
    }
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}

/// Structured logs on stderr; `RUST_LOG` filters (default `info`), `CARDFARM_LOG=json` for JSON.
pub fn init_logging() {
    // usvg says so each time a background's heading falls back to another face (CJK,
    // Arabic…): by design here, so only its errors are shown unless RUST_LOG asks.
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,usvg::text=error"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if std::env::var("CARDFARM_LOG").is_ok_and(|v| v == "json") {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// A path flag's value, else `default` in the working directory, else in the source checkout
/// this binary was built from, so `cargo run` works from anywhere in a clone.
pub fn resolve(flag: Option<PathBuf>, default: &str) -> PathBuf {
    if let Some(path) = flag {
        return path;
    }
    let local = PathBuf::from(default);
    if local.exists() {
        return local;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join(default)
}

/// A flag or setting that cannot work, with what to do instead.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Usage {
    pub message: String,
    pub hint: String,
}

/// Prints an error with its causes and, where one helps, a hint.
pub fn report(e: &anyhow::Error) {
    eprintln!("error: {e}");
    for cause in e.chain().skip(1) {
        eprintln!("  caused by: {cause}");
    }
    let hint = match e.downcast_ref::<Usage>() {
        Some(usage) => Some(usage.hint.clone()),
        None => e.downcast_ref::<cardfarm::Error>().and_then(hint),
    };
    if let Some(hint) = hint {
        eprintln!("hint: {hint}");
    }
}

fn hint(e: &cardfarm::Error) -> Option<String> {
    use cardfarm::Error::*;
    Some(match e {
        UnknownUser { .. } => {
            "pass --data <FILE.jsonl> to pick another dataset, or --stats <FILE.json> for one user"
                .into()
        }
        UnknownTemplate { .. } | UnknownFormat { .. } | NoSuchFormat { .. } | NoCards(_) => {
            "`cardfarm templates` lists templates and formats".into()
        }
        CardSize { .. } => {
            "fix the format's width and height in the template's template.toml".into()
        }
        Storage {
            permanent: true, ..
        } => "check the bucket or folder name, the credentials (AWS_*) and what they may write"
            .into(),
        MalformedJson { .. } | InvalidStats { .. } => {
            "`cardfarm schema` prints the stats format as JSON Schema".into()
        }
        BrokenTemplate { .. } | Fill { .. } | Parse { .. } => {
            "fix the template file named above; `--emit-svg` shows the filled SVG".into()
        }
        _ => return None,
    })
}

/// S3 settings from the standard `AWS_*` environment variables, for `Sink::open`.
pub fn s3_options_from_env() -> Vec<(String, String)> {
    std::env::vars()
        .filter(|(k, _)| k.starts_with("AWS_"))
        .filter(|(k, _)| {
            k.to_ascii_lowercase()
                .parse::<object_store::aws::AmazonS3ConfigKey>()
                .is_ok()
        })
        .map(|(k, v)| (k.to_ascii_lowercase(), v))
        .collect()
}
