//! config
pub mod keymap;
