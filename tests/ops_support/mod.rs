//! Arrangements shared by the tests of changes made through the library against the simulator:
//! a client, the change context, a journal in a temp dir, and the plans of a promotion, of an
//! approval decision and of a traffic shift on churn-prod.
#![allow(dead_code)] // each test crate uses a different part of this

use mlops_console::api::{Client, ClientOptions, Credentials, Secret};
use mlops_console::config::ApprovalSettings;
use mlops_console::ops::approvals::{Decision, DecisionRequest, prepare_decision};
use mlops_console::ops::promote::{PromoteRequest, prepare as prepare_promote};
use mlops_console::ops::traffic::{EndpointConfigState, Split, TrafficPlan};
use mlops_console::ops::{ChangeAction, ChangeContext, Journal, Plan};
use mlops_console::sim::SimHandle;

/// Who the simulator's owner token belongs to.
pub const ACTOR: &str = "ml-eng@acme.com";

/// The context of a change by [`ACTOR`] on the non-production profile `demo`.
pub fn ctx() -> ChangeContext {
    ChangeContext {
        profile: "demo".into(),
        actor: Some(ACTOR.into()),
        production: false,
    }
}

/// A client of `sim` with `token`, its options set by `adjust`.
pub fn client_with(
    sim: &SimHandle,
    token: &str,
    adjust: impl FnOnce(&mut ClientOptions),
) -> Client {
    let mut o = ClientOptions::new(sim.base_url.clone(), Credentials::Pat(Secret::new(token)));
    adjust(&mut o);
    Client::new(o).unwrap()
}

/// A journal in a temp dir, which lives as long as the dir returned with it.
pub fn temp_journal() -> (tempfile::TempDir, Journal) {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::in_dir(dir.path());
    (dir, journal)
}

pub fn promote_req(model: &str, version: &str) -> PromoteRequest {
    PromoteRequest {
        model: model.into(),
        version: version.into(),
        ..PromoteRequest::default()
    }
}

/// The plan to promote `model` `version` under the default approval rules.
pub async fn promote_plan(c: &Client, model: &str, version: &str) -> Plan {
    let req = promote_req(model, version);
    prepare_promote(c, &req, &ApprovalSettings::default())
        .await
        .unwrap()
}

/// A decision on `model` `version` with `comment`, on the only open request (workspace
/// approvals archive the versions already in the stage).
pub fn decision(
    model: &str,
    version: &str,
    decision: Decision,
    comment: Option<&str>,
) -> DecisionRequest {
    DecisionRequest {
        model: model.into(),
        version: version.into(),
        decision,
        comment: comment.map(str::to_string),
        stage: None,
        archive_existing: true,
    }
}

/// The plan of `req` made by `actor` under the default approval rules.
pub async fn decision_plan(c: &Client, actor: Option<&str>, req: &DecisionRequest) -> Plan {
    prepare_decision(c, &ApprovalSettings::default(), actor, req)
        .await
        .unwrap()
}

/// The plan to shift churn_model-5's share of churn-prod by `step` points.
pub async fn plan_shift(c: &Client, step: i32) -> TrafficPlan {
    let ep = c.get_serving_endpoint("churn-prod").await.unwrap();
    let target = Split::of_endpoint(&ep)
        .shift("churn_model-5", step)
        .unwrap();
    TrafficPlan::routes(&ep, &target, ChangeAction::Traffic).unwrap()
}

/// churn-prod's config version now.
pub async fn config_version(c: &Client) -> i64 {
    let ep = c.get_serving_endpoint("churn-prod").await.unwrap();
    EndpointConfigState::of(&ep).config_version.unwrap()
}
