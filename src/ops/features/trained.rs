//! Which Delta version of a feature table each model version was trained on. Model version
//! dependencies name the table, not its version; the training run does, when it logged the
//! table as a dataset input (MLflow's `DeltaDatasetSource`: `dataset.source_type`
//! `delta_table`, `dataset.source` a JSON text `{"delta_table_name", "delta_table_version"}`).
//! When no input names the version, the version current when the run started is taken,
//! labelled as inferred. Bounded: the newest [`MAX_RUNS`] model versions' runs, [`CONCURRENCY`]
//! reads at a time; a run that cannot be read leaves that version unknown, the others go on.

use futures::StreamExt;
use serde::Serialize;
use serde_json::Value;

use crate::api::Client;

use super::history::DeltaVersion;

/// Model versions whose training run is read at most (the newest).
pub const MAX_RUNS: usize = 20;
/// Run reads in flight at once.
pub const CONCURRENCY: usize = 4;

/// How the version was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TrainedHow {
    /// The run logged the table with its version as a dataset input.
    Logged,
    /// No input named it: the version latest when the run started.
    Inferred,
    /// Neither (see `why`).
    Unknown,
}

/// One model version using the table, and the table's version it was trained on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrainedOn {
    pub model: String,
    pub version: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delta_version: Option<i64>,
    pub how: TrainedHow,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

impl TrainedOn {
    /// `churn_model v5`, or `≈ churn_model v3` when inferred.
    pub fn label(&self) -> String {
        let short = crate::ops::feature_lineage::short_name(&self.model);
        match self.how {
            TrainedHow::Inferred => format!("≈ {short} v{}", self.version),
            _ => format!("{short} v{}", self.version),
        }
    }

    fn unknown(model: &str, version: i64, run_id: Option<String>, why: String) -> TrainedOn {
        TrainedOn {
            model: model.to_string(),
            version,
            run_id,
            delta_version: None,
            how: TrainedHow::Unknown,
            why: Some(why),
        }
    }
}

/// A Delta version in a dataset source: a number, or a number in a string.
fn as_version(v: &Value) -> Option<i64> {
    v.as_i64()
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

/// Whether `name` (as the run logged it: three parts, or fewer) names `table`.
fn names(name: &str, table: &str) -> bool {
    let (name, table) = (name.trim().to_ascii_lowercase(), table.to_ascii_lowercase());
    name == table || (name.split('.').count() < 3 && table.ends_with(&format!(".{name}")))
}

/// The version of `table` the run's dataset inputs name; a training input first.
pub fn logged_version(inputs: Option<&Value>, table: &str) -> Option<i64> {
    let list = inputs?.get("dataset_inputs")?.as_array()?;
    let mut found: Vec<(bool, i64)> = Vec::new();
    for input in list {
        let Some(d) = input.get("dataset") else {
            continue;
        };
        let delta = d
            .get("source_type")
            .and_then(Value::as_str)
            .is_some_and(|t| t.eq_ignore_ascii_case("delta_table"));
        if !delta {
            continue;
        }
        // The source is a JSON text; tolerate an object too.
        let source = match d.get("source") {
            Some(Value::String(s)) => serde_json::from_str::<Value>(s).ok(),
            Some(v @ Value::Object(_)) => Some(v.clone()),
            _ => None,
        };
        let Some(source) = source else { continue };
        let name = ["delta_table_name", "table_name"]
            .iter()
            .find_map(|k| source.get(*k).and_then(Value::as_str));
        let version = ["delta_table_version", "version"]
            .iter()
            .find_map(|k| source.get(*k).and_then(as_version));
        let (Some(name), Some(version)) = (name, version) else {
            continue;
        };
        if !names(name, table) {
            continue;
        }
        let training = input
            .get("tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .any(|t| {
                t.get("key").and_then(Value::as_str) == Some("mlflow.data.context")
                    && t.get("value").and_then(Value::as_str) == Some("training")
            });
        found.push((training, version));
    }
    found
        .iter()
        .find(|(training, _)| *training)
        .or(found.first())
        .map(|(_, v)| *v)
}

/// The version current at `at` in `history` (newest first).
fn current_at(history: &[DeltaVersion], at: i64) -> Option<i64> {
    history
        .iter()
        .find(|v| v.timestamp_ms.is_some_and(|t| t <= at))
        .map(|v| v.version)
}

/// One model version (`model`, `version`, its run) using the table.
pub type ModelSource = (String, i64, Option<String>);

