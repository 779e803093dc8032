//! Follows `next_page_token` until it is absent. UC can answer an empty page *with* a token, so
//! an empty page is not the end; only a missing or empty token is.

use std::future::Future;

use super::error::ApiResult;

/// One page: its items and the token of the next page.
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_page_token: Option<String>,
}

/// Reads pages until the token runs out or `limit` items are collected.
pub async fn collect_pages<T, F, Fut>(mut fetch: F, limit: Option<usize>) -> ApiResult<Vec<T>>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = ApiResult<Page<T>>>,
{
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = fetch(token.take()).await?;
        out.extend(page.items);
        if let Some(l) = limit
            && out.len() >= l
        {
            out.truncate(l);
            break;
        }
        match page.next_page_token {
            Some(t) if !t.is_empty() => token = Some(t),
            _ => break,
        }
    }
    Ok(out)
}
