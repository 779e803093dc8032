//! Which workspace a piece of local state belongs to. Dev, staging and prod share endpoint and
//! model names, so every plan and journal lookup is keyed by the workspace as well as by name:
//! the normalised host, and the id the workspace reports where it reports one.
//!
//! Two records name the same workspace when their hosts normalise alike and their ids do not
//! differ (a record or a workspace that knows no id is matched on the host alone). The demo
//! workspace listens on a new port each start, so each start is its own workspace: a plan left
//! by an earlier demo is not this demo's.

use crate::api::Client;
use crate::ops::journal::Attempt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workspace {
    /// See [`normalise_host`].
    pub host: String,
    /// As the workspace reports it (`/.well-known/databricks-config`).
    pub id: Option<String>,
}

/// A host as a comparable key: scheme and host name lower-cased, the scheme's default port and
/// trailing `/`s dropped (`HTTPS://Adb-1.azuredatabricks.net:443/` →
/// `https://adb-1.azuredatabricks.net`). Text that is not a URL is only trimmed.
pub fn normalise_host(host: &str) -> String {
    let host = host.trim();
    match reqwest::Url::parse(host) {
        Ok(url) if url.host_str().is_some() => url.as_str().trim_end_matches('/').to_string(),
        _ => host.trim_end_matches('/').to_string(),
    }
}

impl Workspace {
    pub fn new(host: &str, id: Option<String>) -> Workspace {
        Workspace {
            host: normalise_host(host),
            id,
        }
    }

    /// The workspace a client talks to (asks for its id once).
    pub async fn of(client: &Client) -> Workspace {
        Workspace::new(client.host(), client.workspace_id().await)
    }

    /// Whether a record written for `host` (and workspace `id`, when it names one) is this
    /// workspace's.
    pub fn holds(&self, host: &str, id: Option<&str>) -> bool {
        let same_id = match (self.id.as_deref(), id) {
            (Some(mine), Some(theirs)) => mine == theirs,
            _ => true,
        };
        same_id && normalise_host(host) == self.host
    }

    /// Whether a journal entry was made on this workspace.
    pub fn made(&self, attempt: &Attempt) -> bool {
        self.holds(&attempt.host, attempt.workspace_id.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_written_differently_are_one_workspace() {
        for (a, b) in [
            (
                "HTTPS://Adb-1.azuredatabricks.net:443/",
                "https://adb-1.azuredatabricks.net",
            ),
            ("http://127.0.0.1:80", "http://127.0.0.1/"),
            (
                " https://x.cloud.databricks.com// ",
                "https://x.cloud.databricks.com",
            ),
        ] {
            assert_eq!(normalise_host(a), normalise_host(b), "{a} {b}");
        }
        assert_ne!(
            normalise_host("http://127.0.0.1:5000"),
            normalise_host("http://127.0.0.1:5001")
        );
        assert_eq!(normalise_host("not a url/"), "not a url");
    }

    #[test]
    fn an_id_tells_apart_workspaces_behind_one_host() {
        let ws = Workspace::new("http://127.0.0.1:5000/", Some("42".into()));
        assert!(ws.holds("http://127.0.0.1:5000", Some("42")));
        assert!(
            ws.holds("http://127.0.0.1:5000", None),
            "older records name no id"
        );
        assert!(!ws.holds("http://127.0.0.1:5000", Some("43")));
        assert!(
            !ws.holds("http://127.0.0.1:5001", Some("42")),
            "the host counts too"
        );
        let no_id = Workspace::new("http://127.0.0.1:5000", None);
        assert!(no_id.holds("http://127.0.0.1:5000", Some("43")));
        assert!(!no_id.holds("https://127.0.0.1:5000", None));
    }
}
