//! Store: where a service finds a user's stats by id.
//!
//! Two stores, one interface ([`Store::get`]):
//! - [`Store::Jsonl`], the embedded default: a JSON Lines dataset loaded once and indexed by
//!   user id. Invalid lines (not UTF-8, not JSON, not valid stats) are skipped and counted,
//!   so one bad record never hides the rest. A user on several lines gets their last record,
//!   and the earlier ones are listed as duplicates.
//!
//! A record that is there but does not hold valid stats is [`Error::CorruptRecord`]: the
//! store's fault, not the caller's, so the server logs it and answers a generic 500 instead
//! of describing the record's fields to the client.
//! - [`Store::Postgres`], for production scale: the table below, read through a connection
//!   pool.
//!
//! ```sql
//! CREATE TABLE cardfarm_stats (
//!     user_id text    NOT NULL,
//!     year    integer NOT NULL,
//!     stats   jsonb   NOT NULL,   -- one user's stats, the same format as the CLI reads
//!     PRIMARY KEY (user_id, year)
//! );
//! ```
//!
//! A user listed in the `cardfarm_opt_out` table ([`crate::opt_out`]) is not found, exactly
//! like a user with no row; the store is not ready while that table is missing, so opt-outs
//! are never silently ignored. [`Store::put_postgres`] and [`import`] (`cardfarm import`)
//! create both tables.
//!
//! The newest year wins when a user has several. [`import`] loads a dataset into the table
//! (`cardfarm import`). The table is found through the connection's
//! `search_path`, so a URL such as `postgres://host/db?options=-c%20search_path%3Dwrapped`
//! selects a schema.
//!
//! The connection is encrypted when the URL asks, with libpq's words: `sslmode=require`,
//! `verify-ca` or `verify-full`, and `sslrootcert=FILE` for a private CA (see [`tls`]). The
//! URL, password included, is never part of an error: whoever shows it masks it first
//! ([`crate::redact::url`]).

pub mod import;
mod tls;

use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::card::model::Stats;
use crate::error::{Error, Result};
use crate::farm::dataset::{Dataset, Duplicate};

/// The SQL that creates the stats table (idempotent).
pub const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS cardfarm_stats (
    user_id text NOT NULL,
    year integer NOT NULL,
    stats jsonb NOT NULL,
    PRIMARY KEY (user_id, year)
)";

/// How long to wait for PostgreSQL, so that a dead or wedged database answers "unavailable"
/// within seconds instead of holding requests: the TCP connect (unless the URL sets
/// `connect_timeout`), the whole new connection including its startup handshake, a free pooled
/// connection, the check of a reused one, and one query.
const PG_CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
const PG_CREATE_TIMEOUT: Duration = Duration::from_secs(3);
const PG_WAIT_TIMEOUT: Duration = Duration::from_secs(3);
const PG_RECYCLE_TIMEOUT: Duration = Duration::from_secs(2);
const PG_QUERY_TIMEOUT: Duration = Duration::from_secs(5);

/// A source of users' stats, by id.
#[derive(Clone)]
pub enum Store {
    Jsonl(Arc<JsonlStore>),
    Postgres(deadpool_postgres::Pool),
}

/// A dataset loaded into memory.
pub struct JsonlStore {
    users: HashMap<String, Stats>,
    /// Users whose record is invalid, with the error (logged, never shown to a client).
    corrupt: HashMap<String, String>,
    root: PathBuf,
    /// Lines that failed to parse or validate, with their errors.
    pub rejected: Vec<String>,
    /// Records superseded by a later record of the same user (the last one wins).
    pub duplicates: Vec<Duplicate>,
}

impl Store {
    /// Opens `spec`: a `postgres://` or `postgresql://` URL, or a JSON Lines file.
    pub async fn open(spec: &str) -> Result<Store> {
        if spec.starts_with("postgres://") || spec.starts_with("postgresql://") {
            return Store::postgres(spec);
        }
        let path = PathBuf::from(spec);
        let store = tokio::task::spawn_blocking(move || JsonlStore::load(&path))
            .await
            .map_err(|e| Error::Store(e.to_string()))??;
        Ok(Store::Jsonl(Arc::new(store)))
    }

