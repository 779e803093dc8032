//! Publishing a feature table to an online store, a change through the one pipeline: refused
//! on a read-only client, when the store is not AVAILABLE (read first), when a CONTINUOUS or
//! TRIGGERED publish lacks Change Data Feed on the source (read from the table's properties;
//! the server's own 400 is shown as it says), or when the target name is taken by another
//! source; journaled before and after. The POST is never sent twice: a lost answer is settled
//! by reading the online table — if it exists with our source and mode, the publish was
//! applied. The answer may lack a pipeline id (sdk-py #1129): the read-back decides either way.
//!
//! The online table's default name is `<catalog>.<schema>_online.<table>`: the source's
//! catalog, its schema with `_online` added, the same table name.

use serde::Serialize;

use crate::api::models::feature_store::{OnlineStoreState, PublishMode, PublishSpec};
use crate::api::models::online_sync::OnlineSync;
use crate::api::{ApiError, Client};
use crate::ops::change::judge::{Sent, judge};
use crate::ops::change::outcome::{ChangeContext, ChangeOutcome};
use crate::ops::change::pipeline::{self, Change, Entry, Sending, Settled, Stamp};
use crate::ops::change::resend::Resend;
use crate::ops::change::target::{ChangeAction, ObjectState, Target};
use crate::ops::error::OpError;
use crate::ops::journal::{Journal, Outcome};

use super::state::OnlineTableState;
use super::{not_published, read_online_state, states_line};

/// The table property that turns Change Data Feed on.
const CDF: &str = "delta.enableChangeDataFeed";

/// What to publish where.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishRequest {
    /// The feature table, `catalog.schema.table`.
    pub source: String,
    /// The online store's name.
    pub store: String,
    pub mode: PublishMode,
    /// The online table's name; `None`: [`default_online_name`].
    pub name: Option<String>,
}

/// `<catalog>.<schema>_online.<table>` for a source `catalog.schema.table`.
pub fn default_online_name(source: &str) -> Result<String, OpError> {
    let parts: Vec<&str> = source.split('.').collect();
    match parts.as_slice() {
        [c, s, t] if [c, s, t].iter().all(|p| !p.trim().is_empty()) => {
            Ok(format!("{c}.{s}_online.{t}"))
        }
        _ => Err(OpError::Invalid(format!(
            "'{source}' is not a table name: expected catalog.schema.table"
        ))),
    }
}

/// A publish as it will be sent, with what was read to decide it may be.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublishPlan {
    pub source: String,
    pub store: String,
    pub mode: PublishMode,
    pub online_table: String,
    /// The store's state as read (AVAILABLE).
    pub store_state: Option<OnlineStoreState>,
    /// Change Data Feed on the source, when its properties say.
    pub change_data_feed: Option<bool>,
}

impl PublishPlan {
    pub fn request_line(&self) -> String {
        format!(
            "{} ({} on {}, {})",
            self.request_path(),
            self.online_table,
            self.store,
            self.mode.as_str()
        )
    }

    /// The call alone, for a dialog whose rows already name the store, mode and name.
    pub fn request_path(&self) -> String {
        format!("POST /api/2.0/feature-store/tables/{}/publish", self.source)
    }

    fn spec(&self) -> PublishSpec {
        PublishSpec {
            online_store: self.store.clone(),
            online_table_name: self.online_table.clone(),
            publish_mode: Some(self.mode.clone()),
            ..PublishSpec::default()
        }
    }

    fn target(&self) -> Target {
        Target::OnlineTable {
            name: self.online_table.clone(),
            source: self.source.clone(),
            store: Some(self.store.clone()),
        }
    }

    /// The state a publish wants: the table there, from our source, in our mode.
    fn after(&self) -> ObjectState {
        ObjectState::OnlineTable(Box::new(OnlineTableState::wanted(
            &self.source,
            self.mode.as_str(),
        )))
    }
}

/// Reads what a publish needs and refuses what cannot be published (nothing is sent): a bad
/// name or mode, a store that is missing or not AVAILABLE, a CONTINUOUS or TRIGGERED publish
/// of a table without Change Data Feed, a target name that exists (already published: nothing
/// to do; from another source or in another mode: refused).
pub async fn plan_publish(client: &Client, req: &PublishRequest) -> Result<PublishPlan, OpError> {
    let mode = match &req.mode {
        m @ (PublishMode::Continuous | PublishMode::Triggered | PublishMode::Snapshot) => m.clone(),
        other => {
            return Err(OpError::Invalid(format!(
                "unknown publish mode '{}': CONTINUOUS, TRIGGERED or SNAPSHOT",
                other.as_str()
            )));
        }
    };
    let online_table = match &req.name {
        Some(n) => {
            default_online_name(n).map_err(|_| {
                OpError::Invalid(format!(
                    "'{n}' is not an online table name: expected catalog.schema.table"
                ))
            })?;
            n.clone()
        }
        None => default_online_name(&req.source)?,
    };
    let store = client.get_online_store(&req.store).await.map_err(|e| {
        OpError::from_read(e, "the feature store", || {
            format!("online store '{}' not found", req.store)
        })
    })?;
    if store.state != Some(OnlineStoreState::Available) {
        let state = store
            .state
            .as_ref()
            .map_or("in an unknown state", |s| s.as_str());
        return Err(OpError::Refused(format!(
            "online store {} is {state}: it must be AVAILABLE to publish to it",
            req.store
        )));
    }
    let info = client.get_table_info(&req.source).await.map_err(|e| {
        OpError::from_read(e, "Unity Catalog", || {
            format!("table '{}' not found", req.source)
        })
    })?;
    if info.primary_key().is_none() {
        return Err(OpError::Refused(format!(
            "{} has no primary key constraint: it is not a feature table and cannot be published",
            req.source
        )));
    }
    let change_data_feed = info
        .base
        .properties
        .get(CDF)
        .map(|v| v.trim().eq_ignore_ascii_case("true"));
    if mode != PublishMode::Snapshot && change_data_feed == Some(false) {
        return Err(OpError::Refused(format!(
            "{} publishing needs Change Data Feed on {}: set {CDF} = true on the table, or \
             publish with --mode snapshot",
            mode.as_str(),
            req.source
        )));
    }
    let plan = PublishPlan {
        source: req.source.clone(),
        store: req.store.clone(),
        mode,
        online_table,
        store_state: store.state,
        change_data_feed,
    };
    check_name_free(client, &plan).await?;
    Ok(plan)
}

