//! Registry fixtures: models, a model's versions, pending approvals, a journal, a promote plan
//! with its blast radius.

use mlops_console::app::{Effect, Fetch, Payload, Prepared};
use mlops_console::ops::approvals::{ApprovalSource, PendingApproval, PendingList};
use mlops_console::ops::blast_radius::{BlastRadius, EndpointUse, ServedUse};
use mlops_console::ops::journal::{Attempt, Outcome, Record, ResultRecord, Via};
use mlops_console::ops::models::{ModelDetail, ModelRow, Source, VersionRow};
use mlops_console::ops::{ChangeAction, ObjectState, Plan, Step, Target};

use super::{Driver, MIN, NOW};

pub const CHURN_MODEL: &str = "main.ml.churn_model";

pub fn model_rows() -> Vec<ModelRow> {
    vec![
        ModelRow {
            source: Source::UnityCatalog,
            name: CHURN_MODEL.into(),
            owner: Some("ml-eng@acme.com".into()),
            pointers: vec![
                ("challenger".into(), "5".into()),
                ("champion".into(), "4".into()),
            ],
            updated_ms: Some(NOW - 90 * MIN),
            description: Some("30-day churn".into()),
        },
        ModelRow {
            source: Source::Workspace,
            name: "fraud_model".into(),
            owner: Some("priya@acme.com".into()),
            pointers: vec![
                ("Staging".into(), "4".into()),
                ("Production".into(), "3".into()),
            ],
            updated_ms: Some(NOW - 26 * 60 * MIN),
            description: None,
        },
    ]
}

pub fn churn_detail() -> ModelDetail {
    let v = |n: &str, aliases: &[&str], approval: Option<&str>, days: i64| VersionRow {
        version: n.into(),
        status: "READY".into(),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        stage: None,
        created_by: Some("ml-eng@acme.com".into()),
        created_ms: Some(NOW - days * 24 * 60 * MIN),
        run_id: Some(format!("run{n}abcdef0123")),
        approval: approval.map(String::from),
        description: Some(format!("version {n}")),
        requests: Vec::new(),
    };
    ModelDetail {
        row: model_rows().remove(0),
        tags: vec![("team".into(), "retention".into())],
        versions: vec![
            v("5", &["challenger"], Some("pending"), 2),
            v("4", &["champion"], Some("approved"), 30),
            v("3", &[], None, 35),
        ],
    }
}

pub fn pending() -> PendingList {
    PendingList {
        items: vec![
            PendingApproval {
                source: ApprovalSource::Workspace,
                model: "fraud_model".into(),
                version: "4".into(),
                to_stage: Some("Production".into()),
                requested_by: Some("priya@acme.com".into()),
                since_ms: Some(NOW - 5 * 60 * MIN),
                comment: Some("AUC +1.2".into()),
            },
            PendingApproval {
                source: ApprovalSource::UnityCatalog,
                model: CHURN_MODEL.into(),
                version: "5".into(),
                to_stage: None,
                requested_by: Some("ml-eng@acme.com".into()),
                since_ms: Some(NOW - 2 * 24 * 60 * MIN),
                comment: None,
            },
        ],
        notes: vec![],
        incomplete: None,
    }
}

fn attempt(id: &str, ts: i64, action: ChangeAction, before: &str, after: &str) -> Record {
    Record::Attempt(Box::new(Attempt {
        id: id.into(),
        time: "2024-06-01T11:00:00Z".into(),
        ts_ms: ts,
        profile: "acme-prod".into(),
        host: "https://dbc-1234.cloud.databricks.com".into(),
        workspace_id: None,
        actor: Some("ml-eng@acme.com".into()),
        action,
        target: Target::UcAlias {
            model: CHURN_MODEL.into(),
            alias: "champion".into(),
        },
        before: ObjectState::Alias {
            version: Some(before.into()),
        },
        after: ObjectState::Alias {
            version: Some(after.into()),
        },
        comment: None,
        reverts: None,
        requests: vec![],
    }))
}

fn result(id: &str, ts: i64, outcome: Outcome, error: Option<&str>) -> Record {
    Record::Result(ResultRecord {
        id: id.into(),
        time: "2024-06-01T11:00:01Z".into(),
        ts_ms: ts,
        outcome,
        error: error.map(String::from),
        verified: None,
        via: Via::Execute,
        answer_lost: false,
        sent: Vec::new(),
    })
}

