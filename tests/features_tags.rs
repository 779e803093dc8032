//! A feature table's Unity Catalog tags (the entity tag assignments API), apart from its
//! properties: read from the simulator (127.0.0.1) for the demo tables, "not readable (why)"
//! when the caller may not read them (403) or the workspace does not offer the API (404
//! `ENDPOINT_NOT_FOUND`) — the detail is still read; pages that are empty yet carry a token are
//! followed, and a server that never stops is cut off after a few pages.

mod client_support;
mod ops_support;

use std::time::Duration;

use client_support::{Reply, Server, options};
use mlops_console::api::{Client, Credentials};
use mlops_console::config::features::FeaturesSettings;
use mlops_console::ops::features::detail::DetailInputs;
use mlops_console::ops::features::read_detail;
use mlops_console::ops::features::tags::{TableTags, Tag, read_tags};
use mlops_console::ops::sql::Waiter;
use mlops_console::sim::{self, SimClock, SimOptions};
use ops_support::client_with;

const CUSTOMER: &str = "main.features.customer_features";
const SUPPORT: &str = "main.features.support_interactions";
const TAGS: &str = "/api/2.1/unity-catalog/entity-tag-assignments/tables/";

fn tag(k: &str, v: Option<&str>) -> Tag {
    Tag {
        key: k.into(),
        value: v.map(Into::into),
    }
}

#[tokio::test]
async fn the_detail_shows_the_tags_or_why_they_are_not_readable() {
    let sim = sim::start(SimOptions {
        clock: SimClock::manual(1_767_225_600_000),
        traffic_rps: 0.0,
        sql_latency: Duration::ZERO,
        ..SimOptions::default()
    })
    .await
    .unwrap();
    let c = client_with(&sim, &sim.token, |_| {});
    let s = FeaturesSettings {
        schemas: vec!["main.features".into()],
        ..FeaturesSettings::default()
    };
    let inputs = DetailInputs {
        settings: &s,
        monitoring_warehouse: None,
        now_ms: sim.clock.now_ms(),
    };
    let d = read_detail(&c, inputs, CUSTOMER, &mut Waiter::real())
        .await
        .unwrap();
    assert_eq!(
        d.tags,
        TableTags::Read {
            tags: vec![
                tag("team", Some("growth")),
                tag("domain", Some("customer")),
                tag("tier", Some("gold")),
            ],
            truncated: false,
        }
    );
    // Tags are not properties.
    assert!(!d.properties.contains_key("team"), "{:?}", d.properties);
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(json["tags"]["status"], "read");
    assert_eq!(json["tags"]["tags"][0]["key"], "team");

    // The caller may not read the stale table's tags: said, and the rest is read.
    let d = read_detail(&c, inputs, SUPPORT, &mut Waiter::real())
        .await
        .unwrap();
    assert_eq!(d.tags.text(), "not readable (permission denied)");
    let TableTags::NotReadable { error, .. } = &d.tags else {
        panic!("{:?}", d.tags);
    };
    assert!(error.contains("PERMISSION_DENIED"), "{error}");
    assert!(!d.columns.is_empty());
    assert!(
        sim.rejected_requests().is_empty(),
        "{:?}",
        sim.rejected_requests()
    );
}

fn client(server: &Server) -> Client {
    Client::new(options(&server.url(), Credentials::Pat("dapi-x".into()))).unwrap()
}

#[tokio::test]
async fn a_workspace_without_the_api_says_so() {
    let server = Server::start(|_, _| {
        Reply::json(
            404,
            r#"{"error_code":"ENDPOINT_NOT_FOUND","message":"No API found for 'GET /unity-catalog/entity-tag-assignments/tables/c.s.t/tags'"}"#,
        )
    })
    .await;
    let tags = read_tags(&client(&server), "c.s.t").await;
    assert_eq!(
        tags.text(),
        "not readable (the workspace does not offer the entity tag API)"
    );
}

#[tokio::test]
async fn empty_pages_with_a_token_are_followed_and_endless_ones_cut_off() {
    let server = Server::start(|seen, n| {
        assert!(seen.path().starts_with(TAGS), "{}", seen.path());
        match n {
            0 => Reply::json(200, r#"{"tag_assignments":[],"next_page_token":"p1"}"#),
            1 => Reply::json(
                200,
                r#"{"tag_assignments":[{"tag_key":"team","tag_value":"growth","entity_type":"tables","entity_name":"c.s.t","source_type":"SOMETHING_NEW"},{"tag_key":"pii"},{"tag_value":"no key"}]}"#,
            ),
            _ => unreachable!(),
        }
    })
    .await;
    let tags = read_tags(&client(&server), "c.s.t").await;
    assert_eq!(
        tags,
        TableTags::Read {
            tags: vec![tag("team", Some("growth")), tag("pii", None)],
            truncated: false,
        }
    );
    assert_eq!(server.count(), 2);

    let endless = Server::start(|_, n| {
        Reply::json(
            200,
            format!(r#"{{"tag_assignments":[{{"tag_key":"k{n}"}}],"next_page_token":"t{n}"}}"#),
        )
    })
    .await;
    let tags = read_tags(&client(&endless), "c.s.t").await;
    let TableTags::Read { tags, truncated } = tags else {
        panic!("{tags:?}");
    };
    assert!(truncated);
    assert_eq!(tags.len(), endless.count());
    assert!(endless.count() <= 10, "{}", endless.count());
}
