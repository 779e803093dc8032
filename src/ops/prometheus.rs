//! A parser for the Prometheus text exposition format (version 0.0.4, plus the OpenMetrics bits a
//! text scrape may carry: `# EOF`, `# UNIT`, exemplars), as served by
//! `GET /api/2.0/serving-endpoints/{name}/metrics` (reference §6.3).
//!
//! Grammar (from the Prometheus "Exposition formats" page and `expfmt/text_parse.go`):
//!
//! ```text
//! line    = blank | comment | sample
//! comment = "#" [ ("HELP" name docstring) | ("TYPE" name type) | anything ]
//! sample  = name [ "{" [ label { "," label } [","] ] "}" ] value [ timestamp ]
//! label   = label_name "=" '"' escaped_value '"'      (escapes: \\ \" \n)
//! value   = float | "+Inf" | "-Inf" | "NaN"
//! timestamp = integer milliseconds since the epoch
//! ```
//!
//! Labels are kept generically (name → value) because the serving endpoint's label set is not
//! documented (reference §12.2). A bad line is an error naming its line number; the parser never
//! panics, whatever the bytes (see the fuzz target in `fuzz/` and the seeded random-input test).

use std::collections::BTreeMap;

/// `# TYPE` of a metric family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricType {
    Counter,
    Gauge,
    Histogram,
    Summary,
    Untyped,
    /// OpenMetrics-only types, accepted so that such a scrape still parses.
    Unknown,
    GaugeHistogram,
    Info,
    StateSet,
}

impl MetricType {
    fn parse(word: &str) -> Option<MetricType> {
        Some(match word {
            "counter" => MetricType::Counter,
            "gauge" => MetricType::Gauge,
            "histogram" => MetricType::Histogram,
            "summary" => MetricType::Summary,
            "untyped" => MetricType::Untyped,
            "unknown" => MetricType::Unknown,
            "gaugehistogram" => MetricType::GaugeHistogram,
            "info" => MetricType::Info,
            "stateset" => MetricType::StateSet,
            _ => return None,
        })
    }
}

/// Label pairs in the order written (names are unique within a sample).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Labels(pub Vec<(String, String)>);

impl Labels {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The labels without `name` (e.g. without `le` to group a histogram's buckets).
    pub fn without(&self, name: &str) -> Labels {
        Labels(self.0.iter().filter(|(k, _)| k != name).cloned().collect())
    }
}

/// One sample line.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Sample {
    pub name: String,
    pub labels: Labels,
    pub value: f64,
    pub timestamp_ms: Option<i64>,
}

/// `# HELP` / `# TYPE` of one family.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct FamilyMeta {
    pub help: Option<String>,
    pub kind: Option<MetricType>,
}

/// A parsed scrape: samples in order, and what the comments said about each family.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Exposition {
    pub samples: Vec<Sample>,
    pub families: BTreeMap<String, FamilyMeta>,
}

impl Exposition {
    /// The declared type of the family a sample belongs to: its own name, or the name without a
    /// histogram/summary/counter suffix (`_bucket`, `_sum`, `_count`, `_total`, `_created`).
    pub fn kind_of(&self, sample_name: &str) -> Option<MetricType> {
        if let Some(k) = self.families.get(sample_name).and_then(|f| f.kind) {
            return Some(k);
        }
        ["_bucket", "_sum", "_count", "_total", "_created"]
            .iter()
            .filter_map(|s| sample_name.strip_suffix(s))
            .find_map(|base| self.families.get(base).and_then(|f| f.kind))
    }
}

/// A line that is not valid exposition text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[error("line {line}: {message}")]
pub struct ParseError {
    /// 1-based.
    pub line: usize,
    pub message: String,
}

/// Parses a whole scrape; the first bad line is the error.
pub fn parse(text: &str) -> Result<Exposition, ParseError> {
    let (exposition, mut errors) = parse_lenient(text);
    if errors.is_empty() {
        Ok(exposition)
    } else {
        Err(errors.swap_remove(0))
    }
}

/// Parses what it can: bad lines are skipped and returned as errors (in line order), so a
/// viewer can still show the good samples of a scrape with one broken line.
pub fn parse_lenient(text: &str) -> (Exposition, Vec<ParseError>) {
    let mut out = Exposition::default();
    let mut errors = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let line = raw
            .strip_suffix('\r')
            .unwrap_or(raw)
            .trim_matches([' ', '\t']);
        let result = if line.is_empty() {
            Ok(Parsed::Nothing)
        } else if let Some(rest) = line.strip_prefix('#') {
            comment(rest, &out.families)
        } else {
            sample(line).map(Parsed::Sample)
        };
        match result {
            Ok(Parsed::Nothing) => {}
            Ok(Parsed::Eof) => break,
            Ok(Parsed::Sample(s)) => out.samples.push(s),
            Ok(Parsed::Help(name, help)) => out.families.entry(name).or_default().help = Some(help),
            Ok(Parsed::Type(name, kind)) => out.families.entry(name).or_default().kind = Some(kind),
            Err(message) => errors.push(ParseError {
                line: i + 1,
                message,
            }),
        }
    }
    (out, errors)
}

enum Parsed {
    Nothing,
    Eof,
    Sample(Sample),
    Help(String, String),
    Type(String, MetricType),
}

/// Splits off the first blank-separated word.
fn word(s: &str) -> (&str, &str) {
    let s = s.trim_start_matches([' ', '\t']);
    match s.find([' ', '\t']) {
        Some(i) => (&s[..i], s[i..].trim_start_matches([' ', '\t'])),
        None => (s, ""),
    }
}

