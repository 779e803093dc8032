//! `POST /serving-endpoints/{name}/invocations` (reference §6.4; note: no `/api/2.0` prefix).
//!
//! The hot path of the simulator, so it never takes the world lock (unless a config update is
//! due and must be completed first): it clones the endpoint's immutable view, picks a served
//! entity by traffic share with a generator seeded by the request's number, scores the rows
//! with that entity's model, and adds to its atomic counters. The entity's profile decides
//! whether the model "fails" (500) and the latency recorded in the metrics; the answer waits
//! that latency (scaled by `--served-latency`; see `answer_latency`) on a tokio timer.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::api::models::serving_config::{INPUT_KEYS, PredictionsResponse};
use crate::sim::errors::ApiError;
use crate::sim::state::AppState;

use super::runtime::{EndpointView, Status};

const SERVED_MODEL_NAME: HeaderName = HeaderName::from_static("served-model-name");

fn bad_request(message: String) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "BAD_REQUEST", message)
}

/// The input key of a scoring body: exactly one of the four MLflow keys.
fn input_key(body: &serde_json::Map<String, Value>) -> Result<&'static str, ApiError> {
    let present: Vec<&'static str> = INPUT_KEYS
        .iter()
        .copied()
        .filter(|k| body.contains_key(*k))
        .collect();
    match present.as_slice() {
        [one] => Ok(one),
        _ => {
            let received: Vec<&str> = body.keys().map(String::as_str).collect();
            Err(bad_request(format!(
                "Invalid input. The input must be a JSON dictionary with exactly one of the \
                 input fields {INPUT_KEYS:?}. Received dictionary with input fields: {received:?}."
            )))
        }
    }
}

pub(crate) async fn invoke(
    State(st): State<AppState>,
    Path(name): Path<String>,
    bytes: Bytes,
) -> Response {
    let runtime = st.serving.clone();
    if runtime.next_due_ms() <= st.clock().now_ms() {
        // An update is due: let the world complete it so this request sees the new routes.
        drop(st.world());
    }
    let Some(view) = runtime.view(&name) else {
        return ApiError::not_found(format!("Endpoint with name '{name}' does not exist."))
            .into_response();
    };
    if !view.serving {
        return ApiError::new(
            StatusCode::BAD_REQUEST,
            "INVALID_STATE",
            format!(
                "Endpoint '{name}' is not ready to serve requests: no deployed served entity \
                 takes traffic."
            ),
        )
        .into_response();
    }
    let mut rng = runtime.request_rng();
    let Some((entity, share)) = view.pick(rng.uniform()) else {
        return ApiError::for_status(500).into_response();
    };
    let profile = EndpointView::profile_of(entity, *share);
    let mut latency = profile.sample_ms(&mut rng);
    let header = HeaderValue::from_str(&entity.name).unwrap_or(HeaderValue::from_static(""));

    let scored = serde_json::from_slice::<Value>(&bytes)
        .map_err(|e| {
            bad_request(format!(
                "Invalid input. The request body is not valid JSON: {e}"
            ))
        })
        .and_then(|body| match body {
            Value::Object(o) => {
                let key = input_key(&o)?;
                entity.model.rows(key, &o[key]).map_err(bad_request)
            }
            _ => Err(bad_request(
                "Invalid input. The input must be a JSON dictionary.".to_string(),
            )),
        })
        .map(|rows| entity.model.predict(&rows));
    let (status, response) = match scored {
        Err(e) => {
            latency *= 0.15;
            (Status::Client, e.into_response())
        }
        Ok(_) if rng.uniform() < profile.p5xx => {
            let message = if profile.p5xx > 0.01 {
                "Model inference failed: the worker timed out after 30 s (request queue full)."
            } else {
                "Model inference failed: an internal error occurred while scoring the request."
            };
            let e = ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_ERROR", message);
            (Status::Server, e.into_response())
        }
        Ok(predictions) => {
            let body = PredictionsResponse {
                predictions: Value::from(predictions),
            };
            (Status::Ok, Json(body).into_response())
        }
    };
    let latency = runtime.answer.with_tail(latency, &mut rng);
    entity.counters.record(latency, status);
    let mut response = response;
    response.headers_mut().insert(SERVED_MODEL_NAME, header);
    if let Some(wait) = runtime.answer.delay(latency) {
        tokio::time::sleep(wait).await;
    }
    response
}
