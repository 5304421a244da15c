use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use base64::Engine;
use time::OffsetDateTime;

use crate::data::{DemoData, Rng};
use crate::dbss::{MaskRule, Masking};
use crate::hss::export::ExportTask;
use crate::hss::iac::IacFile;
use crate::hss::tasks::HssTask;
use crate::seed::{DemoProject, DemoUser};
use crate::timing::TaskTiming;
use crate::Config;

/// What the emulator remembers about a token it issued.
#[derive(Clone)]
pub struct IssuedToken {
    pub user: &'static DemoUser,
    pub project: Option<&'static DemoProject>,
    /// Issued with a virtual-MFA passcode (its `methods` say so).
    pub mfa: bool,
    pub issued_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

/// Temporary access keys issued from a token.
#[derive(Clone, Debug)]
pub struct TemporaryKey {
    pub access_key: String,
    pub secret_key: String,
    pub security_token: String,
    pub user: &'static DemoUser,
    pub expires_at: OffsetDateTime,
}

pub struct Emulator {
    pub(crate) config: Config,
    /// The current data set. `'static` so handlers keep plain references into it; the test-only
    /// switch (`set_data_size`) leaks the previous set (about a megabyte, a few times per test
    /// run) rather than make every handler hold a lock.
    data: Mutex<&'static DemoData>,
    tokens: Mutex<HashMap<String, IssuedToken>>,
    temporary_keys: Mutex<HashMap<String, TemporaryKey>>,
    /// Keyed by project id.
    hss_tasks: Mutex<HashMap<String, Vec<HssTask>>>,
    iac_files: Mutex<HashMap<String, Vec<IacFile>>>,
    /// DBSS masking state by instance id, made from the seed on first use.
    masking: Mutex<HashMap<String, Masking>>,
    /// DSC exports, one per project and job.
    dsc_exports: Mutex<crate::dsc::Exports>,
    /// Recent calls per (user, API), for HSS's per-user rate limit.
    calls: Mutex<HashMap<(String, String), std::collections::VecDeque<i64>>>,
    rate_limit: Mutex<Option<u32>>,
    /// The rate limit's window: a minute, like the gateway's, unless a test shortens it.
    rate_window_ms: Mutex<i64>,
    export_padding: Mutex<u32>,
    faults: Mutex<Vec<crate::control::FaultRule>>,
    log: Mutex<Vec<crate::control::LoggedRequest>>,
    /// Every task and export the API calls created, in order (tests count them against the
    /// portal's history).
    created: Mutex<Vec<crate::control::CreatedTask>>,
    /// Export tasks by task id.
    exports: Mutex<HashMap<String, ExportTask>>,
    /// How many of the next export tasks will fail (set through the control API).
    export_failures: Mutex<u32>,
    timing: Mutex<TaskTiming>,
    ids: Mutex<Rng>,
}

impl Emulator {
    pub fn new(config: Config) -> Self {
        let data = Mutex::new(&*Box::leak(Box::new(DemoData::generate(config.seed, config.data_size))));
        Self {
            data,
            tokens: Mutex::new(HashMap::new()),
            temporary_keys: Mutex::new(HashMap::new()),
            hss_tasks: Mutex::new(HashMap::new()),
            iac_files: Mutex::new(HashMap::new()),
            exports: Mutex::new(HashMap::new()),
            masking: Mutex::new(HashMap::new()),
            dsc_exports: Mutex::new(HashMap::new()),
            calls: Mutex::new(HashMap::new()),
            faults: Mutex::new(Vec::new()),
            log: Mutex::new(Vec::new()),
            created: Mutex::new(Vec::new()),
            rate_limit: Mutex::new(config.hss_rate_limit),
            rate_window_ms: Mutex::new(60_000),
            export_padding: Mutex::new(0),
            export_failures: Mutex::new(0),
            timing: Mutex::new(config.task_timing),
            ids: Mutex::new(Rng::new(config.seed ^ 0x5EC9_0A7A)),
            config,
        }
    }

    pub fn data(&self) -> &'static DemoData {
        *self.data.lock().expect("data")
    }

    /// Regenerates the data set at `size` from the same seed: ids stay, names change (hostile).
    pub fn set_data_size(&self, size: crate::data::DataSize) {
        let data = Box::leak(Box::new(DemoData::generate(self.config.seed, size)));
        *self.data.lock().expect("data") = data;
    }

