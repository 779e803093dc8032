//! `ops::sql` against the simulator: the warehouse choice (never starting one), a query polled
//! to its end with the one waiter, results read across chunks up to a row cap, failures with
//! the warehouse's SQLSTATE, parameters that a quote cannot break out of, and a statement
//! cancelled when its caller stops waiting (future dropped, or the wait timed out).

use std::time::Duration;

use mlops_console::api::models::sql::{StatementResponse, StatementState};
use mlops_console::api::{Client, ClientOptions, Credentials, Secret};
use mlops_console::ops::sql::{
    Backoff, SqlError, SqlQuery, WaitError, Waiter, choose_warehouse, run_query,
};
use mlops_console::sim::{self, SimClock, SimHandle, SimOptions};

const START_MS: i64 = 1_767_225_600_000;
const RUNNING: &str = "4b9f0e1c2a3d5e6f";
const STOPPED: &str = "8c7d6e5f4a3b2c1d";
const DRIFT: &str = "main.ml.churn_inference_drift_metrics";

async fn sim(latency: Duration) -> SimHandle {
    sim::start(SimOptions {
        clock: SimClock::manual(START_MS),
        sql_latency: latency,
        ..SimOptions::default()
    })
    .await
    .expect("simulator starts")
}

fn client(sim: &SimHandle) -> Client {
    Client::new(ClientOptions::new(
        sim.base_url.clone(),
        Credentials::Pat(Secret::new(sim.token.clone())),
    ))
    .unwrap()
}

/// A waiter whose sleeps move the simulator's clock.
fn simulated(sim: &SimHandle) -> Waiter<'static, StatementResponse> {
    let clock = sim.clock.clone();
    Waiter::real().with_sleep(Box::new(move |d: Duration| {
        clock.advance(d);
        Box::pin(async {})
    }))
}

fn count(sim: &SimHandle, method: &str, path_part: &str) -> usize {
    sim.request_log()
        .iter()
        .filter(|r| r.method == method && r.path.contains(path_part))
        .count()
}

#[tokio::test]
async fn the_first_running_warehouse_is_chosen_and_none_is_started() {
    let sim = sim(Duration::ZERO).await;
    let c = client(&sim);
    assert_eq!(
        choose_warehouse(&c, None).await.unwrap().name,
        "Shared serverless"
    );
    assert_eq!(
        choose_warehouse(&c, Some(RUNNING)).await.unwrap().id,
        RUNNING
    );
    match choose_warehouse(&c, Some(STOPPED)).await {
        Err(SqlError::WarehouseNotRunning { name, state, .. }) => {
            assert_eq!(
                (name.as_str(), state.as_str()),
                ("Reporting (classic)", "STOPPED")
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        choose_warehouse(&c, Some("nope")).await,
        Err(SqlError::WarehouseNotFound { .. })
    ));
    assert_eq!(
        count(&sim, "POST", "/sql/"),
        0,
        "choosing sends no statement"
    );
}

#[tokio::test]
async fn a_drift_query_is_polled_to_its_end_with_struct_fields_as_columns() {
    let sim = sim(Duration::from_secs(6)).await;
    let c = client(&sim);
    let mut q = SqlQuery::new(format!(
        "SELECT window.start AS window_start, column_name, population_stability_index AS psi, \
         ks_test.pvalue AS ks_p FROM {DRIFT} WHERE drift_type = :drift AND slice_key IS NULL \
         AND model_id = '*' AND column_name != ':table' ORDER BY window_start, column_name"
    ))
    .bind("drift", "CONSECUTIVE", "STRING");
    q.wait_timeout = "0s".into();
    let mut seen = Vec::new();
    let mut waiter =
        simulated(&sim).on_progress(|r: &StatementResponse| seen.push(r.status.state.clone()));
    let r = run_query(&c, RUNNING, &q, &mut waiter).await.unwrap();
    drop(waiter);
    assert_eq!(seen.first(), Some(&StatementState::Pending));
    assert_eq!(seen.last(), Some(&StatementState::Succeeded));
    assert!(count(&sim, "GET", "/sql/statements/") >= 2, "polled");
    let names: Vec<(&str, &str)> = r
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.type_name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("window_start", "TIMESTAMP"),
            ("column_name", "STRING"),
            ("psi", "DOUBLE"),
            ("ks_p", "DOUBLE")
        ]
    );
    assert_eq!(r.rows.len(), 29 * 6);
    assert!(!r.truncated);
    // The last window: tenure has drifted, the others have not.
    let psi = |col: &str| -> f64 {
        let row = r
            .rows
            .iter()
            .rev()
            .find(|row| row[1].as_deref() == Some(col))
            .unwrap();
        row[2].as_deref().unwrap().parse().unwrap()
    };
    assert!(psi("tenure_months") > 0.1, "{}", psi("tenure_months"));
    assert!(psi("monthly_charges") < 0.1, "{}", psi("monthly_charges"));
}

