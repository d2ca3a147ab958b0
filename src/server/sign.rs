//! Signed card links: `sig` is the hex HMAC-SHA256 of the path and query without `sig`, so a
//! share link cannot be edited into another user's card. An `exp` (unix seconds) in the signed
//! query makes the link expire.
//!
//! Exactly what is signed: the request's path as sent, then, if the query has any pair other
//! than `sig`, `?` and those `name=value` pairs joined by `&`, in the order sent, byte for byte
//! (percent-encoding kept, nothing decoded, re-encoded or sorted; empty pairs from `&&` are
//! dropped). `sig` itself may stand anywhere in the query.
//!
//! [`Keys`] adds what a server in production needs around [`verify`]: a previous key that
//! still verifies while its links are out there (rotation), and the rule that every link must
//! expire.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Why a link was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("missing signature: add the `sig` from `cardfarm sign-url`")]
    Missing,
    #[error("bad signature")]
    Bad,
    #[error("link expired")]
    Expired,
    #[error("`exp` must be unix seconds")]
    BadExpiry,
    #[error("this server accepts only links that expire: sign with an `exp` (`cardfarm sign-url --expires-in SECONDS`)")]
    NoExpiry,
}

/// The keys a server verifies links with, and whether links must expire.
#[derive(Debug, Clone, Copy)]
pub struct Keys<'a> {
    /// The key links are signed with now.
    pub current: &'a [u8],
    /// The key before it, still accepted (rotation); `None` once its links are gone.
    pub previous: Option<&'a [u8]>,
    /// Refuse a link that has no `exp`.
    pub require_expiry: bool,
}

impl Keys<'_> {
    /// [`verify`] with the current key, else the previous one; then, if links must expire,
    /// refuses one without `exp` ([`Refusal::NoExpiry`]).
    pub fn verify(&self, path: &str, query: Option<&str>, now: u64) -> Result<(), Refusal> {
        let mut verified = verify(self.current, path, query, now);
        if verified == Err(Refusal::Bad) {
            if let Some(previous) = self.previous {
                verified = verify(previous, path, query, now);
            }
        }
        verified?;
        let has_expiry = query
            .unwrap_or("")
            .split('&')
            .any(|pair| pair.split_once('=').map_or(pair, |(k, _)| k) == "exp");
        if self.require_expiry && !has_expiry {
            return Err(Refusal::NoExpiry);
        }
        Ok(())
    }
}

/// `path?query` with `&sig=<hex>` appended.
pub fn sign(key: &[u8], path_and_query: &str) -> String {
    let sig = hex::encode(mac(key, path_and_query).finalize().into_bytes());
    let separator = if path_and_query.contains('?') {
        '&'
    } else {
        '?'
    };
    format!("{path_and_query}{separator}sig={sig}")
}

/// Checks a request's signature and expiry. `query` is the raw query string, if any.
pub fn verify(key: &[u8], path: &str, query: Option<&str>, now: u64) -> Result<(), Refusal> {
    let mut sig = None;
    let mut kept = Vec::new();
    let mut exp = None;
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match k {
            "sig" => sig = Some(v),
            _ => {
                if k == "exp" {
                    exp = Some(v);
                }
                kept.push(pair);
            }
        }
    }
    let sig = sig.ok_or(Refusal::Missing)?;
    let signed = if kept.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", kept.join("&"))
    };
    let bytes = hex::decode(sig).map_err(|_| Refusal::Bad)?;
    mac(key, &signed)
        .verify_slice(&bytes)
        .map_err(|_| Refusal::Bad)?;
    if let Some(exp) = exp {
        let exp: u64 = exp.parse().map_err(|_| Refusal::BadExpiry)?;
        if now > exp {
            return Err(Refusal::Expired);
        }
    }
    Ok(())
}

