//! The workspace (non-UC) Model Registry: `fraud_model` with versions across stages, plus a few
//! more models so searches and pages have something to walk.

use crate::api::models::mlflow::KeyValue;
use crate::api::models::registry::{ModelVersion, ModelVersionStatus, RegisteredModel, Stage};
use crate::api::models::transition_requests::{Activity, ActivityType};
use crate::sim::world::{DAY, HOUR, MINUTE, RunRecord, WsModel};
use crate::sim::ws_history;

use super::catalog::RunIndex;
use super::rng::Gen;
use super::tracking::{OWNER, StoryRuns};

struct Def {
    name: &'static str,
    user: &'static str,
    description: &'static str,
    team: &'static str,
    /// (source run id, stage) per version, oldest first.
    versions: Vec<(String, Stage)>,
}

pub(crate) fn build(
    seed: u64,
    anchor: i64,
    runs: &[RunRecord],
    story: &StoryRuns,
    index: &RunIndex,
) -> Vec<WsModel> {
    let mut g = Gen::new(seed, 0x4E61);
    let nth = |exp: &str, i: usize| -> String {
        index
            .get(exp)
            .filter(|(_, runs)| !runs.is_empty())
            .map(|(_, runs)| runs[i % runs.len()].clone())
            .unwrap_or_default()
    };
    let fraud = |i: usize| story.fraud_gbt.get(i).cloned().unwrap_or_default();
    let defs = vec![
        Def {
            name: "fraud_model",
            user: "priya.natarajan@acme.com",
            description: "Card-not-present fraud scoring (gradient-boosted trees)",
            team: "fraud",
            versions: vec![
                (fraud(0), Stage::Archived),
                (fraud(1), Stage::Archived),
                (fraud(2), Stage::Production),
                (fraud(3), Stage::Staging),
                (fraud(4), Stage::None),
            ],
        },
        Def {
            name: "churn_model_legacy",
            user: OWNER,
            description: "Pre-UC churn model, superseded by main.ml.churn_model",
            team: "churn",
            versions: vec![
                (story.churn_logreg.clone(), Stage::Archived),
                (story.churn_rf.clone(), Stage::Production),
            ],
        },
        Def {
            name: "ltv_model",
            user: "analyst@acme.com",
            description: "Customer lifetime value",
            team: "ltv",
            versions: vec![(nth("/Shared/ltv/training", 0), Stage::Production)],
        },
        Def {
            name: "propensity_model",
            user: "sam.okafor@acme.com",
            description: "Purchase propensity for campaign targeting",
            team: "marketing",
            versions: (0..3)
                .map(|i| nth("/Shared/marketing/propensity", i))
                .zip([Stage::Archived, Stage::Production, Stage::Staging])
                .collect(),
        },
        Def {
            name: "recsys_candidates",
            user: "tomas.berg@acme.com",
            description: "Candidate generation (ALS)",
            team: "recsys",
            versions: vec![(nth("/Shared/recsys/candidate-generation", 0), Stage::None)],
        },
    ];
    let mut models: Vec<WsModel> = defs
        .into_iter()
        .map(|d| model(g.hex(32), anchor, runs, d))
        .collect();
    for m in &mut models {
        seed_history(m);
    }
    if let Some(fraud) = models.iter_mut().find(|m| m.model.name == "fraud_model") {
        seed_fraud_requests(fraud, anchor);
    }
    models
}

/// Each version's move into its current stage, as the history shows it.
fn seed_history(m: &mut WsModel) {
    let moves: Vec<(String, Stage, i64, String)> = m
        .versions
        .iter()
        .filter(|v| v.current_stage.as_ref().is_some_and(|s| *s != Stage::None))
        .map(|v| {
            (
                v.version.clone(),
                v.current_stage.clone().unwrap_or(Stage::None),
                v.last_updated_timestamp.unwrap_or_default(),
                v.user_id.clone().unwrap_or_default(),
            )
        })
        .collect();
    for (version, stage, at, user) in moves {
        let activity = Activity {
            activity_type: Some(ActivityType::AppliedTransition),
            from_stage: Some("None".into()),
            to_stage: Some(stage.to_string()),
            user_id: Some(user),
            creation_timestamp: Some(at),
            last_updated_timestamp: Some(at),
            ..Activity::default()
        };
        ws_history::record(m, &version, activity, false);
    }
}

