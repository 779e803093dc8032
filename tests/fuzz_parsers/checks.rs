//! One check per parser of outside input: any bytes give a value or an error, never a panic,
//! and where it means something a property holds on top (a decoded answer re-reads as itself,
//! the strict and lenient Prometheus readers agree, a plan the parser accepts passes the check
//! saved state gets, …). Shared by `tests/fuzz_parsers.rs` (bounded runs on stable) and the
//! cargo-fuzz targets in `fuzz/` (`#[path]`), so both exercise the same properties.
#![allow(dead_code)] // each fuzz target uses one check

use std::path::Path;

use serde::Serialize;
use serde::de::DeserializeOwned;

use mlops_console::api::answer::error_for_answer;
use mlops_console::api::models::error_body::ErrorBody;
use mlops_console::api::models::job_runs::{JobRun, ListRunsResponse};
use mlops_console::api::models::mlflow::{
    MetricHistoryResponse, RunResponse, SearchExperimentsResponse, SearchRunsResponse,
};
use mlops_console::api::models::registry::{ModelVersionResponse, SearchModelVersionsResponse};
use mlops_console::api::models::serving::{ListEndpointsResponse, ServingEndpoint};
use mlops_console::api::models::sql::{ListWarehousesResponse, ResultData, StatementResponse};
use mlops_console::api::models::uc_models::ListModelVersionsResponse;
use mlops_console::app::keymap::{Context, KeyChord, Keymap};
use mlops_console::config::{AppConfig, DatabricksCfg, normalize_host};
use mlops_console::ops::canary::store::decode;
use mlops_console::ops::canary::{
    CanaryPlan, Command, EndpointLook, Observation, Sample, parse_duration, step,
};
use mlops_console::ops::journal;
use mlops_console::ops::prometheus::{parse, parse_lenient};
use mlops_console::ops::serving_metrics::Snapshot;
use mlops_console::ops::traffic::Split;
use mlops_console::theme::{Role, Theme};

/// Lines of `text` as the parsers count them (1-based numbers go up to this).
fn line_count(text: &str) -> usize {
    text.split('\n').count()
}

/// `T` from JSON bytes; when it decodes, it serialises, re-reads as an equal value and
/// serialises the same way again.
fn json_round_trip<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(data: &[u8]) {
    let Ok(value) = serde_json::from_slice::<T>(data) else {
        return;
    };
    let text = serde_json::to_string(&value).expect("a decoded answer serialises");
    let again: T = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("a decoded answer re-reads ({e}): {text}"));
    let text_again = serde_json::to_string(&again).expect("serialises");
    assert_eq!(text, text_again, "serialising is stable");
}

/// The API's JSON answers: runs search, run, metric history, experiments, model versions
/// (workspace and Unity Catalog), serving endpoints, job runs, error bodies, SQL statements,
/// result chunks and warehouses; and the error the
/// client makes of a non-2xx answer.
pub fn api_json(data: &[u8]) {
    json_round_trip::<SearchRunsResponse>(data);
    json_round_trip::<RunResponse>(data);
    json_round_trip::<MetricHistoryResponse>(data);
    json_round_trip::<SearchExperimentsResponse>(data);
    json_round_trip::<SearchModelVersionsResponse>(data);
    json_round_trip::<ModelVersionResponse>(data);
    json_round_trip::<ListModelVersionsResponse>(data);
    json_round_trip::<ServingEndpoint>(data);
    json_round_trip::<ListEndpointsResponse>(data);
    json_round_trip::<ListRunsResponse>(data);
    json_round_trip::<JobRun>(data);
    json_round_trip::<ErrorBody>(data);
    json_round_trip::<StatementResponse>(data);
    json_round_trip::<ResultData>(data);
    json_round_trip::<ListWarehousesResponse>(data);
    let body = String::from_utf8_lossy(data);
    let status = 400 + u16::from(data.first().copied().unwrap_or(0)) % 200;
    let error = error_for_answer(status, "/api/2.1/jobs/runs/get", &body);
    assert!(!error.to_string().is_empty());
}

/// Prometheus text: line-numbered errors, the strict reader agrees with the lenient one, and
/// the analysis on top takes whatever they give.
pub fn prometheus(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (exposition, errors) = parse_lenient(&text);
    let lines = line_count(&text);
    for e in &errors {
        assert!(e.line >= 1 && e.line <= lines, "{e:?}");
    }
    match parse(&text) {
        Ok(strict) => {
            assert!(errors.is_empty());
            assert_eq!(strict.samples.len(), exposition.samples.len());
        }
        Err(first) => assert_eq!(Some(&first), errors.first()),
    }
    let _ = Snapshot::from_exposition(&exposition, 0);
}

