//! Frame time of the drift heatmap with 50 features × 90 windows (issue budget: ≤ 1 ms per
//! frame), drawn into a 200x60 buffer as the Monitoring screen draws it, cursor moving each
//! frame so no frame repeats the previous one. Run: `cargo bench --bench heatmap_render`.

use std::time::{Duration, Instant};

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use mlops_console::theme::{Role, Theme};
use mlops_console::ui::heatmap::{Heatmap, HeatmapStyles, Level};

const FEATURES: usize = 50;
const WINDOWS: usize = 90;
const FRAMES: usize = 5_000;

fn main() {
    let theme = Theme::dark();
    let styles = HeatmapStyles {
        label: theme.style(Role::Text),
        label_selected: theme.style(Role::Selected),
        cursor: theme.style(Role::Selected),
        ok: theme.style(Role::Muted),
        notice: theme.style(Role::Info),
        warning: theme.style(Role::Warn),
        critical: theme.style(Role::Error),
    };
    let rows: Vec<String> = (0..FEATURES).map(|i| format!("feature_{i:02}")).collect();
    let levels = [
        Level::Ok,
        Level::Notice,
        Level::Warning,
        Level::Critical,
        Level::Missing,
    ];
    let cells: Vec<Level> = (0..FEATURES * WINDOWS)
        .map(|i| levels[(i * 7 + i / 13) % levels.len()])
        .collect();
    let area = Rect::new(0, 0, 200, 60);
    let mut buf = Buffer::empty(area);
    let mut times = Vec::with_capacity(FRAMES);
    for frame in 0..FRAMES {
        let map = Heatmap {
            rows: &rows,
            columns: WINDOWS,
            cells: &cells,
            cursor: Some((frame % FEATURES, frame % WINDOWS)),
            ascii: false,
            styles,
        };
        let t = Instant::now();
        buf.reset();
        map.render(area, &mut buf);
        times.push(t.elapsed());
    }
    times.sort();
    let mean = times.iter().sum::<Duration>() / FRAMES as u32;
    let p = |q: f64| times[((FRAMES as f64 - 1.0) * q) as usize];
    println!(
        "heatmap {FEATURES}x{WINDOWS} on 200x60: mean {:.3} ms  p50 {:.3} ms  p99 {:.3} ms  ({FRAMES} frames)",
        mean.as_secs_f64() * 1e3,
        p(0.5).as_secs_f64() * 1e3,
        p(0.99).as_secs_f64() * 1e3,
    );
}
