//! The one-line prompts before a registry change is planned: the comment of an approval or
//! rejection (with the archive-existing choice of a workspace approval), and the alias of a UC
//! promotion. Pure data; `update::change` routes keys here.

use tui_input::Input;

use crate::ops::approvals::{Decision, DecisionRequest};
use crate::ops::promote::PromoteRequest;
use crate::ops::traffic::TrafficRequest;

use super::effect::ChangeRequest;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptPurpose {
    /// Approve / reject a version; the input is the comment.
    Decide {
        model: String,
        version: String,
        decision: Decision,
        /// A workspace-registry request (offers archive-existing on approve).
        workspace: bool,
        /// Which open request (its target stage), when known.
        stage: Option<String>,
    },
    /// Set a UC alias; the input is the alias.
    Promote { model: String, version: String },
    /// An exact traffic split (`a=90,b=10`) of an endpoint.
    Split { endpoint: String },
    /// A test query's payload file (empty: the endpoint's example request).
    Query { endpoint: String },
}

#[derive(Debug, Clone)]
pub struct Prompt {
    pub purpose: PromptPurpose,
    pub input: Input,
    /// Workspace approve: archive the versions already in the target stage.
    pub archive_existing: bool,
    /// Submitted empty where a value is needed.
    pub missing: bool,
}

impl Prompt {
    pub fn new(purpose: PromptPurpose, value: &str) -> Prompt {
        Prompt {
            purpose,
            input: Input::new(value.to_string()),
            archive_existing: true,
            missing: false,
        }
    }

    pub fn decision(
        model: String,
        version: String,
        decision: Decision,
        workspace: bool,
        stage: Option<String>,
    ) -> Prompt {
        Prompt::new(
            PromptPurpose::Decide {
                model,
                version,
                decision,
                workspace,
                stage,
            },
            "",
        )
    }

    /// Whether the archive-existing choice applies (workspace approvals only).
    pub fn offers_archive(&self) -> bool {
        matches!(
            self.purpose,
            PromptPurpose::Decide {
                workspace: true,
                decision: Decision::Approve,
                ..
            }
        )
    }

    pub fn title(&self) -> String {
        match &self.purpose {
            PromptPurpose::Decide {
                model,
                version,
                decision,
                ..
            } => {
                let verb = match decision {
                    Decision::Approve => "Approve",
                    Decision::Reject => "Reject",
                };
                format!("{verb} {model} v{version}")
            }
            PromptPurpose::Promote { model, version } => format!("Promote {model} v{version}"),
            PromptPurpose::Split { endpoint } => format!("Traffic split of {endpoint}"),
            PromptPurpose::Query { endpoint } => format!("Test query to {endpoint}"),
        }
    }

    pub fn label(&self) -> &'static str {
        match self.purpose {
            PromptPurpose::Decide { .. } => "Comment",
            PromptPurpose::Promote { .. } => "Alias",
            PromptPurpose::Split { .. } => "Split",
            PromptPurpose::Query { .. } => "Payload file (empty: the endpoint's example)",
        }
    }

    /// What to plan, or `None` when a required value is empty.
    pub fn request(&self) -> Option<ChangeRequest> {
        let value = self.input.value().trim().to_string();
        match &self.purpose {
            PromptPurpose::Decide {
                model,
                version,
                decision,
                stage,
                ..
            } => Some(ChangeRequest::Decide(DecisionRequest {
                model: model.clone(),
                version: version.clone(),
                decision: *decision,
                comment: (!value.is_empty()).then_some(value),
                stage: stage.clone(),
                archive_existing: self.offers_archive() && self.archive_existing,
            })),
            PromptPurpose::Split { .. } if value.is_empty() => None,
            PromptPurpose::Split { endpoint } => {
                Some(ChangeRequest::Traffic(TrafficRequest::Exact {
                    endpoint: endpoint.clone(),
                    assignment: value,
                }))
            }
            // Not a change: the prompt's Enter sends it (`serving::query::send`).
            PromptPurpose::Query { .. } => None,
            PromptPurpose::Promote { .. } if value.is_empty() => None,
            PromptPurpose::Promote { model, version } => {
                Some(ChangeRequest::Promote(PromoteRequest {
                    model: model.clone(),
                    version: version.clone(),
                    alias: Some(value),
                    comment: None,
                }))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comment_is_optional_and_an_alias_is_not() {
        let p = Prompt::decision("m".into(), "5".into(), Decision::Approve, true, None);
        let Some(ChangeRequest::Decide(r)) = p.request() else {
            panic!("a decision")
        };
        assert_eq!((r.comment, r.archive_existing), (None, true));
        let p = Prompt::new(
            PromptPurpose::Promote {
                model: "a.b.c".into(),
                version: "5".into(),
            },
            "",
        );
        assert!(p.request().is_none());
    }
}
