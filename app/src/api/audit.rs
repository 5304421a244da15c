//! The audit log: `/api/audit/*`. The CSV export is a plain download route of the server
//! (`GET /audit/export.csv` with the same filters), since it streams.

use leptos::prelude::*;

use super::codec::{Answer, Form};
use crate::dto::audit::{AuditFilter, AuditPage};
use crate::error::AppError;

/// A page of audit entries, newest first: the caller's own, or the account's for an
/// administrator. Form fields `filter[from]`, `filter[to]` (epoch ms), `filter[user]`,
/// `filter[action]`, `filter[result]`, `filter[target]` (part of an id or name),
/// `filter[offset]`, `filter[limit]` (20, 50 or 100).
#[server(endpoint = "audit/entries", input = Form, output = Answer)]
pub async fn audit_entries(#[server(default)] filter: AuditFilter) -> Result<AuditPage, AppError> {
    crate::ssr::audit::entries(filter).await
}
