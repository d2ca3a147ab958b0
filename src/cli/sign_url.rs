//! `cardfarm sign-url`: a signed card link for a server that has a signing key.

use std::process::ExitCode;

use cardfarm::server;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The server's current signing key; links are always signed with it (a server's previous
    /// key only verifies old links). Prefer the environment variable.
    #[arg(long, env = "CARDFARM_SIGNING_KEY", hide_env_values = true)]
    signing_key: String,
    /// Make the link expire this many seconds from now (adds a signed `exp`).
    #[arg(long, value_name = "SECONDS")]
    expires_in: Option<u64>,
    /// Path and query to sign, e.g. `/v1/cards/demo/top-artists.png?format=story`.
    path: String,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    super::check_key(&args.signing_key, "--signing-key", "CARDFARM_SIGNING_KEY")?;
    anyhow::ensure!(
        args.path.starts_with('/'),
        "the path must start with `/`, e.g. /v1/cards/demo/minutes.png"
    );
    anyhow::ensure!(
        !args.path.contains("sig="),
        "the path already has a `sig`: sign the path without it"
    );
    let mut path = args.path.clone();
    if let Some(seconds) = args.expires_in {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let separator = if path.contains('?') { '&' } else { '?' };
        path = format!("{path}{separator}exp={}", now + seconds);
    }
    println!("{}", server::sign::sign(args.signing_key.as_bytes(), &path));
    Ok(ExitCode::SUCCESS)
}
