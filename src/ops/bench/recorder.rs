//! Where measurements go: one [`Recorder`] per shard of workers (a few per core, each behind
//! its own mutex, so workers rarely meet), merged for a live snapshot and at the end. Latency in
//! microseconds in HdrHistograms (3 significant digits); errors by status and by kind; counts
//! and latency per served entity (the `served-model-name` header); one bucket per second.

use std::collections::BTreeMap;

use hdrhistogram::Histogram;
use serde::Serialize;

/// Largest latency recorded exactly (120 s); longer ones count as this.
const MAX_US: u64 = 120_000_000;
/// Served entities told apart; answers naming more go under [`OTHER_ENTITY`].
const MAX_ENTITIES: usize = 32;
pub const OTHER_ENTITY: &str = "(other)";
/// Answers that name no entity.
pub const UNNAMED_ENTITY: &str = "(not named)";

pub fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, MAX_US, 3).expect("valid histogram bounds")
}

/// Why a request got no HTTP answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailKind {
    /// No answer within the timeout.
    Timeout,
    /// The connection could not be made.
    Connect,
    /// The connection broke (reset, closed) before the whole answer came.
    Reset,
    /// Anything else (a malformed answer, a body error).
    Other,
}

impl FailKind {
    pub const ALL: [FailKind; 4] = [
        FailKind::Timeout,
        FailKind::Connect,
        FailKind::Reset,
        FailKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FailKind::Timeout => "timeout",
            FailKind::Connect => "connect",
            FailKind::Reset => "reset",
            FailKind::Other => "other",
        }
    }

    /// The kind of a failed request.
    pub fn of(e: &reqwest::Error) -> FailKind {
        if e.is_timeout() {
            return FailKind::Timeout;
        }
        if e.is_connect() {
            return FailKind::Connect;
        }
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
        while let Some(s) = source {
            if let Some(io) = s.downcast_ref::<std::io::Error>() {
                use std::io::ErrorKind as K;
                return match io.kind() {
                    K::ConnectionReset
                    | K::ConnectionAborted
                    | K::BrokenPipe
                    | K::UnexpectedEof => FailKind::Reset,
                    K::TimedOut => FailKind::Timeout,
                    K::ConnectionRefused => FailKind::Connect,
                    _ => FailKind::Other,
                };
            }
            if let Some(h) = s.downcast_ref::<hyper::Error>()
                && (h.is_incomplete_message() || h.is_closed() || h.is_canceled())
            {
                return FailKind::Reset;
            }
            source = s.source();
        }
        FailKind::Other
    }
}

/// How one request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// An HTTP answer with this status.
    Status(u16),
    Failed(FailKind),
}

impl Ending {
    pub fn is_error(self) -> bool {
        !matches!(self, Ending::Status(s) if (200..300).contains(&s))
    }
}

/// One second of the measured time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Second {
    pub requests: u64,
    pub errors: u64,
    /// Sum and maximum of the (corrected) latencies, in µs.
    pub sum_us: u64,
    pub max_us: u64,
}

impl Second {
    fn merge(&mut self, o: &Second) {
        self.requests += o.requests;
        self.errors += o.errors;
        self.sum_us += o.sum_us;
        self.max_us = self.max_us.max(o.max_us);
    }
}

/// One served entity's share.
#[derive(Debug, Clone)]
pub struct EntityRecord {
    pub requests: u64,
    pub errors: u64,
    pub latency: Histogram<u64>,
}

/// Measurements of one shard (or, merged, of the whole test).
#[derive(Debug, Clone)]
pub struct Recorder {
    /// From the scheduled send time (open loop); the same as `raw` in a closed loop.
    pub corrected: Histogram<u64>,
    /// From the actual send time.
    pub raw: Histogram<u64>,
    pub ok: u64,
    pub by_status: BTreeMap<u16, u64>,
    pub by_kind: BTreeMap<FailKind, u64>,
    /// By entity name, as the header said it (bytes, so no text is made per request).
    pub entities: Vec<(Vec<u8>, EntityRecord)>,
    pub seconds: Vec<Second>,
    /// Requests sent later than their scheduled time by more than a millisecond (open loop):
    /// the client could not keep up.
    pub late_sends: u64,
    pub max_lag_us: u64,
}

impl Default for Recorder {
    fn default() -> Self {
        Recorder {
            corrected: histogram(),
            raw: histogram(),
            ok: 0,
            by_status: BTreeMap::new(),
            by_kind: BTreeMap::new(),
            entities: Vec::new(),
            seconds: Vec::new(),
            late_sends: 0,
            max_lag_us: 0,
        }
    }
}

/// One measured request.
#[derive(Debug, Clone, Copy)]
pub struct Sample<'a> {
    /// From the scheduled (open loop) or actual (closed loop) send time.
    pub corrected_us: u64,
    pub raw_us: u64,
    /// How late it was sent against its schedule.
    pub lag_us: u64,
    pub ending: Ending,
    /// The `served-model-name` header, when the answer had one.
    pub entity: Option<&'a [u8]>,
    /// The second of the measured time it belongs to.
    pub second: usize,
}