/// A promotion (ok), a refused one (403), a roll back that never got its result (unknown).
pub fn journal_view() -> mlops_console::ops::journal::JournalView {
    let records = [
        attempt("a1", NOW - 50 * MIN, ChangeAction::Promote, "4", "5"),
        result("a1", NOW - 50 * MIN, Outcome::Ok, None),
        attempt("a2", NOW - 40 * MIN, ChangeAction::Promote, "5", "3"),
        result(
            "a2",
            NOW - 40 * MIN,
            Outcome::Failed,
            Some("PERMISSION_DENIED: not the owner"),
        ),
        attempt("a3", NOW - 30 * MIN, ChangeAction::Rollback, "5", "4"),
    ];
    let text: String = records
        .iter()
        .map(|r| serde_json::to_string(r).unwrap() + "\n")
        .collect();
    mlops_console::ops::journal::parse(text.as_bytes())
}

pub fn promote_plan() -> Plan {
    let mut p = Plan::new(
        ChangeAction::Promote,
        Target::UcAlias {
            model: CHURN_MODEL.into(),
            alias: "champion".into(),
        },
        ObjectState::Alias {
            version: Some("4".into()),
        },
        ObjectState::Alias {
            version: Some("5".into()),
        },
    );
    p.steps.push(Step::SetUcAlias {
        model: CHURN_MODEL.into(),
        alias: "champion".into(),
        version: 5,
    });
    p.blast_radius = Some(BlastRadius {
        model: CHURN_MODEL.into(),
        endpoints: vec![EndpointUse {
            endpoint: "churn-prod".into(),
            ready: Some("READY".into()),
            config_update: Some("NOT_UPDATING".into()),
            served: vec![
                ServedUse {
                    served_entity: "churn_model-4".into(),
                    version: "4".into(),
                    traffic_percent: 90,
                },
                ServedUse {
                    served_entity: "churn_model-5".into(),
                    version: "5".into(),
                    traffic_percent: 10,
                },
            ],
            other_traffic_percent: 0,
        }],
        notes: vec![],
    });
    p
}

impl Driver {
    /// The request id of the last effect fetching `pred`.
    pub fn fetch_req(&self, pred: impl Fn(&Fetch) -> bool) -> Option<u64> {
        self.effects.iter().find_map(|e| match e {
            Effect::Fetch { req, fetch } if pred(fetch) => Some(*req),
            _ => None,
        })
    }

    /// Models screen with rows loaded.
    pub fn open_models(&mut self) {
        self.char('3');
        let req = self
            .fetch_req(|f| *f == Fetch::Models)
            .expect("models fetch");
        self.answer(req, Payload::Models(Ok(model_rows())));
    }

    /// The churn model's detail, versions and journal loaded.
    pub fn open_churn(&mut self) {
        self.open_models();
        self.key(crossterm::event::KeyCode::Enter);
        let req = self
            .fetch_req(|f| matches!(f, Fetch::ModelDetail { .. }))
            .expect("detail fetch");
        let journal = self
            .fetch_req(|f| *f == Fetch::Journal)
            .or(self.state.audit.journal.pending);
        self.answer(req, Payload::ModelDetail(Ok(Box::new(churn_detail()))));
        if let Some(j) = journal {
            self.answer(j, Payload::Journal(Ok(Box::new(journal_view()))));
        }
    }

    pub fn open_approvals(&mut self) {
        self.char('4');
        // The Overview may have asked already: the answer goes to whichever request is current.
        let req = self
            .fetch_req(|f| *f == Fetch::Approvals)
            .or(self.state.approvals.list.pending)
            .expect("approvals");
        self.answer(req, Payload::Approvals(Box::new(pending())));
    }

    pub fn open_audit(&mut self) {
        self.char('9');
        let req = self
            .fetch_req(|f| *f == Fetch::Journal)
            .or(self.state.audit.journal.pending)
            .expect("journal");
        self.answer(req, Payload::Journal(Ok(Box::new(journal_view()))));
    }

    /// Answers the pending prepare with `plan`.
    pub fn answer_plan(&mut self, plan: Plan) {
        let req = self
            .fetch_req(|f| matches!(f, Fetch::Prepare(_)))
            .expect("a prepare fetch");
        self.answer(req, Payload::Prepared(Ok(Prepared::Plan(Box::new(plan)))));
    }
}
