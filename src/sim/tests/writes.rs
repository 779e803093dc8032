//! Shared helpers of the registry-write tests: requests with either token and any method.

use reqwest::Method;
use serde_json::Value;

use super::{TestSim, decode};

/// Which demo principal sends a request.
#[derive(Clone, Copy)]
pub(super) enum Who {
    Owner,
    NonOwner,
}

impl TestSim {
    /// `method path` with `who`'s token, a query and an optional JSON body.
    pub(super) async fn call(
        &self,
        who: Who,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<Value>,
    ) -> (u16, Value) {
        let token = match who {
            Who::Owner => &self.sim.token,
            Who::NonOwner => &self.sim.nonowner_token,
        };
        let mut req = self
            .http
            .request(method, self.url(path))
            .bearer_auth(token)
            .query(query);
        if let Some(b) = body {
            req = req.json(&b);
        }
        decode(req.send().await.expect("request")).await
    }

    /// A 200 answer's body with the owner token; panics with the body otherwise.
    pub(super) async fn ok(&self, method: Method, path: &str, body: Value) -> Value {
        let (status, answer) = self
            .call(Who::Owner, method.clone(), path, &[], Some(body.clone()))
            .await;
        assert_eq!(status, 200, "{method} {path} {body}: {answer}");
        answer
    }
}
