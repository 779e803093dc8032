//! The load test of an endpoint (`L`, PRODUCT §7), on the update side: the form (rate or
//! concurrency, duration, requests, guards, payload), the confirm dialog (the plan's lines from
//! `ops::bench::change`), then one `Effect::RoomChange` that the runtime runs through the change
//! pipeline as `ops::bench::change::LoadTest` — journaled exactly as `bench` headless. While it
//! runs, the panel reads the engine's live view ([`BenchMonitor`]) once per tick; `x` stops it
//! (what was measured is kept and journaled); the verdict stays in the panel until dismissed.
//!
//! The monitor is a shared view of in-memory counters: taking a snapshot of it and setting its
//! stop switch do no I/O, so `update` does both itself rather than round-tripping the runtime.

use std::path::PathBuf;
use std::time::Duration;

use crate::config::bench::BenchSettings;
use crate::ops::bench::change::confirm_lines;
use crate::ops::bench::plan::DEFAULT_MIN_SAMPLE;
use crate::ops::bench::result::{BenchResult, Bucket};
use crate::ops::bench::{BenchMonitor, BenchPlan, Guards, Mode, Snapshot, Status, StopReason};
use crate::ops::canary::Phase;
use crate::ops::journal::Outcome;

use super::super::super::effect::Effect;
use super::super::super::form::RoomForm;
use super::super::super::remote::{Accepted, RequestId};
use super::super::super::room::Verb;
use super::super::super::screen::{ScreenId, ScreenRoute};
use super::super::super::state::{Overlay, State, ToastLevel};
use super::super::{RoomChange, RoomKey, room_change};

/// The load test's resource: one at a time.
pub const LOAD_TEST: RoomKey = RoomKey {
    screen: ScreenId::Serving,
    what: "load test",
};

/// The form's title (the endpoint room takes the form back by it).
pub const FORM_TITLE: &str = "Load test";

pub static VERBS: [Verb; 2] = [
    Verb {
        name: "load_test",
        label: "load test",
        description: "Endpoint: load test it (rate or concurrency, duration, guards; asks first; \
                      journaled; a live panel)",
        keys: &["L"],
        mutating: true,
    },
    Verb {
        name: "stop_load_test",
        label: "stop test",
        description: "Endpoint: stop the running load test (what was measured is kept and \
                      journaled), or dismiss the result of the last one",
        keys: &["x"],
        mutating: false,
    },
];

pub const START: &Verb = &VERBS[0];
pub const STOP: &Verb = &VERBS[1];

/// A confirmed load test: the plan and the payload file (`None`: the endpoint's example).
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub plan: BenchPlan,
    pub data: Option<PathBuf>,
}

impl Change {
    pub fn what(&self) -> String {
        format!("load test of {}", self.plan.endpoint)
    }
}

/// How the pipeline ended: `outcome` `None` means nothing was sent (and `message` says why).
#[derive(Debug, Clone)]
pub struct Done {
    pub outcome: Option<Outcome>,
    pub message: String,
    pub journal_id: Option<String>,
    pub result: Option<Box<BenchResult>>,
    /// Shape warnings of the payload, a journal that could not be written.
    pub warnings: Vec<String>,
}

/// The runtime's news of a load test.
#[derive(Debug, Clone)]
pub enum Loaded {
    /// The engine started: its live view.
    Started(BenchMonitor),
    Finished(Box<Done>),
}

/// The test under way.
#[derive(Debug, Clone)]
pub struct Running {
    pub req: RequestId,
    pub plan: BenchPlan,
    /// Set once the engine has started (the payload read, the journal written).
    pub monitor: Option<BenchMonitor>,
    /// The live figures, taken on the tick.
    pub snapshot: Option<Snapshot>,
    /// The stop key was pressed.
    pub stopping: bool,
}

/// The last test's end, kept in the panel until dismissed.
#[derive(Debug, Clone)]
pub struct Finished {
    pub plan: BenchPlan,
    pub done: Done,
    /// The latency histogram of the whole test (the result has none; the engine's last view).
    pub histogram: Vec<Bucket>,
}

