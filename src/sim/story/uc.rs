//! Unity Catalog models: `main.ml.churn_model` v1–v5 (champion 4, challenger 5, approval pending
//! on v5, rejected on v3) and a few more in `main.ml`, a browse-only one in `main.sandbox`, and two in
//! `analytics.forecasting`.

use crate::api::models::mlflow::KeyValue;
use crate::api::models::uc_models::{
    Alias, ModelVersionInfo, RegisteredModelInfo, UcModelVersionStatus,
};
use crate::sim::world::{DAY, HOUR, RunRecord, UcModel};

use super::catalog::RunIndex;
use super::rng::Gen;
use super::tracking::{OWNER, StoryRuns};

/// Listing order of UC schemas. `main.sandbox` holds only a browse-only model, so a default
/// listing (without `include_browse`) meets an empty page that still carries a token.
pub(crate) const SCHEMAS: &[(&str, &str)] = &[
    ("main", "ml"),
    ("main", "sandbox"),
    ("analytics", "forecasting"),
];

struct VersionDef {
    run_id: String,
    comment: &'static str,
    status: UcModelVersionStatus,
    tags: Vec<(&'static str, &'static str)>,
    /// Registration time; `None` = two hours after the source run ended.
    created: Option<i64>,
}

impl VersionDef {
    fn new(run_id: &str, comment: &'static str) -> Self {
        VersionDef {
            run_id: run_id.to_string(),
            comment,
            status: UcModelVersionStatus::Ready,
            tags: Vec::new(),
            created: None,
        }
    }
}

struct ModelDef {
    catalog: &'static str,
    schema: &'static str,
    name: &'static str,
    owner: &'static str,
    comment: &'static str,
    versions: Vec<VersionDef>,
    aliases: Vec<(&'static str, i64)>,
    browse_only: bool,
}

pub(crate) struct Ids<'a> {
    pub runs: &'a [RunRecord],
    pub workspace_id: i64,
    pub metastore_id: &'a str,
}

pub(crate) fn build(
    seed: u64,
    anchor: i64,
    ids: &Ids<'_>,
    story: &StoryRuns,
    index: &RunIndex,
) -> Vec<UcModel> {
    let mut g = Gen::new(seed, 0x0C0A);
    // The i-th run of a catalog experiment (cycling when it has fewer runs).
    let nth = |exp: &str, i: usize| -> String {
        index
            .get(exp)
            .filter(|(_, runs)| !runs.is_empty())
            .map(|(_, runs)| runs[i % runs.len()].clone())
            .unwrap_or_default()
    };
    let mut v5 = VersionDef::new(&story.churn_best_trial, "Best trial of the Hyperopt sweep");
    v5.tags = vec![("approval", "pending")];
    v5.created = Some(anchor - 2 * DAY);
    // A rejected version: promoting it is flagged (and needs an override on production).
    let mut v3 = VersionDef::new(&story.churn_xgb_default, "XGBoost, default parameters");
    v3.tags = vec![
        ("approval", "rejected"),
        ("approval_by", "priya.natarajan@acme.com"),
        (
            "approval_comment",
            "Calibration is off above p=0.8; retune before it ships.",
        ),
    ];
    let mut v4 = VersionDef::new(&story.churn_tuned, "Hand-tuned XGBoost (PR #482)");
    v4.tags = vec![("approval", "approved")];
    let mut ticket_v2 = VersionDef::new(
        &nth("/Shared/nlp/ticket-classifier", 1),
        "Retrained on Q3 tickets",
    );
    ticket_v2.status = UcModelVersionStatus::PendingRegistration;
    ticket_v2.created = Some(anchor - 10 * 60 * 1000);

    let defs = vec![
        ModelDef {
            catalog: "main",
            schema: "ml",
            name: "churn_model",
            owner: OWNER,
            comment: "30-day churn propensity for the retention campaign",
            versions: vec![
                VersionDef::new(&story.churn_logreg, "Logistic regression baseline"),
                VersionDef::new(&story.churn_rf, "Random forest baseline"),
                v3,
                v4,
                v5,
            ],
            aliases: vec![("champion", 4), ("challenger", 5)],
            browse_only: false,
        },
        ModelDef {
            catalog: "main",
            schema: "ml",
            name: "fraud_detector",
            owner: "priya.natarajan@acme.com",
            comment: "UC port of the workspace fraud_model",
            versions: story
                .fraud_gbt
                .iter()
                .skip(3)
                .map(|r| VersionDef::new(r, "GBT"))
                .collect(),
            aliases: vec![("champion", 2)],
            browse_only: false,
        },
        ModelDef {
            catalog: "main",
            schema: "ml",
            name: "recsys_ranker",
            owner: "tomas.berg@acme.com",
            comment: "LambdaMART re-ranker for the home feed",
            versions: (0..3)
                .map(|i| VersionDef::new(&nth("/Shared/recsys/ranking-lgbm", i), ""))
                .collect(),
            aliases: vec![("champion", 2)],
            browse_only: false,
        },
        ModelDef {
            catalog: "main",
            schema: "ml",
            name: "ltv_regressor",
            owner: "analyst@acme.com",
            comment: "12-month customer lifetime value",
            versions: vec![VersionDef::new(&nth("/Shared/ltv/training", 0), "")],
            aliases: vec![("champion", 1)],
            browse_only: false,
        },
        ModelDef {
            catalog: "main",
            schema: "ml",
            name: "ticket_classifier",
            owner: "analyst@acme.com",
            comment: "Routes support tickets to queues",
            versions: vec![
                VersionDef::new(&nth("/Shared/nlp/ticket-classifier", 0), ""),
                ticket_v2,
            ],
            aliases: vec![("champion", 1)],
            browse_only: false,
        },
        ModelDef {
            catalog: "main",
            schema: "sandbox",
            name: "scratch_model",
            owner: "li.wei@acme.com",
            comment: "Experiments, do not use",
            versions: vec![VersionDef::new(
                &nth("/Users/li.wei@acme.com/demand-lgbm", 0),
                "",
            )],
            aliases: vec![],
            browse_only: true,
        },
        ModelDef {
            catalog: "analytics",
            schema: "forecasting",
            name: "demand_forecast",
            owner: "li.wei@acme.com",
            comment: "Daily SKU demand, 28-day horizon",
            versions: (0..4)
                .map(|i| VersionDef::new(&nth("/Shared/forecasting/demand", i), ""))
                .collect(),
            aliases: vec![("champion", 3), ("challenger", 4)],
            browse_only: false,
        },
        ModelDef {
            catalog: "analytics",
            schema: "forecasting",
            name: "price_elasticity",
            owner: "sam.okafor@acme.com",
            comment: "Own-price elasticity per category",
            versions: (0..2)
                .map(|i| VersionDef::new(&nth("/Shared/forecasting/price-elasticity", i), ""))
                .collect(),
            aliases: vec![("champion", 2)],
            browse_only: false,
        },
    ];
    defs.into_iter()
        .map(|d| model(&mut g, anchor, ids, d))
        .collect()
}

