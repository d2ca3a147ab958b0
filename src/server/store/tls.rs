//! TLS to PostgreSQL, from the `sslmode` and `sslrootcert` of a `postgres://` URL, as libpq
//! reads them:
//!
//! | `sslmode` | what the connection does |
//! |---|---|
//! | absent, `disable`, `prefer` | plain TCP (as before TLS was supported) |
//! | `require` | TLS, or no connection; the certificate is not checked, unless `sslrootcert` is given (then as `verify-ca`) |
//! | `verify-ca` | TLS; the certificate must chain to `sslrootcert` (else the system's roots) |
//! | `verify-full` | as `verify-ca`, and the certificate must name the host connected to |
//!
//! `sslrootcert` is a PEM file of one or more CA certificates, for a database whose certificate
//! a private CA signed. tokio-postgres knows neither `verify-*` nor `sslrootcert`: both are
//! taken out of the URL here, which then asks tokio-postgres for `sslmode=require`, and the
//! checks are rustls's (with the *ring* provider) through `tokio-postgres-rustls`.

use std::path::PathBuf;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::error::{Error, Result};

/// What TLS a URL asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Tls {
    /// No TLS (`sslmode` absent, `disable` or `prefer`).
    Off,
    /// TLS; the certificate is not checked.
    Require,
    /// TLS; the certificate chains to these roots (`None`: the system's), and if `check_host`,
    /// names the host.
    Verify {
        roots: Option<PathBuf>,
        check_host: bool,
    },
}

impl Tls {
    /// The TLS `url` asks for, and the URL to give tokio-postgres (without `sslrootcert`, and
    /// with `sslmode=require` where TLS is wanted).
    pub(super) fn from_url(url: &str) -> Result<(String, Tls)> {
        let Some((base, query)) = url.split_once('?') else {
            return Ok((url.to_string(), Tls::Off));
        };
        let (mut mode, mut root) = (None, None);
        let mut kept = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            match pair.split_once('=') {
                Some(("sslmode", v)) => mode = Some(v.to_string()),
                Some(("sslrootcert", v)) => {
                    let path = percent_encoding::percent_decode_str(v)
                        .decode_utf8()
                        .map_err(|_| Error::Store("sslrootcert is not UTF-8".into()))?;
                    root = Some(PathBuf::from(path.into_owned()));
                }
                _ => kept.push(pair),
            }
        }
        let tls = match mode.as_deref() {
            None | Some("disable" | "prefer") => {
                if root.is_some() {
                    return Err(Error::Store(
                        "sslrootcert is set but sslmode does not ask for TLS: add \
                         sslmode=verify-full (or verify-ca, require)"
                            .into(),
                    ));
                }
                if let Some(mode) = mode {
                    kept.push(if mode == "disable" {
                        "sslmode=disable"
                    } else {
                        "sslmode=prefer"
                    });
                }
                Tls::Off
            }
            // libpq: with a root certificate, `require` checks the chain like `verify-ca`.
            Some("require") if root.is_none() => Tls::Require,
            Some("require" | "verify-ca") => Tls::Verify {
                roots: root,
                check_host: false,
            },
            Some("verify-full") => Tls::Verify {
                roots: root,
                check_host: true,
            },
            Some(other) => {
                return Err(Error::Store(format!(
                    "sslmode `{other}` is not supported: use disable, prefer, require, \
                     verify-ca or verify-full"
                )))
            }
        };
        if tls != Tls::Off {
            kept.push("sslmode=require");
        }
        let url = if kept.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        Ok((url, tls))
    }

    /// The connector for tokio-postgres; `None` for [`Tls::Off`].
    pub(super) fn connector(&self) -> Result<Option<MakeRustlsConnect>> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::Store(format!("TLS: {e}")))?;
        let verifier = match self {
            Tls::Off => return Ok(None),
            Tls::Require => Verifier {
                chain: None,
                check_host: false,
                algorithms: provider.signature_verification_algorithms,
            },
            Tls::Verify { roots, check_host } => {
                let roots = Arc::new(root_store(roots.as_ref())?);
                let chain = WebPkiServerVerifier::builder_with_provider(roots, provider.clone())
                    .build()
                    .map_err(|e| Error::Store(format!("TLS roots: {e}")))?;
                Verifier {
                    chain: Some(chain),
                    check_host: *check_host,
                    algorithms: provider.signature_verification_algorithms,
                }
            }
        };
        let config = builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        Ok(Some(MakeRustlsConnect::new(config)))
    }
}

