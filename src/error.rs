//! The library's one error type.
//!
//! Every variant says whether retrying could help ([`Error::is_retryable`]): bad input
//! (invalid stats, an unknown template or format, a broken template, storage that refuses
//! us) is fatal and named; I/O, the network and outages are retryable. Front ends map variants to exit codes, HTTP statuses or dead letters.

use std::path::PathBuf;

/// Anything that can stop one card from being rendered.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The stats JSON is not JSON. `location` is `line L, column C` (and a file when known).
    #[error("malformed JSON at {location}: {message}")]
    MalformedJson { location: String, message: String },

    /// The stats are JSON but break a rule; `path` names the field (`top_artists[2].minutes`).
    #[error("{path}: {message}")]
    InvalidStats { path: String, message: String },

    /// No user with that id in the dataset.
    #[error("unknown user `{user_id}` in {dataset}")]
    UnknownUser { user_id: String, dataset: String },

    /// No template with that name.
    #[error("unknown template `{name}`; available: {available}")]
    UnknownTemplate { name: String, available: String },

    /// The job selects no card at all (`templates: []`, or formats no selected template has).
    /// Fatal: a job that renders nothing is a mistake in the request, not a success.
    #[error("the job asks for no cards: {0}")]
    NoCards(String),

    /// The template exists but not in that format.
    #[error("template `{template}` has no format `{format}`; it has: {available}")]
    UnknownFormat {
        template: String,
        format: String,
        available: String,
    },

    /// A card selection (`--formats`, a job's `formats`) names a format that no template has.
    #[error("no template has a format `{format}`; formats: {available}")]
    NoSuchFormat { format: String, available: String },

    /// A template file cannot be loaded or compiled (handlebars syntax, manifest, background SVG).
    #[error("broken template {file}: {message}")]
    BrokenTemplate { file: String, message: String },

    /// Filling the template failed (a missing field in strict mode, a helper given bad arguments).
    #[error("template `{template}` failed to fill: {message}")]
    Fill { template: String, message: String },

    /// usvg rejected the filled SVG. This is a template bug: user strings are escaped.
    #[error("template `{template}` produced SVG that does not parse: {message}")]
    Parse { template: String, message: String },

    /// The font directory is missing or holds no usable font.
    #[error("fonts: {0}")]
    Fonts(String),

    /// A panic inside the render of one card, caught so that the process lives on.
    #[error("internal error while rendering `{template}`: {message}")]
    Panic { template: String, message: String },

    /// A format's pixel size cannot be drawn (zero, or more than a pixmap can hold). A template
    /// bug, not bad stats: fatal.
    #[error("template `{template}` format `{format}`: a {width}×{height} card cannot be drawn")]
    CardSize {
        template: String,
        format: String,
        width: u32,
        height: u32,
    },

    /// Encoding the card's pixels failed.
    #[error("encoding failed: {0}")]
    Encode(String),

    /// An encoding (`--encoding`, `?encoding=`, a job's `encoding`) that does not exist, or a
    /// JPEG quality out of range. Bad input: fatal.
    #[error("{0}")]
    BadEncoding(String),

    /// A stored record does not hold valid stats: the store's data is bad, not the request.
    #[error("stored stats of `{user_id}` are corrupt: {message}")]
    CorruptRecord { user_id: String, message: String },

    /// The stats store (the database) failed or is out of reach.
    #[error("stats store: {0}")]
    Store(String),

    /// Card storage (the sink: a folder or S3) failed. `permanent` when trying again cannot
    /// help: no such bucket, access denied, bad credentials or settings. A transient failure
    /// (a network error, a 5xx that object_store's own retries did not get past) is retryable.
    #[error("card storage: {message}")]
    Storage { message: String, permanent: bool },

    /// The job queue (NATS) failed or is out of reach.
    #[error("queue: {0}")]
    Queue(String),

    /// A job did not finish within its time limit. Fatal: whatever held it up (a pathological
    /// input, a hung store) would hold up the next worker's render thread too.
    #[error("the job did not finish within its time limit ({limit:?})")]
    TimedOut { limit: std::time::Duration },

    /// A queued job came back more times than the worker allows without ever finishing: the
    /// workers that held it crashed, were killed or lost their hold on it.
    #[error("delivered {deliveries} times without finishing (worker crashed or timed out)")]
    Abandoned { deliveries: i64 },

    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// Whether trying the same job again later could succeed.
    ///
    /// Only I/O, the stats store, the queue and transient card-storage failures are; everything
    /// else is decided by the input, the templates or the storage's settings.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Error::Io { .. }
                | Error::Store(_)
                | Error::Queue(_)
                | Error::Storage {
                    permanent: false,
                    ..
                }
        )
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The text a panic carried (`panic!("…")` gives a `&str` or a `String`), for the error that
/// reports it.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_follows_the_cause() {
        let storage = |permanent| Error::Storage {
            message: "x".into(),
            permanent,
        };
        assert!(storage(false).is_retryable());
        assert!(!storage(true).is_retryable());
        assert!(Error::Store("down".into()).is_retryable());
        assert!(!Error::NoSuchFormat {
            format: "x".into(),
            available: "story".into()
        }
        .is_retryable());
        assert!(!Error::CardSize {
            template: "t".into(),
            format: "f".into(),
            width: 0,
            height: 1
        }
        .is_retryable());
        assert_eq!(storage(true).to_string(), "card storage: x");
    }
}
