//! The guards and the verdict: whether a load test met its SLO, and if it stopped early, why.
//! A guard only speaks once `min_sample` requests are measured, so the first slow answers of a
//! cold endpoint cannot stop a test on their own.

use serde::Serialize;

use super::plan::Guards;
use super::recorder::Recorder;

/// Why a test stopped before its bound.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "guard", rename_all = "snake_case")]
pub enum StopReason {
    /// The p99 latency crossed `--slo-p99`.
    SloP99 { limit_ms: f64, observed_ms: f64 },
    /// The error rate crossed `--max-error-rate`.
    ErrorRate { limit: f64, observed: f64 },
    /// Stopped by hand (the stop key, Ctrl-C).
    Stopped,
}

impl StopReason {
    pub fn describe(&self) -> String {
        match self {
            StopReason::SloP99 {
                limit_ms,
                observed_ms,
            } => format!("p99 {observed_ms:.1} ms crossed the SLO of {limit_ms} ms"),
            StopReason::ErrorRate { limit, observed } => format!(
                "error rate {:.2}% crossed the limit of {:.2}%",
                observed * 100.0,
                limit * 100.0
            ),
            StopReason::Stopped => "stopped by the operator".to_string(),
        }
    }
}

/// p99 in milliseconds of a recorder's corrected latencies.
pub fn p99_ms(r: &Recorder) -> f64 {
    r.corrected.value_at_quantile(0.99) as f64 / 1000.0
}

pub fn error_rate(r: &Recorder) -> f64 {
    match r.completed() {
        0 => 0.0,
        n => r.errors() as f64 / n as f64,
    }
}

/// The guard `r` crosses, once the sample is large enough.
pub fn check_guards(g: &Guards, r: &Recorder) -> Option<StopReason> {
    if r.completed() < g.min_sample.max(1) {
        return None;
    }
    if let Some(limit) = g.max_error_rate {
        let observed = error_rate(r);
        if observed > limit {
            return Some(StopReason::ErrorRate { limit, observed });
        }
    }
    if let Some(limit_ms) = g.slo_p99_ms {
        let observed_ms = p99_ms(r);
        if observed_ms > limit_ms {
            return Some(StopReason::SloP99 {
                limit_ms,
                observed_ms,
            });
        }
    }
    None
}

/// How a test ended against its guards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every guard held (or none was given) over a run that measured something.
    Met,
    /// A guard was crossed.
    Failed,
    /// Nothing was measured: stopped by hand first, or no request succeeded.
    Inconclusive,
}

/// One guard's check over the whole run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub guard: &'static str,
    pub limit: f64,
    pub observed: f64,
    pub passed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub status: Status,
    pub stopped_early: bool,
    /// Why it stopped early; or, having run to its bound, which guard failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub stop: Option<StopReason>,
    pub checks: Vec<Check>,
}

/// The verdict on a whole run (`stop`: why it stopped early, if it did).
pub fn verdict(g: &Guards, r: &Recorder, stop: Option<StopReason>) -> Verdict {
    let mut checks = Vec::new();
    if let Some(limit) = g.slo_p99_ms {
        let observed = p99_ms(r);
        checks.push(Check {
            guard: "slo_p99_ms",
            limit,
            observed,
            passed: observed <= limit,
        });
    }
    if let Some(limit) = g.max_error_rate {
        let observed = error_rate(r);
        checks.push(Check {
            guard: "max_error_rate",
            limit,
            observed,
            passed: observed <= limit,
        });
    }
    let guard_stop = matches!(
        stop,
        Some(StopReason::SloP99 { .. } | StopReason::ErrorRate { .. })
    );
    let status = if guard_stop || (r.completed() > 0 && checks.iter().any(|c| !c.passed)) {
        Status::Failed
    } else if r.ok == 0 {
        // Nothing answered well: no latency of a served request to judge.
        Status::Inconclusive
    } else {
        Status::Met
    };
    let reason = match &stop {
        Some(s) => Some(s.describe()),
        None if status == Status::Inconclusive && r.completed() > 0 => {
            Some(format!("no request succeeded ({} failed)", r.errors()))
        }
        None => checks.iter().find(|c| !c.passed).map(|c| {
            format!(
                "{} observed {:.3} over the limit {}",
                c.guard, c.observed, c.limit
            )
        }),
    };
    Verdict {
        status,
        stopped_early: stop.is_some(),
        reason,
        stop,
        checks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::bench::recorder::{Ending, Sample};

    fn recorder(latencies_ms: &[u64], errors: usize) -> Recorder {
        let mut r = Recorder::default();
        for (i, ms) in latencies_ms.iter().enumerate() {
            r.record(Sample {
                corrected_us: ms * 1000,
                raw_us: ms * 1000,
                lag_us: 0,
                ending: Ending::Status(if i < errors { 500 } else { 200 }),
                entity: None,
                second: 0,
            });
        }
        r
    }

    #[test]
    fn guards_wait_for_the_sample_then_name_what_they_crossed() {
        let g = Guards {
            slo_p99_ms: Some(100.0),
            max_error_rate: Some(0.05),
            min_sample: 50,
        };
        let slow = recorder(&[500; 49], 0);
        assert_eq!(check_guards(&g, &slow), None, "below the minimum sample");
        let slow = recorder(&[500; 50], 0);
        assert!(matches!(
            check_guards(&g, &slow),
            Some(StopReason::SloP99 { observed_ms, .. }) if observed_ms > 499.0
        ));
        let failing = recorder(&[10; 100], 10);
        assert!(matches!(
            check_guards(&g, &failing),
            Some(StopReason::ErrorRate { observed, .. }) if (observed - 0.1).abs() < 1e-9
        ));
        let fine = recorder(&[10; 100], 1);
        assert_eq!(check_guards(&g, &fine), None);
        assert_eq!(verdict(&g, &fine, None).status, Status::Met);
        let v = verdict(&g, &slow, check_guards(&g, &slow));
        assert_eq!((v.status, v.stopped_early), (Status::Failed, true));
        assert!(v.reason.unwrap().contains("SLO of 100 ms"));
        assert_eq!(
            verdict(
                &Guards::default(),
                &Recorder::default(),
                Some(StopReason::Stopped)
            )
            .status,
            Status::Inconclusive
        );
    }
}