fn model(g: &mut Gen, anchor: i64, ids: &Ids<'_>, def: ModelDef) -> UcModel {
    let full_name = format!("{}.{}.{}", def.catalog, def.schema, def.name);
    let model_uuid = g.uuid();
    let storage = format!(
        "s3://acme-uc-prod/metastore/{}/models/{model_uuid}",
        ids.metastore_id
    );
    let mut versions = Vec::new();
    let mut last_registered = anchor - 30 * DAY;
    for (i, v) in def.versions.into_iter().enumerate() {
        let run = ids.runs.iter().find(|r| r.run.info.run_id == v.run_id);
        let (exp, ended) = run.map_or((String::new(), anchor - 30 * DAY), |r| {
            let info = &r.run.info;
            (
                info.experiment_id.clone(),
                info.end_time.or(info.start_time).unwrap_or(anchor),
            )
        });
        let created = v.created.unwrap_or(ended + 2 * HOUR).min(anchor);
        last_registered = last_registered.max(created);
        let updated = if v.tags.is_empty() {
            created
        } else {
            (created + 20 * HOUR).min(anchor)
        };
        versions.push(ModelVersionInfo {
            id: Some(g.uuid()),
            model_name: def.name.to_string(),
            catalog_name: def.catalog.to_string(),
            schema_name: def.schema.to_string(),
            version: i as i64 + 1,
            source: Some(format!(
                "dbfs:/databricks/mlflow-tracking/{exp}/{}/artifacts/model",
                v.run_id
            )),
            run_id: Some(v.run_id.clone()),
            run_workspace_id: Some(ids.workspace_id),
            comment: (!v.comment.is_empty()).then(|| v.comment.to_string()),
            status: Some(v.status),
            storage_location: Some(format!("{storage}/versions/{}", g.uuid())),
            metastore_id: Some(ids.metastore_id.to_string()),
            created_at: Some(created),
            created_by: Some(def.owner.to_string()),
            updated_at: Some(updated),
            updated_by: Some(def.owner.to_string()),
            aliases: Vec::new(),
            tags: v.tags.iter().map(|(k, v)| KeyValue::new(*k, *v)).collect(),
            model_version_dependencies: crate::sim::features::dependencies_of(
                &full_name,
                i as i64 + 1,
            ),
        });
    }
    let created = versions
        .first()
        .and_then(|v| v.created_at)
        .unwrap_or(anchor)
        - HOUR;
    let info = RegisteredModelInfo {
        full_name,
        name: def.name.to_string(),
        catalog_name: def.catalog.to_string(),
        schema_name: def.schema.to_string(),
        owner: Some(def.owner.to_string()),
        comment: Some(def.comment.to_string()),
        storage_location: Some(storage),
        metastore_id: Some(ids.metastore_id.to_string()),
        created_at: Some(created),
        created_by: Some(def.owner.to_string()),
        updated_at: Some((last_registered + DAY).min(anchor)),
        updated_by: Some(def.owner.to_string()),
        browse_only: None,
        aliases: Vec::new(),
    };
    let aliases = def
        .aliases
        .iter()
        .map(|(name, v)| Alias {
            alias_name: name.to_string(),
            version_num: *v,
        })
        .collect();
    UcModel {
        info,
        versions,
        aliases,
        browse_only: def.browse_only,
        tags: Vec::new(),
    }
}
