//! Running and cancelling a monitor refresh, each a change through the one pipeline
//! (`ops::change::pipeline`): refused read-only, journaled before and after, judged from a
//! read-back. Running is never sent twice: the request carries no idempotency key, so a lost
//! answer is settled by reading the monitor's refreshes back and finding the manual refresh
//! started since the attempt that no other journal entry accounts for. A cancel may be sent
//! once more (cancelling twice changes nothing) and is followed until the refresh has ended.

use crate::api::models::monitors::{MonitorRef, Refresh, RefreshState, RefreshTrigger};
use crate::api::{ApiError, ApiResult, Client};
use crate::ops::change::judge::{Sent, judge};
use crate::ops::change::outcome::{ChangeContext, ChangeOutcome};
use crate::ops::change::pipeline::{self, Change, Entry, Sending, Settled, Stamp};
use crate::ops::change::resend::{AfterLost, Resend};
use crate::ops::change::target::{ChangeAction, ObjectState, Target};
use crate::ops::error::OpError;
use crate::ops::journal::{self, Journal, JournalView};
use crate::ops::wait::{WaitError, Waiter};

/// How following a refresh waits; its progress is every polled state of the refresh.
pub type RefreshPoll<'a> = Waiter<'a, Refresh>;

/// Refreshes read back when looking for the one a run started.
const READ_BACK: usize = 25;
/// Slack for clocks that differ between the console and the workspace.
const CLOCK_SLACK_MS: i64 = 60_000;

/// Whether a refresh has ended, as a journal state.
pub fn refresh_life(r: &Refresh) -> ObjectState {
    let ended = !r.state.is_active();
    ObjectState::RefreshLife {
        ended,
        state: Some(r.state.to_string()),
        cancelled: ended.then(|| r.state == RefreshState::Canceled),
    }
}

fn started(r: &Refresh) -> ObjectState {
    ObjectState::MonitorRefresh {
        started: true,
        refresh_id: Some(r.refresh_id),
        state: Some(r.state.to_string()),
    }
}

const NOT_STARTED: ObjectState = ObjectState::MonitorRefresh {
    started: false,
    refresh_id: None,
    state: None,
};

/// The refresh `known` names, or else the first manual refresh of the monitor started since
/// `since_ms` that is not in `claimed` (what a run whose answer was lost looks for).
pub async fn read_started(
    client: &Client,
    m: &MonitorRef,
    known: Option<i64>,
    since_ms: i64,
    claimed: &[i64],
) -> ApiResult<ObjectState> {
    if let Some(id) = known {
        return Ok(started(&client.get_monitor_refresh(m, id).await?));
    }
    let refreshes = client.list_monitor_refreshes(m, READ_BACK).await?;
    Ok(refreshes
        .iter()
        .filter(|r| r.trigger != Some(RefreshTrigger::Schedule))
        .filter(|r| r.start_time_ms.unwrap_or(0) >= since_ms)
        .filter(|r| !claimed.contains(&r.refresh_id))
        .min_by_key(|r| (r.start_time_ms.unwrap_or(0), r.refresh_id))
        .map_or(NOT_STARTED, started))
}

/// Refreshes of the same monitor that other journal entries account for.
pub fn claimed_refreshes(view: &JournalView, entry: &journal::Entry) -> Vec<i64> {
    let table = entry.attempt.target.model();
    view.entries
        .iter()
        .filter(|e| e.attempt.id != entry.attempt.id)
        .filter(|e| matches!(&e.attempt.target, Target::MonitorRefreshes { table: t, .. } if t == table))
        .flat_map(|e| e.results.iter())
        .filter_map(|r| match &r.verified {
            Some(ObjectState::MonitorRefresh {
                refresh_id: Some(id),
                ..
            }) => Some(*id),
            _ => None,
        })
        .collect()
}

/// Polls refresh `refresh_id` until it has ended and returns it as it ended.
pub async fn follow_refresh(
    client: &Client,
    m: &MonitorRef,
    refresh_id: i64,
    poll: &mut RefreshPoll<'_>,
) -> Result<Refresh, WaitError> {
    poll.until(
        || client.get_monitor_refresh(m, refresh_id),
        |r: &Refresh| !r.state.is_active(),
        |r, _, _| Some(r.clone()),
        |r, waited| WaitError::TimedOut {
            run_id: refresh_id,
            waited,
            last: r.state.to_string(),
        },
    )
    .await
}

/// A refresh run on its way through the pipeline.
struct RunRefresh<'a> {
    m: &'a MonitorRef,
}

