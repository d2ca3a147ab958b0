//! Sink: where finished PNGs go, through the `object_store` crate. A local folder, or
//! S3-compatible storage (`s3://bucket/prefix`), configured by options named like the standard
//! AWS environment variables (`aws_endpoint_url`, `aws_region`, `aws_access_key_id`,
//! `aws_secret_access_key`, `aws_allow_http`); the CLI passes the `AWS_*` environment in, the
//! library reads none. S3 writes carry `Content-Type: image/png`; transient S3 errors are
//! retried with backoff by object_store's retry policy, and here a write is tried three times
//! in all (pausing 0.1 s, then 0.2 s; never after the last try).
//!
//! Errors are [`Error::Storage`]. The storage refusing us (no such bucket, access denied, bad
//! credentials, a setting it does not know) is permanent: it fails at once, without retries,
//! and a worker dead-letters the job instead of retrying it for ever. Anything else (the
//! network, a 5xx) is transient and retryable.
//!
//! Writes are idempotent: a key always gets the same bytes, so a redelivered job that writes
//! again is harmless.
//!
//! Each card is stored with its [`Stamp`]: the card's [`Fingerprint`] (everything that decides
//! its pixels) and whether a photo was drawn as a placeholder. Before rendering, the engine
//! reads the stamp back, and a card whose fingerprint is unchanged is not drawn again, however
//! long ago it was stored. On S3 the stamp is user metadata on the object
//! (`x-amz-meta-cardfarm-fingerprint`, `x-amz-meta-cardfarm-placeholder`), read with one HEAD.
//! A local folder keeps no metadata (object_store's `LocalFileSystem` refuses attributes), so
//! the stamp is a sidecar file `<key>.fingerprint` beside the PNG. A sidecar rather than an
//! extended attribute: it works on every filesystem and survives copies (`cp`, `rsync`
//! without `-X`, tar, object-store uploads) that drop extended attributes, and object_store can
//! write it atomically like the PNG. The old sidecar is removed before a PNG is replaced and
//! the new one written after it, so a crash in between leaves no stamp (the card is drawn
//! again), never a stamp that describes other pixels.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use object_store::path::Path as ObjectPath;
use object_store::{Attribute, Attributes, ObjectStore, PutOptions, PutPayload};

use crate::card::fingerprint::Fingerprint;
use crate::error::{Error, Result};

/// How a stored card was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub fingerprint: Fingerprint,
    /// A photo could not be used and was drawn as a placeholder: the card is drawn again on
    /// every run, whatever its fingerprint says.
    pub placeholder: bool,
}

impl Stamp {
    /// Whether a card stamped so can be kept for a card whose fingerprint is `fingerprint`.
    pub fn still_good(&self, fingerprint: &Fingerprint) -> bool {
        !self.placeholder && self.fingerprint == *fingerprint
    }
}

/// The S3 user metadata of the fingerprint (`x-amz-meta-cardfarm-fingerprint`).
pub const FINGERPRINT_METADATA: &str = "cardfarm-fingerprint";
/// The S3 user metadata set to `true` on a card drawn with a placeholder.
pub const PLACEHOLDER_METADATA: &str = "cardfarm-placeholder";
/// What a local folder's sidecar file is named after: `<key>.fingerprint`.
const SIDECAR_SUFFIX: &str = ".fingerprint";

/// A place to put cards.
#[derive(Clone)]
pub struct Sink {
    store: Arc<dyn ObjectStore>,
    prefix: String,
    /// Whether the store keeps a content type (S3 does; a local folder does not).
    typed: bool,
    description: String,
}

impl std::fmt::Debug for Sink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sink")
            .field("description", &self.description)
            .finish_non_exhaustive()
    }
}

impl Sink {
    /// Opens `spec`: `s3://bucket/prefix` (with `s3_options`, e.g. `("aws_region", "eu-west-1")`)
    /// or a local folder (created if missing).
    pub fn open(spec: &str, s3_options: &[(String, String)]) -> Result<Sink> {
        let store_err = |e: object_store::Error| storage(spec.to_string(), &e);
        let refused = |message: String| Error::Storage {
            message,
            permanent: true,
        };
        if let Some(rest) = spec.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(refused(format!("{spec}: no bucket name")));
            }
            let mut builder = object_store::aws::AmazonS3Builder::new();
            for (key, value) in s3_options {
                match key.parse::<object_store::aws::AmazonS3ConfigKey>() {
                    Ok(k) => builder = builder.with_config(k, value),
                    Err(_) => return Err(refused(format!("unknown S3 option `{key}`"))),
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
        self.put_object(key, png, None).await
    }

    /// Writes a card's PNG under `key` with its [`Stamp`] (see the module docs for where it
    /// goes).
    pub async fn put_card(&self, key: &str, png: Vec<u8>, stamp: &Stamp) -> Result<()> {
        if self.typed {
            return self.put_object(key, png, Some(stamp)).await;
        }
        let sidecar = ObjectPath::from(format!("{key}{SIDECAR_SUFFIX}"));
        match self.store.delete(&sidecar).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => {
                return Err(storage(
                    format!(
                        "writing {key} to {}: removing its old stamp",
                        self.description
                    ),
                    &e,
                ))
            }
        }
        self.put_object(key, png, None).await?;
        let mut text = stamp.fingerprint.to_hex();
        if stamp.placeholder {
            text.push_str(" placeholder");
        }
        text.push('\n');
        self.store
            .put(&sidecar, PutPayload::from(text.into_bytes()))
            .await
            .map_err(|e| {
                storage(
                    format!("writing the stamp of {key} to {}", self.description),
                    &e,
                )
            })?;
        Ok(())
    }