/// The trained-on version of each of `uses` (the newest [`MAX_RUNS`]; a note for the rest),
/// with `history` (newest first) for the inferred ones.
pub async fn read(
    client: &Client,
    table: &str,
    uses: &[ModelSource],
    history: Option<&[DeltaVersion]>,
) -> (Vec<TrainedOn>, Option<String>) {
    let mut newest: Vec<&ModelSource> = uses.iter().collect();
    newest.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let note = (newest.len() > MAX_RUNS).then(|| {
        format!(
            "training versions read for the newest {MAX_RUNS} of {} model versions",
            newest.len()
        )
    });
    newest.truncate(MAX_RUNS);
    let reads: Vec<_> = newest
        .into_iter()
        .map(|(model, version, run_id)| read_one(client, table, model, *version, run_id, history))
        .collect();
    let trained = futures::stream::iter(reads)
        .buffered(CONCURRENCY)
        .collect()
        .await;
    (trained, note)
}

/// The trained-on version of one model version.
async fn read_one(
    client: &Client,
    table: &str,
    model: &str,
    version: i64,
    run_id: &Option<String>,
    history: Option<&[DeltaVersion]>,
) -> TrainedOn {
    let Some(run_id) = run_id.clone() else {
        return TrainedOn::unknown(model, version, None, "no source run".into());
    };
    let run = match client.get_run(&run_id).await {
        Ok(r) => r,
        Err(e) => {
            let why = format!("run not read: {e}");
            return TrainedOn::unknown(model, version, Some(run_id), why);
        }
    };
    let found = |how, delta_version| TrainedOn {
        model: model.to_string(),
        version,
        run_id: Some(run_id.clone()),
        delta_version: Some(delta_version),
        how,
        why: None,
    };
    if let Some(v) = logged_version(run.inputs.as_ref(), table) {
        return found(TrainedHow::Logged, v);
    }
    let start = run.info.start_time.filter(|t| *t > 0);
    let why = match (history, start) {
        (Some(h), Some(at)) => match current_at(h, at) {
            Some(v) => return found(TrainedHow::Inferred, v),
            None => "the run started before the versions read",
        },
        (None, _) => "no dataset input names it and the Delta history was not read",
        (_, None) => "no dataset input names it and the run has no start time",
    };
    TrainedOn::unknown(model, version, Some(run_id.clone()), why.into())
}

/// Marks each version of `history` with the model versions trained on it.
pub fn mark(history: &mut [DeltaVersion], trained: &[TrainedOn]) {
    for t in trained {
        let Some(dv) = t.delta_version else { continue };
        if let Some(row) = history.iter_mut().find(|v| v.version == dv) {
            row.trained.push(t.label());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn input(context: &str, name: &str, version: Value) -> Value {
        let source = json!({"delta_table_name": name, "delta_table_version": version});
        json!({
            "tags": [{"key": "mlflow.data.context", "value": context}],
            "dataset": {"name": "d", "digest": "x", "source_type": "delta_table",
                        "source": source.to_string()}
        })
    }

    #[test]
    fn the_training_input_of_the_table_names_its_version() {
        const T: &str = "main.features.txn_agg_30d";
        let inputs = json!({"dataset_inputs": [
            input("eval", T, json!(9)),
            input("training", "main.features.other", json!(3)),
            input("training", "TXN_AGG_30D", json!("7")),
        ]});
        assert_eq!(logged_version(Some(&inputs), T), Some(7));
        // Only an evaluation input: taken.
        let eval = json!({"dataset_inputs": [input("eval", T, json!(9))]});
        assert_eq!(logged_version(Some(&eval), T), Some(9));
        // Other shapes: nothing, never a panic.
        for bad in [
            json!({}),
            json!({"dataset_inputs": "x"}),
            json!({"dataset_inputs": [{"dataset": {"source_type": "delta_table", "source": "{"}}]}),
            json!({"dataset_inputs": [{"dataset": {"source_type": "path", "source":
                json!({"delta_table_name": T, "delta_table_version": 1}).to_string()}}]}),
            json!({"dataset_inputs": [input("training", T, json!(null))]}),
        ] {
            assert_eq!(logged_version(Some(&bad), T), None, "{bad}");
        }
        assert_eq!(logged_version(None, T), None);
    }

    #[test]
    fn labels_say_when_inferred() {
        let mut t = TrainedOn::unknown("main.ml.churn_model", 3, None, String::new());
        t.how = TrainedHow::Inferred;
        assert_eq!(t.label(), "≈ churn_model v3");
        t.how = TrainedHow::Logged;
        assert_eq!(t.label(), "churn_model v3");
    }
}
