//! Following a task: for each kind, which status call the tracker makes and what its answer
//! means. The calls themselves sit beside their create calls (`exports`, `scans`).

use cloud::{Caller, CloudError};

use super::tasks::{Progress, StatusApi, Task};
use super::{exports, scans, Portal};
use crate::dto::tasks::TaskKind;

impl TaskKind {
    pub fn status_api(self) -> StatusApi {
        match self {
            TaskKind::HssContainers | TaskKind::HssLocalVuls | TaskKind::DscResults => {
                exports::status_api(self)
            }
            TaskKind::ClusterScan | TaskKind::IacScan => scans::STATUS_API,
        }
    }
}

/// Finds out whether a create whose answer was lost made a task: `Found` follows it from now,
/// `Failed` says it was not made (or, for HSS exports, cannot be found).
pub async fn reconcile(portal: &Portal, caller: &Caller, task: &Task) -> Result<Progress, CloudError> {
    match task.kind {
        TaskKind::HssContainers | TaskKind::HssLocalVuls | TaskKind::DscResults => {
            exports::reconcile(portal, caller, task).await
        }
        TaskKind::ClusterScan | TaskKind::IacScan => scans::reconcile(portal, caller, task).await,
    }
}

/// Asks the cloud where a task stands: `None` while it runs. The per-kind calls sit beside
/// their create calls.
pub async fn check(portal: &Portal, caller: &Caller, task: &Task) -> Result<Option<Progress>, CloudError> {
    match task.kind {
        TaskKind::HssContainers | TaskKind::HssLocalVuls | TaskKind::DscResults => {
            exports::check(portal, caller, task).await
        }
        TaskKind::ClusterScan | TaskKind::IacScan => scans::check(portal, caller, task).await,
    }
}