    /// The [`Stamp`] of the card stored under `key`; `None` when there is no card there, or
    /// one without a stamp (written by an older version, or interrupted).
    pub async fn stamp(&self, key: &str) -> Result<Option<Stamp>> {
        let read_err = |e: object_store::Error| storage(format!("checking {key}"), &e);
        if self.typed {
            let options = object_store::GetOptions {
                head: true,
                ..Default::default()
            };
            let got = match self.store.get_opts(&ObjectPath::from(key), options).await {
                Ok(got) => got,
                Err(object_store::Error::NotFound { .. }) => return Ok(None),
                Err(e) => return Err(read_err(e)),
            };
            let meta = |name: &'static str| got.attributes.get(&Attribute::Metadata(name.into()));
            let Some(fingerprint) =
                meta(FINGERPRINT_METADATA).and_then(|v| Fingerprint::from_hex(v.as_ref()))
            else {
                return Ok(None);
            };
            let placeholder = meta(PLACEHOLDER_METADATA).is_some_and(|v| v.as_ref() == "true");
            return Ok(Some(Stamp {
                fingerprint,
                placeholder,
            }));
        }
        let sidecar = ObjectPath::from(format!("{key}{SIDECAR_SUFFIX}"));
        let text = match self.store.get(&sidecar).await {
            Ok(got) => got.bytes().await.map_err(read_err)?,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(read_err(e)),
        };
        let text = String::from_utf8_lossy(&text);
        let mut words = text.split_whitespace();
        let Some(fingerprint) = words.next().and_then(Fingerprint::from_hex) else {
            return Ok(None);
        };
        let placeholder = words.any(|w| w == "placeholder");
        // The sidecar outlives a PNG removed by hand: no PNG, no card.
        if !self.exists(key).await? {
            return Ok(None);
        }
        Ok(Some(Stamp {
            fingerprint,
            placeholder,
        }))
    }

    async fn put_object(&self, key: &str, png: Vec<u8>, stamp: Option<&Stamp>) -> Result<()> {
        let path = ObjectPath::from(key);
        let payload = PutPayload::from(png);
        let mut attributes = Attributes::new();
        if self.typed {
            attributes.insert(Attribute::ContentType, content_type(key).into());
        }
        if let Some(stamp) = stamp {
            attributes.insert(
                Attribute::Metadata(FINGERPRINT_METADATA.into()),
                stamp.fingerprint.to_hex().into(),
            );
            if stamp.placeholder {
                attributes.insert(
                    Attribute::Metadata(PLACEHOLDER_METADATA.into()),
                    "true".into(),
                );
            }
        }
        let attempt = || {
            let options = PutOptions {
                attributes: attributes.clone(),
                ..PutOptions::default()
            };
            self.store.put_opts(&path, payload.clone(), options)
        };
        retry(attempt, tokio::time::sleep)
            .await
            .map(|_| ())
            .map_err(|e| storage(format!("writing {key} to {}", self.description), &e))
    }

    /// Whether the store answers, cheaply, for a readiness probe: one listing of the prefix
    /// (one request to S3), and for a local folder, that it is still a folder.
    pub async fn check(&self) -> Result<()> {
        if !self.typed {
            match tokio::fs::metadata(&self.description).await {
                Ok(m) if m.is_dir() => {}
                Ok(_) => {
                    return Err(Error::Storage {
                        message: format!("{} is not a folder", self.description),
                        permanent: true,
                    })
                }
                Err(e) => return Err(Error::io(&self.description, e)),
            }
        }
        let prefix = (!self.prefix.is_empty()).then(|| ObjectPath::from(self.prefix.as_str()));
        self.store
            .list_with_delimiter(prefix.as_ref())
            .await
            .map_err(|e| storage(format!("listing {}", self.description), &e))?;
        Ok(())
    }

    /// Whether `key` exists already (for resuming).
    pub async fn exists(&self, key: &str) -> Result<bool> {
        match self.store.head(&ObjectPath::from(key)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(storage(format!("checking {key}"), &e)),
        }
    }

