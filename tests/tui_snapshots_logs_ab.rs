//! Snapshots of the logs and A/B views (fixed clock, fixture endpoint, scrapes and logs): the
//! server log with a search highlighted, the build log, the A/B view with a minute of data and
//! with too little. Plus no-panic renders at sizes from 1x1 to 200x60.

mod support;

use crossterm::event::KeyCode;
use mlops_console::app::screens::ab;
use mlops_console::theme::Role;
use ratatui::style::Modifier;
use support::logs::{build_log, server_log};
use support::*;

const SIZES: [(u16, u16); 6] = [(1, 1), (2, 2), (10, 3), (20, 5), (80, 24), (200, 60)];

fn logs_with_search() -> Driver {
    let mut d = Driver::new(session());
    d.open_endpoint(churn_prod(90, false), 3);
    d.char('l');
    d.answer_logs(Ok(server_log(0)), Ok(build_log()));
    d.char('/');
    d.type_text("warn");
    d.key(KeyCode::Enter);
    d.char('n');
    d
}

fn build_logs_open() -> Driver {
    let mut d = Driver::new(session());
    d.open_endpoint(churn_prod(90, false), 3);
    d.char('l');
    d.answer_logs(Ok(server_log(0)), Ok(build_log()));
    d.key(KeyCode::Tab);
    d.answer_logs(Ok(server_log(0)), Ok(build_log()));
    d
}

fn ab_view(scrapes: i64) -> Driver {
    let mut d = Driver::new(session());
    d.open_endpoint(churn_prod(90, false), scrapes);
    d.char('A');
    d
}

#[test]
fn server_logs_with_a_search_highlighted() {
    let d = logs_with_search();
    assert_eq!(d.state.logs.server.view.selected, 10);
    let terminal = d.render(100, 30);
    let buf = terminal.backend().buffer();
    let theme = &d.state.theme;
    let highlight = theme.style(Role::MatchHighlight);
    // The matched text is highlighted on every matching line, the cursor line included; the
    // rest of a line is not.
    for (row, selected) in [(3u16, false), (10, true)] {
        let cells: Vec<&str> = (0..100).map(|x| buf[(x, row)].symbol()).collect();
        let line = cells.concat();
        let at = cells
            .windows(4)
            .position(|w| w.concat() == "WARN")
            .expect("a matching line") as u16;
        let cell = &buf[(at, row)];
        assert_eq!(cell.fg, highlight.fg.unwrap(), "row {row}: {line}");
        assert!(cell.modifier.contains(Modifier::UNDERLINED));
        let after = &buf[(at + 6, row)];
        assert!(!after.modifier.contains(Modifier::UNDERLINED), "row {row}");
        if selected {
            assert_eq!(cell.bg, theme.style(Role::Selected).bg.unwrap());
        }
    }
    insta::assert_snapshot!("logs_search_100x30", terminal.backend());
}

#[test]
fn build_logs_switched_with_tab() {
    insta::assert_snapshot!(
        "logs_build_100x20",
        build_logs_open().render(100, 20).backend()
    );
}

#[test]
fn ab_view_with_a_minute_of_data() {
    let d = ab_view(31);
    let c = ab::comparison(&d.state).expect("both entities have a window");
    assert_eq!(c.a.entity, "churn_model-4");
    assert!(c.a.requests > 2_000 && c.b.requests > 200, "{c:?}");
    insta::assert_snapshot!("ab_minute_120x36", d.render(120, 36).backend());
}

#[test]
fn ab_view_with_too_little_data() {
    let d = ab_view(3);
    let c = ab::comparison(&d.state).expect("two scrapes make a window");
    assert_eq!(c.outcome, ab::AbOutcome::Undecided);
    insta::assert_snapshot!("ab_little_data_100x30", d.render(100, 30).backend());
}

#[test]
fn no_panic_at_any_size() {
    let mut searching = logs_with_search();
    searching.char('/');
    for d in [
        logs_with_search(),
        searching,
        build_logs_open(),
        ab_view(31),
        ab_view(1),
    ] {
        for (w, h) in SIZES {
            d.render(w, h);
        }
    }
}

#[test]
fn ab_view_with_a_quality_row() {
    use mlops_console::app::screens::RoomLoaded;
    use mlops_console::app::screens::ab::quality::{AbQuality, Loaded, QUALITY, SideQuality};
    use mlops_console::app::{Payload, ResourceKey};

    // churn-prod logging into an inference table through the AI Gateway.
    let mut v = serde_json::to_value(churn_prod(90, false)).unwrap();
    v["ai_gateway"] = serde_json::json!({"inference_table_config": {
        "catalog_name": "main", "schema_name": "ml", "table_name_prefix": "churn_prod",
        "enabled": true
    }});
    let mut d = Driver::new(session());
    d.open_endpoint(serde_json::from_value(v).unwrap(), 31);
    d.char('A');
    let req = d.req(ResourceKey::Room(QUALITY));
    let fetch = d
        .state
        .ab
        .quality_of
        .clone()
        .expect("the row was asked for");
    d.answer(
        req,
        Payload::Room(RoomLoaded::Ab(Loaded {
            fetch,
            result: Ok(AbQuality::Values {
                metric: "accuracy_score".into(),
                monitored: "main.ml.churn_inference".into(),
                table: "main.ml.churn_inference_profile_metrics".into(),
                a: Some(SideQuality {
                    value: 0.7412,
                    window: "2026-12-06 00:00".into(),
                }),
                b: Some(SideQuality {
                    value: 0.8123,
                    window: "2026-12-06 00:00".into(),
                }),
            }),
        })),
    );
    insta::assert_snapshot!("ab_quality_120x36", d.render(120, 36).backend());
}