#[derive(Debug, Clone, Default)]
pub struct BenchState {
    /// `[bench]` of config.toml.
    pub caps: BenchSettings,
    pub running: Option<Running>,
    pub last: Option<Finished>,
}

impl BenchState {
    /// Whether the panel shows on `endpoint`'s screen.
    pub fn shown_on(&self, endpoint: &str) -> bool {
        self.running
            .as_ref()
            .is_some_and(|r| r.plan.endpoint == endpoint)
            || self
                .last
                .as_ref()
                .is_some_and(|l| l.plan.endpoint == endpoint)
    }
}

/// The phase of a canary plan judging `endpoint`, as this console knows it.
fn canary_judging(state: &State, endpoint: &str) -> Option<Phase> {
    let p = state.canary.plan(endpoint)?;
    let phase = p.state.phase;
    (!p.state.is_finished() && phase != Phase::Paused).then_some(phase)
}

/// Refuses (saying why) on a read-only profile, while a test runs, and while a canary plan on
/// the endpoint is judging.
fn refused(state: &mut State, endpoint: &str) -> bool {
    let in_flight = state
        .serving
        .bench
        .running
        .as_ref()
        .map(|r| format!("a load test of {}", r.plan.endpoint));
    if room_change::refused(state, in_flight) {
        return true;
    }
    if let Some(phase) = canary_judging(state, endpoint) {
        let text = format!(
            "a canary plan on {endpoint} is {} and judging: a load test would skew its verdict; \
             nothing was sent (headless `bench --force` can run it anyway)",
            phase.as_str()
        );
        state.toast(ToastLevel::Info, text);
        return true;
    }
    false
}

const MODE: &str = "mode";
const LOAD: &str = "rate or concurrency";
const DURATION: &str = "duration";
const REQUESTS: &str = "requests";
const SLO: &str = "slo p99 ms";
const ERRORS: &str = "max error rate";
const DATA: &str = "payload file";

/// `L`: the form, with sensible defaults (100 requests/s for 30 s, the endpoint's example).
pub(crate) fn open_form(state: &mut State) {
    let endpoint = state.serving.name.clone();
    if endpoint.is_empty() || refused(state, &endpoint) {
        return;
    }
    let mut rows = vec![("endpoint".to_string(), endpoint)];
    rows.push((
        MODE.to_string(),
        "rate (open loop, req/s) or concurrency (closed loop, connections)".to_string(),
    ));
    rows.push((
        "bounds".to_string(),
        "duration (30s, 2m) and/or requests; empty: none".to_string(),
    ));
    if let Some(cap) = state.serving.bench.caps.max_rate {
        rows.push(("cap".to_string(), format!("{cap} req/s ([bench] max_rate)")));
    }
    let fields: Vec<(String, String)> = [
        (MODE, "rate"),
        (LOAD, "100"),
        (DURATION, "30s"),
        (REQUESTS, ""),
        (SLO, ""),
        (ERRORS, ""),
        (DATA, ""),
    ]
    .iter()
    .map(|(n, v)| (n.to_string(), v.to_string()))
    .collect();
    let form = RoomForm::new(FORM_TITLE.to_string(), rows, &fields);
    state.overlay = Overlay::RoomForm(Box::new(form));
    state.dirty = true;
}

fn number<T: std::str::FromStr>(name: &str, text: &str) -> Result<Option<T>, String> {
    match text.trim() {
        "" => Ok(None),
        t => t
            .parse()
            .map(Some)
            .map_err(|_| format!("{name}: '{t}' is not a number")),
    }
}

