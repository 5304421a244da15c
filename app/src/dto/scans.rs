//! HSS scan tasks (cluster scans and IaC scans) as the pages and server functions exchange them.
//! The vocabulary and bounds are the cloud's (API reference §2.6–§2.12); the portal adds its
//! own rules: consent to what a cluster scan creates, and file names that fit their type.

use cloud::model::hss::{
    validate_upload_sizes, Cluster, ClusterResult, ClusterScanInfo, FileResult, IacFile, IacFileType,
    IacScanInfo, NewTask, RangeType, Retry, RetryCluster, RetryRange, ScanType, SortDir, Task,
    TaskStatistics, TaskStatus, TaskType, TriggerType,
};
use cloud::model::path_id;
use leptos::Params;
use leptos_router::params::Params;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::i18n::Label;

pub const TASK_PAGE_SIZES: &[u32] = &[10, 20, 50];
/// What a cluster scan creates in each cluster (the console asks the user to accept it); the
/// Kubernetes kinds are not translated.
pub const CREATED_RESOURCES: &str = "Job, ConfigMap, ServiceAccount, ClusterRole and ClusterRoleBinding";
pub const CLUSTER_PAGE_SIZE: u32 = 10;
/// Earlier uploads listed per page.
pub const FILE_PAGE_SIZE: u32 = 10;

/// The names the forms give the API's fields.
const RENAMES: &[(&str, &str)] = &[
    ("scan_type_list", "scan_types"),
    ("cluster_id_list", "cluster_ids"),
    ("file_id_list", "file_ids"),
    ("cluster_info_list", "cluster_ids"),
    ("file_name", "files"),
    ("file", "files"),
];

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClusterScanInput {
    pub scan_types: Vec<ScanType>,
    pub all_clusters: bool,
    /// `cluster_id`s; required unless `all_clusters`.
    pub cluster_ids: Vec<String>,
    /// The user accepted that the scan creates resources in the clusters.
    pub confirmed: bool,
}

impl ClusterScanInput {
    pub fn task(&self) -> NewTask {
        NewTask::ClusterScan {
            cluster_scan_info: ClusterScanInfo {
                scan_type_list: self.scan_types.clone(),
                range_type: if self.all_clusters {
                    RangeType::AllCluster
                } else {
                    RangeType::SpecificCluster
                },
                cluster_id_list: if self.all_clusters { Vec::new() } else { self.cluster_ids.clone() },
            },
        }
    }

    pub fn validate(&self) -> Result<(), AppError> {
        self.task().validate().map_err(|e| AppError::refused(e, RENAMES))?;
        if !self.confirmed {
            let message =
                crate::i18n::tf(crate::i18n::Key::ErrConfirmResources, &[("resources", &CREATED_RESOURCES)]);
            return Err(AppError::invalid("confirmed", message));
        }
        Ok(())
    }

