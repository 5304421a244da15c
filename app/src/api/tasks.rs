//! The user's tasks (exports and scans) as the portal follows them: `/api/exports/status` and
//! `/api/exports/history` (paths kept from when only exports were followed).

use leptos::prelude::*;

use super::codec::{Answer, Form};
use crate::dto::tasks::{HistoryFilter, HistoryPage, HistoryRow};
use crate::error::AppError;

/// One task's current state, as the tracker last saw it (never a cloud call).
#[server(endpoint = "exports/status", output = Answer)]
pub async fn task_status(id: String) -> Result<HistoryRow, AppError> {
    crate::ssr::tasks::task_status(id).await
}

/// The signed-in user's tasks, newest first. Form fields `filter[kind]`, `filter[status]`,
/// `filter[offset]`, `filter[limit]` (10, 20 or 50).
#[server(endpoint = "exports/history", input = Form, output = Answer)]
pub async fn task_history(#[server(default)] filter: HistoryFilter) -> Result<HistoryPage, AppError> {
    crate::ssr::tasks::task_history(filter).await
}
