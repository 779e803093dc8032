//! Deterministic random helpers for the story (ChaCha8, seeded per section so that adding data
//! to one section does not reshuffle the others).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub(crate) struct Gen {
    rng: ChaCha8Rng,
}

/// Words of MLflow-style generated run names (`nimble-owl-417`).
pub(crate) const ADJECTIVES: &[&str] = &[
    "amazing",
    "bold",
    "brave",
    "calm",
    "capable",
    "clean",
    "crisp",
    "dapper",
    "eager",
    "fearless",
    "gentle",
    "glamorous",
    "honest",
    "illustrious",
    "judicious",
    "kindly",
    "lyrical",
    "merciful",
    "nimble",
    "orderly",
    "polite",
    "quirky",
    "resilient",
    "sincere",
    "thoughtful",
    "unique",
    "valuable",
    "wise",
    "youthful",
    "zealous",
];

pub(crate) const ANIMALS: &[&str] = &[
    "ant", "bass", "bat", "bee", "carp", "cat", "colt", "crab", "deer", "doe", "eel", "elk",
    "finch", "foal", "fox", "gnu", "goat", "hare", "hawk", "hen", "jay", "koi", "lark", "mole",
    "moth", "newt", "owl", "ox", "ram", "seal", "shrew", "sow", "squid", "stag", "swan", "toad",
    "trout", "wasp", "whale", "wren",
];

impl Gen {
    pub fn new(seed: u64, stream: u64) -> Self {
        Gen {
            rng: ChaCha8Rng::seed_from_u64(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ stream),
        }
    }

    /// `n` lowercase hex digits (run ids are 32, git commits 40).
    pub fn hex(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from_digit(self.rng.random_range(0..16), 16).unwrap_or('0'))
            .collect()
    }

    /// `n` decimal digits without a leading zero (experiment and workspace ids).
    pub fn digits(&mut self, n: usize) -> String {
        let mut s = self.rng.random_range(1..10u32).to_string();
        for _ in 1..n {
            s.push(char::from_digit(self.rng.random_range(0..10), 10).unwrap_or('0'));
        }
        s
    }

    pub fn uuid(&mut self) -> String {
        format!(
            "{}-{}-{}-{}-{}",
            self.hex(8),
            self.hex(4),
            self.hex(4),
            self.hex(4),
            self.hex(12)
        )
    }

    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.rng.random::<f64>()
    }

    pub fn int(&mut self, lo: i64, hi: i64) -> i64 {
        self.rng.random_range(lo..=hi)
    }

    /// Roughly normal noise with standard deviation `sd` (sum of uniforms; bounded, smooth).
    pub fn noise(&mut self, sd: f64) -> f64 {
        let s: f64 = (0..4).map(|_| self.rng.random::<f64>()).sum();
        (s - 2.0) * sd * 1.732
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.random_range(0..items.len())]
    }

    /// An MLflow-style generated run name, e.g. `nimble-owl-417`.
    pub fn run_name(&mut self) -> String {
        let adjective = *self.pick(ADJECTIVES);
        let animal = *self.pick(ANIMALS);
        format!("{adjective}-{animal}-{}", self.int(100, 999))
    }
}

/// Rounds to `places` decimals, so numbers in answers look like logged values.
pub(crate) fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}