    pub fn summary(&self) -> String {
        let scope = if self.all_clusters {
            "all clusters".to_string()
        } else {
            let n = self.cluster_ids.len();
            format!("{n} cluster{}", if n == 1 { "" } else { "s" })
        };
        let types: Vec<&str> = self.scan_types.iter().map(|t| t.label()).collect();
        format!("{scope} · {}", types.join(", "))
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IacScanInput {
    pub file_type: IacFileType,
    pub file_ids: Vec<String>,
}

impl IacScanInput {
    pub fn task(&self) -> NewTask {
        NewTask::IacScan {
            iac_scan_info: IacScanInfo { file_type: self.file_type, file_id_list: self.file_ids.clone() },
        }
    }

    pub fn validate(&self) -> Result<(), AppError> {
        self.task().validate().map_err(|e| AppError::refused(e, RENAMES))
    }

    pub fn summary(&self) -> String {
        let n = self.file_ids.len();
        format!("{n} {} file{}", self.file_type.label(), if n == 1 { "" } else { "s" })
    }
}

/// Whether a file's name fits its type: a Dockerfile is named `Dockerfile` or `*.dockerfile`;
/// Kubernetes YAML ends in `.yaml` or `.yml`. (A portal rule: the upload API documents none.)
pub fn fits(file_type: IacFileType, name: &str) -> bool {
    let lower = name.to_lowercase();
    match file_type {
        IacFileType::Dockerfile => {
            lower == "dockerfile" || lower.starts_with("dockerfile.") || lower.ends_with(".dockerfile")
        }
        IacFileType::K8sYaml => lower.ends_with(".yaml") || lower.ends_with(".yml"),
    }
}

/// Checks files before upload: the cloud's count and size bounds, and names that fit the type.
pub fn check_files(file_type: IacFileType, files: &[(String, usize)]) -> Result<(), AppError> {
    validate_upload_sizes(files.iter().map(|(n, s)| (n.as_str(), *s)))
        .map_err(|e| AppError::refused(e, RENAMES))?;
    match files.iter().find(|(name, _)| !fits(file_type, name)) {
        Some((name, _)) => {
            Err(AppError::invalid("files", crate::i18n::tf(file_type_rule(file_type), &[("name", name)])))
        }
        None => Ok(()),
    }
}

fn file_type_rule(file_type: IacFileType) -> crate::i18n::Key {
    match file_type {
        IacFileType::Dockerfile => crate::i18n::Key::ErrNotDockerfile,
        IacFileType::K8sYaml => crate::i18n::Key::ErrNotYaml,
    }
}

cloud::wire_enum! {
    /// Why a cluster cannot be scanned (the console's rule: it must be available and have the
    /// HSS agent's DaemonSet installed).
    Unscannable {
        /// Not available nor running; the row shows the cluster's status.
        NotAvailable => "NotAvailable",
        AgentNotInstalled => "AgentNotInstalled",
    }
}

impl Unscannable {
    pub fn of(c: &Cluster) -> Option<Self> {
        if !c.status.eq_ignore_ascii_case("available") && !c.status.eq_ignore_ascii_case("running") {
            return Some(Unscannable::NotAvailable);
        }
        Self::agent_missing(c).then_some(Unscannable::AgentNotInstalled)
    }

    /// HSS's DaemonSet is not `Installed` (`NotInstall`, or a value the reference does not list):
    /// HSS fails a scan of such a cluster.
    pub fn agent_missing(c: &Cluster) -> bool {
        !c.agent_ds_install_status.eq_ignore_ascii_case("installed")
    }
}

/// The picker's agent column, from the same field the "cannot be scanned" reason reads, so the
/// two never disagree: not installed, installed on every node, or on some (with failures).
pub fn agent_text(c: &Cluster) -> String {
    use crate::i18n::{t, tf, Key};
    if Unscannable::agent_missing(c) {
        return t(Key::AgentNotInstalledShort).to_string();
    }
    let mut text = if c.agent_installed_num >= c.total_nodes_number {
        t(Key::AgentsOk).to_string()
    } else {
        tf(Key::AgentOnNodes, &[("n", &c.agent_installed_num), ("total", &c.total_nodes_number)])
    };
    if c.agent_install_failed_num > 0 {
        text.push_str(" · ");
        text.push_str(&tf(Key::AgentFailures, &[("n", &c.agent_install_failed_num)]));
    }
    text
}

/// A cluster as the scan picker shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterRow {
    // Nested, not flattened: serde's flatten buffers every field through a generic map, which
    // costs the browser bundle more than the whole row.
    pub cluster: Cluster,
    /// Why it cannot be scanned, when it cannot.
    pub unscannable: Option<Unscannable>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterPage {
    pub clusters: Vec<ClusterRow>,
    pub total: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IacFilePage {
    pub files: Vec<IacFile>,
    pub total: i64,
}

/// The task list's filters, order and page: the scans page's URL and the list call's argument.
#[derive(Params, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TaskFilter {
    /// Cluster scans when absent.
    pub task_type: Option<TaskType>,
    pub task_status: Option<TaskStatus>,
    pub trigger_type: Option<TriggerType>,
    pub task_name: Option<String>,
    /// The cloud's task id, exactly.
    pub task_id: Option<String>,
    /// Cluster scans that scanned this item.
    pub scan_type: Option<ScanType>,
    /// IaC scans of this file type.
    pub file_type: Option<IacFileType>,
    /// Epoch milliseconds.
    pub created_from: Option<i64>,
    pub created_to: Option<i64>,
    /// By start time; newest first when absent.
    pub sort_dir: Option<SortDir>,
    pub offset: Option<u32>,
    pub limit: Option<u32>,
}

impl TaskFilter {
    pub fn task_type(&self) -> TaskType {
        self.task_type.unwrap_or(TaskType::ClusterScan)
    }

    pub fn sort_dir(&self) -> SortDir {
        self.sort_dir.unwrap_or(SortDir::Desc)
    }

    pub fn offset(&self) -> u32 {
        self.offset.unwrap_or(0)
    }

    pub fn limit(&self) -> u32 {
        self.limit.unwrap_or(TASK_PAGE_SIZES[0])
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskPage {
    pub tasks: Vec<Task>,
    pub total: i64,
    pub stats: TaskStatistics,
}

/// How far a task got: items still scanning, done and failed (clusters or files).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    pub scanning: i64,
    pub succeeded: i64,
    pub failed: i64,
}

/// A task's counters, whichever kind it is.
pub fn counters(t: &Task) -> Counters {
    match (&t.cluster_scan_info, &t.iac_scan_info) {
        (Some(c), _) => Counters {
            scanning: c.scanning_cluster_num,
            succeeded: c.success_cluster_num,
            failed: c.failed_cluster_num,
        },
        (_, Some(i)) => {
            Counters { scanning: i.scan_file_num, succeeded: i.success_file_num, failed: i.failed_file_num }
        }
        _ => Counters::default(),
    }
}

/// One task with its clusters or files and each scan item's outcome.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskDetail {
    pub task: Task,
    pub clusters: Vec<ClusterResult>,
    pub files: Vec<FileResult>,
}

/// What to scan again: every failed cluster, or the chosen ones with the chosen scan types
/// (none chosen: every failed item of those clusters).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RetryInput {
    pub task_id: String,
    pub all_failed: bool,
    pub cluster_ids: Vec<String>,
    pub scan_types: Vec<ScanType>,
}

impl RetryInput {
    pub fn retry(&self) -> Retry {
        if self.all_failed {
            Retry { range_type: RetryRange::AllFailedCluster, cluster_info_list: Vec::new() }
        } else {
            Retry {
                range_type: RetryRange::SpecificCluster,
                cluster_info_list: self
                    .cluster_ids
                    .iter()
                    .map(|id| RetryCluster {
                        cluster_id: id.clone(),
                        scan_type_list: self.scan_types.clone(),
                    })
                    .collect(),
            }
        }
    }

