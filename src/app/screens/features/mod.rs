//! Features room (screen 7): the feature tables (`ops::features::list`) with their keys,
//! freshness against the SLA, online tables (UC state and sync state apart), monitor and the
//! models using them. The list is read on the refresh interval; `/` filters it.

pub mod fetch;
pub mod list;

use crate::ops::features::FeatureList;

use super::super::effect::{Effect, Fetch as AppFetch};
use super::super::list::ListView;
use super::super::remote::{Accepted, LoadError, Remote, RequestId, replace};
use super::super::screen::ScreenId;
use super::super::state::State;
use super::{RoomFetch, RoomKey};

pub const LIST: RoomKey = RoomKey {
    screen: ScreenId::Features,
    what: "feature tables",
};

/// The reads of the Features room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetch {
    /// Every feature table, judged at `now_ms`.
    List { now_ms: i64 },
}

impl Fetch {
    pub fn key(&self) -> RoomKey {
        match self {
            Fetch::List { .. } => LIST,
        }
    }
}

/// Their answers.
#[derive(Debug, Clone)]
pub enum Loaded {
    List(Result<Box<FeatureList>, LoadError>),
}

impl Loaded {
    pub fn key(&self) -> RoomKey {
        match self {
            Loaded::List(_) => LIST,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct FeaturesState {
    /// Every feature table found (screen 7's list).
    pub list: Remote<FeatureList>,
    pub list_view: ListView,
}

fn fetch(state: &mut State, fetch: Fetch, fx: &mut Vec<Effect>) -> RequestId {
    let req = state.next_request();
    fx.push(Effect::Fetch {
        req,
        fetch: AppFetch::Room(RoomFetch::Features(fetch)),
    });
    req
}

pub(crate) fn on_loaded(state: &mut State, req: RequestId, at: i64, loaded: Loaded) -> Accepted {
    let page = state.list_page_rows();
    let f = &mut state.features;
    match loaded {
        Loaded::List(r) => {
            let accepted = f.list.accept(req, at, r.map(|l| *l), replace);
            let len = f.visible_rows().len();
            f.list_view.keep_visible(len, page);
            accepted
        }
    }
}

pub(crate) fn on_failed(
    state: &mut State,
    key: RoomKey,
    req: RequestId,
    at: i64,
    message: &str,
) -> Accepted {
    let e = LoadError::Failed(format!("internal error: {message}"));
    match key {
        LIST => state.features.list.fail(req, at, e),
        _ => Accepted::NewError(format!("internal error: {message}")),
    }
}

/// Requests in flight.
pub(crate) fn loading(state: &State) -> usize {
    super::super::remote::in_flight(&[state.features.list.is_loading()])
}
