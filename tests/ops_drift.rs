//! `ops::drift` against the simulator's real SQL engine: `tenure_months` is the drifting
//! feature of the demo's last windows and the others stay stable; baseline drift, one model
//! version, one slice; thresholds from `[drift]`; a table without drift rows says "no drift
//! yet"; a failed statement carries the warehouse's message. And read-only profiles: the
//! console's fixed statements (and their cancel) pass, free text stays refused.

use std::time::Duration;

use mlops_console::api::models::sql::{StatementResponse, StatementState, Warehouse};
use mlops_console::api::sql_fixed::TableName;
use mlops_console::api::{ApiError, Client, ClientOptions, Credentials, Secret};
use mlops_console::config::drift::DriftSettings;
use mlops_console::ops::drift::{
    CountSource, DriftOutcome, DriftRequest, DriftType, ModelFilter, Severity, SliceFilter,
    Statistic, load_drift,
};
use mlops_console::ops::metric_tables::MetricTableError;
use mlops_console::ops::sql::{
    SqlError, SqlQuery, Waiter, choose_warehouse, run_fixed_query, run_query,
};
use mlops_console::sim::{self, SimClock, SimHandle, SimOptions};

const START_MS: i64 = 1_767_225_600_000;
const MONITORED: &str = "main.ml.churn_inference";

