//! Queue: render jobs on NATS JetStream.
//!
//! - The work stream `<stream>` (subject `<stream>.jobs`) has work-queue retention: a message
//!   lives until a worker acks it. Publishes carry a `Nats-Msg-Id`, so enqueueing the same job
//!   twice within the duplicate window stores it once.
//! - One durable pull consumer, `workers`, shared by every worker: explicit acks and an ack
//!   wait (a job not acked in time goes to another worker). Its server-side `max_deliver` is
//!   unlimited on purpose: the *worker* counts deliveries and dead-letters a job when the count
//!   reaches its limit. With a server-side limit, a job whose last delivery died with its worker
//!   (killed, timed out, dead letter not stored, ack lost) would never be delivered again, and
//!   nobody would dead-letter it: it would be lost.
//! - The dead-letter stream `<stream>-dead` keeps jobs that failed for good, with the error:
//!   subject `<stream>-dead.jobs` for jobs a worker gave up on, `<stream>-dead.records` for
//!   dataset lines `enqueue` could not even read as JSON. Letters carry a `Nats-Msg-Id`
//!   derived from the original message, so a job dead-lettered twice (its ack was lost) is
//!   stored once.
//!
//! - The dead-letter stream has limits ([`DeadLimits`]: 30 days and 1 GiB by default, oldest
//!   dropped first), so a long-running fleet's letters cannot fill the disk. [`read_dead_letters`],
//!   [`replay`] and [`purge_dead_letters`] are `cardfarm dead-letters list|replay|purge`.
//! - A record or job larger than the server's `max_payload` cannot be a message: `enqueue`
//!   dead-letters it with its line number ([`Publisher::publish`] says [`Published::TooLarge`]),
//!   and a letter that would not fit keeps an excerpt of its job (`truncated`).
//! - [`connect_to`] reaches the server with the credentials of an [`Endpoint`]: a user and
//!   password or a token in the URL, or a `.creds` file; the URL is shown only with its secrets
//!   masked ([`redact::url`]).
//!
//! [`status`] derives `completed` from stream counters, since a work queue keeps no record of
//! acked messages: every message ever stored in the work stream (its last sequence), less
//! those still in it, was acked, either as done or after being dead-lettered by a worker; so
//! `completed = last_sequence - messages - letters under <stream>-dead.jobs`. That holds while
//! nobody removes messages by hand: purging or deleting messages from the work stream counts
//! them as completed, and removing letters from the dead stream (after a replay, say) counts
//! those jobs as completed too. A job dead-lettered twice outside the duplicate window counts
//! twice as dead.

use std::path::PathBuf;
use std::time::Duration;

use async_nats::jetstream::context::ConsumerInfoErrorKind;
use async_nats::jetstream::{self, consumer, stream};
use async_nats::HeaderMap;
use futures::StreamExt;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::farm::job::Job;
use crate::redact;

/// Consumer settings every worker shares.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Time a worker has to ack (or report progress) before the job is handed to another.
    /// Default: 30 s.
    pub ack_wait: Duration,
    /// Deliveries before a retryable failure becomes a dead letter; a job delivered more often
    /// than this (its workers died holding it) is dead-lettered before it is rendered. Counted
    /// by the worker; the consumer itself never stops redelivering. Default: 5.
    pub max_deliver: i64,
    /// Copies of each stream in a JetStream cluster (1, 3 or 5), when a stream is created.
    /// Default: 1.
    pub replicas: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            ack_wait: Duration::from_secs(30),
            max_deliver: 5,
            replicas: 1,
        }
    }
}

pub const CONSUMER: &str = "workers";

pub fn subject(stream: &str) -> String {
    format!("{stream}.jobs")
}

pub fn dead_stream(stream: &str) -> String {
    format!("{stream}-dead")
}

/// Where `enqueue` parks dataset lines that are not JSON.
pub fn dead_records_subject(stream: &str) -> String {
    format!("{}.records", dead_stream(stream))
}

fn queue_err(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Queue(format!("{what}: {e}"))
}

