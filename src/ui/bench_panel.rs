//! The load test panel of an endpoint (`L`, PRODUCT §7): requests/s achieved against the
//! target, the percentiles (corrected and raw in an open loop), errors by status and by kind,
//! each served entity's share and p99, a latency histogram in bars, and requests/s and mean
//! latency per second as sparklines. While the test runs the figures are the engine's live
//! snapshot; at the end, the result's, with the verdict, until dismissed.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::bar;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline};

use crate::app::State;
use crate::app::screens::serving::bench::{BenchState, verdict_text};
use crate::ops::bench::result::{BenchResult, Bucket, Snapshot};
use crate::ops::bench::{BenchPlan, Mode};
use crate::theme::Role;

use super::glyphs::glyphs;
use super::widgets::{escaped, panel};

/// Rows the panel wants (borders included).
pub const HEIGHT: u16 = 16;

/// Where the test stands, for the title and the last line.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// Confirmed; the payload and the journal come first.
    Starting,
    Running {
        stopping: bool,
    },
    /// The verdict and whether it is good news.
    Ended {
        verdict: String,
        ok: bool,
    },
}

/// What the panel shows.
#[derive(Debug, Clone, PartialEq)]
pub struct PanelView {
    pub plan: BenchPlan,
    pub figures: Option<Snapshot>,
    pub phase: Phase,
}

/// The figures of a finished test, in the live snapshot's shape.
pub fn figures_of(r: &BenchResult, histogram: Vec<Bucket>) -> Snapshot {
    Snapshot {
        warming_up: false,
        measured_secs: r.measured_secs,
        requests: r.requests.clone(),
        rps: r.rps.clone(),
        latency_ms: r.latency_ms.clone(),
        errors: r.errors.clone(),
        entities: r.entities.clone(),
        series: r.series.clone(),
        histogram,
    }
}

/// The panel of `endpoint`, if a test of it runs or its result is kept.
pub fn view_of(b: &BenchState, endpoint: &str) -> Option<PanelView> {
    if let Some(r) = b.running.as_ref().filter(|r| r.plan.endpoint == endpoint) {
        let phase = match (&r.monitor, &r.snapshot) {
            (None, None) => Phase::Starting,
            _ => Phase::Running {
                stopping: r.stopping,
            },
        };
        return Some(PanelView {
            plan: r.plan.clone(),
            figures: r.snapshot.clone(),
            phase,
        });
    }
    let l = b.last.as_ref().filter(|l| l.plan.endpoint == endpoint)?;
    let (verdict, ok) = verdict_text(&l.done);
    // The result has no histogram; the last live snapshot's is kept with it.
    let figures = l
        .done
        .result
        .as_ref()
        .filter(|r| r.requests.completed > 0)
        .map(|r| figures_of(r, l.histogram.clone()));
    Some(PanelView {
        plan: l.plan.clone(),
        figures,
        phase: Phase::Ended { verdict, ok },
    })
}

fn title(v: &PanelView) -> String {
    let state = match (&v.phase, &v.figures) {
        (Phase::Starting, _) => "starting".to_string(),
        (Phase::Running { stopping: true }, _) => "stopping".to_string(),
        (Phase::Running { .. }, Some(f)) if f.warming_up => "warming up".to_string(),
        (Phase::Running { .. }, Some(f)) => format!("running · {:.0} s", f.measured_secs),
        (Phase::Running { .. }, None) => "running".to_string(),
        (Phase::Ended { .. }, Some(f)) => format!("ended · {:.1} s measured", f.measured_secs),
        (Phase::Ended { .. }, None) => "ended".to_string(),
    };
    format!(" Load test · {state} · {} ", v.plan.describe())
}

fn ms(v: f64) -> String {
    format!("{v:>7.1}")
}

fn percentile_line(label: &str, p: &crate::ops::bench::result::Percentiles) -> String {
    format!(
        "{label:<10}{}{}{}{}{}",
        ms(p.p50),
        ms(p.p90),
        ms(p.p99),
        ms(p.p99_9),
        ms(p.max)
    )
}

/// The figures in words and a table (left side).
fn figure_lines(state: &State, v: &PanelView, f: &Snapshot) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let (muted, text) = (theme.style(Role::Muted), theme.style(Role::Text));
    let sep = glyphs(state.session.ascii).sep;
    let rps = match f.rps.target {
        Some(t) => format!(
            "{:.1} of {t} target ({:.1}%)",
            f.rps.achieved,
            f.rps.achieved / t * 100.0
        ),
        None => format!(
            "{:.1} ({} connections, closed loop)",
            f.rps.achieved,
            v.plan.mode.connections()
        ),
    };
    let mut lines = vec![
        Line::from(vec![
            Span::styled("req/s     ", muted),
            Span::styled(rps, text),
        ]),
        Line::from(vec![
            Span::styled("requests  ", muted),
            Span::styled(
                format!(
                    "{}{sep}ok {}{sep}errors {} ({:.2}%)",
                    f.requests.completed,
                    f.requests.ok,
                    f.requests.errors,
                    f.errors.rate * 100.0
                ),
                if f.requests.errors > 0 {
                    theme.style(Role::Warn)
                } else {
                    text
                },
            ),
        ]),
        Line::styled(
            format!(
                "{:<10}{:>7}{:>7}{:>7}{:>7}{:>7}",
                "ms", "p50", "p90", "p99", "p99.9", "max"
            ),
            theme.style(Role::Header),
        ),
    ];
    let open = matches!(v.plan.mode, Mode::Open { .. });
    let first = if open { "corrected" } else { "latency" };
    lines.push(Line::styled(
        percentile_line(first, &f.latency_ms.corrected),
        text,
    ));
    if open {
        lines.push(Line::styled(
            percentile_line("raw", &f.latency_ms.raw),
            muted,
        ));
    }
    let mut errs: Vec<String> = f
        .errors
        .by_status
        .iter()
        .map(|(k, n)| format!("{k}: {n}"))
        .collect();
    errs.extend(f.errors.by_kind.iter().map(|(k, n)| format!("{k}: {n}")));
    lines.push(Line::from(vec![
        Span::styled("errors    ", muted),
        if errs.is_empty() {
            Span::styled("none", muted)
        } else {
            Span::styled(escaped(&errs.join(", ")), theme.style(Role::Warn))
        },
    ]));
    for e in &f.entities {
        lines.push(Line::from(vec![
            Span::styled(format!("{:<22} ", escaped(&e.name)), text),
            Span::styled(
                format!(
                    "{:>3.0}%  {} req  p99 {:.1} ms  {} err",
                    e.share * 100.0,
                    e.requests,
                    e.latency_ms.p99,
                    e.errors
                ),
                muted,
            ),
        ]));
    }
    lines
}

