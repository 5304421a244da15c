//! HSS scan tasks (cluster scans and IaC scans) as the pages and server functions exchange them,
//! and the rules both sides check (API reference §2.6–§2.12).

use serde::{Deserialize, Serialize};

use crate::error::AppError;

pub const SCAN_TYPES: &[(&str, &str)] = &[
    ("cluster_vul", "Cluster vulnerabilities"),
    ("risk_assessment", "Risk assessment"),
    ("benchmark", "Compliance benchmark"),
];
pub const FILE_TYPES: &[(&str, &str)] = &[("dockerfile", "Dockerfile"), ("k8s_yaml", "Kubernetes YAML")];
pub const TASK_TYPES: &[(&str, &str)] = &[("cluster_scan", "Cluster scans"), ("iac_scan", "IaC scans")];
pub const TASK_STATUSES: &[(&str, &str)] =
    &[("ready", "Waiting"), ("running", "Running"), ("finished", "Finished")];
pub const TRIGGER_TYPES: &[(&str, &str)] = &[("manual", "Manual"), ("schedule", "Scheduled")];

/// Files one IaC upload may carry, and their size (the upload API documents no limits; these
/// are ours, and the emulator's).
pub const MAX_FILES: usize = 10;
pub const MAX_FILE_BYTES: usize = 1024 * 1024;
/// Clusters or files one task may name (undocumented; HSS's largest page).
pub const MAX_IDS: usize = 200;
pub const TASK_PAGE_SIZES: &[u32] = &[10, 20, 50];
pub const CLUSTER_PAGE_SIZE: u32 = 10;

/// The resources a cluster scan creates in each cluster, which the user must accept first.
pub const CREATED_RESOURCES: &str = "Job, ConfigMap, ServiceAccount, ClusterRole and ClusterRoleBinding";

fn err(field: &str, message: impl Into<String>) -> AppError {
    AppError::invalid(field, message)
}

