//! Features room (screen 7): the feature tables (`ops::features::list`) with their keys,
//! freshness against the SLA, online tables (UC state and sync state apart), monitor and the
//! models using them. The list is read on the refresh interval; `/` filters it.

pub mod detail;
pub mod fetch;
pub mod list;

use crate::ops::feature_lineage::TableLineage;
use crate::ops::features::{FeatureDetail, FeatureList};

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
pub const DETAIL: RoomKey = RoomKey {
    screen: ScreenId::Features,
    what: "feature table",
};
pub const LINEAGE: RoomKey = RoomKey {
    screen: ScreenId::Features,
    what: "feature lineage of the table",
};

/// The reads of the Features room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetch {
    /// Every feature table, judged at `now_ms`.
    List { now_ms: i64 },
    /// One table in full: columns, Delta versions, online tables, producing job.
    Detail { table: String, now_ms: i64 },
    /// The table → model versions → endpoints.
    Lineage { table: String, now_ms: i64 },
}

impl Fetch {
    pub fn key(&self) -> RoomKey {
        match self {
            Fetch::List { .. } => LIST,
            Fetch::Detail { .. } => DETAIL,
            Fetch::Lineage { .. } => LINEAGE,
        }
    }
}

/// Their answers.
#[derive(Debug, Clone)]
pub enum Loaded {
    List(Result<Box<FeatureList>, LoadError>),
    Detail(Result<Box<FeatureDetail>, LoadError>),
    Lineage(Result<Box<TableLineage>, LoadError>),
}

impl Loaded {
    pub fn key(&self) -> RoomKey {
        match self {
            Loaded::List(_) => LIST,
            Loaded::Detail(_) => DETAIL,
            Loaded::Lineage(_) => LINEAGE,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct FeaturesState {
    /// Every feature table found (screen 7's list).
    pub list: Remote<FeatureList>,
    pub list_view: ListView,
    /// The table open (`ScreenRoute::FeatureTable`).
    pub table: Option<String>,
    pub detail: Remote<FeatureDetail>,
    pub lineage: Remote<TableLineage>,
    /// The cursor over the lineage's model versions and endpoints (Enter opens one).
    pub lineage_view: ListView,
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
        Loaded::Detail(r) => f.detail.accept(req, at, r.map(|d| *d), replace),
        Loaded::Lineage(r) => {
            let accepted = f.lineage.accept(req, at, r.map(|l| *l), replace);
            let len = f.targets().len();
            f.lineage_view.keep_visible(len, page);
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
        DETAIL => state.features.detail.fail(req, at, e),
        LINEAGE => state.features.lineage.fail(req, at, e),
        _ => Accepted::NewError(format!("internal error: {message}")),
    }
}

/// Requests in flight.
pub(crate) fn loading(state: &State) -> usize {
    super::super::remote::in_flight(&[
        state.features.list.is_loading(),
        state.features.detail.is_loading(),
        state.features.lineage.is_loading(),
    ])
}
