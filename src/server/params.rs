//! Params: what a request brings besides its path. The query of the render routes, parsed
//! here so that a bad value answers JSON like every other error, and the body's limits (size,
//! time, JSON depth).

use axum::extract::rejection::BytesRejection;
use axum::extract::Query;
use axum::http::{StatusCode, Uri};

use super::error::ApiError;
use super::{sign, Config};
use crate::card::Encoding;

/// The query of the render routes. Parsed here, not by axum's `Query`, so that a bad value
/// answers JSON like every other error. Other parameters are ignored (but still signed).
#[derive(Debug, Default)]
pub(super) struct Params {
    pub format: Option<String>,
    pub exp: Option<u64>,
    /// Render in this locale instead of the stats' own: part of the stats the fingerprint
    /// (ETag, cache key) covers, and of the query a signature covers.
    pub locale: Option<String>,
    /// `encoding` and, for JPEG, `quality`. Default: PNG.
    pub encoding: Encoding,
}

impl Params {
    pub fn parse(uri: &Uri) -> Result<Params, ApiError> {
        let Query(pairs) = Query::<Vec<(String, String)>>::try_from_uri(uri)
            .map_err(|e| ApiError::bad_request(e.body_text()))?;
        let mut params = Params::default();
        let mut seen = Vec::new();
        let (mut encoding, mut quality) = (None, None);
        for (key, value) in pairs {
            if !["format", "exp", "sig", "locale", "encoding", "quality"].contains(&key.as_str()) {
                continue;
            }
            if seen.contains(&key) {
                return Err(ApiError::bad_request(format!(
                    "`{key}` given more than once"
                )));
            }
            match key.as_str() {
                "format" => params.format = Some(value),
                "locale" => {
                    crate::card::model::check_locale(&value)
                        .map_err(|e| ApiError::bad_request(format!("`locale`: {e}")))?;
                    params.locale = Some(value);
                }
                "exp" => {
                    params.exp =
                        Some(value.parse().map_err(|_| {
                            ApiError::bad_request(sign::Refusal::BadExpiry.to_string())
                        })?)
                }
                "encoding" => encoding = Some(value),
                "quality" => {
                    quality = Some(value.parse().map_err(|_| {
                        ApiError::bad_request(format!("quality `{value}` is not 1 to 100"))
                    })?)
                }
                _ => {}
            }
            seen.push(key);
        }
        params.encoding = Encoding::new(encoding.as_deref().unwrap_or("png"), quality)?;
        Ok(params)
    }
}

/// Why a body could not be read: too large (413), too slow (408) or broken (400).
pub(super) fn body_error(e: &BytesRejection, config: &Config) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("body larger than {} bytes", config.max_body),
        );
    }
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if c.is::<tower_http::timeout::TimeoutError>() {
            return ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                format!(
                    "body not received within {} s",
                    config.body_timeout.as_secs_f32()
                ),
            );
        }
        cause = c.source();
    }
    ApiError::bad_request(e.body_text())
}

/// The deepest JSON stats need is 3 (`{"top_artists": [{...}]}`); allow some slack.
pub(super) const MAX_JSON_DEPTH: usize = 8;

/// Nesting depth of a JSON document, counted without parsing it (so a deeply nested body is
/// refused before serde recurses into it).
pub(super) fn json_depth(bytes: &[u8]) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for &b in bytes {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_ignores_brackets_in_strings() {
        assert_eq!(json_depth(br#"{"a": [{"b": "[[[{{{"}]}"#), 3);
        assert_eq!(json_depth(b"[[[[[[[[[[1]]]]]]]]]]"), 10);
        assert_eq!(json_depth(br#"{"a": "\"["}"#), 1);
    }
}
