//! Signed card links in production: keys rotate (the previous key still verifies for a while,
//! an unknown one never), links can be required to expire, and `sign-url` signs with the
//! current key only.

mod common;

use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::StatusCode;
use cardfarm::server::{sign, Config};
use common::app::{assert_json_error, get, jsonl_store, state, SIGNING_KEY};
use common::process;

const PREVIOUS: &[u8] = b"last-years-signing-key";

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn rotating(require_expiry: bool) -> Config {
    Config {
        signing_key: Some(SIGNING_KEY.to_vec()),
        previous_signing_key: Some(PREVIOUS.to_vec()),
        require_expiry,
        ..Config::default()
    }
}

#[tokio::test]
async fn links_of_the_current_and_previous_key_verify_and_no_other() {
    let s = state(jsonl_store().await, rotating(false));
    let path = "/v1/cards/demo/summary.png?format=square";
    for key in [SIGNING_KEY, PREVIOUS] {
        let a = get(&s, &sign::sign(key, path)).await;
        assert_eq!(
            a.status,
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(&a.body)
        );
    }
    let a = get(&s, &sign::sign(b"a-key-nobody-configured", path)).await;
    assert_json_error(&a, StatusCode::FORBIDDEN, "unknown key");
    assert_eq!(a.error(), "bad signature");
    // Expired is expired, whichever key signed it.
    let old = format!("/v1/cards/demo/minutes.png?exp={}", now() - 10);
    for key in [SIGNING_KEY, PREVIOUS] {
        let a = get(&s, &sign::sign(key, &old)).await;
        assert_json_error(&a, StatusCode::FORBIDDEN, "expired link");
        assert!(a.error().contains("expired"), "{}", a.error());
    }
    // Once the previous key is dropped, its links stop working.
    let current_only = state(
        jsonl_store().await,
        Config {
            previous_signing_key: None,
            ..rotating(false)
        },
    );
    let a = get(&current_only, &sign::sign(PREVIOUS, path)).await;
    assert_json_error(&a, StatusCode::FORBIDDEN, "dropped key");
}

#[tokio::test]
async fn a_server_that_requires_expiry_refuses_links_that_never_expire() {
    let s = state(jsonl_store().await, rotating(true));
    let forever = sign::sign(SIGNING_KEY, "/v1/cards/demo/summary.png?format=square");
    let a = get(&s, &forever).await;
    assert_json_error(&a, StatusCode::FORBIDDEN, "a link without exp");
    assert!(a.error().contains("expire"), "{}", a.error());
    assert!(a.error().contains("sign-url --expires-in"), "{}", a.error());
    let soon = format!(
        "/v1/cards/demo/summary.png?format=square&exp={}",
        now() + 600
    );
    for key in [SIGNING_KEY, PREVIOUS] {
        let a = get(&s, &sign::sign(key, &soon)).await;
        assert_eq!(
            a.status,
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(&a.body)
        );
    }
    let gone = format!("/v1/cards/demo/minutes.png?exp={}", now() - 1);
    let a = get(&s, &sign::sign(SIGNING_KEY, &gone)).await;
    assert_json_error(&a, StatusCode::FORBIDDEN, "expired");
    assert!(a.error().contains("expired"), "{}", a.error());
}

#[test]
fn sign_url_signs_with_the_current_key_and_serve_checks_its_flags() {
    let out = process::cardfarm()
        .args(["sign-url", "/v1/cards/demo/minutes.png"])
        .env("CARDFARM_SIGNING_KEY", "current-key")
        .env("CARDFARM_SIGNING_KEY_PREVIOUS", "previous-key")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let link = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert_eq!(
        link,
        sign::sign(b"current-key", "/v1/cards/demo/minutes.png")
    );

    for (flags, needle) in [
        (vec!["--require-expiry"], "need a --signing-key"),
        (
            vec!["--signing-key-previous", "old"],
            "need a --signing-key",
        ),
        (
            vec!["--signing-key", "new", "--signing-key-previous", " "],
            "--signing-key-previous (or CARDFARM_SIGNING_KEY_PREVIOUS) is empty",
        ),
    ] {
        let out = process::cardfarm()
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(&flags)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flags:?}: {stderr}");
        assert!(stderr.contains(needle), "{flags:?}: {stderr}");
    }
}
