//! Glyphs a terminal draws itself rather than from the font: box drawing, blocks and braille.
//! Terminals (kitty, alacritty, foot …) render these as geometry so lines join across cells;
//! a screenshot should look the same.

/// Which half-lines from the cell centre a box-drawing character has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Arms {
    pub up: bool,
    pub down: bool,
    pub left: bool,
    pub right: bool,
}

/// The arms of a box-drawing character (light, heavy, double and rounded variants alike).
pub fn box_arms(c: char) -> Option<Arms> {
    let (up, down, left, right) = match c {
        '─' | '━' | '═' | '╌' | '┄' | '┈' => (false, false, true, true),
        '│' | '┃' | '║' | '╎' | '┆' | '┊' => (true, true, false, false),
        '┌' | '┏' | '╔' | '╭' | '┍' | '┎' | '╒' | '╓' => (false, true, false, true),
        '┐' | '┓' | '╗' | '╮' | '┑' | '┒' | '╕' | '╖' => (false, true, true, false),
        '└' | '┗' | '╚' | '╰' | '┕' | '┖' | '╘' | '╙' => (true, false, false, true),
        '┘' | '┛' | '╝' | '╯' | '┙' | '┚' | '╛' | '╜' => (true, false, true, false),
        '├' | '┣' | '╠' | '┝' | '┠' | '╞' | '╟' => (true, true, false, true),
        '┤' | '┫' | '╣' | '┥' | '┨' | '╡' | '╢' => (true, true, true, false),
        '┬' | '┳' | '╦' | '┯' | '┰' | '╤' | '╥' => (false, true, true, true),
        '┴' | '┻' | '╩' | '┷' | '┸' | '╧' | '╨' => (true, false, true, true),
        '┼' | '╋' | '╬' | '┿' | '╂' | '╪' | '╫' => (true, true, true, true),
        '╴' => (false, false, true, false),
        '╶' => (false, false, false, true),
        '╵' => (true, false, false, false),
        '╷' => (false, true, false, false),
        _ => return None,
    };
    Some(Arms {
        up,
        down,
        left,
        right,
    })
}

/// Braille dots of a U+2800 pattern as (column 0..2, row 0..4) pairs.
pub fn braille_dots(c: char) -> Option<Vec<(u32, u32)>> {
    let code = c as u32;
    if !(0x2800..=0x28FF).contains(&code) {
        return None;
    }
    let bits = code - 0x2800;
    // Unicode dot numbering: 1-3 left column top-down, 4-6 right column, 7 and 8 the bottom row.
    const LAYOUT: [(u32, u32); 8] = [
        (0, 0),
        (0, 1),
        (0, 2),
        (1, 0),
        (1, 1),
        (1, 2),
        (0, 3),
        (1, 3),
    ];
    Some(
        LAYOUT
            .iter()
            .enumerate()
            .filter(|(i, _)| bits & (1 << i) != 0)
            .map(|(_, p)| *p)
            .collect(),
    )
}

/// Block elements as the filled fraction of the cell: (x0, y0, x1, y1) in eighths.
pub fn block_rect(c: char) -> Option<(u32, u32, u32, u32)> {
    Some(match c {
        '█' => (0, 0, 8, 8),
        '▀' => (0, 0, 8, 4),
        '▄' => (0, 4, 8, 8),
        '▌' => (0, 0, 4, 8),
        '▐' => (4, 0, 8, 8),
        '▁' => (0, 7, 8, 8),
        '▂' => (0, 6, 8, 8),
        '▃' => (0, 5, 8, 8),
        '▅' => (0, 3, 8, 8),
        '▆' => (0, 2, 8, 8),
        '▇' => (0, 1, 8, 8),
        '▏' => (0, 0, 1, 8),
        '▎' => (0, 0, 2, 8),
        '▍' => (0, 0, 3, 8),
        '▋' => (0, 0, 5, 8),
        '▊' => (0, 0, 6, 8),
        '▉' => (0, 0, 7, 8),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corners_and_tees_have_the_right_arms() {
        assert_eq!(
            box_arms('╭'),
            Some(Arms {
                up: false,
                down: true,
                left: false,
                right: true
            })
        );
        assert_eq!(
            box_arms('┼').map(|a| a.up && a.down && a.left && a.right),
            Some(true)
        );
        assert_eq!(box_arms('a'), None);
    }

    #[test]
    fn braille_bits_map_to_dots() {
        assert_eq!(braille_dots('⠁'), Some(vec![(0, 0)]));
        assert_eq!(braille_dots('⢀'), Some(vec![(1, 3)]));
        assert_eq!(braille_dots('⣿').map(|d| d.len()), Some(8));
        assert_eq!(braille_dots('x'), None);
    }
}
