//! Transition requests and comments of the workspace registry (reference §4.3): create, list
//! (open only), approve (which moves the version), reject, cancel, comment.

use axum::Json;
use axum::extract::{Extension, State};
use axum::http::StatusCode;

use crate::api::models::transition_requests::{
    Activity, ActivityAction, ActivityResponse, ActivityType, CommentObject, CommentResponse,
    CreateTransitionRequestResponse, ListTransitionRequestsResponse, TransitionRequest,
};

use super::errors::{ApiError, ApiResult};
use super::params::Params;
use super::permissions::{CAN_MANAGE, require_ws_manage, ws_level};
use super::stages::model_mut;
use super::state::{AppState, Principal};
use super::world::WsModel;
use super::ws_history::{self, Transition, missing_version};

fn require_version(model: &WsModel, version: &str) -> ApiResult<()> {
    if model.versions.iter().any(|v| v.version == version) {
        Ok(())
    } else {
        Err(missing_version(&model.model.name, version))
    }
}

fn current_stage(model: &WsModel, version: &str) -> String {
    model
        .versions
        .iter()
        .find(|v| v.version == version)
        .and_then(|v| v.current_stage.as_ref())
        .map_or_else(|| "None".to_string(), |s| s.to_string())
}

/// Indices of the open requests of `version` to `stage` (by `creator` when given).
fn open_indices(model: &WsModel, version: &str, stage: &str, creator: Option<&str>) -> Vec<usize> {
    model
        .activities
        .iter()
        .enumerate()
        .filter(|(_, a)| {
            a.open
                && a.version == version
                && a.activity.to_stage.as_deref() == Some(stage)
                && creator.is_none_or(|c| a.activity.user_id.as_deref() == Some(c))
        })
        .map(|(i, _)| i)
        .collect()
}

fn no_open_request(name: &str, version: &str, stage: &str) -> ApiError {
    ApiError::not_found(format!(
        "No open transition request to {stage} for Model Version (name={name}, \
         version={version})"
    ))
}

pub(crate) async fn create(
    State(st): State<AppState>,
    Extension(principal): Extension<Principal>,
    p: Params,
) -> ApiResult<Json<CreateTransitionRequestResponse>> {
    let name = p.required_str("name")?;
    let version = p.required_str("version")?;
    let stage = ws_history::parse_stage(&p.required_str("stage")?)?.to_string();
    let comment = p.str("comment")?;
    let now = st.clock().now_ms();
    let mut world = st.world();
    let model = model_mut(&mut world, &name)?;
    require_version(model, &version)?;
    let user = principal.user_name();
    if !open_indices(model, &version, &stage, Some(user)).is_empty() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "RESOURCE_ALREADY_EXISTS",
            format!("{user} already has an open request to move version {version} to {stage}."),
        ));
    }
    let activity = Activity {
        activity_type: Some(ActivityType::RequestedTransition),
        from_stage: Some(current_stage(model, &version)),
        to_stage: Some(stage.clone()),
        comment: comment.clone(),
        user_id: Some(user.to_string()),
        creation_timestamp: Some(now),
        last_updated_timestamp: Some(now),
        ..Activity::default()
    };
    ws_history::record(model, &version, activity, true);
    let mut available_actions = vec![ActivityAction::CancelTransitionRequest];
    if ws_level(principal, model) == CAN_MANAGE {
        available_actions.push(ActivityAction::ApproveTransitionRequest);
        available_actions.push(ActivityAction::RejectTransitionRequest);
    }
    Ok(Json(CreateTransitionRequestResponse {
        request: TransitionRequest {
            to_stage: Some(stage),
            comment,
            user_id: Some(user.to_string()),
            creation_timestamp: Some(now),
            available_actions,
        },
    }))
}

pub(crate) async fn list(
    State(st): State<AppState>,
    p: Params,
) -> ApiResult<Json<ListTransitionRequestsResponse>> {
    let name = p.required_str("name")?;
    let version = p.required_str("version")?;
    let mut world = st.world();
    let model = model_mut(&mut world, &name)?;
    require_version(model, &version)?;
    Ok(Json(ListTransitionRequestsResponse {
        requests: ws_history::open_requests(model, &version),
    }))
}

/// Closes the open requests of `version` to `stage` (only `creator`'s when given); an error
/// like the service's when there is none.
fn close_open(
    model: &mut WsModel,
    name: &str,
    version: &str,
    stage: &str,
    creator: Option<&str>,
    now: i64,
) -> Result<(), ApiError> {
    let open = open_indices(model, version, stage, creator);
    if open.is_empty() {
        return Err(no_open_request(name, version, stage));
    }
    for i in open {
        model.activities[i].open = false;
        model.activities[i].activity.last_updated_timestamp = Some(now);
    }
    Ok(())
}

