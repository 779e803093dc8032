use super::*;

const SCRAPE: &str = r#"# HELP request_count_total Requests served since the entity started.
# TYPE request_count_total counter
request_count_total{served_entity_name="churn_model-4"} 1027 1767225600000
request_count_total{served_entity_name="churn_model-5"} 113
# A free comment
# TYPE request_latency_ms histogram
request_latency_ms_bucket{served_entity_name="churn_model-4",le="10"} 12
request_latency_ms_bucket{served_entity_name="churn_model-4",le="+Inf"} 1027
request_latency_ms_sum{served_entity_name="churn_model-4"} 19876.5
request_latency_ms_count{served_entity_name="churn_model-4"} 1027

cpu_usage_percentage{served_entity_name="churn_model-4"} NaN
"#;

#[test]
fn parses_samples_types_help_and_timestamps() {
    let e = parse(SCRAPE).unwrap();
    assert_eq!(e.samples.len(), 7);
    let first = &e.samples[0];
    assert_eq!(first.name, "request_count_total");
    assert_eq!(
        first.labels.get("served_entity_name"),
        Some("churn_model-4")
    );
    assert_eq!(first.value, 1027.0);
    assert_eq!(first.timestamp_ms, Some(1_767_225_600_000));
    assert_eq!(e.samples[1].timestamp_ms, None);
    assert_eq!(
        e.families["request_count_total"].help.as_deref(),
        Some("Requests served since the entity started.")
    );
    assert_eq!(
        e.kind_of("request_latency_ms_bucket"),
        Some(MetricType::Histogram)
    );
    assert_eq!(e.kind_of("request_count_total"), Some(MetricType::Counter));
    assert_eq!(e.kind_of("cpu_usage_percentage"), None);
    assert_eq!(e.samples[3].labels.get("le"), Some("+Inf"));
    assert!(e.samples[6].value.is_nan());
}

#[test]
fn special_values_and_number_forms() {
    let e = parse("a +Inf\nb -Inf\nc NaN\nd 1.5e3\ne -0.25\nf 7\ng .5\n").unwrap();
    let v: Vec<f64> = e.samples.iter().map(|s| s.value).collect();
    assert_eq!(v[0], f64::INFINITY);
    assert_eq!(v[1], f64::NEG_INFINITY);
    assert!(v[2].is_nan());
    assert_eq!(&v[3..], &[1500.0, -0.25, 7.0, 0.5]);
}

#[test]
fn label_escapes_trailing_commas_blanks_and_crlf() {
    let text = "m{a=\"x\\\"y\",b=\"back\\\\slash\",c=\"new\\nline\",} 1\r\n  m2 { } 2 \n\tm3{ a = \"é #{}\" } 3\n";
    let e = parse(text).unwrap();
    let l = &e.samples[0].labels;
    assert_eq!(l.get("a"), Some("x\"y"));
    assert_eq!(l.get("b"), Some("back\\slash"));
    assert_eq!(l.get("c"), Some("new\nline"));
    assert_eq!(e.samples[1].name, "m2");
    assert!(e.samples[1].labels.0.is_empty());
    assert_eq!(e.samples[2].labels.get("a"), Some("é #{}"));
    assert_eq!(l.without("b").0.len(), 2);
}

#[test]
fn help_escapes() {
    let e = parse("# HELP m a \\\\ b\\nc\nm 1").unwrap();
    assert_eq!(e.families["m"].help.as_deref(), Some("a \\ b\nc"));
}

#[test]
fn openmetrics_eof_unit_and_exemplars() {
    let text = "# UNIT m_seconds seconds\nm_seconds 1 # {trace_id=\"abc\"} 0.5\n# EOF\nthis is not parsed\n";
    let e = parse(text).unwrap();
    assert_eq!(e.samples.len(), 1);
    assert_eq!(e.samples[0].value, 1.0);
}

