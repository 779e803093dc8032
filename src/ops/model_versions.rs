//! The versions of one workspace-registry (or open-source MLflow) model, read through
//! `model-versions/search`: the one place that quotes a model name into its filter and pages
//! through the answer. The Models screen, promote and roll back all read versions here.

use crate::api::models::registry::ModelVersion;
use crate::api::paging::{Page, collect_pages};
use crate::api::{ApiResult, Client};

/// Versions asked for per page (the API's maximum).
const PAGE_SIZE: i64 = 1000;

/// The search filter that selects `model`'s versions: `name='…'`, a quote inside the name
/// escaped as `\'` so it cannot end the string early.
pub fn name_filter(model: &str) -> String {
    format!("name='{}'", model.replace('\'', "\\'"))
}

/// Up to `limit` versions of `model`, in the server's order. Versions of another model (a
/// server that matched the filter loosely) are left out.
pub async fn list_model_versions(
    client: &Client,
    model: &str,
    limit: usize,
) -> ApiResult<Vec<ModelVersion>> {
    let filter = name_filter(model);
    let found = collect_pages(
        "model-versions/search",
        |token| {
            let filter = filter.clone();
            async move {
                let r = client
                    .search_model_versions(Some(&filter), Some(PAGE_SIZE), token.as_deref())
                    .await?;
                Ok(Page {
                    items: r.model_versions,
                    next_page_token: r.next_page_token,
                })
            }
        },
        Some(limit),
    )
    .await?;
    Ok(found.into_iter().filter(|v| v.name == model).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quote_in_the_name_cannot_end_the_filter_string() {
        assert_eq!(name_filter("churn"), "name='churn'");
        assert_eq!(name_filter("o'brien"), r"name='o\'brien'");
        assert_eq!(name_filter("x' OR name='y"), r"name='x\' OR name=\'y'");
    }
}
