//! The SQL service of the simulator through the real client: warehouses, statements answered
//! inline or left to poll (`wait_timeout`, `on_wait_timeout`), the state machine on the
//! simulator's clock, chunked results, cancel, and SQL failures answered as 200 + FAILED.

use std::time::Duration;

use mlops_console::api::models::sql::*;
use mlops_console::api::{ApiError, Client, ClientOptions, Credentials, ErrorKind, Secret};
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

fn request(statement: &str, wait: &str) -> ExecuteStatementRequest {
    ExecuteStatementRequest {
        statement: statement.into(),
        warehouse_id: RUNNING.into(),
        wait_timeout: Some(wait.into()),
        ..Default::default()
    }
}

fn state(r: &StatementResponse) -> &str {
    r.status.state.as_str()
}

/// Runs `fut` while moving the manual clock on by `step` whenever the server is waiting on it.
async fn with_clock<T>(
    sim: &SimHandle,
    step: Duration,
    fut: impl std::future::Future<Output = T>,
) -> T {
    tokio::pin!(fut);
    loop {
        tokio::select! {
            out = &mut fut => return out,
            _ = tokio::task::yield_now() => sim.clock.advance(step),
        }
    }
}

#[tokio::test]
async fn warehouses_list_one_running_and_one_stopped() {
    let sim = sim(Duration::ZERO).await;
    let ws = client(&sim).list_warehouses().await.unwrap();
    let by_name: Vec<(&str, &str)> = ws
        .iter()
        .map(|w| (w.name.as_str(), w.state.as_ref().unwrap().as_str()))
        .collect();
    assert_eq!(
        by_name,
        [
            ("Shared serverless", "RUNNING"),
            ("Reporting (classic)", "STOPPED")
        ]
    );
    assert!(sim.rejected_requests().is_empty());
}

#[tokio::test]
async fn a_quick_statement_answers_inline_with_schema_and_rows() {
    let sim = sim(Duration::ZERO).await;
    let r = client(&sim)
        .execute_statement(&request(
            &format!(
                "SELECT column_name, count(*) AS n FROM {DRIFT} WHERE drift_type = 'CONSECUTIVE' \
                 GROUP BY column_name ORDER BY column_name"
            ),
            "10s",
        ))
        .await
        .unwrap();
    assert_eq!(state(&r), "SUCCEEDED");
    let m = r.manifest.unwrap();
    let cols: Vec<(&str, &str)> = m
        .schema
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.type_name.as_ref().unwrap().as_str()))
        .collect();
    assert_eq!(cols, [("column_name", "STRING"), ("n", "LONG")]);
    let rows = r.result.unwrap().data_array;
    assert_eq!(rows.len(), 7, "the :table row and six columns");
    assert_eq!(rows[0][0].as_deref(), Some(":table"));
    // 29 consecutive comparisons × 4 slices × 3 model ids.
    assert!(
        rows.iter().all(|r| r[1].as_deref() == Some("348")),
        "{rows:?}"
    );
}

#[tokio::test]
async fn zero_wait_is_asynchronous_and_the_state_moves_on_the_clock() {
    let sim = sim(Duration::from_secs(4)).await;
    let c = client(&sim);
    let r = c
        .execute_statement(&request(&format!("SELECT count(*) FROM {DRIFT}"), "0s"))
        .await
        .unwrap();
    assert_eq!(state(&r), "PENDING");
    assert!(r.manifest.is_none() && r.result.is_none());
    let id = r.statement_id;
    sim.clock.advance(Duration::from_secs(2));
    assert_eq!(state(&c.get_statement(&id).await.unwrap()), "RUNNING");
    sim.clock.advance(Duration::from_secs(2));
    let done = c.get_statement(&id).await.unwrap();
    assert_eq!(state(&done), "SUCCEEDED");
    // (30 baseline + 29 consecutive comparisons) × 4 slices × 3 model ids × 7 columns.
    let rows = (30 + 29) * 4 * 3 * 7;
    assert_eq!(
        done.result.unwrap().data_array[0][0].as_deref(),
        Some(rows.to_string().as_str())
    );
}

#[tokio::test]
async fn a_statement_longer_than_the_wait_returns_running_or_is_cancelled_on_request() {
    let sim = sim(Duration::from_secs(30)).await;
    let c = client(&sim);
    let sql = format!("SELECT max(window.end) FROM {DRIFT}");
    let r = with_clock(
        &sim,
        Duration::from_millis(500),
        c.execute_statement(&request(&sql, "5s")),
    )
    .await
    .unwrap();
    // Still on its way after the 5 s the call waited (PENDING for the first quarter of 30 s).
    assert_eq!(state(&r), "PENDING", "{r:?}");
    assert!(r.result.is_none());
    let mut cancel = request(&sql, "5s");
    cancel.on_wait_timeout = Some("CANCEL".into());
    let r = with_clock(
        &sim,
        Duration::from_millis(500),
        c.execute_statement(&cancel),
    )
    .await
    .unwrap();
    assert_eq!(state(&r), "CANCELED");
    // Waiting long enough answers inline.
    let r = with_clock(
        &sim,
        Duration::from_secs(1),
        c.execute_statement(&request(&sql, "50s")),
    )
    .await
    .unwrap();
    assert_eq!(state(&r), "SUCCEEDED");
}