/// `~/.databrickscfg`: an error names its line; a parsed file lists, finds and picks profiles.
pub fn databrickscfg(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match DatabricksCfg::parse(Path::new("fuzz.cfg"), &text) {
        Ok(cfg) => {
            for name in cfg.names() {
                assert!(cfg.get(&name).is_some(), "{name}");
            }
            for p in &cfg.profiles {
                let _ = p.auth_label(&|_| None);
            }
            let _ = cfg.select(None);
        }
        Err(e) => assert!(e.to_string().contains("fuzz.cfg"), "{e}"),
    }
}

/// `config.toml`: settings for no profile and for every profile named.
pub fn app_config(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match AppConfig::parse(Path::new("config.toml"), &text) {
        Ok(config) => {
            let _ = config.settings_for(None);
            for name in config.profiles.keys() {
                let _ = config.settings_for(Some(name));
            }
        }
        Err(e) => assert!(e.to_string().contains("config.toml"), "{e}"),
    }
}

/// `keymap.toml`: never fails (problems are warnings), and every context still has bindings.
pub fn keymap(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (km, warnings) = Keymap::with_overrides("keymap.toml", &text);
    for w in &warnings {
        assert!(!w.is_empty());
    }
    for ctx in Context::all() {
        let _ = km.bindings(ctx);
    }
    for word in text.split(['"', '\n', ',', '[', ']']).take(64) {
        let _ = KeyChord::parse(word);
    }
}

/// A theme file: never fails (problems are warnings), and every role has a style.
pub fn theme(data: &[u8]) {
    let text = String::from_utf8_lossy(data).into_owned();
    let reader = |name: &str| (name == "fuzz").then(|| ("fuzz.toml".to_string(), text.clone()));
    let (theme, _warnings) = Theme::load_with("fuzz", &reader, false);
    for role in Role::ALL {
        let _ = theme.style(role);
    }
}

/// A canary plan file: problems carry lines inside the file; a plan it accepts passes the
/// check that saved state gets.
pub fn canary_plan(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match CanaryPlan::parse(&text) {
        Ok(plan) => {
            plan.check()
                .unwrap_or_else(|e| panic!("parse accepted what check refuses: {e}"));
            let _ = plan.canary_name();
        }
        Err(errors) => {
            assert!(!errors.0.is_empty());
            let lines = line_count(&text);
            for p in &errors.0 {
                if let Some((line, column)) = p.line {
                    assert!(line >= 1 && line <= lines && column >= 1, "{p}");
                }
            }
        }
    }
}

/// Saved canary state: a state that decodes re-reads as itself, describes itself and takes
/// steps of the machine: a look at the endpoint as it last saw it, with counters a window
/// after its baseline, then a pause, a resume and an abort.
pub fn canary_state(data: &[u8]) {
    let Ok(state) = decode(data) else {
        return;
    };
    let text = serde_json::to_vec(&state).expect("a decoded state serialises");
    let again = decode(&text).unwrap_or_else(|e| panic!("a decoded state re-reads: {e}"));
    assert_eq!(state, again);
    let _ = state.describe();
    let mut now = state.updated_ms.max(state.step_started_ms.unwrap_or(0));
    let look = state.endpoint.clone().map(|config| Observation::Look {
        endpoint: EndpointLook {
            config,
            updating: false,
        },
        metrics: state.baseline.clone().map(|b| Sample {
            at_ms: b.at_ms + state.plan.interval_ms,
            ..b
        }),
    });
    let mut observations: Vec<Observation> = look.into_iter().collect();
    observations.push(Observation::ReadFailed {
        message: "fuzz".into(),
    });
    for command in [Command::Pause, Command::Resume, Command::Abort] {
        observations.push(Observation::Command { command });
    }
    let mut s = state;
    for obs in observations {
        now += s.plan.interval_ms;
        s = step(s, obs, now).0;
        let _ = s.describe();
    }
}

/// The audit journal: never fails; problems name lines inside the file.
pub fn journal(data: &[u8]) {
    let view = journal::parse(data);
    let lines = data.split(|b| *b == b'\n').count();
    for p in &view.problems {
        let line = match p {
            journal::Problem::TornTail { line }
            | journal::Problem::Corrupt { line, .. }
            | journal::Problem::OrphanResult { line, .. } => *line,
        };
        assert!(line >= 1 && line <= lines, "{p}");
    }
    for e in &view.entries {
        let _ = e.standing().label();
        let _ = e.matches("churn");
    }
}

/// The small parsers of typed input: split assignments, shifts, durations, key chords, hosts.
pub fn typed_values(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(assignment) = Split::parse_assignment(&text) {
        assert!(
            assignment
                .iter()
                .all(|(name, pct)| !name.is_empty() && *pct <= 100)
        );
    }
    if let Ok((entity, delta)) = Split::parse_shift(&text) {
        assert!(!entity.is_empty() && delta.unsigned_abs() <= 100);
    }
    if let Ok(ms) = parse_duration(&text) {
        assert!((0..=mlops_console::ops::canary::plan::MAX_DURATION_MS).contains(&ms));
    }
    let _ = KeyChord::parse(&text);
    let _ = normalize_host(&text);
}
