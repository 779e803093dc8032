//! Opaque page tokens and page slicing.
//!
//! Tokens are base64 of a small JSON object, like OSS MLflow's `{"offset": N}` (the
//! `metrics-get-history-paged.json` sample decodes to exactly that), so tokens from this server
//! look like the real thing. Clients must treat them as opaque.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

use super::errors::{ApiError, ApiResult};

/// Encodes a JSON object as a page token. Python's `json.dumps` puts a space after `:` and `,`,
/// and OSS tokens are made that way, so ours are too.
pub(crate) fn encode(fields: &[(&str, i64)]) -> String {
    let inner: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("\"{k}\": {v}"))
        .collect();
    STANDARD.encode(format!("{{{}}}", inner.join(", ")))
}

/// Decodes a token made by [`encode`] into its object; wording of errors follows OSS MLflow.
pub(crate) fn decode(token: &str) -> ApiResult<serde_json::Map<String, Value>> {
    let bytes = STANDARD
        .decode(token.trim())
        .map_err(|_| ApiError::invalid("Invalid page token, could not base64-decode"))?;
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(ApiError::invalid(format!(
            "Invalid page token, decoded value={}",
            String::from_utf8_lossy(&bytes)
        ))),
    }
}

/// Reads a non-negative integer field of a decoded token.
pub(crate) fn field(token: &serde_json::Map<String, Value>, key: &str) -> ApiResult<usize> {
    token
        .get(key)
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| {
            ApiError::invalid(format!(
                "Invalid page token, parsed value={}",
                Value::Object(token.clone())
            ))
        })
}

/// The offset in an `{"offset": N}` token; no token means the start.
pub(crate) fn offset(token: Option<&str>) -> ApiResult<usize> {
    match token {
        None => Ok(0),
        Some(t) if t.trim().is_empty() => Ok(0),
        Some(t) => field(&decode(t)?, "offset"),
    }
}

/// One page of `items` from `offset`, with the token of the next page when more remain.
pub(crate) fn page<T: Clone>(items: &[T], offset: usize, size: usize) -> (Vec<T>, Option<String>) {
    let start = offset.min(items.len());
    let end = start.saturating_add(size).min(items.len());
    let next = (end < items.len()).then(|| encode(&[("offset", end as i64)]));
    (items[start..end].to_vec(), next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_match_the_oss_encoding() {
        // The token in the OSS sample `metrics-get-history-paged.json`.
        assert_eq!(encode(&[("offset", 2)]), "eyJvZmZzZXQiOiAyfQ==");
        assert_eq!(offset(Some("eyJvZmZzZXQiOiAyfQ==")).unwrap(), 2);
        assert_eq!(offset(None).unwrap(), 0);
    }

    #[test]
    fn bad_tokens_are_400() {
        assert!(offset(Some("!!!")).is_err());
        assert!(offset(Some(&STANDARD.encode("[1]"))).is_err());
        assert!(offset(Some(&STANDARD.encode("{\"x\": 1}"))).is_err());
    }

    #[test]
    fn pages_cover_everything_once() {
        let items: Vec<u32> = (0..5).collect();
        let (a, t) = page(&items, 0, 2);
        assert_eq!(a, vec![0, 1]);
        let (b, t) = page(&items, offset(t.as_deref()).unwrap(), 2);
        assert_eq!(b, vec![2, 3]);
        let (c, t) = page(&items, offset(t.as_deref()).unwrap(), 2);
        assert_eq!(c, vec![4]);
        assert!(t.is_none());
        let (d, t) = page(&items, 9, 2);
        assert!(d.is_empty() && t.is_none());
    }
}
