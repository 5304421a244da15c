//! HSS v5 (API reference §2).

mod clusters;
mod export;
mod iac;
mod images;
mod tasks;

pub use clusters::{Cluster, ClusterList, ClusterQuery};
pub use export::{
    ContainerExport, ContainerStatus, Download, ExportClusterType, ExportHeaderKey, ExportTaskState,
    ExportTaskStatus, HandleStatus, ImageScanStatus, LocalVulExport, LocalVulExportStarted, TimeRange,
    VulType, MAX_EXPORT_SIZE,
};
pub use iac::{
    validate_upload, IacFile, IacFileList, IacFileQuery, IacScanSource, UploadFile, UploadedFile, MAX_FILES,
    MAX_FILE_BYTES,
};
pub use images::{LocalImage, LocalImageList, LocalImageQuery};
pub use tasks::{
    ClusterResult, ClusterScanInfo, ClusterScanSummary, FileResult, IacFileType, IacScanInfo, IacScanSummary,
    ItemStatus, NewTask, RangeType, Retry, RetryCluster, RetryRange, ScanDetail, ScanType, Task, TaskId,
    TaskList, TaskQuery, TaskResources, TaskStatistics, TaskStatus, TaskType, TriggerType,
};