/// Refuses a target name that exists already; the same source in the same mode is nothing to
/// do.
async fn check_name_free(client: &Client, plan: &PublishPlan) -> Result<(), OpError> {
    let now = read_online_state(client, &plan.online_table)
        .await
        .map_err(OpError::Api)?;
    if now == not_published() {
        return Ok(());
    }
    if plan.after().satisfied_by(&now) {
        return Err(OpError::NothingToDo(format!(
            "{} is already published from {} ({}): {}",
            plan.online_table,
            plan.source,
            plan.mode.as_str(),
            now.describe()
        )));
    }
    Err(OpError::Refused(format!(
        "online table {} exists already ({}) and is not {}'s {} copy: choose another --name",
        plan.online_table,
        now.describe(),
        plan.source,
        plan.mode.as_str()
    )))
}

/// A publish on its way through the pipeline.
struct Publish<'a> {
    plan: &'a PublishPlan,
}

impl Change for Publish<'_> {
    /// The pipeline id the answer named, if any.
    type Detail = Option<String>;

    fn what(&self) -> String {
        format!("publishing {} to {}", self.plan.source, self.plan.store)
    }

    /// No idempotency key: a lost answer is read back, never sent again.
    fn resend(&self) -> Resend {
        Resend::Never
    }

    /// The store may have stopped, or the name been taken, since the plan was read.
    async fn prepare(&mut self, client: &Client) -> Result<(), OpError> {
        let req = PublishRequest {
            source: self.plan.source.clone(),
            store: self.plan.store.clone(),
            mode: self.plan.mode.clone(),
            name: Some(self.plan.online_table.clone()),
        };
        plan_publish(client, &req).await.map(drop)
    }

    fn entry(&self, _: &Stamp) -> Entry {
        Entry {
            action: ChangeAction::PublishFeatureTable,
            target: self.plan.target(),
            before: not_published(),
            after: self.plan.after(),
            comment: None,
            reverts: None,
            requests: vec![self.plan.request_line()],
        }
    }

    async fn send(&mut self, client: &Client, _: &Stamp) -> Sending<Option<String>> {
        let mut sending = Sending::new(None);
        sending.log.push(self.plan.request_line());
        let answer = client
            .publish_table(&self.plan.source, &self.plan.spec())
            .await;
        sending.last = Sent::of(&answer);
        sending.detail = answer.ok().and_then(|r| r.pipeline_id);
        sending
    }

    async fn settle(
        &mut self,
        client: &Client,
        _: &Journal,
        _: &Stamp,
        sending: &mut Sending<Option<String>>,
    ) -> Settled {
        let read = read_online_state(client, &self.plan.online_table).await;
        let object = format!("online table {}", self.plan.online_table);
        let mut verdict = judge(
            &object,
            &not_published(),
            &self.plan.after(),
            &sending.last,
            &read,
        );
        if let Sent::Refused(e) = &sending.last
            && verdict.outcome == Outcome::Failed
        {
            verdict.message = format!("the publish was refused: {}", server_words(e));
        }
        Settled { read, verdict }
    }
}

/// The server's message alone, when it gave one.
fn server_words(e: &ApiError) -> String {
    match e {
        ApiError::Api { message, .. } if !message.trim().is_empty() => message.clone(),
        ApiError::Refused { source, .. } => server_words(source),
        other => other.to_string(),
    }
}

/// How a publish ended: the change, the pipeline id the answer named (often none), and the
/// online table as read back (UC and sync states apart).
#[derive(Debug, Clone, Serialize)]
pub struct Published {
    #[serde(flatten)]
    pub change: ChangeOutcome,
    pub online_table: String,
    /// The pipeline id the publish answer named (the answer may name none).
    pub answered_pipeline_id: Option<String>,
    /// That, or else the one the online table's status names.
    pub pipeline_id: Option<String>,
    pub online: Option<OnlineSync>,
}

/// Publishes `plan` through the change pipeline. Errors mean nothing was sent (read-only, a
/// refusal found by reading first, the journal not writable).
pub async fn publish(
    client: &Client,
    journal: &Journal,
    ctx: &ChangeContext,
    plan: &PublishPlan,
) -> Result<Published, OpError> {
    let mut change = Publish { plan };
    let done = pipeline::run(client, journal, ctx, &mut change).await?;
    let online = if done.verdict.outcome == Outcome::Ok {
        client.read_online_table(&plan.online_table).await.ok()
    } else {
        None
    };
    let done_answer = done.detail.clone();
    let pipeline_id = done_answer
        .clone()
        .or_else(|| online.as_ref().and_then(|o| o.pipeline_id.clone()));
    let mut change: ChangeOutcome = done.into();
    if change.outcome == Outcome::Ok
        && !change.answer_lost
        && let Some(o) = &online
    {
        change.message = format!(
            "published and verified: {} is there ({})",
            plan.online_table,
            states_line(o)
        );
    }
    Ok(Published {
        change,
        online_table: plan.online_table.clone(),
        answered_pipeline_id: done_answer,
        pipeline_id,
        online,
    })
}
