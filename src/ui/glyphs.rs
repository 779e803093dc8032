//! Glyph sets: Unicode by default (symbols without emoji variants, so every terminal draws them
//! one cell wide), plain ASCII with `--ascii` for poor bastion fonts (no
//! box-drawing, no braille, no symbols outside 7-bit ASCII).

use ratatui::symbols::border;

pub struct Glyphs {
    pub border: border::Set<'static>,
    pub selected: &'static str,
    pub sep: &'static str,
    pub ellipsis: &'static str,
    /// Ends a value cut to fit; one cell wide.
    pub cut: &'static str,
    pub ok: &'static str,
    pub updating: &'static str,
    pub failed: &'static str,
    pub other: &'static str,
    pub warn: &'static str,
}

pub const UNICODE: Glyphs = Glyphs {
    border: border::ROUNDED,
    selected: "▶ ",
    sep: " │ ",
    ellipsis: "…",
    cut: "…",
    ok: "●",
    updating: "◐",
    failed: "✗",
    other: "○",
    warn: "▲",
};

pub const ASCII: Glyphs = Glyphs {
    border: border::Set {
        top_left: "+",
        top_right: "+",
        bottom_left: "+",
        bottom_right: "+",
        vertical_left: "|",
        vertical_right: "|",
        horizontal_top: "-",
        horizontal_bottom: "-",
    },
    selected: "> ",
    sep: " | ",
    ellipsis: "...",
    cut: "~",
    ok: "*",
    updating: "~",
    failed: "x",
    other: "o",
    warn: "!",
};

pub fn glyphs(ascii: bool) -> &'static Glyphs {
    if ascii { &ASCII } else { &UNICODE }
}
