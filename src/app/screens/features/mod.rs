//! Features room (screen 7): the feature tables (`ops::features::list`) with their keys,
//! freshness against the SLA, online tables (UC state and sync state apart), monitor and the
//! models using them. The list is read on the refresh interval; `/` filters it.

pub mod change;
pub mod detail;
pub mod fetch;
pub mod follow;
pub mod list;
pub mod panels;

use crate::ops::feature_changes::PublishPlan;
use crate::ops::feature_lineage::TableLineage;
use crate::ops::features::{FeatureDetail, FeatureList};
use crate::ops::journal::Outcome;

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
pub const PLAN: RoomKey = RoomKey {
    screen: ScreenId::Features,
    what: "publish plan",
};
pub const CHANGE: RoomKey = RoomKey {
    screen: ScreenId::Features,
    what: "feature serving change",
};

/// How often the online table is re-read while its sync is followed.
pub const FOLLOW_MS: i64 = 2_000;

/// A change of the room, sent only after its confirm dialog.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Publish a feature table to an online store.
    Publish { plan: Box<PublishPlan> },
    /// Start a sync of online table `name`.
    Sync { name: String },
}

impl Change {
    pub fn what(&self) -> String {
        match self {
            Change::Publish { plan } => format!(
                "publish {} to {} as {}",
                plan.source, plan.store, plan.online_table
            ),
            Change::Sync { name } => format!("sync {name}"),
        }
    }
}

/// A change's verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeDone {
    pub change: Change,
    /// `None`: nothing was sent.
    pub outcome: Option<Outcome>,
    pub message: String,
    /// The online table to follow.
    pub online_table: Option<String>,
}

/// The reads of the Features room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetch {
    /// Every feature table, judged at `now_ms`.
    List { now_ms: i64 },
    /// One table in full: columns, Delta versions, online tables, producing job.
    Detail { table: String, now_ms: i64 },
    /// The table → model versions → endpoints.
    Lineage { table: String, now_ms: i64 },
    /// What a publish would send (the store read, the online table named).
    /// The mode is one of CONTINUOUS, TRIGGERED, SNAPSHOT (checked on the form).
    PlanPublish {
        source: String,
        store: String,
        mode: String,
        name: Option<String>,
    },
}

impl Fetch {
    pub fn key(&self) -> RoomKey {
        match self {
            Fetch::List { .. } => LIST,
            Fetch::Detail { .. } => DETAIL,
            Fetch::Lineage { .. } => LINEAGE,
            Fetch::PlanPublish { .. } => PLAN,
        }
    }
}

/// Their answers.
#[derive(Debug, Clone)]
pub enum Loaded {
    List(Result<Box<FeatureList>, LoadError>),
    Detail(Result<Box<FeatureDetail>, LoadError>),
    Lineage(Result<Box<TableLineage>, LoadError>),
    Plan(Result<Box<PublishPlan>, String>),
    Changed(Box<ChangeDone>),
}

impl Loaded {
    pub fn key(&self) -> RoomKey {
        match self {
            Loaded::List(_) => LIST,
            Loaded::Detail(_) => DETAIL,
            Loaded::Lineage(_) => LINEAGE,
            Loaded::Plan(_) => PLAN,
            Loaded::Changed(_) => CHANGE,
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
    /// The detail's focused panel (`tab`) and how far each is scrolled.
    pub panels: panels::DetailPanels,
    /// The publish plan read after the form (then the confirm dialog).
    pub plan: Remote<PublishPlan>,
    /// The change in flight.
    pub applying: Option<(RequestId, Change)>,
    /// The last change's verdict, shown until the next one.
    pub last: Option<ChangeDone>,
    /// The online table followed until its sync has ended.
    pub following: Option<String>,
    /// Since when (the console's clock) the followed online table has been read without it.
    pub follow_unseen_since: Option<i64>,
    /// Following stopped because the online table never appeared.
    pub follow_gave_up: Option<follow::FollowGaveUp>,
}

fn fetch(state: &mut State, fetch: Fetch, fx: &mut Vec<Effect>) -> RequestId {
    let req = state.next_request();
    fx.push(Effect::Fetch {
        req,
        fetch: AppFetch::Room(RoomFetch::Features(fetch)),
    });
    req
}

pub(crate) fn on_loaded(
    state: &mut State,
    req: RequestId,
    at: i64,
    loaded: Loaded,
    fx: &mut Vec<Effect>,
) -> Accepted {
    let page = state.list_page_rows();
    let now_ms = state.now_ms;
    let f = &mut state.features;
    match loaded {
        Loaded::List(r) => {
            let accepted = f.list.accept(req, at, r.map(|l| *l), replace);
            let len = f.visible_rows().len();
            f.list_view.keep_visible(len, page);
            accepted
        }
        Loaded::Detail(r) => {
            let accepted = f.detail.accept(req, at, r.map(|d| *d), replace);
            f.stop_following_when_synced();
            if accepted != Accepted::Stale {
                f.follow_read(now_ms);
            }
            accepted
        }
        Loaded::Plan(r) => change::on_plan(state, req, at, r),
        Loaded::Changed(done) => change::on_changed(state, req, *done, fx),
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
        PLAN => state.features.plan.fail(req, at, e),
        CHANGE => change::on_task_failed(state, req, message),
        _ => Accepted::NewError(format!("internal error: {message}")),
    }
}

/// Requests in flight.
pub(crate) fn loading(state: &State) -> usize {
    super::super::remote::in_flight(&[
        state.features.list.is_loading(),
        state.features.detail.is_loading(),
        state.features.lineage.is_loading(),
        state.features.plan.is_loading(),
        state.features.applying.is_some(),
    ])
}

impl FeaturesState {
    /// The followed online table, once read with its sync ended (or failed), is no longer
    /// followed; one not found yet stays followed.
    fn stop_following_when_synced(&mut self) {
        let Some(name) = &self.following else {
            return;
        };
        let done = self.detail.data.as_ref().is_some_and(|d| {
            d.online.iter().any(|o| {
                o.name.eq_ignore_ascii_case(name)
                    && (o.sync_failed || (o.first_sync_done && o.progress.is_none()))
            })
        });
        if done {
            self.following = None;
        }
    }
}