    pub fn task_timing(&self) -> TaskTiming {
        *self.timing.lock().expect("timing")
    }

    pub fn set_task_timing(&self, timing: TaskTiming) {
        *self.timing.lock().expect("timing") = timing;
    }

    /// A fresh id in the cloud's UUID form, deterministic for a given seed.
    pub fn next_id(&self) -> String {
        self.ids.lock().expect("id generator").uuid()
    }

    /// Runs `f` on the project's HSS tasks under the lock.
    pub fn with_hss_tasks<R>(&self, project_id: &str, f: impl FnOnce(&mut Vec<HssTask>) -> R) -> R {
        let mut all = self.hss_tasks.lock().expect("task map");
        f(all.entry(project_id.to_string()).or_default())
    }

    pub fn iac_files(&self, project_id: &str) -> Vec<IacFile> {
        self.iac_files.lock().expect("file map").get(project_id).cloned().unwrap_or_default()
    }

    /// A copy of an instance's masking state.
    pub fn masking(&self, instance_id: &str) -> Masking {
        self.with_masking(instance_id, |m| m.clone())
    }

    pub fn with_masking<R>(&self, instance_id: &str, f: impl FnOnce(&mut Masking) -> R) -> R {
        let mut all = self.masking.lock().expect("masking");
        let m = all.entry(instance_id.to_string()).or_insert_with(|| self.seed_masking(instance_id));
        f(m)
    }

    fn seed_masking(&self, instance_id: &str) -> Masking {
        let mut rng =
            Rng::new(self.config.seed ^ instance_id.bytes().fold(0u64, |h, b| h.wrapping_mul(31) ^ b as u64));
        let mut id = || rule_id(&mut rng);
        let mut rules: Vec<MaskRule> = crate::data::BUILT_IN_RULES
            .iter()
            .map(|(name, value, on)| MaskRule {
                id: id(),
                name: name.to_string(),
                kind: "BUILD_IN".into(),
                regex: "-".into(),
                mask_value: value.to_string(),
                status: if *on { "ON" } else { "OFF" }.into(),
                operate_time: "2025-03-01 08:00:00".into(),
            })
            .collect();
        rules.extend(crate::data::CUSTOM_RULES.iter().map(|(name, regex, value, on)| MaskRule {
            id: id(),
            name: name.to_string(),
            kind: "USER_DEFINE".into(),
            regex: regex.to_string(),
            mask_value: value.to_string(),
            status: if *on { "ON" } else { "OFF" }.into(),
            operate_time: "2025-06-01 10:00:00".into(),
        }));
        Masking { rules, mask_switch: "ON".into(), result_switch: "OFF".into() }
    }

    /// A 20-character opaque rule id, like `n34W2ngBo47GiyUSKOVl`.
    pub fn next_rule_id(&self) -> String {
        rule_id(&mut self.ids.lock().expect("id generator"))
    }

    /// Forgets everything the API calls changed (tasks, exports, uploads, rules, counters, faults,
    /// the request log). Tokens stay valid so signed-in sessions survive.
    pub fn reset(&self) {
        self.hss_tasks.lock().expect("tasks").clear();
        self.iac_files.lock().expect("files").clear();
        self.exports.lock().expect("exports").clear();
        self.dsc_exports.lock().expect("dsc exports").clear();
        self.masking.lock().expect("masking").clear();
        self.calls.lock().expect("calls").clear();
        self.faults.lock().expect("faults").clear();
        self.log.lock().expect("log").clear();
        self.created.lock().expect("created").clear();
        *self.export_failures.lock().expect("failures") = 0;
        *self.export_padding.lock().expect("padding") = 0;
    }

    pub fn add_fault(&self, rule: crate::control::FaultRule) {
        self.faults.lock().expect("faults").push(rule);
    }

    pub fn faults(&self) -> Vec<crate::control::FaultRule> {
        self.faults.lock().expect("faults").clone()
    }

    pub fn clear_faults(&self) {
        self.faults.lock().expect("faults").clear();
    }

