pub mod client;
pub mod errors;
pub mod guard;
pub mod headers;
pub mod limits;
pub mod origin;
