//! Exports: `/api/exports/*`. The create calls take JSON (nested forms) and the idempotency key
//! the form was given when it was shown (the same key never makes a second export); the rest
//! take plain form fields like every other server function.

use cloud::model::dsc::ScanJob;
use leptos::prelude::*;

use super::codec::{Answer, Json};
use crate::dto::exports::{
    ClusterName, Column, ContainerExportInput, ContainerPreviewPage, DscExportInput, DscJobChoices,
    DscPreviewPage, ImagePage, LocalVulExportInput,
};
use crate::dto::tasks::Created;
use crate::error::AppError;

/// Cluster names for the container form's filter (the cluster list, cached for a minute).
#[server(endpoint = "exports/cluster_names", output = Answer)]
pub async fn cluster_names() -> Result<Vec<ClusterName>, AppError> {
    crate::ssr::exports::cluster_names().await
}

/// The user's last-used column set for the container export, or the defaults.
#[server(endpoint = "exports/columns", output = Answer)]
pub async fn container_columns() -> Result<Vec<Column>, AppError> {
    crate::ssr::exports::container_columns().await
}

/// A page of the local images, searched by name and version and narrowed by the export form's
/// scan status (`unscan`, `success`, `scanning`, `failed`, `waiting`) and container use, all in
/// the cloud (`refresh` skips the cached chunk).
#[server(endpoint = "exports/local_images", output = Answer)]
pub async fn local_images(
    offset: u32,
    #[server(default)] name: Option<String>,
    #[server(default)] version: Option<String>,
    #[server(default)] scan_status: Option<String>,
    #[server(default)] has_container: Option<bool>,
    #[server(default)] refresh: bool,
) -> Result<ImagePage, AppError> {
    let narrow = crate::dto::exports::ImageNarrowing { scan_status, has_container };
    crate::ssr::exports::local_images(offset, name, version, narrow, refresh).await
}

#[server(endpoint = "exports/dsc_jobs", output = Answer)]
pub async fn dsc_jobs() -> Result<Vec<ScanJob>, AppError> {
    crate::ssr::exports::dsc_jobs().await
}

/// A scan job's security levels and the buckets an export can go to.
#[server(endpoint = "exports/dsc_choices", output = Answer)]
pub async fn dsc_choices(job_id: String) -> Result<DscJobChoices, AppError> {
    crate::ssr::exports::dsc_choices(job_id).await
}

/// The first results the DSC export would hold.
/// How many containers the export's filters match, and the first rows (the container list's
/// filters only; the form says which others the export adds).
#[server(endpoint = "exports/container_preview", input = Json, output = Answer)]
pub async fn container_preview(input: ContainerExportInput) -> Result<ContainerPreviewPage, AppError> {
    crate::ssr::exports::container_preview(input).await
}

#[server(endpoint = "exports/dsc_preview", input = Json, output = Answer)]
pub async fn dsc_preview(input: DscExportInput) -> Result<DscPreviewPage, AppError> {
    crate::ssr::exports::dsc_preview(input).await
}

#[server(endpoint = "exports/containers", input = Json, output = Answer)]
pub async fn export_containers(
    input: ContainerExportInput,
    idempotency_key: String,
) -> Result<Created, AppError> {
    crate::ssr::exports::export_containers(input, idempotency_key).await
}

#[server(endpoint = "exports/local_vuls", input = Json, output = Answer)]
pub async fn export_local_vuls(
    input: LocalVulExportInput,
    idempotency_key: String,
) -> Result<Created, AppError> {
    crate::ssr::exports::export_local_vuls(input, idempotency_key).await
}

#[server(endpoint = "exports/dsc", input = Json, output = Answer)]
pub async fn export_dsc(input: DscExportInput, idempotency_key: String) -> Result<Created, AppError> {
    crate::ssr::exports::export_dsc(input, idempotency_key).await
}
