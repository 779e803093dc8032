//! Workspace host normalisation, matching the Databricks SDK's `_fix_host_if_needed` so that a
//! host copied from the browser, the CLI or a profile reaches the same base URL everywhere.

/// Why a host string cannot be used as a base URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostError(pub String);

/// Normalises a workspace host the way the SDK does: adds `https://` when there is no scheme,
/// drops an explicit `:443` and trailing `/`s of the path. `http://` is kept as given because
/// open-source MLflow servers and the simulator are plain HTTP on localhost.
pub fn normalize_host(raw: &str) -> Result<String, HostError> {
    let raw = raw.trim();
    let with_scheme = if raw.contains("://") {
        raw.to_string()
    } else {
        format!("https://{raw}")
    };
    let (scheme, rest) = with_scheme
        .split_once("://")
        .expect("a scheme separator was ensured above");
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "https" && scheme != "http" {
        return Err(HostError(format!(
            "scheme '{scheme}' is not supported; use https:// (or http:// for a local server)"
        )));
    }
    let netloc_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (netloc, tail) = rest.split_at(netloc_end);
    if netloc.contains('@') {
        // reqwest would turn `user:password@` into Basic auth and silently drop the bearer
        // token; and the password would end up in every message that names the host.
        return Err(HostError(
            "the host carries a user name or password (`user:…@host`); remove it and give \
             the token with --token, DATABRICKS_TOKEN or a profile"
                .to_string(),
        ));
    }
    let netloc = netloc.strip_suffix(":443").unwrap_or(netloc);
    if netloc.is_empty() || netloc.contains(char::is_whitespace) {
        return Err(HostError("missing or malformed host name".to_string()));
    }
    let path_end = tail.find(['?', '#']).unwrap_or(tail.len());
    let (path, suffix) = tail.split_at(path_end);
    Ok(format!(
        "{scheme}://{netloc}{}{suffix}",
        path.trim_end_matches('/')
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> String {
        normalize_host(s).unwrap()
    }

    #[test]
    fn user_info_is_refused_without_echoing_it() {
        for raw in [
            "http://u:p4ss@127.0.0.1:5000",
            "https://tok@dbc.cloud.databricks.com/x",
        ] {
            let HostError(message) = normalize_host(raw).unwrap_err();
            assert!(message.contains("user name or password"), "{message}");
            assert!(
                !message.contains("p4ss") && !message.contains("tok@"),
                "{message}"
            );
        }
    }

    #[test]
    fn adds_https_when_scheme_missing() {
        assert_eq!(
            n("adb-123.7.azuredatabricks.net"),
            "https://adb-123.7.azuredatabricks.net"
        );
    }

    #[test]
    fn strips_trailing_slashes_and_port_443() {
        assert_eq!(
            n("https://dbc-abc.cloud.databricks.com/"),
            "https://dbc-abc.cloud.databricks.com"
        );
        assert_eq!(
            n("https://dbc-abc.cloud.databricks.com:443//"),
            "https://dbc-abc.cloud.databricks.com"
        );
        assert_eq!(
            n("dbc-abc.cloud.databricks.com:443"),
            "https://dbc-abc.cloud.databricks.com"
        );
    }

    #[test]
    fn keeps_http_and_other_ports() {
        assert_eq!(n("http://127.0.0.1:5000/"), "http://127.0.0.1:5000");
        assert_eq!(n("https://host:8443"), "https://host:8443");
        assert_eq!(n("HTTP://localhost:5000"), "http://localhost:5000");
    }

    #[test]
    fn keeps_path_and_query() {
        assert_eq!(n("https://h/prefix/?o=1"), "https://h/prefix?o=1");
        assert_eq!(n("https://[::1]:443/"), "https://[::1]");
    }

    #[test]
    fn rejects_unusable_hosts() {
        assert!(normalize_host("ftp://h").is_err());
        assert!(normalize_host("https://").is_err());
        assert!(normalize_host("").is_err());
        assert!(normalize_host("https://a b").is_err());
    }
}
