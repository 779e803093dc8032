//! `[approvals]` in `config.toml`: how Unity Catalog versions carry their approval state.
//!
//! UC has no transition requests, so an approval is a tag on the version (default `approval`,
//! values `pending` / `approved` / `rejected`), with the decision's comment and approver in two
//! more tags. Teams that already use other names set them here:
//!
//! ```toml
//! [approvals]
//! tag = "review_state"
//! pending = "waiting"
//! approved = "ok"
//! rejected = "no"
//! comment_tag = "review_comment"
//! approver_tag = "reviewed_by"
//! self_approval = "refuse"   # or "warn" (the default)
//! ```
//!
//! `self_approval` says what approving one's own request (or one's own UC version) does:
//! `warn` flags it in the confirm dialog and the headless plan; `refuse` sends nothing.

use serde::Deserialize;

/// What approving one's own request or version does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SelfApproval {
    /// Flagged in the confirm dialog and the headless plan.
    #[default]
    Warn,
    /// Refused before anything is sent.
    Refuse,
}

/// Tag names and values of UC approvals (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawApprovals")]
pub struct ApprovalSettings {
    pub tag: String,
    pub pending: String,
    pub approved: String,
    pub rejected: String,
    pub comment_tag: String,
    pub approver_tag: String,
    pub self_approval: SelfApproval,
}

impl Default for ApprovalSettings {
    fn default() -> Self {
        ApprovalSettings {
            tag: "approval".into(),
            pending: "pending".into(),
            approved: "approved".into(),
            rejected: "rejected".into(),
            comment_tag: "approval_comment".into(),
            approver_tag: "approval_by".into(),
            self_approval: SelfApproval::Warn,
        }
    }
}

/// The table as written: every key optional, unknown keys refused.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawApprovals {
    tag: Option<String>,
    pending: Option<String>,
    approved: Option<String>,
    rejected: Option<String>,
    comment_tag: Option<String>,
    approver_tag: Option<String>,
    self_approval: Option<SelfApproval>,
}

impl TryFrom<RawApprovals> for ApprovalSettings {
    type Error = String;

    fn try_from(raw: RawApprovals) -> Result<Self, String> {
        let d = ApprovalSettings::default();
        let s = ApprovalSettings {
            tag: raw.tag.unwrap_or(d.tag),
            pending: raw.pending.unwrap_or(d.pending),
            approved: raw.approved.unwrap_or(d.approved),
            rejected: raw.rejected.unwrap_or(d.rejected),
            comment_tag: raw.comment_tag.unwrap_or(d.comment_tag),
            approver_tag: raw.approver_tag.unwrap_or(d.approver_tag),
            self_approval: raw.self_approval.unwrap_or_default(),
        };
        let named = [
            ("tag", &s.tag),
            ("pending", &s.pending),
            ("approved", &s.approved),
            ("rejected", &s.rejected),
            ("comment_tag", &s.comment_tag),
            ("approver_tag", &s.approver_tag),
        ];
        if let Some((key, _)) = named.iter().find(|(_, v)| v.trim().is_empty()) {
            return Err(format!("approvals.{key} must not be empty"));
        }
        if s.pending == s.approved || s.pending == s.rejected || s.approved == s.rejected {
            return Err("approvals: pending, approved and rejected must differ".into());
        }
        if s.tag == s.comment_tag || s.tag == s.approver_tag || s.comment_tag == s.approver_tag {
            return Err("approvals: tag, comment_tag and approver_tag must differ".into());
        }
        Ok(s)
    }
}
