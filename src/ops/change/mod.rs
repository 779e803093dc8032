//! The one place where registry changes happen: a [`plan::Plan`] says what will change (pure,
//! shown in the confirm dialog or printed by the headless twin), [`execute::execute`] journals
//! the attempt, sends, reads back and journals the result, and [`verify::verify`] settles
//! changes whose outcome is unknown.

pub mod execute;
pub mod judge;
pub mod model_ref;
pub mod plan;
pub mod readback;
pub mod target;
pub mod verify;
