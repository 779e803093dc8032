//! The embedded monospace font, so rendering needs no system font libraries.

use std::sync::OnceLock;

/// DejaVu Sans Mono (Bitstream Vera licence, see `src/assets/fonts/LICENSE-DejaVu.txt`). It covers
/// box drawing and braille, which the TUI uses for borders and charts.
pub static MONO_TTF: &[u8] = include_bytes!("../assets/fonts/DejaVuSansMono.ttf");

/// The family name the font is registered under with plotters.
pub const MONO_FAMILY: &str = "mlops-mono";

/// Registers the font with plotters once per process: as [`MONO_FAMILY`], and as `monospace`
/// so that charts can name the generic family (SVG keeps that name for viewers; plotters measures
/// text with the embedded font).
pub fn ensure_registered() -> Result<(), String> {
    static DONE: OnceLock<Result<(), String>> = OnceLock::new();
    DONE.get_or_init(|| {
        for name in [MONO_FAMILY, "monospace"] {
            plotters::style::register_font(name, plotters::style::FontStyle::Normal, MONO_TTF)
                .map_err(|_| "embedded font could not be loaded".to_string())?;
        }
        Ok(())
    })
    .clone()
}
