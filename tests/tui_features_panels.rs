//! The panels of a feature table's detail scroll (screen 7, real runtime against the simulator
//! on 127.0.0.1): a lineage of many model versions is not cut off — the cursor (`j`, pages,
//! `G`) keeps its row in sight and the title says which lines show — and `tab` moves the focus
//! to the columns, Delta versions and online tables, which `j/k` and pages then scroll.

mod support;

use crossterm::event::KeyCode;

use mlops_console::app::screens::features::detail::Target;
use mlops_console::app::screens::features::panels::DetailPanel;
use mlops_console::ops::feature_lineage::table::ModelRef;
use support::features::FeatureSim;

const TABLE: &str = "main.features.customer_features";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_detail_panels_scroll() {
    let mut d = FeatureSim::start().await;
    d.open_table(TABLE).await;

    // A table many model versions use: 40 more than the workspace has.
    let lineage = d
        .state
        .features
        .lineage
        .data
        .as_mut()
        .expect("lineage read");
    let model = lineage.models[0].model.clone();
    for v in 100..140 {
        lineage.models.push(ModelRef {
            model: model.clone(),
            version: Some(v.to_string()),
        });
    }
    let rows = d.state.features.targets().len();
    assert!(rows > 40, "{rows}");
    let text = d.screen_text(160, 44);
    assert!(!text.contains("v139"), "{text}");
    assert!(text.contains(&format!("of {rows} ")), "{text}");

    // `G`: the last row is in sight, the first no longer.
    d.char('G');
    let text = d.screen_text(160, 44);
    let cursor = text
        .lines()
        .find(|l| l.contains('▶'))
        .expect("the cursor in sight");
    let Some(Target::Endpoint(last)) = d.state.features.targets().last().cloned() else {
        panic!("an endpoint last");
    };
    assert!(cursor.contains(&format!("endpoint {last}")), "{cursor}");
    assert!(text.contains("v139"), "{text}");
    assert!(text.contains(&format!("–{rows} of {rows} ")), "{text}");
    // Page up twice, then `g`: back at the top.
    d.key(KeyCode::PageUp);
    d.key(KeyCode::PageUp);
    assert_eq!(d.state.features.lineage_view.selected, rows - 21);
    let text = d.screen_text(160, 44);
    let cursor = text
        .lines()
        .find(|l| l.contains('▶'))
        .expect("the cursor in sight");
    let Target::Version { version, .. } = &d.state.features.targets()[rows - 21] else {
        panic!("a version");
    };
    assert!(cursor.contains(&format!(" v{version}")), "{cursor}");

    // `tab`: the columns; `j` scrolls them (the cursor of the lineage stays).
    let selected = d.state.features.lineage_view.selected;
    d.key(KeyCode::Tab);
    assert_eq!(d.state.features.panels.focus, DetailPanel::Columns);
    let before = d.screen_text(160, 44);
    let header_before = before.contains("column                   type");
    assert!(header_before, "{before}");
    d.char('j');
    assert_eq!(d.state.features.panels.scroll(DetailPanel::Columns), 1);
    assert_eq!(d.state.features.lineage_view.selected, selected);
    let after = d.screen_text(160, 44);
    assert!(!after.contains("column                   type"), "{after}");
    assert!(after.contains(" Columns 2–"), "{after}");
    d.char('k');
    assert_eq!(d.state.features.panels.scroll(DetailPanel::Columns), 0);

    // `tab` again: the Delta versions, paged down.
    d.key(KeyCode::Tab);
    assert_eq!(d.state.features.panels.focus, DetailPanel::Versions);
    d.key(KeyCode::PageDown);
    let scrolled = d.state.features.panels.scroll(DetailPanel::Versions);
    let lines = DetailPanel::Versions.lines(d.state.features.detail.data.as_ref().unwrap());
    assert_eq!(scrolled, 10.min(lines - 1));
    // Around to the lineage again.
    d.key(KeyCode::Tab);
    d.key(KeyCode::Tab);
    assert_eq!(d.state.features.panels.focus, DetailPanel::Lineage);
    d.char('g');
    assert_eq!(d.state.features.lineage_view.selected, 0);
}
