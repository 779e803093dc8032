//! The churn model's training runs and the feature tables they read: the runs of churn_model
//! v1, v3 and v5 log each feature table their version depends on as an MLflow dataset input
//! (`source_type` `delta_table`, `source` `{"delta_table_name", "delta_table_version"}`, as
//! MLflow's `DeltaDatasetSource` writes it) at the version current when the run started; the
//! runs of v2 and v4 log none, so a reader has to infer their version.

use serde_json::{Value, json};

use crate::sim::world::World;

use super::delta;
use super::seed::{self, CHURN_MODEL};
use super::store::id_of;

/// The churn_model versions whose training run logs its feature tables.
const LOGGED: [i64; 3] = [1, 3, 5];

/// The dataset inputs of a run that read `tables` (name, Delta version) for training.
fn inputs(tables: &[(String, i64)]) -> Value {
    let dataset_inputs: Vec<Value> = tables
        .iter()
        .map(|(name, version)| {
            let source = json!({"delta_table_name": name, "delta_table_version": version});
            json!({
                "tags": [{"key": "mlflow.data.context", "value": "training"}],
                "dataset": {
                    "name": name,
                    "digest": id_of("digest:", &format!("{name}@{version}"))[..8].to_string(),
                    "source_type": "delta_table",
                    "source": source.to_string(),
                },
            })
        })
        .collect();
    json!({"dataset_inputs": dataset_inputs})
}

/// Adds the dataset inputs to the churn_model training runs of [`LOGGED`] versions.
pub(crate) fn log_training_inputs(world: &mut World) {
    let tables = seed::tables(world.anchor_ms);
    let writes = delta::job_writes(world);
    let Some(model) = world.uc_model(CHURN_MODEL) else {
        return;
    };
    let logged: Vec<(String, Value)> = model
        .versions
        .iter()
        .filter(|v| LOGGED.contains(&v.version))
        .filter_map(|v| {
            let run_id = v.run_id.clone()?;
            let start = world.run(&run_id)?.run.info.start_time?;
            let deps = seed::dependencies_of(CHURN_MODEL, v.version)?;
            let read: Vec<(String, i64)> = deps
                .tables()
                .iter()
                .filter_map(|name| {
                    let t = tables.iter().find(|t| t.full_name == *name)?;
                    let history = delta::history(t, &writes, start);
                    Some((
                        t.full_name.clone(),
                        delta::version_at(&history, start)?.version,
                    ))
                })
                .collect();
            Some((run_id, inputs(&read)))
        })
        .collect();
    for (run_id, inputs) in logged {
        if let Some(r) = world.run_mut(&run_id) {
            r.run.inputs = Some(inputs);
        }
    }
}
