//! The feature lineage on existing screens: the feature marker of an endpoint (stale, drifting
//! or online-stale features; Serving list, Overview), the "depends on" lines of the endpoint screen and the "features" line of a
//! model version. Reads `state.feature_lineage` only; nothing is computed while drawing but
//! the text.

use ratatui::text::{Line, Span};

use crate::app::State;
use crate::theme::Role;

use super::glyphs::glyphs;
use super::widgets::escaped;

/// "▲ stale features" (`! stale features` in ASCII) when endpoint `name` sends traffic to a
/// model version trained on a stale feature table; "▲ drifting features" when a feature of
/// such a table drifts, "▲ online features stale" when its online table lags or failed to
/// sync; one marker, several problems combined ("▲ stale/drifting features").
pub fn endpoint_marker(state: &State, name: &str) -> Option<Span<'static>> {
    let text = state.feature_lineage.endpoint(name)?.marker()?;
    let g = glyphs(state.session.ascii);
    Some(Span::styled(
        format!("{} {text}", g.warn),
        state.theme.style(Role::Warn),
    ))
}

/// The endpoint screen's lines: each stale, drifting or online-stale table with the versions
/// and traffic it reaches, and the lineage reads that failed.
pub fn endpoint_lines(state: &State, name: &str) -> Vec<Line<'static>> {
    let Some(l) = state.feature_lineage.endpoint(name) else {
        return Vec::new();
    };
    let g = glyphs(state.session.ascii);
    let mut lines: Vec<Line<'static>> = l
        .reasons()
        .iter()
        .map(|why| {
            Line::from(vec![
                Span::styled(
                    format!("{} depends on: ", g.warn),
                    state.theme.style(Role::Warn),
                ),
                Span::styled(escaped(why), state.theme.style(Role::Text)),
            ])
        })
        .collect();
    let errors = l.errors();
    if !errors.is_empty() {
        lines.push(Line::styled(
            escaped(&format!("feature lineage partial: {}", errors.join("; "))),
            state.theme.style(Role::Muted),
        ));
    }
    lines
}

/// "features: main.features.a (fresh 1 h), …" for a model version, once read.
pub fn version_line(state: &State, model: &str, version: &str) -> Option<Line<'static>> {
    let l = state.feature_lineage.version(model, version)?;
    let role = if l.error.is_some() || !l.stale_tables().is_empty() {
        Role::Warn
    } else {
        Role::Muted
    };
    Some(Line::styled(escaped(&l.summary()), state.theme.style(role)))
}
