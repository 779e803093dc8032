//! What the workspace holds and how healthy it is: the numbers behind the Overview screen and
//! `mlops-console status`. Both read them through these functions so they cannot disagree.

use serde::Serialize;

use crate::api::models::mlflow::SearchExperimentsRequest;
use crate::api::models::serving::{ConfigUpdate, EndpointReady, ServingEndpoint};
use crate::api::{ApiResult, Client};

/// A count that may have stopped at a cap (large workspaces are not listed in full for a number).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Count {
    pub value: usize,
    /// True when counting stopped at the cap: the real number is at least `value`.
    pub capped: bool,
}

impl std::fmt::Display for Count {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.capped {
            write!(f, "{}+", self.value)
        } else {
            write!(f, "{}", self.value)
        }
    }
}

/// Counting stops here; the Overview shows "1000+".
pub const COUNT_CAP: usize = 1000;

/// Counts active experiments by paging `experiments/search` up to `cap`.
pub async fn count_experiments(client: &Client, cap: usize) -> ApiResult<Count> {
    let mut value = 0usize;
    let mut token: Option<String> = None;
    loop {
        let req = SearchExperimentsRequest {
            max_results: Some(cap.min(1000) as i64),
            page_token: token.take(),
            ..Default::default()
        };
        let page = client.search_experiments(&req).await?;
        value += page.experiments.len();
        if value >= cap {
            return Ok(Count {
                value: cap,
                capped: true,
            });
        }
        match page.next_page_token {
            Some(t) if !t.is_empty() => token = Some(t),
            _ => {
                return Ok(Count {
                    value,
                    capped: false,
                });
            }
        }
    }
}

/// Counts Unity Catalog models (all catalogs) up to `cap`. UC may answer empty pages with a token.
pub async fn count_uc_models(client: &Client, cap: usize) -> ApiResult<Count> {
    let mut value = 0usize;
    let mut token: Option<String> = None;
    loop {
        let page = client
            .list_uc_models(None, Some(cap.min(1000) as i64), token.as_deref())
            .await?;
        value += page.registered_models.len();
        if value >= cap {
            return Ok(Count {
                value: cap,
                capped: true,
            });
        }
        match page.next_page_token {
            Some(t) if !t.is_empty() => token = Some(t),
            _ => {
                return Ok(Count {
                    value,
                    capped: false,
                });
            }
        }
    }
}

/// Counts workspace-registry models up to `cap`.
pub async fn count_workspace_models(client: &Client, cap: usize) -> ApiResult<Count> {
    let mut value = 0usize;
    let mut token: Option<String> = None;
    loop {
        let page = client
            .search_registered_models(None, Some(cap.min(1000) as i64), token.as_deref())
            .await?;
        value += page.registered_models.len();
        if value >= cap {
            return Ok(Count {
                value: cap,
                capped: true,
            });
        }
        match page.next_page_token {
            Some(t) if !t.is_empty() => token = Some(t),
            _ => {
                return Ok(Count {
                    value,
                    capped: false,
                });
            }
        }
    }
}

/// Serving endpoints by state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EndpointHealth {
    pub total: usize,
    /// READY and not updating.
    pub ready: usize,
    /// A config update is in progress.
    pub updating: usize,
    /// The last update failed or was cancelled.
    pub failed: usize,
    /// NOT_READY without an update in flight or failure (e.g. scaled to zero, starting).
    pub not_ready: usize,
}

impl EndpointHealth {
    pub fn of(endpoints: &[ServingEndpoint]) -> Self {
        let mut h = EndpointHealth {
            total: endpoints.len(),
            ..Default::default()
        };
        for ep in endpoints {
            let state = ep.state.clone().unwrap_or_default();
            match (state.config_update, state.ready) {
                (Some(ConfigUpdate::InProgress), _) => h.updating += 1,
                (Some(ConfigUpdate::UpdateFailed | ConfigUpdate::UpdateCanceled), _) => {
                    h.failed += 1
                }
                (_, Some(EndpointReady::Ready)) => h.ready += 1,
                _ => h.not_ready += 1,
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
    Inventory {
        user: Part::from_result(user.map(|m| m.user_name)),
        experiments: Part::from_result(experiments),
        uc_models: Part::from_result(uc),
        workspace_models: Part::from_result(ws),
        endpoints: Part::from_result(eps.map(|e| EndpointHealth::of(&e))),
    }
}

/// True when the inventory holds an error other than "not available" (for the exit code).
pub fn first_error(inv: &Inventory) -> Option<&str> {
    let parts: [Option<&str>; 5] = [
        err(&inv.user),
        err(&inv.experiments),
        err(&inv.uc_models),
        err(&inv.workspace_models),
        err(&inv.endpoints),
    ];
    parts.into_iter().flatten().next()
}

fn err<T>(p: &Part<T>) -> Option<&str> {
    match p {
        Part::Error(e) => Some(e.as_str()),
        _ => None,
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
                failed: 1,
                not_ready: 2
            }
        );
    }

    #[test]
    fn capped_count_displays_with_plus() {
        assert_eq!(
            Count {
                value: 1000,
                capped: true
            }
            .to_string(),
            "1000+"
        );
        assert_eq!(
            Count {
                value: 7,
                capped: false
            }
            .to_string(),
            "7"
        );
    }
}