    /// The bytes and content type stored under `key` (for tests and checks).
    pub async fn get(&self, key: &str) -> Result<(Vec<u8>, Option<String>)> {
        let got = self
            .store
            .get(&ObjectPath::from(key))
            .await
            .map_err(|e| storage(format!("reading {key}"), &e))?;
        let content_type = got
            .attributes
            .get(&Attribute::ContentType)
            .map(|v| v.to_string());
        let bytes = got
            .bytes()
            .await
            .map_err(|e| storage(format!("reading {key}"), &e))?;
        Ok((bytes.to_vec(), content_type))
    }
}

/// Pauses between the tries of one write: as many tries as pauses, plus one.
const PAUSES: [Duration; 2] = [Duration::from_millis(100), Duration::from_millis(200)];

/// Runs `attempt` until it succeeds, fails permanently, or has been tried once per pause and
/// once more, sleeping (with `sleep`) between tries and not after the last.
async fn retry<T, A, S>(
    mut attempt: impl FnMut() -> A,
    mut sleep: impl FnMut(Duration) -> S,
) -> std::result::Result<T, object_store::Error>
where
    A: Future<Output = std::result::Result<T, object_store::Error>>,
    S: Future<Output = ()>,
{
    let mut pauses = PAUSES.iter();
    loop {
        match attempt().await {
            Ok(value) => return Ok(value),
            Err(e) if is_permanent(&e) => return Err(e),
            Err(e) => match pauses.next() {
                Some(pause) => sleep(*pause).await,
                None => return Err(e),
            },
        }
    }
}

/// Whether the storage refused the request for a reason another try cannot change. On a
/// write, S3's 404 is a missing bucket (a missing key is what a write creates).
fn is_permanent(e: &object_store::Error) -> bool {
    use object_store::Error::*;
    matches!(
        e,
        NotFound { .. }
            | PermissionDenied { .. }
            | Unauthenticated { .. }
            | InvalidPath { .. }
            | NotSupported { .. }
            | NotImplemented
            | UnknownConfigurationKey { .. }
            | AlreadyExists { .. }
            | Precondition { .. }
    )
}

/// `e` as the library's error, with what was being done.
fn storage(context: String, e: &object_store::Error) -> Error {
    Error::Storage {
        message: format!("{context}: {e}"),
        permanent: is_permanent(e),
    }
}

/// A card's content type, from its key's extension (the farm's keys end in the encoding's).
fn content_type(key: &str) -> &'static str {
    match key.rsplit_once('.').map(|(_, ext)| ext) {
        Some("webp") => "image/webp",
        Some("jpg") => "image/jpeg",
        _ => "image/png",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    fn not_found() -> object_store::Error {
        object_store::Error::NotFound {
            path: "cards/x.png".into(),
            source: "NoSuchBucket".into(),
        }
    }

    fn flaky() -> object_store::Error {
        object_store::Error::Generic {
            store: "S3",
            source: "connection reset".into(),
        }
    }

    /// Runs `retry` over `results` (one per try), counting tries and recording pauses.
    fn run(
        results: Vec<std::result::Result<(), object_store::Error>>,
    ) -> (
        std::result::Result<(), object_store::Error>,
        usize,
        Vec<Duration>,
    ) {
        let results = Mutex::new(results.into_iter());
        let tries = Mutex::new(0);
        let pauses = Mutex::new(Vec::new());
        let result = futures::executor::block_on(retry(
            || {
                *tries.lock().unwrap() += 1;
                let next = results
                    .lock()
                    .unwrap()
                    .next()
                    .expect("no more tries planned");
                async move { next }
            },
            |pause| {
                pauses.lock().unwrap().push(pause);
                async {}
            },
        ));
        let tries = *tries.lock().unwrap();
        (result, tries, pauses.into_inner().unwrap())
    }

    #[test]
    fn a_permanent_error_fails_at_once() {
        let (result, tries, pauses) = run(vec![Err(not_found())]);
        assert!(matches!(result, Err(object_store::Error::NotFound { .. })));
        assert_eq!((tries, pauses), (1, vec![]));
        let e = storage("writing x".into(), &not_found());
        assert!(!e.is_retryable());
        assert!(
            e.to_string().starts_with("card storage: writing x: "),
            "{e}"
        );
    }

    #[test]
    fn a_transient_error_is_tried_three_times_without_a_pause_after_the_last() {
        let (result, tries, pauses) = run(vec![Err(flaky()), Err(flaky()), Err(flaky())]);
        assert!(matches!(result, Err(object_store::Error::Generic { .. })));
        assert_eq!(tries, 3);
        assert_eq!(pauses, PAUSES.to_vec());
        assert!(storage("writing x".into(), &flaky()).is_retryable());
    }

    #[test]
    fn a_transient_error_then_success_is_success() {
        let (result, tries, pauses) = run(vec![Err(flaky()), Ok(())]);
        assert!(result.is_ok());
        assert_eq!((tries, pauses), (2, vec![PAUSES[0]]));
    }
}
