//! Builds the reqwest client: TLS trust, timeouts, user agent, proxies.
//!
//! Trust: reqwest 0.13 with `rustls-no-provider` verifies through `rustls-platform-verifier`,
//! which on Linux reads the system store (`/etc/ssl/certs`, or `SSL_CERT_FILE`/`SSL_CERT_DIR`);
//! no extra root-store feature exists or is needed. The extra PEM bundle is merged on top. Where
//! the system has no CA store at all (minimal containers) that verifier cannot be built, so we
//! fall back to Mozilla's roots shipped in `webpki-root-certs`.
//!
//! A plain `http://` host (a local MLflow server, the simulator) gets a TLS setup without any
//! trust roots: reading the system's CA certificates, or parsing an extra bundle (often the
//! whole system store again, via `SSL_CERT_FILE`), costs milliseconds at every start, for
//! nothing. So the bundle is neither read nor checked for such a host, and a redirect to an
//! `https://` host fails to verify.
//!
//! Proxies: reqwest reads `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY`/`NO_PROXY` (either case) when
//! the client is built, as long as no explicit proxy is configured: we configure none.

use std::path::Path;

use reqwest::Certificate;
use rustls::pki_types::CertificateDer;

use crate::api::client::ClientOptions;
use crate::api::error::{ApiError, ApiResult};

/// Sent on every request, so server logs can tell this tool apart.
pub(crate) const USER_AGENT: &str = concat!("mlops-console/", env!("CARGO_PKG_VERSION"));

/// The HTTP client for `options`.
pub(crate) fn build(options: &ClientOptions) -> ApiResult<reqwest::Client> {
    install_crypto_provider();
    let builder = || {
        reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(options.connect_timeout)
            .timeout(options.request_timeout)
    };
    let failed = |e: &reqwest::Error| setup(format!("cannot build the HTTP client: {}", chain(e)));
    if is_plain_http(&options.host) {
        return builder()
            .tls_backend_preconfigured(rootless_tls()?)
            .build()
            .map_err(|e| failed(&e));
    }
    let extra_der = match &options.extra_ca_file {
        Some(path) => load_ca_bundle(path)?,
        None => Vec::new(),
    };
    let extra = extra_der
        .iter()
        .map(|der| Certificate::from_der(der.as_ref()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| failed(&e))?;
    match builder().tls_certs_merge(extra.clone()).build() {
        Ok(client) => Ok(client),
        Err(first) => {
            let mut roots = bundled_roots();
            roots.extend(extra);
            builder()
                .tls_certs_only(roots)
                .build()
                .map_err(|_| failed(&first))
        }
    }
}

/// Whether `host` is an `http://` URL (no TLS unless a server redirects elsewhere).
fn is_plain_http(host: &str) -> bool {
    host.get(..7)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("http://"))
}

/// rustls set up without any trust root (nothing is read).
fn rootless_tls() -> ApiResult<rustls::ClientConfig> {
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| setup(format!("cannot set up TLS: {e}")))?
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth();
    Ok(config)
}

/// reqwest is built without a default crypto provider (to avoid aws-lc's build cost) and panics
/// when it needs one and none is installed. Installing twice fails harmlessly, so every client
/// build can call this.
pub(crate) fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Every certificate of a PEM bundle; a missing or unreadable file, broken PEM, a block that is
/// not a usable CA certificate, or a file without any certificate is a setup error naming the
/// file, so a wrong `SSL_CERT_FILE` is caught at startup rather than as a TLS failure later.
pub(crate) fn load_ca_bundle(path: &Path) -> ApiResult<Vec<CertificateDer<'static>>> {
    use rustls::pki_types::pem::PemObject;

    let shown = path.display();
    let pem =
        std::fs::read(path).map_err(|e| setup(format!("cannot read CA bundle {shown}: {e}")))?;
    let mut certs = Vec::new();
    for (i, der) in CertificateDer::pem_slice_iter(&pem).enumerate() {
        let n = i + 1;
        let der = der.map_err(|e| setup(format!("CA bundle {shown}: certificate {n}: {e}")))?;
        // Parse it as a trust anchor now, the way the verifier will, to report it here.
        rustls::RootCertStore::empty()
            .add(der.clone())
            .map_err(|e| setup(format!("CA bundle {shown}: certificate {n}: {e}")))?;
        Certificate::from_der(der.as_ref())
            .map_err(|e| setup(format!("CA bundle {shown}: certificate {n}: {}", chain(&e))))?;
        certs.push(der);
    }
    if certs.is_empty() {
        return Err(setup(format!("CA bundle {shown} holds no PEM certificate")));
    }
    Ok(certs)
}

fn bundled_roots() -> Vec<Certificate> {
    webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .filter_map(|der| Certificate::from_der(der.as_ref()).ok())
        .collect()
}

fn setup(message: String) -> ApiError {
    ApiError::Setup { message }
}

