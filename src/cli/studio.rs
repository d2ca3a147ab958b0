//! `cardfarm studio`: the designers' page, served on loopback; it follows every save.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use cardfarm::studio::{self, Config, Workspace};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on. Blessing goldens works only on a loopback address.
    #[arg(long, env = "CARDFARM_STUDIO_ADDR", default_value = "127.0.0.1:7878")]
    addr: SocketAddr,
    /// Dataset (JSON Lines) whose users are shown beside the fixtures. Default: the bundled
    /// sample.
    #[arg(long, env = "CARDFARM_DATA", value_name = "FILE.jsonl")]
    data: Option<PathBuf>,
    /// The person shown first: a user id of the dataset or a fixture name.
    #[arg(long, short)]
    user: Option<String>,
    /// Folder of fixture stats (`*.json`). Default: `tests/fixtures`.
    #[arg(long, value_name = "DIR")]
    fixtures: Option<PathBuf>,
    /// Folder of golden images. Default: `golden`.
    #[arg(long, value_name = "DIR")]
    golden: Option<PathBuf>,
}

pub fn run(args: Args, setup: &super::Setup) -> anyhow::Result<ExitCode> {
    super::init_logging();
    let config = Config {
        templates: setup.templates.clone(),
        fonts: setup.fonts.clone(),
        backgrounds: setup.cache.clone(),
        data: Some(super::data_or_sample(args.data)),
        fixtures: Some(super::resolve(args.fixtures, "tests/fixtures")),
        golden: Some(super::resolve(args.golden, "golden")),
        user: args.user,
        loopback: args.addr.ip().is_loopback(),
    };
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("listening on {}", args.addr))?;
        let addr = listener.local_addr()?;
        let workspace =
            Arc::new(tokio::task::spawn_blocking(move || Workspace::open(config)).await??);
        for problem in workspace.problems() {
            tracing::warn!(%problem, "studio");
        }
        let _watcher = studio::watch(workspace.clone())?;
        if !workspace.config().loopback {
            tracing::warn!("not on loopback: blessing goldens is refused");
        }
        eprintln!("studio: http://{addr}/ (Ctrl-C stops)");
        // The page's event streams never end by themselves: stop without waiting for them.
        tokio::select! {
            served = axum::serve(listener, studio::app(workspace)) => served?,
            _ = super::shutdown_signal() => {}
        }
        Ok(ExitCode::SUCCESS)
    })
}
