//! The training form and the confirm dialog, as data. Pure: `update::training_form` and
//! `update::confirm` route keys here and the rooms (`screens::training`, `change`, `canary`)
//! decide what submitting and confirming do.

use super::screens::RoomChange;
use std::collections::BTreeMap;

use tui_input::Input;

use crate::ops::Plan;
use crate::ops::approvals::gate;
use crate::ops::canary::{CanaryPlan, CanaryState};
use crate::ops::traffic::TrafficPlan;
use crate::ops::training::{LinkSource, ParameterValue};

/// One job parameter: its default and the value being typed.
#[derive(Debug, Clone)]
pub struct FormField {
    pub name: String,
    pub default: String,
    pub input: Input,
}

/// The parameter form of a training job (its fields appear once `jobs/get` answers).
#[derive(Debug, Clone)]
pub struct TrainingForm {
    pub experiment_id: String,
    pub experiment_name: String,
    pub job_id: i64,
    pub link: LinkSource,
    /// `None` while the job is loading.
    pub job_name: Option<String>,
    pub fields: Vec<FormField>,
    pub focus: usize,
    /// Why the job could not be loaded.
    pub error: Option<String>,
}

impl TrainingForm {
    pub fn new(
        experiment_id: String,
        experiment_name: String,
        job_id: i64,
        link: LinkSource,
    ) -> TrainingForm {
        TrainingForm {
            experiment_id,
            experiment_name,
            job_id,
            link,
            job_name: None,
            fields: Vec::new(),
            focus: 0,
            error: None,
        }
    }

    /// Fills the fields with the job's parameters, each prefilled with its default.
    pub fn set_job(&mut self, name: String, parameters: &[(String, String)]) {
        self.job_name = Some(name);
        self.fields = prefilled(parameters);
        self.focus = 0;
        self.error = None;
    }

    pub fn focus_by(&mut self, delta: isize) {
        self.focus = next_focus(self.focus, self.fields.len(), delta);
    }

    /// Every parameter with the value the run will use.
    pub fn values(&self) -> Vec<ParameterValue> {
        values(&self.fields)
    }

    /// Only the values that differ from the job's defaults (what `run-now` needs to send).
    pub fn overrides(&self) -> BTreeMap<String, String> {
        overrides(&self.fields)
    }
}

/// Fields named `(name, default)`, each prefilled with its default.
fn prefilled(fields: &[(String, String)]) -> Vec<FormField> {
    fields
        .iter()
        .map(|(name, default)| FormField {
            name: name.clone(),
            default: default.clone(),
            input: Input::new(default.clone()),
        })
        .collect()
}

/// The focus moved by `delta` over `n` fields, wrapping around.
fn next_focus(focus: usize, n: usize, delta: isize) -> usize {
    if n == 0 {
        return focus;
    }
    (focus as isize + delta).rem_euclid(n as isize) as usize
}

/// Every field with the value typed, and whether it is still the default.
fn values(fields: &[FormField]) -> Vec<ParameterValue> {
    fields
        .iter()
        .map(|f| ParameterValue {
            name: f.name.clone(),
            value: f.input.value().to_string(),
            default: f.input.value() == f.default,
        })
        .collect()
}

/// Only the values that differ from their defaults.
fn overrides(fields: &[FormField]) -> BTreeMap<String, String> {
    fields
        .iter()
        .filter(|f| f.input.value() != f.default)
        .map(|f| (f.name.clone(), f.input.value().to_string()))
        .collect()
}

/// A room's parameter form (run a job with parameters): fields prefilled with their defaults. Enter hands it
/// back to the room under it (`Room::form_submitted`), which opens its confirm dialog.
#[derive(Debug, Clone)]
pub struct RoomForm {
    /// The popup's title: "Run churn-batch-score now".
    pub title: String,
    /// Rows above the fields: a label and its value.
    pub rows: Vec<(String, String)>,
    pub fields: Vec<FormField>,
    pub focus: usize,
    /// Why the form cannot be submitted as it is (set by the room).
    pub error: Option<String>,
}

impl RoomForm {
    /// A form whose fields are `(name, default)`, each prefilled with its default.
    pub fn new(
        title: String,
        rows: Vec<(String, String)>,
        fields: &[(String, String)],
    ) -> RoomForm {
        RoomForm {
            title,
            rows,
            fields: prefilled(fields),
            focus: 0,
            error: None,
        }
    }

    pub fn focus_by(&mut self, delta: isize) {
        self.focus = next_focus(self.focus, self.fields.len(), delta);
    }

    /// Every field with the value typed, and whether it is still the default.
    pub fn values(&self) -> Vec<ParameterValue> {
        values(&self.fields)
    }

    /// Only the values that differ from their defaults.
    pub fn overrides(&self) -> BTreeMap<String, String> {
        overrides(&self.fields)
    }
}

/// What a confirm dialog will do when confirmed.
#[derive(Debug, Clone, PartialEq)]
pub enum ConfirmAction {
    /// `jobs/run-now` of the experiment's training job.
    RunJob {
        experiment_id: String,
        experiment_name: String,
        job_id: i64,
        job_name: String,
        /// Every parameter (defaults included), for the dialog.
        parameters: Vec<ParameterValue>,
        /// `job_parameters` as sent.
        overrides: BTreeMap<String, String>,
    },
    /// A registry change (promote, roll back, approve, reject) as planned by `ops`.
    Change { plan: Box<Plan> },
    /// A traffic change of a serving endpoint (`+` `-` `=` `P` `b`).
    Traffic { plan: Box<TrafficPlan> },
    /// Start a canary plan (its runner then moves traffic step by step).
    Canary { plan: Box<CanaryPlan> },
    /// Abort the running canary plan: all traffic back to the stable entity.
    CanaryAbort { state: Box<CanaryState> },
    /// Resume a plan that paused on an outside change: it puts the step's split back.
    CanaryResume { state: Box<CanaryState> },
    /// A change of a room that nests its own (`screens::RoomChange`).
    Room(Box<RoomConfirm>),
}