/// Where NATS is and how to prove who we are to it.
///
/// Credentials come in one of three forms, as every NATS client takes them:
/// - in the URL: `nats://user:password@host:4222`, or `nats://token@host:4222` (a user part
///   with no password is a token); percent-encode `@`, `:` and `/` inside them;
/// - a `.creds` file ([`Endpoint::creds_file`]): the user JWT and NKey seed that `nsc` or an
///   account server issues, for servers run in operator (decentralised JWT) mode;
/// - none, for a server without authorization (local development).
///
/// The URL is only ever shown through [`redact::url`], so a password or token never reaches
/// a log line or an error message.
#[derive(Clone, Default)]
pub struct Endpoint {
    /// `nats://host:port` (or `tls://` to insist on TLS), with optional credentials.
    pub url: String,
    /// A NATS `.creds` file. Default: none.
    pub creds_file: Option<PathBuf>,
    /// PEM certificates that the server's TLS certificate must chain to (a private CA); setting
    /// it also requires TLS. Default: none (the system's roots, and TLS only when the server
    /// or a `tls://` URL asks for it).
    pub root_ca: Option<PathBuf>,
}

impl Endpoint {
    /// The server at `url`, with the credentials the URL carries, if any.
    pub fn new(url: impl Into<String>) -> Endpoint {
        Endpoint {
            url: url.into(),
            ..Endpoint::default()
        }
    }
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint")
            .field("url", &redact::url(&self.url))
            .field("creds_file", &self.creds_file)
            .field("root_ca", &self.root_ca)
            .finish()
    }
}

/// Credentials found in a URL's user part.
enum UrlAuth {
    UserPassword(String, String),
    Token(String),
}

/// The URL without its user part, and the credentials that were in it.
fn split_credentials(url: &str) -> Result<(String, Option<UrlAuth>)> {
    if !url.contains('@') {
        return Ok((url.to_string(), None));
    }
    let full = if url.contains("://") {
        url.to_string()
    } else {
        format!("nats://{url}")
    };
    let invalid =
        |why: String| Error::Queue(format!("invalid NATS URL {}: {why}", redact::url(url)));
    let mut parsed = ::url::Url::parse(&full).map_err(|e| invalid(e.to_string()))?;
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8()
            .map(|s| s.into_owned())
            .map_err(|_| invalid("the credentials are not UTF-8 once percent-decoded".into()))
    };
    let user = decode(parsed.username())?;
    let password = parsed.password().map(decode).transpose()?;
    let auth = match password {
        Some(password) => Some(UrlAuth::UserPassword(user, password)),
        None if user.is_empty() => None,
        None => Some(UrlAuth::Token(user)),
    };
    // Only a URL with a host gets here (it had an `@` before it), and such a URL takes both.
    let _ = parsed.set_username("");
    let _ = parsed.set_password(None);
    Ok((parsed.to_string(), auth))
}

/// Connects to NATS (no credentials but those in the URL) and returns a JetStream context.
pub async fn connect(url: &str) -> Result<jetstream::Context> {
    connect_to(&Endpoint::new(url)).await
}

/// Connects to NATS as `endpoint` says and returns a JetStream context. A server that refuses
/// the credentials (or wants some) is an error that says so.
pub async fn connect_to(endpoint: &Endpoint) -> Result<jetstream::Context> {
    let shown = redact::url(&endpoint.url);
    let (url, from_url) = split_credentials(&endpoint.url)?;
    let mut options = async_nats::ConnectOptions::new().name("cardfarm");
    match (from_url, &endpoint.creds_file) {
        (Some(_), Some(file)) => {
            return Err(Error::Queue(format!(
                "{shown} carries credentials and so does {}: give one of them",
                file.display()
            )))
        }
        (Some(UrlAuth::UserPassword(user, password)), None) => {
            options = options.user_and_password(user, password);
        }
        (Some(UrlAuth::Token(token)), None) => options = options.token(token),
        (None, Some(file)) => {
            options = options
                .credentials_file(file)
                .await
                .map_err(|e| Error::Queue(format!("NATS credentials {}: {e}", file.display())))?;
        }
        (None, None) => {}
    }
    if let Some(ca) = &endpoint.root_ca {
        options = options.add_root_certificates(ca.clone()).require_tls(true);
    }
    let client = options
        .connect(url.as_str())
        .await
        .map_err(|e| connect_error(&shown, &e))?;
    Ok(jetstream::new(client))
}

