//! `screenshot SCREEN`: one screen of the demo workspace rendered offscreen, written as a PNG.

use mlops_console::app::ScreenId;
use mlops_console::cli::{GlobalArgs, ScreenArg, ScreenshotArgs};
use mlops_console::config::paths::Paths;
use mlops_console::headless::{exit, output};
use mlops_console::{connect, sim, theme};

use super::contexts::demo_context;

/// Renders one screen of the demo workspace offscreen and writes it as a PNG.
pub async fn screenshot(g: &GlobalArgs, paths: &Paths, a: ScreenshotArgs) -> i32 {
    let demo = match connect::start_demo(a.seed, None, sim::Scale::Small, g.readonly).await {
        Ok(d) => d,
        Err(e) => {
            mlops_console::eprintln_escaped!("error: {e}");
            return exit::FAILURE;
        }
    };
    let ctx = demo_context(g, paths, demo.client.clone());
    let theme_name = ctx.theme.clone();
    let result = match a.screen {
        ScreenArg::Overview | ScreenArg::Experiments | ScreenArg::Serving | ScreenArg::Jobs => {
            let screen = match a.screen {
                ScreenArg::Overview => ScreenId::Overview,
                ScreenArg::Experiments => ScreenId::Experiments,
                ScreenArg::Jobs => ScreenId::Jobs,
                ScreenArg::Serving
                | ScreenArg::Endpoint
                | ScreenArg::Monitoring
                | ScreenArg::Features => ScreenId::Serving,
            };
            mlops_console::tui::render_offscreen(ctx, screen, a.width, a.height).await
        }
        ScreenArg::Endpoint => {
            let wait = std::time::Duration::from_secs(a.wait_secs);
            let route = mlops_console::app::ScreenRoute::Endpoint {
                name: "churn-prod".to_string(),
            };
            // Rendered when the deadline passes: the charts fill as scrapes arrive.
            mlops_console::tui::render_route_offscreen(
                ctx,
                route,
                a.width,
                a.height,
                |_| false,
                wait,
            )
            .await
        }
        ScreenArg::Monitoring => {
            let route = mlops_console::app::ScreenRoute::Monitor {
                table: "main.ml.churn_inference".to_string(),
            };
            let settled = |s: &mlops_console::app::State| {
                let m = &s.monitoring;
                m.drift.is_settled() && m.quality.is_settled() && m.detail.is_settled()
            };
            mlops_console::tui::render_route_offscreen(
                ctx,
                route,
                a.width,
                a.height,
                settled,
                std::time::Duration::from_secs(a.wait_secs),
            )
            .await
        }
        ScreenArg::Features => {
            let route = mlops_console::app::ScreenRoute::Screen(ScreenId::Features);
            let settled = |s: &mlops_console::app::State| {
                s.features.list.is_settled() && s.features.list.data.is_some()
            };
            mlops_console::tui::render_route_offscreen(
                ctx,
                route,
                a.width,
                a.height,
                settled,
                std::time::Duration::from_secs(a.wait_secs),
            )
            .await
        }
    };
    demo.sim.shutdown().await;
    let buf = match result {
        Ok(b) => b,
        Err(e) => {
            mlops_console::eprintln_escaped!("error: {e}");
            return exit::FAILURE;
        }
    };
    let no_color = theme::no_color_requested(std::env::var_os("NO_COLOR").as_deref());
    let (fg, bg) = theme::Theme::load(&theme_name, Some(&paths.config_dir), no_color)
        .0
        .default_fg_bg();
    let defaults = mlops_console::export::screenshot::DefaultColors { fg, bg };
    match mlops_console::export::screenshot::buffer_to_png(&buf, defaults, &a.out) {
        Ok(()) => {
            output::println(&a.out.display().to_string());
            exit::OK
        }
        Err(e) => {
            mlops_console::eprintln_escaped!("error: {}: {e}", a.out.display());
            exit::FAILURE
        }
    }
}
