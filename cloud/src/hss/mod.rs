//! HSS v5 (API reference §2).

mod clusters;
mod tasks;

pub use clusters::{Cluster, ClusterList, ClusterQuery};
pub use tasks::{TaskStatistics, TaskType};
