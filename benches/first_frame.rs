//! Time from launching `mlops-console demo` in a pseudo-terminal to the first Overview frame that
//! shows data from the simulator. Run: `cargo bench --bench first_frame` (builds release).

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

fn one_launch(bin: &str, needle: &str) -> Duration {
    let dirs = tempfile::tempdir().unwrap();
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 30,
            cols: 100,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(bin);
    cmd.arg("demo");
    cmd.env("TERM", "xterm-256color");
    cmd.env("MLOPS_CONSOLE_CONFIG_DIR", dirs.path().join("c"));
    cmd.env("MLOPS_CONSOLE_DATA_DIR", dirs.path().join("d"));
    let start = Instant::now();
    let mut child = pty.slave.spawn_command(cmd).unwrap();
    drop(pty.slave);
    let parser = Arc::new(Mutex::new(vt100::Parser::new(30, 100, 0)));
    let mut reader = pty.master.try_clone_reader().unwrap();
    let p = parser.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            p.lock().unwrap().process(&buf[..n]);
        }
    });
    let elapsed = loop {
        if parser.lock().unwrap().screen().contents().contains(needle) {
            break start.elapsed();
        }
        if start.elapsed() > Duration::from_secs(30) {
            panic!("no data on screen after 30 s");
        }
        std::thread::sleep(Duration::from_micros(500));
    };
    let mut w = pty.master.take_writer().unwrap();
    let _ = w.write_all(b"q");
    let _ = w.flush();
    let _ = child.wait();
    elapsed
}

fn main() {
    let bin = std::env::var("MLOPS_CONSOLE_BIN").unwrap_or_else(|_| {
        let status = std::process::Command::new("cargo")
            .args(["build", "--release", "--bin", "mlops-console"])
            .status()
            .expect("cargo build");
        assert!(status.success());
        let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
        format!("{target}/release/mlops-console")
    });
    // portable-pty looks bare names up in PATH: make the path absolute.
    let bin = std::fs::canonicalize(&bin)
        .unwrap_or_else(|e| panic!("{bin}: {e}"))
        .display()
        .to_string();
    let needle = std::env::var("FIRST_FRAME_NEEDLE").unwrap_or_else(|_| "churn-prod".into());
    let mut samples: Vec<f64> = (0..10)
        .map(|_| one_launch(&bin, &needle).as_secs_f64() * 1000.0)
        .collect();
    samples.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!(
        "launch → first Overview frame with data ({} runs): min {:.1} ms, median {:.1} ms, max {:.1} ms",
        samples.len(),
        samples[0],
        samples[samples.len() / 2],
        samples[samples.len() - 1]
    );
}