/// The plan the form describes, or why it cannot be made.
pub fn plan_of(endpoint: &str, form: &RoomForm) -> Result<(BenchPlan, Option<PathBuf>), String> {
    let value = |name: &str| {
        form.values()
            .into_iter()
            .find(|v| v.name == name)
            .map(|v| v.value.trim().to_string())
            .unwrap_or_default()
    };
    let load = value(LOAD);
    let mode = match value(MODE).to_ascii_lowercase().as_str() {
        "rate" | "r" => {
            let rate: f64 = number(LOAD, &load)?.ok_or("a rate is needed (req/s)")?;
            Mode::Open {
                rate,
                connections: Mode::default_connections(rate),
            }
        }
        "concurrency" | "c" => {
            let n: usize = number(LOAD, &load)?.ok_or("a concurrency is needed (connections)")?;
            Mode::Closed { concurrency: n }
        }
        other => {
            return Err(format!("mode: '{other}' is neither rate nor concurrency"));
        }
    };
    let duration = match value(DURATION).as_str() {
        "" => None,
        t => {
            let ms =
                crate::ops::canary::parse_duration(t).map_err(|e| format!("{DURATION}: {e}"))?;
            Some(Duration::from_millis(ms.max(0) as u64))
        }
    };
    let data = Some(value(DATA))
        .filter(|d| !d.is_empty())
        .map(PathBuf::from);
    let plan = BenchPlan {
        endpoint: endpoint.to_string(),
        mode,
        duration,
        requests: number(REQUESTS, &value(REQUESTS))?,
        warmup: Duration::from_secs(1),
        timeout: Duration::from_secs(30),
        guards: Guards {
            slo_p99_ms: number(SLO, &value(SLO))?,
            max_error_rate: number(ERRORS, &value(ERRORS))?,
            min_sample: DEFAULT_MIN_SAMPLE,
        },
    };
    Ok((plan, data))
}

/// Enter on the form: the plan checked against `[bench]`, then the confirm dialog. A form
/// that does not make a plan opens again with the error under it.
pub(crate) fn form_submitted(state: &mut State, form: RoomForm) {
    let endpoint = state.serving.name.clone();
    if refused(state, &endpoint) {
        return;
    }
    let checked = plan_of(&endpoint, &form).and_then(|(plan, data)| {
        plan.check(&state.serving.bench.caps)?;
        Ok((plan, data))
    });
    let (plan, data) = match checked {
        Ok(p) => p,
        Err(e) => {
            let mut form = form;
            form.error = Some(format!("{e}; nothing was sent"));
            state.overlay = Overlay::RoomForm(Box::new(form));
            return;
        }
    };
    let s = &state.session;
    let lines = confirm_lines(&plan, &s.profile, &s.host, s.production);
    // The dialog says the profile and host itself; the plan's other lines are its rows.
    let mut rows = vec![("endpoint".to_string(), plan.endpoint.clone())];
    rows.push(("load".to_string(), plan.describe()));
    if let Some(guards) = lines.iter().find(|l| l.starts_with("stops early")) {
        rows.push(("guards".to_string(), guards.clone()));
    }
    let payload = match &data {
        Some(p) => p.display().to_string(),
        None => "the endpoint's example request".to_string(),
    };
    rows.push(("payload".to_string(), payload));
    let warnings = vec![
        "a load test costs money and moves the endpoint's metrics and autoscaling".to_string(),
    ];
    let change = Change { plan, data };
    let (what, name) = (change.what(), change.plan.endpoint.clone());
    let change = RoomChange::Bench(change);
    room_change::open_confirm(state, what, name, rows, warnings, "run it", change);
}

/// The dialog was confirmed: one effect, run by the runtime through the change pipeline.
pub(crate) fn confirmed(state: &mut State, change: Change, fx: &mut Vec<Effect>) {
    if refused(state, &change.plan.endpoint) {
        return;
    }
    if let Err(e) = change.plan.check(&state.serving.bench.caps) {
        state.toast(ToastLevel::Error, format!("{e}; nothing was sent"));
        return;
    }
    let req = state.next_request();
    state.serving.bench.running = Some(Running {
        req,
        plan: change.plan.clone(),
        monitor: None,
        snapshot: None,
        stopping: false,
    });
    state.serving.bench.last = None;
    state.toast(ToastLevel::Info, format!("{}: starting…", change.what()));
    fx.push(Effect::RoomChange {
        req,
        change: RoomChange::Bench(change),
    });
}

