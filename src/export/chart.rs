//! A chart on screen ([`ChartSpec`]) written as PNG and SVG with plotters: the same
//! series (already windowed and downsampled), bounds, axis labels and title. PNG text uses the
//! embedded font; SVG keeps text as `<text>` elements in a monospace family, measured with the
//! same embedded font, so no system font library is involved.

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::drawing::DrawingAreaErrorKind;
use plotters::prelude::*;
use plotters::style::Color as _;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use ratatui::style::Color;

use super::chart_spec::{ChartSpec, SeriesKind};
use super::font::{MONO_TTF, ensure_registered};
use super::palette::to_rgb;

/// Pixel size of exported charts.
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 700;

/// The colours of the theme the chart was on (`Color::Reset` resolved).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChartColors {
    pub fg: Color,
    pub bg: Color,
}

fn rgb(c: Color, default: (u8, u8, u8)) -> RGBColor {
    let (r, g, b) = to_rgb(c, default);
    RGBColor(r, g, b)
}

/// Writes `<dir>/<stem>.png` and `<dir>/<stem>.svg` (creating `dir`), returning both paths.
pub fn write(
    spec: &ChartSpec,
    colors: ChartColors,
    dir: &Path,
    stem: &str,
) -> Result<Vec<PathBuf>, String> {
    ensure_registered()?;
    // NaN and infinite points skipped and bounds made finite, as on screen.
    let spec = &spec.drawable();
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let png = dir.join(format!("{stem}.png"));
    let svg = dir.join(format!("{stem}.svg"));
    {
        let root = BitMapBackend::new(&png, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root, spec, colors, true)?;
        root.present()
            .map_err(|e| format!("{}: {e}", png.display()))?;
    }
    {
        let root = SVGBackend::new(&svg, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root, spec, colors, false)?;
        root.present()
            .map_err(|e| format!("{}: {e}", svg.display()))?;
    }
    Ok(vec![png, svg])
}

type Area<DB> = DrawingArea<DB, Shift>;
type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// How text is put down: whole strings (SVG: the viewer lays them out), or glyph by glyph on the
/// monospace grid (bitmap: plotters' own layout ignores side bearings, which opens gaps after
/// narrow glyphs such as `.` and `-`).
#[derive(Clone, Copy)]
struct Writer {
    per_glyph: bool,
}

impl Writer {
    fn text<DB: DrawingBackend>(
        self,
        root: &Area<DB>,
        text: &str,
        (x, y): (i32, i32),
        (h, v): (HPos, VPos),
        style: &TextStyle<'_>,
    ) -> DrawResult<DB> {
        // Titles and legends carry run and metric names: control characters written visibly,
        // never into the SVG (where XML forbids them) or the bitmap.
        let text = &*crate::safe_text::line(text);
        if !self.per_glyph {
            let s = style.pos(Pos::new(h, v));
            return root.draw(&Text::new(text.to_string(), (x, y), s));
        }
        let size = style.font.get_size();
        let advance = advance(size);
        let width = advance * text.chars().count() as f64;
        let left = match h {
            HPos::Left => f64::from(x),
            HPos::Center => f64::from(x) - width / 2.0,
            HPos::Right => f64::from(x) - width,
        };
        let s = style.pos(Pos::new(HPos::Left, v));
        for (i, c) in text.chars().enumerate() {
            let gx = left + advance * i as f64 + f64::from(bearing(c, size));
            root.draw(&Text::new(c.to_string(), (gx.round() as i32, y), s.clone()))?;
        }
        Ok(())
    }
}

fn scaled_font(size: f64) -> Option<ab_glyph::PxScaleFont<ab_glyph::FontRef<'static>>> {
    use ab_glyph::Font;
    let font = ab_glyph::FontRef::try_from_slice(MONO_TTF).ok()?;
    Some(font.into_scaled(size as f32))
}

/// The monospace advance at `size`.
fn advance(size: f64) -> f64 {
    use ab_glyph::ScaleFont;
    scaled_font(size)
        .map(|f| f64::from(f.h_advance(f.glyph_id('M'))))
        .unwrap_or(size * 0.6)
}

/// Pixels between the pen and the left edge of `c`'s ink.
fn bearing(c: char, size: f64) -> i32 {
    use ab_glyph::ScaleFont;
    let Some(f) = scaled_font(size) else { return 0 };
    let glyph = f.scaled_glyph(c);
    f.outline_glyph(glyph)
        .map(|g| g.px_bounds().min.x.round() as i32)
        .unwrap_or(0)
}

