//! The feature-store TUI tests' session: the simulator (127.0.0.1) on a manual clock without
//! background traffic, a context on it with its data and config in a temporary directory, the
//! console's real runtime and a driver; `open_table` types `:ft TABLE` and waits for the detail
//! and the lineage, `pump` feeds answers until a condition holds.

use std::ops::{Deref, DerefMut};
use std::time::Duration;

use crossterm::event::KeyCode;
use tempfile::TempDir;
use tokio::sync::mpsc::UnboundedReceiver;

use mlops_console::app::runtime::Runtime;
use mlops_console::app::{AppContext, Msg};
use mlops_console::ops::journal::Journal;
use mlops_console::sim::{self, SimClock, SimHandle, SimOptions};

use super::sim_runtime::{pump, sim_context};
use super::{Driver, NOW, session};

/// The feature tables' schema of the demo workspace.
pub const SCHEMA: &str = "main.features";

/// The simulator on a manual clock at `NOW` without background traffic; statements keep the
/// simulator's latency (for tests that run none).
pub fn manual() -> SimOptions {
    SimOptions {
        clock: SimClock::manual(NOW),
        traffic_rps: 0.0,
        ..SimOptions::default()
    }
}

/// `manual()` with statements answered at once: on a manual clock a statement with latency
/// would wait for a clock that never moves and the reads would end only at the client's timeout.
pub fn manual_sql_at_once() -> SimOptions {
    SimOptions {
        sql_latency: Duration::ZERO,
        ..manual()
    }
}

/// Lists the demo's feature schema in the context (the Features screen reads it).
pub fn feature_schema(ctx: &mut AppContext) {
    ctx.monitoring.features.schemas = vec![SCHEMA.into()];
}

/// A context left as `sim_context` makes it.
pub fn as_is(_: &mut AppContext) {}

/// The first line of `text` that holds `needle` (fails the test, showing `text`, when none does).
pub fn line_of<'a>(text: &'a str, needle: &str) -> &'a str {
    text.lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle} in {text}"))
}

/// A driver on the real runtime against a simulator of its own; it derefs to the driver.
pub struct FeatureSim {
    pub sim: SimHandle,
    pub dir: TempDir,
    pub rt: Runtime,
    pub rx: UnboundedReceiver<Msg>,
    pub d: Driver,
}

impl FeatureSim {
    /// `manual_sql_at_once()`, the feature schema listed.
    pub async fn start() -> FeatureSim {
        FeatureSim::start_with(manual_sql_at_once(), feature_schema).await
    }

    /// The simulator started with `options`, the context changed by `configure`.
    pub async fn start_with(
        options: SimOptions,
        configure: impl FnOnce(&mut AppContext),
    ) -> FeatureSim {
        let sim = sim::start(options).await.expect("simulator starts");
        let dir = tempfile::tempdir().unwrap();
        let mut ctx = sim_context(&sim, dir.path());
        configure(&mut ctx);
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let rt = Runtime::new(&ctx, tx, true);
        FeatureSim {
            sim,
            dir,
            rt,
            rx,
            d: Driver::new(session()),
        }
    }

    /// Executes the last effects and feeds the answers until `done` holds (see `pump`).
    pub async fn pump(&mut self, done: impl Fn(&Driver) -> bool) {
        pump(&mut self.d, &mut self.rt, &mut self.rx, done).await;
    }

    /// Types `:ft name` and Enter (nothing is executed yet).
    pub fn type_ft(&mut self, name: &str) {
        self.d.char(':');
        self.d.type_text(&format!("ft {name}"));
        self.d.key(KeyCode::Enter);
    }

    /// Opens the feature table `name` and waits until its detail and lineage are read.
    pub async fn open_table(&mut self, name: &str) {
        self.type_ft(name);
        self.pump(|d| {
            d.state.features.detail.is_settled() && d.state.features.lineage.is_settled()
        })
        .await;
    }

    /// Opens the registered model `name` on the Models screen (3) and waits for its detail.
    pub async fn open_model(&mut self, name: &str) {
        self.d.char('3');
        self.pump(|d| d.state.models.list.data.is_some()).await;
        let at = self
            .d
            .state
            .models
            .visible()
            .iter()
            .position(|m| m.name == name)
            .unwrap_or_else(|| panic!("{name} listed"));
        for _ in 0..at {
            self.d.char('j');
        }
        self.d.key(KeyCode::Enter);
        self.pump(|d| {
            d.state.models.current_detail().is_some() && d.state.models.detail.is_settled()
        })
        .await;
    }

    /// The versions of the open model's detail, in its order.
    pub fn model_versions(&self) -> Vec<String> {
        self.d
            .state
            .models
            .current_detail()
            .expect("a model's detail")
            .versions
            .iter()
            .map(|v| v.version.clone())
            .collect()
    }

    /// How many changes the journal in the data directory holds.
    pub fn journaled(&self) -> usize {
        Journal::in_dir(self.dir.path())
            .read()
            .unwrap()
            .entries
            .len()
    }
}

impl Deref for FeatureSim {
    type Target = Driver;

    fn deref(&self) -> &Driver {
        &self.d
    }
}

impl DerefMut for FeatureSim {
    fn deref_mut(&mut self) -> &mut Driver {
        &mut self.d
    }
}
