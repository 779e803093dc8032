//! One scoring request of a load test: the prebuilt body (a shared `Bytes`, never copied), the
//! answer's status and `served-model-name`, the body read to its end so the connection goes
//! back to the pool.

use bytes::Bytes;
use reqwest::header::HeaderName;

use crate::api::http::load::LoadTarget;

use super::recorder::{Ending, FailKind};

static SERVED_MODEL_NAME: HeaderName = HeaderName::from_static("served-model-name");

/// Sends `body` to `target`; the entity that answered is written into `entity` (cleared
/// first, empty when not named), so no text is made per request.
pub async fn send(target: &LoadTarget, body: Bytes, entity: &mut Vec<u8>) -> Ending {
    entity.clear();
    let request = target
        .http
        .post(target.url.clone())
        .headers(target.headers.clone())
        .body(body);
    let mut response = match request.send().await {
        Ok(r) => r,
        Err(e) => return Ending::Failed(FailKind::of(&e)),
    };
    let status = response.status().as_u16();
    if let Some(v) = response.headers().get(&SERVED_MODEL_NAME) {
        entity.extend_from_slice(v.as_bytes());
    }
    loop {
        match response.chunk().await {
            Ok(Some(_)) => {}
            Ok(None) => return Ending::Status(status),
            Err(e) => return Ending::Failed(FailKind::of(&e)),
        }
    }
}
