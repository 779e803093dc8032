//! The async side of the Serving screens: metrics scrapes.

use crate::api::{ApiResult, Client};
use crate::ops::prometheus;
use crate::ops::serving_metrics::Snapshot;

/// Reads `/metrics` of endpoint `name` and groups it by served entity, stamped with the time
/// the answer arrived (rates are computed between two such stamps). Lines the parser cannot
/// read are skipped, as Prometheus' own scraper would.
pub(crate) async fn scrape(client: &Client, name: &str) -> ApiResult<Snapshot> {
    let text = client.endpoint_metrics(name).await?;
    let at_ms = super::super::runtime::now_ms();
    let (exposition, _) = prometheus::parse_lenient(&text);
    Ok(Snapshot::from_exposition(&exposition, at_ms))
}
