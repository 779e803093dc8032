//! Draws a ratatui `Buffer` cell by cell into a PNG with plotters and the embedded font, keeping
//! the theme's colours. This is the TUI's own frame, not a re-implementation of it.

use std::path::Path;

use plotters::prelude::*;
use plotters::style::Color as _;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

use super::font::{MONO_FAMILY, ensure_registered};
use super::palette::to_rgb;

/// Pixel size of one terminal cell.
pub const CELL_W: u32 = 10;
pub const CELL_H: u32 = 20;
const FONT_PX: f64 = 16.0;

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
            if !symbol.trim().is_empty() {
                let style = (MONO_FAMILY, FONT_PX).into_font().color(&colour);
                root.draw(&Text::new(symbol.to_string(), (px, py + 1), style.clone()))
                    .map_err(|e| e.to_string())?;
                if cell.modifier.contains(Modifier::BOLD) {
                    // One font face only: bold is drawn as a one-pixel overstrike.
                    root.draw(&Text::new(symbol.to_string(), (px + 1, py + 1), style))
                        .map_err(|e| e.to_string())?;
                }
            }
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
