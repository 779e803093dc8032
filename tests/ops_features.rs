//! Feature tables through the library against the simulator: the list finds the three feature
//! tables (primary key) and not the other tables of the schemas searched, with or without
//! `[features] schemas`; the stale one is stale; the online tables — a synced table UC calls
//! ACTIVE before its first sync ends, the legacy online table — are found; a `feature-refresh`
//! run makes a stale table fresh; the detail reads the Delta history and the producing job;
//! an HTML error page instead of a table is a clear error. Only 127.0.0.1 is contacted.

mod ops_support;

use std::time::Duration;

use mlops_console::api::models::jobs::{ListJobsRequest, RunNowRequest};
use mlops_console::api::models::online_sync::SyncApi;
use mlops_console::api::{Client, RetryPolicy};
use mlops_console::config::features::FeaturesSettings;
use mlops_console::ops::features::detail::{DetailError, DetailInputs};
use mlops_console::ops::features::freshness::WriteSource;
use mlops_console::ops::features::{self, FeatureList, FeatureRow};
use mlops_console::ops::sql::Waiter;
use mlops_console::sim::{self, ScriptedFault, SimClock, SimHandle, SimOptions};

use ops_support::client_with;

const CUSTOMER: &str = "main.features.customer_features";
const TXN: &str = "main.features.txn_agg_30d";
const SUPPORT: &str = "main.features.support_interactions";
const HOUR: i64 = 3_600_000;

async fn sim() -> SimHandle {
    sim::start(SimOptions {
        clock: SimClock::manual(1_767_225_600_000),
        traffic_rps: 0.0,
        sql_latency: Duration::ZERO,
        ..SimOptions::default()
    })
    .await
    .unwrap()
}

fn settings(schemas: &[&str]) -> FeaturesSettings {
    FeaturesSettings {
        schemas: schemas.iter().map(|s| s.to_string()).collect(),
        ..FeaturesSettings::default()
    }
}

fn row<'a>(l: &'a FeatureList, table: &str) -> &'a FeatureRow {
    l.rows
        .iter()
        .find(|r| r.table == table)
        .unwrap_or_else(|| panic!("{table} in {:?}", l.rows))
}

fn names(l: &FeatureList) -> Vec<&str> {
    l.rows.iter().map(|r| r.table.as_str()).collect()
}

async fn list(sim: &SimHandle, c: &Client, s: &FeaturesSettings) -> FeatureList {
    features::list(c, s, sim.clock.now_ms()).await.unwrap()
}

#[tokio::test]
async fn the_list_finds_the_feature_tables_and_only_them() {
    let sim = sim().await;
    let c = client_with(&sim, &sim.token, |_| {});
    // main.ml holds tables without a primary key (the monitors'): none is listed.
    let l = list(&sim, &c, &settings(&["main.features", "main.ml"])).await;
    assert_eq!(names(&l), [CUSTOMER, SUPPORT, TXN]);
    assert!(l.notes.is_empty(), "{:?}", l.notes);
    let ml_tables = c.list_tables("main", "ml", 100).await.unwrap();
    assert!(!ml_tables.is_empty(), "main.ml has tables to leave out");
    let txn = row(&l, TXN);
    assert_eq!(
        (txn.entity_keys.clone(), txn.timeseries_keys.clone()),
        (vec!["customer_id".to_string()], vec!["ts".to_string()])
    );
    assert_eq!(txn.columns, 5);
    assert_eq!(txn.monitor, "no monitor");
    assert_eq!(txn.models.models, Some(1));
    assert_eq!(txn.models.versions["main.ml.churn_model"], [3, 4, 5]);
    assert!(txn.lineage.is_none());

    // Without `schemas`: every readable schema, found through the catalogs.
    let all = list(&sim, &c, &FeaturesSettings::default()).await;
    assert_eq!(names(&all), [CUSTOMER, SUPPORT, TXN]);
    assert!(
        all.schemas.contains(&"main.features".to_string()),
        "{:?}",
        all.schemas
    );
    assert!(all.schemas.len() > 2);
    // Bounded: one table read at most.
    let bounded = FeaturesSettings {
        max_tables: 1,
        ..settings(&["main.features"])
    };
    let one = list(&sim, &c, &bounded).await;
    assert_eq!(names(&one), [CUSTOMER]);
}

