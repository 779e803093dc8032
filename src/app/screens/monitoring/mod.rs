//! Monitoring room (screen 6): a monitored table's drift and model quality, read from its
//! monitor's metric tables on a SQL warehouse (`ops::drift`, `ops::quality`). The drift view is
//! a heatmap feature × window (features ranked by their worst recent drift, `b` consecutive /
//! baseline, `m` all versions / one version), the cell under the cursor with every statistic
//! and its sample count, and the chosen statistic of the feature over the windows with its
//! threshold (`s` picks the statistic). `v` switches to model quality per version.

pub mod change;
pub mod charts;
pub mod fetch;
pub mod links;
pub mod list;
mod messages;
pub mod room;
pub mod select;

pub use messages::*;

use crate::ops::drift::{
    DriftMatrix, DriftOutcome, DriftType, ModelFilter, SliceFilter, Statistic,
};
use crate::ops::monitors::link::{TableLinks, VersionLink};
use crate::ops::monitors::{Discovery, MonitorDetail};
use crate::ops::quality::QualityReport;
use crate::ops::retrain::{RegisteredVersion, RetrainJob, RetrainRequest};

use super::super::effect::{Effect, Fetch as AppFetch};
use super::super::list::ListView;
use super::super::remote::{Accepted, LoadError, Remote, RequestId, replace};
use super::super::screen::ScreenRoute;
use super::super::state::State;
use super::{RoomFetch, RoomKey, refresh_every_ms};

/// What the room shows of the table open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Drift,
    Quality,
    /// The monitor itself: kind, status, schedule, metric tables, refresh history.
    Monitor,
}

#[derive(Debug, Clone, Default)]
pub struct MonitoringState {
    /// Every monitor found (screen 6's list).
    pub monitors: Remote<Discovery>,
    /// The tables found before on this workspace, listed until discovery answers.
    pub remembered: Vec<String>,
    pub monitors_view: ListView,
    /// The monitor of the table open, with its refreshes (`None`: the table has no monitor).
    pub detail: Remote<Option<MonitorDetail>>,
    pub refreshes_view: ListView,
    /// The change in flight.
    pub applying: Option<(RequestId, Change)>,
    /// The last change's outcome, shown until the next one.
    pub last: Option<ChangeDone>,
    /// `T`: the request whose job is being looked up.
    pub retrain_job: Remote<(RetrainRequest, RetrainJob)>,
    /// A retraining run started here and followed to its end: (run, model).
    pub retraining: Option<(i64, String)>,
    pub retrain_end: Remote<RetrainEnded>,
    /// The version the last retraining registered (`o` opens it).
    pub new_version: Option<RegisteredVersion>,
    /// The monitored table open (`ScreenRoute::Monitor`).
    pub table: Option<String>,
    /// Its metric tables, when its monitor names them.
    pub metrics: MetricTables,
    pub tab: Tab,
    pub query: DriftQuery,
    pub drift: Remote<DriftRead>,
    /// The query the drift shown answers (a toggle re-reads; until then the old one shows).
    pub drift_query: Option<DriftQuery>,
    /// Feature row of the cursor (in the matrix's ranked order).
    pub row: usize,
    /// Window column of the cursor; `None` follows the newest window.
    pub column: Option<usize>,
    /// The statistic charted; `None`: the one that decided the cell under the cursor.
    pub statistic: Option<Statistic>,
    pub quality: Remote<QualityReport>,
    /// The endpoints the table is linked to: each quality row's model version and the entity
    /// serving it.
    pub links: Remote<TableLinks>,
    /// The slices of the drift table (`S` steps through them).
    pub slices: Remote<Vec<(String, String)>>,
    /// The quality metric charted (index into the report's metrics).
    pub metric: usize,
    pub versions_view: ListView,
}

impl MonitoringState {
    pub fn matrix(&self) -> Option<&DriftMatrix> {
        match self.drift.data.as_ref()? {
            DriftRead::Outcome(DriftOutcome::Matrix(m)) => Some(m),
            _ => None,
        }
    }

    /// The monitor of the table open, when read.
    pub fn monitor(&self) -> Option<&MonitorDetail> {
        self.detail.data.as_ref()?.as_ref()
    }

