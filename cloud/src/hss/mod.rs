//! HSS v5 calls (API reference §2). The types are [`crate::model::hss`]'s, re-exported here.

mod clusters;
mod containers;
mod export;
mod iac;
mod images;
mod tasks;

pub use crate::model::hss::*;
pub use export::Download;
pub use iac::{validate_upload, UploadFile};
