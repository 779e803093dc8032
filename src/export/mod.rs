//! Turning what the console draws into files: terminal buffers to PNG (screenshots), charts to
//! PNG and SVG.

pub mod cells;
pub mod chart;
pub mod chart_spec;
pub mod font;
pub mod palette;
pub mod screenshot;
