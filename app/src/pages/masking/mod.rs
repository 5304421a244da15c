//! DBSS privacy-data masking: pick an audit instance, then manage its rules and switches.

mod editor;
pub mod instances;
mod preview;
pub mod rules;
mod settings;
mod table;
