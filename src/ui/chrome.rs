//! The frame around every screen: production banner, screen tabs, status bar, hint bar.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::commands;
use crate::app::format;
use crate::app::screens;
use crate::app::{ScreenId, State};
use crate::theme::Role;

use super::glyphs::glyphs;

/// Where each part of the chrome goes.
pub struct Areas {
    pub banner: Rect,
    pub tabs: Rect,
    pub body: Rect,
    pub status: Rect,
    pub hints: Rect,
}

pub fn split(area: Rect, production: bool) -> Areas {
    let [banner, tabs, body, status, hints] = Layout::vertical([
        Constraint::Length(u16::from(production)),
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    Areas {
        banner,
        tabs,
        body,
        status,
        hints,
    }
}

pub fn banner(frame: &mut Frame, area: Rect, state: &State) {
    let text = format!(
        " PRODUCTION {} profile {} {} changes here affect live workloads",
        glyphs(state.session.ascii).sep.trim(),
        state.session.profile,
        glyphs(state.session.ascii).sep.trim(),
    );
    let style = state.theme.style(Role::BannerProduction);
    frame.render_widget(Paragraph::new(text).style(style), area);
}

/// The numbered screens this build has, the current one highlighted.
pub fn tabs(frame: &mut Frame, area: Rect, state: &State) {
    let theme = &state.theme;
    let current = state.screen();
    let screens: Vec<ScreenId> = ScreenId::ALL
        .into_iter()
        .filter(|s| s.is_available())
        .collect();
    // Narrow terminals drop the product name first, then the titles of the other tabs, so
    // every screen's number stays visible.
    let width = usize::from(area.width);
    let full: usize = screens
        .iter()
        .map(|id| id.title().chars().count() + 5)
        .sum();
    let title = " mlops-console ";
    let show_title = full + title.len() <= width;
    let titles = full <= width;
    let mut spans = Vec::new();
    if show_title {
        spans.push(Span::styled(title, theme.style(Role::Title)));
    }
    for id in screens {
        let role = if id == current {
            Role::TabActive
        } else {
            Role::Tab
        };
        spans.push(Span::raw(" "));
        let text = if titles || id == current {
            format!(" {} {} ", id.number(), id.title())
        } else {
            format!(" {} ", id.number())
        };
        spans.push(Span::styled(text, theme.style(role)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Profile, host, badges on the left; data age and requests in flight on the right.
pub fn status(frame: &mut Frame, area: Rect, state: &State) {
    let theme = &state.theme;
    let sep = glyphs(state.session.ascii).sep;
    let bar = theme.style(Role::StatusBar);
    let mut left = vec![
        Span::raw(" "),
        Span::raw(state.session.profile.clone()),
        Span::raw(sep),
        Span::raw(state.session.host.clone()),
    ];
    if state.session.readonly {
        left.push(Span::raw(" "));
        left.push(Span::styled(" READONLY ", theme.style(Role::BadgeReadonly)));
    }
    if state.session.production {
        left.push(Span::raw(" "));
        left.push(Span::styled(
            " PRODUCTION ",
            theme.style(Role::BadgeProduction),
        ));
    }
    // The leading gap keeps the right side from running into a truncated host.
    let mut right = vec![Span::raw("  ")];
    let loading = state.loading_count();
    if loading > 0 {
        right.push(Span::raw(format!("{loading} loading")));
        right.push(Span::raw(sep));
    }
    let age = screens::data_at(state)
        .map(|at| format!("data {}", format::ago(state.now_ms, Some(at))))
        .unwrap_or_else(|| "no data yet".to_string());
    right.push(Span::raw(format!("{age} ")));

    let right_line = Line::from(right);
    let right_width = (right_line.width() as u16).min(area.width);
    let [l, r] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(right_width)]).areas(area);
    let left = super::cut::line(
        Line::from(left),
        usize::from(l.width),
        super::cut::mark(state.session.ascii),
    );
    frame.render_widget(Paragraph::new(left).style(bar), l);
    frame.render_widget(Paragraph::new(right_line).style(bar), r);
}

/// The keys valid now, from the live keymap. Hints that do not fit are left out whole rather
/// than cut mid-word.
pub fn hints(frame: &mut Frame, area: Rect, state: &State) {
    let theme = &state.theme;
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for hint in commands::hints(state) {
        let gap = if used > 1 { 2 } else { 0 };
        let width = gap + hint.keys.chars().count() + 1 + hint.label.chars().count();
        if used + width > usize::from(area.width) {
            break;
        }
        used += width;
        spans.push(Span::raw(" ".repeat(gap)));
        spans.push(Span::styled(hint.keys, theme.style(Role::HintKey)));
        spans.push(Span::styled(
            format!(" {}", hint.label),
            theme.style(Role::HintText),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