/// `x`: stops the running test, or dismisses the last result.
pub(crate) fn stop_or_dismiss(state: &mut State) {
    let endpoint = state.serving.name.clone();
    let b = &mut state.serving.bench;
    match b.running.as_mut() {
        Some(r) if r.plan.endpoint == endpoint => match &r.monitor {
            Some(m) => {
                m.stop();
                r.stopping = true;
                state.toast(ToastLevel::Info, "stopping the load test…");
            }
            None => state.toast(
                ToastLevel::Info,
                "the load test is starting: stop it once it runs",
            ),
        },
        _ if b.last.as_ref().is_some_and(|l| l.plan.endpoint == endpoint) => b.last = None,
        _ => state.toast(ToastLevel::Info, "no load test on this endpoint"),
    }
    state.dirty = true;
}

/// The tick: the live figures of the running test, redrawn when its panel is on screen.
pub(crate) fn on_tick(state: &mut State) {
    let shown = match state.route() {
        ScreenRoute::Endpoint { name } => state
            .serving
            .bench
            .running
            .as_ref()
            .is_some_and(|r| r.plan.endpoint == *name),
        _ => false,
    };
    let Some(r) = state.serving.bench.running.as_mut() else {
        return;
    };
    // Off screen nothing is merged: the workers' shards are left alone.
    if shown && let Some(m) = &r.monitor {
        r.snapshot = Some(m.snapshot());
        state.dirty = true;
    }
}

pub(crate) fn on_loaded(state: &mut State, req: RequestId, loaded: Loaded) -> Accepted {
    let b = &mut state.serving.bench;
    let Some(r) = b.running.as_mut().filter(|r| r.req == req) else {
        return Accepted::Stale;
    };
    match loaded {
        Loaded::Started(monitor) => {
            r.snapshot = Some(monitor.snapshot());
            r.monitor = Some(monitor);
        }
        Loaded::Finished(done) => {
            let plan = r.plan.clone();
            let histogram = match (&r.monitor, &r.snapshot) {
                (Some(m), _) => m.snapshot().histogram,
                (None, Some(s)) => s.histogram.clone(),
                (None, None) => Vec::new(),
            };
            b.running = None;
            toast_verdict(state, &plan, &done);
            state.serving.bench.last = Some(Finished {
                plan,
                done: *done,
                histogram,
            });
        }
    }
    state.dirty = true;
    Accepted::Ok
}

/// The verdict in a word, as the panel and the toast say it.
pub fn verdict_text(done: &Done) -> (String, bool) {
    let Some(r) = &done.result else {
        return (format!("could not run: {}", done.message), false);
    };
    if done.outcome != Some(Outcome::Ok) {
        return (format!("could not run: {}", done.message), false);
    }
    let why = r.verdict.reason.as_deref().map(|w| format!(": {w}"));
    let stopped = matches!(r.verdict.stop, Some(StopReason::Stopped));
    match r.verdict.status {
        Status::Met if stopped => ("SLO met so far (stopped by the operator)".to_string(), true),
        Status::Met => ("SLO met".to_string(), true),
        Status::Failed => (format!("SLO FAILED{}", why.unwrap_or_default()), false),
        Status::Inconclusive => (
            format!(
                "could not run: nothing was measured{}",
                why.unwrap_or_default()
            ),
            false,
        ),
    }
}

fn toast_verdict(state: &mut State, plan: &BenchPlan, done: &Done) {
    let (text, ok) = verdict_text(done);
    let figures = done
        .result
        .as_ref()
        .filter(|r| r.requests.completed > 0)
        .map(|r| {
            format!(
                " — {} requests at {:.1} req/s, p99 {:.1} ms",
                r.requests.completed, r.rps.achieved, r.latency_ms.corrected.p99
            )
        })
        .unwrap_or_default();
    let level = if ok {
        ToastLevel::Info
    } else {
        ToastLevel::Error
    };
    state.toast(
        level,
        format!("load test of {}: {text}{figures}", plan.endpoint),
    );
    for w in &done.warnings {
        state.toast(ToastLevel::Info, w.clone());
    }
}

/// The runtime's task died: the test may have run; the journal says what it did.
pub(crate) fn on_failed(state: &mut State, req: RequestId, message: &str) -> Accepted {
    let done = Done {
        outcome: Some(Outcome::Unknown),
        message: room_change::unknown_after_crash(message),
        journal_id: None,
        result: None,
        warnings: Vec::new(),
    };
    on_loaded(state, req, Loaded::Finished(Box::new(done)))
}