impl RunRefresh<'_> {
    fn request_line(&self) -> String {
        match (&self.m.api, &self.m.table_id) {
            (crate::api::models::monitors::MonitorApi::DataQuality, Some(id)) => {
                format!("POST /api/data-quality/v1/monitors/table/{id}/refreshes")
            }
            _ => format!(
                "POST /api/2.1/unity-catalog/tables/{}/monitor/refreshes",
                self.m.table
            ),
        }
    }

    fn target(&self, stamp: &Stamp) -> Target {
        Target::MonitorRefreshes {
            table: self.m.table.clone(),
            table_id: self.m.table_id.clone(),
            api: self.m.api,
            since_ms: stamp.ts_ms - CLOCK_SLACK_MS,
        }
    }
}

impl Change for RunRefresh<'_> {
    /// The refresh the server answered with.
    type Detail = Option<i64>;

    fn what(&self) -> String {
        format!("refreshing the monitor of {}", self.m.table)
    }

    /// No idempotency key: a lost answer is read back, never sent again.
    fn resend(&self) -> Resend {
        Resend::Never
    }

    /// Refuses while a refresh is on its way (the service runs one at a time).
    async fn prepare(&mut self, client: &Client) -> Result<(), OpError> {
        let recent = client
            .list_monitor_refreshes(self.m, 5)
            .await
            .map_err(OpError::Api)?;
        if let Some(r) = recent.iter().find(|r| r.state.is_active()) {
            return Err(OpError::Refused(format!(
                "refresh {} of the monitor of {} is {}; wait for it to end or cancel it",
                r.refresh_id, self.m.table, r.state
            )));
        }
        Ok(())
    }

    fn entry(&self, stamp: &Stamp) -> Entry {
        Entry {
            action: ChangeAction::RefreshMonitor,
            target: self.target(stamp),
            before: NOT_STARTED,
            after: ObjectState::MonitorRefresh {
                started: true,
                refresh_id: None,
                state: None,
            },
            comment: None,
            reverts: None,
            requests: vec![self.request_line()],
        }
    }

    async fn send(&mut self, client: &Client, _: &Stamp) -> Sending<Option<i64>> {
        let mut sending = Sending::new(None);
        sending.log.push(self.request_line());
        let answer = client.run_monitor_refresh(self.m).await;
        sending.last = Sent::of(&answer);
        sending.detail = answer.ok().flatten().map(|r| r.refresh_id);
        sending
    }

    async fn settle(
        &mut self,
        client: &Client,
        journal: &Journal,
        stamp: &Stamp,
        sending: &mut Sending<Option<i64>>,
    ) -> Settled {
        let since = stamp.ts_ms - CLOCK_SLACK_MS;
        let claimed = match (sending.detail, journal.read()) {
            (None, Ok(view)) => view
                .entry(&stamp.id)
                .map(|e| claimed_refreshes(&view, e))
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        let read = read_started(client, self.m, sending.detail, since, &claimed).await;
        let after = ObjectState::MonitorRefresh {
            started: true,
            refresh_id: sending.detail,
            state: None,
        };
        let object = format!("the monitor of {}", self.m.table);
        let mut verdict = judge(&object, &NOT_STARTED, &after, &sending.last, &read);
        if verdict.outcome == journal::Outcome::Ok
            && verdict.error.is_none()
            && let Ok(r) = &read
        {
            verdict.message = format!("started and verified: {}", r.describe());
        }
        Settled { read, verdict }
    }
}

/// How a refresh run ended: the change, and the refresh it started once known.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RefreshStarted {
    #[serde(flatten)]
    pub change: ChangeOutcome,
    pub refresh_id: Option<i64>,
}

/// Starts a refresh of monitor `m` through the change pipeline. Errors mean nothing was sent
/// (read-only, a refresh already on its way, the journal not writable).
pub async fn run_refresh(
    client: &Client,
    journal: &Journal,
    ctx: &ChangeContext,
    m: &MonitorRef,
) -> Result<RefreshStarted, OpError> {
    let mut change = RunRefresh { m };
    let done = pipeline::run(client, journal, ctx, &mut change).await?;
    let refresh_id = done.detail.or(match &done.read {
        Ok(ObjectState::MonitorRefresh {
            refresh_id: Some(id),
            ..
        }) if done.verdict.outcome == journal::Outcome::Ok => Some(*id),
        _ => None,
    });
    Ok(RefreshStarted {
        change: done.into(),
        refresh_id,
    })
}

/// A cancel of one refresh on its way through the pipeline, followed until it has ended.
struct CancelRefresh<'a, 'p> {
    m: &'a MonitorRef,
    refresh_id: i64,
    state: String,
    poll: RefreshPoll<'p>,
}

