//! Reading the facts the rules are judged on from what the console already reads: serving
//! endpoints and their metrics, the recent job runs, the pending approvals. Drift, model
//! quality and monitor refreshes are read by their own modules and handed in
//! ([`Supplied`]); until they are, those rules are unknown.
//!
//! A [`Gatherer`] keeps each endpoint's previous scrape, so from the second gathering on the
//! 5xx share and p99 are those of the interval between two readings; the first reading judges
//! everything since the served entities started.

use std::collections::BTreeMap;

use futures::StreamExt;

use crate::api::Client;
use crate::api::models::serving::{ConfigUpdate, DeploymentState, EndpointReady, ServingEndpoint};
use crate::config::approvals::ApprovalSettings;
use crate::ops::serving_metrics::{self, Snapshot};
use crate::ops::{approvals, job_attention, prometheus};

use super::facts::*;

/// Endpoints whose metrics are read at once.
const CONCURRENCY: usize = 4;

/// Facts read elsewhere and handed in (by the monitoring modules).
#[derive(Debug, Clone, Default)]
pub struct Supplied {
    pub drift: Source<Vec<DriftTable>>,
    pub quality: Source<Vec<QualityTable>>,
    pub monitors: Source<Vec<MonitorRefresh>>,
    pub features: Source<Vec<FeatureTableFacts>>,
}

/// Reads facts, remembering each endpoint's last scrape between calls (and, for callers that
/// read the monitoring facts less often than the rest, the monitoring facts last read).
#[derive(Debug, Default)]
pub struct Gatherer {
    scrapes: BTreeMap<String, Snapshot>,
    monitoring: Option<(Supplied, i64)>,
}

impl Gatherer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps `supplied`, read at `at_ms`, for the evaluations that do not read them anew.
    pub fn keep_monitoring(&mut self, supplied: Supplied, at_ms: i64) {
        self.monitoring = Some((supplied, at_ms));
    }

    /// The monitoring facts last kept, with when they were read.
    pub fn kept_monitoring(&self) -> Option<(Supplied, i64)> {
        self.monitoring.clone()
    }

    /// Every fact as of `now_ms` (the caller's clock); sources that fail say so.
    pub async fn gather(
        &mut self,
        client: &Client,
        approval_settings: &ApprovalSettings,
        supplied: Supplied,
        now_ms: i64,
    ) -> Facts {
        let (endpoints, jobs, approvals) = futures::join!(
            client.list_serving_endpoints(),
            job_attention::read(client),
            approvals::list_pending(client, approval_settings),
        );
        let endpoints = match endpoints {
            Ok(list) => Source::Read(self.endpoint_facts(client, list, now_ms).await),
            Err(e) => Source::Failed(e.to_string()),
        };
        let jobs = match jobs {
            Ok(a) => Source::Read(
                a.failing
                    .iter()
                    .map(|r| JobFailure {
                        job_id: r.job_id,
                        job: r.name.clone(),
                        run_id: r.run.run_id,
                        state: r.run.state.clone(),
                        message: r.run.message.clone(),
                        start_ms: r.run.start_time,
                        end_ms: r.run.start_time.zip(r.run.duration_ms).map(|(s, d)| s + d),
                    })
                    .collect(),
            ),
            Err(e) => Source::Failed(e.to_string()),
        };
        let approvals = match approvals.incomplete {
            Some(failure) if approvals.items.is_empty() => Source::Failed(failure.0.to_string()),
            _ => Source::Read(
                approvals
                    .items
                    .iter()
                    .map(|p| ApprovalWait {
                        model: p.model.clone(),
                        version: p.version.clone(),
                        since_ms: p.since_ms,
                        requested_by: p.requested_by.clone(),
                    })
                    .collect(),
            ),
        };
        Facts {
            now_ms,
            endpoints,
            jobs,
            approvals,
            drift: supplied.drift,
            quality: supplied.quality,
            monitors: supplied.monitors,
            features: supplied.features,
        }
    }

    async fn endpoint_facts(
        &mut self,
        client: &Client,
        list: Vec<ServingEndpoint>,
        now_ms: i64,
    ) -> Vec<EndpointFacts> {
        let ready: Vec<String> = list
            .iter()
            .filter(|e| {
                e.state
                    .as_ref()
                    .is_some_and(|s| s.ready == Some(EndpointReady::Ready))
            })
            .map(|e| e.name.clone())
            .collect();
        let scrapes: BTreeMap<String, Result<Snapshot, String>> =
            futures::stream::iter(ready.into_iter().map(|name| async move {
                let read = match client.endpoint_metrics(&name).await {
                    Ok(text) => prometheus::parse(&text)
                        .map(|e| Snapshot::from_exposition(&e, now_ms))
                        .map_err(|e| format!("unreadable metrics: {e}")),
                    Err(e) => Err(e.to_string()),
                };
                (name, read)
            }))
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        // List answers carry no served-entity states: read the failed ones for their message.
        let failed: Vec<String> = list
            .iter()
            .filter(|e| {
                e.state.as_ref().and_then(|s| s.config_update.as_ref())
                    == Some(&ConfigUpdate::UpdateFailed)
            })
            .map(|e| e.name.clone())
            .collect();
        let messages: BTreeMap<String, String> =
            futures::stream::iter(failed.into_iter().map(|name| async move {
                let detail = client.get_serving_endpoint(&name).await.ok();
                (name, detail.as_ref().and_then(failed_entity_message))
            }))
            .buffer_unordered(CONCURRENCY)
            .filter_map(|(name, m)| async move { m.map(|m| (name, m)) })
            .collect()
            .await;
        list.into_iter()
            .map(|e| {
                let traffic = match scrapes.get(&e.name) {
                    None => Source::NotWired,
                    Some(Err(why)) => Source::Failed(why.clone()),
                    Some(Ok(now)) => {
                        let t = traffic(self.scrapes.get(&e.name), now);
                        self.scrapes.insert(e.name.clone(), now.clone());
                        Source::Read(t)
                    }
                };
                let update = e.state.as_ref().and_then(|s| s.config_update.clone());
                EndpointFacts {
                    update_failed: update == Some(ConfigUpdate::UpdateFailed),
                    config_update: update.map(|u| u.to_string()),
                    update_message: failed_entity_message(&e)
                        .or_else(|| messages.get(&e.name).cloned()),
                    updated_ms: e.last_updated_timestamp.or(e.creation_timestamp),
                    name: e.name,
                    traffic,
                }
            })
            .collect()
    }
}

