//! Typed client for the Huawei Cloud APIs that SecPortal calls on a user's behalf.
//!
//! [`model`] is the cloud's vocabulary (wire enums, bounds, bodies and their checks) and builds
//! for the browser too. The client itself (feature `client`, on by default) knows HTTP and JSON,
//! nothing about sessions, pages or storage. Every call goes to an endpoint resolved by
//! [`Endpoints`], so no user input can make the server talk to an arbitrary host.

mod error;
pub mod model;

pub use error::{CloudError, Result};

#[cfg(feature = "client")]
mod auth;
#[cfg(feature = "client")]
mod client;
#[cfg(feature = "client")]
pub mod dbss;
#[cfg(feature = "client")]
pub mod dsc;
#[cfg(feature = "client")]
mod endpoints;
#[cfg(feature = "client")]
pub mod hss;
#[cfg(feature = "client")]
pub mod iam;
#[cfg(feature = "client")]
pub mod limits;
#[cfg(feature = "client")]
mod secret;
#[cfg(feature = "client")]
pub mod signer;

#[cfg(feature = "client")]
pub use auth::{Caller, Credentials};
#[cfg(feature = "client")]
pub use client::{ClientConfig, CloudClient};
#[cfg(feature = "client")]
pub use endpoints::{Endpoints, Service, IAM_REGIONS};
#[cfg(feature = "client")]
pub use secret::Secret;
