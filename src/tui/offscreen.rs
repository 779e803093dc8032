//! `render_offscreen`: the real update/runtime loop on a `TestBackend`, for the `screenshot`
//! command and tests.

use std::io;
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use tokio::time::Instant;

use crate::app::runtime::now_ms;
use crate::app::{Action, AppContext, Msg, ScreenId, ScreenRoute, State, screens};

use super::runloop::{App, Startup};

/// Gives up waiting for data after this long and renders what there is.
const SETTLE_TIMEOUT: Duration = Duration::from_secs(60);
/// Gives up waiting for the last requests in flight after this long.
const QUIET_TIMEOUT: Duration = Duration::from_secs(20);

/// Opens `screen` and renders it once its data has loaded or failed, and nothing else it asked
/// for (the rows' own details, the status bar's counts) is still in flight: a screenshot never
/// shows "loading".
pub async fn render_offscreen(
    ctx: AppContext,
    screen: ScreenId,
    width: u16,
    height: u16,
) -> io::Result<Buffer> {
    let mut app = started(&ctx, width, height)?;
    app.dispatch(Msg::Action(Action::Goto(screen)));
    let deadline = Instant::now() + SETTLE_TIMEOUT;
    app.run_until(|s| screens::is_settled(s, screen), Some(deadline))
        .await?;
    quiet(&mut app).await?;
    app.draw()?;
    Ok(app.terminal().backend().buffer().clone())
}

/// Opens `route` and renders it once `done` holds (or after `max_wait`): e.g. an endpoint
/// once enough metrics scrapes arrived to draw its charts.
pub async fn render_route_offscreen(
    ctx: AppContext,
    route: ScreenRoute,
    width: u16,
    height: u16,
    done: impl Fn(&State) -> bool,
    max_wait: Duration,
) -> io::Result<Buffer> {
    let mut app = started(&ctx, width, height)?;
    app.dispatch(Msg::Open(route));
    app.run_until(done, Some(Instant::now() + max_wait)).await?;
    quiet(&mut app).await?;
    app.draw()?;
    Ok(app.terminal().backend().buffer().clone())
}

/// Runs until no request is in flight, background lineage reads included (the endpoints' feature
/// marks), or [`QUIET_TIMEOUT`] passes.
async fn quiet(app: &mut App<TestBackend>) -> io::Result<()> {
    let deadline = Instant::now() + QUIET_TIMEOUT;
    let quiet = |s: &State| s.loading_count() == 0 && screens::feature_lineage::loading(s) == 0;
    app.run_until(quiet, Some(deadline)).await
}

/// The app on a `width` x `height` test terminal, sized and started.
fn started(ctx: &AppContext, width: u16, height: u16) -> io::Result<App<TestBackend>> {
    let terminal = Terminal::new(TestBackend::new(width, height))
        .map_err(|e| io::Error::other(e.to_string()))?;
    let startup = Startup::load(ctx);
    let mut app = App::new(terminal, ctx, startup);
    app.dispatch(Msg::Resize { width, height });
    app.dispatch(Msg::Start { now_ms: now_ms() });
    Ok(app)
}
