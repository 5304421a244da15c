//! What each of the cloud's values (and the portal's task kinds and statuses) is called on the
//! screen: the value list is the enum's own, the words are the catalog's.

use cloud::model::dbss::{OnOff, RuleType};
use cloud::model::dsc::AssetType;
use cloud::model::hss::{
    ContainerStatus, ExportClusterType, ExportHeaderKey, HandleStatus, IacFileType, IacScanSource,
    ImageScanStatus, ItemStatus, ScanType, SortDir, TaskStatus, TaskType, TriggerType, VulType,
};

use super::{t, Key};
use crate::dto::audit::{AuditAction, AuditResult};
use crate::dto::tasks::{TaskKind, TaskStatus as RowStatus};

/// A value with a name in the catalog.
pub trait Label: Copy {
    fn key(self) -> Key;

    fn label(self) -> &'static str {
        t(self.key())
    }
}

/// A value as the cloud sent it, on the screen: its words when the portal knows the value, the
/// value itself, verbatim, when it does not (so a list with a new value still shows).
pub trait SeenLabel {
    fn label(&self) -> String;
}

impl<T: Label + cloud::model::WireEnum> SeenLabel for cloud::model::Seen<T> {
    fn label(&self) -> String {
        match self {
            cloud::model::Seen::Known(v) => v.label().to_string(),
            cloud::model::Seen::Other(raw) => raw.clone(),
        }
    }
}

/// `impl Label for E { Variant => Key, … }`, one arm per value: a new value of the cloud's is a
/// compile error here until it has words.
macro_rules! labels {
    ($($ty:ty { $($variant:ident => $key:ident),+ $(,)? })+) => {
        $(impl Label for $ty {
            fn key(self) -> Key {
                match self { $(Self::$variant => Key::$key,)+ }
            }
        })+
    };
}

labels! {
    ExportHeaderKey {
        ContainerId => HeaderContainerId, ContainerName => HeaderContainerName, ImageName => HeaderImageName,
        PodName => HeaderPodName, ClusterName => HeaderClusterName, ClusterType => HeaderClusterType,
        Status => HeaderStatus, Risky => HeaderRisky, LowRisk => HeaderLowRisk, MediumRisk => HeaderMediumRisk,
        HighRisk => HeaderHighRisk, FatalRisk => HeaderFatalRisk, CreateTime => HeaderCreateTime,
        RestartCount => HeaderRestartCount, CpuLimit => HeaderCpuLimit, MemoryLimit => HeaderMemoryLimit,
    }
    ExportClusterType {
        Cce => ClusterTypeCce, Ali => ClusterTypeAli, Tencent => ClusterTypeTencent, Azure => ClusterTypeAzure,
        Aws => ClusterTypeAws, SelfBuiltHw => ClusterTypeSelfBuiltHw, SelfBuiltIdc => ClusterTypeSelfBuiltIdc,
    }
    ContainerStatus {
        Running => ContainerRunning, Waiting => ContainerWaiting, Terminated => ContainerTerminated,
        Isolated => ContainerIsolated, Paused => ContainerPaused,
    }
    VulType { LinuxVul => VulLinux, AppVul => VulApp }
    HandleStatus { Unhandled => Unhandled, Handled => Handled }
    ImageScanStatus {
        Unscan => ImageUnscan, Success => ImageScanSuccess, Scanning => ImageScanning, Failed => ImageScanFailed,
        DownloadFailed => ImageDownloadFailed, ImageOversized => ImageOversized,
        WaitingForScan => ImageWaitingForScan, ImageScanStop => ImageScanStop,
    }
    AssetType {
        Database => AssetDatabase, Obs => AssetObs, Bigdata => AssetBigdata, Mrs => AssetMrs,
        MrsHive => AssetMrsHive, Lts => AssetLts, Git => AssetGit, Unknown => AssetUnknown, All => AssetAll,
    }
    ScanType { ClusterVul => ScanClusterVul, RiskAssessment => ScanRiskAssessment, Benchmark => ScanBenchmark }
    IacFileType { Dockerfile => FileDockerfile, K8sYaml => FileK8sYaml }
    IacScanSource { ManualScan => SourceManual, CicdScan => SourceCicd }
    TaskType { ClusterScan => TaskTypeClusterScan, IacScan => TaskTypeIacScan }
    TaskStatus { Ready => TaskReady, Running => TaskRunning, Finished => TaskFinished }
    TriggerType { Manual => TriggerManual, Schedule => TriggerSchedule }
    ItemStatus { Scanning => ItemScanning, Success => ItemSuccess, Failed => ItemFailed }
    SortDir { Desc => NewestFirst, Asc => OldestFirst }
    RuleType { BuildIn => BuiltIn, UserDefine => Custom }
    OnOff { On => On, Off => Off }
    TaskKind {
        HssContainers => KindHssContainers, HssLocalVuls => KindHssLocalVuls, DscResults => KindDscResults,
        ClusterScan => KindClusterScan, IacScan => KindIacScan,
    }
    AuditAction {
        SignIn => ActionSignIn, SignOut => ActionSignOut, SessionEnded => ActionSessionEnded,
        ExportCreate => ActionExportCreate, ScanCreate => ActionScanCreate, ScanRetry => ActionScanRetry,
        IacUpload => ActionIacUpload, MaskingRuleCreate => ActionMaskingRuleCreate,
        MaskingRuleUpdate => ActionMaskingRuleUpdate, MaskingRuleDelete => ActionMaskingRuleDelete,
        MaskingRuleSwitch => ActionMaskingRuleSwitch, MaskingSetting => ActionMaskingSetting,
        AuditPrune => ActionAuditPrune,
    }
    AuditResult { Ok => ResultOk, Failed => ResultFailed, Throttled => ResultThrottled, Unclear => ResultUnclear }
    RowStatus {
        Creating => StatusCreating, Checking => StatusChecking, Running => StatusRunning, Success => StatusSuccess,
        Failure => StatusFailure,
    }
}
