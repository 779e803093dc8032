//! The public request verbs of [`Client`]: thin wrappers that describe a call and hand it to
//! the core in `http.rs`.

use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::retry::Replay;
use super::{Body, Call, CallAuth, JSON, JsonBody, TEXT, readonly, setup};
use crate::api::client::Client;
use crate::api::error::ApiResult;

fn json_body<B: Serialize + ?Sized>(path: &str, body: &B) -> ApiResult<Body> {
    serde_json::to_vec(body)
        .map(Body::Json)
        .map_err(|e| setup(format!("cannot encode the request body for {path}: {e}")))
}

impl Client {
    fn call<'a>(
        method: Method,
        path: &'a str,
        query: &'a [(&'a str, String)],
        body: Body,
    ) -> Call<'a> {
        // Reads may be repeated after a lost answer; every other call is a change and is not.
        let replay = if readonly::is_read_only_call(method.as_str(), path) {
            Replay::Safe
        } else {
            Replay::Never
        };
        Call {
            method,
            path,
            url: None,
            auth: CallAuth::Client,
            query,
            body,
            accept: JSON,
            keep_headers: &[],
            replay,
            fixed_read: false,
        }
    }

    /// `GET path?query` decoded as `T`.
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> ApiResult<T> {
        let call = Self::call(Method::GET, path, query, Body::Empty);
        self.inner.json(call).await
    }

    /// `POST path` with a JSON body, decoded as `T`. Refused in read-only mode unless the path
    /// is on the read-only allow list (searches).
    pub async fn post_json<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> ApiResult<T> {
        let call = Self::call(Method::POST, path, &[], json_body(path, body)?);
        self.inner.json(call).await
    }

    /// [`Client::post_json`] with the 2xx body left undecoded, for a caller that reads it off
    /// the runtime (see [`JsonBody`]).
    pub async fn post_json_body<B: Serialize + ?Sized>(
        &self,
        path: &str,
        body: &B,
    ) -> ApiResult<JsonBody> {
        let call = Self::call(Method::POST, path, &[], json_body(path, body)?);
        let bytes = self.inner.execute(call).await?;
        Ok(JsonBody {
            inner: self.inner.clone(),
            path: path.to_string(),
            bytes,
        })
    }

    /// [`Client::post_json`] for a change that carries an idempotency key the server honours
    /// (jobs `run-now` with `idempotency_token`): it is repeated after a lost answer like a
    /// read, because a repeat answers with what the first request did.
    pub async fn post_json_keyed<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> ApiResult<T> {
        let mut call = Self::call(Method::POST, path, &[], json_body(path, body)?);
        call.replay = Replay::Keyed;
        self.inner.json(call).await
    }

    /// `POST path` for one of the console's own fixed read statements (`api::sql_fixed`): allowed
    /// on read-only clients, and repeated after a lost answer like a read (the statement only
    /// reads; a repeat runs it again).
    pub(crate) async fn post_json_fixed_read<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> ApiResult<T> {
        let mut call = Self::call(Method::POST, path, &[], json_body(path, body)?);
        call.replay = Replay::Safe;
        call.fixed_read = true;
        self.inner.json(call).await
    }

    /// `PUT path` with a JSON body, decoded as `T`. Refused in read-only mode.
    pub async fn put_json<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> ApiResult<T> {
        let call = Self::call(Method::PUT, path, &[], json_body(path, body)?);
        self.inner.json(call).await
    }

    /// `PATCH path` with a JSON body, decoded as `T`. Refused in read-only mode.
    pub async fn patch_json<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> ApiResult<T> {
        let call = Self::call(Method::PATCH, path, &[], json_body(path, body)?);
        self.inner.json(call).await
    }

    /// `PATCH path?query` with a JSON body (e.g. an `update_mask`), decoded as `T`. Refused in
    /// read-only mode.
    pub async fn patch_json_query<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
        body: &B,
    ) -> ApiResult<T> {
        let call = Self::call(Method::PATCH, path, query, json_body(path, body)?);
        self.inner.json(call).await
    }

    /// `DELETE path?query` (the Databricks convention), decoded as `T` (`{}` or empty bodies
    /// decode into `serde_json::Value` or any all-default struct). Refused in read-only mode.
    pub async fn delete_json<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> ApiResult<T> {
        let call = Self::call(Method::DELETE, path, query, Body::Empty);
        self.inner.json(call).await
    }

    /// `DELETE path` with a JSON body: OSS `mlflow server` reads DELETE parameters only from the
    /// body (e.g. alias delete). Refused in read-only mode.
    pub async fn delete_json_body<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> ApiResult<T> {
        let call = Self::call(Method::DELETE, path, &[], json_body(path, body)?);
        self.inner.json(call).await
    }

    /// `POST path` with a JSON body, decoded as `T`, with the values of the response headers
    /// named in `headers` (those present). Read-only rules as for [`Client::post_json`].
    pub async fn post_json_with_headers<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        headers: &'static [&'static str],
    ) -> ApiResult<(T, Vec<(String, String)>)> {
        let mut call = Self::call(Method::POST, path, &[], json_body(path, body)?);
        call.keep_headers = headers;
        let answer = self.inner.execute_full(call).await?;
        let value = self.inner.decode_answer(path, &answer.body)?;
        Ok((value, answer.headers))
    }

    /// `GET path?query` as text, with `Accept: text/plain` (the serving metrics endpoint answers
    /// in Prometheus exposition format).
    pub async fn get_text(&self, path: &str, query: &[(&str, String)]) -> ApiResult<String> {
        let mut call = Self::call(Method::GET, path, query, Body::Empty);
        call.accept = TEXT;
        let body = self.inner.execute(call).await?;
        Ok(String::from_utf8(body)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    }
}