/// The dialog of a room's change: what the room says about it, and the change itself.
#[derive(Debug, Clone, PartialEq)]
pub struct RoomConfirm {
    /// "run job churn-batch-score now" (after "Confirm: ").
    pub what: String,
    /// Rows of the body: a label and its value.
    pub rows: Vec<(String, String)>,
    /// Lines in the warning colour under the rows.
    pub warnings: Vec<String>,
    /// What must be typed on a production profile.
    pub name: String,
    /// The confirm key's hint: "run it".
    pub verb: &'static str,
    pub change: RoomChange,
}

impl ConfirmAction {
    /// The confirm key's hint ("run it"), where the dialog's title does not say it already.
    pub fn confirm_label(&self) -> Option<&'static str> {
        match self {
            ConfirmAction::RunJob { .. } => Some("run it"),
            ConfirmAction::Change { .. } | ConfirmAction::Traffic { .. } => None,
            ConfirmAction::Canary { .. } => Some("start it"),
            ConfirmAction::CanaryAbort { .. } => Some("abort it"),
            ConfirmAction::CanaryResume { .. } => Some("resume it"),
            ConfirmAction::Room(c) => Some(c.verb),
        }
    }

    /// What must be typed on a production profile: the object's name.
    pub fn confirm_name(&self) -> &str {
        match self {
            ConfirmAction::RunJob { job_name, .. } => job_name,
            ConfirmAction::Change { plan } => &plan.confirm_name,
            ConfirmAction::Traffic { plan } => &plan.endpoint,
            ConfirmAction::Canary { plan } => &plan.endpoint,
            ConfirmAction::CanaryAbort { state } | ConfirmAction::CanaryResume { state } => {
                &state.plan.endpoint
            }
            ConfirmAction::Room(c) => &c.name,
        }
    }
}

/// A confirm dialog. On a production profile the object's name must be typed (then Enter);
/// elsewhere the confirm key (never the key that opened the flow, never Enter alone) confirms.
#[derive(Debug, Clone)]
pub struct Confirm {
    pub action: ConfirmAction,
    /// The name to type, on a production profile.
    pub type_to_confirm: Option<String>,
    pub typed: Input,
    /// The typed name did not match.
    pub mismatch: bool,
}

impl Confirm {
    /// A promotion of a version whose approval is pending or rejected also needs the
    /// override word typed after the name (`NAME unapproved`) on production profiles.
    pub fn new(action: ConfirmAction, production: bool) -> Confirm {
        let type_to_confirm = production.then(|| match &action {
            ConfirmAction::Change { plan } if plan.unapproved.is_some() => {
                format!("{} {}", plan.confirm_name, gate::OVERRIDE_WORD)
            }
            _ => action.confirm_name().to_string(),
        });
        Confirm {
            action,
            type_to_confirm,
            typed: Input::default(),
            mismatch: false,
        }
    }

    /// Whether what was typed allows confirming (always, off production).
    pub fn name_matches(&self) -> bool {
        self.type_to_confirm
            .as_deref()
            .is_none_or(|name| self.typed.value().trim() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_are_the_changed_fields_only() {
        let mut f = TrainingForm::new("1".into(), "/x".into(), 7, LinkSource::ExperimentTag);
        f.set_job(
            "churn-retrain".into(),
            &[
                ("learning_rate".into(), "0.08".into()),
                ("max_depth".into(), "5".into()),
            ],
        );
        f.fields[1].input = Input::new("6".into());
        assert_eq!(
            f.overrides(),
            BTreeMap::from([("max_depth".to_string(), "6".to_string())])
        );
        assert!(f.values()[0].default && !f.values()[1].default);
        f.focus_by(-1);
        assert_eq!(f.focus, 1, "wraps");
    }

    #[test]
    fn production_needs_the_exact_name() {
        let action = ConfirmAction::RunJob {
            experiment_id: "1".into(),
            experiment_name: "/x".into(),
            job_id: 7,
            job_name: "churn-retrain".into(),
            parameters: vec![],
            overrides: BTreeMap::new(),
        };
        assert!(Confirm::new(action.clone(), false).name_matches());
        let mut c = Confirm::new(action, true);
        assert!(!c.name_matches());
        c.typed = Input::new("churn-retrain".into());
        assert!(c.name_matches());
    }

    #[test]
    fn an_unapproved_version_needs_the_override_word_on_production() {
        use crate::ops::{ChangeAction, ObjectState, Target};
        let mut plan = Plan::new(
            ChangeAction::Promote,
            Target::UcAlias {
                model: "main.ml.m".into(),
                alias: "champion".into(),
            },
            ObjectState::Alias { version: None },
            ObjectState::Alias {
                version: Some("5".into()),
            },
        );
        plan.unapproved = Some("approval pending".into());
        let action = ConfirmAction::Change {
            plan: Box::new(plan),
        };
        assert!(Confirm::new(action.clone(), false).name_matches());
        let mut c = Confirm::new(action, true);
        c.typed = Input::new("main.ml.m".into());
        assert!(!c.name_matches(), "the name alone is not enough");
        c.typed = Input::new("main.ml.m unapproved".into());
        assert!(c.name_matches());
    }
}
