//! Every string a user reads, in one catalog. Pages name a [`Key`]; a locale is one more
//! function here, and no page changes when it is added.

use leptos::prelude::use_context;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    En,
}

/// Text for `key` in the locale provided as context (English when none is).
pub fn t(key: Key) -> &'static str {
    match use_context::<Locale>().unwrap_or_default() {
        Locale::En => en(key),
    }
}

macro_rules! catalog {
    ($($key:ident => $en:expr,)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Key { $($key,)* }

        impl Key {
            pub const ALL: &'static [Key] = &[$(Key::$key,)*];
        }

        fn en(key: Key) -> &'static str {
            match key { $(Key::$key => $en,)* }
        }
    };
}

catalog! {
    AppName => "SecPortal",
    Tagline => "Exports, scan tasks and masking rules for Huawei Cloud security services.",
    Loading => "Loading…",
    SkipToContent => "Skip to content",
    // Sign-in
    SignInMethod => "Sign-in method",
    TabPassword => "Sign in with a password",
    TabToken => "Sign in with a token",
    AccountName => "Account name",
    IamUserName => "IAM user name",
    Password => "Password",
    Region => "Region",
    SignIn => "Sign in",
    SigningIn => "Signing in…",
    IamToken => "IAM token",
    TokenHelp => "Paste an IAM token scoped to a project (the X-Subject-Token of a token request). It is checked with IAM before it is accepted.",
    DemoCredentials => "Demo credentials",
    DemoExplain => "This portal runs on the built-in cloud emulator. Sign in with:",
    SignInAgain => "Sign in again",
    // Shell
    DemoBanner => "Demo mode: every cloud call goes to the built-in emulator, not to Huawei Cloud.",
    NavLabel => "Main",
    NavDashboard => "Dashboard",
    User => "IAM user",
    Account => "Account",
    Project => "project",
    TokenLifetime => "Time left before the IAM token expires and you must sign in again",
    TokenLeft => "Token:",
    SignOut => "Sign out",
    // Dashboard
    DashboardTitle => "Dashboard",
    SignedInAs => "Signed in as",
    InAccount => "in account",
    WhatYouCanDo => "What SecPortal does",
    CardExportsTitle => "Exports",
    CardExportsText => "Export the HSS container list with your own columns, the vulnerabilities of local images, and DSC sensitive-data classification results; follow their progress and download the files.",
    CardScansTitle => "Scan tasks",
    CardScansText => "Start HSS cluster scans and IaC scans of Dockerfiles and Kubernetes YAML, follow them to the end and retry what failed.",
    CardMaskingTitle => "Masking rules",
    CardMaskingText => "Manage the privacy-data masking rules of DBSS audit instances: built-in and custom rules, and the instance switches.",
    DashboardComingSoon => "The navigation lists the screens that are ready; each of these areas joins it as its screen is finished.",
    NavMasking => "Masking rules",
    MaskingTitle => "Privacy-data masking",
    MaskingIntro => "DBSS masks privacy data in audit results by rules. Choose an audit instance to manage its rules.",
    NoInstances => "This project has no DBSS audit instances.",
    ColInstance => "Instance",
    ColStatus => "Status",
    ColSpec => "Specification",
    ColZone => "Zone",
    NotActive => "not ACTIVE: its rules cannot be managed now",
    BackToInstances => "← All audit instances",
    MaskingRulesTitle => "Masking rules",
    InstanceSettings => "Instance settings",
    SettingMasking => "Mask privacy data",
    SettingResultSet => "Store result sets",
    ExplainMaskingOn => "Turn masking on? Privacy data in this instance's audit results will be masked by the rules that are on.",
    ExplainMaskingOff => "Turn masking off? Audit results of this instance will show privacy data unmasked to everyone who can read them.",
    ExplainResultSetOn => "Store result sets? The instance will keep the rows returned by audited statements (masked where masking is on); this uses storage.",
    ExplainResultSetOff => "Stop storing result sets? Audit records will no longer include the rows returned by statements.",
    On => "On",
    Off => "Off",
    TurnOn => "Turn on",
    TurnOff => "Turn off",
    SearchByName => "Search by name",
    RuleType => "Type",
    Any => "Any",
    BuiltIn => "Built-in",
    Custom => "Custom",
    ApplyFilters => "Apply",
    NewRule => "New custom rule",
    EditRule => "Edit custom rule",
    RuleEditor => "Rule editor",
    RuleName => "Rule name",
    RuleRegex => "Regular expression",
    RuleSubstitution => "Substitution",
    SampleText => "Sample text to test the expression",
    PreviewHint => "Type an expression and some sample text to see what would be masked.",
    InvalidRegex => "Invalid regular expression:",
    MatchesInSample => "match(es) in the sample; masked it reads:",
    SaveRule => "Save rule",
    Cancel => "Cancel",
    SwitchOnSelected => "Switch on selected",
    SwitchOffSelected => "Switch off selected",
    Selected => "selected",
    Select => "Select",
    SelectAllOnPage => "Select all rules on this page",
    LastChange => "Last change",
    Actions => "Actions",
    BuiltInOnlySwitch => "built-in: switch only",
    Edit => "Edit",
    Delete => "Delete",
    ConfirmDelete => "Delete the custom rule",
    Pages => "Pages",
    Previous => "Previous",
    Next => "Next",
    PageSize => "Rules per page",
    DoneSwitched => "The selected rules were switched.",
    DoneCreated => "The rule was created.",
    DoneUpdated => "The rule was saved.",
    DoneDeleted => "The rule was deleted.",
    DoneSetting => "The instance setting was changed.",
    NotFoundTitle => "Page not found",
    BackToDashboard => "Back to the dashboard",
    // Errors
    ErrorCode => "Error code:",
    RequestId => "Request id:",
    Expired => "expired",
    ErrSignedOut => "You are signed out, or your session has ended. Sign in again to continue.",
    ErrBadCredentials => "Sign-in failed. Check the account name, IAM user name, password and region, then try again.",
    ErrRequired => "This field is required.",
    ErrTooLong => "Too long; the most allowed is",
    ErrRegion => "Choose one of the listed regions.",
    ErrTokenNotProjectScoped => "This token is not scoped to a project. Use a token issued for a project (region).",
    ErrCloudUnreachable => "the cloud service could not be reached. Try again in a moment.",
    ErrSessionStore => "The portal could not save your session. Try again; if it keeps failing, tell the portal's operators.",
    HintForbidden => "Your IAM user lacks the permission for this action. Ask your account administrator.",
    HintThrottled => "The cloud limits how often this can be called. Wait a minute and try again.",
    HintUnavailable => "Check your connection or try again shortly.",
    ErrHistoryStore => "The portal could not read or write its export history. Try again; if it keeps failing, tell the portal's operators.",
    ErrExportNotFound => "No such export among yours.",
    // Exports
    NavExports => "Exports",
    NavHistory => "History",
    ExportsLead => "Export the HSS container list, the vulnerabilities of local images, or DSC classification results. The portal follows each export and keeps the file ready to download.",
    ExportType => "Export type",
    ContainerExport => "HSS containers",
    ImagesExport => "HSS image vulnerabilities",
    DscExport => "DSC classification results",
    Exports => "Exports",
    Filters => "Filters",
    Columns => "Columns",
    ColumnsHelp => "Choose the columns, give each the title you want in the spreadsheet, and put them in order. The portal remembers your last set.",
    ChosenColumns => "Chosen columns",
    AddColumn => "Add column",
    Add => "Add",
    AllColumns => "Use all 16 columns",
    Remove => "Remove",
    StartExport => "Start export",
    Starting => "Starting…",
    ExportStarted => "Export started",
    ExportStartedHint => "— follow it below; the Download button appears when the file is ready. You may leave this page: the portal keeps watching.",
    RecentExports => "Your recent exports",
    RecentExportsHelp => "Updated live while an export runs. Every export you created is in",
    NoExportsYet => "No exports yet.",
    NoExportsMatch => "No exports match these filters.",
    HistoryLead => "Every export you created through the portal, newest first. Files can be downloaded for a day after they are ready.",
    AllTypes => "All types",
    AllStatuses => "All statuses",
    ColType => "Type",
    ColWhat => "What",
    ColStarted => "Started",
    ColTook => "Time",
    ColFile => "File",
    Download => "Download",
    TryAgainIn => "The cloud allows only a few calls a minute. Try again in",
    Images => "Images",
    ChosenImages => "Chosen images",
    AllMatchingImages => "All images that match the filters",
    ImagesChosen => "images chosen",
    LocalImages => "Local images",
    SearchName => "Image name",
    SearchVersion => "Version",
    Search => "Search",
    RefreshList => "Refresh the list",
    ColImage => "Image",
    ColVersion => "Version",
    ColScan => "Scan",
    ColVulnerabilities => "Vulnerabilities",
    ColContainers => "Containers",
    ScanJob => "Scan job",
    ChooseJob => "Choose a scan job…",
    ChooseJobFirst => "Choose a scan job to see its security levels and the buckets the file can go to.",
    SecurityLevels => "Security levels",
    LevelsHelp => "Only results of the checked levels are exported; none checked means all levels. The counts are the job's results per level.",
    TargetBucket => "Bucket for the file",
    TargetBucketHelp => "The OBS bucket DSC writes the exported file to.",
    MaskExport => "Mask sensitive content in the export",
    Preview => "Preview",
    ResultsMatch => "results match; the first ones:",
    ColAsset => "Asset",
    ColObject => "Object",
    ColLevel => "Level",
    ColRules => "Rules matched",
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_is_complete() {
        for key in Key::ALL {
            assert!(!en(*key).trim().is_empty(), "{key:?} has no English text");
        }
    }
}
