//! Connect: reaching the NATS server with the credentials of an [`Endpoint`] (a user and
//! password or a token in the URL, or a `.creds` file), showing the URL only with its secrets
//! masked.

use std::path::PathBuf;

use async_nats::jetstream;

use crate::error::{Error, Result};
use crate::redact;

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
