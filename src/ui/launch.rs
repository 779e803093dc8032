//! Launch training: the parameter form, the confirm dialog, and the job run watched live.

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::app::State;

pub fn render_training(_frame: &mut Frame, _area: Rect, _state: &State) {}
