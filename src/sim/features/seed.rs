//! The feature story (PRODUCT §9, issue 14 §6): three feature tables in `main.features`, the
//! online stores they are published to, one legacy online table, and the churn model versions
//! trained on them.
//!
//! - `customer_features` (PK `customer_id`) and `txn_agg_30d` (PK `customer_id` + time-series
//!   key `ts`) are written by the `feature-refresh` job: each successful task run adds a Delta
//!   version (see `delta`), so they are fresh.
//! - `support_interactions` (PK `customer_id`) stopped being written 52 hours ago: stale past
//!   the default 24 h SLA. churn_model v5 (challenger, 10% of churn-prod) uses it.
//! - Online store `fs-prod` (Lakebase Provisioned: the `database` service) serves
//!   `customer_features` (CONTINUOUS) and `support_interactions` (SNAPSHOT); `fs-realtime`
//!   (Lakebase Autoscaling: the `postgres` service) is still taking its first snapshot of
//!   `txn_agg_30d` (TRIGGERED), though UC already says ACTIVE; `fs-dev` is stopped.
//! - Legacy online table `main.features.customer_features_online` (deprecated, triggered) lags
//!   its source by many versions.

use crate::api::models::feature_store::PublishMode;
use crate::api::models::uc_tables::{Dependency, DependencyList};
use crate::sim::world::{DAY, HOUR, MINUTE};

use super::store::{Backend, SimColumn, SimFeatureTable, SimLegacyTable, SimStore, SimSynced};

pub(crate) const CUSTOMER: &str = "main.features.customer_features";
pub(crate) const TXN: &str = "main.features.txn_agg_30d";
pub(crate) const SUPPORT: &str = "main.features.support_interactions";
pub(crate) const LEGACY_ONLINE: &str = "main.features.customer_features_online";
/// The feature spec the churn models are served with.
pub(crate) const CHURN_SPEC: &str = "main.ml.churn_feature_spec";
const OWNER: &str = "ml-eng@acme.com";
pub(crate) const CHURN_MODEL: &str = "main.ml.churn_model";

fn col(name: &'static str, ty: &'static str, comment: &'static str) -> SimColumn {
    SimColumn {
        name,
        type_text: ty,
        comment,
    }
}

pub(crate) fn tables(anchor: i64) -> Vec<SimFeatureTable> {
    vec![
        SimFeatureTable {
            full_name: CUSTOMER.into(),
            comment: "Per-customer profile and engagement features for churn",
            owner: OWNER,
            created_at: anchor - 120 * DAY,
            columns: vec![
                col("customer_id", "bigint", "Customer key"),
                col("tenure_months", "int", "Months since the first order"),
                col("orders_90d", "int", "Orders in the last 90 days"),
                col("avg_basket_value", "double", "Mean order value, EUR"),
                col("days_since_last_login", "int", ""),
                col("plan_tier", "string", "free / plus / pro"),
                col("updated_at", "timestamp", "When the row was computed"),
            ],
            primary_key: vec!["customer_id"],
            timeseries: None,
            rows: 1_284_331,
            change_data_feed: true,
            // Daily loads before the job's run history, the job's own writes after.
            daily_until: Some(anchor - DAY),
            tags: Some(vec![
                ("team", "growth"),
                ("domain", "customer"),
                ("tier", "gold"),
            ]),
        },
        SimFeatureTable {
            full_name: TXN.into(),
            comment: "30-day rolling transaction aggregates per customer, hourly",
            owner: OWNER,
            created_at: anchor - 90 * DAY,
            columns: vec![
                col("customer_id", "bigint", "Customer key"),
                col("ts", "timestamp", "End of the 30-day window"),
                col("txn_count_30d", "int", ""),
                col("txn_amount_30d", "double", "EUR"),
                col("refund_ratio_30d", "double", "Refunds / transactions"),
            ],
            primary_key: vec!["customer_id", "ts"],
            timeseries: Some("ts"),
            rows: 38_529_930,
            change_data_feed: true,
            daily_until: Some(anchor - DAY),
            tags: Some(vec![
                ("team", "payments"),
                ("refresh", "hourly"),
                ("pii", ""),
            ]),
        },
        SimFeatureTable {
            full_name: SUPPORT.into(),
            comment: "Support tickets and sentiment per customer (source export paused)",
            owner: "priya.natarajan@acme.com",
            created_at: anchor - 60 * DAY,
            columns: vec![
                col("customer_id", "bigint", "Customer key"),
                col("tickets_30d", "int", ""),
                col("negative_sentiment_ratio", "double", ""),
                col("last_ticket_at", "timestamp", ""),
            ],
            primary_key: vec!["customer_id"],
            timeseries: None,
            rows: 412_907,
            change_data_feed: false,
            daily_until: Some(anchor - 52 * HOUR),
            // Owned by another team: the demo's caller may not read its tags.
            tags: None,
        },
    ]
}

pub(crate) fn store(anchor: i64) -> SimStore {
    SimStore {
        stores: vec![
            ("fs-prod", "CU_2", 1, "AVAILABLE", Backend::Database, 45),
            ("fs-realtime", "CU_1", 0, "AVAILABLE", Backend::Postgres, 2),
            ("fs-dev", "CU_1", 0, "STOPPED", Backend::Database, 30),
        ]
        .into_iter()
        .map(
            |(name, cap, rr, state, backend, days)| super::store::SimOnlineStore {
                name: name.to_string(),
                capacity: cap.to_string(),
                read_replicas: rr,
                state: state.to_string(),
                backend,
                created_at: anchor - days * DAY,
            },
        )
        .collect(),
        synced: vec![
            SimSynced::new(
                "main.features_online.customer_features",
                CUSTOMER,
                "fs-prod",
                PublishMode::Continuous,
                anchor - 20 * DAY,
                &["customer_id"],
                None,
            ),
            SimSynced::new(
                "main.features_online.support_interactions",
                SUPPORT,
                "fs-prod",
                PublishMode::Snapshot,
                anchor - 40 * DAY,
                &["customer_id"],
                None,
            ),
            // Published three minutes ago: still taking its first snapshot.
            SimSynced::new(
                "main.features_online.txn_agg_30d",
                TXN,
                "fs-realtime",
                PublishMode::Triggered,
                anchor - 3 * MINUTE,
                &["customer_id", "ts"],
                Some("ts"),
            ),
        ],
        legacy: vec![SimLegacyTable {
            name: LEGACY_ONLINE.to_string(),
            source: CUSTOMER.to_string(),
            // The last sync read the source as it was 9 days ago.
            synced_as_of: anchor - 9 * DAY,
        }],
        tables: tables(anchor),
        next_pipeline: 1,
    }
}

/// The feature tables a churn_model version was trained with (`None` for other models):
/// v1–v2 the customer profile only, v3–v4 with the transaction aggregates, v5 also the
/// support features (stale). Versions a retrain registers copy their predecessor's.
pub(crate) fn dependencies_of(model: &str, version: i64) -> Option<DependencyList> {
    if model != CHURN_MODEL {
        return None;
    }
    let tables: &[&str] = match version {
        1 | 2 => &[CUSTOMER],
        3 | 4 => &[CUSTOMER, TXN],
        _ => &[CUSTOMER, TXN, SUPPORT],
    };
    let mut dependencies: Vec<Dependency> =
        tables.iter().map(|t| Dependency::on_table(t)).collect();
    if version >= 3 {
        dependencies.push(Dependency {
            table: None,
            function: Some(crate::api::models::uc_tables::FunctionDependency {
                function_full_name: CHURN_SPEC.to_string(),
            }),
        });
    }
    Some(DependencyList { dependencies })
}