async fn sim(latency: Duration) -> SimHandle {
    sim::start(SimOptions {
        clock: SimClock::manual(START_MS),
        sql_latency: latency,
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

fn simulated(sim: &SimHandle) -> Waiter<'static, StatementResponse> {
    let clock = sim.clock.clone();
    Waiter::real().with_sleep(Box::new(move |d: Duration| {
        clock.advance(d);
        Box::pin(async {})
    }))
}

async fn warehouse(c: &Client) -> Warehouse {
    choose_warehouse(c, None).await.unwrap()
}

fn request() -> DriftRequest {
    DriftRequest::for_monitored(TableName::parse(MONITORED).unwrap()).unwrap()
}

async fn matrix(
    sim: &SimHandle,
    c: &Client,
    req: &DriftRequest,
    settings: &DriftSettings,
) -> mlops_console::ops::drift::DriftMatrix {
    let w = warehouse(c).await;
    match load_drift(c, &w, req, settings, &mut simulated(sim)).await {
        Ok(DriftOutcome::Matrix(m)) => m,
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn tenure_months_drifts_in_the_last_windows_and_the_other_features_stay_stable() {
    let sim = sim(Duration::ZERO).await;
    let c = client(&sim, false);
    let m = matrix(&sim, &c, &request(), &DriftSettings::default()).await;
    assert_eq!(m.table, "main.ml.churn_inference_drift_metrics");
    assert_eq!(m.warehouse.name, "Shared serverless");
    assert_eq!(m.model_column.as_deref(), Some("model_id"));
    assert_eq!(m.counts, CountSource::ProfileCount);
    // 30 daily windows: consecutive drift from the second on.
    assert_eq!(m.windows.len(), 29);
    assert!(m.windows.windows(2).all(|w| w[0].start < w[1].start));
    assert_eq!(m.features[0].name, "tenure_months");
    assert!(m.features[0].recent.crossed());
    let tenure = m.feature("tenure_months").unwrap();
    let n = m.windows.len();
    // The last ~10 windows drift; the first ones do not.
    let crossed: Vec<usize> = (0..n)
        .filter(|i| tenure.cell(*i).unwrap().judgement.severity.crossed())
        .collect();
    assert!(crossed.len() >= 8 && crossed.len() <= 11, "{crossed:?}");
    assert!(crossed.iter().all(|i| *i >= n - 11), "{crossed:?}");
    // The other inputs stay stable: never critical, and at most a stray warning in the last
    // ten windows (a 5 % test on 600 rows a window raises the odd false alarm), where tenure
    // warns in nearly all. The label and the prediction follow tenure (churn depends on it),
    // so they are not checked here.
    for name in ["monthly_charges", "num_support_calls", "contract_type"] {
        let f = m.feature(name).unwrap();
        let severities: Vec<Severity> = (n - 10..n)
            .map(|i| f.cell(i).unwrap().judgement.severity)
            .collect();
        let warned = severities.iter().filter(|s| s.crossed()).count();
        assert!(warned <= 1, "{name}: {severities:?}");
        assert!(
            !severities.contains(&Severity::Critical),
            "{name}: {severities:?}"
        );
    }
    // Every statistic of a numeric cell, with its sample count.
    let last = tenure.cell(n - 1).unwrap();
    assert!(last.stats.psi.is_some() && last.stats.js.is_some());
    assert!(last.stats.ks_statistic.is_some() && last.stats.ks_pvalue.is_some());
    assert!(last.stats.wasserstein.unwrap() > 0.1);
    assert_eq!(last.stats.data_type.as_deref(), Some("double"));
    assert!(last.count.unwrap() > 100);
    let contract = m.feature("contract_type").unwrap().cell(n - 1).unwrap();
    assert!(contract.stats.chi2_pvalue.is_some() && contract.stats.tv.is_some());
    assert!(contract.stats.ks_pvalue.is_none());
    // The chart series: one statistic, counts, the threshold.
    let s = m.series("tenure_months", Statistic::Psi).unwrap();
    assert_eq!((s.values.len(), s.counts.len()), (n, n));
    assert_eq!(s.threshold.unwrap().warning, 0.1);
    assert!(m.ranked_at(n - 1)[0].0.name == "tenure_months");
}

#[tokio::test]
async fn thresholds_come_from_the_drift_section_per_table_and_feature() {
    let sim = sim(Duration::ZERO).await;
    let c = client(&sim, false);
    let text = r#"
[drift.tables."main.ml.churn_inference".features.tenure_months]
psi = 50.0
js = 50.0
wasserstein = 50.0
"#;
    let settings = mlops_console::config::AppConfig::parse(std::path::Path::new("c"), text)
        .unwrap()
        .drift;
    let m = matrix(&sim, &c, &request(), &settings).await;
    let tenure = m.feature("tenure_months").unwrap();
    assert!(!tenure.recent.crossed(), "{:?}", tenure.recent);
    // Its tiny p-values remain: a notice, not a warning.
    assert_eq!(tenure.recent, Severity::Notice);
    assert_eq!(tenure.thresholds.psi.unwrap().warning, 50.0);
}

#[tokio::test]
async fn baseline_drift_one_version_and_one_slice() {
    let sim = sim(Duration::ZERO).await;
    let c = client(&sim, false);
    let mut req = request();
    req.drift_type = DriftType::Baseline;
    let m = matrix(&sim, &c, &req, &DriftSettings::default()).await;
    assert_eq!(m.windows.len(), 30);
    assert_eq!(m.features[0].name, "tenure_months");
    req.model = ModelFilter::Version("4".into());
    req.slice = SliceFilter::Slice {
        key: "contract_type".into(),
        value: "month-to-month".into(),
    };
    let v4 = matrix(&sim, &c, &req, &DriftSettings::default()).await;
    assert_eq!(v4.windows.len(), 30);
    let all = m.feature("tenure_months").unwrap().cell(29).unwrap().count;
    let sliced = v4.feature("tenure_months").unwrap().cell(29).unwrap().count;
    assert!(sliced.unwrap() < all.unwrap(), "{sliced:?} < {all:?}");
    // A quote in a bound value is data: nothing matches, no error.
    req.slice = SliceFilter::Slice {
        key: "contract_type".into(),
        value: "x' OR '1'='1".into(),
    };
    let none = matrix(&sim, &c, &req, &DriftSettings::default()).await;
    assert!(none.windows.is_empty() && none.features.is_empty());
}

#[tokio::test]
async fn a_table_without_drift_rows_has_no_drift_yet_and_a_bad_table_gives_the_warehouse_error() {
    let sim = sim(Duration::ZERO).await;
    let c = client(&sim, false);
    let w = warehouse(&c).await;
    // The inference table is not a drift table: a clear error naming what it lacks.
    let req = DriftRequest::new(TableName::parse(MONITORED).unwrap());
    match load_drift(
        &c,
        &w,
        &req,
        &DriftSettings::default(),
        &mut simulated(&sim),
    )
    .await
    {
        Err(MetricTableError::MissingColumn { column, .. }) => assert_eq!(column, "window"),
        other => panic!("{other:?}"),
    }
    let req = DriftRequest::new(TableName::parse("main.ml.nope_drift_metrics").unwrap());
    match load_drift(
        &c,
        &w,
        &req,
        &DriftSettings::default(),
        &mut simulated(&sim),
    )
    .await
    {
        Err(MetricTableError::Sql(SqlError::Statement { message, .. })) => {
            assert!(message.contains("nope_drift_metrics"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    // A monitor before its second window (and without a baseline): no drift rows at all.
    sim.add_scaled_drift_tables(3, 4).unwrap();
    let req = DriftRequest::new(TableName::parse("main.bench.empty_drift_metrics").unwrap());
    match load_drift(
        &c,
        &w,
        &req,
        &DriftSettings::default(),
        &mut simulated(&sim),
    )
    .await
    {
        Ok(DriftOutcome::NoDriftYet { table, warehouse }) => {
            assert_eq!(table, "main.bench.empty_drift_metrics");
            assert_eq!(warehouse.id, w.id);
        }
        other => panic!("{other:?}"),
    }
    assert!(DriftOutcome::NO_DRIFT_YET.contains("two windows or a baseline"));
    // A table with rows, none for this model version: an empty matrix, not "no drift yet".
    let mut req = DriftRequest::new(TableName::parse("main.bench.wide_drift_metrics").unwrap());
    req.model = ModelFilter::Version("9".into());
    match load_drift(
        &c,
        &w,
        &req,
        &DriftSettings::default(),
        &mut simulated(&sim),
    )
    .await
    {
        Ok(DriftOutcome::Matrix(m)) => assert!(m.windows.is_empty()),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn read_only_profiles_run_the_fixed_statements_and_refuse_free_text() {
    let sim = sim(Duration::ZERO).await;
    let c = client(&sim, true);
    let m = matrix(&sim, &c, &request(), &DriftSettings::default()).await;
    assert_eq!(m.features[0].name, "tenure_months");
    let w = warehouse(&c).await;
    let free = SqlQuery::new("SELECT 1");
    match run_query(&c, &w.id, &free, &mut simulated(&sim)).await {
        Err(SqlError::Api(ApiError::ReadOnly { path, .. })) => {
            assert_eq!(path, "/api/2.0/sql/statements")
        }
        other => panic!("{other:?}"),
    }
    // The free-text cancel is refused too.
    assert!(matches!(
        c.cancel_statement("01f0-any").await,
        Err(ApiError::ReadOnly { .. })
    ));
    // No free-text statement reached the warehouse.
    let posted: Vec<String> = sim
        .request_log()
        .iter()
        .filter(|r| r.method == "POST")
        .map(|r| r.path.clone())
        .collect();
    assert!(posted.iter().all(|p| p == "/api/2.0/sql/statements"));
}

#[tokio::test]
async fn a_fixed_statement_left_behind_is_cancelled_on_a_read_only_profile() {
    let sim = sim(Duration::from_secs(600)).await;
    let c = client(&sim, true);
    let w = warehouse(&c).await;
    let table = TableName::parse("main.ml.churn_inference_drift_metrics").unwrap();
    let statement =
        mlops_console::api::sql_fixed::FixedStatement::new("SELECT COUNT(*) FROM ").table(&table);
    let mut q = SqlQuery::new("");
    q.wait_timeout = "0s".into();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let mut tx = Some(tx);
    let mut waiter: Waiter<'static, StatementResponse> =
        Waiter::real().with_sleep(Box::new(move |_| {
            if let Some(tx) = tx.take() {
                let _ = tx.send(());
            }
            Box::pin(futures::future::pending())
        }));
    tokio::select! {
        r = run_fixed_query(&c, &w.id, &statement, &q, &mut waiter) => panic!("ended: {r:?}"),
        _ = rx => {}
    }
    let cancels = || {
        sim.request_log()
            .iter()
            .filter(|r| r.method == "POST" && r.path.ends_with("/cancel"))
            .cloned()
            .collect::<Vec<_>>()
    };
    for _ in 0..500 {
        if !cancels().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let sent = cancels();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].status, Some(200));
    let id = sent[0]
        .path
        .trim_end_matches("/cancel")
        .rsplit('/')
        .next()
        .unwrap();
    assert_eq!(
        c.get_statement(id).await.unwrap().status.state,
        StatementState::Canceled
    );
}
