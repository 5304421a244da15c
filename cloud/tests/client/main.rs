//! The `cloud` client against the emulator, in-process: every operation's success and error
//! paths, signing, limits, retries and faults, and property tests of the validators. One test
//! binary (one link on a slow machine), one module per area.

mod common;

mod dbss;
mod dsc;
mod error_paths;
mod faults;
mod gateway;
mod hss_exports;
mod hss_tasks;
mod iam;
mod limits;
mod validators;
