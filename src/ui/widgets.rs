//! Small shared view helpers: themed blocks, safe popup geometry, load-state lines.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Padding};

use crate::app::State;
use crate::app::remote::{LoadError, Remote};
use crate::safe_text;
use crate::theme::Role;

use super::glyphs::glyphs;

/// A bordered panel with a title, in the theme's border style and the session's glyphs.
pub fn panel<'a>(state: &State, title: impl Into<Line<'a>>, focused: bool) -> Block<'a> {
    let theme = &state.theme;
    let border = if focused {
        Role::BorderFocused
    } else {
        Role::Border
    };
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Plain)
        .border_set(glyphs(state.session.ascii).border)
        .border_style(theme.style(border))
        .title(title.into().style(theme.style(Role::Title)))
}

/// A popup of at most `width` x `height` centred in `area`: the screen under it cleared, a
/// focused panel in the popup style with one column of padding. Returns the inner area.
pub fn popup<'a>(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    title: impl Into<Line<'a>>,
    width: u16,
    height: u16,
) -> Rect {
    let rect = centered(area, width, height);
    let block = panel(state, title, true)
        .style(state.theme.style(Role::Popup))
        .padding(Padding::horizontal(1));
    let inner = block.inner(rect);
    frame.render_widget(Clear, rect);
    frame.render_widget(block, rect);
    inner
}

/// A rectangle of at most `width` x `height` centred in `area`, never larger than `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// The line a panel shows instead of (or beside) its data: loading, unavailable, failed, stale.
/// `None` when the data is fresh (or a refresh is quietly under way).
pub fn load_state_line<T>(state: &State, remote: &Remote<T>) -> Option<Line<'static>> {
    let theme = &state.theme;
    let g = glyphs(state.session.ascii);
    let has_data = remote.data.is_some();
    match (&remote.error, has_data) {
        (Some(LoadError::NotAvailable), _) => Some(Line::styled(
            "not available on this server",
            theme.style(Role::Muted),
        )),
        (Some(LoadError::Failed(m)), false) => Some(Line::from(vec![
            Span::styled(format!("{} ", g.warn), theme.style(Role::Error)),
            Span::styled(safe_text::line(m).into_owned(), theme.style(Role::Error)),
        ])),
        (Some(LoadError::Failed(_)), true) => Some(Line::styled(
            format!("{} refresh failed, showing older data", g.warn),
            theme.style(Role::Warn),
        )),
        (None, false) if remote.is_loading() || remote.answered_at.is_none() => Some(Line::styled(
            format!("loading{}", g.ellipsis),
            theme.style(Role::Muted),
        )),
        _ => None,
    }
}

/// Server text (a name, comment, tag, message) for one line of a view: control characters and
/// escape sequences shown escaped, never passed to the terminal and never silently dropped.
pub fn escaped(text: &str) -> String {
    safe_text::line(text).into_owned()
}

/// Why a list stopped reading pages early, under its rows.
pub fn paging_stopped_line(state: &State, why: Option<&str>) -> Option<Line<'static>> {
    let g = glyphs(state.session.ascii);
    let why = safe_text::line(why?);
    Some(Line::styled(
        format!("{} {why}", g.warn),
        state.theme.style(Role::Warn),
    ))
}

/// Cuts `text` to `width` terminal cells, marking the cut (see [`super::cut::text`]).
pub fn truncate(text: &str, width: usize, mark: &str) -> String {
    super::cut::text(text, width, mark)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn centered_never_leaves_its_area() {
        let area = Rect::new(3, 2, 10, 4);
        let r = centered(area, 100, 100);
        assert_eq!(r, area);
        let r = centered(area, 4, 2);
        assert_eq!(r, Rect::new(6, 3, 4, 2));
        assert_eq!(centered(Rect::new(0, 0, 0, 0), 5, 5).area(), 0);
    }

    #[test]
    fn truncate_respects_width() {
        assert_eq!(truncate("abcdef", 4, "…"), "abc…");
        assert_eq!(truncate("abc", 4, "…"), "abc");
        assert_eq!(truncate("abcdef", 2, "~"), "a~");
    }
}
