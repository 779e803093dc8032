//! Turning what the console draws into files: terminal buffers to PNG/SVG (screenshots).

pub mod cells;
pub mod font;
pub mod palette;
pub mod screenshot;
