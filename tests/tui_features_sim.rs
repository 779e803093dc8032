//! The Features screen (7) on the real runtime against the simulator (127.0.0.1, manual
//! clock): key 7 and `:features` open the feature tables with their keys, freshness against the
//! SLA (the stale one marked), online tables with the UC state and the sync state apart, and
//! the models using them; `/` filters the list.

mod support;

use crossterm::event::KeyCode;

use mlops_console::app::screens::features::detail::Target;
use mlops_console::app::{ScreenId, ScreenRoute};
use support::Driver;
use support::features::{FeatureSim, feature_schema, line_of, manual};

const CUSTOMER: &str = "main.features.customer_features";
const TXN: &str = "main.features.txn_agg_30d";
const SUPPORT: &str = "main.features.support_interactions";

fn listed(d: &Driver) -> bool {
    d.state.features.list.is_settled() && d.state.features.list.data.is_some()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_7_lists_the_feature_tables_with_freshness_and_online_state() {
    let mut d = FeatureSim::start_with(manual(), feature_schema).await;

    d.char('7');
    assert_eq!(*d.state.route(), ScreenRoute::Screen(ScreenId::Features));
    // Honest loading state: no rows from nothing.
    let text = d.screen_text(200, 30);
    assert!(!text.contains("not in this version"), "{text}");
    assert!(!text.contains(CUSTOMER), "{text}");
    d.pump(listed).await;
    let f = &d.state.features;
    assert_eq!(f.list.error, None);
    let names: Vec<&str> = f
        .list
        .data
        .as_ref()
        .unwrap()
        .rows
        .iter()
        .map(|r| r.table.as_str())
        .collect();
    assert_eq!(names, [CUSTOMER, SUPPORT, TXN]);

    let text = d.screen_text(220, 30);
    let support = line_of(&text, SUPPORT);
    assert!(support.contains("STALE"), "{support}");
    let customer = line_of(&text, CUSTOMER);
    assert!(!customer.contains("STALE"), "{customer}");
    assert!(customer.contains("customer_id"), "{customer}");
    let txn = line_of(&text, TXN);
    assert!(txn.contains("customer_id, ts (time)"), "{txn}");
    // The UC state and the sync state are shown apart.
    assert!(text.contains("UC ACTIVE"), "{text}");
    assert!(text.contains("sync "), "{text}");

    // `/` filters; Esc clears.
    d.char('/');
    d.type_text("txn");
    let text = d.screen_text(220, 30);
    assert!(text.contains(TXN), "{text}");
    assert!(!text.contains(CUSTOMER), "{text}");
    assert_eq!(d.state.features.visible_rows().len(), 1);
    d.key(KeyCode::Esc);
    assert_eq!(d.state.features.visible_rows().len(), 3);

    // The palette opens the same screen.
    d.char('1');
    d.char(':');
    d.type_text("features");
    d.key(KeyCode::Enter);
    assert_eq!(*d.state.route(), ScreenRoute::Screen(ScreenId::Features));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_that_cannot_be_read_says_why() {
    let mut d = FeatureSim::start_with(manual(), |ctx| {
        ctx.monitoring.features.schemas = vec!["nosuch.schema".into()];
    })
    .await;
    d.char('7');
    d.pump(|d| d.state.features.list.is_settled()).await;
    assert!(d.state.features.list.error.is_some());
    let text = d.screen_text(200, 30);
    assert!(text.contains("nosuch"), "{text}");
}

fn detail_read(d: &Driver) -> bool {
    let f = &d.state.features;
    f.detail.is_settled() && f.lineage.is_settled()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ft_opens_a_table_with_its_versions_online_tables_and_lineage_and_jumps() {
    let mut d = FeatureSim::start().await;
    d.type_ft(SUPPORT);
    assert_eq!(
        *d.state.route(),
        ScreenRoute::FeatureTable {
            name: SUPPORT.into()
        }
    );
    d.pump(detail_read).await;
    let f = &d.state.features;
    assert_eq!(f.detail.error, None);
    assert_eq!(f.lineage.error, None);
    let text = d.screen_text(200, 50);
    assert!(text.contains("STALE"), "{text}");
    assert!(text.contains("Delta versions"), "{text}");
    assert!(text.contains("churn_model v5"), "{text}");
    assert!(text.contains("endpoint churn-prod"), "{text}");

    // Enter on the first lineage row (a model version) opens it on the Models screen.
    let targets = d.state.features.targets();
    let version = targets
        .iter()
        .position(|t| matches!(t, Target::Version { version, .. } if version == "5"))
        .expect("churn_model v5 in the lineage");
    for _ in 0..version {
        d.char('j');
    }
    d.key(KeyCode::Enter);
    assert!(
        matches!(d.state.route(), ScreenRoute::ModelDetail { name, .. } if name == "main.ml.churn_model"),
        "{:?}",
        d.state.route()
    );
    d.key(KeyCode::Esc);
    // Enter on the endpoint opens it.
    let endpoint = targets
        .iter()
        .position(|t| *t == Target::Endpoint("churn-prod".into()))
        .expect("churn-prod in the lineage");
    d.state.features.lineage_view.selected = endpoint;
    d.key(KeyCode::Enter);
    assert_eq!(
        *d.state.route(),
        ScreenRoute::Endpoint {
            name: "churn-prod".into()
        }
    );
    d.key(KeyCode::Esc);

    // Enter from the list opens a table too; J opens its producing job.
    d.char('7');
    d.pump(listed).await;
    d.key(KeyCode::Enter);
    assert_eq!(
        *d.state.route(),
        ScreenRoute::FeatureTable {
            name: CUSTOMER.into()
        }
    );
    d.pump(detail_read).await;
    let job = d
        .state
        .features
        .detail
        .data
        .as_ref()
        .unwrap()
        .producing_job
        .clone();
    let job = job.expect("customer_features has its feature-refresh job");
    d.char('J');
    assert_eq!(*d.state.route(), ScreenRoute::Job { job_id: job.job_id });
}
