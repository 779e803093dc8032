//! The async side of the Features room's reads (runs in a runtime task).

use super::super::super::fetch::Env;
use super::{Fetch, Loaded};

pub(crate) async fn run(env: &Env, fetch: Fetch) -> Loaded {
    match fetch {
        Fetch::List { now_ms } => Loaded::List(
            crate::ops::features::list(&env.client, &env.monitoring.features, now_ms)
                .await
                .map(Box::new)
                .map_err(Into::into),
        ),
    }
}