    /// The PostgreSQL store over [`postgres_pool`].
    pub fn postgres(url: &str) -> Result<Store> {
        postgres_pool(url).map(Store::Postgres)
    }

    /// The user's stats and the folder their relative image paths resolve against (`None`
    /// for PostgreSQL: only `data:` images there). `Ok(None)` when there is no such user.
    pub async fn get(&self, user_id: &str) -> Result<Option<(Stats, Option<PathBuf>)>> {
        match self {
            Store::Jsonl(s) => match s.users.get(user_id) {
                Some(stats) => Ok(Some((stats.clone(), Some(s.root.clone())))),
                None => match s.corrupt.get(user_id) {
                    Some(message) => Err(Error::CorruptRecord {
                        user_id: user_id.to_string(),
                        message: message.clone(),
                    }),
                    None => Ok(None),
                },
            },
            Store::Postgres(pool) => {
                let client = pool.get().await.map_err(pool_error)?;
                let row = within(client.query_opt(
                    "SELECT stats::text FROM cardfarm_stats WHERE user_id = $1
                     AND NOT EXISTS (SELECT 1 FROM cardfarm_opt_out WHERE user_id = $1)
                     ORDER BY year DESC LIMIT 1",
                    &[&user_id],
                ))
                .await?;
                let Some(row) = row else { return Ok(None) };
                let json: String = row.get(0);
                let stats = Stats::from_json(&json, &format!("cardfarm_stats row for {user_id}"))
                    .map_err(|e| Error::CorruptRecord {
                    user_id: user_id.to_string(),
                    message: e.to_string(),
                })?;
                Ok(Some((stats, None)))
            }
        }
    }

    /// Whether the database's `cardfarm_opt_out` table lists `user_id` (never, for a dataset:
    /// its opt-outs come from the server's list). [`Store::get`] already leaves such users out;
    /// this is for stats that come from elsewhere (a posted body).
    pub async fn opted_out(&self, user_id: &str) -> Result<bool> {
        match self {
            Store::Jsonl(_) => Ok(false),
            Store::Postgres(pool) => {
                let client = pool.get().await.map_err(pool_error)?;
                let row = within(client.query_opt(
                    "SELECT 1 FROM cardfarm_opt_out WHERE user_id = $1",
                    &[&user_id],
                ))
                .await?;
                Ok(row.is_some())
            }
        }
    }

    /// Whether the store answers: the dataset is loaded, or the database takes a query.
    pub async fn ready(&self) -> Result<()> {
        match self {
            Store::Jsonl(_) => Ok(()),
            Store::Postgres(pool) => {
                let client = pool.get().await.map_err(pool_error)?;
                // The opt-out table too: without it no card may be served.
                within(client.simple_query("SELECT 1 FROM cardfarm_opt_out LIMIT 0")).await?;
                Ok(())
            }
        }
    }

    /// Creates the table if needed and upserts users (for loading data and for tests).
    pub async fn put_postgres(pool: &deadpool_postgres::Pool, users: &[Stats]) -> Result<()> {
        let client = pool.get().await.map_err(pool_error)?;
        client
            .batch_execute(&format!("{CREATE_TABLE}; {}", crate::opt_out::CREATE_TABLE))
            .await
            .map_err(|e| Error::Store(e.to_string()))?;
        let insert = client
            .prepare(
                "INSERT INTO cardfarm_stats (user_id, year, stats) VALUES ($1, $2, $3::text::jsonb)
                 ON CONFLICT (user_id, year) DO UPDATE SET stats = EXCLUDED.stats",
            )
            .await
            .map_err(|e| Error::Store(e.to_string()))?;
        for stats in users {
            let json = serde_json::to_string(stats).map_err(|e| Error::Store(e.to_string()))?;
            client
                .execute(&insert, &[&stats.user_id, &stats.year, &json])
                .await
                .map_err(|e| Error::Store(e.to_string()))?;
        }
        Ok(())
    }
}