/// PRODUCT §9: `fraud_model` has two open transition requests by two different people, and a
/// comment on the first.
fn seed_fraud_requests(m: &mut WsModel, anchor: i64) {
    let request = |stage: &str, from: &str, user: &str, comment: &str, at: i64| Activity {
        activity_type: Some(ActivityType::RequestedTransition),
        from_stage: Some(from.to_string()),
        to_stage: Some(stage.to_string()),
        comment: Some(comment.to_string()),
        user_id: Some(user.to_string()),
        creation_timestamp: Some(at),
        last_updated_timestamp: Some(at),
        ..Activity::default()
    };
    let v4 = request(
        "Production",
        "Staging",
        "priya.natarajan@acme.com",
        "AUC +1.2 pts on the Q3 holdout; a week of shadow traffic on fraud-scoring looked clean.",
        anchor - 5 * HOUR,
    );
    ws_history::record(m, "4", v4, true);
    let note = Activity {
        activity_type: Some(ActivityType::NewComment),
        comment: Some("p99 unchanged in shadow; fine by me once approved.".into()),
        user_id: Some(OWNER.to_string()),
        creation_timestamp: Some(anchor - 4 * HOUR),
        last_updated_timestamp: Some(anchor - 4 * HOUR),
        ..Activity::default()
    };
    ws_history::record(m, "4", note, false);
    let v5 = request(
        "Staging",
        "None",
        "analyst@acme.com",
        "Adds merchant velocity features; please stage it for shadow traffic.",
        anchor - 26 * HOUR - 17 * MINUTE,
    );
    ws_history::record(m, "5", v5, true);
}

fn model(id: String, anchor: i64, runs: &[RunRecord], def: Def) -> WsModel {
    let count = def.versions.len() as i64;
    let mut versions = Vec::new();
    for (i, (run_id, stage)) in def.versions.into_iter().enumerate() {
        let run = runs.iter().find(|r| r.run.info.run_id == run_id);
        let (exp, ended) = run.map_or((String::new(), anchor - 30 * DAY), |r| {
            let info = &r.run.info;
            (
                info.experiment_id.clone(),
                info.end_time.or(info.start_time).unwrap_or(anchor),
            )
        });
        let created = (ended + HOUR).min(anchor);
        // Later versions moved stage more recently; archived ones when their successor shipped.
        let transitioned = (created + (count - i as i64) * DAY).min(anchor - HOUR);
        versions.push(ModelVersion {
            name: def.name.to_string(),
            version: (i + 1).to_string(),
            creation_timestamp: Some(created),
            last_updated_timestamp: Some(transitioned.max(created)),
            user_id: Some(def.user.to_string()),
            current_stage: Some(stage),
            description: Some(String::new()),
            source: Some(format!(
                "dbfs:/databricks/mlflow-tracking/{exp}/{run_id}/artifacts/model"
            )),
            run_id: Some(run_id),
            // OSS and Databricks send an empty run_link when none was given.
            run_link: Some(String::new()),
            status: Some(ModelVersionStatus::Ready),
            status_message: None,
            tags: Vec::new(),
            aliases: Vec::new(),
        });
    }
    let created = versions
        .first()
        .and_then(|v| v.creation_timestamp)
        .unwrap_or(anchor)
        - HOUR;
    let updated = versions
        .iter()
        .filter_map(|v| v.last_updated_timestamp)
        .max()
        .unwrap_or(created);
    WsModel {
        id,
        model: RegisteredModel {
            name: def.name.to_string(),
            creation_timestamp: Some(created),
            last_updated_timestamp: Some(updated),
            user_id: Some(def.user.to_string()),
            description: Some(def.description.to_string()),
            latest_versions: Vec::new(),
            tags: vec![KeyValue::new("team", def.team)],
            aliases: Vec::new(),
        },
        versions,
        activities: Vec::new(),
    }
}
