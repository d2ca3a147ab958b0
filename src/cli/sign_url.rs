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
    if has_sig(&args.path) {
        return Err(super::Usage {
            message: "the path already has a `sig` parameter".into(),
            hint: "sign the path without it: `sig` is what this command adds".into(),
        }
        .into());
    }
    let mut path = args.path.clone();
    if let Some(seconds) = args.expires_in {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let Some(exp) = now.checked_add(seconds) else {
            return Err(super::Usage {
                message: format!("--expires-in {seconds} is too far in the future"),
                hint: format!(
                    "give at most {} seconds (a year is 31536000)",
                    u64::MAX - now
                ),
            }
            .into());
        };
        let separator = if path.contains('?') { '&' } else { '?' };
        path = format!("{path}{separator}exp={exp}");
    }
    println!("{}", server::sign::sign(args.signing_key.as_bytes(), &path));
    Ok(ExitCode::SUCCESS)
}

/// Whether the query of `path_and_query` has a parameter named exactly `sig`, the one the
/// server reads as the signature (`cosig=…` or `sig` inside a value is not one).
fn has_sig(path_and_query: &str) -> bool {
    path_and_query.split_once('?').is_some_and(|(_, query)| {
        query
            .split('&')
            .any(|pair| pair.split_once('=').map_or(pair, |(k, _)| k) == "sig")
    })
}

#[cfg(test)]
mod tests {
    use super::has_sig;

    #[test]
    fn only_a_parameter_named_sig_counts() {
        assert!(has_sig("/v1/cards/demo/minutes.png?sig=ab"));
        assert!(has_sig("/v1/cards/demo/minutes.png?format=story&sig=ab"));
        assert!(has_sig("/v1/cards/demo/minutes.png?sig"));
        assert!(!has_sig("/v1/cards/demo/minutes.png?format=story&cosig=2"));
        assert!(!has_sig("/v1/cards/demo/minutes.png?note=sig=1"));
        assert!(!has_sig("/v1/cards/sig=demo/minutes.png"));
        assert!(!has_sig("/v1/cards/demo/minutes.png"));
    }
}