#[tokio::test]
async fn every_chunk_is_read_and_the_row_cap_truncates() {
    let sim = sim(Duration::ZERO).await;
    let c = client(&sim);
    let mut all = SqlQuery::new("SELECT customer_id FROM main.ml.churn_inference");
    all.row_cap = 20_000;
    let r = run_query(&c, RUNNING, &all, &mut simulated(&sim))
        .await
        .unwrap();
    assert_eq!(r.rows.len(), 18_000);
    assert!(!r.truncated);
    assert_eq!(count(&sim, "GET", "/result/chunks/"), 17);

    let mut capped = all.clone();
    capped.row_cap = 2500;
    let r = run_query(&c, RUNNING, &capped, &mut simulated(&sim))
        .await
        .unwrap();
    assert_eq!(r.rows.len(), 2500);
    assert!(r.truncated);
}

#[tokio::test]
async fn a_failed_statement_is_an_error_with_the_warehouse_message_and_sql_state() {
    let sim = sim(Duration::ZERO).await;
    let c = client(&sim);
    let q = SqlQuery::new("SELECT window.start FROM main.ml.churn_inference_drift");
    match run_query(&c, RUNNING, &q, &mut simulated(&sim)).await {
        Err(SqlError::Statement {
            state,
            sql_state,
            message,
            ..
        }) => {
            assert_eq!(state, "FAILED");
            assert_eq!(sql_state.as_deref(), Some("42P01"));
            assert!(
                message.contains("main.ml.churn_inference_drift"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_quote_in_a_parameter_cannot_break_out_of_it() {
    let sim = sim(Duration::ZERO).await;
    let c = client(&sim);
    let q = |value: &str| {
        SqlQuery::new(format!(
            "SELECT count(*) AS n FROM {DRIFT} WHERE column_name = :col"
        ))
        .bind("col", value, "STRING")
    };
    let n = |r: mlops_console::ops::sql::SqlResult| r.rows[0][0].clone().unwrap();
    let evil = run_query(&c, RUNNING, &q("x' OR '1'='1"), &mut simulated(&sim)).await;
    assert_eq!(n(evil.unwrap()), "0");
    let fair = run_query(&c, RUNNING, &q("tenure_months"), &mut simulated(&sim)).await;
    assert_eq!(n(fair.unwrap()), ((30 + 29) * 4 * 3).to_string());
}

#[tokio::test]
async fn dropping_the_query_cancels_the_statement() {
    let sim = sim(Duration::from_secs(60)).await;
    let c = client(&sim);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let mut tx = Some(tx);
    // The first sleep tells the test that polling has begun, then never ends.
    let mut waiter: Waiter<'static, StatementResponse> =
        Waiter::real().with_sleep(Box::new(move |_| {
            if let Some(tx) = tx.take() {
                let _ = tx.send(());
            }
            Box::pin(futures::future::pending())
        }));
    let mut q = SqlQuery::new("SELECT 1");
    q.wait_timeout = "0s".into();
    tokio::select! {
        r = run_query(&c, RUNNING, &q, &mut waiter) => panic!("ended: {r:?}"),
        _ = rx => {}
    }
    // The cancel is sent on the runtime after the drop.
    for _ in 0..500 {
        if count(&sim, "POST", "/cancel") == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(count(&sim, "POST", "/cancel"), 1);
    let id = sim
        .request_log()
        .iter()
        .find(|r| r.path.ends_with("/cancel"))
        .map(|r| {
            r.path
                .trim_end_matches("/cancel")
                .rsplit('/')
                .next()
                .unwrap()
                .to_string()
        })
        .unwrap();
    assert_eq!(
        c.get_statement(&id).await.unwrap().status.state,
        StatementState::Canceled
    );
}

#[tokio::test]
async fn a_wait_that_times_out_cancels_the_statement() {
    let sim = sim(Duration::from_secs(600)).await;
    let c = client(&sim);
    let mut q = SqlQuery::new("SELECT 1");
    q.wait_timeout = "0s".into();
    let mut waiter = simulated(&sim).with_backoff(Backoff {
        timeout: Duration::from_secs(30),
        ..Backoff::default()
    });
    match run_query(&c, RUNNING, &q, &mut waiter).await {
        Err(SqlError::Wait(WaitError::StatementRunning {
            statement_id, secs, ..
        })) => {
            assert_eq!(secs, 30);
            for _ in 0..500 {
                if count(&sim, "POST", "/cancel") == 1 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            let s = c.get_statement(&statement_id).await.unwrap();
            assert_eq!(s.status.state, StatementState::Canceled);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_read_only_client_refuses_to_execute() {
    let sim = sim(Duration::ZERO).await;
    let mut o = ClientOptions::new(
        sim.base_url.clone(),
        Credentials::Pat(Secret::new(sim.token.clone())),
    );
    o.readonly = true;
    let c = Client::new(o).unwrap();
    let r = run_query(
        &c,
        RUNNING,
        &SqlQuery::new("SELECT 1"),
        &mut simulated(&sim),
    )
    .await;
    assert!(
        matches!(
            r,
            Err(SqlError::Api(mlops_console::api::ApiError::ReadOnly { .. }))
        ),
        "{r:?}"
    );
    assert_eq!(count(&sim, "POST", "/sql/"), 0);
}
