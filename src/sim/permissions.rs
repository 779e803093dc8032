//! Who may change what in the simulated workspace.
//!
//! Unity Catalog: only a model's owner may move its aliases or set tags on its versions, as the
//! real service demands ownership (or MANAGE) for those writes. Workspace registry: the owner
//! principal (`ml-eng@acme.com`) manages every model; the non-owner manages the models they
//! created and may otherwise edit (request transitions, comment, tag) but not move stages.

use axum::http::StatusCode;

use super::errors::ApiError;
use super::state::Principal;
use super::world::{UcModel, WsModel};

pub(crate) const CAN_MANAGE: &str = "CAN_MANAGE";
pub(crate) const CAN_EDIT: &str = "CAN_EDIT";

fn denied(message: String) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, "PERMISSION_DENIED", message)
}

/// Ok when `principal` owns the UC model.
pub(crate) fn require_uc_owner(principal: Principal, model: &UcModel) -> Result<(), ApiError> {
    if model.info.owner.as_deref() == Some(principal.user_name()) {
        return Ok(());
    }
    Err(denied(format!(
        "User {} does not have MANAGE on Routine or Model '{}'. Only its owner can change \
         aliases and tags.",
        principal.user_name(),
        model.info.full_name
    )))
}

/// The caller's permission level on a workspace model.
pub(crate) fn ws_level(principal: Principal, model: &WsModel) -> &'static str {
    match principal {
        Principal::Owner => CAN_MANAGE,
        Principal::NonOwner if model.model.user_id.as_deref() == Some(principal.user_name()) => {
            CAN_MANAGE
        }
        Principal::NonOwner => CAN_EDIT,
    }
}

/// Ok when `principal` may move stages of (and decide requests on) the workspace model.
/// `action` reads like "transition model versions to Production".
pub(crate) fn require_ws_manage(
    principal: Principal,
    model: &WsModel,
    action: &str,
) -> Result<(), ApiError> {
    if ws_level(principal, model) == CAN_MANAGE {
        return Ok(());
    }
    Err(denied(format!(
        "User {} does not have permission to {action} of registered model '{}' (requires \
         CAN_MANAGE; you have {}).",
        principal.user_name(),
        model.model.name,
        ws_level(principal, model)
    )))
}
