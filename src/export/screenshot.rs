//! Draws a ratatui `Buffer` cell by cell into a PNG with plotters and the embedded font, keeping
//! the theme's colours. This is the TUI's own frame, not a re-implementation of it.

use std::path::Path;

use plotters::prelude::*;
use plotters::style::Color as _;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

use plotters::drawing::DrawingAreaErrorKind;

use super::cells::{block_rect, box_arms, braille_dots};
use super::font::{MONO_FAMILY, MONO_TTF, ensure_registered};
use super::palette::to_rgb;

/// Pixel size of one terminal cell.
pub const CELL_W: u32 = 10;
pub const CELL_H: u32 = 20;
const FONT_PX: f64 = 16.5;
/// Baseline offset from the top of a cell (DejaVu Sans Mono's ascent at 16 px is ~15 px).
const BASELINE: i32 = 15;

/// The colours that `Color::Reset` stands for (the theme's base foreground and background).
#[derive(Debug, Clone, Copy)]
pub struct DefaultColors {
    pub fg: Color,
    pub bg: Color,
}

/// Renders `buf` to a PNG at `path`.
pub fn buffer_to_png(buf: &Buffer, defaults: DefaultColors, path: &Path) -> Result<(), String> {
    ensure_registered()?;
    let area = buf.area;
    let (w, h) = (
        u32::from(area.width) * CELL_W,
        u32::from(area.height) * CELL_H,
    );
    if w == 0 || h == 0 {
        return Err("nothing to draw: the buffer is empty".into());
    }
    let root = BitMapBackend::new(path, (w, h)).into_drawing_area();
    let bg0 = to_rgb(defaults.bg, (0, 0, 0));
    let fg0 = to_rgb(defaults.fg, (255, 255, 255));
    root.fill(&RGBColor(bg0.0, bg0.1, bg0.2))
        .map_err(|e| e.to_string())?;

    for y in 0..area.height {
        for x in 0..area.width {
            let Some(cell) = buf.cell((area.x + x, area.y + y)) else {
                continue;
            };
            let mut fg = to_rgb(cell.fg, fg0);
            let mut bg = to_rgb(cell.bg, bg0);
            if cell.modifier.contains(Modifier::REVERSED) {
                std::mem::swap(&mut fg, &mut bg);
            }
            if cell.modifier.contains(Modifier::DIM) {
                fg = blend(fg, bg);
            }
            let px = i32::from(x) * CELL_W as i32;
            let py = i32::from(y) * CELL_H as i32;
            if bg != bg0 {
                root.draw(&Rectangle::new(
                    [(px, py), (px + CELL_W as i32, py + CELL_H as i32)],
                    RGBColor(bg.0, bg.1, bg.2).filled(),
                ))
                .map_err(|e| e.to_string())?;
            }
            let symbol = cell.symbol();
            let colour = RGBColor(fg.0, fg.1, fg.2);
            let bold = cell.modifier.contains(Modifier::BOLD);
            draw_symbol(&root, symbol, (px, py), colour, bold)?;
            if cell.modifier.contains(Modifier::UNDERLINED) {
                let uy = py + CELL_H as i32 - 2;
                root.draw(&PathElement::new(
                    vec![(px, uy), (px + CELL_W as i32, uy)],
                    colour,
                ))
                .map_err(|e| e.to_string())?;
            }
        }
    }
    root.present().map_err(|e| e.to_string())
}