#[test]
fn bad_lines_are_errors_with_line_numbers() {
    let cases: &[(&str, usize, &str)] = &[
        ("ok 1\n9bad 1\n", 2, "invalid metric name"),
        ("m{a=\"1\n", 1, "unterminated"),
        ("m{a=1} 2\n", 1, "expected '\"'"),
        ("m{a=\"1\" b=\"2\"} 2\n", 1, "expected ','"),
        ("m{a=\"1\",a=\"2\"} 2\n", 1, "duplicate label a"),
        ("m{=\"1\"} 2\n", 1, "expected a label name"),
        ("m{1a=\"1\"} 2\n", 1, "invalid label name"),
        ("m{a=\"\\x\"} 2\n", 1, "invalid escape"),
        ("m\n", 1, "missing value"),
        ("m one\n", 1, "invalid sample value"),
        ("m 0x10\n", 1, "invalid sample value"),
        ("m 1 12.5\n", 1, "invalid timestamp"),
        ("m 1 2 3\n", 1, "unexpected text"),
        ("\n\n# TYPE m kounter\n", 3, "unknown metric type"),
        ("# TYPE m counter\n# TYPE m gauge\n", 2, "second TYPE"),
        ("# HELP m a\n# HELP m b\n", 2, "second HELP"),
        ("# TYPE m counter extra\n", 1, "unexpected text"),
        ("# HELP\n", 1, "missing metric name"),
        ("# HELP m trailing\\\n", 1, "escape character at the end"),
    ];
    for (text, line, needle) in cases {
        let err = parse(text).unwrap_err();
        assert_eq!(err.line, *line, "{text:?}: {err}");
        assert!(err.message.contains(needle), "{text:?}: {err}");
    }
}

#[test]
fn lenient_parsing_keeps_good_lines() {
    let (e, errors) = parse_lenient("a 1\nb{ 2\nc 3\nd x\n");
    assert_eq!(e.samples.len(), 2);
    assert_eq!(
        errors.iter().map(|e| e.line).collect::<Vec<_>>(),
        vec![2, 4]
    );
    assert_eq!(
        errors[0].to_string(),
        format!("line 2: {}", errors[0].message)
    );
}

#[test]
fn empty_and_comment_only_input() {
    assert!(parse("").unwrap().samples.is_empty());
    assert!(parse("# just a comment\n\n").unwrap().samples.is_empty());
}

/// A small xorshift generator: the same seed gives the same inputs on every run.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

/// Random bytes (and random mutations of a valid scrape) never panic the parser; whatever it
/// accepts reparses from its own rendering to the same samples. The in-tree companion of the
/// `cargo fuzz` target in `fuzz/fuzz_targets/prometheus_parse.rs`.
#[test]
fn random_inputs_never_panic() {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let alphabet = b"ab_:{}=\",\\ \t\n#+-.0123456789eEIfnNaTYPEHELPle\"\xc3\xa9\xff";
    for round in 0..20_000 {
        let len = (rng.next() % 120) as usize;
        let bytes: Vec<u8> = if round % 2 == 0 {
            (0..len)
                .map(|_| alphabet[(rng.next() % alphabet.len() as u64) as usize])
                .collect()
        } else {
            let mut b = SCRAPE.as_bytes().to_vec();
            for _ in 0..(1 + rng.next() % 6) {
                let at = (rng.next() % b.len() as u64) as usize;
                match rng.next() % 3 {
                    0 => b[at] = (rng.next() & 0xff) as u8,
                    1 => {
                        b.remove(at);
                    }
                    _ => b.insert(at, alphabet[(rng.next() % alphabet.len() as u64) as usize]),
                }
            }
            b
        };
        let text = String::from_utf8_lossy(&bytes);
        let (e, errors) = parse_lenient(&text);
        for err in &errors {
            assert!(err.line >= 1 && err.line <= text.split('\n').count());
        }
        for s in &e.samples {
            assert!(!s.name.is_empty());
        }
    }
}
