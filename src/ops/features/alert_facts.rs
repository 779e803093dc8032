//! The feature facts of the alert rules: each feature table's last write (the list's
//! freshness) and its online tables' sync failures and lag.

use crate::api::Client;
use crate::config::features::FeaturesSettings;
use crate::ops::alerts::facts::{FeatureTableFacts, OnlineTableFacts, Source};

/// The feature facts as of `now_ms`; `Failed` when the tables could not be found or a source
/// was not fully searched (a table not read could be the stale one).
pub async fn supply(
    client: &Client,
    settings: &FeaturesSettings,
    now_ms: i64,
) -> Source<Vec<FeatureTableFacts>> {
    let list = match super::list_freshness(client, settings, now_ms).await {
        Ok(l) => l,
        Err(e) => return Source::Failed(format!("feature tables not read: {e}")),
    };
    let missed: Vec<&String> = list.notes.iter().collect();
    if !missed.is_empty() {
        return Source::Failed(format!(
            "feature tables not all read: {}",
            missed
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    Source::Read(
        list.rows
            .iter()
            .map(|r| FeatureTableFacts {
                table: r.table.clone(),
                last_write_ms: r.freshness.last_write_ms,
                online: r
                    .online
                    .iter()
                    .map(|o| OnlineTableFacts {
                        name: o.name.clone(),
                        sync_failed: o.sync_failed,
                        sync_state: o.sync_state.clone(),
                        message: o.message.clone(),
                        lag_ms: o.lag_ms,
                    })
                    .collect(),
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use crate::config::alert_rules::default_rules;
    use crate::ops::alerts::evaluate;
    use crate::ops::alerts::facts::{Facts, FeatureTableFacts, Source};

    const HOUR: i64 = 3_600_000;

    #[test]
    fn the_stale_rule_is_judged_on_the_last_writes() {
        let now = 1_000 * HOUR;
        let table = |name: &str, age: Option<i64>| FeatureTableFacts {
            table: name.into(),
            last_write_ms: age.map(|a| now - a),
            online: Vec::new(),
        };
        let facts = Facts {
            now_ms: now,
            features: Source::Read(vec![
                table("main.f.fresh", Some(HOUR)),
                table("main.f.stale", Some(52 * HOUR)),
                table("main.f.unknown", None),
            ]),
            ..Facts::default()
        };
        let eval = evaluate(&default_rules(), &facts);
        let stale: Vec<_> = eval
            .firing
            .iter()
            .filter(|a| a.rule == "feature-table-stale")
            .collect();
        assert_eq!(stale.len(), 1, "{stale:?}");
        assert_eq!(stale[0].object.name, "main.f.stale");
        assert!(stale[0].detail.contains("2d 4h ago"), "{}", stale[0].detail);
        assert!(!eval.unknown.iter().any(|u| u.rule == "feature-table-stale"));

        // Not read: unknown, never OK.
        let facts = Facts {
            now_ms: now,
            features: Source::Failed("HTTP 502".into()),
            ..Facts::default()
        };
        let eval = evaluate(&default_rules(), &facts);
        let u = eval
            .unknown
            .iter()
            .find(|u| u.rule == "feature-table-stale")
            .expect("unknown");
        assert!(u.reason.contains("HTTP 502"), "{}", u.reason);
    }
}

#[cfg(test)]
mod sync_tests {
    use crate::config::alert_rules::{AlertRule, RuleKind, Severity};
    use crate::ops::alerts::evaluate;
    use crate::ops::alerts::facts::{Facts, FeatureTableFacts, OnlineTableFacts, Source};

    const HOUR: i64 = 3_600_000;

    fn rule(name: &str, kind: RuleKind) -> AlertRule {
        AlertRule {
            name: name.into(),
            kind,
            severity: Severity::Warning,
            enabled: true,
            target: None,
            bell: false,
            retrain: false,
            retrain_model: None,
        }
    }

    #[test]
    fn sync_failures_and_lag_fire_per_online_table() {
        let online = |name: &str, failed: bool, lag: Option<i64>| OnlineTableFacts {
            name: name.into(),
            sync_failed: failed,
            sync_state: Some(
                if failed {
                    "SYNCED_TABLE_OFFLINE_FAILED"
                } else {
                    "ONLINE"
                }
                .into(),
            ),
            message: failed.then(|| "pipeline failed\nstack".to_string()),
            lag_ms: lag,
        };
        let facts = Facts {
            now_ms: 100 * HOUR,
            features: Source::Read(vec![FeatureTableFacts {
                table: "main.f.t".into(),
                last_write_ms: Some(99 * HOUR),
                online: vec![
                    online("main.f_online.ok", false, Some(0)),
                    online("main.f_online.broken", true, None),
                    online("main.f.t_online", false, Some(9 * 24 * HOUR)),
                    online("main.f_online.syncing", false, None),
                ],
            }]),
            ..Facts::default()
        };
        let rules = [
            rule("sync-failed", RuleKind::OnlineSyncFailed),
            rule("sync-lag", RuleKind::OnlineSyncLag { max_age_ms: HOUR }),
        ];
        let eval = evaluate(&rules, &facts);
        let fired: Vec<(&str, &str)> = eval
            .firing
            .iter()
            .map(|a| (a.rule.as_str(), a.object.name.as_str()))
            .collect();
        assert_eq!(fired.len(), 2, "{fired:?}");
        assert!(fired.contains(&("sync-failed", "main.f_online.broken")));
        assert!(fired.contains(&("sync-lag", "main.f.t_online")));
        let failed = eval
            .firing
            .iter()
            .find(|a| a.rule == "sync-failed")
            .unwrap();
        assert_eq!(
            failed.detail,
            "sync SYNCED_TABLE_OFFLINE_FAILED: pipeline failed"
        );
    }

    #[test]
    fn the_sync_kinds_are_read_from_alerts_toml() {
        use crate::config::alert_rules::AlertRules;
        let parse = |t: &str| AlertRules::parse(std::path::Path::new("/c/alerts.toml"), t);
        let r = parse(
            "defaults = false\n[[rule]]\nname = \"a\"\nkind = \"online_sync_failed\"\n\
             [[rule]]\nname = \"b\"\nkind = \"online_sync_lag\"\nmax_age = \"2h\"\n\
             [[rule]]\nname = \"c\"\nkind = \"online_sync_lag\"\n",
        )
        .unwrap();
        let kinds: Vec<&RuleKind> = r.rules.iter().map(|r| &r.kind).collect();
        assert_eq!(
            kinds,
            [
                &RuleKind::OnlineSyncFailed,
                &RuleKind::OnlineSyncLag {
                    max_age_ms: 2 * HOUR
                },
                &RuleKind::OnlineSyncLag { max_age_ms: HOUR },
            ]
        );
        let e = parse("[[rule]]\nname = \"a\"\nkind = \"online_sync_failed\"\nmax_age = \"1h\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("max_age"), "{e}");
    }
}