fn comment(rest: &str, families: &BTreeMap<String, FamilyMeta>) -> Result<Parsed, String> {
    let (keyword, rest) = word(rest);
    match keyword {
        "HELP" => {
            let (name, doc) = word(rest);
            check_metric_name(name)?;
            if families.get(name).is_some_and(|f| f.help.is_some()) {
                return Err(format!("second HELP line for metric {name}"));
            }
            Ok(Parsed::Help(name.to_string(), unescape(doc, false)?))
        }
        "TYPE" => {
            let (name, kind) = word(rest);
            check_metric_name(name)?;
            let (kind, extra) = word(kind);
            if !extra.is_empty() {
                return Err(format!("unexpected text after the type: {extra:?}"));
            }
            let kind =
                MetricType::parse(kind).ok_or_else(|| format!("unknown metric type {kind:?}"))?;
            if families.get(name).is_some_and(|f| f.kind.is_some()) {
                return Err(format!("second TYPE line for metric {name}"));
            }
            Ok(Parsed::Type(name.to_string(), kind))
        }
        "EOF" if rest.is_empty() => Ok(Parsed::Eof),
        // `# UNIT` (OpenMetrics) and free comments carry nothing we use.
        _ => Ok(Parsed::Nothing),
    }
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || c == ':'
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == ':'
}

fn check_metric_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    match chars.next() {
        None => Err("missing metric name".to_string()),
        Some(c) if is_name_start(c) && chars.all(is_name_char) => Ok(()),
        _ => Err(format!("invalid metric name {name:?}")),
    }
}

/// Undoes the escapes of a HELP text (`\\`, `\n`) or, with `quotes`, a label value (also `\"`).
fn unescape(s: &str, quotes: bool) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some('n') => out.push('\n'),
            Some('"') if quotes => out.push('"'),
            Some(other) => return Err(format!("invalid escape sequence \\{other}")),
            None => return Err("escape character at the end of the text".to_string()),
        }
    }
    Ok(out)
}

fn sample(line: &str) -> Result<Sample, String> {
    let end = line
        .char_indices()
        .find(|&(_, c)| !is_name_char(c))
        .map_or(line.len(), |(i, _)| i);
    let name = &line[..end];
    check_metric_name(name)?;
    let mut rest = line[end..].trim_start_matches([' ', '\t']);
    let mut labels = Labels::default();
    if let Some(after) = rest.strip_prefix('{') {
        let (parsed, remaining) = label_set(after)?;
        labels = parsed;
        rest = remaining;
    }
    // OpenMetrics exemplars (`value # {trace_id="…"} 1`) are dropped.
    if let Some(i) = rest.find(" #") {
        rest = &rest[..i];
    }
    let (value, rest) = word(rest);
    if value.is_empty() {
        return Err(format!("missing value for metric {name}"));
    }
    let value = parse_value(value)?;
    let (ts, extra) = word(rest);
    if !extra.is_empty() {
        return Err(format!("unexpected text after the timestamp: {extra:?}"));
    }
    let timestamp_ms = if ts.is_empty() {
        None
    } else {
        Some(
            ts.parse::<i64>()
                .map_err(|_| format!("invalid timestamp {ts:?} (integer milliseconds expected)"))?,
        )
    };
    Ok(Sample {
        name: name.to_string(),
        labels,
        value,
        timestamp_ms,
    })
}

/// A float as Prometheus writes it: decimal or exponent notation, `+Inf`, `-Inf`, `NaN`.
fn parse_value(s: &str) -> Result<f64, String> {
    let ok = s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    match s.parse::<f64>() {
        Ok(v) if ok => Ok(v),
        _ => Err(format!("invalid sample value {s:?}")),
    }
}

/// The inside of `{…}` (after the brace); returns the labels and the text after `}`.
fn label_set(mut s: &str) -> Result<(Labels, &str), String> {
    let mut labels = Labels::default();
    loop {
        s = s.trim_start_matches([' ', '\t']);
        if let Some(rest) = s.strip_prefix('}') {
            return Ok((labels, rest.trim_start_matches([' ', '\t'])));
        }
        let end = s
            .char_indices()
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(s.len(), |(i, _)| i);
        let name = &s[..end];
        match name.chars().next() {
            None => return Err("expected a label name or '}'".to_string()),
            Some(c) if c.is_ascii_digit() => return Err(format!("invalid label name {name:?}")),
            Some(_) => {}
        }
        s = s[end..].trim_start_matches([' ', '\t']);
        s = s
            .strip_prefix('=')
            .ok_or_else(|| format!("expected '=' after label name {name}"))?
            .trim_start_matches([' ', '\t']);
        s = s
            .strip_prefix('"')
            .ok_or_else(|| format!("expected '\"' to start the value of label {name}"))?;
        let close =
            closing_quote(s).ok_or_else(|| format!("unterminated value of label {name}"))?;
        let value = unescape(&s[..close], true)?;
        if labels.get(name).is_some() {
            return Err(format!("duplicate label {name}"));
        }
        labels.0.push((name.to_string(), value));
        s = s[close + 1..].trim_start_matches([' ', '\t']);
        if let Some(rest) = s.strip_prefix(',') {
            s = rest;
        } else if !s.starts_with('}') {
            return Err(format!(
                "expected ',' or '}}' after the value of label {name}"
            ));
        }
    }
}

/// Byte index of the first unescaped `"`.
fn closing_quote(s: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some(i),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests;
