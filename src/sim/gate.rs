//! The middleware every request passes: authentication, fault injection, request log.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::errors::{ApiError, ShapeRejection};
use super::faults::ScriptedFault;
use super::oauth::Verdict;
use super::paths::SentUri;
use super::server::ConnControl;
use super::state::{AppState, Principal, RequestRecord};

/// The one route that needs no token: the SDK probes it before it has credentials.
pub(crate) const WELL_KNOWN: &str = "/.well-known/databricks-config";
const MANAGEMENT_TOKEN: &str = "x-databricks-azure-sp-management-token";

pub(crate) async fn gate(State(st): State<AppState>, mut req: Request, next: Next) -> Response {
    let method = req.method().to_string();
    // The path routed on (canonical, see `paths`), and the one logged: as the client sent it.
    let path = req.uri().path().to_string();
    let sent = req
        .extensions()
        .get::<SentUri>()
        .map_or_else(|| req.uri().clone(), |o| o.0.clone());
    let logged_path = sent.path().to_string();
    let target = sent
        .path_and_query()
        .map_or_else(|| logged_path.clone(), |pq| pq.to_string());
    let record_as = |principal: Option<Principal>,
                     status: Option<StatusCode>,
                     fault: Option<String>,
                     rejected: Option<String>| {
        st.record(
            RequestRecord {
                method: method.clone(),
                path: logged_path.clone(),
                principal: principal.map(|p| p.user_name().to_string()),
                status: status.map(|s| s.as_u16()),
                fault,
                rejected,
            },
            &target,
        );
    };
    let record = |principal: Option<Principal>, status: Option<StatusCode>, fault| {
        record_as(principal, status, fault, None)
    };
    // An answer of the handlers (not of an injected fault): flagged when it rejected the shape.
    let record_answer = |principal: Option<Principal>, resp: &Response| {
        let rejected = resp
            .extensions()
            .get::<ShapeRejection>()
            .map(|r| r.0.clone());
        record_as(principal, Some(resp.status()), None, rejected)
    };

    if path == WELL_KNOWN || super::oauth::is_sign_in_path(&path) {
        let resp = next.run(req).await;
        record_answer(None, &resp);
        return resp;
    }

    let principal = match authenticate(&st, req.headers()) {
        Ok(p) => p,
        Err(e) => {
            let resp = e.into_response();
            record(None, Some(resp.status()), None);
            return resp;
        }
    };
    req.extensions_mut().insert(principal);

    let change = !crate::api::http::readonly::is_read_only_call(&method, &path);
    let decision = st.faults().decide(change);
    if let Some(delay) = decision.delay {
        tokio::time::sleep(delay).await;
    }
    let ctl = req.extensions().get::<ConnControl>().cloned();
    if let Some(ScriptedFault::AfterApply(lost)) = &decision.fault {
        // Apply the request, then lose its answer.
        let applied = next.run(req).await;
        let label = Some(format!(
            "lost after {} ({})",
            applied.status().as_u16(),
            lost.label()
        ));
        if let Some(resp) = lost.response(&path) {
            record(Some(principal), Some(applied.status()), label);
            return resp;
        }
        record(Some(principal), Some(applied.status()), label);
        if let Some(ctl) = ctl {
            ctl.reset();
            std::future::pending::<()>().await;
        }
        return ApiError::for_status(500).into_response();
    }
    if let Some(fault) = decision.fault {
        let label = Some(fault.label());
        if let Some(resp) = fault.response(&path) {
            record(Some(principal), Some(resp.status()), label);
            return resp;
        }
        record(Some(principal), None, label);
        if let Some(ctl) = req.extensions().get::<ConnControl>() {
            ctl.reset();
            // The connection task drops this future together with the connection.
            std::future::pending::<()>().await;
        }
        // Only reachable when served without our accept loop (e.g. `Router::oneshot`).
        return ApiError::for_status(500).into_response();
    }

    let resp = next.run(req).await;
    record_answer(Some(principal), &resp);
    resp
}

/// Checks `Authorization: Bearer <token>` against the two known tokens and the OAuth tokens
/// issued and still alive; an `X-Databricks-Azure-SP-Management-Token`, when sent, must be a
/// live management token.
///
/// The real service answers a missing credential with 401 and a bad PAT with
/// `403 {"error_code": 403, "message": "Invalid access token."}` (an integer code, seen in SDK
/// bug reports); the simulator answers both with 401 `UNAUTHENTICATED`, keeping the real
/// messages, so clients exercise their re-login path with a well-formed body.
fn authenticate(st: &AppState, headers: &HeaderMap) -> Result<Principal, ApiError> {
    let missing = || {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "UNAUTHENTICATED",
            "Credential was not sent or was of an unsupported type for this API.",
        )
    };
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(missing)?;
    let (scheme, token) = value.trim().split_once(' ').ok_or_else(missing)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(missing());
    }
    let invalid =
        |message: &str| ApiError::new(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", message);
    let now = st.clock().now_ms();
    let principal = match token.trim() {
        t if t == st.owner_token => Principal::Owner,
        t if t == st.nonowner_token => Principal::NonOwner,
        t => match st.oauth().check(t, now) {
            Verdict::Valid(p) => p,
            Verdict::Expired => return Err(invalid("Token expired.")),
            Verdict::Unknown => return Err(invalid("Invalid access token.")),
        },
    };
    if let Some(management) = headers.get(MANAGEMENT_TOKEN) {
        let token = management.to_str().unwrap_or("");
        if !matches!(st.oauth().check_management(token, now), Verdict::Valid(_)) {
            return Err(invalid("Invalid Azure management token."));
        }
    }
    Ok(principal)
}
