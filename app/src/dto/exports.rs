//! The three export forms as the pages and server functions exchange them. They hold the
//! cloud's own types; their rules are the cloud's bounds (checked by the request body they turn
//! into), under the names the forms give the fields.

use cloud::model::dsc::{AssetType, ResultExport, ResultFilter};
use cloud::model::hss::{
    ContainerExport, ContainerStatus, ExportClusterType, ExportHeaderKey, HandleStatus, ImageScanStatus,
    LocalVulExport, SortDir, TimeRange, VulType,
};
use cloud::model::path_id;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::i18n::Label;

/// Columns a first-time user starts with.
pub const DEFAULT_COLUMNS: &[ExportHeaderKey] = &[
    ExportHeaderKey::ContainerName,
    ExportHeaderKey::ClusterName,
    ExportHeaderKey::ImageName,
    ExportHeaderKey::Status,
    ExportHeaderKey::Risky,
];

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub key: ExportHeaderKey,
    pub title: String,
}

impl Column {
    /// A column under the title the picker offers first.
    pub fn titled(key: ExportHeaderKey) -> Self {
        Self { key, title: key.label().to_string() }
    }
}

/// Empty text means "no filter": trims and drops blanks so both sides agree.
pub fn blank_to_none(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn trim_each(fields: &mut [&mut Option<String>]) {
    for f in fields.iter_mut() {
        **f = blank_to_none(f.take());
    }
}

/// The container export (§2.1). Times are epoch milliseconds; `None` leaves a filter out.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContainerExportInput {
    pub export_size: Option<i64>,
    pub columns: Vec<Column>,
    pub cluster_container: Option<bool>,
    pub cluster_type: Option<ExportClusterType>,
    pub cluster_name: Option<String>,
    pub container_name: Option<String>,
    pub pod_name: Option<String>,
    pub image_name: Option<String>,
    pub status: Option<ContainerStatus>,
    pub risky: Option<bool>,
    pub create_start: Option<i64>,
    pub create_end: Option<i64>,
    pub cpu_limit: Option<String>,
    pub memory_limit: Option<String>,
}

impl ContainerExportInput {
    /// Trims text filters and drops empty ones.
    pub fn normalised(mut self) -> Self {
        trim_each(&mut [
            &mut self.cluster_name,
            &mut self.container_name,
            &mut self.pod_name,
            &mut self.image_name,
            &mut self.cpu_limit,
            &mut self.memory_limit,
        ]);
        for c in &mut self.columns {
            c.title = c.title.trim().to_string();
        }
        self
    }

    /// The request body.
    pub fn export(&self) -> ContainerExport {
        ContainerExport {
            export_size: self.export_size,
            export_headers: self.columns.iter().map(|c| (c.key, c.title.clone())).collect(),
            cluster_container: self.cluster_container,
            cluster_type: self.cluster_type,
            cluster_name: self.cluster_name.clone(),
            container_name: self.container_name.clone(),
            pod_name: self.pod_name.clone(),
            image_name: self.image_name.clone(),
            status: self.status,
            risky: self.risky,
            create_time: (self.create_start.is_some() || self.create_end.is_some())
                .then_some(TimeRange { start_time: self.create_start, end_time: self.create_end }),
            cpu_limit: self.cpu_limit.clone(),
            memory_limit: self.memory_limit.clone(),
        }
    }

    pub fn validate(&self) -> Result<(), AppError> {
        self.export().validate().map_err(|e| AppError::refused(e, &[("export_headers", "columns")]))
    }

    /// "5 columns · Running · cluster prod" for the history list.
    pub fn summary(&self) -> String {
        let mut parts = vec![format!("{} columns", self.columns.len())];
        parts.extend(self.status.map(|s| s.label().to_string()));
        parts.extend(self.cluster_name.as_ref().map(|c| format!("cluster {c}")));
        parts.extend(self.cluster_type.map(|t| t.label().to_string()));
        parts.extend(self.risky.map(|r| if r { "risky only" } else { "clean only" }.to_string()));
        parts.extend(self.export_size.map(|n| format!("up to {n}")));
        parts.join(" · ")
    }
}

/// The names the local-vulnerability form gives the API's fields.
const LOCAL_VUL_FIELDS: &[(&str, &str)] = &[
    ("image_id_list", "image_ids"),
    ("vul_id_list", "vul_ids"),
    ("start_latest_update_time", "latest_update_time"),
    ("start_latest_scan_time", "latest_scan_time"),
];

/// The image picker narrowed by the export form's own filters, so it lists what "all matching"
/// would export (as far as the image list takes them).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ImageNarrowing {
    pub scan_status: Option<String>,
    pub has_container: Option<bool>,
}

