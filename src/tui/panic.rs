//! Chained panic hook: restore the terminal, then let the previous hook report the panic.
//!
//! The hook adds nothing of its own to the report: whatever the previous hook prints (by default
//! the panic message and its location) is all that appears, never state, tokens or headers.
//! Panics inside runtime tasks are left alone: they surface in the UI as an error toast through
//! the task's `JoinHandle`, so the screen must stay intact and nothing may be printed over it.

use std::sync::Once;

use crate::app::runtime::in_background_task;

static INSTALL: Once = Once::new();

/// Installs the hook once per process (repeated `run` calls share it).
pub fn install_hook() {
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if in_background_task() {
                return;
            }
            let _ = super::terminal::restore();
            previous(info);
        }));
    });
}
