//! Fuzz target for the Prometheus text parser (`ops::prometheus`): any bytes must parse or fail
//! with line-numbered errors, never panic; the strict parser must agree with the lenient one.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mlops_console::ops::prometheus::{parse, parse_lenient};
use mlops_console::ops::serving_metrics::Snapshot;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (exposition, errors) = parse_lenient(&text);
    let lines = text.split('\n').count();
    for e in &errors {
        assert!(e.line >= 1 && e.line <= lines);
    }
    match parse(&text) {
        Ok(strict) => {
            assert!(errors.is_empty());
            assert_eq!(strict.samples.len(), exposition.samples.len());
        }
        Err(first) => assert_eq!(Some(&first), errors.first()),
    }
    // The analysis on top must not panic either.
    let _ = Snapshot::from_exposition(&exposition, 0);
});