/// A failed connection, with what to do when the server wants credentials.
fn connect_error(shown: &str, e: &async_nats::ConnectError) -> Error {
    use async_nats::ConnectErrorKind::{Authentication, AuthorizationViolation};
    let hint = match e.kind() {
        AuthorizationViolation | Authentication => {
            " (the server wants credentials: put them in the URL, nats://user:password@host or \
             nats://token@host, or pass a .creds file)"
        }
        _ => "",
    };
    let reason = redact::url(&e.to_string());
    Error::Queue(format!("connecting to {shown}: {reason}{hint}"))
}

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
    fn bytes(&self) -> i64 {
        match self.max_bytes {
            0 => -1,
            n => i64::try_from(n).unwrap_or(i64::MAX),
        }
    }
}

/// Creates (or finds) the work stream and its dead-letter stream, with `replicas` copies when
/// created. An existing stream keeps its replication; a mismatch is logged, not changed. A new
/// dead-letter stream gets the default [`DeadLimits`]; an existing one keeps its own.
pub async fn ensure_streams(
    js: &jetstream::Context,
    name: &str,
    replicas: usize,
) -> Result<stream::Stream> {
    ensure_streams_with(js, name, replicas, None).await
}

/// [`ensure_streams`], with the dead-letter stream's limits: `Some` sets them on a new stream
/// and brings an existing one in line (`enqueue` and `worker` pass their flags), `None` uses
/// the defaults for a new stream and leaves an existing one alone.
pub async fn ensure_streams_with(
    js: &jetstream::Context,
    name: &str,
    replicas: usize,
    limits: Option<DeadLimits>,
) -> Result<stream::Stream> {
    let replicas = replicas.max(1);
    let wanted = limits.unwrap_or_default();
    let work = js
        .get_or_create_stream(stream::Config {
            name: name.to_string(),
            subjects: vec![subject(name)],
            retention: stream::RetentionPolicy::WorkQueue,
            storage: stream::StorageType::File,
            duplicate_window: Duration::from_secs(120),
            num_replicas: replicas,
            ..Default::default()
        })
        .await
        .map_err(|e| queue_err(&format!("creating stream {name}"), e))?;
    let dead = dead_stream(name);
    let mut dead_letters = js
        .get_or_create_stream(stream::Config {
            name: dead.clone(),
            subjects: vec![subject(&dead), dead_records_subject(name)],
            retention: stream::RetentionPolicy::Limits,
            storage: stream::StorageType::File,
            duplicate_window: Duration::from_secs(120),
            num_replicas: replicas,
            max_age: wanted.max_age,
            max_bytes: wanted.bytes(),
            discard: stream::DiscardPolicy::Old,
            ..Default::default()
        })
        .await
        .map_err(|e| queue_err(&format!("creating stream {dead}"), e))?;
    // The dead stream takes both subjects, jobs and unreadable records; a stream that lacks
    // one (made by hand, or by a tool that knew only jobs) gets it added.
    let mut config = dead_letters
        .info()
        .await
        .map_err(|e| queue_err(&format!("stream {dead}"), e))?
        .config
        .clone();
    let mut changed = false;
    if !config.subjects.contains(&dead_records_subject(name)) {
        config.subjects.push(dead_records_subject(name));
        changed = true;
    }
    if let Some(limits) = limits {
        if config.max_age != limits.max_age || config.max_bytes != limits.bytes() {
            tracing::info!(
                stream = %dead,
                max_age = ?limits.max_age,
                max_bytes = limits.max_bytes,
                "setting the dead-letter stream's limits"
            );
            config.max_age = limits.max_age;
            config.max_bytes = limits.bytes();
            changed = true;
        }
    }
    if changed {
        js.update_stream(&config)
            .await
            .map_err(|e| queue_err(&format!("updating stream {dead}"), e))?;
    }
    for (stream_name, actual) in [
        (name, work.cached_info().config.num_replicas),
        (dead.as_str(), config.num_replicas),
    ] {
        if actual.max(1) != replicas {
            tracing::warn!(
                stream = stream_name,
                actual,
                requested = replicas,
                "the stream exists with another replica count; left as it is"
            );
        }
    }
    Ok(work)
}

