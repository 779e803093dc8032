//! Follows `next_page_token` until it is absent. UC can answer an empty page *with* a token, so
//! an empty page is not the end; only a missing or empty token is.
//!
//! A broken or hostile server can hand back the same token forever, or a token no server would
//! issue; every paging loop walks through one [`PageGuard`], which stops it with an error instead.

use std::collections::HashSet;
use std::collections::hash_map::DefaultHasher;
use std::future::Future;
use std::hash::{Hash, Hasher};

use super::error::{ApiError, ApiResult};

/// One page: its items and the token of the next page.
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_page_token: Option<String>,
}

/// Pages one listing may take. Generous: 10,000 pages of even 100 items is a million rows, far
/// beyond what any screen or command reads, yet a server that never stops is stopped in minutes.
pub const MAX_PAGES: usize = 10_000;
/// Longer tokens are refused: real ones are well under a kilobyte, and each is sent back in a URL.
pub const MAX_TOKEN_BYTES: usize = 4096;

/// Watches the tokens of one listing: counts pages, and refuses a token seen before (the server
/// would answer the same pages again, forever), an absurd token, and more than [`MAX_PAGES`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageGuard {
    listing: String,
    pages: usize,
    /// Hashes of the tokens followed so far, so memory stays small with long tokens.
    seen: HashSet<u64>,
}

/// A guard not yet named after its listing (for containers that derive `Default`).
impl Default for PageGuard {
    fn default() -> PageGuard {
        PageGuard::new("a paged listing")
    }
}

impl PageGuard {
    /// A guard for `listing`, named in its errors (e.g. `runs/search`).
    pub fn new(listing: impl Into<String>) -> PageGuard {
        PageGuard {
            listing: listing.into(),
            pages: 0,
            seen: HashSet::new(),
        }
    }

    /// Pages counted so far.
    pub fn pages(&self) -> usize {
        self.pages
    }

    /// Counts one page and checks the token it pointed to: `None` when the listing is done (no
    /// token or an empty one), the token to request next, or an error when it must stop.
    pub fn next(&mut self, token: Option<String>) -> ApiResult<Option<String>> {
        self.pages += 1;
        let Some(token) = token.filter(|t| !t.is_empty()) else {
            return Ok(None);
        };
        if token.len() > MAX_TOKEN_BYTES || token.chars().any(char::is_control) {
            return Err(self.stop(format!(
                "absurd page token ({} bytes) after {} pages",
                token.len(),
                self.pages
            )));
        }
        if !self.seen.insert(hash_of(&token)) {
            return Err(self.stop(format!(
                "the server repeated a page token after {} pages",
                self.pages
            )));
        }
        if self.pages >= MAX_PAGES {
            return Err(self.stop(format!("more than {MAX_PAGES} pages")));
        }
        Ok(Some(token))
    }

    fn stop(&self, why: String) -> ApiError {
        ApiError::Decode {
            path: self.listing.clone(),
            message: format!("{why}; stopped reading"),
        }
    }
}

fn hash_of(token: &str) -> u64 {
    let mut h = DefaultHasher::new();
    token.hash(&mut h);
    h.finish()
}

/// Reads pages of `listing` until the token runs out or `limit` items are collected.
pub async fn collect_pages<T, F, Fut>(
    listing: &str,
    mut fetch: F,
    limit: Option<usize>,
) -> ApiResult<Vec<T>>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = ApiResult<Page<T>>>,
{
    let mut guard = PageGuard::new(listing);
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
        match guard.next(page.next_page_token)? {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listing_ends_at_a_missing_or_empty_token() {
        let mut g = PageGuard::new("x");
        assert_eq!(g.next(Some("a".into())).unwrap(), Some("a".into()));
        assert_eq!(g.next(Some(String::new())).unwrap(), None);
        assert_eq!(PageGuard::new("x").next(None).unwrap(), None);
    }

    #[test]
    fn a_token_seen_before_stops_the_listing() {
        let mut g = PageGuard::new("runs/search");
        g.next(Some("a".into())).unwrap();
        g.next(Some("b".into())).unwrap();
        let e = g.next(Some("a".into())).unwrap_err().to_string();
        assert!(e.contains("runs/search") && e.contains("repeated a page token after 3 pages"));
    }

    #[test]
    fn absurd_tokens_are_refused() {
        let long = "t".repeat(MAX_TOKEN_BYTES + 1);
        assert!(PageGuard::new("x").next(Some(long)).is_err());
        assert!(PageGuard::new("x").next(Some("a\x1b[2J".into())).is_err());
        let longest = "t".repeat(MAX_TOKEN_BYTES);
        assert!(PageGuard::new("x").next(Some(longest)).is_ok());
    }

    #[test]
    fn the_page_cap_stops_a_listing_that_never_ends() {
        let mut g = PageGuard::new("experiments/search");
        for i in 1..MAX_PAGES {
            g.next(Some(i.to_string())).unwrap();
        }
        let e = g.next(Some("last".into())).unwrap_err().to_string();
        assert!(
            e.contains("experiments/search") && e.contains("more than 10000 pages"),
            "{e}"
        );
    }

    #[tokio::test]
    async fn collect_pages_stops_on_a_repeated_token() {
        let mut calls = 0;
        let r: ApiResult<Vec<u8>> = collect_pages(
            "things",
            |_| {
                calls += 1;
                async {
                    Ok(Page {
                        items: vec![1],
                        next_page_token: Some("same".into()),
                    })
                }
            },
            None,
        )
        .await;
        assert!(r.is_err());
        assert_eq!(calls, 2);
    }
}
