//! Fault injection: random faults from a spec (`500=0.1,429=0.05,reset=0.01,latency=20..300ms`)
//! drawn from a seeded RNG, and scripted faults for deterministic client tests.
//!
//! Faults apply only to authenticated requests (an unauthenticated request gets its 401 and
//! consumes nothing), so a test's fault sequence does not depend on auth failures. Scripted
//! faults are used first, one per request in order; random draws happen only when no scripted
//! fault is pending, so the random sequence for a seed is stable across runs.

use std::collections::VecDeque;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::errors::ApiError;

/// Random faults: a probability per HTTP status and for connection resets, plus an optional
/// uniform latency. The probabilities of one request add up to at most 1.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FaultSpec {
    statuses: Vec<(u16, f64)>,
    reset: f64,
    /// Probability that a change is applied and its answer then lost (a reset, a 500 or an
    /// HTML 504 in equal parts), as a proxy that times out after forwarding does.
    lost: f64,
    latency_ms: Option<(u64, u64)>,
}

impl FaultSpec {
    /// No faults at all.
    pub fn none() -> Self {
        FaultSpec::default()
    }

    /// Parses `STATUS=P`, `reset=P` and `latency=A..Bms` (or `latency=Nms`) entries separated by
    /// commas; `""` and `none` mean no faults. Strict: unknown keys, duplicates, probabilities
    /// outside 0..=1 or adding up to more than 1, and malformed latencies are errors.
    pub fn parse(spec: &str) -> Result<FaultSpec, String> {
        let spec = spec.trim();
        let mut out = FaultSpec::none();
        if spec.is_empty() || spec.eq_ignore_ascii_case("none") {
            return Ok(out);
        }
        let mut seen: Vec<String> = Vec::new();
        for entry in spec.split(',') {
            let entry = entry.trim();
            if entry.is_empty() {
                return Err(format!("empty entry in fault spec '{spec}'"));
            }
            let (key, value) = entry
                .split_once('=')
                .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim()))
                .ok_or_else(|| {
                    format!("fault entry '{entry}' must look like KEY=VALUE (e.g. 500=0.1)")
                })?;
            if seen.contains(&key) {
                return Err(format!("fault '{key}' is given more than once"));
            }
            seen.push(key.clone());
            match key.as_str() {
                "reset" => out.reset = probability(&key, value)?,
                "lost" => out.lost = probability(&key, value)?,
                "latency" => out.latency_ms = Some(latency(value)?),
                k => match k.parse::<u16>() {
                    Ok(status) if (400..=599).contains(&status) => {
                        out.statuses.push((status, probability(&key, value)?));
                    }
                    _ => {
                        return Err(format!(
                            "unknown fault '{k}': expected an HTTP status 400-599, 'reset', \
                             'lost' or 'latency'"
                        ));
                    }
                },
            }
        }
        let total: f64 = out.statuses.iter().map(|(_, p)| p).sum::<f64>() + out.reset + out.lost;
        if total > 1.0 + 1e-9 {
            return Err(format!(
                "fault probabilities add up to {total}, which is more than 1"
            ));
        }
        Ok(out)
    }

    /// Whether this spec injects nothing.
    pub fn is_none(&self) -> bool {
        self.statuses.iter().all(|(_, p)| *p == 0.0)
            && self.reset == 0.0
            && self.lost == 0.0
            && self.latency_ms.is_none()
    }
}

fn probability(key: &str, value: &str) -> Result<f64, String> {
    match value.parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(format!(
            "probability for '{key}' must be a number between 0 and 1, got '{value}'"
        )),
    }
}

fn latency(value: &str) -> Result<(u64, u64), String> {
    let bad = || format!("latency must look like 20..300ms or 50ms, got '{value}'");
    let body = value.strip_suffix("ms").ok_or_else(bad)?.trim();
    let (lo, hi) = match body.split_once("..") {
        Some((a, b)) => (a.trim(), b.trim()),
        None => (body, body),
    };
    let lo: u64 = lo.parse().map_err(|_| bad())?;
    let hi: u64 = hi.parse().map_err(|_| bad())?;
    if lo > hi {
        return Err(format!(
            "latency range '{value}' has its lower bound above its upper bound"
        ));
    }
    Ok((lo, hi))
}

impl FromStr for FaultSpec {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FaultSpec::parse(s)
    }
}

impl fmt::Display for FaultSpec {
    /// The canonical spec text; parsing it gives back an equal spec.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = self
            .statuses
            .iter()
            .map(|(s, p)| format!("{s}={p}"))
            .collect();
        if self.reset > 0.0 {
            parts.push(format!("reset={}", self.reset));
        }
        if self.lost > 0.0 {
            parts.push(format!("lost={}", self.lost));
        }
        if let Some((lo, hi)) = self.latency_ms {
            parts.push(format!("latency={lo}..{hi}ms"));
        }
        if parts.is_empty() {
            f.write_str("none")
        } else {
            f.write_str(&parts.join(","))
        }
    }
}

