//! Saving a console drift rule as a Databricks SQL alert, through the change pipeline against
//! the simulator: journaled and verified by reading back; saved again unchanged is nothing to
//! do; changed, it is updated in place; a create whose answer is lost is not sent twice (the
//! read-back by display name finds it); read-only refuses before anything is journaled; and
//! the alert's fixed SQL runs on the warehouse.

mod ops_support;

use std::time::Duration;

use mlops_console::api::{Client, RetryPolicy};
use mlops_console::config::alert_rules::{AlertRule, RuleKind, Severity};
use mlops_console::ops::alerts::sql_alert::{drift_alert, quoted_table, save};
use mlops_console::ops::journal::{Outcome, Standing};
use mlops_console::ops::sql::{SqlQuery, Waiter, run_query};
use mlops_console::ops::{ChangeAction, ObjectState, OpError, Target};
use mlops_console::sim::{self, ScriptedFault, SimClock, SimHandle, SimOptions};

use ops_support::{client_with, ctx, temp_journal};

const RUNNING: &str = "4b9f0e1c2a3d5e6f";

async fn sim() -> SimHandle {
    sim::start(SimOptions {
        clock: SimClock::manual(1_767_225_600_000),
        sql_latency: Duration::ZERO,
        traffic_rps: 0.0,
        ..SimOptions::default()
    })
    .await
    .unwrap()
}

fn client(sim: &SimHandle) -> Client {
    client_with(sim, &sim.token, |o| {
        o.retry_policy = RetryPolicy::scaled(Duration::from_millis(1));
    })
}

fn rule(threshold: f64) -> AlertRule {
    AlertRule {
        name: "tenure-drift".into(),
        kind: RuleKind::FeatureDrift {
            statistic: "population_stability_index".into(),
            threshold,
            windows: 3,
            feature: Some("tenure_months".into()),
        },
        severity: Severity::Critical,
        enabled: true,
        target: Some("main.ml.churn_inference".into()),
        bell: false,
        retrain: false,
        retrain_model: None,
    }
}

fn creates(sim: &SimHandle) -> usize {
    sim.request_log()
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/api/2.0/alerts")
        .count()
}

async fn named(c: &Client, name: &str) -> usize {
    c.list_sql_alerts()
        .await
        .unwrap()
        .iter()
        .filter(|a| a.display_name == name)
        .count()
}

#[tokio::test]
async fn a_drift_rule_is_saved_journaled_verified_and_then_updated_in_place() {
    let sim = sim().await;
    let c = client(&sim);
    let (_dir, journal) = temp_journal();
    let alert = drift_alert(&rule(0.25), None, None, RUNNING).unwrap();
    let name = alert.display_name.clone();
    assert_eq!(name, "mlops-console: tenure-drift");

    let done = save(&c, &journal, &ctx(), alert.clone()).await.unwrap();
    assert_eq!(done.outcome, Outcome::Ok, "{}", done.message);
    assert!(matches!(
        done.verified,
        Some(ObjectState::SqlAlert {
            exists: true,
            id: Some(_),
            ..
        })
    ));
    let view = journal.read().unwrap();
    let entry = &view.entries[0];
    assert_eq!(entry.attempt.action, ChangeAction::SaveSqlAlert);
    assert_eq!(
        entry.attempt.target,
        Target::SqlAlert { name: name.clone() }
    );
    assert_eq!(entry.standing(), Standing::Ok);

    let again = save(&c, &journal, &ctx(), alert).await.unwrap_err();
    assert!(matches!(again, OpError::NothingToDo(_)), "{again}");

    let changed = drift_alert(&rule(0.3), None, None, RUNNING).unwrap();
    let done = save(&c, &journal, &ctx(), changed).await.unwrap();
    assert_eq!(done.outcome, Outcome::Ok, "{}", done.message);
    assert_eq!(creates(&sim), 1, "the second save updated the alert");
    assert_eq!(named(&c, &name).await, 1);
    assert_eq!(journal.read().unwrap().entries.len(), 2);
}

