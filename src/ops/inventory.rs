//! What the workspace holds and how healthy it is: the numbers behind the Overview screen and
//! `mlops-console status`. Both read them through these functions so they cannot disagree.

use serde::Serialize;

use crate::api::models::mlflow::{Experiment, SearchExperimentsRequest};
use crate::api::models::serving::{ConfigUpdate, EndpointReady, ServingEndpoint};
use crate::api::paging::PageGuard;
use crate::api::{ApiResult, Client};
use crate::ops::read_failure::{ReadFailure, keep_first};

/// A count that may have stopped at a cap (large workspaces are not listed in full for a number).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Count {
    pub n: usize,
    /// True when counting stopped at the cap while more pages existed: the real number is larger.
    pub capped: bool,
}

impl std::fmt::Display for Count {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.capped {
            write!(f, "{}+", self.n)
        } else {
            write!(f, "{}", self.n)
        }
    }
}

/// Counting stops here; the Overview shows "1000+".
pub const COUNT_CAP: usize = 1000;
/// Page size for counting (the largest every server accepts for these calls).
const COUNT_PAGE: i64 = 1000;
/// Unity Catalog may answer empty pages that still carry a token; never walk forever.
const MAX_COUNT_PAGES: usize = 50;

/// Counts items of `listing` page by page, stopping once `cap` is reached while more pages exist.
async fn count_pages<F, Fut>(listing: &str, cap: usize, page: F) -> ApiResult<Count>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: std::future::Future<Output = ApiResult<(usize, Option<String>)>>,
{
    count_pages_from(listing, cap, 0, None, page).await
}

/// [`count_pages`] continuing after `n` items already counted, from page `token`.
async fn count_pages_from<F, Fut>(
    listing: &str,
    cap: usize,
    mut n: usize,
    mut token: Option<String>,
    mut page: F,
) -> ApiResult<Count>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: std::future::Future<Output = ApiResult<(usize, Option<String>)>>,
{
    let mut guard = PageGuard::new(listing);
    for _ in 0..MAX_COUNT_PAGES {
        let (items, next) = page(token.take()).await?;
        n += items;
        match guard.next(next)? {
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

/// How many experiments there are, and the most recently updated ones.
#[derive(Debug, Clone, PartialEq)]
pub struct ExperimentSummary {
    pub count: Count,
    /// Newest first (by `last_update_time`).
    pub recent: Vec<Experiment>,
}

/// Counts active experiments by paging `experiments/search` newest first; the first page also
/// gives the `recent` most recently updated ones, so the Overview needs no second call.
pub async fn experiment_summary(
    client: &Client,
    cap: usize,
    recent: usize,
) -> ApiResult<ExperimentSummary> {
    let search = |token: Option<String>| async move {
        let req = SearchExperimentsRequest {
            max_results: Some(COUNT_PAGE),
            page_token: token,
            order_by: vec!["last_update_time DESC".to_string()],
            ..Default::default()
        };
        client.search_experiments(&req).await
    };
    let first = search(None).await?;
    let seen = first.experiments.len();
    let next = first.next_page_token.filter(|t| !t.is_empty());
    let count = match next {
        None => Count {
            n: seen,
            capped: false,
        },
        Some(_) if seen >= cap => Count {
            n: cap,
            capped: true,
        },
        Some(t) => {
            count_pages_from(
                "experiments/search",
                cap,
                seen,
                Some(t),
                |token| async move {
                    let r = search(token).await?;
                    Ok((r.experiments.len(), r.next_page_token))
                },
            )
            .await?
        }
    };
    let mut experiments = first.experiments;
    experiments.truncate(recent);
    Ok(ExperimentSummary {
        count,
        recent: experiments,
    })
}

/// Counts active experiments.
pub async fn count_experiments(client: &Client, cap: usize) -> ApiResult<Count> {
    Ok(experiment_summary(client, cap, 0).await?.count)
}

/// Counts Unity Catalog models in all catalogs.
pub async fn count_uc_models(client: &Client, cap: usize) -> ApiResult<Count> {
    count_pages("unity-catalog/models", cap, |token| async move {
        let r = client
            .list_uc_models(None, Some(COUNT_PAGE), token.as_deref())
            .await?;
        Ok((r.registered_models.len(), r.next_page_token))
    })
    .await
}

/// Counts workspace-registry models.
pub async fn count_workspace_models(client: &Client, cap: usize) -> ApiResult<Count> {
    count_pages("registered-models/search", cap, |token| async move {
        let r = client
            .search_registered_models(None, Some(COUNT_PAGE), token.as_deref())
            .await?;
        Ok((r.registered_models.len(), r.next_page_token))
    })
    .await
}

/// The health of one serving endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    Ready,
    Updating,
    Failed,
    /// Not ready, not updating, not failed (e.g. still being created).
    Other,
}

/// An update in progress wins over readiness (a READY endpoint can be mid-update); a failed or
/// cancelled update, or a NOT_READY endpoint that is not updating, counts as failed.
pub fn classify(ep: &ServingEndpoint) -> Health {
    let state = ep.state.clone().unwrap_or_default();
    match (state.config_update, state.ready) {
        (Some(ConfigUpdate::InProgress), _) => Health::Updating,
        (Some(ConfigUpdate::UpdateFailed | ConfigUpdate::UpdateCanceled), _) => Health::Failed,
        (_, Some(EndpointReady::Ready)) => Health::Ready,
        (_, Some(EndpointReady::NotReady)) => Health::Failed,
        _ => Health::Other,
    }
}

/// Serving endpoints by health.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EndpointHealth {
    pub total: usize,
    pub ready: usize,
    pub updating: usize,
    pub failed: usize,
    pub other: usize,
}

impl EndpointHealth {
    pub fn of(endpoints: &[ServingEndpoint]) -> Self {
        let mut h = EndpointHealth {
            total: endpoints.len(),
            ..Default::default()
        };
        for ep in endpoints {
            match classify(ep) {
                Health::Ready => h.ready += 1,
                Health::Updating => h.updating += 1,
                Health::Failed => h.failed += 1,
                Health::Other => h.other += 1,
            }
        }
        h
    }
}

/// A part of the inventory that either has a value, is not offered by this server (an
/// open-source MLflow server has no Unity Catalog or serving), or failed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", content = "value", rename_all = "snake_case")]
pub enum Part<T> {
    Ok(T),
    NotAvailable,
    Error(String),
}

impl<T> Part<T> {
    pub fn from_result(r: ApiResult<T>) -> Self {
        match r {
            Ok(v) => Part::Ok(v),
            Err(e) if e.is_not_available() => Part::NotAvailable,
            Err(e) => Part::Error(e.to_string()),
        }
    }
}

/// Everything `status` reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Inventory {
    pub user: Part<String>,
    pub experiments: Part<Count>,
    pub uc_models: Part<Count>,
    pub workspace_models: Part<Count>,
    pub endpoints: Part<EndpointHealth>,
    /// The first part that failed (not counting parts the server does not offer).
    #[serde(skip)]
    pub failure: Option<ReadFailure>,
}

