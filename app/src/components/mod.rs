//! The UI kit every page uses: the frame, errors, forms, pickers, paging, the task table, times
//! and URL state.

pub mod error_box;
pub mod follow;
pub mod form;
pub mod pager;
pub mod picker;
pub mod shell;
pub mod task_table;
pub mod time;
pub mod url;