impl CancelRefresh<'_, '_> {
    fn request_line(&self) -> String {
        match (&self.m.api, &self.m.table_id) {
            (crate::api::models::monitors::MonitorApi::DataQuality, Some(id)) => format!(
                "POST /api/data-quality/v1/monitors/table/{id}/refreshes/{}/cancel",
                self.refresh_id
            ),
            _ => format!(
                "POST /api/2.1/unity-catalog/tables/{}/monitor/refreshes/{}/cancel",
                self.m.table, self.refresh_id
            ),
        }
    }

    fn before(&self) -> ObjectState {
        ObjectState::RefreshLife {
            ended: false,
            state: Some(self.state.clone()),
            cancelled: None,
        }
    }
}

const CANCELLED: ObjectState = ObjectState::RefreshLife {
    ended: true,
    state: None,
    cancelled: Some(true),
};

impl Change for CancelRefresh<'_, '_> {
    type Detail = ();

    fn what(&self) -> String {
        format!(
            "cancelling refresh {} of the monitor of {}",
            self.refresh_id, self.m.table
        )
    }

    /// Cancelling twice does nothing more than cancelling once.
    fn resend(&self) -> Resend {
        Resend::Idempotent
    }

    /// Refuses a refresh that has already ended.
    async fn prepare(&mut self, client: &Client) -> Result<(), OpError> {
        let r = client
            .get_monitor_refresh(self.m, self.refresh_id)
            .await
            .map_err(|e| {
                OpError::from_read(e, "monitors", || {
                    format!("refresh {} not found", self.refresh_id)
                })
            })?;
        if !r.state.is_active() {
            return Err(OpError::NothingToDo(format!(
                "refresh {} has already ended ({})",
                self.refresh_id, r.state
            )));
        }
        self.state = r.state.to_string();
        Ok(())
    }

    fn entry(&self, _: &Stamp) -> Entry {
        Entry {
            action: ChangeAction::CancelMonitorRefresh,
            target: Target::MonitorRefresh {
                table: self.m.table.clone(),
                table_id: self.m.table_id.clone(),
                api: self.m.api,
                refresh_id: self.refresh_id,
            },
            before: self.before(),
            after: CANCELLED,
            comment: None,
            reverts: None,
            requests: vec![self.request_line()],
        }
    }

    async fn send(&mut self, client: &Client, _: &Stamp) -> Sending<()> {
        let mut sending = Sending::new(());
        sending.log.push(self.request_line());
        let mut answer = client.cancel_monitor_refresh(self.m, self.refresh_id).await;
        if let Sent::Lost(lost) = Sent::of(&answer)
            && self.resend().after_lost(&lost, None, false) == AfterLost::SendAgain
        {
            sending.log.push(format!(
                "{} (again: cancelling twice is harmless)",
                self.request_line()
            ));
            answer = client.cancel_monitor_refresh(self.m, self.refresh_id).await;
        }
        sending.last = Sent::of(&answer);
        sending
    }

    async fn settle(
        &mut self,
        client: &Client,
        _: &Journal,
        _: &Stamp,
        sending: &mut Sending<()>,
    ) -> Settled {
        let read = match &sending.last {
            Sent::Refused(_) => client
                .get_monitor_refresh(self.m, self.refresh_id)
                .await
                .map(|r| refresh_life(&r)),
            _ => match follow_refresh(client, self.m, self.refresh_id, &mut self.poll).await {
                Ok(r) => Ok(refresh_life(&r)),
                Err(WaitError::Api(e)) => Err(e),
                Err(e) => Err(ApiError::Timeout {
                    what: e.to_string(),
                    secs: self.poll.backoff.timeout.as_secs_f64(),
                    sent: true,
                }),
            },
        };
        let object = format!("refresh {} of {}", self.refresh_id, self.m.table);
        let verdict = judge(&object, &self.before(), &CANCELLED, &sending.last, &read);
        Settled { read, verdict }
    }
}

/// Cancels refresh `refresh_id` of monitor `m` through the change pipeline and follows it with
/// `poll` until it has ended. Errors mean nothing was sent (a refresh that has ended is
/// `NothingToDo`).
pub async fn cancel_refresh(
    client: &Client,
    journal: &Journal,
    ctx: &ChangeContext,
    m: &MonitorRef,
    refresh_id: i64,
    poll: RefreshPoll<'_>,
) -> Result<ChangeOutcome, OpError> {
    let mut change = CancelRefresh {
        m,
        refresh_id,
        state: String::new(),
        poll,
    };
    Ok(pipeline::run(client, journal, ctx, &mut change)
        .await?
        .into())
}
