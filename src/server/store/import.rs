//! Loading a dataset into the PostgreSQL store (`cardfarm import`).
//!
//! Every record is validated as the server would validate it ([`Stats`] parsing and
//! validation); an invalid one is reported with its line and why, and not loaded. The dataset
//! rule holds as everywhere: a user on several lines gets their last record, so the earlier
//! ones are reported as superseded and skipped (and a user whose last record is invalid loads
//! nothing). The valid records are upserted by `(user_id, year)` in one transaction: a run
//! that fails half-way (the database goes away) loads nothing, and a rerun is safe.

use crate::card::model::Stats;
use crate::error::{Error, Result};
use crate::farm::dataset::{Dataset, Duplicate};

use super::{pool_error, within, CREATE_TABLE};

/// Rows sent in one statement.
const BATCH: usize = 500;

/// What an import did.
#[derive(Debug, Default)]
pub struct Report {
    /// Records upserted.
    pub loaded: usize,
    /// Invalid records: the error names the file, line and field.
    pub invalid: Vec<String>,
    /// Records a later record of the same user supersedes.
    pub superseded: Vec<Duplicate>,
}

/// Upserts every valid, current record of `dataset` into `cardfarm_stats` (created if
/// missing) through `pool`.
pub async fn import(pool: &deadpool_postgres::Pool, dataset: &Dataset) -> Result<Report> {
    let index = dataset.index()?;
    let mut report = Report::default();
    let mut valid: Vec<Stats> = Vec::new();
    let mut client = pool.get().await.map_err(pool_error)?;
    within(client.batch_execute(&format!("{CREATE_TABLE}; {}", crate::opt_out::CREATE_TABLE)))
        .await?;
    let transaction = within(client.transaction()).await?;
    let upsert = within(transaction.prepare(
        "INSERT INTO cardfarm_stats (user_id, year, stats)
         SELECT u, y, s::jsonb FROM unnest($1::text[], $2::integer[], $3::text[]) AS t(u, y, s)
         ON CONFLICT (user_id, year) DO UPDATE SET stats = EXCLUDED.stats",
    ))
    .await?;
    for record in dataset.records()? {
        let record = record?;
        if let Some(duplicate) = index.superseded(&record) {
            report.superseded.push(duplicate);
            continue;
        }
        match record
            .value
            .and_then(|value| dataset.validate(record.line, value))
        {
            Ok(stats) => valid.push(stats),
            Err(e) => report.invalid.push(invalid(dataset, record.line, e)),
        }
        if valid.len() == BATCH {
            report.loaded +=
                upsert_batch(&transaction, &upsert, std::mem::take(&mut valid)).await?;
        }
    }
    if !valid.is_empty() {
        report.loaded += upsert_batch(&transaction, &upsert, valid).await?;
    }
    within(transaction.commit()).await?;
    Ok(report)
}

/// Upserts one batch in one statement; how many rows it wrote.
async fn upsert_batch(
    transaction: &tokio_postgres::Transaction<'_>,
    upsert: &tokio_postgres::Statement,
    batch: Vec<Stats>,
) -> Result<usize> {
    let mut ids = Vec::with_capacity(batch.len());
    let mut years = Vec::with_capacity(batch.len());
    let mut json = Vec::with_capacity(batch.len());
    for stats in batch {
        json.push(serde_json::to_string(&stats).map_err(|e| Error::Store(e.to_string()))?);
        years.push(stats.year);
        ids.push(stats.user_id);
    }
    let rows = within(transaction.execute(upsert, &[&ids, &years, &json])).await?;
    Ok(rows as usize)
}

/// An invalid record's error, always naming the file and line.
fn invalid(dataset: &Dataset, line: usize, e: Error) -> String {
    let text = e.to_string();
    let path = dataset.path().display().to_string();
    if text.contains(&path) {
        text
    } else {
        format!("{path}:{line}: {text}")
    }
}
