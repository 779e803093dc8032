//! The terminal side: the main loop that drives `app` and draws with `ui` (on the real terminal
//! or a test backend), the mode guard, panic hook, input task, clipboard, and `run`.

pub mod input;
mod offscreen;
pub mod osc52;
pub mod panic;
pub mod runloop;
pub mod terminal;

use std::io::{self, Write};

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

pub use crate::app::AppContext;
pub use offscreen::{render_offscreen, render_route_offscreen};
pub use runloop::{App, BellSink, ClipboardSink, Startup};

/// Runs the console on the terminal until the user quits. The terminal is restored on every
/// way out: return, error (guard `Drop`) and panic (hook).
pub async fn run(ctx: AppContext) -> io::Result<()> {
    // Files are read before the screen switches, so nothing can fail half-drawn.
    let startup = Startup::load(&ctx);
    let in_tmux = std::env::var_os("TMUX").is_some_and(|v| !v.is_empty());
    panic::install_hook();
    let guard = terminal::TerminalGuard::enter()?;
    let result = async {
        let term = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        let mut app = App::new(term, &ctx, startup);
        app.set_clipboard(Box::new(move |text| {
            let mut out = io::stdout();
            out.write_all(osc52::sequence(text, in_tmux).as_bytes())?;
            out.flush()
        }));
        app.set_bell(Box::new(|| {
            let mut out = io::stdout();
            out.write_all(b"\x07")?;
            out.flush()
        }));
        let input = input::spawn(app.sender());
        let result = app.run().await;
        input.abort();
        result
    }
    .await;
    guard.restore()?;
    result
}
