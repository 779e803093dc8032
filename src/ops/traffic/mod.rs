//! Traffic on a serving endpoint: split arithmetic (`split`) and the one path every traffic
//! change takes (`apply`): wait for `NOT_UPDATING`, `PUT …/config` keeping the served entities,
//! wait its turn on 409, wait for the update, verify by reading back, journal attempt and result.

pub mod split;

pub use split::{Share, Split, SplitError};
