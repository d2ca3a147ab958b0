//! Redact: connection strings as they may be shown to people.
//!
//! A PostgreSQL or NATS URL can carry a password or a token (`postgres://user:pw@host/db`,
//! `nats://token@host`, `…?password=pw`). Logs and error messages are read by more people
//! than the secrets are meant for, so every place that shows such a URL shows
//! [`url`]`(…)` instead: the same text with each secret replaced by `***`.

/// What stands in for a secret.
pub const MASK: &str = "***";

/// `text` with the secrets of any URL in it masked:
///
/// - `scheme://user:password@host…` becomes `scheme://user:***@host…`;
/// - `nats://token@host…` (a user part with no password: NATS's token form, also for `tls://`,
///   `ws://` and `wss://`) becomes `nats://***@host…`; elsewhere a lone user name is kept;
/// - `password=value` (a query parameter, or a `key=value` connection string) becomes
///   `password=***`, and likewise any key that ends in `password`.
///
/// Text without secrets comes back unchanged.
pub fn url(text: &str) -> String {
    mask_passwords(&mask_userinfo(text))
}

/// Masks the userinfo of every `://` authority in `text`.
fn mask_userinfo(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("://") {
        let (head, tail) = rest.split_at(start + 3);
        let scheme = head[..start]
            .rsplit(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let lone_user_is_a_token = matches!(scheme.as_str(), "nats" | "tls" | "ws" | "wss");
        out.push_str(head);
        // The authority ends at the path, query or fragment, or at whitespace (the URL ends).
        let end = tail
            .find(|c: char| matches!(c, '/' | '?' | '#') || c.is_whitespace())
            .unwrap_or(tail.len());
        let authority = &tail[..end];
        match authority.rfind('@') {
            Some(at) => {
                let userinfo = &authority[..at];
                match userinfo.split_once(':') {
                    Some((user, _)) => {
                        out.push_str(user);
                        out.push(':');
                        out.push_str(MASK);
                    }
                    None if lone_user_is_a_token => out.push_str(MASK),
                    None => out.push_str(userinfo),
                }
                out.push_str(&authority[at..]);
            }
            None => out.push_str(authority),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// Masks the value of every `…password=value` pair (up to `&`, whitespace or a quote).
fn mask_passwords(text: &str) -> String {
    const KEY: &str = "password=";
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    while let Some(found) = lower[from..].find(KEY) {
        let value_start = from + found + KEY.len();
        out.push_str(&text[from..value_start]);
        let value_end = text[value_start..]
            .find(|c: char| c == '&' || c == '\'' || c == '"' || c.is_whitespace())
            .map_or(text.len(), |i| value_start + i);
        if value_end > value_start {
            out.push_str(MASK);
        }
        from = value_end;
    }
    out.push_str(&text[from..]);
    out
}

#[cfg(test)]
mod tests {
    use super::url;

    #[test]
    fn passwords_and_tokens_are_masked() {
        for (given, shown) in [
            (
                "postgres://cardfarm:s3cret@db.internal:5432/wrapped",
                "postgres://cardfarm:***@db.internal:5432/wrapped",
            ),
            (
                "postgresql://u:p%40ss@h1,h2/db?sslmode=require",
                "postgresql://u:***@h1,h2/db?sslmode=require",
            ),
            (
                "postgres://u@host/db?password=s3cret&sslmode=require",
                "postgres://u@host/db?password=***&sslmode=require",
            ),
            (
                "host=db user=u password=s3cret",
                "host=db user=u password=***",
            ),
            ("nats://t0ken@nats:4222", "nats://***@nats:4222"),
            ("nats://worker:pw@nats:4222", "nats://worker:***@nats:4222"),
            (
                "connecting to tls://a:b@n1:4222 failed",
                "connecting to tls://a:***@n1:4222 failed",
            ),
            ("nats://127.0.0.1:4222", "nats://127.0.0.1:4222"),
            ("data/sample.jsonl", "data/sample.jsonl"),
            ("s3://bucket/prefix", "s3://bucket/prefix"),
        ] {
            assert_eq!(url(given), shown, "{given}");
        }
    }
}
