//! The quality view's links without a runtime: a table no rule links says so under its rows
//! and enter explains instead of jumping; a version the endpoint does not serve opens in the
//! registry but has no endpoint for `e`.

mod support;

use crossterm::event::KeyCode;

use mlops_console::app::msg::ResourceKey;
use mlops_console::app::screens::RoomLoaded;
use mlops_console::app::screens::monitoring::{LINKS, Loaded, QUALITY};
use mlops_console::app::{Payload, ScreenRoute};
use mlops_console::ops::metric_tables::{TableColumn, WarehouseUsed, Window};
use mlops_console::ops::monitors::link::{EndpointLink, LinkSource, Served, TableLinks, UNLINKED};
use mlops_console::ops::quality::{QualityPoint, QualityReport, VersionQuality, quality_metrics};
use support::{Driver, session};

fn report() -> QualityReport {
    let cols = [TableColumn {
        name: "accuracy_score".into(),
        data_type: "double".into(),
    }];
    QualityReport {
        table: "main.ml.t_profile_metrics".into(),
        warehouse: WarehouseUsed {
            id: "w".into(),
            name: "Shared".into(),
        },
        model_column: Some("model_id".into()),
        metrics: quality_metrics(&cols, None).unwrap(),
        windows: vec![Window {
            start: "2026-12-06T00:00:00Z".into(),
            end: "2026-12-07T00:00:00Z".into(),
        }],
        versions: ["4", "6"]
            .iter()
            .map(|v| VersionQuality {
                version: v.to_string(),
                points: vec![QualityPoint {
                    window: 0,
                    count: Some(100),
                    values: vec![Some(0.8)],
                }],
                latest: vec![Some(0.8)],
                change: vec![None],
            })
            .collect(),
    }
}

fn quality_view(links: TableLinks) -> Driver {
    let mut d = Driver::new(session());
    d.char(':');
    d.type_text("mon main.ml.t");
    d.key(KeyCode::Enter);
    let q = d.req(ResourceKey::Room(QUALITY));
    let l = d.req(ResourceKey::Room(LINKS));
    d.answer(
        q,
        Payload::Room(RoomLoaded::Monitoring(Loaded::Quality(Ok(Box::new(
            report(),
        ))))),
    );
    d.answer(
        l,
        Payload::Room(RoomLoaded::Monitoring(Loaded::Links(Ok(Box::new(links))))),
    );
    d.char('v');
    d
}

#[test]
fn an_unlinked_table_says_how_to_link_it_and_enter_explains() {
    let mut d = quality_view(TableLinks {
        table: "main.ml.t".into(),
        ..TableLinks::default()
    });
    let text = d.screen_text(140, 36);
    assert!(text.contains(UNLINKED), "{text}");
    assert!(text.contains("not linked"), "{text}");
    d.key(KeyCode::Enter);
    assert!(matches!(d.state.route(), ScreenRoute::Monitor { .. }));
    let toast = d.state.toasts.last().expect("a toast says why");
    assert_eq!(toast.text, UNLINKED);
}

#[test]
fn a_version_not_served_opens_in_the_registry_but_has_no_endpoint() {
    let mut d = quality_view(TableLinks {
        table: "main.ml.t".into(),
        endpoints: vec![EndpointLink {
            endpoint: "churn-prod".into(),
            source: LinkSource::Config,
            served: vec![Served {
                entity: "churn_model-4".into(),
                model: "main.ml.churn_model".into(),
                version: "4".into(),
                traffic: Some(100),
            }],
            error: None,
        }],
        notes: Vec::new(),
    });
    let text = d.screen_text(140, 36);
    assert!(text.contains("churn_model v4 · churn-prod 100%"), "{text}");
    assert!(text.contains("churn_model v6 · not served"), "{text}");
    assert!(!text.contains(UNLINKED), "{text}");
    d.char('j');
    d.char('e');
    assert!(matches!(d.state.route(), ScreenRoute::Monitor { .. }));
    let toast = d.state.toasts.last().expect("a toast says why");
    assert!(
        toast.text.contains("no linked endpoint serves it"),
        "{}",
        toast.text
    );
    d.key(KeyCode::Enter);
    assert!(matches!(
        d.state.route(),
        ScreenRoute::ModelDetail { name, .. } if name == "main.ml.churn_model"
    ));
    assert_eq!(d.state.models.focus_version.as_deref(), Some("6"));
}