#[tokio::test]
async fn freshness_and_online_status_tell_stale_syncing_and_legacy_apart() {
    let sim = sim().await;
    let c = client_with(&sim, &sim.token, |_| {});
    let l = list(&sim, &c, &settings(&["main.features"])).await;
    let support = row(&l, SUPPORT);
    assert_eq!(support.freshness.stale, Some(true));
    assert!(support.freshness.age_ms.unwrap() > 24 * HOUR);
    assert_eq!(support.freshness.source, WriteSource::UpdatedAt);
    for t in [CUSTOMER, TXN] {
        assert_eq!(row(&l, t).freshness.stale, Some(false), "{t}");
    }

    // Still taking its first snapshot though UC says ACTIVE.
    let txn = row(&l, TXN);
    assert_eq!(txn.online.len(), 1, "{:?}", txn.online);
    let o = &txn.online[0];
    assert_eq!(o.name, "main.features_online.txn_agg_30d");
    assert_eq!(o.uc_state.as_deref(), Some("ACTIVE"));
    assert!(!o.first_sync_done);
    assert!(
        o.sync_state.as_deref().unwrap().contains("PROVISIONING"),
        "{o:?}"
    );
    assert_eq!(o.lag_ms, None);
    assert!(o.progress.is_some());

    // The synced table on fs-prod (found through the store) and the legacy online table.
    let customer = row(&l, CUSTOMER);
    let synced = customer
        .online
        .iter()
        .find(|o| o.name == "main.features_online.customer_features")
        .expect("synced table");
    assert_eq!(synced.store.as_deref(), Some("fs-prod"));
    assert!(synced.first_sync_done && !synced.legacy);
    let legacy = customer
        .online
        .iter()
        .find(|o| o.legacy)
        .expect("legacy online table");
    assert_eq!(legacy.name, "main.features.customer_features_online");
    assert_eq!(legacy.api, SyncApi::LegacyOnlineTable);
    assert!(legacy.lag_ms.unwrap() > 7 * 24 * HOUR, "{legacy:?}");
    assert!(synced.lag_ms.unwrap() < legacy.lag_ms.unwrap());
}

async fn job_id(c: &Client, name: &str) -> i64 {
    let jobs = c.list_all_jobs(&ListJobsRequest::default()).await.unwrap();
    jobs.iter()
        .find(|j| j.settings.name == name)
        .map(|j| j.job_id)
        .unwrap()
}

#[tokio::test]
async fn a_feature_refresh_run_makes_a_stale_table_fresh() {
    let sim = sim().await;
    let c = client_with(&sim, &sim.token, |_| {});
    let mut s = settings(&["main.features"]);
    s.sla_per_table.insert(CUSTOMER.to_string(), 2 * HOUR);
    sim.clock.advance(Duration::from_secs(3 * 3_600));
    let before = list(&sim, &c, &s).await;
    let f = &row(&before, CUSTOMER).freshness;
    assert_eq!((f.sla_ms, f.stale), (2 * HOUR, Some(true)), "{f:?}");

    let job = job_id(&c, "feature-refresh").await;
    c.run_now(&RunNowRequest {
        job_id: job,
        ..Default::default()
    })
    .await
    .unwrap();
    for _ in 0..60 {
        sim.clock.advance(Duration::from_secs(5));
        let l = list(&sim, &c, &s).await;
        if row(&l, CUSTOMER).freshness.stale == Some(false) {
            let f = &row(&l, CUSTOMER).freshness;
            assert!(f.age_ms.unwrap() < 5 * 60_000, "{f:?}");
            // The table the run did not write stays stale.
            assert_eq!(row(&l, SUPPORT).freshness.stale, Some(true));
            return;
        }
    }
    panic!("customer_features never became fresh");
}

