//! The async side of the lineage reads (runs in a runtime task).

use crate::ops::feature_lineage::{LineageOptions, endpoint, version};

use super::super::super::fetch::Env;
use super::{Fetch, Loaded};

pub(crate) async fn run(env: &Env, fetch: Fetch) -> Loaded {
    match fetch {
        Fetch::Endpoints { served, now_ms } => {
            // The marker needs freshness only: online tables are left to the lineage views.
            let opts = LineageOptions {
                online: false,
                ..LineageOptions::at(now_ms)
            };
            Loaded::Endpoints(endpoint::of_served(&env.client, &served, &opts).await)
        }
        Fetch::Versions {
            model,
            versions,
            now_ms,
        } => {
            let opts = LineageOptions {
                online: false,
                ..LineageOptions::at(now_ms)
            };
            let lineage = version::of_versions(&env.client, &model, &versions, &opts).await;
            Loaded::Versions { model, lineage }
        }
    }
}
