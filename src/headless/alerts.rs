//! `alerts`: every console rule evaluated once (firing alerts, rules that could not be
//! judged) beside the workspace's own SQL alerts; exit 7 when a critical alert fires, so cron
//! or CI can gate on it. `alerts --watch` prints changes only, as JSON lines. `alerts save`
//! turns a drift rule into a Databricks SQL alert through the change pipeline.

use std::time::Duration;

use serde::Serialize;
use serde_json::json;

use crate::api::Client;
use crate::api::models::sql_alerts::AlertV2;
use crate::config::alert_rules::AlertRules;
use crate::ops::ChangeContext;
use crate::ops::alerts::monitoring::{self, MonitoringInputs};
use crate::ops::alerts::{AlertState, Evaluation, Facts, Gatherer, Supplied, evaluate, sql_alert};
use crate::ops::journal::Outcome;
use crate::ops::monitors::MonitorMemory;

use super::alerts_args::{AlertSaveArgs, AlertsArgs};
use super::alerts_retrain::{self as auto, AutoRetraining};
use super::change::{self, ChangeProfile};
use super::{exit, output, table};

/// A clock reading in Unix milliseconds.
pub type Clock<'a> = &'a (dyn Fn() -> i64 + Sync);

/// The wall clock.
pub fn wall_clock() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Where the drift, quality and monitor facts are read (`ops::alerts::monitoring`).
#[derive(Debug, Clone, Copy)]
pub struct MonitoringFacts<'a> {
    pub inputs: MonitoringInputs<'a>,
    /// The workspace's remembered monitors (`None`: nothing remembered or saved).
    pub memory: Option<&'a MonitorMemory>,
    /// `--watch` reads them again only this long after the last reading
    /// (`[alerts] monitoring_interval`); the other facts are read every cycle.
    pub every_ms: i64,
    /// `[features]`: where feature tables are found (`None`: their rules stay unknown).
    pub features: Option<&'a crate::config::features::FeaturesSettings>,
}

impl MonitoringFacts<'_> {
    async fn read(&self, client: &Client) -> Supplied {
        let mut supplied = monitoring::supply(client, self.inputs, self.memory).await;
        if let Some(settings) = self.features {
            supplied.features =
                crate::ops::features::alert_facts::supply(client, settings, wall_clock()).await;
        }
        supplied
    }
}

/// A workspace SQL alert as listed.
#[derive(Debug, Serialize)]
struct SqlAlertRow {
    id: Option<String>,
    display_name: String,
    state: String,
    last_evaluated_at: Option<String>,
    warehouse_id: String,
}

impl SqlAlertRow {
    fn of(a: &AlertV2) -> Self {
        SqlAlertRow {
            id: a.id.clone(),
            display_name: a.display_name.clone(),
            state: a.state().to_string(),
            last_evaluated_at: a.last_evaluated_at().map(str::to_string),
            warehouse_id: a.warehouse_id.clone(),
        }
    }
}

/// No source the console reads itself could be read: nothing was evaluated.
fn nothing_read(f: &Facts) -> bool {
    f.endpoints.is_failed() && f.jobs.is_failed() && f.approvals.is_failed()
}

fn why_nothing(f: &Facts) -> String {
    f.endpoints
        .facts()
        .err()
        .unwrap_or_else(|| "no source could be read".into())
}

