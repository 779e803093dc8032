//! Honest output: a value cut to fit ends with the cut mark (`…`, `~` with `--ascii`); values
//! whose meaning changes when cut (traffic shares, versions, entity names on narrow screens)
//! are shown whole; a terminal too small says so; `--ascii` frames are pure ASCII; chart series
//! stay apart without colour; long log lines scroll sideways.

mod support;

use crossterm::event::KeyCode;
use mlops_console::theme::Theme;
use support::logs::{build_log, server_log};
use support::*;

const CREATOR: &str = "priya.natarajan@acme-analytics.example.com";

/// Every row of the frame as text.
fn rows(text: &str) -> Vec<&str> {
    text.lines().collect()
}

/// `value` appears whole, or as a prefix followed by `mark`; never as a bare prefix.
fn whole_or_marked(screen: &str, value: &str, mark: &str) -> bool {
    if screen.contains(value) {
        return true;
    }
    (3..value.chars().count()).rev().any(|n| {
        let prefix: String = value.chars().take(n).collect();
        screen.contains(&format!("{prefix}{mark}"))
    })
}

fn serving_list(ascii: bool) -> Driver {
    let mut s = session();
    s.ascii = ascii;
    let mut d = Driver::new(s);
    let mut ep = churn_prod(85, false);
    ep.creator = Some(CREATOR.into());
    d.answer_serving(&ep, 0);
    d.char('5');
    d
}

#[test]
fn a_cut_creator_ends_with_the_cut_mark() {
    for (ascii, mark) in [(false, "…"), (true, "~")] {
        let d = serving_list(ascii);
        for (w, h) in [(80, 24), (100, 30), (120, 36)] {
            let screen = d.screen_text(w, h);
            let row = rows(&screen)
                .into_iter()
                .find(|r| r.contains("churn-prod"))
                .expect("the churn-prod row");
            // The creator column may give way to the served entities, but never shows a
            // silently shortened address.
            let shown = row.contains("priya");
            assert!(
                !shown || whole_or_marked(row, CREATOR, mark),
                "{w}x{h} ascii={ascii}: {row}"
            );
        }
        // Wide enough, the address is shown in full.
        assert!(d.screen_text(200, 30).contains(CREATOR));
    }
}

#[test]
fn traffic_shares_are_never_cut() {
    let d = serving_list(false);
    for (w, h) in [(60, 10), (80, 24), (100, 30)] {
        let screen = d.screen_text(w, h);
        assert!(screen.contains(" 85/15"), "{w}x{h}:\n{screen}");
    }
}

#[test]
fn the_endpoint_table_tells_the_entities_apart_at_80x24() {
    let mut d = Driver::new(session());
    d.open_endpoint(churn_prod(90, false), 31);
    let screen = d.screen_text(80, 24);
    let table: Vec<&str> = rows(&screen)
        .into_iter()
        .filter(|r| r.contains("churn_model-4 ") || r.contains("churn_model-5 "))
        .collect();
    assert!(
        table
            .iter()
            .any(|r| r.contains("churn_model-4") && r.contains("90%")),
        "{screen}"
    );
    assert!(
        table
            .iter()
            .any(|r| r.contains("churn_model-5") && r.contains("10%")),
        "{screen}"
    );
}

#[test]
fn a_terminal_too_small_says_so() {
    let mut d = Driver::new(session());
    d.open_endpoint(churn_prod(90, false), 31);
    let screen = d.screen_text(40, 10);
    assert!(screen.contains("terminal too small (40×10)"), "{screen}");
    assert!(!screen.contains("churn"), "{screen}");
    let mut s = session();
    s.ascii = true;
    let mut d = Driver::new(s);
    d.open_endpoint(churn_prod(90, false), 31);
    assert!(d.screen_text(40, 10).contains("terminal too small (40x10)"));
    for (w, h) in [(1, 1), (2, 1), (59, 30), (120, 7)] {
        let screen = d.screen_text(w, h);
        assert!(screen.is_ascii(), "{w}x{h}: {screen}");
    }
    // 80x24 draws the console.
    assert!(d.screen_text(80, 24).contains("churn_model-4"));
}

/// Renders `d` at the usual sizes and fails on any cell that is not 7-bit ASCII.
fn assert_ascii(name: &str, d: &Driver) {
    for (w, h) in [(60, 12), (80, 24), (120, 36)] {
        let t = d.render(w, h);
        let buf = t.backend().buffer();
        for y in 0..h {
            for x in 0..w {
                let sym = buf[(x, y)].symbol();
                assert!(
                    sym.is_ascii(),
                    "{name} at {w}x{h}: {sym:?} at ({x},{y})\n{}",
                    d.screen_text(w, h)
                );
            }
        }
    }
}