    /// A refresh of the open monitor still on its way.
    pub fn active_refresh(&self) -> Option<i64> {
        self.monitor()?
            .refreshes
            .iter()
            .find(|r| r.state.is_active())
            .map(|r| r.refresh_id)
    }

    /// The feature and window under the cursor (for `T`).
    pub fn cursor_cell(&self) -> Option<(String, String)> {
        let (r, c) = self.cursor()?;
        let m = self.matrix()?;
        Some((m.features[r].name.clone(), m.windows[c].start.clone()))
    }

    /// (row, column) of the cursor within the matrix, if it has cells.
    pub fn cursor(&self) -> Option<(usize, usize)> {
        let m = self.matrix()?;
        if m.features.is_empty() || m.windows.is_empty() {
            return None;
        }
        let row = self.row.min(m.features.len() - 1);
        let last = m.windows.len() - 1;
        Some((row, self.column.map_or(last, |c| c.min(last))))
    }

    /// The statistic charted for the cursor's cell.
    pub fn chart_statistic(&self) -> Statistic {
        if let Some(s) = self.statistic {
            return s;
        }
        let decided = self.cursor().and_then(|(r, c)| {
            let cell = self.matrix()?.features[r].cell(c)?;
            cell.judgement.statistic
        });
        decided.unwrap_or(Statistic::Psi)
    }

    /// The statistics the cursor's feature has a value for, in the fixed order.
    pub fn statistics_at_cursor(&self) -> Vec<Statistic> {
        let Some((r, _)) = self.cursor() else {
            return Vec::new();
        };
        let Some(m) = self.matrix() else {
            return Vec::new();
        };
        let f = &m.features[r];
        Statistic::ALL
            .into_iter()
            .filter(|s| f.cells.iter().flatten().any(|c| c.stats.get(*s).is_some()))
            .collect()
    }

    /// The quality row under the cursor and its link (`None` until both are read).
    pub fn selected_link(&self) -> Option<VersionLink> {
        let q = self.quality.data.as_ref()?;
        let v = q.versions.get(self.versions_view.selected)?;
        Some(self.links.data.as_ref()?.version(&v.version))
    }

    /// The model versions the quality report found (for `m`).
    pub fn versions(&self) -> Vec<String> {
        self.quality
            .data
            .iter()
            .flat_map(|q| q.versions.iter())
            .map(|v| v.version.clone())
            .filter(|v| v != "*")
            .collect()
    }
}

fn fetch(state: &mut State, fetch: Fetch, fx: &mut Vec<Effect>) -> RequestId {
    let req = state.next_request();
    fx.push(Effect::Fetch {
        req,
        fetch: AppFetch::Room(RoomFetch::Monitoring(fetch)),
    });
    req
}

/// Opens `table` (pushed on the back-stack) and loads it.
pub(crate) fn open_table(state: &mut State, table: &str, fx: &mut Vec<Effect>) {
    let route = ScreenRoute::Monitor {
        table: table.to_string(),
    };
    state.push_route(route.clone());
    load(state, &route, false, fx);
}