/// A fault forced onto one upcoming authenticated request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScriptedFault {
    /// A Databricks-shaped JSON error with this status (`INTERNAL_ERROR` for 500, …).
    Status(u16),
    /// 429 `REQUEST_LIMIT_EXCEEDED`, with this `Retry-After` header value when given.
    TooManyRequests { retry_after: Option<String> },
    /// An HTML error page, as a proxy or the Jetty front end sends.
    Html { status: u16 },
    /// A `text/plain` body.
    PlainText { status: u16, body: String },
    /// No body at all.
    Empty { status: u16 },
    /// This JSON body as the answer, e.g. `{}` with 200: a proxy or a broken server answering
    /// without the object asked for.
    Json { status: u16, body: String },
    /// The TCP connection is closed (with a reset) without any answer.
    Reset,
    /// The request is applied, then its answer is replaced by this fault (a reset, a 500, an
    /// HTML 504): what a client sees when a proxy loses the answer of a change that happened.
    AfterApply(Box<ScriptedFault>),
    /// No fault: answered normally (lets a script reach a later request).
    Pass,
}

impl ScriptedFault {
    /// A short label for the request log.
    pub fn label(&self) -> String {
        match self {
            ScriptedFault::Status(s) => format!("status {s}"),
            ScriptedFault::TooManyRequests { .. } => "429".to_string(),
            ScriptedFault::Html { status } => format!("html {status}"),
            ScriptedFault::PlainText { status, .. } => format!("text {status}"),
            ScriptedFault::Empty { status } => format!("empty {status}"),
            ScriptedFault::Json { status, .. } => format!("json {status}"),
            ScriptedFault::Reset => "reset".to_string(),
            ScriptedFault::AfterApply(f) => format!("lost after apply ({})", f.label()),
            ScriptedFault::Pass => "pass".to_string(),
        }
    }

    /// The answer for this fault; `None` for [`ScriptedFault::Reset`] (no answer at all) and
    /// [`ScriptedFault::Pass`] (never a fault).
    pub(crate) fn response(&self, path: &str) -> Option<Response> {
        let status_of =
            |s: u16| StatusCode::from_u16(s).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        Some(match self {
            ScriptedFault::Status(s) => ApiError::for_status(*s).into_response(),
            ScriptedFault::TooManyRequests { retry_after } => {
                let mut r = ApiError::for_status(429).into_response();
                if let Some(v) = retry_after
                    .as_deref()
                    .and_then(|v| HeaderValue::from_str(v).ok())
                {
                    r.headers_mut().insert(header::RETRY_AFTER, v);
                }
                r
            }
            ScriptedFault::Html { status } => {
                let code = status_of(*status);
                let reason = code.canonical_reason().unwrap_or("Error");
                // The shape of Databricks' Jetty error pages (seen in SDK bug reports).
                let body = format!(
                    "<html>\n<head>\n<meta http-equiv=\"Content-Type\" \
                     content=\"text/html;charset=utf-8\"/>\n<title>Error {s} {reason}</title>\n\
                     </head>\n<body><h2>HTTP ERROR {s}</h2>\n<p>Problem accessing {path}. \
                     Reason:\n<pre>    {reason}</pre></p>\n</body>\n</html>\n",
                    s = code.as_u16()
                );
                (
                    code,
                    [(header::CONTENT_TYPE, "text/html;charset=utf-8")],
                    body,
                )
                    .into_response()
            }
            ScriptedFault::PlainText { status, body } => (
                status_of(*status),
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                body.clone(),
            )
                .into_response(),
            ScriptedFault::Empty { status } => status_of(*status).into_response(),
            ScriptedFault::Json { status, body } => (
                status_of(*status),
                [(header::CONTENT_TYPE, "application/json")],
                body.clone(),
            )
                .into_response(),
            ScriptedFault::AfterApply(f) => return f.response(path),
            ScriptedFault::Reset | ScriptedFault::Pass => return None,
        })
    }
}

/// What to do to one request: an optional fault and an optional delay before answering.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Decision {
    pub fault: Option<ScriptedFault>,
    pub delay: Option<Duration>,
}

/// The live fault state of a running simulator.
pub(crate) struct FaultState {
    spec: FaultSpec,
    rng: ChaCha8Rng,
    scripted: VecDeque<ScriptedFault>,
}

impl FaultState {
    pub fn new(spec: FaultSpec, seed: u64) -> Self {
        // A stream of its own, so fault draws never shift the story's random numbers.
        FaultState {
            spec,
            rng: ChaCha8Rng::seed_from_u64(seed ^ 0x00fa_0175_eed5_0000),
            scripted: VecDeque::new(),
        }
    }

    /// Replaces the random faults from now on (the script and the random stream carry on).
    pub fn set_spec(&mut self, spec: FaultSpec) {
        self.spec = spec;
    }

    /// Replaces the pending script: the next `faults.len()` authenticated requests get these.
    pub fn script(&mut self, faults: Vec<ScriptedFault>) {
        self.scripted = faults.into();
    }