fn known(field: &str, v: &str, options: &[(&str, &str)]) -> Result<(), AppError> {
    if options.iter().any(|(o, _)| *o == v) {
        Ok(())
    } else {
        Err(err(field, format!("one of {}", options.iter().map(|(o, _)| *o).collect::<Vec<_>>().join(", "))))
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClusterScanInput {
    pub scan_types: Vec<String>,
    pub all_clusters: bool,
    /// `cluster_id`s; required unless `all_clusters`.
    pub cluster_ids: Vec<String>,
    /// The user accepted that the scan creates resources in the clusters.
    pub confirmed: bool,
}

impl ClusterScanInput {
    pub fn validate(&self) -> Result<(), AppError> {
        if self.scan_types.is_empty() {
            return Err(err("scan_types", "choose at least one scan type"));
        }
        for (i, t) in self.scan_types.iter().enumerate() {
            known("scan_types", t, SCAN_TYPES)?;
            if self.scan_types[..i].contains(t) {
                return Err(err("scan_types", format!("{t} is chosen twice")));
            }
        }
        if !self.all_clusters && self.cluster_ids.is_empty() {
            return Err(err("cluster_ids", "choose at least one cluster, or scan all clusters"));
        }
        if self.cluster_ids.len() > MAX_IDS || self.cluster_ids.iter().any(|c| c.is_empty() || c.len() > 64) {
            return Err(err("cluster_ids", format!("at most {MAX_IDS} cluster ids of 1 to 64 characters")));
        }
        if !self.confirmed {
            return Err(err(
                "confirmed",
                format!("confirm that the scan creates {CREATED_RESOURCES} in the clusters"),
            ));
        }
        Ok(())
    }

    pub fn summary(&self) -> String {
        let scope = if self.all_clusters {
            "all clusters".to_string()
        } else {
            format!(
                "{} cluster{}",
                self.cluster_ids.len(),
                if self.cluster_ids.len() == 1 { "" } else { "s" }
            )
        };
        let types: Vec<&str> =
            self.scan_types.iter().map(|t| crate::dto::exports::label(SCAN_TYPES, t)).collect();
        format!("{scope} · {}", types.join(", "))
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IacScanInput {
    pub file_type: String,
    pub file_ids: Vec<String>,
}

impl IacScanInput {
    pub fn validate(&self) -> Result<(), AppError> {
        known("file_type", &self.file_type, FILE_TYPES)?;
        if self.file_ids.is_empty() {
            return Err(err("file_ids", "choose or upload at least one file"));
        }
        if self.file_ids.len() > MAX_IDS || self.file_ids.iter().any(|c| c.is_empty() || c.len() > 64) {
            return Err(err("file_ids", format!("at most {MAX_IDS} file ids")));
        }
        Ok(())
    }
}

/// Checks files before upload: count, size and type by name (a Dockerfile is named
/// `Dockerfile` or `*.dockerfile`; Kubernetes YAML ends in `.yaml` or `.yml`).
pub fn check_files(file_type: &str, files: &[(String, usize)]) -> Result<(), AppError> {
    known("file_type", file_type, FILE_TYPES)?;
    if files.is_empty() || files.len() > MAX_FILES {
        return Err(err("files", format!("upload 1 to {MAX_FILES} files at a time")));
    }
    for (name, size) in files {
        if *size == 0 || *size > MAX_FILE_BYTES {
            return Err(err("files", format!("{name}: must be 1 byte to {} KiB", MAX_FILE_BYTES / 1024)));
        }
        let lower = name.to_lowercase();
        let fits = match file_type {
            "dockerfile" => {
                lower == "dockerfile" || lower.starts_with("dockerfile.") || lower.ends_with(".dockerfile")
            }
            _ => lower.ends_with(".yaml") || lower.ends_with(".yml"),
        };
        if !fits {
            let what = if file_type == "dockerfile" {
                "a Dockerfile (named Dockerfile or *.dockerfile)"
            } else {
                "Kubernetes YAML (*.yaml or *.yml)"
            };
            return Err(err("files", format!("{name} is not {what}")));
        }
    }
    Ok(())
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterRow {
    pub cluster_id: String,
    pub cluster_name: String,
    pub cluster_type: String,
    pub status: String,
    pub version: String,
    pub nodes: String,
    /// Nodes where the HSS agent failed to install (their scans may time out).
    pub agent_failures: i32,
    /// Why the cluster cannot be scanned, when it cannot.
    pub unscannable: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterPage {
    pub clusters: Vec<ClusterRow>,
    pub total: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IacFileRow {
    pub file_id: String,
    pub file_name: String,
    pub file_type: String,
    pub risky: bool,
    pub risk_num: i64,
    pub upload_file_time: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UploadedRow {
    pub file_id: String,
    pub file_name: String,
    pub file_size: i64,
}

/// One task of the list, with its counters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskRow {
    pub task_id: String,
    pub task_type: String,
    pub task_name: String,
    pub trigger_type: String,
    pub task_status: String,
    pub start_time: i64,
    pub end_time: i64,
    /// Minutes left, as the cloud estimates.
    pub estimated_time: i64,
    pub scan_types: Vec<String>,
    pub scanning: i64,
    pub succeeded: i64,
    pub failed: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskPage {
    pub tasks: Vec<TaskRow>,
    pub total: i64,
    pub stats: TaskStats,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskStats {
    pub total_num: i64,
    pub running_num: i64,
    pub last_task_start_time: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ItemRow {
    pub scan_type: String,
    pub status: String,
    pub failed_reason: String,
}

/// One cluster or file of a task, with its items.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResourceRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub status: String,
    pub failed_reason: String,
    pub items: Vec<ItemRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskDetail {
    pub task: TaskRow,
    pub resources: Vec<ResourceRow>,
}

/// What to scan again: every failed cluster, or the chosen ones with the chosen scan types
/// (none chosen: every failed item of those clusters).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RetryInput {
    pub task_id: String,
    pub all_failed: bool,
    pub cluster_ids: Vec<String>,
    pub scan_types: Vec<String>,
}

impl RetryInput {
    pub fn validate(&self) -> Result<(), AppError> {
        if self.task_id.is_empty() || self.task_id.len() > 64 {
            return Err(err("task_id", "1 to 64 characters"));
        }
        if !self.all_failed && self.cluster_ids.is_empty() {
            return Err(err("cluster_ids", "choose at least one failed cluster, or retry all failed"));
        }
        if self.cluster_ids.len() > MAX_IDS {
            return Err(err("cluster_ids", format!("at most {MAX_IDS} clusters")));
        }
        for t in &self.scan_types {
            known("scan_types", t, SCAN_TYPES)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_scan_conditional_rules() {
        let ok = ClusterScanInput {
            scan_types: vec!["cluster_vul".into()],
            all_clusters: false,
            cluster_ids: vec!["c1".into()],
            confirmed: true,
        };
        assert!(ok.validate().is_ok());
        let field = |i: ClusterScanInput| i.validate().unwrap_err().field.unwrap();
        assert_eq!(field(ClusterScanInput { scan_types: vec![], ..ok.clone() }), "scan_types");
        assert_eq!(field(ClusterScanInput { cluster_ids: vec![], ..ok.clone() }), "cluster_ids");
        assert!(ClusterScanInput { cluster_ids: vec![], all_clusters: true, ..ok.clone() }
            .validate()
            .is_ok());
        assert_eq!(field(ClusterScanInput { confirmed: false, ..ok }), "confirmed");
    }

    #[test]
    fn files_are_checked_before_upload() {
        assert!(check_files("k8s_yaml", &[("a.yaml".into(), 10), ("b.yml".into(), 5)]).is_ok());
        assert!(check_files("dockerfile", &[("Dockerfile".into(), 10)]).is_ok());
        let e = check_files("dockerfile", &[("a.yaml".into(), 10)]).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("files"));
        assert!(check_files("k8s_yaml", &[]).is_err());
        assert!(check_files("k8s_yaml", &[("big.yaml".into(), MAX_FILE_BYTES + 1)]).is_err());
        assert_eq!(
            IacScanInput { file_type: "k8s_yaml".into(), file_ids: vec![] }
                .validate()
                .unwrap_err()
                .field
                .as_deref(),
            Some("file_ids")
        );
    }
}