impl Recorder {
    pub fn completed(&self) -> u64 {
        self.corrected.len()
    }

    pub fn errors(&self) -> u64 {
        self.completed() - self.ok
    }

    pub fn record(&mut self, s: Sample<'_>) {
        let corrected = s.corrected_us.clamp(1, MAX_US);
        self.corrected.saturating_record(corrected);
        self.raw.saturating_record(s.raw_us.clamp(1, MAX_US));
        let error = s.ending.is_error();
        match s.ending {
            Ending::Status(_) if !error => self.ok += 1,
            Ending::Status(code) => *self.by_status.entry(code).or_default() += 1,
            Ending::Failed(kind) => *self.by_kind.entry(kind).or_default() += 1,
        }
        if s.lag_us > 1000 {
            self.late_sends += 1;
        }
        self.max_lag_us = self.max_lag_us.max(s.lag_us);
        if let Some(name) = s
            .entity
            .or(matches!(s.ending, Ending::Status(_)).then_some(UNNAMED_ENTITY.as_bytes()))
        {
            let e = self.entity(name);
            e.requests += 1;
            e.errors += u64::from(error);
            e.latency.saturating_record(corrected);
        }
        if self.seconds.len() <= s.second {
            self.seconds.resize(s.second + 1, Second::default());
        }
        let sec = &mut self.seconds[s.second];
        sec.requests += 1;
        sec.errors += u64::from(error);
        sec.sum_us += corrected;
        sec.max_us = sec.max_us.max(corrected);
    }

    fn entity(&mut self, name: &[u8]) -> &mut EntityRecord {
        let name =
            if self.entities.iter().any(|(n, _)| n == name) || self.entities.len() < MAX_ENTITIES {
                name
            } else {
                OTHER_ENTITY.as_bytes()
            };
        let at = match self.entities.iter().position(|(n, _)| n == name) {
            Some(i) => i,
            None => {
                self.entities.push((
                    name.to_vec(),
                    EntityRecord {
                        requests: 0,
                        errors: 0,
                        latency: histogram(),
                    },
                ));
                self.entities.len() - 1
            }
        };
        &mut self.entities[at].1
    }

    /// Adds `other` into this one.
    pub fn merge(&mut self, other: &Recorder) {
        // Same bounds on both sides: adding cannot fail.
        let _ = self.corrected.add(&other.corrected);
        let _ = self.raw.add(&other.raw);
        self.ok += other.ok;
        for (k, v) in &other.by_status {
            *self.by_status.entry(*k).or_default() += v;
        }
        for (k, v) in &other.by_kind {
            *self.by_kind.entry(*k).or_default() += v;
        }
        for (name, rec) in &other.entities {
            let e = self.entity(name);
            e.requests += rec.requests;
            e.errors += rec.errors;
            let _ = e.latency.add(&rec.latency);
        }
        if self.seconds.len() < other.seconds.len() {
            self.seconds.resize(other.seconds.len(), Second::default());
        }
        for (a, b) in self.seconds.iter_mut().zip(&other.seconds) {
            a.merge(b);
        }
        self.late_sends += other.late_sends;
        self.max_lag_us = self.max_lag_us.max(other.max_lag_us);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(us: u64, ending: Ending, entity: Option<&[u8]>) -> Sample<'_> {
        Sample {
            corrected_us: us,
            raw_us: us,
            lag_us: 0,
            ending,
            entity,
            second: (us / 1000) as usize,
        }
    }

    #[test]
    fn errors_are_told_apart_by_status_and_kind_and_entities_add_up() {
        let mut a = Recorder::default();
        a.record(sample(1000, Ending::Status(200), Some(b"v4")));
        a.record(sample(2000, Ending::Status(500), Some(b"v5")));
        a.record(sample(3000, Ending::Failed(FailKind::Timeout), None));
        let mut b = Recorder::default();
        b.record(sample(1500, Ending::Status(200), Some(b"v5")));
        b.record(sample(900, Ending::Failed(FailKind::Reset), None));
        b.record(sample(900, Ending::Status(429), None));
        a.merge(&b);
        assert_eq!((a.completed(), a.ok, a.errors()), (6, 2, 4));
        assert_eq!(a.by_status, BTreeMap::from([(429, 1), (500, 1)]));
        assert_eq!(
            a.by_kind,
            BTreeMap::from([(FailKind::Timeout, 1), (FailKind::Reset, 1)])
        );
        let names: Vec<(&[u8], u64, u64)> = a
            .entities
            .iter()
            .map(|(n, e)| (n.as_slice(), e.requests, e.errors))
            .collect();
        assert_eq!(
            names,
            [
                (&b"v4"[..], 1, 0),
                (&b"v5"[..], 2, 1),
                (UNNAMED_ENTITY.as_bytes(), 1, 1)
            ]
        );
        assert_eq!(a.seconds.len(), 4);
        assert_eq!(a.seconds[0].requests, 2);
    }
}
