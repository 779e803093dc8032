//! The latency model of scoring answers: an answer waits for the latency its served entity's
//! profile drew (the champion ~16 ms median, the challenger ~6% slower, a heavy retrain slower
//! still), times a scale (`--served-latency`, 1 by default, 0 answers at once). With `--faults`
//! a tail is added: 2% of answers take 8× longer. So a load test sees a real difference between
//! entities, and an SLO that fails under faults.
//!
//! The hot path stays cheap: two relaxed atomic loads per request, no timer when the scale is 0,
//! and a tokio sleep (never a blocked thread) when a delay is due.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use super::profile::Rng;

/// Share of answers in the fault tail, and how much slower they are.
pub(crate) const TAIL_SHARE: f64 = 0.02;
pub(crate) const TAIL_FACTOR: f64 = 8.0;

#[derive(Debug, Default)]
pub(crate) struct AnswerLatency {
    /// `f64` bits of the scale.
    scale_bits: AtomicU64,
    tail: AtomicBool,
}

impl AnswerLatency {
    pub fn configure(&self, scale: f64, tail: bool) {
        let scale = if scale.is_finite() {
            scale.clamp(0.0, 100.0)
        } else {
            0.0
        };
        self.scale_bits.store(scale.to_bits(), Ordering::Relaxed);
        self.tail.store(tail, Ordering::Relaxed);
    }

    /// The latency of this answer in ms (the profile's draw, with the fault tail), drawn after
    /// every other draw of the request so those keep their values.
    pub fn with_tail(&self, latency_ms: f64, rng: &mut Rng) -> f64 {
        if self.tail.load(Ordering::Relaxed) && rng.uniform() < TAIL_SHARE {
            latency_ms * TAIL_FACTOR
        } else {
            latency_ms
        }
    }

    /// How long the answer waits, if at all.
    pub fn delay(&self, latency_ms: f64) -> Option<Duration> {
        let scale = f64::from_bits(self.scale_bits.load(Ordering::Relaxed));
        let ms = latency_ms * scale;
        (ms > 0.0 && ms.is_finite()).then(|| Duration::from_secs_f64(ms.min(60_000.0) / 1000.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_scale_no_delay_and_the_tail_only_with_faults() {
        let a = AnswerLatency::default();
        assert_eq!(a.delay(16.0), None);
        a.configure(0.5, false);
        assert_eq!(a.delay(16.0), Some(Duration::from_millis(8)));
        let mut rng = Rng::new(7);
        assert!((0..1000).all(|_| a.with_tail(10.0, &mut rng) == 10.0));
        a.configure(1.0, true);
        let slow = (0..10_000)
            .filter(|_| a.with_tail(10.0, &mut rng) == 80.0)
            .count();
        assert!((100..300).contains(&slow), "{slow} of 10000 in the tail");
    }
}
