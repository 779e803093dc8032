//! The Delta version each model version was trained on, against the simulator (127.0.0.1):
//! churn_model v1, v3 and v5 log their feature tables as MLflow dataset inputs (the version
//! is read from the run), v2 and v4 do not (the version current at the run's start, marked as
//! inferred); the Delta history rows are marked; a run that cannot be read leaves only its
//! version unknown.

mod ops_support;

use std::time::Duration;

use mlops_console::config::features::FeaturesSettings;
use mlops_console::ops::features::detail::DetailInputs;
use mlops_console::ops::features::read_detail;
use mlops_console::ops::features::trained::{self, TrainedHow, TrainedOn};
use mlops_console::ops::sql::Waiter;
use mlops_console::sim::{self, SimClock, SimHandle, SimOptions};
use ops_support::client_with;

const CUSTOMER: &str = "main.features.customer_features";
const MODEL: &str = "main.ml.churn_model";

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

fn of(trained: &[TrainedOn], version: i64) -> &TrainedOn {
    trained
        .iter()
        .find(|t| t.model == MODEL && t.version == version)
        .unwrap_or_else(|| panic!("v{version} in {trained:?}"))
}

#[tokio::test]
async fn versions_are_read_from_the_runs_dataset_inputs_or_inferred() {
    let sim = sim().await;
    let c = client_with(&sim, &sim.token, |_| {});
    let s = FeaturesSettings {
        schemas: vec!["main.features".into()],
        ..FeaturesSettings::default()
    };
    let inputs = DetailInputs {
        settings: &s,
        monitoring_warehouse: None,
        now_ms: sim.clock.now_ms(),
    };
    let d = read_detail(&c, inputs, CUSTOMER, &mut Waiter::real())
        .await
        .unwrap();
    let history = d.versions.as_ref().expect("the Delta history is read");
    assert_eq!(d.trained.len(), 5, "{:?}", d.trained);
    for v in [1, 3, 5] {
        assert_eq!(of(&d.trained, v).how, TrainedHow::Logged, "v{v}");
    }
    for v in [2, 4] {
        let t = of(&d.trained, v);
        assert_eq!(t.how, TrainedHow::Inferred, "v{v}: {t:?}");
        // The version current at the run's start: the newest one written before it.
        let dv = t.delta_version.unwrap();
        let row = history
            .iter()
            .find(|h| h.version == dv)
            .expect("in the history");
        let newer = history.iter().find(|h| h.version == dv + 1);
        assert!(
            row.trained.contains(&format!("≈ churn_model v{v}")),
            "{row:?}"
        );
        if let Some(newer) = newer {
            assert!(newer.timestamp_ms > row.timestamp_ms);
        }
    }
    // Versions trained later read a version at least as new.
    let dv = |v| of(&d.trained, v).delta_version.unwrap();
    assert!(dv(1) <= dv(2) && dv(2) <= dv(3) && dv(3) <= dv(4) && dv(4) <= dv(5));
    let v5 = history.iter().find(|h| h.version == dv(5)).unwrap();
    assert!(v5.trained.contains(&"churn_model v5".to_string()), "{v5:?}");
    // The logged one is the run's own word: the sim logged what was current at its start, so
    // the reader must not have guessed it (its run's inputs name the table).
    let run_id = of(&d.trained, 5).run_id.clone().unwrap();
    let run = c.get_run(&run_id).await.unwrap();
    assert_eq!(
        trained::logged_version(run.inputs.as_ref(), CUSTOMER),
        Some(dv(5))
    );
}

#[tokio::test]
async fn a_run_that_cannot_be_read_leaves_only_its_version_unknown() {
    let sim = sim().await;
    let c = client_with(&sim, &sim.token, |_| {});
    let uses = vec![
        (MODEL.to_string(), 5, Some("no-such-run".to_string())),
        (MODEL.to_string(), 4, None),
    ];
    let (trained, note) = trained::read(&c, CUSTOMER, &uses, None).await;
    assert_eq!(note, None);
    assert_eq!(trained.len(), 2);
    assert!(trained.iter().all(|t| t.how == TrainedHow::Unknown));
    assert!(
        trained[0]
            .why
            .as_deref()
            .unwrap()
            .starts_with("run not read"),
        "{trained:?}"
    );
    assert_eq!(trained[1].why.as_deref(), Some("no source run"));

    // Many model versions: only the newest are read.
    let many: Vec<_> = (1..=30)
        .map(|v| (MODEL.to_string(), v, None::<String>))
        .collect();
    let (trained, note) = trained::read(&c, CUSTOMER, &many, None).await;
    assert_eq!(trained.len(), trained::MAX_RUNS);
    assert_eq!(trained[0].version, 30);
    assert!(note.unwrap().contains("newest 20 of 30"));
}