#[tokio::test]
async fn the_detail_reads_versions_and_the_producing_job() {
    let sim = sim().await;
    let c = client_with(&sim, &sim.token, |_| {});
    let s = settings(&["main.features"]);
    let now = sim.clock.now_ms();
    let inputs = DetailInputs {
        settings: &s,
        monitoring_warehouse: None,
        now_ms: now,
    };
    let d = features::read_detail(&c, inputs, TXN, &mut Waiter::real())
        .await
        .unwrap();
    assert_eq!(
        d.freshness.source,
        WriteSource::DeltaHistory,
        "{:?}",
        d.notes
    );
    let versions = d.versions.as_ref().unwrap();
    assert!(versions.len() > 5);
    assert!(versions[0].version > versions[1].version, "newest first");
    assert_eq!(versions.last().unwrap().operation, "CREATE TABLE");
    // txn_agg_30d: churn_model v3 (inferred), v4 and v5 (logged by their runs).
    assert_eq!(d.trained.len(), 3, "{:?}", d.trained);
    let job = d.producing_job.as_ref().expect("producing job");
    assert_eq!(
        (job.name.as_deref(), job.found_by),
        (Some("feature-refresh"), "delta history")
    );
    assert!(job.last_run.is_some());
    let ts: Vec<_> = d
        .columns
        .iter()
        .filter(|c| c.key == Some("timeseries"))
        .collect();
    assert_eq!(ts.len(), 1);
    assert_eq!(d.properties["delta.enableChangeDataFeed"], "true");

    // No warehouse to run DESCRIBE HISTORY on: updated_at, and the job from its run's output.
    let s = FeaturesSettings {
        warehouse_id: Some("no-such-warehouse".into()),
        ..s
    };
    let inputs = DetailInputs {
        settings: &s,
        monitoring_warehouse: None,
        now_ms: now,
    };
    let d = features::read_detail(&c, inputs, CUSTOMER, &mut Waiter::real())
        .await
        .unwrap();
    assert!(d.versions.is_none());
    assert_eq!(d.freshness.source, WriteSource::UpdatedAt);
    assert!(
        d.notes.iter().any(|n| n.contains("no-such-warehouse")),
        "{:?}",
        d.notes
    );
    let job = d.producing_job.as_ref().expect("producing job");
    assert_eq!(
        (job.name.as_deref(), job.found_by),
        (Some("feature-refresh"), "last run output")
    );
    // The stale table has no producing job.
    let d = features::read_detail(&c, inputs, SUPPORT, &mut Waiter::real())
        .await
        .unwrap();
    assert!(d.producing_job.is_none());
}

#[tokio::test]
async fn bad_input_gives_a_clear_error() {
    let sim = sim().await;
    let c = client_with(&sim, &sim.token, |o| {
        o.retry_policy = RetryPolicy::scaled(Duration::from_millis(1))
    });
    let s = settings(&["main.features"]);
    let inputs = DetailInputs {
        settings: &s,
        monitoring_warehouse: None,
        now_ms: sim.clock.now_ms(),
    };
    // A table without a primary key.
    let e = features::read_detail(&c, inputs, "main.ml.churn_inference", &mut Waiter::real())
        .await
        .unwrap_err();
    assert!(matches!(e, DetailError::NotAFeatureTable(_)), "{e}");
    // An HTML error page where the table was expected.
    sim.script_faults(vec![ScriptedFault::Html { status: 502 }; 8]);
    let e = features::read_detail(&c, inputs, TXN, &mut Waiter::real())
        .await
        .unwrap_err();
    let text = e.to_string();
    assert!(text.contains("502"), "{text}");
    assert!(!text.contains("<html"), "{text}");
    // The list: every table read failing is an error, not an empty list.
    sim.script_faults(
        std::iter::once(ScriptedFault::Pass)
            .chain(std::iter::repeat_n(ScriptedFault::Html { status: 502 }, 30))
            .collect(),
    );
    let e = features::list(&c, &s, sim.clock.now_ms())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("502"), "{e}");
}
