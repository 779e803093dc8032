//! The async side of each `Fetch`: which client calls, how pages are walked. Runs inside
//! runtime tasks; knows nothing of state.

use crate::api::models::mlflow::SearchExperimentsRequest;
use crate::api::{ApiResult, Client};

use super::effect::Fetch;
use super::msg::{ExperimentPage, Payload};
use super::screens::experiments::PAGE_SIZE;
use crate::ops::inventory;

pub(crate) async fn run(client: &Client, fetch: Fetch) -> Payload {
    match fetch {
        Fetch::Me => Payload::Me(client.me().await),
        Fetch::ExperimentCount { cap, recent } => {
            Payload::ExperimentCount(inventory::experiment_summary(client, cap, recent).await)
        }
        Fetch::UcModelCount { cap } => {
            Payload::UcModelCount(inventory::count_uc_models(client, cap).await)
        }
        Fetch::WorkspaceModelCount { cap } => {
            Payload::WorkspaceModelCount(inventory::count_workspace_models(client, cap).await)
        }
        Fetch::ServingEndpoints => Payload::ServingEndpoints(client.list_serving_endpoints().await),
        Fetch::Experiments {
            page_token,
            min_rows,
        } => Payload::Experiments(experiments(client, page_token, min_rows).await),
    }
}

/// Experiments newest first: one page after `page_token`, or pages from the start until
/// `min_rows` are loaded.
async fn experiments(
    client: &Client,
    page_token: Option<String>,
    min_rows: usize,
) -> ApiResult<ExperimentPage> {
    let append = page_token.is_some();
    let mut rows = Vec::new();
    let mut token = page_token;
    loop {
        let req = SearchExperimentsRequest {
            max_results: Some(PAGE_SIZE as i64),
            page_token: token.take(),
            order_by: vec!["last_update_time DESC".to_string()],
            ..Default::default()
        };
        let r = client.search_experiments(&req).await?;
        rows.extend(r.experiments);
        token = r.next_page_token.filter(|t| !t.is_empty());
        if append || rows.len() >= min_rows || token.is_none() {
            break;
        }
    }
    Ok(ExperimentPage {
        experiments: rows,
        next_page_token: token,
        append,
    })
}
