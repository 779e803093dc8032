//! Fixtures shared by the TUI tests: a session, model values, and a driver that feeds `update`.
#![allow(dead_code)]

pub mod alerts;
pub mod canary;
pub mod features;
pub mod launch;
pub mod logs;
pub mod registry;
pub mod runs;
pub mod serving;
pub mod sim_client;
pub mod sim_runtime;
#[allow(unused_imports)]
pub use alerts::*;
#[allow(unused_imports)]
pub use canary::*;
#[allow(unused_imports)]
pub use launch::*;
#[allow(unused_imports)]
pub use registry::*;
#[allow(unused_imports)]
pub use runs::*;
#[allow(unused_imports)]
pub use serving::*;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use mlops_console::api::models::mlflow::{Experiment, KeyValue, LifecycleStage};
use mlops_console::api::models::scim::Me;
use mlops_console::api::models::serving::{
    ConfigUpdate, EndpointReady, EndpointState, ServingEndpoint,
};
use mlops_console::api::{ApiError, ErrorKind};
use mlops_console::app::keymap::Keymap;
use mlops_console::app::remote::RequestId;
use mlops_console::app::screens::{RoomFetch, RoomLoaded, jobs};
use mlops_console::app::{
    Count, Effect, ExperimentPage, ExperimentSummary, Fetch, Msg, Payload, ResourceKey, Session,
    State, update,
};
use mlops_console::ops::approvals::PendingList;
use mlops_console::ops::job_attention::{AttentionRun, JobsAttention};
use mlops_console::ops::job_list::RunSummary;
use mlops_console::ops::journal::JournalView;
use mlops_console::theme::Theme;

/// A fixed clock: 2024-06-01 12:00:00 UTC.
pub const NOW: i64 = 1_717_243_200_000;
pub const MIN: i64 = 60_000;

pub fn session() -> Session {
    Session {
        profile: "acme-prod".into(),
        host: "https://dbc-1234.cloud.databricks.com".into(),
        readonly: false,
        production: false,
        refresh_secs: 10,
        traffic_step: 5,
        ascii: false,
        training_jobs: Default::default(),
        workspace_id: None,
    }
}

pub fn new_state(session: Session) -> State {
    State::new(session, Keymap::default(), Theme::dark(), Vec::new())
}

/// A driver around `update` that remembers the effects of the last message.
pub struct Driver {
    pub state: State,
    pub effects: Vec<Effect>,
}

impl Driver {
    pub fn new(session: Session) -> Driver {
        Driver::with_state(new_state(session))
    }

    pub fn with_state(state: State) -> Driver {
        let mut d = Driver {
            state,
            effects: Vec::new(),
        };
        d.state.size = (100, 30);
        d.send(Msg::Start { now_ms: NOW });
        d
    }

    pub fn send(&mut self, msg: Msg) -> &Vec<Effect> {
        self.effects = update(&mut self.state, msg);
        &self.effects
    }

