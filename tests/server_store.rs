//! The PostgreSQL stats store behind the card route, on loopback (127.0.0.1:5432, or
//! `CARDFARM_TEST_POSTGRES`; each test in a schema of its own): the same route checks as the
//! JSON Lines store passes, ETags that follow the stats, a corrupt row, and a database that is
//! down or silent. Without PostgreSQL the tests that need it fail in one line saying how to
//! start it.

mod common;

use axum::http::{header, StatusCode};
use cardfarm::server::store::Store;
use cardfarm::server::Config;
use common::app::{
    assert_corrupt_record_is_500, assert_json_error, demo_etag, exercise_card_route, get,
    invalid_record, state,
};
use common::services::{self, pg_pool, PgSchema};
use common::{all_sample_users, demo_stats};

#[tokio::test]
async fn card_route_with_the_postgres_store() {
    let (schema, store) = PgSchema::create().await;
    let users = all_sample_users();
    Store::put_postgres(pg_pool(&store), &users).await.unwrap();
    let count: i64 = services::postgres()
        .await
        .query_one(
            &format!("SELECT count(*) FROM {}.cardfarm_stats", schema.name),
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(count as usize, users.len());
    exercise_card_route(store).await;
}

#[tokio::test]
async fn postgres_etag_changes_when_the_stats_change() {
    let (_schema, store) = PgSchema::create().await;
    let mut demo = demo_stats();
    Store::put_postgres(pg_pool(&store), std::slice::from_ref(&demo))
        .await
        .unwrap();
    let before = demo_etag(store.clone()).await;
    assert_eq!(before, demo_etag(store.clone()).await, "stable");
    demo.minutes_listened.0 += 1;
    Store::put_postgres(pg_pool(&store), &[demo]).await.unwrap();
    assert_ne!(before, demo_etag(store).await);
}

#[tokio::test]
async fn a_corrupt_postgres_row_is_a_generic_500() {
    let (schema, store) = PgSchema::create().await;
    services::postgres()
        .await
        .execute(
            &format!(
                "INSERT INTO {}.cardfarm_stats (user_id, year, stats) VALUES ('broken', 2026, $1::text::jsonb)",
                schema.name
            ),
            &[&invalid_record("broken")],
        )
        .await
        .unwrap();
    assert_corrupt_record_is_500(store).await;
}

#[tokio::test]
async fn unreachable_postgres_is_503_not_a_crash() {
    let store =
        Store::postgres("postgres://postgres@127.0.0.1:1/nowhere?connect_timeout=1").unwrap();
    let s = state(store, Config::default());
    let a = get(&s, "/v1/cards/demo/minutes.png").await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(a.headers.contains_key(header::RETRY_AFTER));
    assert_eq!(
        get(&s, "/readyz").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
}

#[tokio::test]
async fn a_silent_postgres_is_a_prompt_503() {
    // Accepts connections (the kernel does, from the backlog) and never says a word: the
    // startup handshake waits forever unless the pool gives up.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let store = Store::postgres(&format!("postgres://postgres@127.0.0.1:{port}/test")).unwrap();
    // A request deadline far away, so only the store's own timeouts can answer.
    let s = state(
        store,
        Config {
            timeout: std::time::Duration::from_secs(3600),
            ..Config::default()
        },
    );
    for uri in ["/v1/cards/demo/minutes.png", "/readyz"] {
        let a = tokio::time::timeout(std::time::Duration::from_secs(60), get(&s, uri))
            .await
            .unwrap_or_else(|_| panic!("{uri} hung on a silent database"));
        assert_json_error(&a, StatusCode::SERVICE_UNAVAILABLE, uri);
        assert!(a.headers.contains_key(header::RETRY_AFTER), "{uri}");
    }
    drop(silent);
}
