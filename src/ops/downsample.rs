//! Downsampling a series for display without hiding its extremes.
//!
//! A chart a few hundred cells wide cannot show 100,000 points, but a spike must not vanish
//! either. The points are cut into `buckets` runs of consecutive points; each bucket keeps its
//! minimum and its maximum (by y), in their original order. So the drawn line still reaches
//! every bucket's lowest and highest value (the "min/max" decimation of plotting libraries).
//!
//! A point the server sent as NaN or ±inf has no place on an axis: it is dropped here, so no
//! chart, axis or export downstream ever sees one.

/// Whether a point can be drawn: both coordinates finite.
pub fn is_drawable(p: &(f64, f64)) -> bool {
    p.0.is_finite() && p.1.is_finite()
}

/// At most `2 * buckets` of the drawable points of `points` (ordered by x), keeping the min and
/// max of each bucket in their original order. Inputs already that small come back without
/// their NaN and infinite points, otherwise unchanged.
pub fn min_max(points: &[(f64, f64)], buckets: usize) -> Vec<(f64, f64)> {
    let points = drawable(points);
    let buckets = buckets.max(1);
    if points.len() <= 2 * buckets {
        return points.into_owned();
    }
    let mut out = Vec::with_capacity(2 * buckets);
    for (first, second) in extremes(&points, buckets) {
        out.push(first);
        out.extend(second);
    }
    out
}

/// [`min_max`] for a line drawn at about one bucket per cell (the live charts): the same
/// extremes of the same buckets at the same x positions, but the value nearer the line's
/// previous point comes first, so the line goes on from where it was instead of crossing the
/// bucket's range twice. A noisy series then paints about half the dots.
pub fn min_max_path(points: &[(f64, f64)], buckets: usize) -> Vec<(f64, f64)> {
    let points = drawable(points);
    let buckets = buckets.max(1);
    if points.len() <= 2 * buckets {
        return points.into_owned();
    }
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(2 * buckets);
    for (first, second) in extremes(&points, buckets) {
        match (second, out.last()) {
            (Some(second), Some(&(_, y))) if (second.1 - y).abs() < (first.1 - y).abs() => {
                out.push((first.0, second.1));
                out.push((second.0, first.1));
            }
            _ => {
                out.push(first);
                out.extend(second);
            }
        }
    }
    out
}

/// `points` without its NaN and infinite points (borrowed when it has none).
fn drawable(points: &[(f64, f64)]) -> std::borrow::Cow<'_, [(f64, f64)]> {
    if points.iter().all(is_drawable) {
        std::borrow::Cow::Borrowed(points)
    } else {
        std::borrow::Cow::Owned(points.iter().copied().filter(is_drawable).collect())
    }
}

