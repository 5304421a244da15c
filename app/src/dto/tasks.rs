//! Tasks the portal follows for its users: exports and scans, as the history lists them.

use leptos::Params;
use leptos_router::params::Params;
use serde::{Deserialize, Serialize};

cloud::wire_enum! {
    /// What a task is: one of the three exports or the two scans.
    TaskKind {
        HssContainers => "hss_containers", HssLocalVuls => "hss_local_vuls", DscResults => "dsc_results",
        ClusterScan => "cluster_scan", IacScan => "iac_scan",
    }
}

cloud::wire_enum! {
    /// Where a task stands, as the portal last saw it. `creating`: the create call is on its way;
    /// `checking`: its answer was lost and the portal is finding out whether the cloud made it.
    TaskStatus {
        Creating => "creating", Checking => "checking", Running => "running", Success => "success",
        Failure => "failure",
    }
}

impl TaskStatus {
    /// Not final yet: pages keep following it.
    pub fn active(self) -> bool {
        !matches!(self, TaskStatus::Success | TaskStatus::Failure)
    }
}

impl TaskKind {
    /// Exports end in a file; scan tasks in results shown on their own page.
    pub fn has_file(self) -> bool {
        !matches!(self, TaskKind::ClusterScan | TaskKind::IacScan)
    }

    /// The page of a scan task (exports have none).
    pub fn task_href(self, cloud_task_id: &str) -> Option<String> {
        match self {
            TaskKind::ClusterScan => Some(format!("/scans/cluster_scan/{cloud_task_id}")),
            TaskKind::IacScan => Some(format!("/scans/iac_scan/{cloud_task_id}")),
            _ => None,
        }
    }
}

/// What the history page and the forms show of one task.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryRow {
    pub id: String,
    pub kind: TaskKind,
    pub summary: String,
    pub region: String,
    pub status: TaskStatus,
    /// Why it failed, in the cloud's words where it gave any.
    pub failure: Option<String>,
    /// What the tracker is waiting for, e.g. a new sign-in or the end of throttling.
    pub note: Option<String>,
    pub file_name: Option<String>,
    /// Epoch milliseconds.
    pub created_at: i64,
    pub finished_at: Option<i64>,
    pub downloadable: bool,
    /// The task's own page (scan tasks).
    pub href: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryPage {
    pub rows: Vec<HistoryRow>,
    pub total: u64,
    pub offset: u32,
    pub limit: u32,
    /// Server clock (epoch ms), so elapsed times do not depend on the browser's clock.
    pub server_now: i64,
}

pub const HISTORY_PAGE_SIZES: &[u32] = &[10, 20, 50];
/// The history page's size when the URL names none.
pub const HISTORY_PAGE_SIZE: u32 = 20;

/// Which part of the history to show: the history page's URL and the history call's argument.
#[derive(Params, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HistoryFilter {
    pub kind: Option<TaskKind>,
    pub status: Option<TaskStatus>,
    pub offset: Option<u32>,
    pub limit: Option<u32>,
}

impl HistoryFilter {
    pub fn offset(&self) -> u32 {
        self.offset.unwrap_or(0)
    }

    pub fn limit(&self) -> u32 {
        self.limit.unwrap_or(HISTORY_PAGE_SIZE)
    }
}

/// A created task: its history row, so the form can follow it at once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Created {
    pub row: HistoryRow,
    /// HSS tells how many records the local-image export holds.
    pub record_total_num: Option<i64>,
}