    pub fn validate(&self) -> Result<(), AppError> {
        path_id("task_id", &self.task_id)
            .map(drop)
            .and_then(|()| self.retry().validate())
            .map_err(|e| AppError::refused(e, RENAMES))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_scan_conditional_rules() {
        let ok = ClusterScanInput {
            scan_types: vec![ScanType::ClusterVul],
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
        let yaml = IacFileType::K8sYaml;
        assert!(check_files(yaml, &[("a.yaml".into(), 10), ("b.yml".into(), 5)]).is_ok());
        assert!(check_files(IacFileType::Dockerfile, &[("Dockerfile".into(), 10)]).is_ok());
        let e = check_files(IacFileType::Dockerfile, &[("a.yaml".into(), 10)]).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("files"));
        assert!(e.message.starts_with("a.yaml is not a Dockerfile"), "{}", e.message);
        assert!(check_files(yaml, &[]).is_err());
        let big = cloud::model::hss::MAX_FILE_BYTES + 1;
        assert_eq!(
            check_files(yaml, &[("big.yaml".into(), big)]).unwrap_err().field.as_deref(),
            Some("files")
        );
        let none = IacScanInput { file_type: yaml, file_ids: vec![] };
        assert_eq!(none.validate().unwrap_err().field.as_deref(), Some("file_ids"));
    }
}