impl ImageNarrowing {
    /// The export's scan status in the image list's words, when the list has it.
    pub fn of(scan_status: Option<ImageScanStatus>, has_container: Option<bool>) -> Self {
        let scan_status = scan_status.and_then(|s| match s {
            ImageScanStatus::Unscan => Some("unscan"),
            ImageScanStatus::Success => Some("success"),
            ImageScanStatus::Scanning => Some("scanning"),
            ImageScanStatus::Failed => Some("failed"),
            ImageScanStatus::WaitingForScan => Some("waiting"),
            _ => None,
        });
        Self { scan_status: scan_status.map(str::to_string), has_container }
    }
}

/// The local-image vulnerability export (§2.2).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LocalVulExportInput {
    pub export_size: i64,
    /// Chosen images; ignored when `operate_all`.
    pub image_ids: Vec<String>,
    pub operate_all: bool,
    pub vul_type: Option<VulType>,
    pub handle_status: Option<HandleStatus>,
    pub scan_status: Option<ImageScanStatus>,
    pub image_name: Option<String>,
    pub image_version: Option<String>,
    /// Bytes, matched exactly.
    pub image_size: Option<i64>,
    pub has_container: Option<bool>,
    pub update_start: Option<i64>,
    pub update_end: Option<i64>,
    pub scan_start: Option<i64>,
    pub scan_end: Option<i64>,
    /// Vulnerability ids (CVE or vendor ids) to restrict the export to.
    pub vul_ids: Vec<String>,
}

impl LocalVulExportInput {
    pub fn normalised(mut self) -> Self {
        trim_each(&mut [&mut self.image_name, &mut self.image_version]);
        self.vul_ids = self.vul_ids.iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
        if self.operate_all {
            self.image_ids.clear();
        }
        self
    }

    pub fn export(&self) -> LocalVulExport {
        LocalVulExport {
            export_size: self.export_size,
            image_id_list: self.image_ids.clone(),
            operate_all: self.operate_all,
            vul_type: self.vul_type,
            handle_status: self.handle_status,
            scan_status: self.scan_status,
            image_name: self.image_name.clone(),
            image_version: self.image_version.clone(),
            image_size: self.image_size,
            start_latest_update_time: self.update_start,
            end_latest_update_time: self.update_end,
            start_latest_scan_time: self.scan_start,
            end_latest_scan_time: self.scan_end,
            has_container: self.has_container,
            vul_id_list: self.vul_ids.clone(),
        }
    }

    pub fn validate(&self) -> Result<(), AppError> {
        self.export().validate().map_err(|e| AppError::refused(e, LOCAL_VUL_FIELDS))
    }

    pub fn summary(&self) -> String {
        let mut parts = vec![if self.operate_all {
            "all matching images".to_string()
        } else {
            format!("{} image{}", self.image_ids.len(), if self.image_ids.len() == 1 { "" } else { "s" })
        }];
        parts.extend(self.vul_type.map(|v| v.label().to_string()));
        parts.extend(self.handle_status.map(|v| v.label().to_string()));
        parts.extend(self.image_name.as_ref().map(|n| format!("name {n}")));
        parts.push(format!("up to {}", self.export_size));
        parts.join(" · ")
    }
}

/// The DSC classification-result export (§4.1).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DscExportInput {
    pub job_id: String,
    pub security_level_ids: Vec<String>,
    /// The bucket that stores the file.
    pub bucket_name: Option<String>,
    pub keyword: Option<String>,
    pub asset_type: Option<AssetType>,
    pub asset_id: Option<String>,
    pub database_name: Option<String>,
    pub table_name: Option<String>,
    pub filter_bucket_name: Option<String>,
    pub mask: bool,
    pub start_time: Option<i64>,
    /// Rows by scan time, oldest or newest first; the cloud's own order when absent.
    pub sort: Option<SortDir>,
}

impl DscExportInput {
    pub fn normalised(mut self) -> Self {
        self.job_id = self.job_id.trim().to_string();
        trim_each(&mut [
            &mut self.bucket_name,
            &mut self.keyword,
            &mut self.asset_id,
            &mut self.database_name,
            &mut self.table_name,
            &mut self.filter_bucket_name,
        ]);
        self
    }

    /// The filters the result list shares with the export (the preview uses them).
    pub fn filter(&self) -> ResultFilter {
        ResultFilter {
            keyword: self.keyword.clone(),
            asset_type: self.asset_type,
            asset_id: self.asset_id.clone(),
            security_level_ids: self.security_level_ids.clone(),
        }
    }

