//! Feature lineage on the existing screens (issue 14 §3): which endpoints send traffic to model
//! versions trained on stale feature tables (the "stale features" marker of the Serving list
//! and the Overview, and the "depends on" lines of the endpoint screen), and the feature tables
//! of each version on the Models screen.
//!
//! Computed off the render path by `ops::feature_lineage` in a runtime task, from the served
//! versions of the endpoint list already loaded, and refreshed less often than that list
//! ([`EVERY_FACTOR`] times its interval, at least [`MIN_EVERY_MS`]): feature reads are slower.
//! Read again at once when the served versions change. A background read: not counted in the
//! status bar's requests in flight (as the background metric scrapes are not).

pub mod fetch;
pub mod jump;

use crate::ops::feature_lineage::endpoint::{Served, served_versions};
use crate::ops::feature_lineage::{EndpointLineage, VersionLineage};
use crate::ops::models::Source;

use super::super::effect::{Effect, Fetch as AppFetch};
use super::super::remote::{Accepted, LoadError, Remote, RequestId, replace};
use super::super::screen::ScreenId;
use super::super::state::State;
use super::{RoomFetch, RoomKey, refresh_every_ms};

pub const MARKS: RoomKey = RoomKey {
    screen: ScreenId::Serving,
    what: "feature lineage",
};

pub const VERSIONS: RoomKey = RoomKey {
    screen: ScreenId::Models,
    what: "version features",
};

/// The lineage is read this many times less often than the endpoint list.
pub const EVERY_FACTOR: i64 = 4;
/// And never more often than this.
pub const MIN_EVERY_MS: i64 = 60_000;

/// What each endpoint serves: (endpoint, served versions).
pub type EndpointsServed = Vec<(String, Vec<Served>)>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetch {
    /// The lineage of every endpoint, judged at `now_ms`.
    Endpoints {
        served: EndpointsServed,
        now_ms: i64,
    },
    /// The feature tables of a UC model's versions.
    Versions {
        model: String,
        versions: Vec<String>,
        now_ms: i64,
    },
}

