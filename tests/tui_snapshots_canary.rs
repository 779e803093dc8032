//! Snapshots of the canary panel (fixed clock, fixture plan): holding with an INCONCLUSIVE
//! judgement, rolled back after a FAIL, the plan form, the start dialog, and the strip on the
//! endpoint screen. Plus no-panic renders at sizes from 1x1 to 200x60.

mod support;

use crossterm::event::KeyCode;
use support::*;

fn holding() -> Driver {
    let mut d = Driver::new(session());
    d.open_canary_panel();
    d.char('n');
    d.key(KeyCode::Enter);
    d.char('y');
    d.canary_step(holding_inconclusive(), vec![]);
    // The start toast has expired by now; the polls are answered.
    d.send(mlops_console::app::Msg::Tick {
        now_ms: NOW + 20_000,
    });
    d.answer_serving(&churn_prod(75, false), 10);
    d.state.now_ms = NOW;
    d
}

fn failed() -> Driver {
    let mut d = holding();
    d.canary_step(rolled_back_after_fail(), vec![rollback_alert()]);
    d
}

#[test]
fn panel_holding_with_an_inconclusive_judgement() {
    let d = holding();
    insta::assert_snapshot!("canary_holding_100x30", d.render(100, 30).backend());
    insta::assert_snapshot!("canary_holding_80x24", d.render(80, 24).backend());
}

#[test]
fn panel_after_a_fail_rolled_back() {
    let d = failed();
    insta::assert_snapshot!("canary_failed_100x30", d.render(100, 30).backend());
    insta::assert_snapshot!("canary_failed_80x24", d.render(80, 24).backend());
}

#[test]
fn the_plan_form() {
    let mut d = Driver::new(session());
    d.open_canary_panel();
    d.char('n');
    insta::assert_snapshot!("canary_form_100x30", d.render(100, 30).backend());
    insta::assert_snapshot!("canary_form_80x24", d.render(80, 24).backend());
}

#[test]
fn the_start_dialog() {
    let mut d = Driver::new(session());
    d.open_canary_panel();
    d.char('n');
    d.key(KeyCode::Enter);
    insta::assert_snapshot!("canary_confirm_100x30", d.render(100, 30).backend());
    insta::assert_snapshot!("canary_confirm_80x24", d.render(80, 24).backend());
}

#[test]
fn the_endpoint_screen_shows_the_running_plan() {
    let mut d = holding();
    d.key(KeyCode::Esc);
    insta::assert_snapshot!("canary_endpoint_strip_100x30", d.render(100, 30).backend());
}

#[test]
fn no_panic_at_any_size() {
    let drivers = [
        holding(),
        failed(),
        {
            let mut d = Driver::new(session());
            d.open_canary_panel();
            d.char('n');
            d
        },
        {
            let mut d = Driver::new(session());
            d.open_canary_panel();
            d.char('n');
            d.key(KeyCode::Enter);
            d
        },
    ];
    for d in &drivers {
        for w in [1, 2, 5, 10, 20, 40, 60, 80, 100, 120, 160, 200] {
            for h in [1, 2, 3, 5, 8, 12, 16, 24, 30, 45, 60] {
                d.render(w, h);
            }
        }
    }
}