    pub fn key(&mut self, code: KeyCode) -> &Vec<Effect> {
        self.send(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
    }

    pub fn char(&mut self, c: char) -> &Vec<Effect> {
        self.key(KeyCode::Char(c))
    }

    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.char(c);
        }
    }

    /// The request id of the fetch for `key` among the last effects.
    pub fn req(&self, key: ResourceKey) -> RequestId {
        self.try_req(key)
            .unwrap_or_else(|| panic!("no fetch of {key:?} in {:?}", self.effects))
    }

    pub fn try_req(&self, key: ResourceKey) -> Option<RequestId> {
        self.effects.iter().find_map(|e| match e {
            Effect::Fetch { req, fetch } if fetch.key() == key => Some(*req),
            _ => None,
        })
    }

    pub fn fetch_of(&self, key: ResourceKey) -> Option<Fetch> {
        self.effects.iter().find_map(|e| match e {
            Effect::Fetch { fetch, .. } if fetch.key() == key => Some(fetch.clone()),
            _ => None,
        })
    }

    pub fn answer(&mut self, req: RequestId, payload: Payload) -> &Vec<Effect> {
        self.send(Msg::Loaded {
            req,
            at_ms: self.state.now_ms,
            payload,
        })
    }

    /// Opens Experiments and answers its first load with `rows` (and a next-page token).
    pub fn open_experiments(&mut self, rows: Vec<Experiment>, next: Option<&str>) {
        self.char('2');
        let req = self.req(ResourceKey::ExperimentList);
        self.answer(req, experiments_page(rows, next, false));
    }

    /// Answers every overview fetch of the last effects with the fixture workspace, where nothing
    /// waits for approval and this console changed nothing yet.
    pub fn answer_overview(&mut self, oss: bool) {
        self.answer_overview_with(oss, PendingList::default(), JournalView::default());
    }

    /// Answers every overview fetch of the last effects with the fixture workspace, these
    /// pending approvals and this journal.
    pub fn answer_overview_with(
        &mut self,
        oss: bool,
        approvals: PendingList,
        journal: JournalView,
    ) {
        let fx = self.effects.clone();
        for e in fx {
            let Effect::Fetch { req, fetch } = e else {
                continue;
            };
            let payload = match fetch {
                Fetch::Me if oss => Payload::Me(Err(not_available())),
                Fetch::Me => Payload::Me(Ok(me())),
                Fetch::ExperimentCount { recent, .. } => {
                    Payload::ExperimentCount(Ok(ExperimentSummary {
                        count: Count {
                            n: 1000,
                            capped: true,
                        },
                        recent: experiments().into_iter().take(recent).collect(),
                    }))
                }
                Fetch::UcModelCount { .. } if oss => Payload::UcModelCount(Err(not_available())),
                Fetch::UcModelCount { .. } => Payload::UcModelCount(Ok(Count {
                    n: 12,
                    capped: false,
                })),
                Fetch::WorkspaceModelCount { .. } => Payload::WorkspaceModelCount(Ok(Count {
                    n: 3,
                    capped: false,
                })),
                Fetch::ServingEndpoints if oss => Payload::ServingEndpoints(Err(not_available())),
                Fetch::ServingEndpoints => Payload::ServingEndpoints(Ok(endpoints())),
                Fetch::Approvals => Payload::Approvals(Box::new(approvals.clone())),
                Fetch::Journal => Payload::Journal(Ok(Box::new(journal.clone()))),
                Fetch::Room(RoomFetch::Jobs(jobs::Fetch::Attention)) => {
                    let read = if oss {
                        Err(not_available().into())
                    } else {
                        Ok(Box::new(jobs_attention()))
                    };
                    Payload::Room(RoomLoaded::Jobs(jobs::Loaded::Attention(read)))
                }
                // Nothing firing: the tests of alerts answer with their own.
                Fetch::Room(RoomFetch::Alerts(_)) if oss => Payload::Room(RoomLoaded::Alerts(
                    mlops_console::app::screens::alerts::Loaded::Evaluated(Err(
                        not_available().into()
                    )),
                )),
                Fetch::Room(RoomFetch::Alerts(_)) => evaluated(alerts_read(Vec::new())),
                _ => continue,
            };
            self.answer(req, payload);
        }
    }

    pub fn render(&self, width: u16, height: u16) -> Terminal<TestBackend> {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal
            .draw(|f| mlops_console::ui::render(f, &self.state))
            .unwrap();
        terminal
    }

    /// The frame at `width` x `height` as text, one line per row.
    pub fn screen_text(&self, width: u16, height: u16) -> String {
        let t = self.render(width, height);
        let buf = t.backend().buffer();
        let mut out = String::new();
        for y in 0..buf.area.height {
            for x in 0..buf.area.width {
                out.push_str(buf[(x, y)].symbol());
            }
            out.push('\n');
        }
        out
    }
}

pub fn me() -> Me {
    Me {
        id: "42".into(),
        user_name: "jane.doe@acme.com".into(),
        display_name: Some("Jane Doe".into()),
        ..Default::default()
    }
}

pub fn not_available() -> ApiError {
    ApiError::Api {
        status: 404,
        kind: ErrorKind::NotFound,
        code: None,
        message: "Not Found".into(),
    }
}

pub fn server_error() -> ApiError {
    ApiError::Api {
        status: 503,
        kind: ErrorKind::Unavailable,
        code: None,
        message: "workspace is temporarily unavailable".into(),
    }
}

