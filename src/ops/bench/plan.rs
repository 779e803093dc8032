//! What a load test will do (PRODUCT §7): closed loop at a fixed concurrency or open loop at a
//! target rate, bounded by a duration and/or a request count, after a warm-up that is not
//! counted, with the guards that stop it early. Pure data, checked before anything is sent.

use std::time::Duration;

use serde::Serialize;

use crate::config::bench::BenchSettings;

/// How requests are paced.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Mode {
    /// `concurrency` connections, each sending when its previous answer arrived.
    Closed { concurrency: usize },
    /// `rate` requests per second on a fixed schedule spread over `connections` connections;
    /// latency counts from each request's scheduled send time (coordinated omission corrected).
    Open { rate: f64, connections: usize },
}

impl Mode {
    /// Connections the test opens.
    pub fn connections(&self) -> usize {
        match *self {
            Mode::Closed { concurrency } => concurrency,
            Mode::Open { connections, .. } => connections,
        }
    }

    pub fn target_rate(&self) -> Option<f64> {
        match *self {
            Mode::Open { rate, .. } => Some(rate),
            Mode::Closed { .. } => None,
        }
    }

    /// Connections for an open loop at `rate`: enough that each connection's share of the
    /// schedule leaves room for answers of ~100 ms (a tenth of the rate), at least 4.
    pub fn default_connections(rate: f64) -> usize {
        ((rate / 10.0).ceil() as usize).clamp(4, 1000)
    }
}

/// Limits that stop a test early once `min_sample` requests have been measured.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Guards {
    /// p99 latency limit in milliseconds (the corrected p99 in an open loop).
    pub slo_p99_ms: Option<f64>,
    /// Share of failed requests (0–1) allowed.
    pub max_error_rate: Option<f64>,
    /// Measured requests before a guard may stop the test.
    pub min_sample: u64,
}

/// Measured requests a guard waits for unless told otherwise: enough for a p99 to mean something.
pub const DEFAULT_MIN_SAMPLE: u64 = 200;

/// A load test of one endpoint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchPlan {
    pub endpoint: String,
    pub mode: Mode,
    /// Measured time (after the warm-up).
    pub duration: Option<Duration>,
    /// Measured requests (after the warm-up).
    pub requests: Option<u64>,
    pub warmup: Duration,
    /// A request without an answer by then counts as a timeout.
    pub timeout: Duration,
    pub guards: Guards,
}

impl BenchPlan {
    /// Why the plan cannot run, if it cannot; `caps` are the configured ones (`[bench]`).
    pub fn check(&self, caps: &BenchSettings) -> Result<(), String> {
        if self.duration.is_none() && self.requests.is_none() {
            return Err("a load test needs a bound: give --duration and/or --requests".into());
        }
        if self.duration.is_some_and(|d| d.is_zero()) || self.requests == Some(0) {
            return Err("--duration and --requests must be above zero".into());
        }
        if self.timeout.is_zero() {
            return Err("--timeout must be above zero".into());
        }
        match self.mode {
            Mode::Closed { concurrency } if !(1..=10_000).contains(&concurrency) => {
                return Err(format!(
                    "--concurrency must be 1..=10000, got {concurrency}"
                ));
            }
            Mode::Closed { concurrency } => {
                if let Some(cap) = caps.max_concurrency
                    && concurrency as u64 > cap
                {
                    return Err(format!(
                        "--concurrency {concurrency} is above the configured cap of {cap} \
                         ([bench] max_concurrency in config.toml)"
                    ));
                }
            }
            Mode::Open { rate, connections } => {
                if !(rate.is_finite() && rate > 0.0) {
                    return Err(format!("--rate must be a positive number, got {rate}"));
                }
                if !(1..=10_000).contains(&connections) {
                    return Err(format!(
                        "--connections must be 1..=10000, got {connections}"
                    ));
                }
                if let Some(cap) = caps.max_rate
                    && rate > cap as f64
                {
                    return Err(format!(
                        "--rate {rate} is above the configured cap of {cap} requests/s \
                         ([bench] max_rate in config.toml)"
                    ));
                }
            }
        }
        if let Some(r) = self.guards.max_error_rate
            && !(0.0..=1.0).contains(&r)
        {
            return Err(format!("--max-error-rate must be within 0..=1, got {r}"));
        }
        if let Some(ms) = self.guards.slo_p99_ms
            && !(ms.is_finite() && ms > 0.0)
        {
            return Err(format!(
                "--slo-p99 must be a positive number of ms, got {ms}"
            ));
        }
        Ok(())
    }

