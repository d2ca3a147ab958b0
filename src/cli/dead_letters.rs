//! `cardfarm dead-letters list|replay|purge`: what the dead-letter stream holds, putting dead
//! jobs back to work once their cause is fixed, and emptying it; and the `--dead-max-age` /
//! `--dead-max-bytes` flags `enqueue` and `worker` set its limits with.

use std::process::ExitCode;
use std::time::Duration;

use cardfarm::farm::queue::{self, DeadLimits};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Print every dead letter as a JSON line: sequence, time, kind (job or record), user id,
    /// reason, deliveries, and the line number of a dataset record.
    List {
        #[command(flatten)]
        queue: super::QueueArgs,
    },
    /// Put dead jobs back on the work stream (all, or one user's); each leaves the dead-letter
    /// stream once its copy is stored. Records (lines enqueue could not read) stay.
    Replay {
        #[command(flatten)]
        queue: super::QueueArgs,
        /// Only this user's jobs.
        #[arg(long, value_name = "ID")]
        user: Option<String>,
    },
    /// Remove dead letters: all, or one user's (`(line N)` for a record).
    Purge {
        #[command(flatten)]
        queue: super::QueueArgs,
        /// Only this user's letters.
        #[arg(long, value_name = "ID")]
        user: Option<String>,
    },
}

/// The dead-letter stream's limits, set when `enqueue` or a worker creates or finds it.
#[derive(Debug, clap::Args)]
pub struct LimitArgs {
    /// Dead letters older than this are dropped (`30d`, `12h`; `0` keeps them for ever).
    #[arg(long, default_value = "30d", value_parser = parse_age, value_name = "AGE")]
    dead_max_age: Duration,
    /// The dead-letter stream's size; past it the oldest letters are dropped (`1GiB`,
    /// `500MB`; `0` for no limit).
    #[arg(long, default_value = "1GiB", value_parser = parse_bytes, value_name = "SIZE")]
    dead_max_bytes: u64,
}

impl LimitArgs {
    pub fn limits(&self) -> DeadLimits {
        DeadLimits {
            max_age: self.dead_max_age,
            max_bytes: self.dead_max_bytes,
        }
    }
}

pub(super) fn parse_age(text: &str) -> Result<Duration, String> {
    if text.trim() == "0" {
        return Ok(Duration::ZERO);
    }
    humantime::parse_duration(text.trim()).map_err(|e| format!("`{text}`: {e} (e.g. 30d, 12h)"))
}

fn parse_bytes(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("`{text}`: expected a size such as 1GiB or 500MB"))?;
    let scale: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1000,
        "kib" => 1 << 10,
        "m" | "mb" => 1_000_000,
        "mib" => 1 << 20,
        "g" | "gb" => 1_000_000_000,
        "gib" => 1 << 30,
        "t" | "tb" => 1_000_000_000_000,
        "tib" => 1 << 40,
        other => {
            return Err(format!(
                "`{text}`: unknown unit `{other}` (B, KB, KiB, MB, MiB, GB, GiB, TB, TiB)"
            ))
        }
    };
    number
        .checked_mul(scale)
        .ok_or_else(|| format!("`{text}`: too large"))
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        match args.action {
            Action::List { queue } => {
                let js = queue::connect(&queue.nats).await?;
                let mut out = std::io::stdout().lock();
                let mut failed = None;
                queue::read_dead_letters(&js, &queue.stream, |stored| {
                    use std::io::Write;
                    let line = serde_json::json!({
                        "sequence": stored.sequence,
                        "time": humantime::format_rfc3339_millis(stored.time).to_string(),
                        "kind": if stored.record { "record" } else { "job" },
                        "user_id": stored.letter.user_id,
                        "reason": stored.letter.error,
                        "retryable": stored.letter.retryable,
                        "deliveries": stored.letter.deliveries,
                        "line": stored.letter.line,
                        "truncated": stored.letter.truncated,
                    });
                    // A closed pipe (`| head`) ends the listing.
                    match writeln!(out, "{line}") {
                        Ok(()) => true,
                        Err(e) => {
                            failed = Some(e);
                            false
                        }
                    }
                })
                .await?;
                match failed {
                    Some(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
                    _ => Ok(ExitCode::SUCCESS),
                }
            }
            Action::Replay { queue, user } => {
                let js = queue::connect(&queue.nats).await?;
                let done = queue::replay(&js, &queue.stream, user.as_deref()).await?;
                println!(
                    "replayed {} jobs onto stream {}; {} letters kept (dataset records, or jobs kept only as an excerpt)",
                    done.replayed, queue.stream, done.kept
                );
                Ok(ExitCode::SUCCESS)
            }
            Action::Purge { queue, user } => {
                let js = queue::connect(&queue.nats).await?;
                let removed = queue::purge_dead_letters(&js, &queue.stream, user.as_deref()).await?;
                println!(
                    "removed {removed} letters from {}",
                    queue::dead_stream(&queue.stream)
                );
                Ok(ExitCode::SUCCESS)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_ages_parse() {
        assert_eq!(parse_bytes("1GiB"), Ok(1 << 30));
        assert_eq!(parse_bytes("500MB"), Ok(500_000_000));
        assert_eq!(parse_bytes("0"), Ok(0));
        assert!(parse_bytes("12 parsecs").is_err());
        assert_eq!(parse_age("30d"), Ok(Duration::from_secs(30 * 86400)));
        assert_eq!(parse_age("0"), Ok(Duration::ZERO));
        assert!(parse_age("soon").is_err());
    }
}
