//! Entering and leaving the terminal's TUI modes. Restoring is idempotent and runs from three
//! places: the normal exit path, `Drop` (errors, early returns), and the panic hook.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::{cursor, execute, terminal};

/// Whether the modes are currently on, so a second restore (hook after Drop) does nothing.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Holds the terminal in raw mode on the alternate screen until dropped.
pub struct TerminalGuard {
    _private: (),
}

impl TerminalGuard {
    pub fn enter() -> io::Result<TerminalGuard> {
        terminal::enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        let guard = TerminalGuard { _private: () };
        // If this fails, the guard's Drop undoes raw mode.
        execute!(io::stdout(), terminal::EnterAlternateScreen, cursor::Hide)?;
        Ok(guard)
    }

    /// Restores now, reporting errors (Drop can only ignore them).
    pub fn restore(self) -> io::Result<()> {
        restore()
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = restore();
    }
}

/// Leaves every mode `enter` set. Raw mode goes first: it has the most side effects (echo, line
/// discipline), and the rest still works without it.
pub fn restore() -> io::Result<()> {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return Ok(());
    }
    let raw = terminal::disable_raw_mode();
    let mut out = io::stdout();
    let screen = execute!(out, terminal::LeaveAlternateScreen, cursor::Show);
    let _ = out.flush();
    raw.and(screen)
}