/// The endpoint's requests, 5xx and worst p99 between two scrapes (or since start).
fn traffic(prev: Option<&Snapshot>, now: &Snapshot) -> EndpointTraffic {
    let seconds = prev.map_or(0.0, |p| (now.at_ms - p.at_ms) as f64 / 1000.0);
    let mut t = EndpointTraffic {
        seconds,
        ..Default::default()
    };
    for (name, counters) in &now.entities {
        let before = prev.and_then(|p| p.entities.get(name));
        let w = serving_metrics::window(name, before, counters, seconds);
        t.requests += w.requests;
        t.errors_5xx += w.errors_5xx;
        if let Some(p) = w.latency {
            t.p99_ms = Some(t.p99_ms.map_or(p.p99, |x: f64| x.max(p.p99)));
        }
    }
    t
}

/// The deployment message of a served entity that failed (pending config first).
fn failed_entity_message(e: &ServingEndpoint) -> Option<String> {
    [e.pending_config.as_ref(), e.config.as_ref()]
        .into_iter()
        .flatten()
        .flat_map(|c| c.served_entities.iter())
        .filter_map(|s| s.state.as_ref())
        .find(|s| s.deployment == Some(DeploymentState::Failed))
        .and_then(|s| s.deployment_state_message.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::serving_metrics::{Bucket, EntityCounters};

    fn counters(requests: f64, errors_5xx: f64, slow: f64) -> EntityCounters {
        // Requests answered within 10 ms except `slow` ones, answered within 2 s.
        EntityCounters {
            requests,
            errors_5xx,
            latency_buckets: vec![
                Bucket {
                    le: 10.0,
                    count: requests - slow,
                },
                Bucket {
                    le: 2000.0,
                    count: requests,
                },
                Bucket {
                    le: f64::INFINITY,
                    count: requests,
                },
            ],
            latency_count: requests,
            ..Default::default()
        }
    }

    fn snapshot(at_ms: i64, entities: &[(&str, EntityCounters)]) -> Snapshot {
        Snapshot {
            at_ms,
            entities: entities
                .iter()
                .map(|(n, c)| (n.to_string(), c.clone()))
                .collect(),
        }
    }

    #[test]
    fn the_first_reading_counts_since_start_and_later_ones_the_interval() {
        let first = snapshot(
            0,
            &[
                ("a", counters(1000.0, 100.0, 0.0)),
                ("b", counters(1000.0, 0.0, 0.0)),
            ],
        );
        let t = traffic(None, &first);
        assert_eq!((t.requests, t.errors_5xx, t.seconds), (2000.0, 100.0, 0.0));
        assert!((t.ratio_5xx() - 0.05).abs() < 1e-12);
        assert!(t.p99_ms.unwrap() <= 10.0);
        // 100 more requests to `a`, none failed, all slow; `b` idle.
        let second = snapshot(
            60_000,
            &[
                ("a", counters(1100.0, 100.0, 100.0)),
                ("b", counters(1000.0, 0.0, 0.0)),
            ],
        );
        let t = traffic(Some(&first), &second);
        assert_eq!((t.requests, t.errors_5xx, t.seconds), (100.0, 0.0, 60.0));
        assert!(
            t.p99_ms.unwrap() > 10.0,
            "the slow interval, not the history"
        );
    }
}
