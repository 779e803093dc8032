//! Feature monitoring on the real runtime against the simulator (127.0.0.1, manual clock,
//! statements answered at once): the feature table's detail shows each feature's null rate and
//! drift from its monitor, `M` opens the monitor with the cursor on the drifting feature, a
//! table without a monitor says so; and the monitoring facts the alerts keep make the endpoint
//! whose served version uses the drifting table carry the drifting marker, with its reason.

mod support;

use std::time::Duration;

use crossterm::event::KeyCode;

use mlops_console::app::{ScreenId, ScreenRoute};
use mlops_console::ops::feature_monitoring::FeatureMonitoring;
use mlops_console::sim::SimOptions;
use support::Driver;
use support::features::{FeatureSim, as_is, line_of, manual_sql_at_once};

const CUSTOMER: &str = "main.features.customer_features";
const TXN: &str = "main.features.txn_agg_30d";

fn monitoring_read(d: &Driver) -> bool {
    let f = &d.state.feature_monitoring;
    f.read.is_settled() && f.read.data.is_some() && d.state.features.detail.is_settled()
}

fn section(text: &str) -> &str {
    let at = text
        .find("Feature monitoring")
        .unwrap_or_else(|| panic!("no section in {text}"));
    &text[at..]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_detail_shows_each_features_monitoring_and_m_opens_the_monitor() {
    let mut d = FeatureSim::start_with(manual_sql_at_once(), as_is).await;
    d.type_ft(CUSTOMER);
    d.pump(monitoring_read).await;
    let read = d.state.feature_monitoring.of(CUSTOMER).expect("read");
    let FeatureMonitoring::Monitored(m) = read else {
        panic!("{read:?}");
    };
    assert!(m.notes.is_empty(), "{:?}", m.notes);
    let text = d.screen_text(200, 60);
    let s = section(&text);
    assert!(s.contains("1 drifting, 1 with rising nulls"), "{s}");
    let spend = line_of(s, "avg_basket_value");
    assert!(spend.contains("critical psi"), "{spend}");
    let login = line_of(s, "days_since_last_login");
    assert!(login.contains('▲'), "{login}");
    assert!(!line_of(s, "tenure_months").contains("critical"));
    // The keys are not features.
    assert!(!s.contains("customer_id"), "{s}");

    // M: the monitor, the cursor on the drifting feature.
    d.char('M');
    assert_eq!(
        *d.state.route(),
        ScreenRoute::Monitor {
            table: CUSTOMER.into()
        }
    );
    d.pump(|d| d.state.monitoring.drift.is_settled() && d.state.monitoring.matrix().is_some())
        .await;
    assert_eq!(d.state.alerts.select_feature, None, "selected, not pending");
    let (row, _) = d.state.monitoring.cursor().expect("a cursor");
    let matrix = d.state.monitoring.matrix().unwrap();
    assert_eq!(matrix.features[row].name, "avg_basket_value");

    // A table without a monitor: said, with how to create one; M explains.
    d.key(KeyCode::Esc);
    d.type_ft(TXN);
    d.pump(monitoring_read).await;
    let text = d.screen_text(200, 60);
    assert!(
        section(&text).contains("no monitor on this table: create one"),
        "{text}"
    );
    d.char('M');
    assert_eq!(
        *d.state.route(),
        ScreenRoute::FeatureTable { name: TXN.into() }
    );
    assert!(
        d.state.toasts.iter().any(|t| t.text.contains("no monitor")),
        "{:?}",
        d.state.toasts
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_endpoint_on_a_drifting_table_is_marked_from_the_kept_monitoring_facts() {
    // The alerts' reads follow the simulator's own clock here, as on the console.
    let mut d = FeatureSim::start_with(
        SimOptions {
            sql_latency: Duration::ZERO,
            ..SimOptions::default()
        },
        as_is,
    )
    .await;
    // Freshness is judged on the simulator's clock.
    d.state.now_ms = d.sim.clock.now_ms();

    // The Overview evaluates the alerts: the monitoring facts are read and kept.
    d.pump(|d| d.state.alerts.read.is_settled() && d.state.alerts.read.data.is_some())
        .await;
    d.char('5');
    assert_eq!(*d.state.route(), ScreenRoute::Screen(ScreenId::Serving));
    d.pump(|d| d.state.serving.endpoints.data.is_some()).await;
    // The marks are judged anew once the kept facts are newer than those they were judged on
    // (an earlier read may have come first): no key is needed.
    d.pump(|d| {
        let l = &d.state.feature_lineage;
        let facts = d
            .state
            .alerts
            .read
            .data
            .as_ref()
            .and_then(|r| r.monitoring_at_ms);
        l.endpoints.is_settled()
            && l.endpoints.data.is_some()
            && facts.is_some()
            && l.judged_on_facts_at == facts
    })
    .await;
    let churn = d
        .state
        .feature_lineage
        .endpoint("churn-prod")
        .expect("read");
    // v4 (90 %) is trained on customer_features, whose spend feature drifts and whose legacy
    // online table lags days behind; v5 on the stale support_interactions too.
    assert_eq!(
        churn.marker().as_deref(),
        Some("stale/online/drifting features"),
        "{churn:?}"
    );
    let reasons = churn.reasons();
    assert!(
        reasons.iter().any(|r| r
            .starts_with("main.features.customer_features drifting: avg_basket_value (psi")
            && r.contains("churn_model v4, 90%")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("online stale: main.features.customer_features_online (lag")),
        "{reasons:?}"
    );
    let text = d.screen_text(220, 40);
    assert!(
        line_of(&text, "churn-prod").contains("stale/online/drifting features"),
        "{text}"
    );
    // An endpoint whose versions use no drifting or stale table is not marked.
    for e in d.state.feature_lineage.endpoints.data.as_ref().unwrap() {
        if e.endpoint != "churn-prod" {
            assert_eq!(e.marker(), None, "{e:?}");
        }
    }
}
