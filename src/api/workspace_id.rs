//! The workspace's own id, from `GET /.well-known/databricks-config` (the host metadata the
//! Databricks SDK reads first). Local state is keyed by it as well as by the host, so two
//! workspaces behind the same URL (a simulator restarted with another seed, a host name
//! reused) are never taken for one another.

use serde_json::Value;

use super::client::Client;

/// Where the host metadata lives.
pub const WELL_KNOWN: &str = "/.well-known/databricks-config";

/// `workspace_id` of a host-metadata answer, a string or a number; `None` for anything else.
pub fn from_metadata(body: &Value) -> Option<String> {
    let id = match body.get("workspace_id")? {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let plain = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    plain.then_some(id)
}

impl Client {
    /// The id the workspace reports, asked once and remembered. `None` when the host does not
    /// answer with one (older workspaces, open-source MLflow) or could not be reached: the
    /// host alone then names the workspace.
    pub async fn workspace_id(&self) -> Option<String> {
        self.inner
            .workspace_id
            .get_or_init(|| async {
                let body: Value = self.get_json(WELL_KNOWN, &[]).await.ok()?;
                from_metadata(&body)
            })
            .await
            .clone()
    }

    /// The id if it has already been asked for; never sends a request.
    pub fn known_workspace_id(&self) -> Option<String> {
        self.inner.workspace_id.get().cloned().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_a_string_or_a_number_and_nothing_odd() {
        assert_eq!(
            from_metadata(&json!({"workspace_id": "1234"})),
            Some("1234".into())
        );
        assert_eq!(
            from_metadata(&json!({"workspace_id": 1234})),
            Some("1234".into())
        );
        for odd in [
            json!({}),
            json!({"workspace_id": null}),
            json!({"workspace_id": ""}),
            json!({"workspace_id": "a/../b"}),
            json!({"workspace_id": "\u{1b}[31m"}),
            json!({"workspace_id": ["1"]}),
            json!("1234"),
        ] {
            assert_eq!(from_metadata(&odd), None, "{odd}");
        }
    }
}
