pub mod dashboard;
pub mod login;
pub mod masking;
pub mod not_found;
