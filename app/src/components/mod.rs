pub mod error_box;
pub mod pager;
pub mod shell;
