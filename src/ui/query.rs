//! Popups of the serving screens: the test query's answer, and the traffic lines of the
//! confirm dialog (the split before → after as bars).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::State;
use crate::app::screens::serving::query::QueryView;
use crate::ops::traffic::TrafficPlan;
use crate::theme::Role;

use super::glyphs::glyphs;
use super::serving::{shares_text, traffic_bar};
use super::widgets::{escaped, popup, truncate};

/// The confirm dialog's body for a traffic change: the plan's lines, then both splits as bars.
pub fn traffic_plan_lines(state: &State, plan: &TrafficPlan) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let s = &state.session;
    let mut out: Vec<Line> = plan
        .dialog_lines(&s.profile, &s.host, false)
        .into_iter()
        .map(|l| {
            let role = if l.starts_with("Warning") || l.starts_with("After") {
                Role::Warn
            } else {
                Role::Text
            };
            Line::styled(escaped(&l), theme.style(role))
        })
        .collect();
    let names = plan.after.entity_names();
    out.push(Line::default());
    for (label, split) in [
        ("before ", &plan.before.routes),
        ("after  ", &plan.after.routes),
    ] {
        let mut spans = vec![Span::styled(label, theme.style(Role::Muted))];
        spans.extend(traffic_bar(state, split, &names, 40));
        spans.push(Span::styled(
            format!(" {}", shares_text(split, &names)),
            theme.style(Role::Text),
        ));
        out.push(Line::from(spans));
    }
    out.push(Line::default());
    out
}

/// The test query's answer: what was sent, who answered, how fast, and the response.
pub fn render_answer(frame: &mut Frame, area: Rect, state: &State, view: &QueryView) {
    let theme = &state.theme;
    let g = glyphs(state.session.ascii);
    let width = area.width.min(100);
    let text_width = usize::from(width.saturating_sub(4));
    let mut lines: Vec<Line> = Vec::new();
    let title = match &view.result {
        Err(e) => {
            lines.push(Line::styled(
                format!("{} nothing was sent: {}", g.failed, escaped(&e.to_string())),
                theme.style(Role::Error),
            ));
            " Test query ".to_string()
        }
        Ok(o) => {
            lines.push(Line::styled(
                format!("Payload:  {}", escaped(&o.source.describe())),
                theme.style(Role::Text),
            ));
            let body = serde_json::to_string(&o.request).unwrap_or_default();
            lines.push(Line::styled(
                format!(
                    "Sent:     {}",
                    truncate(&escaped(&body), text_width.saturating_sub(10), g.cut)
                ),
                theme.style(Role::Muted),
            ));
            if let Some(w) = &o.warning {
                lines.push(Line::styled(
                    format!("Warning:  {}", escaped(w)),
                    theme.style(Role::Warn),
                ));
            }
            match &o.result {
                Ok(q) => {
                    lines.push(Line::from(vec![
                        Span::styled("Answered: ", theme.style(Role::Text)),
                        Span::styled(
                            escaped(
                                q.served_model_name
                                    .as_deref()
                                    .unwrap_or("(no served-model-name header)"),
                            ),
                            theme.style(Role::Accent),
                        ),
                        Span::styled(
                            format!(" in {:.1} ms", q.latency.as_secs_f64() * 1000.0),
                            theme.style(Role::Text),
                        ),
                    ]));
                    lines.push(Line::default());
                    let pretty = serde_json::to_string_pretty(&q.body).unwrap_or_default();
                    for l in pretty.lines() {
                        lines.push(Line::styled(
                            truncate(&escaped(&l.replace('\t', " ")), text_width, g.cut),
                            theme.style(Role::Text),
                        ));
                    }
                }
                Err(e) => lines.push(Line::styled(
                    format!(
                        "{} the endpoint answered with an error: {}",
                        g.failed,
                        escaped(&e.to_string())
                    ),
                    theme.style(Role::Error),
                )),
            }
            format!(" Test query · {} ", escaped(&o.endpoint))
        }
    };
    lines.push(Line::default());
    lines.push(Line::styled(
        "j/k scroll   esc close",
        theme.style(Role::Muted),
    ));
    let height = (lines.len() as u16 + 2).min(area.height);
    let inner = popup(frame, area, state, title, width, height);
    frame.render_widget(Paragraph::new(lines).scroll((view.scroll, 0)), inner);
}