fn draw<DB: DrawingBackend>(
    root: &Area<DB>,
    spec: &ChartSpec,
    colors: ChartColors,
    per_glyph: bool,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let w = Writer { per_glyph };
    let bg = rgb(colors.bg, (255, 255, 255));
    let fg = rgb(colors.fg, (0, 0, 0));
    let font = |size: f64| (FontFamily::Monospace, size).into_font().color(&fg);
    root.fill(&bg).map_err(err)?;
    w.text(
        root,
        &spec.title,
        (WIDTH as i32 / 2, 14),
        (HPos::Center, VPos::Top),
        &font(22.0),
    )
    .map_err(err)?;
    let [x0, x1] = spec.x_bounds;
    let [y0, y1] = spec.y_bounds;
    let mut chart = ChartBuilder::on(root)
        .margin(24)
        .margin_top(64)
        .x_label_area_size(64)
        .y_label_area_size(96)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(err)?;
    // Ticks, titles and legend are drawn below from the spec, so they read as on screen.
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(0)
        .y_labels(0)
        .axis_style(fg)
        .draw()
        .map_err(err)?;
    for (i, s) in spec.series.iter().enumerate() {
        let colour = rgb(s.color, (0, 160, 200));
        match s.kind {
            SeriesKind::Line => {
                for run in s.segments() {
                    chart
                        .draw_series(LineSeries::new(run.iter().copied(), colour.stroke_width(2)))
                        .map_err(err)?;
                }
            }
            SeriesKind::Scatter => {
                // Later series (the best trial) drawn larger, on top.
                let r = if i == 0 { 4 } else { 7 };
                chart
                    .draw_series(
                        s.segments()
                            .flatten()
                            .map(move |p| Circle::new(*p, r, colour.filled())),
                    )
                    .map_err(err)?;
            }
        }
    }
    let (top_left, bottom_right) = (
        chart.backend_coord(&(x0, y1)),
        chart.backend_coord(&(x1, y0)),
    );
    axes_text(w, root, spec, top_left, bottom_right, &font(14.0)).map_err(err)?;
    legend(
        w,
        root,
        spec,
        (bottom_right.0, top_left.1),
        bg,
        fg,
        &font(14.0),
    )
    .map_err(err)?;
    Ok(())
}

/// Tick labels spread evenly along each axis (as ratatui places them) and the axis titles:
/// the y title above the axis, the x title under its labels.
fn axes_text<DB: DrawingBackend>(
    w: Writer,
    root: &Area<DB>,
    spec: &ChartSpec,
    (left, top): (i32, i32),
    (right, bottom): (i32, i32),
    style: &TextStyle<'_>,
) -> DrawResult<DB> {
    let at = |i: usize, n: usize, lo: i32, hi: i32| {
        if n <= 1 {
            lo
        } else {
            lo + (hi - lo) * i as i32 / (n - 1) as i32
        }
    };
    let n = spec.x_labels.len();
    for (i, label) in spec.x_labels.iter().enumerate() {
        let x = at(i, n, left, right);
        w.text(
            root,
            label,
            (x, bottom + 8),
            (HPos::Center, VPos::Top),
            style,
        )?;
    }
    let n = spec.y_labels.len();
    for (i, label) in spec.y_labels.iter().enumerate() {
        let y = at(i, n, bottom, top);
        w.text(
            root,
            label,
            (left - 8, y),
            (HPos::Right, VPos::Center),
            style,
        )?;
    }
    let mid = (left + right) / 2;
    w.text(
        root,
        &spec.x_title,
        (mid, bottom + 36),
        (HPos::Center, VPos::Top),
        style,
    )?;
    w.text(
        root,
        &spec.y_title,
        (left, top - 10),
        (HPos::Center, VPos::Bottom),
        style,
    )
}