/// Each of `buckets` even runs of `points`: its min and max in their original order, or one
/// point when they are the same point.
fn extremes(
    points: &[(f64, f64)],
    buckets: usize,
) -> impl Iterator<Item = ((f64, f64), Option<(f64, f64)>)> + '_ {
    let n = points.len();
    (0..buckets).filter_map(move |b| {
        // Even split of n points into `buckets` ranges (sizes differ by at most one).
        let (start, end) = (b * n / buckets, (b + 1) * n / buckets);
        let slice = points.get(start..end).filter(|s| !s.is_empty())?;
        let (mut lo, mut hi) = (0, 0);
        for (i, p) in slice.iter().enumerate() {
            if p.1 < slice[lo].1 {
                lo = i;
            }
            if p.1 > slice[hi].1 {
                hi = i;
            }
        }
        Some(match lo.cmp(&hi) {
            std::cmp::Ordering::Less => (slice[lo], Some(slice[hi])),
            std::cmp::Ordering::Greater => (slice[hi], Some(slice[lo])),
            std::cmp::Ordering::Equal => (slice[lo], None),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic noisy series with a few spikes.
    fn series(n: usize) -> Vec<(f64, f64)> {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        (0..n)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let noise = (x % 1000) as f64 / 1000.0;
                let spike = if i % 997 == 0 { 50.0 } else { 0.0 };
                (i as f64, (i as f64 / 100.0).sin() + noise + spike)
            })
            .collect()
    }

    #[test]
    fn the_path_keeps_every_extreme_and_x_and_paints_less() {
        // A flat, noisy series (a steady rate): every bucket spans about the same range.
        let pts: Vec<(f64, f64)> = series(20_000)
            .into_iter()
            .map(|(x, y)| (x, (y - (x / 100.0).sin()) % 50.0))
            .collect();
        let plain = min_max(&pts, 100);
        let path = min_max_path(&pts, 100);
        assert_eq!(path.len(), plain.len());
        let xs = |v: &[(f64, f64)]| v.iter().map(|p| p.0).collect::<Vec<_>>();
        assert_eq!(xs(&path), xs(&plain), "same x positions");
        for (a, b) in plain.chunks(2).zip(path.chunks(2)) {
            let mut a: Vec<f64> = a.iter().map(|p| p.1).collect();
            let mut b: Vec<f64> = b.iter().map(|p| p.1).collect();
            a.sort_by(f64::total_cmp);
            b.sort_by(f64::total_cmp);
            assert_eq!(a, b, "same extremes in each bucket");
        }
        let travel = |v: &[(f64, f64)]| v.windows(2).map(|w| (w[1].1 - w[0].1).abs()).sum::<f64>();
        assert!(
            travel(&path) < travel(&plain) * 0.8,
            "{} vs {}",
            travel(&path),
            travel(&plain)
        );
        assert_eq!(min_max_path(&pts[..50], 100), pts[..50].to_vec());
    }

    #[test]
    fn small_inputs_come_back_unchanged() {
        let s = series(20);
        assert_eq!(min_max(&s, 10), s);
        assert_eq!(min_max(&s, 100), s);
        assert!(min_max(&[], 5).is_empty());
        assert_eq!(min_max(&s[..1], 0), s[..1].to_vec());
    }

    #[test]
    fn every_buckets_min_and_max_survive_in_order() {
        let s = series(100_003);
        for buckets in [1, 7, 200, 1_000] {
            let out = min_max(&s, buckets);
            assert!(out.len() <= 2 * buckets, "{} > 2 x {buckets}", out.len());
            // order preserved (x strictly increasing, as in the input)
            assert!(out.windows(2).all(|w| w[0].0 < w[1].0));
            let n = s.len();
            for b in 0..buckets {
                let slice = &s[b * n / buckets..(b + 1) * n / buckets];
                let min = slice.iter().cloned().fold(f64::INFINITY, |m, p| m.min(p.1));
                let max = slice
                    .iter()
                    .cloned()
                    .fold(f64::NEG_INFINITY, |m, p| m.max(p.1));
                let lo = slice.first().unwrap().0;
                let hi = slice.last().unwrap().0;
                let kept: Vec<f64> = out
                    .iter()
                    .filter(|p| p.0 >= lo && p.0 <= hi)
                    .map(|p| p.1)
                    .collect();
                assert!(kept.contains(&min), "bucket {b}/{buckets} lost its min");
                assert!(kept.contains(&max), "bucket {b}/{buckets} lost its max");
            }
        }
        // The global extremes (the spikes) always survive.
        let out = min_max(&s, 50);
        let top = s.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
        assert!(out.iter().any(|p| p.1 == top));
    }

    #[test]
    fn nan_points_do_not_hide_real_extremes() {
        let mut s: Vec<(f64, f64)> = (0..100).map(|i| (i as f64, i as f64)).collect();
        s[0].1 = f64::NAN;
        let out = min_max(&s, 2);
        assert!(out.iter().any(|p| p.1 == 1.0), "{out:?}");
        assert!(out.iter().any(|p| p.1 == 99.0), "{out:?}");
    }

    #[test]
    fn nan_and_infinite_points_are_dropped_at_any_size() {
        let mut s: Vec<(f64, f64)> = (0..100).map(|i| (i as f64, i as f64)).collect();
        s[10].1 = f64::NAN;
        s[50].1 = f64::INFINITY;
        s[90].1 = f64::NEG_INFINITY;
        s[95].0 = f64::NAN;
        for buckets in [1, 3, 10, 100] {
            let out = min_max(&s, buckets);
            assert!(out.iter().all(is_drawable), "{buckets}: {out:?}");
            assert!(out.iter().any(|p| p.1 == 99.0), "{buckets}: max kept");
            assert!(out.iter().any(|p| p.1 == 0.0), "{buckets}: min kept");
        }
        assert_eq!(min_max(&s, 100).len(), 96, "small: only the bad points go");
        let bad = [
            (0.0, f64::NAN),
            (1.0, f64::INFINITY),
            (2.0, f64::NEG_INFINITY),
        ];
        assert!(min_max(&bad, 1).is_empty());
    }
}