/// `alerts [--once] [--retrain] [--json]` and `alerts --watch`; `retraining` is what an
/// automatic retrain runs under.
pub async fn run(
    client: &Client,
    rules: &AlertRules,
    monitoring: MonitoringFacts<'_>,
    retraining: AutoRetraining<'_>,
    args: &AlertsArgs,
    clock: Clock<'_>,
) -> i32 {
    let approvals = &retraining.session.approvals;
    if args.watch {
        return watch(client, rules, monitoring, retraining, args, clock).await;
    }
    let mut gatherer = Gatherer::new();
    let (supplied, sql) = futures::join!(monitoring.read(client), client.list_sql_alerts());
    let facts = gatherer.gather(client, approvals, supplied, clock()).await;
    if nothing_read(&facts) {
        crate::eprintln_escaped!(
            "error: could not evaluate the alerts: {}",
            why_nothing(&facts)
        );
        // The code of the failure, as every command gives it (a refused token is 5).
        return match client.list_serving_endpoints().await {
            Err(e) => exit::for_api_error(&e),
            Ok(_) => exit::FAILURE,
        };
    }
    let eval = evaluate(&rules.rules, &facts);
    // Every alert firing on a first evaluation is a firing.
    let changes = AlertState::new().update(&eval);
    let fired = auto::fired(&changes);
    let retrained = if args.retrain {
        retraining.on_fired(client, &rules.rules, &fired).await
    } else {
        auto::note_not_asked(&fired);
        Vec::new()
    };
    let sql = sql.map(|list| list.iter().map(SqlAlertRow::of).collect::<Vec<_>>());
    if args.json {
        let (rows, error) = match &sql {
            Ok(rows) => (Some(rows), None),
            Err(e) => (None, Some(e.to_string())),
        };
        output::json(&json!({
            "evaluated_at": table::timestamp(Some(eval.at_ms)),
            "evaluated_at_ms": eval.at_ms,
            "rules": eval.rules,
            "rules_file": rules.file,
            "firing": eval.firing,
            "unknown": eval.unknown,
            "sql_alerts": rows,
            "sql_alerts_error": error,
            "automatic_retraining": args.retrain.then_some(&retrained),
        }));
    } else {
        output::print(&format!(
            "{}{}",
            render(&eval, &sql),
            auto::render(&retrained)
        ));
    }
    if eval.any_critical() {
        exit::GATE_FAILED
    } else {
        exit::OK
    }
}

