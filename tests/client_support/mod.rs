//! Scripted HTTP servers on 127.0.0.1 for the client tests: each records what it received and
//! answers from a closure, so a test states the server's behaviour next to its assertions.

#![allow(dead_code)] // each test crate uses a different part of this

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use mlops_console::api::{ClientOptions, Credentials, RetryPolicy};

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// As sent on the request line: origin-form (`/path?q`) or absolute-form via a proxy.
    pub uri: String,
    pub headers: HeaderMap,
    pub body: String,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn path(&self) -> &str {
        let no_query = self.uri.split('?').next().unwrap_or("");
        // Absolute-form (`http://host:port/path`) keeps only the path.
        match no_query.split_once("://") {
            Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
            None => no_query,
        }
    }
}

/// What the server does with a request.
pub enum Reply {
    Respond {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: String,
    },
    /// Never answers (for timeouts and cancellation).
    Hang,
    /// A 200 whose body never ends (for the response size limit).
    Endless,
}

impl Reply {
    pub fn json(status: u16, body: impl Into<String>) -> Reply {
        Reply::Respond {
            status,
            headers: vec![("content-type", "application/json".into())],
            body: body.into(),
        }
    }

    pub fn with_type(status: u16, content_type: &str, body: impl Into<String>) -> Reply {
        Reply::Respond {
            status,
            headers: vec![("content-type", content_type.to_string())],
            body: body.into(),
        }
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        if let Reply::Respond { headers, .. } = &mut self {
            headers.push((name, value.into()));
        }
        self
    }
}

type Script = dyn Fn(&Seen, usize) -> Reply + Send + Sync;

struct Shared {
    script: Box<Script>,
    seen: Mutex<Vec<Seen>>,
}

/// A running scripted server.
pub struct Server {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
}

impl Server {
    /// Answers each request with `script(request, index)`, index counting from 0.
    pub async fn start(script: impl Fn(&Seen, usize) -> Reply + Send + Sync + 'static) -> Server {
        let shared = Arc::new(Shared {
            script: Box::new(script),
            seen: Mutex::new(Vec::new()),
        });
        let app = Router::new().fallback(handle).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Server { addr, shared }
    }

    /// Answers with `replies` in order, then with `last` forever.
    pub async fn sequence(replies: Vec<(u16, &'static str)>, last: (u16, &'static str)) -> Server {
        Server::start(move |_, i| {
            let (status, body) = replies.get(i).copied().unwrap_or(last);
            Reply::json(status, body)
        })
        .await
    }

    /// A tracking server with one experiment, `e` (id 7), found by name; `rest` answers every
    /// other request.
    pub async fn one_experiment(
        rest: impl Fn(&Seen, usize) -> Reply + Send + Sync + 'static,
    ) -> Server {
        Server::start(move |seen, i| match seen.path() {
            "/api/2.0/mlflow/experiments/get-by-name" => Reply::json(
                200,
                r#"{"experiment": {"experiment_id": "7", "name": "e"}}"#,
            ),
            _ => rest(seen, i),
        })
        .await
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.shared.seen.lock().unwrap().clone()
    }

    pub fn count(&self) -> usize {
        self.shared.seen.lock().unwrap().len()
    }

    pub fn count_path(&self, path: &str) -> usize {
        self.seen().iter().filter(|s| s.path() == path).count()
    }
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let seen = Seen {
        method: method.to_string(),
        uri: uri.to_string(),
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    let index = {
        let mut all = shared.seen.lock().unwrap();
        all.push(seen.clone());
        all.len() - 1
    };
    match (shared.script)(&seen, index) {
        Reply::Respond {
            status,
            headers,
            body,
        } => {
            let mut response = (StatusCode::from_u16(status).unwrap(), body).into_response();
            for (name, value) in headers {
                response.headers_mut().insert(name, value.parse().unwrap());
            }
            response
        }
        Reply::Hang => std::future::pending().await,
        Reply::Endless => {
            let chunk = Bytes::from(vec![b' '; 64 * 1024]);
            let stream = futures::stream::repeat_with(move || {
                Ok::<_, std::convert::Infallible>(chunk.clone())
            });
            (StatusCode::OK, axum::body::Body::from_stream(stream)).into_response()
        }
    }
}

/// Options for tests: retries wait milliseconds, never seconds, and nothing is left to jitter.
pub fn options(url: &str, credentials: Credentials) -> ClientOptions {
    let mut o = ClientOptions::new(url, credentials);
    o.retry_policy = RetryPolicy::scaled(Duration::from_millis(1));
    o.retry_budget = Duration::from_secs(20);
    o.connect_timeout = Duration::from_secs(5);
    o.request_timeout = Duration::from_secs(20);
    o
}

/// A loopback port with nothing listening on it.
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Asserts that no text form of `err` contains `secret`.
pub fn assert_hidden(err: &impl std::fmt::Debug, shown: &str, secret: &str) {
    let debug = format!("{err:?}");
    assert!(!shown.contains(secret), "Display leaks {secret}: {shown}");
    assert!(!debug.contains(secret), "Debug leaks {secret}: {debug}");
}
