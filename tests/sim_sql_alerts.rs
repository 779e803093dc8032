//! SQL alerts v2 against the simulator: the demo's alerts (their state agrees with the drift
//! table's real data), paging, get, create, update with a mask, trash and purge, errors, and
//! read-only refusal.

use std::time::Duration;

use mlops_console::api::models::sql_alerts::{AlertLifecycleState, AlertV2};
use mlops_console::api::{ApiError, Client, ClientOptions, Credentials, ErrorKind, Secret};
use mlops_console::ops::sql::{SqlQuery, Waiter, run_query};
use mlops_console::sim::{self, SimClock, SimHandle, SimOptions};

const START_MS: i64 = 1_767_225_600_000;
const RUNNING: &str = "4b9f0e1c2a3d5e6f";

async fn sim() -> SimHandle {
    sim::start(SimOptions {
        clock: SimClock::manual(START_MS),
        sql_latency: Duration::ZERO,
        traffic_rps: 0.0,
        ..SimOptions::default()
    })
    .await
    .expect("simulator starts")
}

fn client(sim: &SimHandle, readonly: bool) -> Client {
    let mut o = ClientOptions::new(
        sim.base_url.clone(),
        Credentials::Pat(Secret::new(sim.token.clone())),
    );
    o.readonly = readonly;
    Client::new(o).unwrap()
}

async fn value_of(c: &Client, sim: &SimHandle, query: &str) -> f64 {
    let clock = sim.clock.clone();
    let mut waiter = Waiter::real().with_sleep(Box::new(move |d: Duration| {
        clock.advance(d);
        Box::pin(async {})
    }));
    let r = run_query(c, RUNNING, &SqlQuery::new(query), &mut waiter)
        .await
        .unwrap_or_else(|e| panic!("{query}: {e}"));
    let cell = r.rows[0][r.column("value").unwrap()].clone().unwrap();
    cell.parse().unwrap()
}

fn threshold(a: &AlertV2) -> f64 {
    a.evaluation
        .as_ref()
        .and_then(|e| e.threshold.as_ref())
        .and_then(|t| t.value.as_ref())
        .and_then(|v| v.double_value)
        .unwrap()
}

#[tokio::test]
async fn the_demo_alerts_are_listed_and_their_states_agree_with_the_drift_table() {
    let sim = sim().await;
    let c = client(&sim, false);
    let alerts = c.list_sql_alerts().await.unwrap();
    assert_eq!(alerts.len(), 2);
    let triggered = &alerts[0];
    assert_eq!(triggered.state().to_string(), "TRIGGERED");
    assert_eq!(alerts[1].state().to_string(), "OK");
    assert!(triggered.last_evaluated_at().is_some());
    // The alert's own SQL, run on the warehouse: over its threshold, as its state says.
    let v = value_of(&c, &sim, &triggered.query_text).await;
    assert!(v > threshold(triggered), "tenure_months PSI {v}");
    let v = value_of(&c, &sim, &alerts[1].query_text).await;
    assert!(v <= threshold(&alerts[1]), "monthly_charges JS {v}");

    let page = c.list_sql_alerts_page(Some(1), None).await.unwrap();
    assert_eq!(page.alerts.len(), 1);
    let next = page.next_page_token.expect("a second page");
    let page2 = c.list_sql_alerts_page(Some(1), Some(&next)).await.unwrap();
    assert_eq!(page2.alerts[0].id, alerts[1].id);
    assert!(page2.next_page_token.is_none());

    let id = triggered.id.clone().unwrap();
    assert_eq!(
        c.get_sql_alert(&id).await.unwrap().display_name,
        triggered.display_name
    );
    let e = c.get_sql_alert("nope").await.unwrap_err();
    assert!(
        matches!(
            e,
            ApiError::Api {
                kind: ErrorKind::NotFound,
                ..
            }
        ),
        "{e}"
    );
}

#[tokio::test]
async fn alerts_are_created_updated_trashed_and_purged() {
    let sim = sim().await;
    let c = client(&sim, false);
    let mut a = AlertV2 {
        display_name: "mine".into(),
        query_text: "SELECT 1 AS value".into(),
        warehouse_id: RUNNING.into(),
        custom_summary: Some("first".into()),
        ..Default::default()
    };
    let created = c.create_sql_alert(&a).await.unwrap();
    let id = created.id.clone().unwrap();
    assert_eq!(created.lifecycle_state, Some(AlertLifecycleState::Active));
    assert_eq!(created.owner_user_name.as_deref(), Some("ml-eng@acme.com"));
    assert_eq!(c.list_sql_alerts().await.unwrap().len(), 3);

    a.query_text = "SELECT 2 AS value".into();
    a.custom_summary = Some("second".into());
    let updated = c.update_sql_alert(&id, "query_text", &a).await.unwrap();
    assert_eq!(updated.query_text, "SELECT 2 AS value");
    assert_eq!(
        updated.custom_summary.as_deref(),
        Some("first"),
        "only the masked field changes"
    );
    let e = c.update_sql_alert(&id, "id", &a).await.unwrap_err();
    assert!(
        matches!(
            e,
            ApiError::Api {
                kind: ErrorKind::BadRequest,
                ..
            }
        ),
        "{e}"
    );

    c.delete_sql_alert(&id, false).await.unwrap();
    assert_eq!(
        c.list_sql_alerts().await.unwrap().len(),
        2,
        "trashed: not listed"
    );
    let trashed = c.get_sql_alert(&id).await.unwrap();
    assert_eq!(trashed.lifecycle_state, Some(AlertLifecycleState::Deleted));
    c.delete_sql_alert(&id, true).await.unwrap();
    assert!(c.get_sql_alert(&id).await.is_err(), "purged");

    let missing = AlertV2 {
        display_name: "x".into(),
        ..Default::default()
    };
    let e = c.create_sql_alert(&missing).await.unwrap_err();
    assert!(e.to_string().contains("query_text is required"), "{e}");
}

#[tokio::test]
async fn a_read_only_client_refuses_alert_changes_before_sending() {
    let sim = sim().await;
    let c = client(&sim, true);
    assert_eq!(
        c.list_sql_alerts().await.unwrap().len(),
        2,
        "reads are fine"
    );
    let a = AlertV2 {
        display_name: "x".into(),
        query_text: "SELECT 1".into(),
        warehouse_id: RUNNING.into(),
        ..Default::default()
    };
    assert!(matches!(
        c.create_sql_alert(&a).await,
        Err(ApiError::ReadOnly { .. })
    ));
    assert!(matches!(
        c.delete_sql_alert("x", true).await,
        Err(ApiError::ReadOnly { .. })
    ));
    assert!(!sim.request_log().iter().any(|r| r.method != "GET"));
}