/// Why a connection could not be opened, with what to check: a refused port, a name that does
/// not resolve, a certificate that does not verify.
pub(crate) fn connect_failure(e: &(dyn std::error::Error + 'static)) -> String {
    let text = chain(e);
    let lower = text.to_ascii_lowercase();
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    let mut refused = false;
    let mut tls = false;
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            refused |= io.kind() == std::io::ErrorKind::ConnectionRefused;
            tls |= io
                .get_ref()
                .is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some());
        }
        tls |= s.downcast_ref::<rustls::Error>().is_some();
        source = s.source();
    }
    let hint = if refused || lower.contains("connection refused") {
        "connection refused: check the host and port, and that the server is running"
    } else if lower.contains("dns error") || lower.contains("failed to lookup address") {
        "the host name does not resolve: check the host and DNS"
    } else if tls
        || ["certificate", "tls", "handshake", "corrupt message"]
            .iter()
            .any(|w| lower.contains(w))
    {
        "TLS failed: check the certificate; a private CA goes in SSL_CERT_FILE"
    } else {
        "no connection: check the host, the network and any proxy"
    };
    format!("{hint} ({text})")
}

/// An error with its causes, `outer: inner: root`, skipping causes already quoted by their
/// parent (hyper and reqwest often repeat them).
pub(crate) fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use base64::Engine;

    use super::*;
    use crate::api::credentials::Credentials;

    fn pem_of(der: &[u8]) -> String {
        let b64 = base64::engine::general_purpose::STANDARD.encode(der);
        let lines: Vec<&str> = b64
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        format!(
            "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
            lines.join("\n")
        )
    }

    fn options_with_bundle(contents: &[u8]) -> (ClientOptions, tempfile::NamedTempFile) {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(contents).unwrap();
        let mut o = ClientOptions::new("https://127.0.0.1:1", Credentials::None);
        o.extra_ca_file = Some(file.path().to_path_buf());
        (o, file)
    }

    #[test]
    fn user_agent_names_the_tool_and_version() {
        assert_eq!(
            USER_AGENT,
            format!("mlops-console/{}", env!("CARGO_PKG_VERSION"))
        );
    }

    #[test]
    fn builds_without_extra_bundle() {
        build(&ClientOptions::new("http://127.0.0.1:1", Credentials::None)).unwrap();
    }

    #[test]
    fn only_http_hosts_skip_the_ca_store() {
        assert!(is_plain_http("http://127.0.0.1:5000"));
        assert!(is_plain_http("HTTP://localhost"));
        assert!(!is_plain_http("https://dbc-1.cloud.databricks.com"));
        assert!(!is_plain_http("http"));
        // An http host never reads the extra bundle: even a missing one does not matter.
        let mut o = ClientOptions::new("http://127.0.0.1:1", Credentials::None);
        o.extra_ca_file = Some("/nonexistent/ca.pem".into());
        build(&o).unwrap();
        o.host = "https://127.0.0.1:1".into();
        assert!(matches!(build(&o), Err(ApiError::Setup { .. })));
    }

    #[test]
    fn valid_pem_bundle_is_accepted() {
        let roots = webpki_root_certs::TLS_SERVER_ROOT_CERTS;
        let bundle = format!("{}{}", pem_of(roots[0].as_ref()), pem_of(roots[1].as_ref()));
        let (o, _f) = options_with_bundle(bundle.as_bytes());
        assert_eq!(
            load_ca_bundle(o.extra_ca_file.as_ref().unwrap())
                .unwrap()
                .len(),
            2
        );
        build(&o).unwrap();
    }

    #[test]
    fn missing_bundle_is_a_setup_error_naming_the_file() {
        let mut o = ClientOptions::new("https://127.0.0.1:1", Credentials::None);
        o.extra_ca_file = Some("/nonexistent/ca.pem".into());
        match build(&o) {
            Err(ApiError::Setup { message }) => {
                assert!(message.contains("/nonexistent/ca.pem"), "{message}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bundle_without_certificates_is_a_setup_error() {
        let (o, _f) = options_with_bundle(b"this is not a certificate\n");
        let e = build(&o).unwrap_err();
        assert!(matches!(e, ApiError::Setup { .. }), "{e:?}");
        assert!(e.to_string().contains("no PEM certificate"), "{e}");
    }

    #[test]
    fn corrupt_pem_is_a_setup_error() {
        let bad = "-----BEGIN CERTIFICATE-----\n!!!notbase64!!!\n-----END CERTIFICATE-----\n";
        let (o, _f) = options_with_bundle(bad.as_bytes());
        assert!(matches!(build(&o), Err(ApiError::Setup { .. })));
        // Well-formed PEM around bytes that are not a certificate.
        let junk = pem_of(b"definitely not DER");
        let (o, _f) = options_with_bundle(junk.as_bytes());
        assert!(matches!(build(&o), Err(ApiError::Setup { .. })));
    }
}
