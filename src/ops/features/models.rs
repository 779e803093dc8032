//! How many registered models use a feature table: the `model_version_dependencies` of the
//! versions in `models/…/versions` answers (UC models, bounded: [`MAX_MODELS`] models, their
//! newest [`MAX_VERSIONS`] versions; a version the listing gives without dependencies is not
//! read again, to keep this cheap).

use std::collections::BTreeMap;

use futures::StreamExt;
use serde::Serialize;

use crate::api::Client;

use super::CONCURRENCY;

pub const MAX_MODELS: i64 = 50;
pub const MAX_VERSIONS: i64 = 50;

/// The models whose versions depend on a table.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ModelUse {
    /// Distinct models; `None` when the models could not be read.
    pub models: Option<usize>,
    /// `main.ml.churn_model` → its versions using the table, oldest first.
    pub versions: BTreeMap<String, Vec<i64>>,
}

/// Dependencies read: table (lowercase) → model → versions.
#[derive(Debug, Clone, Default)]
pub struct ModelIndex {
    read: bool,
    by_table: BTreeMap<String, BTreeMap<String, Vec<i64>>>,
    /// (model, version) → the run that produced it, when the listing said.
    runs: BTreeMap<(String, i64), String>,
}

impl ModelIndex {
    /// The model versions using `table`, each with its source run.
    pub fn sources(&self, table: &str) -> Vec<super::trained::ModelSource> {
        let Some(models) = self.by_table.get(&table.to_ascii_lowercase()) else {
            return Vec::new();
        };
        models
            .iter()
            .flat_map(|(m, versions)| {
                versions.iter().map(move |v| {
                    let run = self.runs.get(&(m.clone(), *v)).cloned();
                    (m.clone(), *v, run)
                })
            })
            .collect()
    }

    pub fn of(&self, table: &str) -> ModelUse {
        if !self.read {
            return ModelUse::default();
        }
        let versions = self
            .by_table
            .get(&table.to_ascii_lowercase())
            .cloned()
            .unwrap_or_default();
        ModelUse {
            models: Some(versions.len()),
            versions,
        }
    }
}

/// Reads the dependencies of the UC models' versions; a note when they could not be read.
pub async fn model_use(client: &Client, tables: &[String]) -> (ModelIndex, Option<String>) {
    let mut index = ModelIndex::default();
    if tables.is_empty() {
        index.read = true;
        return (index, None);
    }
    let models = match client.list_uc_models(None, Some(MAX_MODELS), None).await {
        Ok(m) => m.registered_models,
        Err(e) => {
            return (
                index,
                Some(format!("models using the tables not read: {e}")),
            );
        }
    };
    let reads: Vec<_> = models
        .iter()
        .map(|m| async move {
            let name = if m.full_name.is_empty() {
                format!("{}.{}.{}", m.catalog_name, m.schema_name, m.name)
            } else {
                m.full_name.clone()
            };
            let r = client
                .list_uc_model_versions(&name, Some(MAX_VERSIONS), None)
                .await;
            (name, r)
        })
        .collect();
    let read: Vec<_> = futures::stream::iter(reads)
        .buffered(CONCURRENCY)
        .collect()
        .await;
    for (model, r) in read {
        let versions = match r {
            Ok(v) => v.model_versions,
            Err(e) => {
                return (index, Some(format!("versions of {model} not read: {e}")));
            }
        };
        for v in versions {
            let Some(deps) = &v.model_version_dependencies else {
                continue;
            };
            if let Some(run) = v.run_id.clone().filter(|r| !r.is_empty()) {
                index.runs.insert((model.clone(), v.version), run);
            }
            for t in deps.tables() {
                let list = index
                    .by_table
                    .entry(t.to_ascii_lowercase())
                    .or_default()
                    .entry(model.clone())
                    .or_default();
                if !list.contains(&v.version) {
                    list.push(v.version);
                }
            }
        }
    }
    for m in index.by_table.values_mut() {
        m.values_mut().for_each(|v| v.sort_unstable());
    }
    index.read = true;
    (index, None)
}
