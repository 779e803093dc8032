//! Mutations of workspace-registry models shared by transition-stage and request approval:
//! moving a version (with `archive_existing_versions` side effects as `SYSTEM_TRANSITION`s) and
//! recording activities.

use crate::api::models::registry::{ModelVersion, Stage};
use crate::api::models::transition_requests::{Activity, ActivityType};

use super::errors::ApiError;
use super::world::{WsActivity, WsModel};

/// A deterministic activity id: the model's id prefix and a per-model sequence number.
pub(crate) fn activity_id(model: &WsModel) -> String {
    let prefix: String = model.id.chars().take(24).collect();
    format!("{prefix}{:08x}", model.activities.len() + 1)
}

/// Appends an activity and answers it.
pub(crate) fn record(
    model: &mut WsModel,
    version: &str,
    activity: Activity,
    open: bool,
) -> Activity {
    let activity = Activity {
        id: Some(activity_id(model)),
        ..activity
    };
    model.activities.push(WsActivity {
        version: version.to_string(),
        activity: activity.clone(),
        open,
    });
    activity
}

/// The stage named by a request, parsed as the servers do (case-insensitively), or OSS MLflow's
/// error (see the `transition-stage-bad.json` sample).
pub(crate) fn parse_stage(text: &str) -> Result<Stage, ApiError> {
    Stage::parse(text).ok_or_else(|| {
        ApiError::invalid(format!(
            "Invalid Model Version stage: {text}. Value must be one of None, Staging, \
             Production, Archived."
        ))
    })
}

/// OSS MLflow only archives into an active stage.
pub(crate) fn check_archive(stage: &Stage, archive: bool) -> Result<(), ApiError> {
    if archive && !matches!(stage, Stage::Staging | Stage::Production) {
        return Err(ApiError::invalid(format!(
            "Model version transition cannot archive existing model versions because '{stage}' \
             is not an Active stage. Valid stages are ['Staging', 'Production']"
        )));
    }
    Ok(())
}

pub(crate) fn missing_version(name: &str, version: &str) -> ApiError {
    ApiError::not_found(format!(
        "Model Version (name={name}, version={version}) not found"
    ))
}

/// Who did a transition and how it shows in the history.
pub(crate) struct Transition<'a> {
    pub kind: ActivityType,
    pub user: &'a str,
    pub comment: Option<String>,
    pub now: i64,
}

/// Moves `version` to `stage`; with `archive`, every other version in that stage moves to
/// `Archived` as a `SYSTEM_TRANSITION`. Answers the moved version and the recorded activity.
pub(crate) fn apply(
    model: &mut WsModel,
    version: &str,
    stage: Stage,
    archive: bool,
    t: Transition<'_>,
) -> Result<(ModelVersion, Activity), ApiError> {
    let name = model.model.name.clone();
    let from = model
        .versions
        .iter()
        .find(|v| v.version == version)
        .ok_or_else(|| missing_version(&name, version))?
        .current_stage
        .clone()
        .unwrap_or(Stage::None);
    let activity = Activity {
        activity_type: Some(t.kind),
        from_stage: Some(from.to_string()),
        to_stage: Some(stage.to_string()),
        comment: t.comment.clone(),
        user_id: Some(t.user.to_string()),
        creation_timestamp: Some(t.now),
        last_updated_timestamp: Some(t.now),
        ..Activity::default()
    };
    let recorded = record(model, version, activity, false);
    if archive {
        let others: Vec<String> = model
            .versions
            .iter()
            .filter(|v| v.version != version && v.current_stage.as_ref() == Some(&stage))
            .map(|v| v.version.clone())
            .collect();
        for other in others {
            set_stage(model, &other, Stage::Archived, t.now);
            let side = Activity {
                activity_type: Some(ActivityType::SystemTransition),
                from_stage: Some(stage.to_string()),
                to_stage: Some(Stage::Archived.to_string()),
                system_comment: Some(format!(
                    "Archived because version {version} was moved to {stage}"
                )),
                user_id: Some(t.user.to_string()),
                creation_timestamp: Some(t.now),
                last_updated_timestamp: Some(t.now),
                ..Activity::default()
            };
            record(model, &other, side, false);
        }
    }
    set_stage(model, version, stage, t.now);
    model.model.last_updated_timestamp = Some(t.now);
    let moved = model
        .versions
        .iter()
        .find(|v| v.version == version)
        .cloned()
        .ok_or_else(|| missing_version(&name, version))?;
    Ok((moved, recorded))
}

fn set_stage(model: &mut WsModel, version: &str, stage: Stage, now: i64) {
    if let Some(v) = model.versions.iter_mut().find(|v| v.version == version) {
        v.current_stage = Some(stage);
        v.last_updated_timestamp = Some(now);
    }
}

/// The open requests of one version, oldest first.
pub(crate) fn open_requests(model: &WsModel, version: &str) -> Vec<Activity> {
    model
        .activities
        .iter()
        .filter(|a| a.open && a.version == version)
        .map(|a| a.activity.clone())
        .collect()
}