/// Draws one cell's symbol: box drawing, blocks and braille as geometry, the rest with the font.
fn draw_symbol<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    symbol: &str,
    (px, py): (i32, i32),
    colour: RGBColor,
    bold: bool,
) -> Result<(), String> {
    let (w, h) = (CELL_W as i32, CELL_H as i32);
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let mut chars = symbol.chars();
    let single = match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    };
    if let Some(arms) = single.and_then(box_arms) {
        let (cx, cy) = (px + w / 2, py + h / 2);
        let line = |x0: i32, y0: i32, x1: i32, y1: i32| {
            Rectangle::new([(x0, y0), (x1, y1)], colour.filled())
        };
        if arms.left {
            root.draw(&line(px, cy, cx + 1, cy + 1)).map_err(err)?;
        }
        if arms.right {
            root.draw(&line(cx, cy, px + w, cy + 1)).map_err(err)?;
        }
        if arms.up {
            root.draw(&line(cx, py, cx + 1, cy + 1)).map_err(err)?;
        }
        if arms.down {
            root.draw(&line(cx, cy, cx + 1, py + h)).map_err(err)?;
        }
        return Ok(());
    }
    if let Some((x0, y0, x1, y1)) = single.and_then(block_rect) {
        let r = Rectangle::new(
            [
                (px + w * x0 as i32 / 8, py + h * y0 as i32 / 8),
                (px + w * x1 as i32 / 8, py + h * y1 as i32 / 8),
            ],
            colour.filled(),
        );
        return root.draw(&r).map_err(err);
    }
    if let Some(dots) = single.and_then(braille_dots) {
        for (col, row) in dots {
            let x = px + 2 + col as i32 * (w / 2);
            let y = py + 2 + row as i32 * (h / 4);
            root.draw(&Rectangle::new([(x, y), (x + 2, y + 2)], colour.filled()))
                .map_err(err)?;
        }
        return Ok(());
    }
    if symbol.trim().is_empty() {
        return Ok(());
    }
    // plotters puts the baseline at y + size/2 and a glyph's ink box at x, so shift both to
    // where a terminal puts them: the cell's baseline and the glyph's own side bearing.
    let y = py + BASELINE - (FONT_PX / 2.0) as i32;
    let x = px + single.map(left_bearing).unwrap_or(0);
    let style = (MONO_FAMILY, FONT_PX).into_font().color(&colour);
    root.draw(&Text::new(symbol.to_string(), (x, y), style.clone()))
        .map_err(err)?;
    if bold {
        // One font face only: bold is drawn as a one-pixel overstrike.
        root.draw(&Text::new(symbol.to_string(), (x + 1, y), style))
            .map_err(err)?;
    }
    Ok(())
}

/// Pixels between the pen position and the left edge of `c`'s ink.
fn left_bearing(c: char) -> i32 {
    use ab_glyph::{Font, ScaleFont};
    let Ok(font) = ab_glyph::FontRef::try_from_slice(MONO_TTF) else {
        return 0;
    };
    let scaled = font.as_scaled(FONT_PX as f32);
    let glyph = scaled.scaled_glyph(c);
    scaled
        .outline_glyph(glyph)
        .map(|g| g.px_bounds().min.x.round() as i32)
        .unwrap_or(0)
}

fn blend(a: (u8, u8, u8), b: (u8, u8, u8)) -> (u8, u8, u8) {
    let m = |x: u8, y: u8| ((u16::from(x) + u16::from(y)) / 2) as u8;
    (m(a.0, b.0), m(a.1, b.1), m(a.2, b.2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    #[test]
    fn writes_a_png_of_the_right_size_with_cell_colours() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 4, 2));
        buf.set_string(
            0,
            0,
            "ab",
            Style::default().fg(Color::Red).bg(Color::Rgb(0, 0, 200)),
        );
        buf.set_string(0, 1, "─┼", Style::default());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shot.png");
        let defaults = DefaultColors {
            fg: Color::White,
            bg: Color::Rgb(10, 10, 10),
        };
        buffer_to_png(&buf, defaults, &path).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(&bytes[1..4], b"PNG");
        // IHDR width/height follow the 8-byte signature and 8-byte chunk header.
        let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
        let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
        assert_eq!((w, h), (4 * CELL_W, 2 * CELL_H));
    }

    #[test]
    fn empty_buffer_is_an_error_not_a_panic() {
        let buf = Buffer::empty(Rect::new(0, 0, 0, 0));
        let dir = tempfile::tempdir().unwrap();
        assert!(
            buffer_to_png(
                &buf,
                DefaultColors {
                    fg: Color::White,
                    bg: Color::Black
                },
                &dir.path().join("x.png")
            )
            .is_err()
        );
    }
}