    pub fn export(&self) -> ResultExport {
        ResultExport {
            filter: self.filter(),
            bucket_name: self.bucket_name.clone(),
            database_name: self.database_name.clone(),
            table_name: self.table_name.clone(),
            filter_bucket_name: self.filter_bucket_name.clone(),
            mask: Some(self.mask),
            start_time: self.start_time,
            sort: self.sort,
        }
    }

    pub fn validate(&self) -> Result<(), AppError> {
        path_id("job_id", &self.job_id)
            .map(drop)
            .and_then(|()| self.export().validate())
            .map_err(|e| AppError::refused(e, &[]))
    }

    pub fn summary(&self, job_name: &str) -> String {
        let mut parts = vec![format!("job {job_name}")];
        if !self.security_level_ids.is_empty() {
            parts.push(format!("{} levels", self.security_level_ids.len()));
        }
        parts.extend(self.asset_type.map(|a| a.label().to_string()));
        parts.extend(self.keyword.as_ref().map(|k| format!("\u{201c}{k}\u{201d}")));
        parts.extend(self.bucket_name.as_ref().map(|b| format!("to {b}")));
        if self.mask {
            parts.push("masked".into());
        }
        parts.join(" · ")
    }
}

/// A cluster as the container form offers its name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterName {
    pub name: String,
    pub cluster_type: String,
}

/// A page of the local images, as the picker shows them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImagePage {
    pub images: Vec<cloud::model::hss::LocalImage>,
    pub total: i64,
}

/// Local images per page in the picker (HSS pages 10 to 200).
pub const IMAGE_PAGE_SIZE: i64 = 10;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DscJobChoices {
    pub levels: Vec<cloud::model::dsc::JobSecurityLevel>,
    pub buckets: Vec<String>,
}

/// One classification result as the preview shows it: no matched content, only where and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PreviewRow {
    pub asset_name: String,
    pub object_full_path: String,
    pub security_level_name: String,
    pub rules: String,
}

/// What the container list (ListContainers) says the export's filters match: the count and the
/// first rows. The list takes only the name, pod, image and cluster-membership filters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContainerPreviewPage {
    pub total: i64,
    pub rows: Vec<cloud::model::hss::ContainerInfo>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DscPreviewPage {
    pub rows: Vec<PreviewRow>,
    pub total: i64,
}

/// Rows the DSC preview shows.
pub const PREVIEW_ROWS: i64 = 10;

#[cfg(test)]
mod tests {
    use super::*;

    fn container() -> ContainerExportInput {
        ContainerExportInput {
            columns: vec![Column { key: ExportHeaderKey::Status, title: "State".into() }],
            ..Default::default()
        }
    }

    #[test]
    fn container_rules_name_the_field() {
        assert!(container().validate().is_ok());
        let field = |i: ContainerExportInput| i.validate().unwrap_err().field.unwrap();
        assert_eq!(field(ContainerExportInput { export_size: Some(0), ..container() }), "export_size");
        assert_eq!(field(ContainerExportInput { export_size: Some(100_001), ..container() }), "export_size");
        assert_eq!(field(ContainerExportInput { columns: vec![], ..container() }), "columns");
        let mut twice = container();
        twice.columns.push(Column { key: ExportHeaderKey::Status, title: "Again".into() });
        assert_eq!(field(twice), "columns");
        assert_eq!(
            field(ContainerExportInput { create_start: Some(5), create_end: Some(4), ..container() }),
            "create_time"
        );
        assert_eq!(
            field(ContainerExportInput { pod_name: Some("p".repeat(513)), ..container() }),
            "pod_name"
        );
        let blank = ContainerExportInput { cluster_name: Some("  ".into()), ..container() }.normalised();
        assert_eq!(blank.cluster_name, None);
    }

    #[test]
    fn local_vul_needs_images_or_all() {
        let base = LocalVulExportInput { export_size: 100, ..Default::default() };
        assert_eq!(base.validate().unwrap_err().field.as_deref(), Some("image_ids"));
        assert!(LocalVulExportInput { operate_all: true, ..base.clone() }.validate().is_ok());
        assert!(LocalVulExportInput { image_ids: vec!["a".into()], ..base.clone() }.validate().is_ok());
        let e = LocalVulExportInput { export_size: 0, operate_all: true, ..base }.validate().unwrap_err();
        assert_eq!(e.field.as_deref(), Some("export_size"));
    }

    #[test]
    fn dsc_needs_a_job() {
        let e = DscExportInput::default().validate().unwrap_err();
        assert_eq!(e.field.as_deref(), Some("job_id"));
        let ok = DscExportInput { job_id: "job-1".into(), ..Default::default() };
        assert!(ok.validate().is_ok());
        let e = DscExportInput { job_id: "../x".into(), ..ok }.validate().unwrap_err();
        assert_eq!(e.field.as_deref(), Some("job_id"));
    }
}
