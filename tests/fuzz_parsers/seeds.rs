//! Seed corpora: valid inputs of each format, in the shapes the console really meets, plus
//! each format's punctuation for the mutator to insert.

use std::collections::BTreeMap;

use mlops_console::api::models::serving_config::ServedEntityInput;
use mlops_console::ops::canary::state::Event;
use mlops_console::ops::canary::{CanaryPlan, CanaryState, Phase, Sample, judge};
use mlops_console::ops::journal::{Attempt, Outcome, Record, ResultRecord, Via};
use mlops_console::ops::serving_metrics::{Bucket, EntityCounters, window};
use mlops_console::ops::traffic::{EndpointConfigState, Split};
use mlops_console::ops::{ChangeAction, ObjectState, Target};

fn corpus(texts: &[&str]) -> Vec<Vec<u8>> {
    texts.iter().map(|t| t.as_bytes().to_vec()).collect()
}

pub const JSON_DICT: &[&str] = &[
    "{", "}", "[", "]", "\"", ",", ":", "null", "true", "\"NaN\"", "\\u0000", "\\ud800", "{}",
    "[]", "\"\"",
];
pub const TOML_DICT: &[&str] = &[
    "[",
    "]",
    "[[",
    "]]",
    "=",
    "\"",
    "'''",
    "\"\"\"",
    "#",
    "\n",
    ".",
    "{",
    "}",
    "inf",
    "nan",
    "1979-05-27T07:32:00Z",
    "\\u0000",
];
pub const INI_DICT: &[&str] = &["[", "]", "=", ":", ";", "#", "\n", " ", "[DEFAULT]", "\\"];
pub const PROMETHEUS_DICT: &[&str] = &[
    "{", "}", "=", "\"", ",", "\\", "\\n", "# TYPE ", "# HELP ", "+Inf", "-Inf", "NaN", " ",
    "le=\"", "_bucket", "_sum", "_count", "# EOF", " # {", "\n",
];
pub const TYPED_DICT: &[&str] = &[
    "=", ",", "+", "-", "%", "ms", "s", "m", "h", ".", "ctrl-", "alt-", "shift-", "://", ":", "/",
    "@", "[", "]",
];

