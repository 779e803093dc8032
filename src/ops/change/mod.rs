//! The one place where changes happen. A registry [`plan::Plan`] says what will change (pure,
//! shown in the confirm dialog or printed by the headless twin); every change — registry,
//! traffic and canary steps, job launches — runs through [`pipeline::run`], which refuses on a
//! read-only client, journals the attempt, sends (repeating only as the change's
//! [`resend::Resend`] class allows), reads back, judges ([`judge`]) and journals the result;
//! [`verify::verify`] settles changes whose outcome is unknown.

pub mod execute;
pub mod judge;
pub mod model_ref;
pub mod object_state;
pub mod outcome;
pub mod pipeline;
pub mod plan;
pub mod readback;
pub mod resend;
pub mod target;
pub mod verify;