#[tokio::test]
async fn a_create_whose_answer_is_lost_is_sent_once_and_found_by_name() {
    for lost in [ScriptedFault::Reset, ScriptedFault::Status(500)] {
        let sim = sim().await;
        let c = client(&sim);
        let (_dir, journal) = temp_journal();
        let alert = drift_alert(&rule(0.25), None, None, RUNNING).unwrap();
        let name = alert.display_name.clone();
        // The list of prepare passes; the create is applied and its answer lost.
        sim.script_faults(vec![
            ScriptedFault::Pass,
            ScriptedFault::AfterApply(Box::new(lost.clone())),
        ]);
        let done = save(&c, &journal, &ctx(), alert.clone()).await.unwrap();
        assert_eq!(done.outcome, Outcome::Ok, "{lost:?}: {}", done.message);
        assert!(done.answer_lost, "{lost:?}: {}", done.message);
        assert_eq!(creates(&sim), 1, "{lost:?}: sent once");
        assert_eq!(named(&c, &name).await, 1, "{lost:?}: one alert");
        // Saving again after that finds it: nothing is created twice.
        assert!(matches!(
            save(&c, &journal, &ctx(), alert).await,
            Err(OpError::NothingToDo(_))
        ));
        assert_eq!(creates(&sim), 1);
    }
}

#[tokio::test]
async fn read_only_refuses_before_the_journal_and_the_sql_runs_on_the_warehouse() {
    let sim = sim().await;
    let ro = client_with(&sim, &sim.token, |o| o.readonly = true);
    let (_dir, journal) = temp_journal();
    let alert = drift_alert(&rule(0.25), None, Some("model_id"), RUNNING).unwrap();
    assert!(
        alert.query_text.contains("AND `model_id` = '*'"),
        "{}",
        alert.query_text
    );
    let e = save(&ro, &journal, &ctx(), alert.clone())
        .await
        .unwrap_err();
    assert!(matches!(e, OpError::ReadOnly(_)), "{e}");
    assert!(journal.read().unwrap().entries.is_empty());

    let c = client(&sim);
    let clock = sim.clock.clone();
    let mut waiter = Waiter::real().with_sleep(Box::new(move |d: Duration| {
        clock.advance(d);
        Box::pin(async {})
    }));
    let r = run_query(&c, RUNNING, &SqlQuery::new(&alert.query_text), &mut waiter)
        .await
        .unwrap();
    let v: f64 = r.rows[0][0].clone().unwrap().parse().unwrap();
    assert!(v > 0.25, "tenure_months drifts in the latest window: {v}");
}

#[test]
fn only_drift_rules_with_a_plain_table_become_alerts() {
    assert_eq!(quoted_table("main.ml.t").unwrap(), "`main`.`ml`.`t`");
    for bad in [
        "main.ml",
        "a.b.c.d",
        "main.ml.t`; DROP",
        "main.ml.t x",
        "main..t",
    ] {
        assert!(quoted_table(bad).is_err(), "{bad}");
    }
    let mut r = rule(0.25);
    r.target = Some("main.ml.x'--".into());
    assert!(drift_alert(&r, None, None, RUNNING).is_err());
    let mut r = rule(0.25);
    r.kind = RuleKind::FeatureDrift {
        statistic: "population_stability_index".into(),
        threshold: 0.25,
        windows: 1,
        feature: Some("a' OR '1'='1".into()),
    };
    assert!(drift_alert(&r, None, None, RUNNING).is_err());
    assert!(drift_alert(&rule(0.25), None, Some("x y"), RUNNING).is_err());
    let mut r = rule(0.25);
    r.target = None;
    assert!(
        drift_alert(&r, None, None, RUNNING)
            .unwrap_err()
            .contains("--table")
    );
    assert!(drift_alert(&r, Some("main.ml.churn_inference"), None, RUNNING).is_ok());
    let mut r = rule(0.25);
    r.kind = RuleKind::JobRunFailed;
    assert!(drift_alert(&r, None, None, RUNNING).is_err());
}