/// Records the activity that closed a request without moving the version (reject, cancel).
fn record_closing(
    model: &mut WsModel,
    version: &str,
    kind: ActivityType,
    stage: String,
    comment: Option<String>,
    user: String,
    now: i64,
) -> Activity {
    let activity = Activity {
        activity_type: Some(kind),
        from_stage: Some(current_stage(model, version)),
        to_stage: Some(stage),
        comment,
        user_id: Some(user),
        creation_timestamp: Some(now),
        last_updated_timestamp: Some(now),
        ..Activity::default()
    };
    ws_history::record(model, version, activity, false)
}

pub(crate) async fn approve(
    State(st): State<AppState>,
    Extension(principal): Extension<Principal>,
    p: Params,
) -> ApiResult<Json<ActivityResponse>> {
    let name = p.required_str("name")?;
    let version = p.required_str("version")?;
    let stage = ws_history::parse_stage(&p.required_str("stage")?)?;
    let archive = p
        .bool("archive_existing_versions")?
        .ok_or_else(|| ApiError::missing("archive_existing_versions"))?;
    ws_history::check_archive(&stage, archive)?;
    let comment = p.str("comment")?;
    let now = st.clock().now_ms();
    let mut world = st.world();
    let model = model_mut(&mut world, &name)?;
    require_version(model, &version)?;
    require_ws_manage(principal, model, "approve transition requests")?;
    close_open(model, &name, &version, stage.as_str(), None, now)?;
    let t = Transition {
        kind: ActivityType::ApprovedRequest,
        user: principal.user_name(),
        comment,
        now,
    };
    let (_, activity) = ws_history::apply(model, &version, stage, archive, t)?;
    Ok(Json(ActivityResponse { activity }))
}

pub(crate) async fn reject(
    State(st): State<AppState>,
    Extension(principal): Extension<Principal>,
    p: Params,
) -> ApiResult<Json<ActivityResponse>> {
    let name = p.required_str("name")?;
    let version = p.required_str("version")?;
    let stage = ws_history::parse_stage(&p.required_str("stage")?)?.to_string();
    let comment = p.str("comment")?;
    let now = st.clock().now_ms();
    let mut world = st.world();
    let model = model_mut(&mut world, &name)?;
    require_version(model, &version)?;
    require_ws_manage(principal, model, "reject transition requests")?;
    close_open(model, &name, &version, &stage, None, now)?;
    let user = principal.user_name().to_string();
    let activity = record_closing(
        model,
        &version,
        ActivityType::RejectedRequest,
        stage,
        comment,
        user,
        now,
    );
    Ok(Json(ActivityResponse { activity }))
}

/// Cancels the requester's own open request (`creator` names the requester).
pub(crate) async fn delete(
    State(st): State<AppState>,
    Extension(principal): Extension<Principal>,
    p: Params,
) -> ApiResult<Json<ActivityResponse>> {
    let name = p.required_str("name")?;
    let version = p.required_str("version")?;
    let stage = ws_history::parse_stage(&p.required_str("stage")?)?.to_string();
    let creator = p.required_str("creator")?;
    let comment = p.str("comment")?;
    let now = st.clock().now_ms();
    let mut world = st.world();
    let model = model_mut(&mut world, &name)?;
    require_version(model, &version)?;
    if creator != principal.user_name() {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "PERMISSION_DENIED",
            format!(
                "User {} cannot cancel a transition request created by {creator}.",
                principal.user_name()
            ),
        ));
    }
    close_open(model, &name, &version, &stage, Some(&creator), now)?;
    let activity = record_closing(
        model,
        &version,
        ActivityType::CancelledRequest,
        stage,
        comment,
        creator,
        now,
    );
    Ok(Json(ActivityResponse { activity }))
}

pub(crate) async fn comment(
    State(st): State<AppState>,
    Extension(principal): Extension<Principal>,
    p: Params,
) -> ApiResult<Json<CommentResponse>> {
    let name = p.required_str("name")?;
    let version = p.required_str("version")?;
    let text = p.required_str("comment")?;
    let now = st.clock().now_ms();
    let mut world = st.world();
    let model = model_mut(&mut world, &name)?;
    require_version(model, &version)?;
    let activity = Activity {
        activity_type: Some(ActivityType::NewComment),
        comment: Some(text.clone()),
        user_id: Some(principal.user_name().to_string()),
        creation_timestamp: Some(now),
        last_updated_timestamp: Some(now),
        ..Activity::default()
    };
    let recorded = ws_history::record(model, &version, activity, false);
    Ok(Json(CommentResponse {
        comment: CommentObject {
            id: recorded.id,
            comment: Some(text),
            user_id: Some(principal.user_name().to_string()),
            creation_timestamp: Some(now),
            last_updated_timestamp: Some(now),
            available_actions: vec![ActivityAction::EditComment, ActivityAction::DeleteComment],
        },
    }))
}