fn bucket_label(b: &Bucket) -> String {
    match b.upto_ms {
        Some(ms) => format!("<={ms:>5} ms"),
        None => format!(
            "> {:>5} ms",
            crate::ops::bench::result::BUCKET_BOUNDS_MS[11]
        ),
    }
}

/// The latency histogram as bars (right side, top).
fn histogram_lines(state: &State, f: &Snapshot, width: u16) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let full = if state.session.ascii { "#" } else { "█" };
    let max = f
        .histogram
        .iter()
        .map(|b| b.count)
        .max()
        .unwrap_or(0)
        .max(1);
    let room = usize::from(width).saturating_sub(12 + 8).max(1);
    let mut lines = vec![Line::styled(
        "latency (corrected)",
        theme.style(Role::Header),
    )];
    for b in &f.histogram {
        let n = (b.count as f64 / max as f64 * room as f64).round() as usize;
        let n = if b.count > 0 { n.max(1) } else { 0 };
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", bucket_label(b)), theme.style(Role::Muted)),
            Span::styled(full.repeat(n), theme.style(Role::Accent)),
            Span::styled(format!(" {}", b.count), theme.style(Role::Text)),
        ]));
    }
    lines
}

const ASCII_BARS: bar::Set = bar::Set {
    full: "#",
    seven_eighths: "#",
    three_quarters: "=",
    five_eighths: "=",
    half: "-",
    three_eighths: "-",
    one_quarter: ".",
    one_eighth: ".",
    empty: " ",
};

/// One series per second as a labelled sparkline (the newest seconds that fit).
fn sparkline(frame: &mut Frame, area: Rect, state: &State, label: String, data: &[u64]) {
    if area.height < 2 {
        return;
    }
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
    frame.render_widget(
        Paragraph::new(Line::styled(label, state.theme.style(Role::Muted))),
        head,
    );
    let keep = usize::from(body.width);
    let data = &data[data.len().saturating_sub(keep)..];
    let set = if state.session.ascii {
        ASCII_BARS
    } else {
        bar::NINE_LEVELS
    };
    frame.render_widget(
        Sparkline::default()
            .data(data)
            .bar_set(set)
            .style(state.theme.style(Role::Accent)),
        body,
    );
}

fn series(frame: &mut Frame, area: Rect, state: &State, f: &Snapshot) {
    let [rps, lat] = Layout::vertical([Constraint::Fill(1); 2]).areas(area);
    let counts: Vec<u64> = f.series.iter().map(|s| s.requests).collect();
    let peak = counts.iter().max().copied().unwrap_or(0);
    sparkline(
        frame,
        rps,
        state,
        format!("req/s per second (peak {peak})"),
        &counts,
    );
    let means: Vec<u64> = f
        .series
        .iter()
        .map(|s| (s.mean_ms * 10.0).round() as u64)
        .collect();
    let worst = f.series.iter().map(|s| s.max_ms).fold(0.0, f64::max);
    sparkline(
        frame,
        lat,
        state,
        format!("mean ms per second (max {worst:.1})"),
        &means,
    );
}

pub fn render(frame: &mut Frame, area: Rect, state: &State, v: &PanelView) {
    let theme = &state.theme;
    let block = panel(
        state,
        super::cut::text(
            &escaped(&title(v)),
            usize::from(area.width.saturating_sub(2)),
            super::cut::mark(state.session.ascii),
        ),
        true,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let ended = match &v.phase {
        Phase::Ended { verdict, ok } => Some(Line::styled(
            escaped(verdict),
            theme.style(if *ok { Role::Ok } else { Role::Error }),
        )),
        _ => None,
    };
    let [body, foot] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(u16::from(ended.is_some())),
    ])
    .areas(inner);
    if let Some(line) = ended {
        frame.render_widget(Paragraph::new(line), foot);
    }
    let Some(f) = &v.figures else {
        let g = glyphs(state.session.ascii);
        let text = match v.phase {
            Phase::Ended { .. } => "nothing was measured".to_string(),
            _ => format!("reading the payload, writing the journal{}", g.ellipsis),
        };
        frame.render_widget(
            Paragraph::new(Line::styled(text, theme.style(Role::Muted))),
            body,
        );
        return;
    };
    let [left, right] = Layout::horizontal([Constraint::Fill(3), Constraint::Fill(2)]).areas(body);
    frame.render_widget(Paragraph::new(figure_lines(state, v, f)), left);
    let hist = histogram_lines(state, f, right.width);
    let [top, bottom] = Layout::vertical([
        Constraint::Length((hist.len() as u16).min(right.height / 2 + 1)),
        Constraint::Fill(1),
    ])
    .areas(right);
    frame.render_widget(Paragraph::new(hist), top);
    series(frame, bottom, state, f);
}
