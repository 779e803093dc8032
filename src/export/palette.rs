//! Terminal colours to RGB, as a typical xterm renders them.

use ratatui::style::Color;

/// The 16 ANSI colours (xterm defaults).
const ANSI: [(u8, u8, u8); 16] = [
    (0, 0, 0),
    (205, 0, 0),
    (0, 205, 0),
    (205, 205, 0),
    (0, 0, 238),
    (205, 0, 205),
    (0, 205, 205),
    (229, 229, 229),
    (127, 127, 127),
    (255, 0, 0),
    (0, 255, 0),
    (255, 255, 0),
    (92, 92, 255),
    (255, 0, 255),
    (0, 255, 255),
    (255, 255, 255),
];

/// RGB of a ratatui colour; `Reset` resolves to `default`.
pub fn to_rgb(color: Color, default: (u8, u8, u8)) -> (u8, u8, u8) {
    match color {
        Color::Reset => default,
        Color::Black => ANSI[0],
        Color::Red => ANSI[1],
        Color::Green => ANSI[2],
        Color::Yellow => ANSI[3],
        Color::Blue => ANSI[4],
        Color::Magenta => ANSI[5],
        Color::Cyan => ANSI[6],
        Color::Gray => ANSI[7],
        Color::DarkGray => ANSI[8],
        Color::LightRed => ANSI[9],
        Color::LightGreen => ANSI[10],
        Color::LightYellow => ANSI[11],
        Color::LightBlue => ANSI[12],
        Color::LightMagenta => ANSI[13],
        Color::LightCyan => ANSI[14],
        Color::White => ANSI[15],
        Color::Rgb(r, g, b) => (r, g, b),
        Color::Indexed(i) => indexed(i),
    }
}

/// The xterm 256-colour table: 16 ANSI, a 6x6x6 cube, 24 greys.
fn indexed(i: u8) -> (u8, u8, u8) {
    match i {
        0..=15 => ANSI[i as usize],
        16..=231 => {
            let n = i - 16;
            let level = |v: u8| if v == 0 { 0 } else { 55 + v * 40 };
            (level(n / 36), level((n / 6) % 6), level(n % 6))
        }
        _ => {
            let g = 8 + (i - 232) * 10;
            (g, g, g)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xterm_table_corners() {
        assert_eq!(to_rgb(Color::Indexed(16), (1, 1, 1)), (0, 0, 0));
        assert_eq!(to_rgb(Color::Indexed(231), (1, 1, 1)), (255, 255, 255));
        assert_eq!(to_rgb(Color::Indexed(232), (1, 1, 1)), (8, 8, 8));
        assert_eq!(to_rgb(Color::Indexed(255), (1, 1, 1)), (238, 238, 238));
        assert_eq!(to_rgb(Color::Reset, (9, 8, 7)), (9, 8, 7));
        assert_eq!(to_rgb(Color::Rgb(1, 2, 3), (0, 0, 0)), (1, 2, 3));
    }
}
