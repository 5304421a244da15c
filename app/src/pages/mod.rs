pub mod audit;
pub mod dashboard;
pub mod exports;
pub mod history;
pub mod login;
pub mod masking;
pub mod not_found;
pub mod scans;
