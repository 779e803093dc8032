//! The async side of the Serving screens: metrics scrapes, and planning and applying traffic
//! changes with their progress reported as it happens.

use crate::api::{ApiResult, Client};
use crate::ops::serving_metrics::Snapshot;
use crate::ops::traffic::{self, TrafficPlan, TrafficRequest, Waiter};
use crate::ops::{ChangeContext, ChangeOutcome, prometheus};

use super::super::msg::Prepared;
use super::Env;

/// Reads `/metrics` of endpoint `name` and groups it by served entity, stamped with the time
/// the answer arrived (rates are computed between two such stamps). Lines the parser cannot
/// read are skipped, as Prometheus' own scraper would.
pub(crate) async fn scrape(client: &Client, name: &str) -> ApiResult<Snapshot> {
    let text = client.endpoint_metrics(name).await?;
    let at_ms = super::super::runtime::now_ms();
    let (exposition, _) = prometheus::parse_lenient(&text);
    Ok(Snapshot::from_exposition(&exposition, at_ms))
}

/// Says what a traffic change waits for, as the dialog-less progress line.
pub(crate) type ProgressFn = std::sync::Arc<dyn Fn(String) + Send + Sync>;

/// A real-time waiter whose progress goes to `progress` in words.
fn waiter(progress: ProgressFn) -> Waiter<'static> {
    Waiter::real().on_progress(move |p| progress(p.to_string()))
}

/// Plans a traffic change once the endpoint is idle (see `ops::traffic::request`).
pub(crate) async fn prepare_traffic(
    env: &Env,
    req: &TrafficRequest,
    progress: ProgressFn,
) -> Result<Prepared, String> {
    traffic::request::prepare(&env.client, &env.journal(), req, &mut waiter(progress))
        .await
        .map(|p| Prepared::Traffic(Box::new(p)))
        .map_err(|e| e.to_string())
}

/// Applies a confirmed traffic change (journal, send, wait its turn, read back, journal).
pub(crate) async fn apply_traffic(
    env: &Env,
    plan: &TrafficPlan,
    progress: ProgressFn,
) -> Result<Box<ChangeOutcome>, String> {
    let ctx = ChangeContext {
        profile: env.profile.clone(),
        actor: env.client.me().await.ok().map(|m| m.user_name),
        production: env.production,
    };
    traffic::apply(
        &env.client,
        &env.journal(),
        &ctx,
        plan,
        &mut waiter(progress),
    )
    .await
    .map(Box::new)
    .map_err(|e| e.to_string())
}