/// Loads what `route` shows: what is due, or everything when `force`.
pub(crate) fn load(state: &mut State, route: &ScreenRoute, force: bool, fx: &mut Vec<Effect>) {
    let ScreenRoute::Monitor { table } = route else {
        return list::load(state, force, fx);
    };
    let every = refresh_every_ms(state);
    let now = state.now_ms;
    let m = &mut state.monitoring;
    let other = m.table.as_deref() != Some(table);
    if other {
        *m = MonitoringState {
            table: Some(table.clone()),
            ..MonitoringState::default()
        };
    }
    let query_changed = m.drift_query.as_ref() != Some(&m.query);
    let drift_due = force || other || query_changed || m.drift.is_due(now, every);
    // Quality is read with the drift: `m` offers its versions and the quality view is one key away.
    let quality_due = force || other || m.quality.is_due(now, every);
    let (metrics, query) = (m.metrics.clone(), m.query.clone());
    if drift_due && (query_changed || !m.drift.is_loading()) {
        let f = Fetch::Drift {
            table: table.clone(),
            metrics: metrics.clone(),
            query: query.clone(),
        };
        let req = fetch(state, f, fx);
        state.monitoring.drift.start(req);
        state.monitoring.drift_query = Some(query);
    }
    let detail_due = force
        || other
        || state
            .monitoring
            .detail
            .is_due(now, follow_every(state, every));
    if detail_due && !state.monitoring.detail.is_loading() {
        let f = Fetch::Detail {
            table: table.clone(),
        };
        let req = fetch(state, f, fx);
        state.monitoring.detail.start(req);
    }
    if quality_due && !state.monitoring.slices.is_loading() {
        let f = Fetch::Slices {
            table: table.clone(),
            metrics: state.monitoring.metrics.clone(),
        };
        let req = fetch(state, f, fx);
        state.monitoring.slices.start(req);
    }
    if quality_due && !state.monitoring.links.is_loading() {
        let f = Fetch::Links {
            table: table.clone(),
        };
        let req = fetch(state, f, fx);
        state.monitoring.links.start(req);
    }
    if quality_due && !state.monitoring.quality.is_loading() {
        let f = Fetch::Quality {
            table: table.clone(),
            metrics,
        };
        let req = fetch(state, f, fx);
        state.monitoring.quality.start(req);
    }
}

/// How often the monitor is re-read: every 2 s while one of its refreshes is on its way.
fn follow_every(state: &State, every: Option<i64>) -> Option<i64> {
    match state.monitoring.active_refresh() {
        Some(_) => Some(every.map_or(FOLLOW_MS, |e| e.min(FOLLOW_MS))),
        None => every,
    }
}

/// How often a refresh on its way is re-read (at most).
pub const FOLLOW_MS: i64 = 2_000;

/// Re-reads the drift after the query changed (`b`, `m`), keeping the cursor's feature.
pub(crate) fn requery(state: &mut State, fx: &mut Vec<Effect>) {
    let route = state.route().clone();
    load(state, &route, false, fx);
}

pub(crate) fn on_loaded(
    state: &mut State,
    req: RequestId,
    at: i64,
    loaded: Loaded,
    fx: &mut Vec<Effect>,
) -> Accepted {
    let page = state.list_page_rows();
    let m = &mut state.monitoring;
    match loaded {
        Loaded::Slices(r) => m.slices.accept(req, at, r, replace),
        Loaded::Monitors(r) => {
            let accepted = m.monitors.accept(req, at, r.map(|d| *d), replace);
            let len = m.visible_monitors().len();
            m.monitors_view.keep_visible(len, page);
            accepted
        }
        Loaded::Remembered(tables) => {
            m.remembered = tables;
            Accepted::Ok
        }
        Loaded::Detail(r) => {
            let accepted = m.detail.accept(req, at, r.map(|d| d.map(|d| *d)), replace);
            let len = m.monitor().map_or(0, |d| d.refreshes.len());
            m.refreshes_view.keep_visible(len, page);
            accepted
        }
        Loaded::Links(r) => m.links.accept(req, at, r.map(|l| *l), replace),
        Loaded::RetrainJob(r) => change::on_retrain_job(state, req, at, r),
        Loaded::RetrainEnd(r) => change::on_retrain_end(state, req, at, r),
        Loaded::Changed(done) => change::on_changed(state, req, *done, fx),
        Loaded::Drift(r) => {
            let before = m.cursor_feature();
            let accepted = m.drift.accept(req, at, r.map(|d| *d), replace);
            if let Some(name) = before {
                m.keep_feature(&name);
            }
            accepted
        }
        Loaded::Quality(r) => {
            let accepted = m.quality.accept(req, at, r.map(|q| *q), replace);
            let metrics = m.quality.data.as_ref().map_or(0, |q| q.metrics.len());
            m.metric = m.metric.min(metrics.saturating_sub(1));
            let versions = m.quality.data.as_ref().map_or(0, |q| q.versions.len());
            m.versions_view.keep_visible(versions, 10);
            accepted
        }
    }
}

impl MonitoringState {
    fn cursor_feature(&self) -> Option<String> {
        let (r, _) = self.cursor()?;
        Some(self.matrix()?.features[r].name.clone())
    }