/// The shared durable consumer of the work stream, created or brought in line with
/// `settings`: an ack wait of `settings.ack_wait` and unlimited server-side deliveries.
///
/// JetStream 2.9 updates both on a create with the same durable name. A worker started with
/// another ack wait than the fleet's changes it for everyone (logged as a warning); the
/// returned consumer's config is checked, so a server that refused the update is an error
/// rather than a silent disagreement about when a job is handed to someone else.
pub async fn consumer(
    stream: &stream::Stream,
    name: &str,
    settings: &Settings,
) -> Result<consumer::PullConsumer> {
    let wanted = consumer::pull::Config {
        durable_name: Some(CONSUMER.to_string()),
        ack_policy: consumer::AckPolicy::Explicit,
        ack_wait: settings.ack_wait,
        max_deliver: -1,
        filter_subject: subject(name),
        ..Default::default()
    };
    match stream.consumer_info(CONSUMER).await {
        Ok(old) if old.config.ack_wait != wanted.ack_wait || old.config.max_deliver != -1 => {
            tracing::warn!(
                consumer = CONSUMER,
                old_ack_wait = ?old.config.ack_wait,
                new_ack_wait = ?wanted.ack_wait,
                old_max_deliver = old.config.max_deliver,
                "updating the shared consumer: workers started with other settings should be restarted"
            );
        }
        Ok(_) => {}
        Err(e) if e.kind() == ConsumerInfoErrorKind::NotFound => {}
        Err(e) => return Err(queue_err("reading the workers consumer", e)),
    }
    // The server answers with the consumer's config as it now stands.
    let consumer = stream
        .create_consumer(wanted.clone())
        .await
        .map_err(|e| queue_err("creating or updating the workers consumer", e))?;
    let actual = &consumer.cached_info().config;
    if actual.ack_wait != wanted.ack_wait || actual.max_deliver > 0 {
        return Err(Error::Queue(format!(
            "the {CONSUMER} consumer kept ack_wait {:?} and max_deliver {} (wanted {:?} and \
             unlimited); delete it and start the workers again",
            actual.ack_wait, actual.max_deliver, wanted.ack_wait
        )));
    }
    Ok(consumer)
}

/// Publishes jobs to a work stream, one at a time, each with its dedup id. The server's
/// acks are awaited in windows: fast, and bounded in memory however many jobs a dataset has.
pub struct Publisher<'a> {
    js: &'a jetstream::Context,
    subject: String,
    pending: Vec<jetstream::context::PublishAckFuture>,
    stored: usize,
    /// The server's largest message (NATS `max_payload`, headers included).
    max_payload: usize,
}

/// What [`Publisher::publish`] did with a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Published {
    /// Handed to the server (stored, or found already queued: see [`Publisher::finish`]).
    Sent,
    /// Not sent: the message would be larger than the server takes (`max_payload`).
    TooLarge { size: usize, limit: usize },
}