    /// The first matching rule that fires (by its probability), counting down its `times`.
    pub(crate) fn take_fault(
        &self,
        matches: impl Fn(&crate::control::FaultRule) -> bool,
    ) -> Option<crate::control::FaultRule> {
        let mut faults = self.faults.lock().expect("faults");
        let at = faults.iter().position(|r| matches(r) && rand::random::<f64>() < r.probability)?;
        let rule = faults[at].clone();
        if let Some(n) = faults[at].times.as_mut() {
            *n = n.saturating_sub(1);
            if *n == 0 {
                faults.remove(at);
            }
        }
        Some(rule)
    }

    /// Keeps the most recent 10,000 requests.
    pub(crate) fn log_request(&self, entry: crate::control::LoggedRequest) {
        let mut log = self.log.lock().expect("log");
        if log.len() >= 10_000 {
            log.remove(0);
        }
        log.push(entry);
    }

    pub fn requests(&self) -> Vec<crate::control::LoggedRequest> {
        self.log.lock().expect("log").clone()
    }

    pub fn clear_requests(&self) {
        self.log.lock().expect("log").clear();
    }

    /// Sets HSS's calls per user per API per minute; `None` turns limiting off (demos).
    pub fn set_rate_limit(&self, per_minute: Option<u32>) {
        self.set_rate_limit_window(per_minute, 60_000);
    }

    /// Like [`Self::set_rate_limit`] with a shorter window, so tests can check spacing quickly.
    pub fn set_rate_limit_window(&self, per_window: Option<u32>, window_ms: i64) {
        *self.rate_window_ms.lock().expect("rate window") = window_ms.max(1);
        *self.rate_limit.lock().expect("rate limit") = per_window;
        self.calls.lock().expect("calls").clear();
    }

    /// Counts a call; `Some(limit)` when it is one too many.
    pub fn over_rate_limit(&self, user: &str, api: &str) -> Option<u32> {
        let limit = (*self.rate_limit.lock().expect("rate limit"))?;
        let now = crate::timing::now_ms();
        let span = *self.rate_window_ms.lock().expect("rate window");
        let mut calls = self.calls.lock().expect("calls");
        let window = calls.entry((user.to_string(), api.to_string())).or_default();
        while window.front().is_some_and(|t| now - t >= span) {
            window.pop_front();
        }
        if window.len() >= limit as usize {
            return Some(limit);
        }
        window.push_back(now);
        None
    }

    /// Notes a task or export an API call created.
    pub fn record_created(&self, kind: &'static str, project_id: &str, id: String) {
        let at_ms = crate::timing::now_ms();
        let entry = crate::control::CreatedTask { kind, project_id: project_id.to_string(), id, at_ms };
        self.created.lock().expect("created").push(entry);
    }

    pub fn created(&self) -> Vec<crate::control::CreatedTask> {
        self.created.lock().expect("created").clone()
    }

    pub fn set_dsc_export(&self, project_id: &str, job_id: &str, export: crate::dsc::DscExport) {
        let start = export.info["start_time"].as_str().unwrap_or_default();
        self.record_created("dsc_export", project_id, format!("{job_id}@{start}"));
        self.dsc_exports.lock().expect("dsc exports").insert(crate::dsc::key(project_id, job_id), export);
    }

    pub fn with_dsc_export<R>(
        &self,
        project_id: &str,
        job_id: &str,
        f: impl FnOnce(&mut crate::dsc::DscExport) -> R,
    ) -> Option<R> {
        self.dsc_exports.lock().expect("dsc exports").get_mut(&crate::dsc::key(project_id, job_id)).map(f)
    }

    /// A finished export's file by its URL token.
    pub fn dsc_file(&self, token: &str) -> Option<Arc<Vec<u8>>> {
        let timing = self.task_timing();
        let now = crate::timing::now_ms();
        let exports = self.dsc_exports.lock().expect("dsc exports");
        exports
            .values()
            .find(|x| x.file_token == token && !x.fails && x.clock.done(timing, now))
            .map(|x| x.content.clone())
    }

    pub fn add_export(&self, task: ExportTask) {
        self.exports.lock().expect("exports").insert(task.task_id.clone(), task);
    }

    pub fn with_export<R>(&self, task_id: &str, f: impl FnOnce(&mut ExportTask) -> R) -> Option<R> {
        self.exports.lock().expect("exports").get_mut(task_id).map(f)
    }

