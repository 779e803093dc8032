//! Runs effects on tokio with the client and feeds the answers back as messages.
//!
//! Latest request wins twice over: starting a fetch aborts the running task of the same resource
//! (saves work), and `update` drops any answer whose request id is not the newest (correctness:
//! an aborted task may already have sent its answer). A task that panics is reported as
//! `Msg::TaskFailed` through its `JoinHandle`, never as a crash.

use std::cell::Cell;
use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::AbortHandle;

use crate::api::Client;
use crate::theme::Theme;

use super::effect::{Effect, Fetch};
use super::fetch;
use super::msg::{Msg, ResourceKey};
use super::remote::RequestId;

/// Milliseconds since the epoch: the runtime's clock (the reducer never reads one).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

thread_local! {
    static IN_BACKGROUND_TASK: Cell<bool> = const { Cell::new(false) };
}

/// True while this thread polls a runtime task. The terminal's panic hook uses it to leave the
/// screen alone for panics that the runtime turns into messages.
pub fn in_background_task() -> bool {
    IN_BACKGROUND_TASK.with(Cell::get)
}

/// Marks every poll of the wrapped future as background work (see [`in_background_task`]).
struct Background<F>(Pin<Box<F>>);

impl<F: Future> Future for Background<F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let was = IN_BACKGROUND_TASK.with(|f| f.replace(true));
        let out = self.0.as_mut().poll(cx);
        IN_BACKGROUND_TASK.with(|f| f.set(was));
        out
    }
}

pub struct Runtime {
    client: Client,
    tx: UnboundedSender<Msg>,
    config_dir: PathBuf,
    no_color: bool,
    tasks: HashMap<ResourceKey, AbortHandle>,
}

impl Runtime {
    pub fn new(
        client: Client,
        tx: UnboundedSender<Msg>,
        config_dir: PathBuf,
        no_color: bool,
    ) -> Self {
        Runtime {
            client,
            tx,
            config_dir,
            no_color,
            tasks: HashMap::new(),
        }
    }

    /// Performs one effect. Clipboard writes belong to the terminal owner and are ignored here.
    pub fn execute(&mut self, effect: Effect) {
        match effect {
            Effect::Fetch { req, fetch } => self.fetch(req, fetch),
            Effect::LoadTheme { name } => self.load_theme(name),
            Effect::CopyToClipboard { .. } => {}
        }
    }

    /// Tasks still running (for tests and shutdown).
    pub fn running(&self) -> usize {
        self.tasks.values().filter(|h| !h.is_finished()).count()
    }

    fn fetch(&mut self, req: RequestId, fetch: Fetch) {
        let key = fetch.key();
        if let Some(old) = self.tasks.remove(&key) {
            old.abort();
        }
        let (client, tx) = (self.client.clone(), self.tx.clone());
        let work = tokio::spawn(Background(Box::pin(async move {
            let payload = fetch::run(&client, fetch).await;
            let _ = tx.send(Msg::Loaded {
                req,
                at_ms: now_ms(),
                payload,
            });
        })));
        self.tasks.insert(key, work.abort_handle());
        let tx = self.tx.clone();
        // The supervisor: a panic in the work task ends up here as an error message.
        tokio::spawn(async move {
            if let Err(e) = work.await
                && e.is_panic()
            {
                let message = panic_text(e.into_panic());
                let _ = tx.send(Msg::TaskFailed {
                    key,
                    req,
                    at_ms: now_ms(),
                    message,
                });
            }
        });
    }

    fn load_theme(&self, name: String) {
        let (dir, no_color, tx) = (self.config_dir.clone(), self.no_color, self.tx.clone());
        tokio::task::spawn_blocking(move || {
            let (theme, mut warnings) = Theme::load(&name, Some(&dir), no_color);
            if no_color {
                warnings.push("NO_COLOR is set: staying monochrome".to_string());
            }
            let _ = tx.send(Msg::ThemeLoaded {
                theme: Box::new(theme),
                warnings,
            });
        });
    }
}

impl Drop for Runtime {
    /// Nothing outlives the console: in-flight requests are abandoned with it.
    fn drop(&mut self) {
        for (_, task) in self.tasks.drain() {
            task.abort();
        }
    }
}

/// The text of a panic payload (`panic!("...")` gives `&str` or `String`).
pub fn panic_text(payload: Box<dyn std::any::Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(s) => *s,
        Err(payload) => match payload.downcast::<&'static str>() {
            Ok(s) => s.to_string(),
            Err(_) => "a background task panicked".to_string(),
        },
    }
}