impl<'a> Publisher<'a> {
    /// Publishes to the work stream `name` (which must exist: [`ensure_streams`]).
    pub fn new(js: &'a jetstream::Context, name: &str) -> Publisher<'a> {
        Publisher {
            js,
            subject: subject(name),
            pending: Vec::new(),
            stored: 0,
            max_payload: max_payload(js),
        }
    }

    /// Publishes `job`, unless it is larger than the server's `max_payload`: the server would
    /// refuse it (and close the connection), so it is [`Published::TooLarge`] instead, for
    /// the caller to dead-letter.
    pub async fn publish(&mut self, job: &Job) -> Result<Published> {
        let bytes = job.to_bytes();
        let id = format!(
            "{}:{}",
            job.user_id(),
            hex::encode(&Sha256::digest(&bytes)[..8])
        );
        let size = bytes.len() + HEADER_ROOM + id.len();
        if size > self.max_payload {
            return Ok(Published::TooLarge {
                size: bytes.len(),
                limit: self.max_payload,
            });
        }
        let mut headers = HeaderMap::new();
        headers.insert("Nats-Msg-Id", id.as_str());
        let ack = self
            .js
            .publish_with_headers(self.subject.clone(), headers, bytes.into())
            .await
            .map_err(|e| queue_err("publishing a job", e))?;
        self.pending.push(ack);
        if self.pending.len() >= 256 {
            self.stored += settle(&mut self.pending).await?;
        }
        Ok(Published::Sent)
    }

    /// Waits for the last acks. Returns how many jobs were stored: a job already queued (the
    /// same user and job, within the stream's duplicate window) is not stored twice.
    pub async fn finish(mut self) -> Result<usize> {
        Ok(self.stored + settle(&mut self.pending).await?)
    }
}

/// Bytes kept free in a message for its headers (`NATS/1.0`, `Nats-Msg-Id`, the reason of a
/// dead letter), besides the id itself.
const HEADER_ROOM: usize = 512;

/// The largest message the server takes (`max_payload`, 1 MiB unless configured).
pub fn max_payload(js: &jetstream::Context) -> usize {
    js.client().server_info().max_payload
}

/// Publishes `jobs` ([`Publisher`]); returns how many were stored. A job larger than the
/// server takes is an error here (`enqueue` dead-letters it instead).
pub async fn enqueue(
    js: &jetstream::Context,
    name: &str,
    jobs: impl IntoIterator<Item = Job>,
) -> Result<usize> {
    let mut publisher = Publisher::new(js, name);
    for job in jobs {
        if let Published::TooLarge { size, limit } = publisher.publish(&job).await? {
            return Err(Error::Queue(format!(
                "the job of {} is {size} bytes, more than the server's max payload of {limit}",
                job.user_id()
            )));
        }
    }
    publisher.finish().await
}

async fn settle(pending: &mut Vec<jetstream::context::PublishAckFuture>) -> Result<usize> {
    let mut stored = 0;
    for ack in pending.drain(..) {
        let ack = ack
            .await
            .map_err(|e| queue_err("publish not acknowledged", e))?;
        if !ack.duplicate {
            stored += 1;
        }
    }
    Ok(stored)
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

/// Where the queue stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Status {
    /// Jobs not yet handed to a worker.
    pub pending: u64,
    /// Jobs a worker holds and has not acked.
    pub in_flight: u64,
    /// Jobs finished: their cards are stored. Derived; see the module docs for its limits.
    pub completed: u64,
    /// Letters in the dead-letter stream: jobs given up on, and dataset lines that were not
    /// JSON.
    pub dead: u64,
}

pub async fn status(js: &jetstream::Context, name: &str) -> Result<Status> {
    let work = js
        .get_stream(name)
        .await
        .map_err(|e| queue_err(&format!("stream {name}"), e))?;
    let state = work
        .get_info()
        .await
        .map_err(|e| queue_err("stream info", e))?
        .state;
    let dead_name = dead_stream(name);
    let dead_stream = js
        .get_stream(&dead_name)
        .await
        .map_err(|e| queue_err(&format!("stream {dead_name}"), e))?;
    let dead = dead_stream
        .get_info()
        .await
        .map_err(|e| queue_err(&format!("stream {dead_name} info"), e))?
        .state
        .messages;
    // Letters of jobs that were in the work stream (not of lines enqueue could not read).
    let mut counts = dead_stream
        .info_with_subjects(subject(&dead_name))
        .await
        .map_err(|e| queue_err(&format!("stream {dead_name} subjects"), e))?;
    let mut dead_jobs = 0u64;
    while let Some(count) = counts.next().await {
        let (_, n) = count.map_err(|e| queue_err(&format!("stream {dead_name} subjects"), e))?;
        dead_jobs += n as u64;
    }
    let (pending, in_flight) = match work.consumer_info(CONSUMER).await {
        Ok(info) => (info.num_pending, info.num_ack_pending as u64),
        // No worker has started yet: everything is pending.
        Err(e) if e.kind() == ConsumerInfoErrorKind::NotFound => (state.messages, 0),
        Err(e) => return Err(queue_err("reading the workers consumer", e)),
    };
    let acked = state.last_sequence.saturating_sub(state.messages);
    Ok(Status {
        pending,
        in_flight,
        completed: acked.saturating_sub(dead_jobs),
        dead,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_credentials_are_taken_out_of_the_url() {
        let (url, auth) = split_credentials("nats://worker:p%40ss@nats:4222").unwrap();
        assert_eq!(url, "nats://nats:4222");
        assert!(matches!(auth, Some(UrlAuth::UserPassword(u, p)) if u == "worker" && p == "p@ss"));
        let (url, auth) = split_credentials("tls://s3cret@nats").unwrap();
        assert_eq!(url, "tls://nats");
        assert!(matches!(auth, Some(UrlAuth::Token(t)) if t == "s3cret"));
        let (url, auth) = split_credentials("nats://127.0.0.1:4222").unwrap();
        assert_eq!(url, "nats://127.0.0.1:4222");
        assert!(auth.is_none());
        let debug = format!("{:?}", Endpoint::new("nats://worker:hunter2@nats:4222"));
        assert!(!debug.contains("hunter2"), "{debug}");
    }
}