/// A pool over a PostgreSQL URL, with TLS as its `sslmode` asks. Connections open lazily, on
/// first use; a certificate that fails the checks is an error then.
pub fn postgres_pool(url: &str) -> Result<deadpool_postgres::Pool> {
    let (url, tls) = tls::Tls::from_url(url)?;
    let mut config: tokio_postgres::Config = url.parse().map_err(|e: tokio_postgres::Error| {
        Error::Store(format!(
            "invalid PostgreSQL URL: {}",
            crate::redact::url(&e.to_string())
        ))
    })?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(PG_CONNECT_TIMEOUT);
    }
    let recycling = deadpool_postgres::ManagerConfig {
        recycling_method: deadpool_postgres::RecyclingMethod::Fast,
    };
    let manager = match tls.connector()? {
        Some(tls) => deadpool_postgres::Manager::from_config(config, tls, recycling),
        None => deadpool_postgres::Manager::from_config(config, tokio_postgres::NoTls, recycling),
    };
    let pool = deadpool_postgres::Pool::builder(manager)
        .max_size(16)
        .wait_timeout(Some(PG_WAIT_TIMEOUT))
        .create_timeout(Some(PG_CREATE_TIMEOUT))
        .recycle_timeout(Some(PG_RECYCLE_TIMEOUT))
        .runtime(deadpool_postgres::Runtime::Tokio1)
        .build()
        .map_err(|e| Error::Store(e.to_string()))?;
    Ok(pool)
}

/// A pooled connection that could not be had, with every cause: tokio-postgres names the step
/// ("error performing TLS handshake") and keeps the reason ("invalid peer certificate:
/// UnknownIssuer") as its source.
fn pool_error(e: deadpool_postgres::PoolError) -> Error {
    let mut text = e.to_string();
    let mut cause = std::error::Error::source(&e);
    while let Some(c) = cause {
        let more = c.to_string();
        if !text.contains(&more) {
            text = format!("{text}: {more}");
        }
        cause = c.source();
    }
    Error::Store(crate::redact::url(&text))
}

/// A query's result, or a store error once it has taken [`PG_QUERY_TIMEOUT`].
async fn within<T>(query: impl Future<Output = Result<T, tokio_postgres::Error>>) -> Result<T> {
    match tokio::time::timeout(PG_QUERY_TIMEOUT, query).await {
        Ok(result) => result.map_err(|e| Error::Store(e.to_string())),
        Err(_) => Err(Error::Store(format!(
            "no answer within {} s",
            PG_QUERY_TIMEOUT.as_secs()
        ))),
    }
}

impl JsonlStore {
    /// Loads every valid user of a dataset. A user's last record wins, valid or not, as in
    /// every other reader of a dataset; each earlier one is listed in `duplicates`.
    pub fn load(path: &Path) -> Result<JsonlStore> {
        let dataset = Dataset::open(path)?;
        let mut users = HashMap::new();
        let mut corrupt = HashMap::new();
        let mut rejected = Vec::new();
        let mut duplicates = Vec::new();
        // The line each user's record so far came from.
        let mut lines: HashMap<String, usize> = HashMap::new();
        for record in dataset.records()? {
            let record = record?;
            let line = record.line;
            let id = record.user_id().map(str::to_string);
            if let Some(id) = &id {
                if let Some(earlier) = lines.insert(id.clone(), line) {
                    duplicates.push(Duplicate {
                        user_id: id.clone(),
                        line: earlier,
                        last: line,
                    });
                }
            }
            match record.value.and_then(|v| dataset.validate(line, v)) {
                Ok(stats) => {
                    corrupt.remove(&stats.user_id);
                    users.insert(stats.user_id.clone(), stats);
                }
                Err(e) => {
                    if let Some(id) = id {
                        users.remove(&id);
                        corrupt.insert(id, e.to_string());
                    }
                    rejected.push(e.to_string());
                }
            }
        }
        Ok(JsonlStore {
            users,
            corrupt,
            root: dataset.root().to_path_buf(),
            rejected,
            duplicates,
        })
    }

    pub fn len(&self) -> usize {
        self.users.len()
    }

    pub fn is_empty(&self) -> bool {
        self.users.is_empty()
    }
}