    /// After a re-read the ranking may have changed: the cursor stays on its feature.
    fn keep_feature(&mut self, name: &str) {
        if let Some(i) = self
            .matrix()
            .and_then(|m| m.features.iter().position(|f| f.name == name))
        {
            self.row = i;
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
    let m = &mut state.monitoring;
    match key {
        DRIFT => m.drift.fail(req, at, e),
        QUALITY => m.quality.fail(req, at, e),
        SLICES => m.slices.fail(req, at, e),
        MONITORS => m.monitors.fail(req, at, e),
        DETAIL => m.detail.fail(req, at, e),
        LINKS => m.links.fail(req, at, e),
        RETRAIN_JOB => m.retrain_job.fail(req, at, e),
        RETRAIN_END => m.retrain_end.fail(req, at, e),
        _ => change::on_task_failed(state, req, message),
    }
}

/// Requests in flight.
pub(crate) fn loading(state: &State) -> usize {
    let m = &state.monitoring;
    super::super::remote::in_flight(&[
        m.drift.is_loading(),
        m.quality.is_loading(),
        m.monitors.is_loading(),
        m.detail.is_loading(),
        m.links.is_loading(),
        m.retrain_job.is_loading(),
        m.applying.is_some(),
    ])
}

/// The drift type after `b`.
pub(crate) fn other_type(t: DriftType) -> DriftType {
    match t {
        DriftType::Consecutive => DriftType::Baseline,
        DriftType::Baseline => DriftType::Consecutive,
    }
}

/// The slice after `S`: the whole table, then each slice in turn.
pub(crate) fn next_slice(current: &SliceFilter, slices: &[(String, String)]) -> SliceFilter {
    let next = match current {
        SliceFilter::Total => slices.first(),
        SliceFilter::Slice { key, value } => slices
            .iter()
            .position(|(k, v)| k == key && v == value)
            .and_then(|i| slices.get(i + 1)),
    };
    next.map_or(SliceFilter::Total, |(k, v)| SliceFilter::Slice {
        key: k.clone(),
        value: v.clone(),
    })
}

/// The model filter after `m`: all versions, then each version in turn.
pub(crate) fn next_model(current: &ModelFilter, versions: &[String]) -> ModelFilter {
    let next = match current {
        ModelFilter::All => versions.first(),
        ModelFilter::Version(v) => versions
            .iter()
            .position(|x| x == v)
            .and_then(|i| versions.get(i + 1)),
    };
    next.map_or(ModelFilter::All, |v| ModelFilter::Version(v.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_filter_cycles_through_versions_and_back_to_all() {
        let v = vec!["4".to_string(), "5".to_string()];
        let a = next_model(&ModelFilter::All, &v);
        assert_eq!(a, ModelFilter::Version("4".into()));
        let b = next_model(&a, &v);
        assert_eq!(b, ModelFilter::Version("5".into()));
        assert_eq!(next_model(&b, &v), ModelFilter::All);
        assert_eq!(next_model(&ModelFilter::All, &[]), ModelFilter::All);
        // A version no longer listed goes back to all.
        assert_eq!(
            next_model(&ModelFilter::Version("9".into()), &v),
            ModelFilter::All
        );
    }

    #[test]
    fn slices_cycle_and_come_back_to_the_whole_table() {
        let s = vec![
            ("contract_type".to_string(), "monthly".to_string()),
            ("contract_type".to_string(), "yearly".to_string()),
        ];
        let a = next_slice(&SliceFilter::Total, &s);
        assert_eq!(
            a,
            SliceFilter::Slice {
                key: "contract_type".into(),
                value: "monthly".into()
            }
        );
        let b = next_slice(&a, &s);
        assert!(matches!(&b, SliceFilter::Slice { value, .. } if value == "yearly"));
        assert_eq!(next_slice(&b, &s), SliceFilter::Total);
        assert_eq!(next_slice(&SliceFilter::Total, &[]), SliceFilter::Total);
    }

    #[test]
    fn drift_types_toggle() {
        assert_eq!(other_type(DriftType::Consecutive), DriftType::Baseline);
        assert_eq!(other_type(DriftType::Baseline), DriftType::Consecutive);
    }
}
