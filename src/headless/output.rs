//! Writing command output to stdout. A reader that goes away early (`| head`) is normal for a
//! command-line tool: the rest of the output is dropped quietly instead of panicking.

use std::io::Write;

/// Writes `text` to stdout; a closed pipe is not an error.
pub fn print(text: &str) {
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

/// Pretty JSON of `value` with a trailing newline.
pub fn json<T: serde::Serialize + ?Sized>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(s) => println(&s),
        Err(e) => eprintln!("error: cannot encode JSON: {e}"),
    }
}