/// The CA certificates of `file` (PEM), else the system's.
fn root_store(file: Option<&PathBuf>) -> Result<RootCertStore> {
    let mut store = RootCertStore::empty();
    match file {
        Some(file) => {
            let certs = CertificateDer::pem_file_iter(file)
                .and_then(|certs| certs.collect::<std::result::Result<Vec<_>, _>>())
                .map_err(|e| Error::Store(format!("sslrootcert {}: {e}", file.display())))?;
            let (added, _) = store.add_parsable_certificates(certs);
            if added == 0 {
                return Err(Error::Store(format!(
                    "sslrootcert {}: no CA certificate in it",
                    file.display()
                )));
            }
        }
        None => {
            let found = rustls_native_certs::load_native_certs();
            store.add_parsable_certificates(found.certs);
            if store.is_empty() {
                return Err(Error::Store(
                    "no system CA certificates to verify PostgreSQL with: set sslrootcert".into(),
                ));
            }
        }
    }
    Ok(store)
}

/// rustls's WebPKI checks, minus what the `sslmode` does not ask for: the whole certificate
/// (`require`), or the host name (`verify-ca`). The handshake's signatures are always checked,
/// so the server holds the key of the certificate it shows.
#[derive(Debug)]
struct Verifier {
    /// `None`: accept any certificate.
    chain: Option<Arc<WebPkiServerVerifier>>,
    check_host: bool,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        let Some(chain) = &self.chain else {
            return Ok(ServerCertVerified::assertion());
        };
        // WebPKI checks the chain before the name, so a name error means the chain was good.
        match chain.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) if !self.check_host => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sslmode_and_sslrootcert_are_read_and_taken_out() {
        let (url, tls) = Tls::from_url("postgres://u:p@db/wrapped").unwrap();
        assert_eq!((url.as_str(), tls), ("postgres://u:p@db/wrapped", Tls::Off));
        let (url, tls) =
            Tls::from_url("postgres://db/w?options=-c%20search_path%3Dx&sslmode=require").unwrap();
        assert_eq!(
            url,
            "postgres://db/w?options=-c%20search_path%3Dx&sslmode=require"
        );
        assert_eq!(tls, Tls::Require);
        let (url, tls) =
            Tls::from_url("postgres://db/w?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem")
                .unwrap();
        assert_eq!(url, "postgres://db/w?sslmode=require");
        assert_eq!(
            tls,
            Tls::Verify {
                roots: Some("/etc/ca.pem".into()),
                check_host: true
            }
        );
        let (_, tls) =
            Tls::from_url("postgres://db/w?sslmode=require&sslrootcert=/ca.pem").unwrap();
        assert_eq!(
            tls,
            Tls::Verify {
                roots: Some("/ca.pem".into()),
                check_host: false
            }
        );
        let (url, tls) = Tls::from_url("postgres://db/w?sslmode=disable").unwrap();
        assert_eq!(
            (url.as_str(), tls),
            ("postgres://db/w?sslmode=disable", Tls::Off)
        );
        for bad in [
            "postgres://db/w?sslmode=allow",
            "postgres://db/w?sslmode=sometimes",
            "postgres://db/w?sslrootcert=/ca.pem",
        ] {
            assert!(Tls::from_url(bad).is_err(), "{bad}");
        }
    }
}