fn endpoint(name: &str, ready: EndpointReady, update: ConfigUpdate) -> ServingEndpoint {
    ServingEndpoint {
        name: name.into(),
        state: Some(EndpointState {
            ready: Some(ready),
            config_update: Some(update),
        }),
        ..Default::default()
    }
}

pub fn endpoints() -> Vec<ServingEndpoint> {
    vec![
        endpoint(
            "churn-prod",
            EndpointReady::Ready,
            ConfigUpdate::NotUpdating,
        ),
        endpoint(
            "fraud-scoring",
            EndpointReady::Ready,
            ConfigUpdate::InProgress,
        ),
        endpoint(
            "recsys-staging",
            EndpointReady::NotReady,
            ConfigUpdate::UpdateFailed,
        ),
        endpoint(
            "search-ranker",
            EndpointReady::Ready,
            ConfigUpdate::NotUpdating,
        ),
    ]
}

pub fn experiment(id: &str, name: &str, updated_min_ago: i64, tags: &[(&str, &str)]) -> Experiment {
    Experiment {
        experiment_id: id.into(),
        name: name.into(),
        artifact_location: Some(format!("dbfs:/databricks/mlflow-tracking/{id}")),
        lifecycle_stage: Some(LifecycleStage::Active),
        last_update_time: Some(NOW - updated_min_ago * MIN),
        creation_time: Some(NOW - 30 * 24 * 60 * MIN),
        tags: tags.iter().map(|(k, v)| KeyValue::new(*k, *v)).collect(),
    }
}

pub fn experiments() -> Vec<Experiment> {
    vec![
        experiment(
            "3487120091811234",
            "/Shared/churn/training",
            3,
            &[("team", "growth"), ("mlflow.note.content", "churn model")],
        ),
        experiment(
            "3487120091811301",
            "/Shared/fraud/training",
            45,
            &[("team", "risk")],
        ),
        experiment(
            "3487120091811377",
            "/Users/jane.doe@acme.com/churn-sweep",
            90,
            &[],
        ),
        experiment(
            "3487120091811402",
            "/Shared/recsys/offline-eval",
            60 * 5,
            &[("team", "recs")],
        ),
        experiment("3487120091811455", "/Shared/search/ranker-v2", 60 * 30, &[]),
        experiment(
            "3487120091811511",
            "/Shared/forecast/demand",
            60 * 24 * 3,
            &[("team", "ops")],
        ),
    ]
}

pub fn experiments_page(rows: Vec<Experiment>, next: Option<&str>, append: bool) -> Payload {
    Payload::Experiments(Ok(ExperimentPage {
        experiments: rows,
        next_page_token: next.map(String::from),
        append,
    }))
}

/// `n` generated experiments, numbered from `from`.
pub fn many_experiments(from: usize, n: usize) -> Vec<Experiment> {
    (from..from + n)
        .map(|i| {
            experiment(
                &format!("{}", 1000 + i),
                &format!("/Shared/exp-{i:04}"),
                i as i64,
                &[],
            )
        })
        .collect()
}

/// The Overview's jobs: `feature-refresh` failed an hour and a half ago, `churn-batch-score` has
/// been running for two minutes.
pub fn jobs_attention() -> JobsAttention {
    let run = |run_id: i64, state: &str, ended: bool, min_ago: i64| RunSummary {
        run_id,
        state: state.into(),
        ended,
        succeeded: false,
        start_time: Some(NOW - min_ago * MIN),
        duration_ms: None,
        trigger: Some("PERIODIC".into()),
        parameters: vec![],
        run_by: Some("ops@example.com".into()),
        message: String::new(),
        run_page_url: None,
    };
    JobsAttention {
        failing: vec![AttentionRun {
            job_id: 12,
            name: "feature-refresh".into(),
            run: run(9001, "INTERNAL_ERROR FAILED", true, 95),
        }],
        running: vec![AttentionRun {
            job_id: 11,
            name: "churn-batch-score".into(),
            run: run(9010, "RUNNING", false, 2),
        }],
        more_running: false,
    }
}