#[tokio::test]
async fn large_results_come_in_chunks_of_a_thousand_rows() {
    let sim = sim(Duration::ZERO).await;
    let c = client(&sim);
    let r = c
        .execute_statement(&request(
            "SELECT customer_id, tenure_months FROM `main`.`ml`.`churn_inference`",
            "10s",
        ))
        .await
        .unwrap();
    let m = r.manifest.unwrap();
    assert_eq!(m.total_row_count, Some(18_000));
    assert_eq!(m.total_chunk_count, Some(18));
    assert_eq!(m.chunks[17].row_offset, 17_000);
    let first = r.result.unwrap();
    assert_eq!(first.data_array.len(), 1000);
    assert_eq!(first.next_chunk_index, Some(1));
    let last = c.get_statement_chunk(&r.statement_id, 17).await.unwrap();
    assert_eq!(
        (last.row_offset, last.next_chunk_index),
        (Some(17_000), None)
    );
    assert_eq!(last.data_array.len(), 1000);
    let err = c
        .get_statement_chunk(&r.statement_id, 18)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), Some(ErrorKind::BadRequest), "{err}");
}

#[tokio::test]
async fn cancel_ends_a_running_statement_and_leaves_an_ended_one_alone() {
    let sim = sim(Duration::from_secs(10)).await;
    let c = client(&sim);
    let r = c
        .execute_statement(&request("SELECT 1", "0s"))
        .await
        .unwrap();
    c.cancel_statement(&r.statement_id).await.unwrap();
    sim.clock.advance(Duration::from_secs(20));
    assert_eq!(
        state(&c.get_statement(&r.statement_id).await.unwrap()),
        "CANCELED"
    );

    let r = c
        .execute_statement(&request("SELECT 1", "0s"))
        .await
        .unwrap();
    sim.clock.advance(Duration::from_secs(20));
    c.cancel_statement(&r.statement_id).await.unwrap();
    assert_eq!(
        state(&c.get_statement(&r.statement_id).await.unwrap()),
        "SUCCEEDED"
    );
    let missing = c.cancel_statement("01f0-nope").await.unwrap_err();
    assert_eq!(missing.kind(), Some(ErrorKind::NotFound), "{missing}");
}

#[tokio::test]
async fn sql_errors_are_failed_statements_with_the_sql_state() {
    let sim = sim(Duration::ZERO).await;
    let c = client(&sim);
    let r = c
        .execute_statement(&request("SELECT * FROM main.ml.no_such_table", "10s"))
        .await
        .unwrap();
    assert_eq!(state(&r), "FAILED");
    assert_eq!(r.status.sql_state.as_deref(), Some("42P01"));
    let e = r.status.error.unwrap();
    assert_eq!(e.error_code.as_deref(), Some("BAD_REQUEST"));
    assert!(e.message.unwrap().contains("TABLE_OR_VIEW_NOT_FOUND"));
    assert!(r.manifest.is_none());
}

#[tokio::test]
async fn requests_the_service_refuses_are_http_errors() {
    let sim = sim(Duration::ZERO).await;
    let c = client(&sim);
    let e: ApiError = c
        .execute_statement(&request("SELECT 1", "3s"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Some(ErrorKind::BadRequest), "{e}");
    let mut unknown = request("SELECT 1", "0s");
    unknown.warehouse_id = "nope".into();
    let e = c.execute_statement(&unknown).await.unwrap_err();
    assert_eq!(e.kind(), Some(ErrorKind::NotFound), "{e}");
    let e = c.get_statement("nope").await.unwrap_err();
    assert_eq!(e.kind(), Some(ErrorKind::NotFound), "{e}");
}

#[tokio::test]
async fn a_statement_on_a_stopped_warehouse_waits_for_it_to_start() {
    let sim = sim(Duration::ZERO).await;
    let c = client(&sim);
    let mut req = request("SELECT 1", "0s");
    req.warehouse_id = STOPPED.into();
    let r = c.execute_statement(&req).await.unwrap();
    assert_eq!(state(&r), "PENDING");
    let w = |ws: Vec<Warehouse>| ws.into_iter().find(|w| w.id == STOPPED).unwrap();
    assert_eq!(
        w(c.list_warehouses().await.unwrap()).state,
        Some(WarehouseState::Starting)
    );
    sim.clock.advance(Duration::from_secs(30));
    assert_eq!(
        state(&c.get_statement(&r.statement_id).await.unwrap()),
        "SUCCEEDED"
    );
    assert!(w(c.list_warehouses().await.unwrap()).is_running());
}
