//! The test query (`t`): a prompt for the payload file (empty: the endpoint's example), the
//! request as an effect, and the answer in a popup — what was sent, the entity that answered
//! (`served-model-name`), the latency and the response.

use crate::ops::query::{PayloadSource, QueryOutcome};

use super::super::super::effect::Effect;
use super::super::super::prompt::{Prompt, PromptPurpose};
use super::super::super::remote::{Accepted, RequestId};
use super::super::super::state::{Overlay, State, ToastLevel};

/// The answer popup.
#[derive(Debug, Clone)]
pub struct QueryView {
    pub result: Result<Box<QueryOutcome>, String>,
    pub scroll: u16,
}

/// `t` on an endpoint: ask for the payload.
pub(crate) fn ask(state: &mut State) {
    let endpoint = state.serving.name.clone();
    if endpoint.is_empty() {
        return;
    }
    state.overlay = Overlay::Prompt(Box::new(Prompt::new(PromptPurpose::Query { endpoint }, "")));
    state.dirty = true;
}

/// The prompt's Enter: send the query.
pub(crate) fn send(state: &mut State, endpoint: String, file: &str, fx: &mut Vec<Effect>) {
    let source = match file.trim() {
        "" => PayloadSource::EndpointExample,
        path => PayloadSource::File(path.into()),
    };
    let req = state.next_request();
    state.serving.query = Some(req);
    state.toast(
        ToastLevel::Info,
        format!("querying {endpoint} with {}…", source.describe()),
    );
    fx.push(Effect::TestQuery {
        req,
        endpoint,
        source,
    });
}

pub(crate) fn on_answered(
    state: &mut State,
    req: RequestId,
    result: Result<Box<QueryOutcome>, String>,
) -> Accepted {
    if state.serving.query != Some(req) {
        return Accepted::Stale;
    }
    state.serving.query = None;
    state.toasts.retain(|t| !t.text.starts_with("querying "));
    // The popup waits for the user unless another popup has the keyboard.
    if matches!(state.overlay, Overlay::None) {
        state.overlay = Overlay::Query(Box::new(QueryView { result, scroll: 0 }));
    } else if let Err(e) = result {
        state.toast(ToastLevel::Error, format!("test query: {e}"));
    }
    state.dirty = true;
    Accepted::Ok
}
