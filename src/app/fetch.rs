//! The async side of each `Fetch`: which client calls, how pages are walked. Runs inside
//! runtime tasks; knows nothing of state.

use crate::api::models::mlflow::SearchExperimentsRequest;
use crate::api::{ApiResult, Client};

use super::effect::Fetch;
use super::msg::{Count, ExperimentPage, Payload};
use super::screens::experiments::PAGE_SIZE;

/// Page size for counting (the largest every server accepts for these calls).
const COUNT_PAGE: i64 = 1000;
/// Unity Catalog may answer empty pages that still carry a token; never walk forever.
const MAX_COUNT_PAGES: usize = 50;

pub(crate) async fn run(client: &Client, fetch: Fetch) -> Payload {
    match fetch {
        Fetch::Me => Payload::Me(client.me().await),
        Fetch::ExperimentCount { cap } => Payload::ExperimentCount(
            count_pages(cap, |token| async move {
                let req = SearchExperimentsRequest {
                    max_results: Some(COUNT_PAGE),
                    page_token: token,
                    ..Default::default()
                };
                let r = client.search_experiments(&req).await?;
                Ok((r.experiments.len(), r.next_page_token))
            })
            .await,
        ),
        Fetch::UcModelCount { cap } => Payload::UcModelCount(
            count_pages(cap, |token| async move {
                let r = client
                    .list_uc_models(None, Some(COUNT_PAGE), token.as_deref())
                    .await?;
                Ok((r.registered_models.len(), r.next_page_token))
            })
            .await,
        ),
        Fetch::WorkspaceModelCount { cap } => Payload::WorkspaceModelCount(
            count_pages(cap, |token| async move {
                let r = client
                    .search_registered_models(None, Some(COUNT_PAGE), token.as_deref())
                    .await?;
                Ok((r.registered_models.len(), r.next_page_token))
            })
            .await,
        ),
        Fetch::ServingEndpoints => Payload::ServingEndpoints(client.list_serving_endpoints().await),
        Fetch::Experiments {
            page_token,
            min_rows,
        } => Payload::Experiments(experiments(client, page_token, min_rows).await),
    }
}

/// Counts items page by page, stopping once `cap` is reached while more pages exist.
async fn count_pages<F, Fut>(cap: usize, mut page: F) -> ApiResult<Count>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: std::future::Future<Output = ApiResult<(usize, Option<String>)>>,
{
    let mut n = 0;
    let mut token = None;
    for _ in 0..MAX_COUNT_PAGES {
        let (items, next) = page(token.take()).await?;
        n += items;
        match next.filter(|t| !t.is_empty()) {
            Some(_) if n >= cap => {
                return Ok(Count {
                    n: cap,
                    capped: true,
                });
            }
            Some(t) => token = Some(t),
            None => return Ok(Count { n, capped: false }),
        }
    }
    Ok(Count { n, capped: true })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn pages(
        sizes: &'static [usize],
    ) -> impl FnMut(Option<String>) -> std::future::Ready<ApiResult<(usize, Option<String>)>> {
        move |token| {
            let i: usize = token.map(|t| t.parse().unwrap()).unwrap_or(0);
            let next = (i + 1 < sizes.len()).then(|| (i + 1).to_string());
            std::future::ready(Ok((sizes[i], next)))
        }
    }

    #[tokio::test]
    async fn counts_stop_at_the_cap_only_when_more_exists() {
        let c = count_pages(1000, pages(&[400, 400])).await.unwrap();
        assert_eq!(
            c,
            Count {
                n: 800,
                capped: false
            }
        );
        let c = count_pages(1000, pages(&[1000, 1])).await.unwrap();
        assert_eq!(
            c,
            Count {
                n: 1000,
                capped: true
            }
        );
        let c = count_pages(1000, pages(&[1000])).await.unwrap();
        assert_eq!(
            c,
            Count {
                n: 1000,
                capped: false
            }
        );
        // empty pages with tokens (Unity Catalog) are walked through
        let c = count_pages(1000, pages(&[0, 0, 3])).await.unwrap();
        assert_eq!(
            c,
            Count {
                n: 3,
                capped: false
            }
        );
    }
}