fn mac(key: &[u8], message: &str) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(message.as_bytes());
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"secret";

    fn split(url: &str) -> (&str, Option<&str>) {
        match url.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (url, None),
        }
    }

    #[test]
    fn signed_links_verify_and_tampering_fails() {
        let url = sign(KEY, "/v1/cards/demo/minutes.png?format=story");
        let (path, query) = split(&url);
        assert_eq!(verify(KEY, path, query, 0), Ok(()));
        assert_eq!(verify(b"other", path, query, 0), Err(Refusal::Bad));
        let tampered = url.replace("demo", "dem0");
        let (path, query) = split(&tampered);
        assert_eq!(verify(KEY, path, query, 0), Err(Refusal::Bad));
        let reformatted = url.replace("story", "square");
        let (path, query) = split(&reformatted);
        assert_eq!(verify(KEY, path, query, 0), Err(Refusal::Bad));
        assert_eq!(
            verify(KEY, "/v1/cards/demo/minutes.png", None, 0),
            Err(Refusal::Missing)
        );
    }

    #[test]
    fn the_previous_key_verifies_and_an_unknown_key_does_not() {
        let keys = Keys {
            current: &b"new"[..],
            previous: Some(&b"old"[..]),
            require_expiry: false,
        };
        for (key, expected) in [
            (&b"new"[..], Ok(())),
            (&b"old"[..], Ok(())),
            (&b"unknown"[..], Err(Refusal::Bad)),
        ] {
            let url = sign(key, "/v1/cards/demo/minutes.png?format=story");
            let (path, query) = split(&url);
            assert_eq!(keys.verify(path, query, 0), expected, "{url}");
        }
        // Without a previous key, the old key's links are refused.
        let url = sign(b"old", "/v1/cards/demo/minutes.png");
        let (path, query) = split(&url);
        let current_only = Keys {
            previous: None,
            ..keys
        };
        assert_eq!(current_only.verify(path, query, 0), Err(Refusal::Bad));
        // An expired link signed with the previous key is expired, not bad.
        let url = sign(b"old", "/v1/cards/demo/minutes.png?exp=100");
        let (path, query) = split(&url);
        assert_eq!(keys.verify(path, query, 101), Err(Refusal::Expired));
    }

    #[test]
    fn required_expiry_refuses_links_that_never_expire() {
        let keys = Keys {
            current: KEY,
            previous: None,
            require_expiry: true,
        };
        let forever = sign(KEY, "/v1/cards/demo/minutes.png?format=story");
        let (path, query) = split(&forever);
        assert_eq!(keys.verify(path, query, 0), Err(Refusal::NoExpiry));
        // A parameter merely ending in `exp` is not an expiry.
        let sneaky = sign(KEY, "/v1/cards/demo/minutes.png?noexp=1");
        let (path, query) = split(&sneaky);
        assert_eq!(keys.verify(path, query, 0), Err(Refusal::NoExpiry));
        let expiring = sign(KEY, "/v1/cards/demo/minutes.png?format=story&exp=100");
        let (path, query) = split(&expiring);
        assert_eq!(keys.verify(path, query, 100), Ok(()));
        assert_eq!(keys.verify(path, query, 101), Err(Refusal::Expired));
        // A forged link is refused as bad, whatever its expiry.
        assert_eq!(
            keys.verify("/v1/cards/demo/minutes.png", Some("sig=00"), 0),
            Err(Refusal::Bad)
        );
    }

    #[test]
    fn expiry_is_signed_and_enforced() {
        let url = sign(KEY, "/v1/cards/demo/minutes.png?exp=100");
        let (path, query) = split(&url);
        assert_eq!(verify(KEY, path, query, 100), Ok(()));
        assert_eq!(verify(KEY, path, query, 101), Err(Refusal::Expired));
        let extended = url.replace("exp=100", "exp=999");
        let (path, query) = split(&extended);
        assert_eq!(verify(KEY, path, query, 101), Err(Refusal::Bad));
    }

    #[test]
    fn only_a_parameter_named_sig_is_the_signature() {
        // `cosig` and `sig=` inside a value are signed parameters like any other.
        let url = sign(KEY, "/v1/cards/demo/minutes.png?cosig=2&note=sig=1");
        let (path, query) = split(&url);
        assert_eq!(verify(KEY, path, query, 0), Ok(()));
        let tampered = url.replace("cosig=2", "cosig=3");
        let (path, query) = split(&tampered);
        assert_eq!(verify(KEY, path, query, 0), Err(Refusal::Bad));
        // A link whose only `sig`-like parameter is `cosig` has no signature.
        assert_eq!(
            verify(KEY, "/v1/cards/demo/minutes.png", Some("cosig=00"), 0),
            Err(Refusal::Missing)
        );
    }
}
