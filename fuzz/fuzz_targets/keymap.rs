//! Fuzz target for `keymap.toml`: any bytes give a value or an error, never a panic; the properties
//! are those of `tests/fuzz_parsers/checks.rs`, shared with the bounded stable-Rust runs.
#![no_main]

#[path = "../../tests/fuzz_parsers/checks.rs"]
mod checks;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| checks::keymap(data));