/// Every endpoint in detail (the list answer is a summary without routes), eight reads at a
/// time. An endpoint whose read fails (deleted meanwhile, no permission) keeps its summary.
pub async fn endpoints_detailed(client: &Client) -> ApiResult<Vec<ServingEndpoint>> {
    use futures::StreamExt;
    let list = client.list_serving_endpoints().await?;
    Ok(futures::stream::iter(list)
        .map(|e| async move { client.get_serving_endpoint(&e.name).await.unwrap_or(e) })
        .buffered(8)
        .collect()
        .await)
}

/// Reads the whole inventory concurrently.
pub async fn read_inventory(client: &Client) -> Inventory {
    let (user, experiments, uc, ws, eps) = futures::join!(
        client.me(),
        count_experiments(client, COUNT_CAP),
        count_uc_models(client, COUNT_CAP),
        count_workspace_models(client, COUNT_CAP),
        client.list_serving_endpoints(),
    );
    let mut failure = None;
    let errors = [
        user.as_ref().err(),
        experiments.as_ref().err(),
        uc.as_ref().err(),
        ws.as_ref().err(),
        eps.as_ref().err(),
    ];
    for e in errors.into_iter().flatten() {
        if !e.is_not_available() {
            keep_first(&mut failure, e);
        }
    }
    Inventory {
        user: Part::from_result(user.map(|m| m.user_name)),
        experiments: Part::from_result(experiments),
        uc_models: Part::from_result(uc),
        workspace_models: Part::from_result(ws),
        endpoints: Part::from_result(eps.map(|e| EndpointHealth::of(&e))),
        failure,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::models::serving::EndpointState;

    fn ep(ready: EndpointReady, update: ConfigUpdate) -> ServingEndpoint {
        ServingEndpoint {
            state: Some(EndpointState {
                ready: Some(ready),
                config_update: Some(update),
            }),
            ..Default::default()
        }
    }

    #[test]
    fn endpoint_health_buckets_by_state() {
        let eps = vec![
            ep(EndpointReady::Ready, ConfigUpdate::NotUpdating),
            ep(EndpointReady::Ready, ConfigUpdate::InProgress),
            ep(EndpointReady::NotReady, ConfigUpdate::UpdateFailed),
            ep(EndpointReady::NotReady, ConfigUpdate::NotUpdating),
            ServingEndpoint::default(),
        ];
        let h = EndpointHealth::of(&eps);
        assert_eq!(
            h,
            EndpointHealth {
                total: 5,
                ready: 1,
                updating: 1,
                failed: 2,
                other: 1
            }
        );
    }

    #[test]
    fn capped_count_displays_with_plus() {
        assert_eq!(
            Count {
                n: 1000,
                capped: true
            }
            .to_string(),
            "1000+"
        );
        assert_eq!(
            Count {
                n: 7,
                capped: false
            }
            .to_string(),
            "7"
        );
    }

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
        let c = count_pages("x", 1000, pages(&[400, 400])).await.unwrap();
        assert_eq!(
            c,
            Count {
                n: 800,
                capped: false
            }
        );
        let c = count_pages("x", 1000, pages(&[1000, 1])).await.unwrap();
        assert_eq!(
            c,
            Count {
                n: 1000,
                capped: true
            }
        );
        let c = count_pages("x", 1000, pages(&[1000])).await.unwrap();
        assert_eq!(
            c,
            Count {
                n: 1000,
                capped: false
            }
        );
        // Empty pages with tokens (Unity Catalog) are walked through.
        let c = count_pages("x", 1000, pages(&[0, 0, 3])).await.unwrap();
        assert_eq!(
            c,
            Count {
                n: 3,
                capped: false
            }
        );
    }

    #[tokio::test]
    async fn a_repeated_token_stops_the_count_with_an_error() {
        let same = |_| std::future::ready(Ok((0, Some("same".to_string()))));
        let e = count_pages("unity-catalog/models", 1000, same)
            .await
            .unwrap_err();
        assert!(e.to_string().contains("repeated a page token"), "{e}");
    }
}
