//! Launch room: the training job of an experiment, its parameter form, the confirm dialog, and
//! the job run watched until it ends.

use super::super::effect::Effect;
use super::super::state::State;

pub(crate) fn load(_state: &mut State, _force: bool, _fx: &mut Vec<Effect>) {}

pub fn data_at(_state: &State) -> Option<i64> {
    None
}

/// `T`: starts the launch flow for an experiment.
pub(crate) fn start(_state: &mut State, _experiment_id: &str, _fx: &mut Vec<Effect>) {}
