//! Writing command output to stdout. A reader that goes away early (`| head`) is normal for a
//! command-line tool: the rest of the output is dropped quietly instead of panicking.

use std::io::Write;

use crate::safe_text;

/// Writes `text` to stdout; a closed pipe is not an error. Control characters and escape
/// sequences in it (server text: names, comments, logs) are written as visible escapes, so no
/// command's output can retitle the terminal or write its clipboard.
pub fn print(text: &str) {
    let text = safe_text::lines(text);
    let mut out = std::io::stdout().lock();
    let result = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    if let Err(e) = result
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("error: cannot write output: {e}");
    }
}

/// [`print`] with a trailing newline.
pub fn println(text: &str) {
    print(&format!("{text}\n"));
}

/// A human listing: its table on stdout, or, when it has no rows, "no {what} found" on stderr
/// (a header with nothing under it reads like a broken command). The exit code stays success.
pub fn listing(what: &str, rows: usize, table: impl FnOnce() -> String) {
    if rows == 0 {
        eprint_line(&format!("no {what} found"));
    } else {
        print(&table());
    }
}

/// Pretty JSON of `value` with a trailing newline.
pub fn json<T: serde::Serialize + ?Sized>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(s) => println(&safe_text::json(&s)),
        Err(e) => eprintln!("error: cannot encode JSON: {e}"),
    }
}

/// A line on stderr, with control characters escaped as [`print`] does: error messages and
/// notes quote the server.
pub fn eprint_line(text: &str) {
    eprintln!("{}", safe_text::lines(text));
}

/// `eprintln!` for text that may quote the server: see [`eprint_line`].
#[macro_export]
macro_rules! eprintln_escaped {
    ($($arg:tt)*) => {
        $crate::headless::output::eprint_line(&format!($($arg)*))
    };
}
