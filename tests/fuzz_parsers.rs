//! Bounded random-input tests of every parser of outside input, on stable Rust: seed corpora of
//! valid inputs, mutated (see `fuzz_parsers/mutate.rs`), through the checks in
//! `fuzz_parsers/checks.rs` that the cargo-fuzz targets in `fuzz/` share.
//!
//! `cargo test --test fuzz_parsers` runs a few thousand inputs per parser;
//! `MLOPS_FUZZ_ITERS=1000000 cargo test --release --test fuzz_parsers -- --nocapture` runs
//! longer (each parser prints how many inputs it took per second), and `MLOPS_FUZZ_SEED=N`
//! explores other inputs. A panic prints the seed and the input that caused it.
//!
//! SQL statement results are not parsed anywhere yet, so they have no check.

#[path = "fuzz_parsers/checks.rs"]
mod checks;
#[path = "fuzz_parsers/mutate.rs"]
mod mutate;
#[path = "fuzz_parsers/seeds.rs"]
mod seeds;

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::time::Instant;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Inputs per parser in a plain `cargo test`.
const DEFAULT_ITERS: u64 = 3_000;

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok()?.trim().parse().ok()
}

/// FNV-1a, so each parser gets its own stream from one seed.
fn name_hash(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn escaped(bytes: &[u8]) -> String {
    let shown = &bytes[..bytes.len().min(4096)];
    shown.escape_ascii().to_string()
}

/// Runs `check` on mutated seeds (some unmutated) for the iteration count, divided by `cost`
/// for parsers that are slow per input (the keymap and themes rebuild their defaults each time).
fn fuzz(name: &str, seeds: &[Vec<u8>], dict: &[&str], cost: u64, check: fn(&[u8])) {
    let iters = env_u64("MLOPS_FUZZ_ITERS").unwrap_or(DEFAULT_ITERS) / cost;
    let seed = env_u64("MLOPS_FUZZ_SEED").unwrap_or(0x5eed);
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ name_hash(name));
    let started = Instant::now();
    for i in 0..iters {
        let input = mutate::input(&mut rng, seeds, dict);
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| check(&input))) {
            eprintln!(
                "{name}: input {i} (MLOPS_FUZZ_SEED={seed}) panicked; the input:\n{}",
                escaped(&input)
            );
            resume_unwind(panic);
        }
    }
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "{name}: {iters} inputs in {secs:.2} s ({:.0}/s)",
        iters as f64 / secs.max(1e-9)
    );
}

/// Every seed must be accepted as it is, or the corpus would only test error paths.
#[test]
fn the_seeds_are_valid_inputs() {
    use mlops_console::config::{AppConfig, DatabricksCfg};
    use mlops_console::ops::canary::CanaryPlan;
    use std::path::Path;
    for s in seeds::canary_plan() {
        CanaryPlan::parse(std::str::from_utf8(&s).unwrap()).unwrap();
    }
    for s in seeds::canary_state() {
        mlops_console::ops::canary::store::decode(&s).unwrap();
    }
    for s in seeds::journal() {
        let view = mlops_console::ops::journal::parse(&s);
        assert!(!view.entries.is_empty());
    }
    for s in seeds::prometheus() {
        mlops_console::ops::prometheus::parse(std::str::from_utf8(&s).unwrap()).unwrap();
    }
    for s in &seeds::app_config()[..1] {
        AppConfig::parse(Path::new("c"), std::str::from_utf8(s).unwrap()).unwrap();
    }
    for s in &seeds::databrickscfg()[..2] {
        DatabricksCfg::parse(Path::new("c"), std::str::from_utf8(s).unwrap()).unwrap();
    }
}

#[test]
fn fuzz_api_json() {
    fuzz(
        "api_json",
        &seeds::api_json(),
        seeds::JSON_DICT,
        1,
        checks::api_json,
    );
}

#[test]
fn fuzz_prometheus() {
    fuzz(
        "prometheus",
        &seeds::prometheus(),
        seeds::PROMETHEUS_DICT,
        1,
        checks::prometheus,
    );
}

#[test]
fn fuzz_databrickscfg() {
    fuzz(
        "databrickscfg",
        &seeds::databrickscfg(),
        seeds::INI_DICT,
        1,
        checks::databrickscfg,
    );
}

#[test]
fn fuzz_app_config() {
    fuzz(
        "app_config",
        &seeds::app_config(),
        seeds::TOML_DICT,
        1,
        checks::app_config,
    );
}

#[test]
fn fuzz_keymap() {
    fuzz(
        "keymap",
        &seeds::keymap(),
        seeds::TOML_DICT,
        16,
        checks::keymap,
    );
}

#[test]
fn fuzz_theme() {
    fuzz("theme", &seeds::theme(), seeds::TOML_DICT, 8, checks::theme);
}

#[test]
fn fuzz_canary_plan() {
    fuzz(
        "canary_plan",
        &seeds::canary_plan(),
        seeds::TOML_DICT,
        1,
        checks::canary_plan,
    );
}

#[test]
fn fuzz_canary_state() {
    fuzz(
        "canary_state",
        &seeds::canary_state(),
        seeds::JSON_DICT,
        1,
        checks::canary_state,
    );
}

#[test]
fn fuzz_journal() {
    fuzz(
        "journal",
        &seeds::journal(),
        seeds::JSON_DICT,
        1,
        checks::journal,
    );
}

#[test]
fn fuzz_typed_values() {
    fuzz(
        "typed_values",
        &seeds::typed_values(),
        seeds::TYPED_DICT,
        1,
        checks::typed_values,
    );
}