pub fn api_json() -> Vec<Vec<u8>> {
    corpus(&[
        r#"{"runs":[{"info":{"run_id":"8f1c","run_name":"xgb-default","experiment_id":"101","user_id":"ml-eng@acme.com","status":"FINISHED","start_time":1767225600000,"end_time":"1767225660000","artifact_uri":"dbfs:/x","lifecycle_stage":"active"},"data":{"metrics":[{"key":"val_auc","value":0.8731,"timestamp":1767225660000,"step":9},{"key":"loss","value":"NaN","timestamp":1767225660000,"step":"10"}],"params":[{"key":"max_depth","value":"6"}],"tags":[{"key":"mlflow.runName","value":"xgb-default"}]},"inputs":{},"outputs":{}}],"next_page_token":"tok=="}"#,
        r#"{"run":{"info":{"run_id":"r1","experiment_id":"1","status":"RUNNING"},"data":{}}}"#,
        r#"{"metrics":[{"key":"loss","value":0.25,"timestamp":1,"step":0},{"key":"loss","value":"Infinity","timestamp":2,"step":1}],"next_page_token":null}"#,
        r#"{"experiments":[{"experiment_id":"101","name":"/Shared/churn/training","lifecycle_stage":"active","last_update_time":1767225600000,"creation_time":"1767225600000","tags":[{"key":"mlops.training_job_id","value":"907245117743512"}]}]}"#,
        r#"{"model_versions":[{"name":"churn_model","version":"5","creation_timestamp":1767225600000,"current_stage":"Staging","status":"READY","run_id":"8f1c","source":"dbfs:/m","aliases":["champion"],"tags":[{"key":"approval","value":"pending"}]}],"next_page_token":"x"}"#,
        r#"{"model_version":{"name":"churn_model","version":"4","current_stage":"Production"}}"#,
        r#"{"model_versions":[{"model_name":"churn_model","catalog_name":"main","schema_name":"ml","version":6,"status":"READY","aliases":[{"alias_name":"champion","version_num":6}]}]}"#,
        r#"{"name":"churn-prod","creator":"ml-eng@acme.com","creation_timestamp":1767225600000,"last_updated_timestamp":1767225700000,"state":{"ready":"READY","config_update":"NOT_UPDATING"},"config":{"config_version":3,"served_entities":[{"name":"churn_model-4","entity_name":"main.ml.churn_model","entity_version":"4","workload_size":"Small","scale_to_zero_enabled":true,"state":{"deployment":"DEPLOYMENT_READY"}},{"name":"churn_model-5","entity_name":"main.ml.churn_model","entity_version":"5","workload_size":"Small"}],"traffic_config":{"routes":[{"served_entity_name":"churn_model-4","traffic_percentage":90},{"served_model_name":"churn_model-5","traffic_percentage":"10"}]}},"pending_config":{"config_version":4,"served_entities":[]},"tags":[{"key":"team","value":"ml"}]}"#,
        r#"{"endpoints":[{"name":"fraud-scoring","state":{"ready":"NOT_READY","config_update":"UPDATE_FAILED"},"config":{"served_models":[{"name":"fraud-1","model_name":"fraud","model_version":"1"}]}}]}"#,
        r#"{"runs":[{"job_id":907245117743512,"run_id":"455644833","run_name":"train","state":{"life_cycle_state":"TERMINATED","result_state":"SUCCESS","state_message":""},"status":{"state":"TERMINATED","termination_details":{"code":"SUCCESS","type":"SUCCESS"}},"start_time":1767225600000,"end_time":0,"run_page_url":"https://x/#job/1/run/2","trigger":"ONE_TIME","run_type":"JOB_RUN","tasks":[{"task_key":"train","run_id":1}]}],"has_more":true,"next_page_token":"n"}"#,
        r#"{"job_id":1,"run_id":2,"state":{"life_cycle_state":"INTERNAL_ERROR","state_message":"boom"},"overriding_parameters":{"job_parameters":{"alpha":"0.5"}}}"#,
        r#"{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"Experiment 'x' does not exist.","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"NOT_FOUND"}]}"#,
        r#"{"error_code":1234,"error":"legacy","error_description":"old style"}"#,
        r#"{"statement_id":"01f0-a","status":{"state":"SUCCEEDED"},"manifest":{"format":"JSON_ARRAY","schema":{"column_count":2,"columns":[{"name":"window","position":0,"type_name":"STRUCT","type_text":"STRUCT<start: TIMESTAMP, end: TIMESTAMP>"},{"name":"psi","position":"1","type_name":"DOUBLE"}]},"total_chunk_count":2,"total_row_count":3,"truncated":false,"chunks":[{"chunk_index":0,"row_offset":0,"row_count":2}]},"result":{"chunk_index":0,"row_offset":0,"row_count":2,"data_array":[["{\"start\":\"2026-11-06T00:00:00.000Z\"}","0.013"],[null,"0.2"]],"next_chunk_index":1,"next_chunk_internal_link":"/api/2.0/sql/statements/01f0-a/result/chunks/1"}}"#,
        r#"{"statement_id":"s","status":{"state":"FAILED","sql_state":"42P01","error":{"error_code":"BAD_REQUEST","message":"[TABLE_OR_VIEW_NOT_FOUND] x"}}}"#,
        r#"{"warehouses":[{"id":"a1","name":"Shared serverless","state":"RUNNING","num_clusters":1},{"id":"b2","name":"Old","state":"HIBERNATING"}],"next_page_token":"t"}"#,
        r#"{"detail":"null","scimType":"invalidValue","status":"400","schemas":["urn:ietf:params:scim:api:messages:2.0:Error"]}"#,
        "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
        "RESOURCE_CONFLICT: update in progress",
        "",
    ])
}

pub fn prometheus() -> Vec<Vec<u8>> {
    corpus(&[
        "# HELP request_count_total Requests served.\n# TYPE request_count_total counter\n\
         request_count_total{served_entity_name=\"churn_model-4\"} 1027 1767225600000\n\
         request_count_total{served_entity_name=\"churn_model-5\"} 113\n\
         # TYPE request_4xx_count_total counter\n\
         request_4xx_count_total{served_entity_name=\"churn_model-4\"} 3\n\
         request_5xx_count_total{served_entity_name=\"churn_model-5\"} 1\n\
         # TYPE request_latency_ms histogram\n\
         request_latency_ms_bucket{served_entity_name=\"churn_model-4\",le=\"10\"} 12\n\
         request_latency_ms_bucket{served_entity_name=\"churn_model-4\",le=\"50.5\"} 900\n\
         request_latency_ms_bucket{served_entity_name=\"churn_model-4\",le=\"+Inf\"} 1027\n\
         request_latency_ms_sum{served_entity_name=\"churn_model-4\"} 19876.5\n\
         request_latency_ms_count{served_entity_name=\"churn_model-4\"} 1027\n\n\
         cpu_usage_percentage{served_entity_name=\"churn_model-4\"} NaN\n",
        "mem_usage_percentage{served_entity_name=\"a\\\"b\\\\c\\n\",} 12.5e0\n# EOF\n",
        "# UNIT request_latency_ms milliseconds\nup 1 # {trace_id=\"abc\"} 1.0\n",
    ])
}

