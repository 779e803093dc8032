//! Reading a 2xx body as JSON, by the same rules for every call: whether the core decodes it
//! into a type on the runtime, or a caller takes the body undecoded ([`JsonBody`]) and reads it
//! elsewhere (a page of a thousand runs takes milliseconds to decode).

use std::fmt;
use std::sync::Arc;

use serde::de::DeserializeOwned;

use super::Inner;
use super::error_map;
use crate::api::error::{ApiError, ApiResult};

/// A 2xx body not decoded yet. [`JsonBody::decode_with`] reads it with the caller's reader and
/// fails as every other read of the client does (credentials scrubbed from the excerpt).
pub struct JsonBody {
    pub(super) inner: Arc<Inner>,
    pub(super) path: String,
    pub(super) bytes: Vec<u8>,
}

impl JsonBody {
    /// Reads the body with `read`, as [`decode_with`] does; `read` may be called more than once
    /// (as the bytes arrived, then as text), each time from the start.
    pub fn decode_with<R>(
        &self,
        mut read: impl FnMut(&[u8]) -> serde_json::Result<R>,
    ) -> ApiResult<R> {
        self.inner
            .decode_answer_with(&self.path, &self.bytes, &mut read)
    }

    /// A body as `client` would have read it from `path`.
    #[cfg(test)]
    pub(crate) fn for_tests(client: &crate::api::Client, path: &str, bytes: Vec<u8>) -> JsonBody {
        JsonBody {
            inner: client.inner.clone(),
            path: path.to_string(),
            bytes,
        }
    }

    /// The body as it arrived.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl fmt::Debug for JsonBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonBody")
            .field("path", &self.path)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

impl Inner {
    /// A 2xx body read with `read`. When it does not decode, the error quotes an excerpt of the
    /// body without our credentials.
    pub(super) fn decode_answer_with<R>(
        &self,
        path: &str,
        body: &[u8],
        read: &mut impl FnMut(&[u8]) -> serde_json::Result<R>,
    ) -> ApiResult<R> {
        decode_with(path, body, read).map_err(|first| {
            let scrubbed = self.scrub(&String::from_utf8_lossy(body), None);
            match decode_text_with(path, &scrubbed, read) {
                Err(e) => e,
                Ok(_) => first,
            }
        })
    }

    /// A 2xx body as `T` (see [`Inner::decode_answer_with`]).
    pub(super) fn decode_answer<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &[u8],
    ) -> ApiResult<T> {
        self.decode_answer_with(path, body, &mut |b| serde_json::from_slice(b))
    }
}

/// A 2xx body read with `read` from the bytes as they arrived. A body that does not read that
/// way goes through [`decode_text_with`] as text: an empty body, invalid UTF-8 inside a string
/// (replaced by U+FFFD, as a text read always did), and the readable error for HTML or broken
/// JSON.
pub(super) fn decode_with<R>(
    path: &str,
    body: &[u8],
    read: &mut impl FnMut(&[u8]) -> serde_json::Result<R>,
) -> ApiResult<R> {
    read(body).or_else(|_| decode_text_with(path, &String::from_utf8_lossy(body), read))
}

/// A 2xx body read with `read` from text. An empty body reads as `{}` (or `null` for readers
/// that want it): some endpoints answer a successful mutation with nothing.
pub(super) fn decode_text_with<R>(
    path: &str,
    text: &str,
    read: &mut impl FnMut(&[u8]) -> serde_json::Result<R>,
) -> ApiResult<R> {
    let result = if text.trim().is_empty() {
        read(b"{}").or_else(|_| read(b"null"))
    } else {
        read(text.as_bytes())
    };
    result.map_err(|e| decode_error(path, text, &e))
}

/// [`decode_with`] into `T`.
#[cfg(test)]
pub(super) fn decode_bytes<T: DeserializeOwned>(path: &str, body: &[u8]) -> ApiResult<T> {
    decode_with(path, body, &mut |b| serde_json::from_slice(b))
}

/// [`decode_text_with`] into `T`.
#[cfg(test)]
pub(super) fn decode<T: DeserializeOwned>(path: &str, text: &str) -> ApiResult<T> {
    decode_text_with(path, text, &mut |b| serde_json::from_slice(b))
}

/// A short, readable account of an undecodable body; never the whole body.
fn decode_error(path: &str, text: &str, e: &serde_json::Error) -> ApiError {
    let trimmed = text.trim_start();
    let message = if trimmed.starts_with('<') {
        let page = error_map::html_message(trimmed).unwrap_or_default();
        format!("expected JSON, got an HTML page: {page}")
    } else if trimmed.is_empty() {
        format!("empty body: {}", error_map::excerpt(&e.to_string(), 200))
    } else {
        format!(
            "{}; body starts: {}",
            error_map::excerpt(&e.to_string(), 200),
            error_map::excerpt(trimmed, 120)
        )
    };
    ApiError::Decode {
        path: path.to_string(),
        message,
    }
}
