//! The PostgreSQL store over TLS (`sslmode=require`, `verify-full` with `sslrootcert`), against
//! the tests' PostgreSQL (127.0.0.1:5432, or `CARDFARM_TEST_POSTGRES`).
//!
//! The test makes a CA and a server certificate with the `openssl` command, points the server
//! at them (`ALTER SYSTEM SET ssl_cert_file, ssl_key_file, ssl = on`, then a reload) and puts
//! its settings back afterwards, passed or failed ([`ServerTls`]). Other tests are not
//! disturbed: they connect without TLS, which a reload of the certificate does not touch. The
//! server must be local (it reads the files the test writes) and the test must run as root or
//! as the `postgres` user (the key must belong to the server's user).

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use cardfarm::server::store::Store;
use common::services::{self, pg_pool, postgres_url, PgSchema};
use common::{demo_stats, TempDir};

fn openssl(args: &[&str], dir: &Path) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the openssl command");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CA (`<name>.crt`, `<name>.key`) in `dir`.
fn make_ca(dir: &Path, name: &str) {
    openssl(
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            &format!("/CN=cardfarm test {name}"),
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.crt"),
        ],
        dir,
    );
}

/// `server.crt` and `server.key` for localhost and 127.0.0.1, signed by the CA `ca`.
fn make_server_cert(dir: &Path) {
    openssl(
        &[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
        ],
        dir,
    );
    std::fs::write(
        dir.join("server.ext"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n\
         keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "server.ext",
            "-out",
            "server.crt",
        ],
        dir,
    );
}

/// The numeric id of an OS user.
fn uid_of(user: &str) -> (u32, u32) {
    let id = |flag: &str| {
        let out = Command::new("id").args([flag, user]).output().unwrap();
        assert!(out.status.success(), "no OS user {user}");
        String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
    };
    (id("-u"), id("-g"))
}

/// Runs statements as the superuser; a failure fails the test.
fn admin(statements: &[String]) {
    if let Err(e) = services::postgres_execute(statements) {
        panic!("{statements:?}: {e}");
    }
}

/// The server's TLS settings pointed at our certificate; put back (RESET, reload) when dropped,
/// also when the test failed.
struct ServerTls;

impl ServerTls {
    fn enable(cert: &Path, key: &Path) -> ServerTls {
        let guard = ServerTls;
        admin(&[
            format!("ALTER SYSTEM SET ssl_cert_file = '{}'", cert.display()),
            format!("ALTER SYSTEM SET ssl_key_file = '{}'", key.display()),
            "ALTER SYSTEM SET ssl = on".into(),
            "SELECT pg_reload_conf()".into(),
        ]);
        guard
    }
}

impl Drop for ServerTls {
    fn drop(&mut self) {
        admin(&[
            "ALTER SYSTEM RESET ssl_cert_file".into(),
            "ALTER SYSTEM RESET ssl_key_file".into(),
            "ALTER SYSTEM RESET ssl".into(),
            "SELECT pg_reload_conf()".into(),
        ]);
    }
}

/// A store over the schema, with `tls` added to the URL.
fn store(schema: &PgSchema, tls: &str) -> Store {
    let url = postgres_url();
    let separator = if url.contains('?') { '&' } else { '?' };
    Store::postgres(&format!(
        "{url}{separator}options=-c%20search_path%3D{}&{tls}",
        schema.name
    ))
    .unwrap()
}

/// Whether the store's connection is encrypted, as the server sees it.
async fn encrypted(store: &Store) -> bool {
    let client = pg_pool(store).get().await.unwrap();
    client
        .query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .await
        .unwrap()
        .get(0)
}

fn encoded(path: PathBuf) -> String {
    path.display().to_string().replace('/', "%2F")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_store_reads_cards_over_tls_and_checks_the_certificate() {
    services::postgres().await;
    let dir = TempDir::new("pgtls");
    make_ca(&dir, "ca");
    make_ca(&dir, "other-ca");
    make_server_cert(&dir);
    // The server reads the key as its own user, and only a key nobody else can read.
    let (uid, gid) = uid_of("postgres");
    for file in ["server.crt", "server.key"] {
        std::os::unix::fs::chown(dir.join(file), Some(uid), Some(gid)).unwrap();
    }
    std::fs::set_permissions(
        dir.join("server.key"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();

    let (schema, plain) = PgSchema::create().await;
    Store::put_postgres(pg_pool(&plain), &[demo_stats()])
        .await
        .unwrap();
    assert!(!encrypted(&plain).await, "no sslmode: plain TCP as before");

    let _tls = ServerTls::enable(&dir.join("server.crt"), &dir.join("server.key"));
    let ca = encoded(dir.join("ca.crt"));
    let verify_full = format!("sslmode=verify-full&sslrootcert={ca}");
    // The reload takes effect for new connections once the postmaster has handled it.
    let mut loaded = false;
    for _ in 0..50 {
        let s = store(&schema, &verify_full);
        if s.get("demo").await.is_ok() {
            loaded = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(loaded, "the server never presented the test certificate");

    for tls in [
        "sslmode=require".to_string(),
        verify_full.clone(),
        format!("sslmode=verify-ca&sslrootcert={ca}"),
    ] {
        let s = store(&schema, &tls);
        let (stats, _) = s.get("demo").await.unwrap().expect("demo is stored");
        assert_eq!(stats.user_id, "demo", "{tls}");
        assert!(encrypted(&s).await, "{tls}: not encrypted");
    }

    // A certificate from another CA than the one the URL names is refused.
    let other = encoded(dir.join("other-ca.crt"));
    let wrong = store(&schema, &format!("sslmode=verify-full&sslrootcert={other}"));
    let Err(e) = wrong.get("demo").await else {
        panic!("a certificate of another CA was accepted")
    };
    let e = e.to_string();
    assert!(e.contains("certificate"), "{e}");
    // And a root file that is not there is an error at once, naming it.
    let url = postgres_url();
    let Err(e) = Store::postgres(&format!(
        "{url}?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem"
    )) else {
        panic!("a missing sslrootcert was accepted")
    };
    let e = e.to_string();
    assert!(e.contains("/nonexistent/ca.pem"), "{e}");
}