/// One line per series at the plot's top right: a colour mark and the name.
fn legend<DB: DrawingBackend>(
    w: Writer,
    root: &Area<DB>,
    spec: &ChartSpec,
    (right, top): (i32, i32),
    bg: RGBColor,
    fg: RGBColor,
    style: &TextStyle<'_>,
) -> DrawResult<DB> {
    let longest = spec
        .series
        .iter()
        .map(|s| s.name.chars().count())
        .max()
        .unwrap_or(0);
    let width = 44 + (advance(style.font.get_size()) * longest as f64) as i32;
    let height = 10 + 20 * spec.series.len() as i32;
    let x = right - width - 10;
    let y = top + 10;
    root.draw(&Rectangle::new(
        [(x, y), (x + width, y + height)],
        bg.filled(),
    ))?;
    root.draw(&Rectangle::new([(x, y), (x + width, y + height)], fg))?;
    for (i, s) in spec.series.iter().enumerate() {
        let colour = rgb(s.color, (0, 160, 200));
        let ly = y + 15 + 20 * i as i32;
        root.draw(&PathElement::new(
            vec![(x + 10, ly), (x + 32, ly)],
            colour.stroke_width(3),
        ))?;
        w.text(
            root,
            &s.name,
            (x + 38, ly),
            (HPos::Left, VPos::Center),
            style,
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::chart_spec::Series;

    fn spec(kind: SeriesKind) -> ChartSpec {
        ChartSpec {
            title: "xgb-tuned-v1".into(),
            x_title: "step".into(),
            y_title: "loss".into(),
            x_bounds: [0.0, 29.0],
            y_bounds: [0.2, 0.5],
            x_labels: vec!["0".into(), "15".into(), "29".into()],
            y_labels: vec!["0.2".into(), "0.35".into(), "0.5".into()],
            series: vec![
                Series {
                    name: "loss".into(),
                    color: Color::Cyan,
                    kind,
                    points: (0..30)
                        .map(|i| (i as f64, 0.5 - i as f64 / 100.0))
                        .collect(),
                },
                Series {
                    name: "val_auc".into(),
                    color: Color::Green,
                    kind,
                    points: (0..30)
                        .map(|i| (i as f64, 0.3 + i as f64 / 200.0))
                        .collect(),
                },
            ],
        }
    }

    const COLORS: ChartColors = ChartColors {
        fg: Color::Rgb(0xd0, 0xd0, 0xd0),
        bg: Color::Rgb(0x1c, 0x1c, 0x1c),
    };

    #[test]
    fn writes_a_decodable_png_and_an_svg_with_text_and_series() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("charts");
        let paths = write(&spec(SeriesKind::Line), COLORS, &out, "run-1-loss").unwrap();
        assert_eq!(
            paths,
            vec![out.join("run-1-loss.png"), out.join("run-1-loss.svg")]
        );

        let png = std::fs::read(&paths[0]).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let w = u32::from_be_bytes(png[16..20].try_into().unwrap());
        let h = u32::from_be_bytes(png[20..24].try_into().unwrap());
        assert_eq!((w, h), (WIDTH, HEIGHT));

        let svg = std::fs::read_to_string(&paths[1]).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..80.min(svg.len())]);
        assert!(svg.trim_end().ends_with("</svg>"));
        // XML-ish: every element closes.
        let opens = svg.matches('<').count();
        let closes = svg.matches('>').count();
        assert_eq!(opens, closes);
        assert_eq!(
            svg.matches("<polyline").count(),
            2 + 2 + 2,
            "two axes, two series, two legend marks"
        );
        assert!(svg.contains("font-family=\"monospace\""));
        let texts: Vec<&str> = svg
            .split("<text")
            .skip(1)
            .filter_map(|t| Some(t.split_once('>')?.1.split_once("</text>")?.0.trim()))
            .collect();
        for text in ["xgb-tuned-v1", "step", "loss", "0.35", "15", "val_auc"] {
            assert!(texts.contains(&text), "{text} missing from {texts:?}");
        }
    }

    #[test]
    fn nan_and_infinite_points_and_bounds_export_without_panic() {
        let dir = tempfile::tempdir().unwrap();
        for kind in [SeriesKind::Line, SeriesKind::Scatter] {
            let mut s = spec(kind);
            s.title = "run\x1b]0;pwned\x07".into();
            s.series[0].points[3].1 = f64::NAN;
            s.series[0].points[5].1 = f64::INFINITY;
            s.series[1].points[7].1 = f64::NEG_INFINITY;
            s.series[1].points[9].0 = f64::NAN;
            s.y_bounds = [f64::NAN, f64::INFINITY];
            let paths = write(&s, COLORS, dir.path(), "bad").unwrap();
            let svg = std::fs::read_to_string(&paths[1]).unwrap();
            assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
            let hazards = svg
                .chars()
                .filter(|c| *c != '\n' && crate::safe_text::is_hazard(*c))
                .count();
            assert_eq!(hazards, 0, "control characters in the SVG");
            assert!(svg.contains(r"run\x1b]0;pwned\x07"));
        }
    }

    #[test]
    fn scatter_points_are_circles() {
        let dir = tempfile::tempdir().unwrap();
        let paths = write(&spec(SeriesKind::Scatter), COLORS, dir.path(), "sweep").unwrap();
        let svg = std::fs::read_to_string(&paths[1]).unwrap();
        assert!(svg.matches("<circle").count() >= 60);
    }
}
