//! The feature facts of the alert rules: each feature table's last write (the list's
//! freshness) and its online tables' sync failures and lag.

use crate::api::Client;
use crate::config::features::FeaturesSettings;
use crate::ops::alerts::facts::{FeatureTableFacts, OnlineTableFacts, Source};

/// The feature facts as of `now_ms`; `Failed` when the tables could not be found or a source
/// was not fully searched (a table not read could be the stale one).
pub async fn supply(
    client: &Client,
    settings: &FeaturesSettings,
    now_ms: i64,
) -> Source<Vec<FeatureTableFacts>> {
    let list = match super::list(client, settings, now_ms).await {
        Ok(l) => l,
        Err(e) => return Source::Failed(format!("feature tables not read: {e}")),
    };
    let missed: Vec<&String> = list
        .notes
        .iter()
        .filter(|n| !n.starts_with("models using") && !n.starts_with("versions of"))
        .collect();
    if !missed.is_empty() {
        return Source::Failed(format!(
            "feature tables not all read: {}",
            missed
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    Source::Read(
        list.rows
            .iter()
            .map(|r| FeatureTableFacts {
                table: r.table.clone(),
                last_write_ms: r.freshness.last_write_ms,
                online: r
                    .online
                    .iter()
                    .map(|o| OnlineTableFacts {
                        name: o.name.clone(),
                        sync_failed: o.sync_failed,
                        sync_state: o.sync_state.clone(),
                        message: o.message.clone(),
                        lag_ms: o.lag_ms,
                    })
                    .collect(),
            })
            .collect(),
    )
}