    /// The file of an export task that `ready` says may be downloaded.
    pub fn export_file(&self, file_id: &str, ready: impl Fn(&ExportTask) -> bool) -> Option<ExportTask> {
        let exports = self.exports.lock().expect("exports");
        exports.values().find(|t| t.file_id == file_id && ready(t)).cloned()
    }

    /// Zero bytes the next export files carry as an extra entry (0: none).
    pub fn set_export_padding(&self, bytes: u32) {
        *self.export_padding.lock().expect("padding") = bytes;
    }

    pub(crate) fn export_padding(&self) -> u32 {
        *self.export_padding.lock().expect("padding")
    }

    /// Makes the next `n` export tasks fail.
    pub fn fail_next_exports(&self, n: u32) {
        *self.export_failures.lock().expect("failures") = n;
    }

    pub(crate) fn take_export_failure(&self) -> bool {
        let mut n = self.export_failures.lock().expect("failures");
        let fail = *n > 0;
        *n = n.saturating_sub(1);
        fail
    }

    pub fn add_iac_files(&self, project_id: &str, files: Vec<IacFile>) {
        self.iac_files.lock().expect("file map").entry(project_id.to_string()).or_default().extend(files);
    }

    /// Issues a long opaque token, like IAM's PKI tokens of a few kilobytes.
    pub(crate) fn issue_token(
        &self,
        user: &'static DemoUser,
        project: Option<&'static DemoProject>,
        mfa: bool,
    ) -> (String, IssuedToken) {
        let mut raw = vec![0u8; 3072];
        rand::Rng::fill(&mut rand::thread_rng(), raw.as_mut_slice());
        let token = format!("MII{}", base64::engine::general_purpose::STANDARD.encode(raw));
        let now = OffsetDateTime::now_utc();
        let issued =
            IssuedToken { user, project, mfa, issued_at: now, expires_at: now + self.config.token_ttl };
        self.tokens.lock().expect("token map").insert(token.clone(), issued.clone());
        (token, issued)
    }

    /// The token's record if it was issued here and has not expired.
    pub fn token(&self, token: &str) -> Option<IssuedToken> {
        let tokens = self.tokens.lock().expect("token map");
        tokens.get(token).filter(|t| t.expires_at > OffsetDateTime::now_utc()).cloned()
    }

    pub(crate) fn issue_temporary_key(
        &self,
        user: &'static DemoUser,
        ttl: std::time::Duration,
    ) -> TemporaryKey {
        let random = |n: usize| {
            let mut raw = vec![0u8; n];
            rand::Rng::fill(&mut rand::thread_rng(), raw.as_mut_slice());
            raw
        };
        let key = TemporaryKey {
            access_key: format!("SPTMP{}", hex::encode_upper(random(8))),
            secret_key: base64::engine::general_purpose::STANDARD_NO_PAD.encode(random(30)),
            security_token: format!("gQ{}", base64::engine::general_purpose::STANDARD.encode(random(600))),
            user,
            expires_at: OffsetDateTime::now_utc() + ttl,
        };
        self.temporary_keys.lock().expect("keys").insert(key.access_key.clone(), key.clone());
        key
    }

    /// A live temporary key by its access key.
    pub fn temporary_key(&self, access_key: &str) -> Option<TemporaryKey> {
        let keys = self.temporary_keys.lock().expect("keys");
        keys.get(access_key).filter(|k| k.expires_at > OffsetDateTime::now_utc()).cloned()
    }

    /// Whether the token was issued here, expired or not (to tell "expired" from "forged").
    pub fn token_was_issued(&self, token: &str) -> bool {
        self.tokens.lock().expect("token map").contains_key(token)
    }

    /// Every live token, so tests can check that none of them leaks anywhere.
    pub fn issued_tokens(&self) -> Vec<String> {
        self.tokens.lock().expect("token map").keys().cloned().collect()
    }

    /// Withdraws every token (as a password change would).
    pub fn revoke_all_tokens(&self) {
        self.tokens.lock().expect("token map").clear();
    }
}

fn rule_id(rng: &mut Rng) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    (0..20).map(|_| ALPHABET[rng.below(ALPHABET.len() as u64) as usize] as char).collect()
}
