//! HTTP core: auth header, timeouts, retries, error mapping, read-only refusal.
//! (Skeleton: the implementation lands with the client core.)

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::client::{Client, ClientOptions};
use super::error::ApiResult;

pub(crate) struct Inner {
    options: ClientOptions,
}

impl Inner {
    pub(crate) fn new(options: ClientOptions) -> ApiResult<Inner> {
        Ok(Inner { options })
    }
    pub(crate) fn host(&self) -> &str {
        &self.options.host
    }
    pub(crate) fn readonly(&self) -> bool {
        self.options.readonly
    }
    pub(crate) fn in_flight(&self) -> usize {
        0
    }
}

impl Client {
    /// `GET path?query` decoded as `T`.
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> ApiResult<T> {
        let _ = (path, query);
        todo!("client core")
    }

    /// `POST path` with a JSON body, decoded as `T`. Refused in read-only mode unless the path
    /// is on the read-only allow list (searches).
    pub async fn post_json<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> ApiResult<T> {
        let _ = (path, body);
        todo!("client core")
    }
}
