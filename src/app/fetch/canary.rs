//! The async side of the canary panel: a plan's runner on the real clock (journaled changes,
//! state saved in the data dir after every step, pause / resume / abort from a channel), the
//! list of saved plans, and reading a plan file. Everything goes back as `Msg::Canary`.

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use crate::ops::canary::{CanaryState, CanaryStore, Command, RunUntil, Runner};
use crate::ops::traffic::Waiter;
use crate::ops::{ChangeContext, Workspace};

use super::super::msg::{CanaryNews, Msg};
use super::Env;

fn send(tx: &UnboundedSender<Msg>, news: CanaryNews) {
    let _ = tx.send(Msg::Canary(Box::new(news)));
}

/// Runs `state` until it finishes (a pause waits for a resume), reporting every step.
pub(crate) async fn run(
    env: Env,
    state: CanaryState,
    commands: UnboundedReceiver<Command>,
    tx: UnboundedSender<Msg>,
) {
    let endpoint = state.plan.endpoint.clone();
    let client = env.client.clone();
    let ctx = ChangeContext {
        profile: env.profile.clone(),
        actor: client.me().await.ok().map(|me| me.user_name),
        production: env.production,
    };
    let mut runner = Runner::new(&client, env.journal(), ctx);
    let ws = Workspace::of(&client).await;
    runner.store = Some(CanaryStore::for_workspace(&env.data_dir, &ws));
    runner.until = RunUntil::Finished;
    runner.stop_when_paused = false;
    runner.commands = Some(commands);
    let (progress_tx, progress_ep) = (tx.clone(), endpoint.clone());
    runner.waiter = Waiter::real().on_progress(move |p| {
        send(
            &progress_tx,
            CanaryNews::Progress {
                endpoint: progress_ep.clone(),
                message: p.to_string(),
            },
        )
    });
    let (step_tx, step_ep) = (tx.clone(), endpoint.clone());
    runner.on_step = Box::new(move |s, actions| {
        send(
            &step_tx,
            CanaryNews::Step {
                endpoint: step_ep.clone(),
                state: Box::new(s.clone()),
                actions: actions.to_vec(),
            },
        )
    });
    let result = runner
        .run(state)
        .await
        .map(Box::new)
        .map_err(|e| e.to_string());
    send(&tx, CanaryNews::Ended { endpoint, result });
}

/// The plans saved in the data dir for workspace `ws`, after moving there those of an earlier
/// version that the journal places on it.
pub(crate) fn saved(env: &Env, ws: &Workspace) -> CanaryNews {
    let store = CanaryStore::for_workspace(&env.data_dir, ws);
    let moved = match env.journal().read() {
        Ok(view) => store.adopt_legacy(&view),
        Err(_) => Vec::new(),
    };
    let mut listing = store.list();
    listing.legacy.splice(0..0, moved);
    CanaryNews::Saved(listing)
}

/// A plan file's text (`~/` is the home directory).
pub(crate) fn read_plan_file(path: &str) -> Result<String, String> {
    let expanded = crate::config::paths::expand_tilde(path, &|k| std::env::var(k).ok());
    std::fs::read_to_string(&expanded).map_err(|e| e.to_string())
}
