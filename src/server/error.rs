//! API errors: a status, a public message and optional detail, as JSON. Client errors keep
//! their message; internal ones log the details and answer with a generic body.
//!
//! Every answer that is not a card goes through [`ApiError`], including what axum would
//! otherwise answer in plain text: the handlers take extractor results (`Result<Path<_>, _>`)
//! and convert the rejection with `?`, the query is parsed by the server itself, and 405 and
//! 404 have fallbacks. A client therefore parses one shape whatever went wrong.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// An error answer: `{"error": "...", "detail": ...}` with its status. Clone, because the
/// requests waiting for one render share its outcome.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    pub detail: Option<Value>,
    /// Seconds for `Retry-After` (overload, store outage).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            detail: None,
            retry_after: None,
        }
    }

    pub fn detail(mut self, detail: Value) -> Self {
        self.detail = Some(detail);
        self
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    /// The render pool and its wait queue are full: come back in a second.
    pub fn overloaded() -> Self {
        ApiError {
            retry_after: Some(1),
            ..Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "overloaded: try again shortly",
            )
        }
    }

    /// Logs the real cause; the client learns only that it was ours.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
    }
}

/// axum's path rejection (bad percent-encoding, a missing segment), as JSON.
impl From<axum::extract::rejection::PathRejection> for ApiError {
    fn from(r: axum::extract::rejection::PathRejection) -> Self {
        ApiError::new(r.status(), r.body_text())
    }
}

impl From<cardfarm_error::Error> for ApiError {
    fn from(e: cardfarm_error::Error) -> Self {
        use cardfarm_error::Error::*;
        match &e {
            MalformedJson { .. } | BadEncoding(_) => ApiError::bad_request(e.to_string()),
            InvalidStats { path, message } => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string())
                    .detail(json!({ "field": path, "problem": message }))
            }
            UnknownUser { user_id, .. } => ApiError::not_found(format!("unknown user `{user_id}`")),
            UnknownTemplate { .. } | UnknownFormat { .. } | NoSuchFormat { .. } => {
                ApiError::not_found(e.to_string())
            }
            // Our data is bad: log which record and why, tell the client nothing about it.
            CorruptRecord { .. } => ApiError::internal(e),
            Store(_) | Io { .. } => {
                tracing::error!(cause = %e, "stats store unavailable");
                ApiError {
                    retry_after: Some(5),
                    ..ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "stats store unavailable")
                }
            }
            // Card storage and a template's size are ours, not the client's: a generic 500.
            Storage { .. } | CardSize { .. } => ApiError::internal(e),
            _ => ApiError::internal(e),
        }
    }
}

// The library's error, named apart from this module's.
use crate::error as cardfarm_error;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({ "error": self.message });
        if let Some(detail) = self.detail {
            body["detail"] = detail;
        }
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_cause_keeps_its_status() {
        use cardfarm_error::Error;
        let status = |e: Error| ApiError::from(e).status;
        assert_eq!(
            status(Error::NoSuchFormat {
                format: "x".into(),
                available: "story".into()
            }),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            status(Error::Storage {
                message: "no such bucket".into(),
                permanent: true
            }),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        assert_eq!(
            status(Error::CardSize {
                template: "t".into(),
                format: "f".into(),
                width: 0,
                height: 0
            }),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        assert_eq!(
            status(Error::Store("down".into())),
            StatusCode::SERVICE_UNAVAILABLE
        );
    }
}
