//! Sink: where finished PNGs go, through the `object_store` crate. A local folder, or
//! S3-compatible storage (`s3://bucket/prefix`), configured by options named like the standard
//! AWS environment variables (`aws_endpoint_url`, `aws_region`, `aws_access_key_id`,
//! `aws_secret_access_key`, `aws_allow_http`); the CLI passes the `AWS_*` environment in, the
//! library reads none. S3 writes carry `Content-Type: image/png`; transient S3 errors are
//! retried with backoff by object_store's retry policy, and once more here.
//!
//! Writes are idempotent: a key always gets the same bytes, so a redelivered job that writes
//! again is harmless.

use std::sync::Arc;
use std::time::Duration;

use object_store::path::Path as ObjectPath;
use object_store::{Attribute, Attributes, ObjectStore, PutOptions, PutPayload};

use crate::error::{Error, Result};

/// A place to put cards.
#[derive(Clone)]
pub struct Sink {
    store: Arc<dyn ObjectStore>,
    prefix: String,
    /// Whether the store keeps a content type (S3 does; a local folder does not).
    typed: bool,
    description: String,
}

impl Sink {
    /// Opens `spec`: `s3://bucket/prefix` (with `s3_options`, e.g. `("aws_region", "eu-west-1")`)
    /// or a local folder (created if missing).
    pub fn open(spec: &str, s3_options: &[(String, String)]) -> Result<Sink> {
        let store_err = |e: object_store::Error| Error::Store(format!("{spec}: {e}"));
        if let Some(rest) = spec.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(Error::Store(format!("{spec}: no bucket name")));
            }
            let mut builder = object_store::aws::AmazonS3Builder::new();
            for (key, value) in s3_options {
                match key.parse::<object_store::aws::AmazonS3ConfigKey>() {
                    Ok(k) => builder = builder.with_config(k, value),
                    Err(_) => return Err(Error::Store(format!("unknown S3 option `{key}`"))),
                }
            }
            let store = builder
                .with_bucket_name(bucket)
                .build()
                .map_err(store_err)?;
            return Ok(Sink {
                store: Arc::new(store),
                prefix: prefix.trim_matches('/').to_string(),
                typed: true,
                description: spec.to_string(),
            });
        }
        std::fs::create_dir_all(spec).map_err(|e| Error::io(spec, e))?;
        let store =
            object_store::local::LocalFileSystem::new_with_prefix(spec).map_err(store_err)?;
        Ok(Sink {
            store: Arc::new(store),
            prefix: String::new(),
            typed: false,
            description: spec.to_string(),
        })
    }

    /// The key prefix inside the store.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    pub fn description(&self) -> &str {
        &self.description
    }

    /// Writes a PNG under `key`.
    pub async fn put(&self, key: &str, png: Vec<u8>) -> Result<()> {
        let path = ObjectPath::from(key);
        let payload = PutPayload::from(png);
        let mut attributes = Attributes::new();
        if self.typed {
            attributes.insert(Attribute::ContentType, "image/png".into());
        }
        let mut last = None;
        for attempt in 0..3u32 {
            let options = PutOptions {
                attributes: attributes.clone(),
                ..PutOptions::default()
            };
            match self.store.put_opts(&path, payload.clone(), options).await {
                Ok(_) => return Ok(()),
                Err(e) => {
                    last = Some(e);
                    tokio::time::sleep(Duration::from_millis(100 << attempt)).await;
                }
            }
        }
        Err(Error::Store(format!(
            "writing {key} to {}: {}",
            self.description,
            last.map(|e| e.to_string()).unwrap_or_default()
        )))
    }

    /// Whether the store answers, cheaply, for a readiness probe: one listing of the prefix
    /// (one request to S3), and for a local folder, that it is still a folder.
    pub async fn check(&self) -> Result<()> {
        if !self.typed {
            match tokio::fs::metadata(&self.description).await {
                Ok(m) if m.is_dir() => {}
                Ok(_) => {
                    return Err(Error::Store(format!(
                        "{} is not a folder",
                        self.description
                    )))
                }
                Err(e) => return Err(Error::io(&self.description, e)),
            }
        }
        let prefix = (!self.prefix.is_empty()).then(|| ObjectPath::from(self.prefix.as_str()));
        self.store
            .list_with_delimiter(prefix.as_ref())
            .await
            .map_err(|e| Error::Store(format!("listing {}: {e}", self.description)))?;
        Ok(())
    }

    /// Whether `key` exists already (for resuming).
    pub async fn exists(&self, key: &str) -> Result<bool> {
        match self.store.head(&ObjectPath::from(key)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(Error::Store(format!("checking {key}: {e}"))),
        }
    }

    /// The bytes and content type stored under `key` (for tests and checks).
    pub async fn get(&self, key: &str) -> Result<(Vec<u8>, Option<String>)> {
        let got = self
            .store
            .get(&ObjectPath::from(key))
            .await
            .map_err(|e| Error::Store(format!("reading {key}: {e}")))?;
        let content_type = got
            .attributes
            .get(&Attribute::ContentType)
            .map(|v| v.to_string());
        let bytes = got
            .bytes()
            .await
            .map_err(|e| Error::Store(format!("reading {key}: {e}")))?;
        Ok((bytes.to_vec(), content_type))
    }
}
