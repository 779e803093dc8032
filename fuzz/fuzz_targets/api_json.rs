//! Fuzz target for JSON answers of the API (runs, metric history, experiments, model versions,
//! serving endpoints, job runs, error bodies) and the client's reading of error answers: any bytes
//! give a value or an error, never a panic; the properties are those of
//! `tests/fuzz_parsers/checks.rs`, shared with the bounded stable-Rust runs.
#![no_main]

#[path = "../../tests/fuzz_parsers/checks.rs"]
mod checks;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| checks::api_json(data));
