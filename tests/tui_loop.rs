//! The production loop driven on `TestBackend`: keys in through the channel, frames out, and
//! `render_offscreen`. No terminal and no server: the client points at a closed local port, so
//! every fetch fails fast (or, while the HTTP core is a stub, panics inside its task), which
//! also exercises the "task failure becomes a message" path.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use tokio::time::Instant;

use mlops_console::api::{Client, ClientOptions, Credentials};
use mlops_console::app::screens;
use mlops_console::app::{AppContext, Msg, ScreenId};
use mlops_console::tui::{App, Startup, render_offscreen};

fn context(config_dir: &std::path::Path) -> AppContext {
    let mut options = ClientOptions::new("http://127.0.0.1:9", Credentials::None);
    options.connect_timeout = Duration::from_millis(200);
    options.retry_budget = Duration::from_millis(200);
    AppContext {
        client: Client::new(options).expect("client"),
        profile: "test".into(),
        host: "http://127.0.0.1:9".into(),
        readonly: true,
        production: false,
        theme: "dark".into(),
        refresh_secs: 0,
        traffic_step: 5,
        ascii: false,
        config_dir: config_dir.to_path_buf(),
        data_dir: config_dir.to_path_buf(),
        training_jobs: Default::default(),
        approvals: Default::default(),
        monitoring: Default::default(),
        bench: Default::default(),
    }
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

/// A `TestBackend` that counts frames (one flush per `Terminal::draw`).
struct Counting {
    inner: TestBackend,
    frames: Arc<Mutex<usize>>,
}

impl Backend for Counting {
    type Error = <TestBackend as Backend>::Error;
    fn draw<'a, I: Iterator<Item = (u16, u16, &'a Cell)>>(
        &mut self,
        c: I,
    ) -> Result<(), Self::Error> {
        self.inner.draw(c)
    }
    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.hide_cursor()
    }
    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.show_cursor()
    }
    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.inner.get_cursor_position()
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, p: P) -> Result<(), Self::Error> {
        self.inner.set_cursor_position(p)
    }
    fn clear(&mut self) -> Result<(), Self::Error> {
        self.inner.clear()
    }
    fn clear_region(&mut self, t: ClearType) -> Result<(), Self::Error> {
        self.inner.clear_region(t)
    }
    fn size(&self) -> Result<Size, Self::Error> {
        self.inner.size()
    }
    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.inner.window_size()
    }
    fn flush(&mut self) -> Result<(), Self::Error> {
        *self.frames.lock().unwrap() += 1;
        self.inner.flush()
    }
}

#[tokio::test]
async fn keys_through_the_channel_drive_the_real_loop() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = context(dir.path());
    let terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let mut app = App::new(terminal, &ctx, Startup::load(&ctx));
    let copied = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = copied.clone();
    app.set_clipboard(Box::new(move |t| {
        sink.lock().unwrap().push(t.to_string());
        Ok(())
    }));
    let tx = app.sender();
    tx.send(Msg::Start { now_ms: 0 }).unwrap();
    tx.send(key('2')).unwrap();
    let deadline = Some(Instant::now() + Duration::from_secs(30));
    app.run_until(
        |s| s.screen() == ScreenId::Experiments && screens::is_settled(s, ScreenId::Experiments),
        deadline,
    )
    .await
    .unwrap();
    app.draw().unwrap();
    let screen = app.terminal().backend().to_string();
    assert!(screen.contains("╭ Experiments "), "{screen}");
    assert!(screen.contains("READONLY"), "{screen}");
    // The failed load is on screen as an error, not a crash.
    assert!(app.state().experiments.list.error.is_some());

    tx.send(key('q')).unwrap();
    app.run_until(|_| false, deadline).await.unwrap();
    assert!(app.state().quit);
}

#[tokio::test]
async fn a_burst_of_messages_costs_one_frame() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = context(dir.path());
    let frames = Arc::new(Mutex::new(0));
    let backend = Counting {
        inner: TestBackend::new(80, 24),
        frames: frames.clone(),
    };
    let mut app = App::new(Terminal::new(backend).unwrap(), &ctx, Startup::load(&ctx));
    let tx = app.sender();
    tx.send(key(':')).unwrap();
    for _ in 0..100 {
        tx.send(key('x')).unwrap();
    }
    app.run_until(|_| false, Some(Instant::now() + Duration::from_millis(300)))
        .await
        .unwrap();
    let n = *frames.lock().unwrap();
    // One initial frame plus one for the whole batch. The startup reads answer while the keys
    // are handled and each answer may cost a frame of its own; on a loaded machine they arrive
    // spread out, so allow for them. A frame per key would be 101.
    assert!((1..=10).contains(&n), "{n} frames for 101 keys");
    let shown = app.terminal().backend().inner.to_string();
    assert!(shown.contains(&format!(":{}", "x".repeat(60))), "{shown}");
}

#[tokio::test]
async fn render_offscreen_waits_for_the_screen_to_settle() {
    let dir = tempfile::tempdir().unwrap();
    for (screen, title) in [
        (ScreenId::Overview, "Serving endpoints"),
        (ScreenId::Experiments, "╭ Experiments "),
    ] {
        let buffer = render_offscreen(context(dir.path()), screen, 100, 30)
            .await
            .unwrap();
        let text: String = buffer.content().iter().map(|c| c.symbol()).collect();
        assert!(text.contains(title), "{screen:?}: {text}");
        assert_eq!(buffer.area.width, 100);
    }
    // Any size, even a silly one.
    let buffer = render_offscreen(context(dir.path()), ScreenId::Experiments, 1, 1)
        .await
        .unwrap();
    assert_eq!(buffer.area.width, 1);
}