    /// Decides the fate of the next authenticated request; `change` says whether it can change
    /// the workspace (only changes get `lost` faults).
    pub fn decide(&mut self, change: bool) -> Decision {
        if let Some(f) = self.scripted.pop_front() {
            return Decision {
                fault: (f != ScriptedFault::Pass).then_some(f),
                delay: None,
            };
        }
        if self.spec.is_none() {
            return Decision::default();
        }
        // Both numbers are drawn every time so the sequence depends only on the request count.
        let roll: f64 = self.rng.random();
        let delay_ms = self
            .spec
            .latency_ms
            .map(|(lo, hi)| self.rng.random_range(lo..=hi));
        let mut acc = 0.0;
        let mut fault = None;
        for (status, p) in &self.spec.statuses {
            acc += p;
            if roll < acc {
                fault = Some(match status {
                    429 => ScriptedFault::TooManyRequests {
                        retry_after: Some("1".to_string()),
                    },
                    s => ScriptedFault::Status(*s),
                });
                break;
            }
        }
        if fault.is_none() && roll < acc + self.spec.reset {
            fault = Some(ScriptedFault::Reset);
        }
        acc += self.spec.reset;
        if self.spec.lost > 0.0 {
            // Drawn only when the spec has `lost`, so other specs keep their sequences.
            let kind: f64 = self.rng.random();
            if fault.is_none() && change && roll < acc + self.spec.lost {
                let lost = if kind < 1.0 / 3.0 {
                    ScriptedFault::Reset
                } else if kind < 2.0 / 3.0 {
                    ScriptedFault::Status(500)
                } else {
                    ScriptedFault::Html { status: 504 }
                };
                fault = Some(ScriptedFault::AfterApply(Box::new(lost)));
            }
        }
        Decision {
            fault,
            delay: delay_ms.filter(|&ms| ms > 0).map(Duration::from_millis),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_example_and_round_trips() {
        let s = FaultSpec::parse("500=0.1,429=0.05,reset=0.01,latency=20..300ms").unwrap();
        assert_eq!(s.statuses, vec![(500, 0.1), (429, 0.05)]);
        assert_eq!(s.reset, 0.01);
        assert_eq!(s.latency_ms, Some((20, 300)));
        assert_eq!(FaultSpec::parse(&s.to_string()).unwrap(), s);
        assert_eq!(
            FaultSpec::parse(" 503 = 1 ").unwrap().statuses,
            vec![(503, 1.0)]
        );
        assert_eq!(
            FaultSpec::parse("latency=50ms").unwrap().latency_ms,
            Some((50, 50))
        );
        assert!(FaultSpec::parse("").unwrap().is_none());
        assert!(FaultSpec::parse("none").unwrap().is_none());
    }

    #[test]
    fn rejects_bad_specs_with_clear_messages() {
        for (spec, needle) in [
            ("500", "KEY=VALUE"),
            ("500=abc", "between 0 and 1"),
            ("500=1.5", "between 0 and 1"),
            ("200=0.1", "unknown fault '200'"),
            ("boom=0.1", "unknown fault 'boom'"),
            ("500=0.6,503=0.6", "more than 1"),
            ("500=0.1,500=0.2", "more than once"),
            ("500=0.1,", "empty entry"),
            ("latency=20..300", "latency must look like"),
            ("latency=300..20ms", "lower bound above"),
            ("latency=a..bms", "latency must look like"),
        ] {
            let e = FaultSpec::parse(spec).unwrap_err();
            assert!(e.contains(needle), "{spec}: {e}");
        }
    }

    #[test]
    fn same_seed_same_fault_sequence() {
        let spec = FaultSpec::parse("500=0.3,429=0.2,reset=0.1,latency=1..9ms").unwrap();
        let run = |seed| {
            let mut st = FaultState::new(spec.clone(), seed);
            (0..200).map(|_| st.decide(true)).collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
        let faults = run(7).iter().filter(|d| d.fault.is_some()).count();
        assert!(
            (70..170).contains(&faults),
            "about 60% should fault, got {faults}/200"
        );
    }

    #[test]
    fn scripted_faults_come_first_and_in_order() {
        let mut st = FaultState::new(FaultSpec::none(), 1);
        st.script(vec![ScriptedFault::Status(503), ScriptedFault::Reset]);
        assert_eq!(st.decide(false).fault, Some(ScriptedFault::Status(503)));
        assert_eq!(st.decide(false).fault, Some(ScriptedFault::Reset));
        assert_eq!(st.decide(false), Decision::default());
    }

    #[test]
    fn lost_answers_hit_changes_only() {
        let spec = FaultSpec::parse("lost=1").unwrap();
        assert_eq!(FaultSpec::parse(&spec.to_string()).unwrap(), spec);
        let mut st = FaultState::new(spec, 3);
        assert_eq!(st.decide(false).fault, None);
        let kinds: Vec<String> = (0..60)
            .filter_map(|_| st.decide(true).fault.map(|f| f.label()))
            .collect();
        assert_eq!(kinds.len(), 60);
        for k in ["reset", "status 500", "html 504"] {
            assert!(kinds.iter().any(|l| l.contains(k)), "{k}: {kinds:?}");
        }
    }
}
