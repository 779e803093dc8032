//! The main loop, generic over the ratatui `Backend` so tests drive the production loop on a
//! `TestBackend`: wait for a message, drain everything queued, update, run effects, and draw
//! once, only when something changed, at most ~60 times a second. It sits above `app` and `ui`:
//! it drives the one and draws with the other, so neither depends on the other's caller.

use std::io;
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc::{self, UnboundedReceiver, UnboundedSender};
use tokio::time::{Instant, MissedTickBehavior};

use crate::app::keymap::Keymap;
use crate::app::msg::CanaryNews;
use crate::app::runtime::{Runtime, now_ms};
use crate::app::{AppContext, Effect, Msg, Session, State, update};
use crate::theme::{self, Theme};

/// Minimum time between two frames (~60 fps).
pub const FRAME: Duration = Duration::from_millis(16);
/// The clock message period: ages, toast expiry and periodic refresh need no more.
pub const TICK: Duration = Duration::from_secs(1);
/// Messages handled before a frame is drawn even if more keep coming.
const MAX_BATCH: usize = 1024;

/// Receives the text of `y` (OSC 52 in the terminal; a recorder in tests).
pub type ClipboardSink = Box<dyn FnMut(&str) -> io::Result<()> + Send>;
/// Rings the terminal bell.
pub type BellSink = Box<dyn FnMut() -> io::Result<()> + Send>;

/// Settings read from files before the loop starts (the reducer does no I/O).
pub struct Startup {
    pub theme: Theme,
    pub keymap: Keymap,
    pub theme_names: Vec<String>,
    pub no_color: bool,
    /// Bad keymap/theme entries, shown as a toast.
    pub warnings: Vec<String>,
}

impl Startup {
    /// Reads the keymap and theme of `ctx` (user files in `config_dir`) and the `NO_COLOR` env.
    pub fn load(ctx: &AppContext) -> Startup {
        let no_color = theme::no_color_requested(std::env::var_os("NO_COLOR").as_deref());
        let (keymap, mut warnings) = Keymap::load(&ctx.config_dir);
        let (theme, theme_warnings) = Theme::load(&ctx.theme, Some(&ctx.config_dir), no_color);
        warnings.extend(theme_warnings);
        let mut theme_names: Vec<String> = Theme::builtin_names().map(String::from).collect();
        theme_names.extend(theme::list_user_themes(&ctx.config_dir));
        theme_names.sort();
        theme_names.dedup();
        Startup {
            theme,
            keymap,
            theme_names,
            no_color,
            warnings,
        }
    }
}

pub struct App<B: Backend> {
    terminal: Terminal<B>,
    state: State,
    runtime: Runtime,
    tx: UnboundedSender<Msg>,
    rx: UnboundedReceiver<Msg>,
    clipboard: ClipboardSink,
    bell: BellSink,
}

/// Backend errors differ per backend (`Infallible` for `TestBackend`); the loop speaks io.
fn io_err<E: std::fmt::Display>(e: E) -> io::Error {
    io::Error::other(e.to_string())
}

impl<B: Backend> App<B> {
    pub fn new(terminal: Terminal<B>, ctx: &AppContext, startup: Startup) -> App<B> {
        let (tx, rx) = mpsc::unbounded_channel();
        let mut state = State::new(
            Session::from_context(ctx),
            startup.keymap,
            startup.theme,
            startup.warnings,
        );
        state.theme_names = startup.theme_names;
        state.alerts.monitoring_every_ms = ctx.monitoring.alerts.monitoring_interval_ms;
        state.serving.bench.caps = ctx.bench.clone();
        if let Ok(size) = terminal.size() {
            state.size = (size.width, size.height);
        }
        let runtime = Runtime::new(ctx, tx.clone(), startup.no_color);
        App {
            terminal,
            state,
            runtime,
            tx,
            rx,
            clipboard: Box::new(|_| Ok(())),
            bell: Box::new(|| Ok(())),
        }
    }

    /// The channel every message source sends on.
    pub fn sender(&self) -> UnboundedSender<Msg> {
        self.tx.clone()
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    pub fn terminal(&self) -> &Terminal<B> {
        &self.terminal
    }

    pub fn set_clipboard(&mut self, sink: ClipboardSink) {
        self.clipboard = sink;
    }

    /// Where the bell rings (the terminal writes BEL; tests count).
    pub fn set_bell(&mut self, sink: BellSink) {
        self.bell = sink;
    }

    /// Feeds one message through `update` and performs its effects.
    pub fn dispatch(&mut self, msg: Msg) {
        for effect in update(&mut self.state, msg) {
            match effect {
                // Failing to reach the clipboard is not worth interrupting anything for.
                Effect::CopyToClipboard { text } => drop((self.clipboard)(&text)),
                Effect::Bell => drop((self.bell)()),
                other => self.runtime.execute(other),
            }
        }
    }

    /// Sends `Start` and runs until the user quits.
    pub async fn run(&mut self) -> io::Result<()> {
        self.dispatch(Msg::Start { now_ms: now_ms() });
        // Only the interactive console picks up saved canary plans (not `screenshot`).
        self.dispatch(Msg::Canary(Box::new(CanaryNews::ResumeSaved)));
        self.run_until(|s| s.quit, None).await
    }

    /// Runs the loop until `done(state)` holds, the user quits, every sender is gone, or the
    /// deadline passes.
    pub async fn run_until(
        &mut self,
        done: impl Fn(&State) -> bool,
        deadline: Option<Instant>,
    ) -> io::Result<()> {
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
        let mut last_frame: Option<Instant> = None;
        // Far enough away to never fire; used when a branch is disabled.
        let never = Instant::now() + Duration::from_secs(86_400 * 365);
        loop {
            if self.state.quit || done(&self.state) {
                return Ok(());
            }
            if self.state.dirty && last_frame.is_none_or(|t| t.elapsed() >= FRAME) {
                self.draw()?;
                last_frame = Some(Instant::now());
            }
            let next_frame = match (self.state.dirty, last_frame) {
                (true, Some(t)) => t + FRAME,
                _ => never,
            };
            tokio::select! {
                msg = self.rx.recv() => match msg {
                    Some(msg) => self.dispatch(msg),
                    None => return Ok(()),
                },
                _ = tick.tick() => self.dispatch(Msg::Tick { now_ms: now_ms() }),
                _ = tokio::time::sleep_until(next_frame), if self.state.dirty => {}
                _ = tokio::time::sleep_until(deadline.unwrap_or(never)), if deadline.is_some() => {
                    return Ok(());
                }
            }
            // Drain whatever else is queued so a burst (key repeat, many answers) costs one frame.
            for _ in 0..MAX_BATCH {
                match self.rx.try_recv() {
                    Ok(msg) => self.dispatch(msg),
                    Err(_) => break,
                }
            }
        }
    }

    /// Draws the current state now.
    pub fn draw(&mut self) -> io::Result<()> {
        let state = &self.state;
        self.terminal
            .draw(|frame| crate::ui::render(frame, state))
            .map_err(io_err)?;
        self.state.dirty = false;
        Ok(())
    }

    pub fn into_terminal(self) -> Terminal<B> {
        self.terminal
    }
}
