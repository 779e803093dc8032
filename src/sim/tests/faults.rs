//! Injected faults over real connections: scripted answers, real TCP resets, seeded randomness.

use std::io::ErrorKind;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::*;
use crate::sim::{FaultSpec, ScriptedFault};

const ME: &str = "/api/2.0/preview/scim/v2/Me";

#[tokio::test]
async fn scripted_faults_hit_the_next_authenticated_requests_in_order() {
    let t = sim().await;
    t.sim.script_faults(vec![
        ScriptedFault::TooManyRequests {
            retry_after: Some("3".into()),
        },
        ScriptedFault::Html { status: 502 },
        ScriptedFault::PlainText {
            status: 503,
            body: "upstream connect error".into(),
        },
        ScriptedFault::Empty { status: 504 },
        ScriptedFault::Status(500),
        ScriptedFault::TooManyRequests { retry_after: None },
    ]);
    // An unauthenticated request gets its 401 and consumes nothing.
    let anon = t.http.get(t.url(ME)).send().await.unwrap();
    assert_eq!(anon.status().as_u16(), 401);

    let send = || t.http.get(t.url(ME)).bearer_auth(&t.sim.token).send();
    let r = send().await.unwrap();
    assert_eq!(r.status().as_u16(), 429);
    assert_eq!(r.headers()["retry-after"], "3");
    let (_, body) = decode(r).await;
    assert_error(&body, "REQUEST_LIMIT_EXCEEDED");

    let r = send().await.unwrap();
    assert_eq!(r.status().as_u16(), 502);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = r.text().await.unwrap();
    assert!(
        html.contains("<pre>    Bad Gateway</pre>") && html.contains("HTTP ERROR 502"),
        "{html}"
    );

    let r = send().await.unwrap();
    assert_eq!(r.status().as_u16(), 503);
    assert_eq!(r.text().await.unwrap(), "upstream connect error");

    let r = send().await.unwrap();
    assert_eq!(r.status().as_u16(), 504);
    assert_eq!(r.bytes().await.unwrap().len(), 0);

    let (status, body) = decode(send().await.unwrap()).await;
    assert_eq!(status, 500);
    assert_error(&body, "INTERNAL_ERROR");

    let r = send().await.unwrap();
    assert_eq!(r.status().as_u16(), 429);
    assert!(r.headers().get("retry-after").is_none());

    // The script is used up: back to normal.
    let (status, body) = decode(send().await.unwrap()).await;
    assert_eq!(
        (status, body["userName"].as_str()),
        (200, Some("ml-eng@acme.com"))
    );
    let faults: Vec<_> = t
        .sim
        .request_log()
        .into_iter()
        .filter_map(|r| r.fault)
        .collect();
    assert_eq!(faults.len(), 6);
}

#[tokio::test]
async fn reset_drops_the_connection_without_an_answer() {
    let t = sim().await;
    t.sim.script_faults(vec![ScriptedFault::Reset]);
    let err = t
        .http
        .get(t.url(ME))
        .bearer_auth(&t.sim.token)
        .send()
        .await
        .expect_err("a reset is a transport error, not a response");
    assert!(!err.is_timeout(), "{err:?}");
    assert!(err.status().is_none());
    // The next request (on a fresh connection) is fine.
    let (status, _) = t.get(ME, &[]).await;
    assert_eq!(status, 200);
    let log = t.sim.request_log();
    assert_eq!(log[0].fault.as_deref(), Some("reset"));
    assert_eq!(log[0].status, None);
}

#[tokio::test]
async fn reset_is_a_tcp_rst_on_the_wire() {
    let t = sim().await;
    t.sim.script_faults(vec![ScriptedFault::Reset]);
    let addr = t.sim.base_url.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let request = format!(
        "GET {ME} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\n\r\n",
        t.sim.token
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    let outcome = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        stream.read_to_end(&mut buf),
    )
    .await
    .expect("the server closes the connection promptly");
    match outcome {
        Err(e) => assert_eq!(e.kind(), ErrorKind::ConnectionReset),
        // Some kernels report the RST as a plain EOF when nothing was buffered.
        Ok(n) => assert_eq!(n, 0, "no answer bytes: {:?}", String::from_utf8_lossy(&buf)),
    }
    assert!(buf.is_empty());
}

async fn statuses(seed: u64, n: usize) -> Vec<Option<u16>> {
    let t = sim_with(SimOptions {
        faults: FaultSpec::parse("500=0.3,429=0.2,reset=0.1,latency=1..3ms").unwrap(),
        ..manual(seed)
    })
    .await;
    let mut out = Vec::new();
    for _ in 0..n {
        let r = t.http.get(t.url(ME)).bearer_auth(&t.sim.token).send().await;
        out.push(r.ok().map(|r| r.status().as_u16()));
    }
    out
}

#[tokio::test]
async fn random_faults_repeat_for_a_seed() {
    let a = statuses(9, 40).await;
    assert_eq!(a, statuses(9, 40).await);
    assert_ne!(a, statuses(10, 40).await);
    for code in [Some(200), Some(500), Some(429), None] {
        assert!(a.contains(&code), "{code:?} should occur in {a:?}");
    }
}