pub fn databrickscfg() -> Vec<Vec<u8>> {
    let mut seeds = corpus(&[
        include_str!("../fixtures/config/databrickscfg"),
        include_str!("../fixtures/config/databrickscfg-no-settings"),
        include_str!("../fixtures/config/databrickscfg-broken"),
    ]);
    seeds.push(
        b"[DEFAULT]\nhost = https://x\n  continued = value\ntoken: dapi1 ; comment\n[e]\n".to_vec(),
    );
    seeds
}

pub fn app_config() -> Vec<Vec<u8>> {
    corpus(&[
        include_str!("../fixtures/config/app-valid/config.toml"),
        include_str!("../fixtures/config/app-unknown-key/config.toml"),
        "[defaults]\nrefresh_secs = 30\ntheme = \"dark\"\ntraffic_step = 5\n\n\
         [profiles.prod]\nproduction = true\nreadonly = true\n\n[training_jobs]\n\
         \"/Shared/churn/training\" = 907245117743512\n\n[approvals]\ntag = \"approval\"\n\
         pending = \"pending\"\n",
    ])
}

pub fn keymap() -> Vec<Vec<u8>> {
    corpus(&[
        include_str!("../../src/app/default_keymap.toml"),
        "[global]\nquit = [\"x\", \"ctrl-c\"]\n[list]\nmove_down = [\"j\", \"down\", \"ctrl-n\"]\n",
        "[runs]\nsort = \"s\"\ncompare = [\"alt-shift-F5\", \"space\"]\n[nope]\nx = 1\n",
    ])
}

pub fn theme() -> Vec<Vec<u8>> {
    let mut seeds: Vec<Vec<u8>> = mlops_console::theme::BUILTIN
        .iter()
        .map(|(_, text)| text.as_bytes().to_vec())
        .collect();
    seeds.push(
        b"extends = \"dark\"\n[roles]\ntitle = { fg = \"#ff8800\", bold = true }\n\
          border = \"blue\"\nmuted = { fg = \"242\", italic = true }\n"
            .to_vec(),
    );
    seeds
}

const PLAN: &str = r#"endpoint = "churn-prod"
stable   = "churn_model-4"
canary   = "churn_model-5"
steps    = [5, 25, 50, 100]
hold     = "2m"
interval = "15s"
[guards]
min_requests         = 200
max_error_rate_delta = 0.01
max_p99_ms           = 100
max_p99_ratio        = 1.2
confidence           = 0.95
"#;

pub fn canary_plan() -> Vec<Vec<u8>> {
    corpus(&[
        PLAN,
        "endpoint = \"churn-prod\"\nstable = \"churn_model-4\"\ncanary_model = \
         \"main.ml.churn_model\"\ncanary_version = \"6\"\nsteps = [10, 100]\nhold = \"1m30s\"\n\
         interval = \"5s\"\n",
        "endpoint = 'e'\nstable = 'a'\ncanary_model = 'm'\ncanary_version = 6\nsteps = [1]\n\
         hold = \"0s\"\ninterval = \"1h\"\n[guards]\nconfidence = 0.99\n",
    ])
}

