//! Canary fixtures: a plan on `churn-prod` (v4 → v5), its state holding at 25% with an
//! INCONCLUSIVE judgement, the same plan rolled back after a FAIL, and driver helpers that open
//! the panel and deliver runner steps.

use mlops_console::app::{CanaryNews, Effect, Msg};
use mlops_console::ops::canary::state::Event;
use mlops_console::ops::canary::{
    Canary, CanaryAction, CanaryPlan, CanaryState, Judgement, Phase, Severity, judge,
};
use mlops_console::ops::serving_metrics::{EntityCounters, window};
use mlops_console::ops::traffic::Split;

use super::{CHURN_PROD, Driver, MIN, NOW, churn_prod, scrape};

pub const STABLE: &str = "churn_model-4";
pub const CANARY: &str = "churn_model-5";

pub fn canary_plan() -> CanaryPlan {
    CanaryPlan::parse(
        r#"
endpoint = "churn-prod"
stable   = "churn_model-4"
canary   = "churn_model-5"
steps    = [5, 25, 50, 100]
hold     = "2m"
interval = "15s"
[guards]
min_requests         = 200
max_error_rate_delta = 0.01
max_p99_ms           = 100
max_p99_ratio        = 1.2
confidence           = 0.95
"#,
    )
    .expect("fixture plan")
}

fn counters(i: i64, entity: &str) -> EntityCounters {
    scrape(i).entities[entity].clone()
}

/// A judgement over the scrapes `from..to`, with `extra_5xx` more canary errors in the window.
pub fn judgement(from: i64, to: i64, extra_5xx: f64, at_ms: i64) -> Judgement {
    let secs = ((to - from) * 2) as f64;
    let stable = window(
        STABLE,
        Some(&counters(from, STABLE)),
        &counters(to, STABLE),
        secs,
    );
    let mut canary_now = counters(to, CANARY);
    canary_now.errors_5xx += extra_5xx;
    let canary = window(CANARY, Some(&counters(from, CANARY)), &canary_now, secs);
    judge(&stable, &canary, &canary_plan().guards, at_ms)
}

fn event(at_ms: i64, message: &str) -> Event {
    Event {
        at_ms,
        message: message.to_string(),
    }
}

/// Holding at 25% (step 2/4) for 70 s of 2 m; the last judgement had too few canary requests.
pub fn holding_inconclusive() -> CanaryState {
    let mut s = CanaryState::new(canary_plan(), NOW - 5 * MIN);
    s.phase = Phase::Holding;
    s.step = 1;
    s.step_started_ms = Some(NOW - 70_000);
    s.expected = Some(Split::new(&[(STABLE, 75), (CANARY, 25)]));
    let j = judgement(0, 10, 0.0, NOW - 10_000);
    assert_eq!(j.verdict.as_str(), "INCONCLUSIVE", "fixture: {}", j.summary);
    s.history = vec![
        event(NOW - 5 * MIN, "moving to 5%"),
        event(NOW - 5 * MIN + 4_000, "holding at 5%"),
        event(NOW - 3 * MIN, "PASS at 5% after the hold"),
        event(NOW - 3 * MIN + 1_000, "moving to 25%"),
        event(NOW - 70_000, "holding at 25%"),
        event(NOW - 10_000, &j.summary),
    ];
    s.last_judgement = Some(j);
    s.judgements = 14;
    s.updated_ms = NOW - 10_000;
    s
}

/// The plan after a FAIL at 25%: the canary's 5xx rate jumped, all traffic went back to v4.
pub fn rolled_back_after_fail() -> CanaryState {
    let mut s = holding_inconclusive();
    let j = judgement(0, 150, 150.0, NOW - 5_000);
    assert_eq!(j.verdict.as_str(), "FAIL", "fixture: {}", j.summary);
    s.phase = Phase::RolledBack;
    s.rollback_reason = Some(j.summary.clone());
    s.expected = Some(Split::new(&[(STABLE, 100), (CANARY, 0)]));
    s.history.push(event(NOW - 5_000, &j.summary));
    s.history
        .push(event(NOW - 5_000, &format!("rolling back: {}", j.summary)));
    s.history.push(event(
        NOW - 1_000,
        "canary churn_model-5 on churn-prod: all traffic back on churn_model-4",
    ));
    s.last_judgement = Some(j);
    s.judgements = 15;
    s
}

/// A plan on `endpoint` (fraud_model-3 → fraud_model-4) that completed at `ended_ms`.
pub fn completed_on(endpoint: &str, ended_ms: i64) -> CanaryState {
    let mut s = holding_inconclusive();
    s.plan.endpoint = endpoint.into();
    s.plan.stable = "fraud_model-3".into();
    s.plan.canary = Canary::Served {
        name: "fraud_model-4".into(),
    };
    s.phase = Phase::Completed;
    s.step = s.plan.steps.len() - 1;
    s.updated_ms = ended_ms;
    s
}

/// The alert the machine sends when a FAIL's roll back finished.
pub fn rollback_alert() -> CanaryAction {
    CanaryAction::Alert {
        severity: Severity::Critical,
        message: "canary churn_model-5 on churn-prod: all traffic back on churn_model-4".into(),
    }
}

impl Driver {
    /// `churn-prod` at 75/25 with a few scrapes, then `C`.
    pub fn open_canary_panel(&mut self) {
        self.open_endpoint(churn_prod(75, false), 3);
        self.char('C');
    }

    /// One runner step for `churn-prod`.
    pub fn canary_step(&mut self, state: CanaryState, actions: Vec<CanaryAction>) {
        self.send(Msg::Canary(Box::new(CanaryNews::Step {
            endpoint: CHURN_PROD.into(),
            state: Box::new(state),
            actions,
        })));
    }

    /// One runner step for `endpoint`.
    pub fn canary_step_on(&mut self, endpoint: &str, state: CanaryState) {
        self.send(Msg::Canary(Box::new(CanaryNews::Step {
            endpoint: endpoint.into(),
            state: Box::new(state),
            actions: Vec::new(),
        })));
    }

    /// The `StartCanary` among the last effects.
    pub fn started_canary(&self) -> Option<CanaryState> {
        self.effects.iter().find_map(|e| match e {
            Effect::StartCanary { state, .. } => Some((**state).clone()),
            _ => None,
        })
    }
}
