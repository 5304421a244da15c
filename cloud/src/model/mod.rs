//! The cloud's vocabulary, browser-safe: wire enums, documented bounds, request and answer
//! bodies, and the checks of those bounds. It needs serde only, so the portal's wasm build
//! uses the same types and rules as its server; the HTTP client sits behind the `client`
//! feature.

pub mod dbss;
pub mod dsc;
pub mod hss;
mod rules;

pub use crate::error::{CloudError, Result};
pub use rules::{
    count, deserialize_wire, hss_paging, opt_text, path_id, path_ids, range, required_text, text, time_range,
    unique, Rule, Seen, UnknownValue, WireEnum, HSS_MAX_LIMIT, HSS_MIN_LIMIT, MAX_ID,
};