pub fn canary_state() -> Vec<Vec<u8>> {
    let plan = CanaryPlan::parse(PLAN).expect("the seed plan parses");
    let fresh = CanaryState::new(plan, 1_767_225_600_000);
    let mut holding = fresh.clone();
    holding.phase = Phase::Holding;
    holding.step = 2;
    holding.step_started_ms = Some(1_767_225_660_000);
    holding.updated_ms = 1_767_225_700_000;
    holding.expected = Some(Split::new(&[("churn_model-4", 50), ("churn_model-5", 50)]));
    holding.judgements = 7;
    let entity = |name: &str, version: &str| ServedEntityInput {
        name: Some(name.into()),
        entity_name: Some("main.ml.churn_model".into()),
        entity_version: Some(version.into()),
        workload_size: Some("Small".into()),
        ..ServedEntityInput::default()
    };
    holding.endpoint = Some(EndpointConfigState {
        served_entities: vec![entity("churn_model-4", "4"), entity("churn_model-5", "5")],
        routes: Split::new(&[("churn_model-4", 50), ("churn_model-5", 50)]),
        config_version: Some(3),
    });
    let counters = |requests: f64, errors: f64| EntityCounters {
        requests,
        errors_4xx: 2.0,
        errors_5xx: errors,
        latency_buckets: [(10.0, requests * 0.2), (50.0, requests * 0.9)]
            .into_iter()
            .chain([(f64::INFINITY, requests)])
            .map(|(le, count)| Bucket { le, count })
            .collect(),
        latency_sum: requests * 21.5,
        latency_count: requests,
        cpu_percent: Some(40.0),
        mem_percent: None,
        provisioned_concurrency: Some(4.0),
    };
    let (stable, canary) = (counters(1000.0, 1.0), counters(950.0, 3.0));
    holding.baseline = Some(Sample {
        at_ms: 1_767_225_660_000,
        stable: Some(stable.clone()),
        canary: Some(canary.clone()),
    });
    for (at_ms, message) in [
        (1_767_225_660_000, "moved to 50%"),
        (1_767_225_700_000, "INCONCLUSIVE: 120 more requests needed"),
    ] {
        holding.history.push(Event {
            at_ms,
            message: message.into(),
        });
    }
    let later = |c: &EntityCounters| EntityCounters {
        requests: c.requests + 500.0,
        errors_5xx: c.errors_5xx + 2.0,
        latency_buckets: c
            .latency_buckets
            .iter()
            .map(|b| Bucket {
                le: b.le,
                count: b.count + 400.0,
            })
            .collect(),
        ..c.clone()
    };
    holding.last_judgement = Some(judge(
        &window("churn_model-4", Some(&stable), &later(&stable), 15.0),
        &window("churn_model-5", Some(&canary), &later(&canary), 15.0),
        &holding.plan.guards,
        1_767_225_700_000,
    ));
    let mut paused = holding.clone();
    paused.phase = Phase::Paused;
    paused.rollback_reason = Some("5xx rate over the guard".into());
    [fresh, holding, paused]
        .iter()
        .map(|s| serde_json::to_vec_pretty(s).expect("state serialises"))
        .collect()
}

pub fn journal() -> Vec<Vec<u8>> {
    let attempt = |id: &str| {
        Record::Attempt(Box::new(Attempt {
            id: id.to_string(),
            time: "2026-01-01T00:00:00.000Z".into(),
            ts_ms: 1_767_225_600_000,
            profile: "prod".into(),
            host: "https://dbc-1.cloud.databricks.com".into(),
            workspace_id: None,
            actor: Some("ml-eng@acme.com".into()),
            action: ChangeAction::Promote,
            target: Target::UcAlias {
                model: "main.ml.churn_model".into(),
                alias: "champion".into(),
            },
            before: ObjectState::Alias {
                version: Some("4".into()),
            },
            after: ObjectState::Alias {
                version: Some("5".into()),
            },
            comment: Some("weekly".into()),
            reverts: None,
            requests: vec!["PUT /api/2.1/unity-catalog/models/x/aliases/champion".into()],
        }))
    };
    let result = |id: &str, outcome: Outcome| {
        Record::Result(ResultRecord {
            id: id.to_string(),
            time: "2026-01-01T00:00:01.000Z".into(),
            ts_ms: 1_767_225_601_000,
            outcome,
            error: None,
            verified: Some(ObjectState::Tags {
                tags: BTreeMap::from([("approval".to_string(), Some("approved".to_string()))]),
            }),
            via: Via::Execute,
            answer_lost: outcome == Outcome::Ok,
            sent: vec!["PUT /x (again: reading back showed it not applied)".into()],
        })
    };
    let lines = |records: &[Record]| {
        records
            .iter()
            .map(|r| serde_json::to_string(r).expect("record serialises") + "\n")
            .collect::<String>()
            .into_bytes()
    };
    vec![
        lines(&[attempt("a"), result("a", Outcome::Ok), attempt("b")]),
        lines(&[
            attempt("c"),
            result("c", Outcome::Unknown),
            result("zz", Outcome::Failed),
        ]),
    ]
}

pub fn typed_values() -> Vec<Vec<u8>> {
    corpus(&[
        "churn_model-4=90,churn_model-5=10",
        "churn_model-5=+5",
        "churn_model-5=-100",
        "1m30s",
        "500ms",
        "ctrl-shift-F5",
        "https://adb-1234567890123456.7.azuredatabricks.net/",
        "dbc-prod.cloud.databricks.com:443",
    ])
}