    /// The requests the plan will send at most, when that is known beforehand: the request
    /// bound, else rate × duration (a closed loop's count depends on the server).
    pub fn planned_requests(&self) -> Option<u64> {
        let by_rate = match (self.mode, self.duration) {
            (Mode::Open { rate, .. }, Some(d)) => Some((rate * d.as_secs_f64()).ceil() as u64),
            _ => None,
        };
        match (self.requests, by_rate) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// One line for the confirm dialog: `1000 req/s over 100 connections × 30 s = 30000
    /// requests (+1 s warm-up, not counted)`.
    pub fn describe(&self) -> String {
        let conns = |n: usize| {
            if n == 1 {
                "1 connection".to_string()
            } else {
                format!("{n} connections")
            }
        };
        let mut text = match self.mode {
            Mode::Closed { concurrency } => format!("{} in a closed loop", conns(concurrency)),
            Mode::Open { rate, connections } => {
                format!("{rate} req/s over {}", conns(connections))
            }
        };
        if let Some(d) = self.duration {
            text.push_str(&format!(" × {}", secs(d)));
        }
        match (self.mode, self.duration, self.requests) {
            (Mode::Open { .. }, _, _) | (_, None, _) => {
                if let Some(n) = self.planned_requests() {
                    text.push_str(&format!(" = {n} requests"));
                }
            }
            (Mode::Closed { .. }, Some(_), Some(n)) => {
                text.push_str(&format!(", at most {n} requests"))
            }
            (Mode::Closed { .. }, Some(_), None) => {
                text.push_str(" (as many requests as the endpoint answers)")
            }
        }
        if !self.warmup.is_zero() {
            text.push_str(&format!(" (+{} warm-up, not counted)", secs(self.warmup)));
        }
        text
    }
}

fn secs(d: Duration) -> String {
    format!("{} s", d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(mode: Mode) -> BenchPlan {
        BenchPlan {
            endpoint: "e".into(),
            mode,
            duration: Some(Duration::from_secs(30)),
            requests: None,
            warmup: Duration::from_secs(1),
            timeout: Duration::from_secs(5),
            guards: Guards::default(),
        }
    }

    #[test]
    fn rate_times_duration_is_the_planned_count_and_the_cap_refuses() {
        let p = plan(Mode::Open {
            rate: 1000.0,
            connections: 100,
        });
        assert_eq!(p.planned_requests(), Some(30_000));
        assert!(p.describe().contains("1000 req/s"), "{}", p.describe());
        assert!(
            p.describe().contains("= 30000 requests"),
            "{}",
            p.describe()
        );
        let cap = |r| BenchSettings {
            max_rate: Some(r),
            max_concurrency: Some(8),
        };
        assert!(p.check(&cap(5000)).is_ok());
        assert!(p.check(&cap(500)).unwrap_err().contains("max_rate"));
        let closed = plan(Mode::Closed { concurrency: 16 });
        assert!(
            closed
                .check(&cap(5000))
                .unwrap_err()
                .contains("max_concurrency")
        );
        let closed = plan(Mode::Closed { concurrency: 16 });
        assert_eq!(closed.planned_requests(), None);
        assert_eq!(
            closed.describe(),
            "16 connections in a closed loop × 30 s (as many requests as the endpoint answers) \
             (+1 s warm-up, not counted)"
        );
        let counted = BenchPlan {
            duration: None,
            requests: Some(500),
            warmup: Duration::ZERO,
            ..plan(Mode::Closed { concurrency: 1 })
        };
        assert_eq!(
            counted.describe(),
            "1 connection in a closed loop = 500 requests"
        );
        let unbounded = BenchPlan {
            duration: None,
            ..closed
        };
        let none = BenchSettings::default();
        assert!(unbounded.check(&none).unwrap_err().contains("bound"));
        let bad = BenchPlan {
            guards: Guards {
                max_error_rate: Some(2.0),
                ..Guards::default()
            },
            ..plan(Mode::Closed { concurrency: 1 })
        };
        assert!(bad.check(&none).is_err());
    }
}
