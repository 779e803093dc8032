//! The stale-features marker through `update`: the lineage is asked for from what the listed
//! endpoints serve (once the list is there, not before), its answer marks the endpoints whose
//! served versions use a stale table, a change of what they serve asks again, and a failed
//! read marks nothing. Fixed clock, no network.

mod support;

use mlops_console::app::remote::RequestId;
use mlops_console::app::screens::feature_lineage::{
    EndpointsServed, Fetch as LineageFetch, Loaded, MARKS,
};
use mlops_console::app::screens::{RoomFetch, RoomLoaded};
use mlops_console::app::{Fetch, Msg, Payload, ResourceKey};
use mlops_console::ops::feature_lineage::endpoint::assemble;
use mlops_console::ops::feature_lineage::reads::VersionDeps;
use mlops_console::ops::feature_lineage::{Freshness, TableState};
use support::*;

const H: i64 = 3_600_000;
const SUPPORT: &str = "main.features.support_interactions";
const CUSTOMER: &str = "main.features.customer_features";

fn deps(version: &str, tables: &[&str]) -> VersionDeps {
    VersionDeps {
        model: "main.ml.churn_model".into(),
        version: version.into(),
        tables: tables.iter().map(|t| t.to_string()).collect(),
        functions: Vec::new(),
        error: None,
        note: None,
    }
}

fn table(name: &str, age_h: i64) -> TableState {
    TableState {
        table: name.into(),
        updated_at: Some(NOW - age_h * H),
        freshness: if age_h > 24 {
            Freshness::Stale { age_ms: age_h * H }
        } else {
            Freshness::Fresh { age_ms: age_h * H }
        },
        online: Vec::new(),
        error: None,
    }
}

/// The lineage fetch among the last effects: its request and what it asks for.
fn lineage_fetch(d: &Driver) -> Option<(RequestId, EndpointsServed)> {
    let req = d.try_req(ResourceKey::Room(MARKS))?;
    match d.fetch_of(ResourceKey::Room(MARKS))? {
        Fetch::Room(RoomFetch::FeatureLineage(LineageFetch::Endpoints { served, .. })) => {
            Some((req, served))
        }
        other => panic!("not the lineage of endpoints: {other:?}"),
    }
}

/// Answers the endpoint list in flight.
fn list(d: &mut Driver, eps: Vec<mlops_console::api::models::serving::ServingEndpoint>) {
    let req = d
        .state
        .serving
        .endpoints
        .pending
        .expect("the list is asked for");
    d.answer(req, Payload::ServingEndpoints(Ok(eps)));
}

#[test]
fn the_marker_follows_the_lineage_of_what_endpoints_serve() {
    let mut d = Driver::new(session());
    d.char('5');
    assert!(
        lineage_fetch(&d).is_none(),
        "nothing to ask before the list"
    );
    let fraud = {
        let mut e = churn_prod(100, false);
        e.name = "fraud-scoring".into();
        e.config.as_mut().unwrap().served_entities.truncate(1);
        // All its traffic to v4, whose tables are fresh.
        e.config.as_mut().unwrap().served_entities[0].name = "churn_model-4".into();
        e
    };
    list(&mut d, vec![churn_prod(90, false), fraud]);
    let (req, served) = lineage_fetch(&d).expect("asked for as the list arrives");
    assert_eq!(served[0].0, "churn-prod");
    let versions: Vec<(&str, i64)> = served[0]
        .1
        .iter()
        .map(|(_, _, v, p)| (v.as_str(), *p))
        .collect();
    assert_eq!(versions, [("4", 90), ("5", 10)]);

    let d4 = deps("4", &[CUSTOMER]);
    let d5 = deps("5", &[CUSTOMER, SUPPORT]);
    let tables = [table(CUSTOMER, 1), table(SUPPORT, 52)];
    let answer: Vec<_> = served
        .iter()
        .map(|(n, s)| assemble(n, s, &[d4.clone(), d5.clone()], &tables))
        .collect();
    d.answer(
        req,
        Payload::Room(RoomLoaded::FeatureLineage(Loaded::Endpoints(answer))),
    );
    let text = d.screen_text(140, 10);
    assert!(text.contains("churn-prod ▲ stale features"), "{text}");
    insta::assert_snapshot!("serving_list_stale_features", text);
    // fraud-scoring serves v4 only (fresh tables): no marker.
    let fraud_line = text.lines().find(|l| l.contains("fraud-scoring")).unwrap();
    assert!(!fraud_line.contains("stale"), "{fraud_line}");

    // Not asked again on the next ticks while nothing changed...
    d.send(Msg::Tick {
        now_ms: NOW + 20_000,
    });
    assert!(lineage_fetch(&d).is_none());
    // ...but at once when what the endpoints serve changes (v5 taken out of churn-prod): the
    // list is read again every 10 s, the lineage only every minute.
    list(&mut d, vec![churn_prod(100, false)]);
    let (req, served) = lineage_fetch(&d).expect("asked again for the new split");
    let shares: Vec<i64> = served[0].1.iter().map(|(_, _, _, p)| *p).collect();
    assert_eq!(shares, [100, 0]);
    // v5 still uses the stale table but takes no traffic: nothing live is hurt, no marker.
    let answer: Vec<_> = served
        .iter()
        .map(|(n, s)| assemble(n, s, &[d4.clone(), d5.clone()], &tables))
        .collect();
    d.answer(
        req,
        Payload::Room(RoomLoaded::FeatureLineage(Loaded::Endpoints(answer))),
    );
    assert!(!d.state.feature_lineage.endpoint_stale("churn-prod"));
    assert!(!d.screen_text(140, 10).contains("stale features"));
}

#[test]
fn a_failed_lineage_read_marks_nothing() {
    let mut d = Driver::new(session());
    d.char('5');
    list(&mut d, vec![churn_prod(90, false)]);
    let (req, _) = lineage_fetch(&d).expect("asked");
    d.send(Msg::TaskFailed {
        key: ResourceKey::Room(MARKS),
        req,
        at_ms: NOW + 1_500,
        message: "boom".into(),
    });
    assert!(!d.state.feature_lineage.endpoint_stale("churn-prod"));
    assert!(!d.screen_text(140, 10).contains("stale features"));
}