impl Fetch {
    pub fn key(&self) -> RoomKey {
        match self {
            Fetch::Endpoints { .. } => MARKS,
            Fetch::Versions { .. } => VERSIONS,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Loaded {
    Endpoints(Vec<EndpointLineage>),
    Versions {
        model: String,
        lineage: Vec<VersionLineage>,
    },
}

impl Loaded {
    pub fn key(&self) -> RoomKey {
        match self {
            Loaded::Endpoints(_) => MARKS,
            Loaded::Versions { .. } => VERSIONS,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct FeatureLineageState {
    /// The lineage of every endpoint of the list.
    pub endpoints: Remote<Vec<EndpointLineage>>,
    /// What the endpoints served when it was asked for.
    pub endpoints_of: Option<EndpointsServed>,
    /// When the alerts' monitoring facts the marks were judged on were read (drift and online
    /// staleness come from them): newer facts judge the marks anew.
    pub judged_on_facts_at: Option<i64>,
    /// The versions of the model on the Models screen.
    pub versions: Remote<Vec<VersionLineage>>,
    /// (model, versions) asked for.
    pub versions_of: Option<(String, Vec<String>)>,
}

impl FeatureLineageState {
    /// The lineage of endpoint `name`, once read.
    pub fn endpoint(&self, name: &str) -> Option<&EndpointLineage> {
        self.endpoints
            .data
            .as_ref()?
            .iter()
            .find(|e| e.endpoint == name)
    }

    /// Whether endpoint `name` sends traffic to a version using a stale feature table.
    pub fn endpoint_stale(&self, name: &str) -> bool {
        self.endpoint(name).is_some_and(EndpointLineage::is_stale)
    }

    /// The lineage of `model` version `version`, once read.
    pub fn version(&self, model: &str, version: &str) -> Option<&VersionLineage> {
        let (m, _) = self.versions_of.as_ref()?;
        if m != model {
            return None;
        }
        self.versions
            .data
            .as_ref()?
            .iter()
            .find(|v| v.model == model && v.version == version)
    }
}

/// The lineage reads in flight (the endpoints' marks, the Models screen's versions): background
/// reads, not counted in the status bar's loading.
pub(crate) fn loading(state: &State) -> usize {
    let f = &state.feature_lineage;
    super::super::remote::in_flight(&[f.endpoints.is_loading(), f.versions.is_loading()])
}

fn every(state: &State) -> Option<i64> {
    refresh_every_ms(state).map(|ms| (ms * EVERY_FACTOR).max(MIN_EVERY_MS))
}

/// Reads the endpoints' lineage when due, when what they serve changed, or when `force`;
/// nothing before the endpoint list is there.
pub(crate) fn load_marks(state: &mut State, force: bool, fx: &mut Vec<Effect>) {
    let Some(eps) = state.serving.endpoints.data.as_ref() else {
        return;
    };
    let served: EndpointsServed = eps
        .iter()
        .map(|e| (e.name.clone(), served_versions(e)))
        .collect();
    let every = every(state);
    let f = &state.feature_lineage;
    if f.endpoints.is_loading() {
        return;
    }
    let changed = f.endpoints_of.as_ref() != Some(&served);
    let facts_at = super::alerts::monitoring_facts_at(state);
    let newer_facts = facts_at.is_some() && facts_at != f.judged_on_facts_at;
    if !(force || changed || newer_facts || f.endpoints.is_due(state.now_ms, every)) {
        return;
    }
    let now_ms = state.now_ms;
    state.feature_lineage.endpoints_of = Some(served.clone());
    state.feature_lineage.judged_on_facts_at = facts_at;
    let req = state.next_request();
    state.feature_lineage.endpoints.start(req);
    fx.push(Effect::Fetch {
        req,
        fetch: AppFetch::Room(RoomFetch::FeatureLineage(Fetch::Endpoints {
            served,
            now_ms,
        })),
    });
}

/// Reads the feature tables of the versions of the UC model on screen, when new or due.
pub(crate) fn load_versions(state: &mut State, force: bool, fx: &mut Vec<Effect>) {
    if state.models.source != Some(Source::UnityCatalog) {
        return;
    }
    let Some(d) = state.models.current_detail() else {
        return;
    };
    let want = (
        state.models.name.clone(),
        d.versions
            .iter()
            .map(|v| v.version.clone())
            .collect::<Vec<_>>(),
    );
    let every = every(state);
    let f = &state.feature_lineage;
    if f.versions.is_loading() {
        return;
    }
    let changed = f.versions_of.as_ref() != Some(&want);
    if !(force || changed || f.versions.is_due(state.now_ms, every)) {
        return;
    }
    let now_ms = state.now_ms;
    if changed {
        state.feature_lineage.versions = Remote::default();
    }
    state.feature_lineage.versions_of = Some(want.clone());
    let req = state.next_request();
    state.feature_lineage.versions.start(req);
    fx.push(Effect::Fetch {
        req,
        fetch: AppFetch::Room(RoomFetch::FeatureLineage(Fetch::Versions {
            model: want.0,
            versions: want.1,
            now_ms,
        })),
    });
}

pub(crate) fn on_loaded(state: &mut State, req: RequestId, at: i64, loaded: Loaded) -> Accepted {
    let f = &mut state.feature_lineage;
    match loaded {
        Loaded::Endpoints(l) => f.endpoints.accept(req, at, Ok::<_, LoadError>(l), replace),
        Loaded::Versions { model, lineage } => {
            if f.versions_of.as_ref().map(|(m, _)| m) != Some(&model) {
                return Accepted::Stale;
            }
            f.versions
                .accept(req, at, Ok::<_, LoadError>(lineage), replace)
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
    let f = &mut state.feature_lineage;
    if key == VERSIONS {
        f.versions.fail(req, at, e)
    } else {
        f.endpoints.fail(req, at, e)
    }
}
