//! `screenshot` renders a screen of the simulated workspace (on 127.0.0.1) only after
//! everything it loads has arrived: no "loading" in the status bar of a screenshot.

use std::time::Duration;

use mlops_console::api::{Client, ClientOptions, Credentials, Secret};
use mlops_console::app::{AppContext, ScreenId};
use mlops_console::sim::{self, SimOptions};
use mlops_console::tui::render_offscreen;

#[tokio::test]
async fn screenshots_wait_until_nothing_is_loading() {
    let sim = sim::start(SimOptions::default()).await.expect("simulator");
    let dir = tempfile::tempdir().unwrap();
    for screen in [ScreenId::Serving, ScreenId::Overview, ScreenId::Experiments] {
        let mut options = ClientOptions::new(
            sim.base_url.clone(),
            Credentials::Pat(Secret::new(sim.token.clone())),
        );
        options.connect_timeout = Duration::from_secs(5);
        let ctx = AppContext {
            client: Client::new(options).expect("client"),
            profile: "demo".into(),
            host: sim.base_url.clone(),
            readonly: true,
            production: false,
            theme: "dark".into(),
            refresh_secs: 10,
            traffic_step: 5,
            ascii: false,
            config_dir: dir.path().to_path_buf(),
            data_dir: dir.path().to_path_buf(),
            training_jobs: Default::default(),
            approvals: Default::default(),
            monitoring: Default::default(),
            bench: Default::default(),
        };
        let buffer = render_offscreen(ctx, screen, 120, 36).await.unwrap();
        let rows: Vec<String> = (0..buffer.area.height)
            .map(|y| {
                (0..buffer.area.width)
                    .map(|x| buffer[(x, y)].symbol())
                    .collect()
            })
            .collect();
        let status = &rows[rows.len() - 2];
        assert!(!status.contains("loading"), "{screen:?}: {status}");
        let text = rows.join("\n");
        assert!(!text.contains("loading…"), "{screen:?}:\n{text}");
    }
    sim.shutdown().await;
}
