//! MLflow's system tags (`mlflow.*`, reference §3.4) said in words: where a run came from (source,
//! git commit, notebook, job and job run), its parent run, and the models it logged.

use crate::api::models::mlflow::{KeyValue, lookup};

use super::runview::one_line;

/// Tags already shown elsewhere (name and user are run attributes).
const SHOWN_AS_ATTRIBUTES: &[&str] = &["mlflow.runName", "mlflow.user"];

/// Tags [`readable`] explains; everything else under `mlflow.` is listed raw.
const EXPLAINED: &[&str] = &[
    "mlflow.source.type",
    "mlflow.source.name",
    "mlflow.source.git.commit",
    "mlflow.source.git.branch",
    "mlflow.source.git.repoURL",
    "mlflow.databricks.notebookPath",
    "mlflow.databricks.notebookID",
    "mlflow.databricks.jobID",
    "mlflow.databricks.jobRunID",
    "mlflow.databricks.jobType",
    "mlflow.parentRunId",
    "mlflow.databricks.cluster.id",
    "mlflow.log-model.history",
    "mlflow.autologging",
    "mlflow.note.content",
];

fn get<'a>(tags: &'a [KeyValue], key: &str) -> Option<&'a str> {
    lookup(tags, key).filter(|v| !v.is_empty())
}

/// The system tags a person wants to read, as `(label, text)` in a fixed order.
pub fn readable(tags: &[KeyValue]) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let mut push = |label, text: Option<String>| {
        if let Some(t) = text {
            out.push((label, one_line(&t)));
        }
    };
    let source = match (
        get(tags, "mlflow.source.type"),
        get(tags, "mlflow.source.name"),
    ) {
        (Some(t), Some(n)) => Some(format!("{n} ({})", t.to_ascii_lowercase())),
        (t, n) => n.or(t).map(str::to_string),
    };
    push("source", source);
    let commit = get(tags, "mlflow.source.git.commit").map(|c| {
        match get(tags, "mlflow.source.git.branch") {
            Some(b) => format!("{c} (branch {b})"),
            None => c.to_string(),
        }
    });
    push("git commit", commit);
    push(
        "git repo",
        get(tags, "mlflow.source.git.repoURL").map(str::to_string),
    );
    let notebook = get(tags, "mlflow.databricks.notebookPath").map(|p| {
        match get(tags, "mlflow.databricks.notebookID") {
            Some(id) => format!("{p} (id {id})"),
            None => p.to_string(),
        }
    });
    push("notebook", notebook);
    let job = get(tags, "mlflow.databricks.jobID").map(|j| {
        match get(tags, "mlflow.databricks.jobType") {
            Some(t) => format!("{j} ({})", t.to_ascii_lowercase()),
            None => j.to_string(),
        }
    });
    push("job", job);
    push(
        "job run",
        get(tags, "mlflow.databricks.jobRunID").map(str::to_string),
    );
    push(
        "parent run",
        get(tags, "mlflow.parentRunId").map(str::to_string),
    );
    push(
        "cluster",
        get(tags, "mlflow.databricks.cluster.id").map(str::to_string),
    );
    push(
        "logged models",
        get(tags, "mlflow.log-model.history").map(logged_models),
    );
    push(
        "autologging",
        get(tags, "mlflow.autologging").map(str::to_string),
    );
    push("note", get(tags, "mlflow.note.content").map(str::to_string));
    out
}

/// `mlflow.log-model.history` is a JSON list of `{artifact_path, flavors, …}`: say which paths
/// hold models of which flavors; keep the raw text when it is not that.
fn logged_models(history: &str) -> String {
    let Ok(serde_json::Value::Array(models)) = serde_json::from_str(history) else {
        return history.to_string();
    };
    let described: Vec<String> = models
        .iter()
        .map(|m| {
            let path = m["artifact_path"].as_str().unwrap_or("?");
            let flavors: Vec<&str> = m["flavors"]
                .as_object()
                .map(|f| f.keys().map(String::as_str).collect())
                .unwrap_or_default();
            if flavors.is_empty() {
                path.to_string()
            } else {
                format!("{path} ({})", flavors.join(", "))
            }
        })
        .collect();
    described.join("; ")
}

/// Which section a tag belongs to in the run detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagKind {
    /// Shown as an attribute or in [`readable`].
    Explained,
    /// Another `mlflow.*` tag, listed raw.
    OtherSystem,
    /// Set by the user.
    User,
}

pub fn kind(key: &str) -> TagKind {
    if SHOWN_AS_ATTRIBUTES.contains(&key) || EXPLAINED.contains(&key) {
        TagKind::Explained
    } else if key.starts_with("mlflow.") {
        TagKind::OtherSystem
    } else {
        TagKind::User
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(pairs: &[(&str, &str)]) -> Vec<KeyValue> {
        pairs.iter().map(|(k, v)| KeyValue::new(*k, *v)).collect()
    }

    #[test]
    fn databricks_notebook_run_reads_as_words() {
        let t = tags(&[
            ("mlflow.source.type", "NOTEBOOK"),
            ("mlflow.source.name", "/Users/a/train"),
            ("mlflow.source.git.commit", "abc123"),
            ("mlflow.databricks.notebookPath", "/Users/a/train"),
            ("mlflow.databricks.jobID", "907"),
            ("mlflow.databricks.jobRunID", "55"),
            ("mlflow.parentRunId", "p1"),
            ("mlflow.note.content", "line one\nline two"),
            (
                "mlflow.log-model.history",
                r#"[{"artifact_path": "model", "flavors": {"python_function": {}, "xgboost": {}}}]"#,
            ),
            ("team", "churn"),
        ]);
        let r = readable(&t);
        let labels: Vec<&str> = r.iter().map(|(l, _)| *l).collect();
        assert_eq!(
            labels,
            [
                "source",
                "git commit",
                "notebook",
                "job",
                "job run",
                "parent run",
                "logged models",
                "note"
            ]
        );
        assert_eq!(r[0].1, "/Users/a/train (notebook)");
        assert_eq!(r[6].1, "model (python_function, xgboost)");
        assert_eq!(r[7].1, "line one line two");
        assert_eq!(kind("team"), TagKind::User);
        assert_eq!(kind("mlflow.parentRunId"), TagKind::Explained);
        assert_eq!(kind("mlflow.databricks.workspaceURL"), TagKind::OtherSystem);
    }

    #[test]
    fn unreadable_model_history_is_kept_raw() {
        assert_eq!(logged_models("not json"), "not json");
    }
}