fn render(eval: &Evaluation, sql: &Result<Vec<SqlAlertRow>, crate::api::ApiError>) -> String {
    let mut out = String::new();
    if eval.firing.is_empty() {
        out.push_str(&format!("no alert is firing ({} rules)\n", eval.rules));
    } else {
        let rows: Vec<Vec<String>> = eval
            .firing
            .iter()
            .map(|a| {
                vec![
                    a.severity.as_str().to_string(),
                    a.rule.clone(),
                    a.object.name.clone(),
                    table::timestamp(a.since_ms),
                    a.detail.clone(),
                ]
            })
            .collect();
        out.push_str(&table::render(
            &["SEVERITY", "RULE", "OBJECT", "SINCE", "DETAIL"],
            &rows,
        ));
    }
    if !eval.unknown.is_empty() {
        out.push_str("\nnot evaluated (unknown, not OK):\n");
        let rows: Vec<Vec<String>> = eval
            .unknown
            .iter()
            .map(|u| vec![u.rule.clone(), u.kind.to_string(), u.reason.clone()])
            .collect();
        out.push_str(&table::render(&["RULE", "KIND", "WHY"], &rows));
    }
    out.push_str("\nworkspace SQL alerts:\n");
    match sql {
        Ok(rows) if rows.is_empty() => out.push_str("none\n"),
        Ok(rows) => {
            let rows: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    vec![
                        r.state.clone(),
                        r.display_name.clone(),
                        r.last_evaluated_at.clone().unwrap_or_else(|| "-".into()),
                        r.id.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            out.push_str(&table::render(
                &["STATE", "NAME", "LAST EVALUATED", "ID"],
                &rows,
            ));
        }
        Err(e) => out.push_str(&format!("could not be read: {e}\n")),
    }
    out
}

/// Prints each change as a JSON line; nothing while nothing changes.
async fn watch(
    client: &Client,
    rules: &AlertRules,
    monitoring: MonitoringFacts<'_>,
    retraining: AutoRetraining<'_>,
    args: &AlertsArgs,
    clock: Clock<'_>,
) -> i32 {
    let approvals = &retraining.session.approvals;
    let mut gatherer = Gatherer::new();
    let mut state = AlertState::new();
    let mut cycle = 0u64;
    loop {
        let kept = gatherer
            .kept_monitoring()
            .filter(|(_, at)| clock().saturating_sub(*at) < monitoring.every_ms);
        let supplied = match kept {
            Some((supplied, _)) => supplied,
            None => {
                let supplied = monitoring.read(client).await;
                gatherer.keep_monitoring(supplied.clone(), clock());
                supplied
            }
        };
        let facts = gatherer.gather(client, approvals, supplied, clock()).await;
        if nothing_read(&facts) {
            crate::eprintln_escaped!("warning: could not evaluate: {}", why_nothing(&facts));
        } else {
            let changes = state.update(&evaluate(&rules.rules, &facts));
            for change in &changes {
                match serde_json::to_string(change) {
                    Ok(line) => output::println(&crate::safe_text::json(&line)),
                    Err(e) => crate::eprintln_escaped!("error: cannot encode JSON: {e}"),
                }
            }
            let fired = auto::fired(&changes);
            let done = retraining.on_fired(client, &rules.rules, &fired).await;
            auto::print_lines(facts.now_ms, &done);
        }
        cycle += 1;
        if args.cycles.is_some_and(|n| cycle >= n) {
            break;
        }
        tokio::time::sleep(Duration::from_secs(args.interval)).await;
    }
    if state
        .active()
        .any(|a| a.severity == crate::config::alert_rules::Severity::Critical)
    {
        exit::GATE_FAILED
    } else {
        exit::OK
    }
}

/// `alerts save RULE --warehouse ID`.
pub async fn save(
    client: &Client,
    session: &ChangeProfile,
    rules: &AlertRules,
    args: &AlertSaveArgs,
) -> i32 {
    if let Some(code) = change::refuse_read_only(client, session, "alerts save") {
        return code;
    }
    let Some(rule) = rules.get(&args.rule) else {
        crate::eprintln_escaped!(
            "error: no alert rule named {:?} (rules: {})",
            args.rule,
            rules
                .rules
                .iter()
                .map(|r| r.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
        return exit::NOT_FOUND;
    };
    let alert = match sql_alert::drift_alert(
        rule,
        args.table.as_deref(),
        args.model_id_col.as_deref(),
        &args.warehouse,
    ) {
        Ok(a) => a,
        Err(why) => {
            crate::eprintln_escaped!("error: {why}");
            return exit::USAGE;
        }
    };
    let threshold = alert
        .evaluation
        .as_ref()
        .and_then(|e| {
            Some(format!(
                "{} {}",
                e.comparison_operator.as_ref()?,
                e.threshold.as_ref()?.value.as_ref()?.double_value?
            ))
        })
        .unwrap_or_default();
    let held = change::confirmation(&rule.name, "rule", session, &args.confirm);
    if args.confirm.json {
        if held.is_err() {
            output::json(&json!({ "alert": alert, "executed": false }));
        }
    } else {
        output::print(&format!(
            "save SQL alert {:?} on warehouse {} of {} (profile {}), value {threshold}, \
             hourly:\n{}\n",
            alert.display_name,
            alert.warehouse_id,
            client.host(),
            session.profile,
            alert.query_text
        ));
    }
    if let Err(hold) = held {
        return hold.report();
    }
    let ctx = ChangeContext {
        profile: session.profile.clone(),
        actor: change::actor(client).await,
        production: session.production,
    };
    let outcome = match sql_alert::save(client, &session.journal(), &ctx, alert.clone()).await {
        Ok(o) => o,
        Err(e) => {
            if args.confirm.json {
                output::json(&json!({ "alert": alert, "executed": false, "error": e.to_string() }));
            }
            return change::report(&e);
        }
    };
    if args.confirm.json {
        output::json(&json!({ "alert": alert, "executed": true, "outcome": outcome }));
    } else if outcome.outcome == Outcome::Ok {
        output::println(&format!("ok: {} (journal {})", outcome.message, outcome.id));
    }
    if outcome.outcome != Outcome::Ok {
        crate::eprintln_escaped!("error: {} (journal {})", outcome.message, outcome.id);
    }
    if let Some(w) = &outcome.journal_warning {
        crate::eprintln_escaped!("warning: {w}");
    }
    change::code_for_outcome(&outcome)
}
