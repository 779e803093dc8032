//! What a chart shows, as data: series already windowed to the zoom and downsampled, bounds
//! and labels. Built from state by the app's rooms; drawn by `ui::chart` (ratatui) and written
//! by `export::chart` (PNG/SVG), so the exported file matches the screen.

use ratatui::style::Color;

use crate::ops::downsample;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeriesKind {
    Line,
    Scatter,
}

/// A hole in a line series: the line stops at the point before and starts again at the point
/// after, instead of being drawn across time with no data. (Infinite rather than NaN, so series
/// still compare equal to themselves; no builder lets an infinite reading through.)
pub const BREAK: (f64, f64) = (f64::INFINITY, f64::INFINITY);

/// Whether `p` is a [`BREAK`].
pub fn is_break(p: &(f64, f64)) -> bool {
    *p == BREAK
}

#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub color: Color,
    pub kind: SeriesKind,
    /// Ordered by x; [`BREAK`]s cut a line into runs drawn apart.
    pub points: Vec<(f64, f64)>,
}

impl Series {
    /// The runs of points between breaks (none empty).
    pub fn segments(&self) -> impl Iterator<Item = &[(f64, f64)]> {
        self.points.split(is_break).filter(|s| !s.is_empty())
    }
}

/// A chart ready to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSpec {
    pub title: String,
    pub x_title: String,
    pub y_title: String,
    pub x_bounds: [f64; 2],
    pub y_bounds: [f64; 2],
    pub x_labels: Vec<String>,
    pub y_labels: Vec<String>,
    pub series: Vec<Series>,
}

impl ChartSpec {
    pub fn is_empty(&self) -> bool {
        self.series.iter().all(|s| s.points.is_empty())
    }

    /// The spec as it can be drawn: NaN and infinite points skipped (but for one [`BREAK`]
    /// between two runs of points), bounds finite and increasing. The builders already keep to
    /// that; drawing and export go through here so a spec made any other way cannot put a NaN
    /// on an axis either.
    pub fn drawable(&self) -> ChartSpec {
        let mut spec = self.clone();
        for s in &mut spec.series {
            let mut points = Vec::with_capacity(s.points.len());
            for p in &s.points {
                if downsample::is_drawable(p) {
                    points.push(*p);
                } else if is_break(p) && points.last().is_some_and(|l| !is_break(l)) {
                    points.push(BREAK);
                }
            }
            if points.last().is_some_and(is_break) {
                points.pop();
            }
            s.points = points;
        }
        spec.x_bounds = drawable_bounds(spec.x_bounds);
        spec.y_bounds = drawable_bounds(spec.y_bounds);
        spec
    }
}

/// `b` when both ends and the span between them are finite and `b[0] < b[1]`, otherwise 0..1.
pub fn drawable_bounds(b: [f64; 2]) -> [f64; 2] {
    if (b[1] - b[0]).is_finite() && b[0] < b[1] {
        b
    } else {
        [0.0, 1.0]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaks_cut_a_line_into_runs_and_never_pile_up() {
        let spec = ChartSpec {
            title: String::new(),
            x_title: String::new(),
            y_title: String::new(),
            x_bounds: [0.0, 10.0],
            y_bounds: [0.0, 10.0],
            x_labels: vec![],
            y_labels: vec![],
            series: vec![Series {
                name: "s".into(),
                color: Color::Cyan,
                kind: SeriesKind::Line,
                points: vec![
                    BREAK,
                    (0.0, 1.0),
                    (1.0, 2.0),
                    BREAK,
                    (2.0, f64::NAN),
                    BREAK,
                    (5.0, 3.0),
                    BREAK,
                ],
            }],
        }
        .drawable();
        let s = &spec.series[0];
        assert_eq!(
            s.points.len(),
            4,
            "one break between the runs: {:?}",
            s.points
        );
        let runs: Vec<&[(f64, f64)]> = s.segments().collect();
        assert_eq!(runs, vec![&[(0.0, 1.0), (1.0, 2.0)][..], &[(5.0, 3.0)][..]]);
        assert!(!spec.is_empty());
    }
}