#[test]
fn ascii_frames_of_every_main_screen_hold_only_ascii() {
    let ascii = || {
        let mut s = session();
        s.ascii = true;
        s
    };
    let mut d = Driver::new(ascii());
    d.answer_overview(false);
    assert_ascii("overview", &d);
    d.open_experiments(experiments(), None);
    assert_ascii("experiments", &d);

    let mut d = Driver::new(ascii());
    d.open_churn();
    assert_ascii("model detail", &d);
    let mut d = Driver::new(ascii());
    d.open_models();
    assert_ascii("models", &d);
    d.open_approvals();
    assert_ascii("approvals", &d);
    d.open_audit();
    assert_ascii("audit", &d);

    assert_ascii("serving", &serving_list(true));

    let mut d = Driver::new(ascii());
    d.open_endpoint(churn_prod(90, false), 31);
    assert_ascii("endpoint", &d);
    d.char('A');
    assert_ascii("a/b", &d);
    d.key(KeyCode::Esc);
    d.char('l');
    d.answer_logs(Ok(server_log(0)), Ok(build_log()));
    assert_ascii("logs", &d);
}

/// The legend row of the chart titled `title` and the glyphs drawn in its plot.
fn legend_and_plot(screen: &str, title: &str, legend_of: &str) -> (String, String) {
    let lines = rows(screen);
    let top = lines
        .iter()
        .position(|r| r.contains(title))
        .unwrap_or_else(|| panic!("no {title} in\n{screen}"));
    let col = lines[top][..lines[top].find(title).unwrap()]
        .chars()
        .count();
    let bottom = top
        + lines[top..]
            .iter()
            .position(|r| r.contains(legend_of))
            .unwrap_or_else(|| panic!("no legend {legend_of} in\n{screen}"));
    let legend = lines[bottom].to_string();
    let plot: String = lines[top + 1..bottom]
        .iter()
        .map(|r| r.chars().skip(col).take(34).collect::<String>())
        .collect();
    (legend, plot)
}

#[test]
fn chart_series_stay_apart_without_colour() {
    // NO_COLOR: the monochrome theme; the series get markers of their own, named in the legend.
    let mut state = new_state(session());
    state.theme = Theme::builtin("mono").expect("mono theme");
    let mut d = Driver::with_state(state);
    d.open_endpoint(churn_prod(50, false), 31);
    let screen = d.screen_text(120, 36);
    let (legend, plot) = legend_and_plot(&screen, "requests/s", "churn_model-5");
    assert!(legend.contains("• churn_model-4"), "{legend}");
    assert!(legend.contains("▄ churn_model-5"), "{legend}");
    assert!(plot.contains('•') && plot.contains('▄'), "{screen}");

    let mut s = session();
    s.ascii = true;
    let mut d = Driver::new(s);
    d.open_endpoint(churn_prod(50, false), 31);
    let screen = d.screen_text(120, 36);
    let (legend, plot) = legend_and_plot(&screen, "requests/s", "churn_model-5");
    assert!(legend.contains("* churn_model-4"), "{legend}");
    assert!(legend.contains("o churn_model-5"), "{legend}");
    assert!(plot.contains('*') && plot.contains('o'), "{screen}");
}

#[test]
fn long_log_lines_scroll_sideways_and_are_marked_where_cut() {
    let mut d = Driver::new(session());
    d.open_endpoint(churn_prod(90, false), 3);
    d.char('l');
    d.answer_logs(Ok(server_log(0)), Ok(build_log()));
    let long = "b29=ok";
    let line_of = |screen: &str, needle: &str| {
        rows(screen)
            .into_iter()
            .find(|r| r.contains(needle))
            .map(str::to_string)
    };
    // The long batch line is cut on the right, marked.
    let screen = d.screen_text(100, 40);
    let row = line_of(&screen, "request batch stats").expect("the long line");
    assert!(!row.contains(long) && row.contains("…"), "{row}");
    // `→` moves the view: the end of the line comes into view, the cut start is marked.
    for _ in 0..10 {
        d.key(KeyCode::Right);
    }
    let screen = d.screen_text(100, 40);
    assert!(screen.contains("from column"), "{screen}");
    let row = line_of(&screen, long).expect("the end of the long line");
    assert!(row.trim_start_matches('│').starts_with('…'), "{row}");
    // `←` goes back to the start.
    for _ in 0..10 {
        d.key(KeyCode::Left);
    }
    assert!(
        line_of(&d.screen_text(100, 40), "request batch stats").is_some(),
        "back at column 1"
    );
}

#[test]
fn the_selected_rows_traffic_bar_keeps_its_colours() {
    let d = serving_list(false);
    let t = d.render(120, 20);
    let buf = t.backend().buffer();
    let theme = &d.state.theme;
    let selected = theme.style(mlops_console::theme::Role::Selected);
    let y = (0..20)
        .find(|&y| {
            (0..120)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
                .contains("churn-prod")
        })
        .expect("the selected row");
    let bar: Vec<_> = (0..120)
        .map(|x| &buf[(x, y)])
        .filter(|c| c.symbol() == "█")
        .collect();
    assert!(!bar.is_empty());
    for cell in bar {
        assert_eq!(cell.fg, theme.series(0), "the bar in its series colour");
        assert_ne!(Some(cell.bg), selected.bg, "not on the selection colour");
    }
    // The rest of the row is in the selection colours.
    let name = (0..120).find(|&x| buf[(x, y)].symbol() == "c").unwrap();
    assert_eq!(Some(buf[(name, y)].bg), selected.bg);
}
