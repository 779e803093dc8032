//! `mlops-console experiments`: every page of `experiments/search`, most recently updated first
//! (as the TUI lists them), as a table or JSON.

use crate::api::models::mlflow::{Experiment, SearchExperimentsRequest};
use crate::api::paging::{Page, collect_pages};
use crate::api::{ApiResult, Client};

use crate::app::screens::experiments::ORDER_BY;

use super::{exit, output, table};

/// Lists experiments matching `filter`, in the order the TUI shows them, following page tokens until done or `max` are read.
pub async fn list(
    client: &Client,
    filter: Option<&str>,
    max: Option<usize>,
) -> ApiResult<Vec<Experiment>> {
    collect_pages(
        "experiments/search",
        |token| async move {
            let req = SearchExperimentsRequest {
                max_results: Some(1000),
                page_token: token,
                filter: filter.map(str::to_string),
                order_by: vec![ORDER_BY.to_string()],
                ..Default::default()
            };
            let r = client.search_experiments(&req).await?;
            Ok(Page {
                items: r.experiments,
                next_page_token: r.next_page_token,
            })
        },
        max,
    )
    .await
}

pub async fn run(client: &Client, filter: Option<&str>, max: Option<usize>, json: bool) -> i32 {
    match list(client, filter, max).await {
        Ok(exps) => {
            if json {
                output::json(&exps);
            } else {
                output::listing("experiments", exps.len(), || render(&exps));
            }
            exit::OK
        }
        Err(e) => {
            crate::eprintln_escaped!("error: {e}");
            exit::for_api_error(&e)
        }
    }
}

/// Table of name, id, last update, tags.
pub fn render(exps: &[Experiment]) -> String {
    let rows: Vec<Vec<String>> = exps
        .iter()
        .map(|e| {
            let tags = e
                .tags
                .iter()
                .filter(|t| !t.key.starts_with("mlflow."))
                .map(|t| format!("{}={}", t.key, t.value))
                .collect::<Vec<_>>()
                .join(" ");
            vec![
                e.name.clone(),
                e.experiment_id.clone(),
                table::timestamp(e.last_update_time),
                tags,
            ]
        })
        .collect();
    table::render(&["NAME", "ID", "LAST UPDATE", "TAGS"], &rows)
}
