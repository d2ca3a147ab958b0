//! Dead letters: jobs that failed for good and dataset lines that could not be read, kept in
//! `<stream>-dead` with their reason, within [`DeadLimits`]; listed, replayed and purged by
//! `cardfarm dead-letters`.

use std::time::Duration;

use async_nats::jetstream::{self, stream};
use async_nats::HeaderMap;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{dead_records_subject, dead_stream, max_payload, queue_err, subject, HEADER_ROOM};
use crate::error::Result;

/// How much the dead-letter stream keeps: letters older than `max_age`, or beyond `max_bytes`
/// in all (the oldest first), are dropped by the server. Zero means no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeadLimits {
    /// Default: 30 days.
    pub max_age: Duration,
    /// Default: 1 GiB.
    pub max_bytes: u64,
}

impl Default for DeadLimits {
    fn default() -> Self {
        DeadLimits {
            max_age: Duration::from_secs(30 * 24 * 3600),
            max_bytes: 1 << 30,
        }
    }
}

impl DeadLimits {
    /// JetStream's `max_bytes`: -1 for no limit.
    pub(super) fn bytes(&self) -> i64 {
        match self.max_bytes {
            0 => -1,
            n => i64::try_from(n).unwrap_or(i64::MAX),
        }
    }
}

/// A dead letter: the job and why it failed.
#[derive(Debug, Serialize, serde::Deserialize)]
pub struct DeadLetter {
    /// The job's user id; `?` when its stats have none, `(line N)` for a dataset line that
    /// is not JSON.
    pub user_id: String,
    pub error: String,
    /// Whether the error could have passed on a retry (the job ran out of deliveries).
    pub retryable: bool,
    /// Deliveries the job had; 0 when `enqueue` parked it.
    pub deliveries: i64,
    /// The original message, as JSON when it was JSON, else as text; an excerpt (text) when
    /// `truncated`.
    pub job: serde_json::Value,
    /// The dataset line of a record `enqueue` parked (not JSON, not UTF-8, too large).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// `job` is only the start of the original: the whole would not fit in a message.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}

/// Characters of an original kept in a letter that cannot hold all of it.
const EXCERPT_CHARS: usize = 1000;

/// The first [`EXCERPT_CHARS`] characters of `text`, and `…` when there were more.
fn excerpt(text: &str) -> (String, bool) {
    match text.char_indices().nth(EXCERPT_CHARS) {
        Some((end, _)) => (format!("{}…", &text[..end]), true),
        None => (text.to_string(), false),
    }
}

/// The dedup id of a job's dead letter: the original's stream sequence and publish time, so a
/// job dead-lettered again (its ack was lost) is stored once, and a recreated work stream,
/// whose sequences start over, cannot collide with letters of the old one.
pub fn dead_letter_id(stream_sequence: u64, published_nanos: i128) -> String {
    format!("dead:{stream_sequence}:{published_nanos}")
}

/// Moves a job a worker gave up on to the dead-letter stream, under the dedup id `id`
/// ([`dead_letter_id`]).
pub async fn dead_letter(
    js: &jetstream::Context,
    name: &str,
    letter: &DeadLetter,
    id: &str,
) -> Result<()> {
    publish_letter(js, subject(&dead_stream(name)), letter, id).await
}

/// Parks a dataset record that cannot be queued (not UTF-8, not JSON, larger than the
/// server's max payload) in the dead-letter stream (`<stream>-dead.records`), so `enqueue`
/// loses nothing. `line` is the line number in `dataset`; `reason` says what is wrong. A long
/// record is kept as an excerpt (marked `truncated`), so the letter itself always fits.
pub async fn dead_letter_record(
    js: &jetstream::Context,
    name: &str,
    dataset: &str,
    line: usize,
    text: &str,
    reason: &str,
) -> Result<()> {
    let (kept, truncated) = excerpt(text);
    let letter = DeadLetter {
        user_id: format!("(line {line})"),
        error: reason.to_string(),
        retryable: false,
        deliveries: 0,
        job: kept.into(),
        line: Some(line),
        truncated,
    };
    let digest = Sha256::digest(format!("{dataset}\n{line}\n{text}"));
    let id = format!("record:{}", hex::encode(&digest[..12]));
    publish_letter(js, dead_records_subject(name), &letter, &id).await
}

async fn publish_letter(
    js: &jetstream::Context,
    subject: String,
    letter: &DeadLetter,
    id: &str,
) -> Result<()> {
    let mut headers = HeaderMap::new();
    let reason: String = letter
        .error
        .chars()
        .take(200)
        .filter(|c| !c.is_control())
        .collect();
    headers.insert("Cardfarm-Error", reason.as_str());
    headers.insert("Nats-Msg-Id", id);
    let mut body =
        serde_json::to_vec(letter).map_err(|e| queue_err("encoding a dead letter", e))?;
    // A job that just fit, plus its error, may not: keep an excerpt of it, so the letter is
    // stored rather than refused (which would leave the job going round for ever).
    if body.len() + HEADER_ROOM + id.len() > max_payload(js) {
        let original = match &letter.job {
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        let (kept, _) = excerpt(&original);
        let (error, _) = excerpt(&letter.error);
        let shorter = DeadLetter {
            user_id: letter.user_id.clone(),
            error,
            retryable: letter.retryable,
            deliveries: letter.deliveries,
            job: kept.into(),
            line: letter.line,
            truncated: true,
        };
        body = serde_json::to_vec(&shorter).map_err(|e| queue_err("encoding a dead letter", e))?;
    }
    js.publish_with_headers(subject, headers, body.into())
        .await
        .map_err(|e| queue_err("publishing a dead letter", e))?
        .await
        .map_err(|e| queue_err("dead letter not acknowledged", e))?;
    Ok(())
}

/// A letter as the dead-letter stream holds it.
#[derive(Debug)]
pub struct StoredLetter {
    /// Its sequence in `<stream>-dead`.
    pub sequence: u64,
    /// When it was stored.
    pub time: std::time::SystemTime,
    /// A record `enqueue` parked (`<stream>-dead.records`), not a job a worker gave up on.
    pub record: bool,
    pub letter: DeadLetter,
}

/// Calls `each` with every letter of the dead-letter stream, oldest first, until it returns
/// `false`. Letters are fetched one at a time, so a large stream is never held in memory. A
/// message that is not a cardfarm letter (published by hand) is shown as one whose error says
/// so, with its text as the job.
pub async fn read_dead_letters(
    js: &jetstream::Context,
    name: &str,
    mut each: impl FnMut(StoredLetter) -> bool,
) -> Result<()> {
    let dead_name = dead_stream(name);
    let dead = js
        .get_stream(&dead_name)
        .await
        .map_err(|e| queue_err(&format!("stream {dead_name}"), e))?;
    let every = format!("{dead_name}.>");
    let records = dead_records_subject(name);
    let mut next = 1;
    loop {
        let message = match dead.get_first_raw_message_by_subject(&every, next).await {
            Ok(message) => message,
            Err(e) if e.kind() == stream::LastRawMessageErrorKind::NoMessageFound => break,
            Err(e) => return Err(queue_err(&format!("reading stream {dead_name}"), e)),
        };
        next = message.sequence + 1;
        let letter = serde_json::from_slice(&message.payload).unwrap_or_else(|e| DeadLetter {
            user_id: "?".into(),
            error: format!("not a cardfarm dead letter: {e}"),
            retryable: false,
            deliveries: 0,
            job: String::from_utf8_lossy(&message.payload).into(),
            line: None,
            truncated: false,
        });
        let nanos = u64::try_from(message.time.unix_timestamp_nanos()).unwrap_or(0);
        let stored = StoredLetter {
            sequence: message.sequence,
            time: std::time::UNIX_EPOCH + Duration::from_nanos(nanos),
            record: message.subject.as_str() == records,
            letter,
        };
        if !each(stored) {
            break;
        }
    }
    Ok(())
}

/// What a [`replay`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Replayed {
    /// Jobs put back on the work stream (and removed from the dead-letter stream).
    pub replayed: u64,
    /// Letters of records (not jobs: fix the dataset and enqueue again) and letters that hold
    /// only an excerpt of their job, left in the dead-letter stream.
    pub kept: u64,
}

/// Puts dead jobs back on the work stream: every one, or only `user`'s. Each is removed from
/// the dead-letter stream once the work stream has acknowledged its copy, so a replay that
/// stops half way loses nothing (at worst a job is both requeued and still a letter).
/// Records and truncated letters cannot be replayed and stay.
pub async fn replay(js: &jetstream::Context, name: &str, user: Option<&str>) -> Result<Replayed> {
    let dead_name = dead_stream(name);
    let dead = js
        .get_stream(&dead_name)
        .await
        .map_err(|e| queue_err(&format!("stream {dead_name}"), e))?;
    js.get_stream(name)
        .await
        .map_err(|e| queue_err(&format!("stream {name}"), e))?;
    let mut chosen = Vec::new();
    let mut outcome = Replayed::default();
    read_dead_letters(js, name, |stored| {
        if user.is_none_or(|u| stored.letter.user_id == u) {
            if stored.record || stored.letter.truncated {
                outcome.kept += 1;
            } else {
                chosen.push((stored.sequence, stored.time, stored.letter.job));
            }
        }
        true
    })
    .await?;
    for (sequence, time, job) in chosen {
        let payload = match job {
            serde_json::Value::String(text) => text.into_bytes(),
            other => serde_json::to_vec(&other).map_err(|e| queue_err("encoding a job", e))?,
        };
        // Not the original's id: that one may still be in the work stream's duplicate window.
        let stamp = time
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let id = format!("replay:{sequence}:{stamp}");
        let mut headers = HeaderMap::new();
        headers.insert("Nats-Msg-Id", id.as_str());
        js.publish_with_headers(subject(name), headers, payload.into())
            .await
            .map_err(|e| queue_err("requeueing a dead job", e))?
            .await
            .map_err(|e| queue_err("requeued job not acknowledged", e))?;
        dead.delete_message(sequence)
            .await
            .map_err(|e| queue_err(&format!("removing letter {sequence} from {dead_name}"), e))?;
        outcome.replayed += 1;
    }
    Ok(outcome)
}

/// Empties the dead-letter stream, or removes only `user`'s letters. Returns how many letters
/// were removed.
pub async fn purge_dead_letters(
    js: &jetstream::Context,
    name: &str,
    user: Option<&str>,
) -> Result<u64> {
    let dead_name = dead_stream(name);
    let dead = js
        .get_stream(&dead_name)
        .await
        .map_err(|e| queue_err(&format!("stream {dead_name}"), e))?;
    let Some(user) = user else {
        let purged = dead
            .purge()
            .await
            .map_err(|e| queue_err(&format!("purging {dead_name}"), e))?;
        return Ok(purged.purged);
    };
    let mut chosen = Vec::new();
    read_dead_letters(js, name, |stored| {
        if stored.letter.user_id == user {
            chosen.push(stored.sequence);
        }
        true
    })
    .await?;
    for sequence in &chosen {
        dead.delete_message(*sequence)
            .await
            .map_err(|e| queue_err(&format!("removing letter {sequence} from {dead_name}"), e))?;
    }
    Ok(chosen.len() as u64)
}
