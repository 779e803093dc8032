//! Repairing a job run (rerunning its failed tasks, `runs/repair`) through the change pipeline
//! like every change: refused read-only, journaled before and after, judged from a read-back.
//! The server numbers a run's repairs; from the second on the request must name the latest
//! (`latest_repair_id`), so two repairs cannot race. A repair is verified when the run read
//! back carries one more repair than before; what the rerun tasks then do is the run's life,
//! followed by whoever shows it, not part of the change.

use crate::api::models::jobs::RepairRunRequest;
use crate::api::{ApiError, Client};
use crate::ops::change::judge::{Sent, judge};
use crate::ops::change::outcome::{ChangeContext, ChangeOutcome};
use crate::ops::change::pipeline::{self, Change, Entry, Sending, Settled, Stamp};
use crate::ops::change::readback::run_repairs;
use crate::ops::change::resend::Resend;
use crate::ops::change::target::{ChangeAction, ObjectState, Target};
use crate::ops::error::OpError;
use crate::ops::journal::Journal;

/// A repair of one job run on its way through the pipeline.
struct RunRepair {
    run_id: i64,
    /// Read in `prepare`: the run's name, state, repairs so far and failed tasks.
    name: String,
    state: String,
    repairs: usize,
    latest_repair_id: Option<i64>,
    failed: Vec<String>,
}

impl RunRepair {
    fn request_line(&self) -> String {
        format!(
            "POST /api/2.2/jobs/runs/repair (run_id {}, rerun {})",
            self.run_id,
            self.failed.join(", ")
        )
    }

    fn before(&self) -> ObjectState {
        ObjectState::RunRepairs {
            repairs: self.repairs,
            state: Some(self.state.clone()),
        }
    }

    fn after(&self) -> ObjectState {
        ObjectState::RunRepairs {
            repairs: self.repairs + 1,
            state: None,
        }
    }
}

impl Change for RunRepair {
    /// The repair id the server answered with.
    type Detail = Option<i64>;

    fn what(&self) -> String {
        format!("repairing run {}", self.run_id)
    }

    /// No idempotency key: a lost answer is read back, never sent again (a second repair
    /// naming the same latest repair would be refused anyway).
    fn resend(&self) -> Resend {
        Resend::Never
    }

    /// Refuses a run still running and a run that has nothing failed to rerun.
    async fn prepare(&mut self, client: &Client) -> Result<(), OpError> {
        let run_id = self.run_id;
        let run = client
            .get_job_run(run_id)
            .await
            .map_err(|e| OpError::from_read(e, "jobs", || format!("run {run_id} not found")))?;
        if !run.is_terminal() {
            return Err(OpError::NothingToDo(format!(
                "run {run_id} has not ended ({}): nothing to repair yet",
                run.state_label()
            )));
        }
        self.failed = run.failed_tasks().map(|t| t.task_key.clone()).collect();
        if run.succeeded() || self.failed.is_empty() {
            return Err(OpError::NothingToDo(format!(
                "run {run_id} has no failed task to rerun ({})",
                run.state_label()
            )));
        }
        self.name = run
            .run_name
            .clone()
            .unwrap_or_else(|| format!("job {}", run.job_id));
        self.state = run.state_label();
        if let ObjectState::RunRepairs { repairs, .. } = run_repairs(&run) {
            self.repairs = repairs;
        }
        self.latest_repair_id = run.latest_repair_id();
        Ok(())
    }

    fn entry(&self, _: &Stamp) -> Entry {
        Entry {
            action: ChangeAction::RepairRun,
            target: Target::Run {
                run_id: self.run_id,
                job: self.name.clone(),
            },
            before: self.before(),
            after: self.after(),
            comment: Some(format!("rerun failed tasks: {}", self.failed.join(", "))),
            reverts: None,
            requests: vec![self.request_line()],
        }
    }

    async fn send(&mut self, client: &Client, _: &Stamp) -> Sending<Option<i64>> {
        let mut sending = Sending::new(None);
        sending.log.push(self.request_line());
        let req = RepairRunRequest {
            run_id: self.run_id,
            rerun_all_failed_tasks: Some(true),
            latest_repair_id: self.latest_repair_id,
            ..Default::default()
        };
        let answer = client.repair_job_run(&req).await;
        sending.last = Sent::of(&answer);
        sending.detail = answer.ok().and_then(|r| r.repair_id);
        sending
    }

    /// One read of the run: does it carry the new repair?
    async fn settle(
        &mut self,
        client: &Client,
        _: &Journal,
        _: &Stamp,
        sending: &mut Sending<Option<i64>>,
    ) -> Settled {
        let read: Result<ObjectState, ApiError> = client
            .get_job_run(self.run_id)
            .await
            .map(|r| run_repairs(&r));
        let object = format!("run {}", self.run_id);
        let verdict = judge(&object, &self.before(), &self.after(), &sending.last, &read);
        Settled { read, verdict }
    }
}

/// Reruns the failed tasks of job run `run_id` through the change pipeline (refused read-only;
/// journaled before and after). Errors mean nothing was sent (a run still running, or with
/// nothing failed, is refused before sending).
pub async fn repair_run(
    client: &Client,
    journal: &Journal,
    ctx: &ChangeContext,
    run_id: i64,
) -> Result<ChangeOutcome, OpError> {
    let mut change = RunRepair {
        run_id,
        name: String::new(),
        state: String::new(),
        repairs: 0,
        latest_repair_id: None,
        failed: Vec::new(),
    };
    Ok(pipeline::run(client, journal, ctx, &mut change)
        .await?
        .into())
}
