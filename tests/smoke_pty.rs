//! The binary in a real pseudo-terminal: `demo` starts, shows data on the Overview, moves
//! around, quits with `q`, exits 0 and leaves the terminal restored.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const ROWS: u16 = 30;
const COLS: u16 = 100;

struct Term {
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
}

impl Term {
    fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Waits until the screen shows `needle`; a generous deadline only guards against hangs.
    fn wait_for(&self, needle: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if self.screen().contains(needle) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "screen never showed {needle:?}; it shows:\n{}",
            self.screen()
        );
    }

    /// Waits until the screen no longer shows `needle`.
    fn wait_gone(&self, needle: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if !self.screen().contains(needle) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("screen kept showing {needle:?}:\n{}", self.screen());
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }
}

#[test]
fn demo_starts_navigates_and_quits_cleanly() {
    let dirs = tempfile::tempdir().unwrap();
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: ROWS,
            cols: COLS,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_mlops-console"));
    cmd.arg("demo");
    cmd.env("TERM", "xterm-256color");
    cmd.env("MLOPS_CONSOLE_CONFIG_DIR", dirs.path().join("config"));
    cmd.env("MLOPS_CONSOLE_DATA_DIR", dirs.path().join("data"));
    cmd.env_remove("NO_COLOR");
    let mut child = pty.slave.spawn_command(cmd).unwrap();
    drop(pty.slave);

    let parser = Arc::new(Mutex::new(vt100::Parser::new(ROWS, COLS, 0)));
    let raw = Arc::new(Mutex::new(Vec::new()));
    let mut reader = pty.master.try_clone_reader().unwrap();
    // The reader says when it has seen the end of the output (EOF or EIO once the child and
    // every copy of the pty's slave side are gone).
    let (drained_tx, drained) = std::sync::mpsc::channel::<()>();
    {
        let (parser, raw) = (parser.clone(), raw.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                parser.lock().unwrap().process(&buf[..n]);
                raw.lock().unwrap().extend_from_slice(&buf[..n]);
            }
            let _ = drained_tx.send(());
        });
    }
    let mut term = Term {
        parser,
        raw,
        writer: pty.master.take_writer().unwrap(),
    };

    // Overview with data from the simulator (the seeded endpoint count and experiments).
    term.wait_for("Overview");
    term.wait_for("churn-prod");

    // Palette: `:exp` Enter opens Experiments.
    term.send(":exp\r");
    term.wait_for("/Shared/churn/training");

    // Filter narrows the list; Esc clears it. (Each Esc is followed by waiting for its effect:
    // a key sent right after ESC would arrive as Alt+key, as from a real terminal.)
    term.send("/fraud");
    term.wait_for("/Shared/fraud/training");
    term.wait_gone("/Shared/churn/training");
    term.send("\x1b");
    term.wait_for("/Shared/churn/training");

    // Help lists keys.
    term.send("?");
    term.wait_for("quit the console");
    term.send("\x1b");
    term.wait_gone("quit the console");

    // Back to the Overview by number, then quit.
    term.send("1");
    term.wait_for("Overview");
    term.send("q");

    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "did not exit after q");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit status {status:?}");
    // Everything the child wrote, including the terminal restore, has been read.
    drained
        .recv_timeout(Duration::from_secs(30))
        .expect("the output ended after the child exited");
    let raw = term.raw.lock().unwrap();
    let text = String::from_utf8_lossy(&raw);
    let leave = text
        .rfind("\x1b[?1049l")
        .expect("left the alternate screen");
    let enter = text
        .rfind("\x1b[?1049h")
        .expect("entered the alternate screen");
    assert!(leave > enter, "alternate screen left after it was entered");
    assert!(!term.parser.lock().unwrap().screen().alternate_screen());
}
