//! Typed client for the Huawei Cloud APIs that SecPortal calls on a user's behalf.
//!
//! Knows HTTP and JSON, nothing about sessions, pages or storage. Every call goes to an endpoint
//! resolved by [`Endpoints`], so no user input can make the server talk to an arbitrary host.

mod auth;
mod client;
pub mod dbss;
pub mod dsc;
mod endpoints;
mod error;
pub mod hss;
pub mod iam;
mod limits;
mod secret;
pub mod signer;
mod validate;

pub use auth::{Caller, Credentials};
pub use client::{ClientConfig, CloudClient};
pub use endpoints::{Endpoints, Service, IAM_REGIONS};
pub use error::{CloudError, Result};
pub use secret::Secret;
