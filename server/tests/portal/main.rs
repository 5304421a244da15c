//! The portal's server functions, pages and background tracker through the real router,
//! in-process in demo mode: sign-in and sessions, exports, scans, masking rules. One test binary
//! (one link on a slow machine), one module per area. The download memory and chaos tests are
//! binaries of their own, so no other test blurs their measurements.

mod common;

mod audit;
mod auth;
mod durable;
mod exports;
mod kill;
mod limits;
mod masking;
mod metrics;
mod scans;
mod sessions;
mod tracker;
mod unknown_values;
