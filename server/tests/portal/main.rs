//! The portal's server functions, pages and background tracker through the real router,
//! in-process in demo mode: sign-in and sessions, exports, scans, masking rules. One test binary
//! (one link on a slow machine), one module per area. The download memory test stays a binary
//! of its own, so no other test's allocations blur its measurement.

mod common;

mod auth;
mod chaos;
mod durable;
mod exports;
mod kill;
mod limits;
mod masking;
mod scans;
mod tracker;
