use std::collections::HashMap;
use std::sync::Mutex;

use base64::Engine;
use time::OffsetDateTime;

use crate::data::{DemoData, Rng};
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
    pub issued_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

pub struct Emulator {
    pub(crate) config: Config,
    data: DemoData,
    tokens: Mutex<HashMap<String, IssuedToken>>,
    /// Keyed by project id.
    hss_tasks: Mutex<HashMap<String, Vec<HssTask>>>,
    iac_files: Mutex<HashMap<String, Vec<IacFile>>>,
    timing: Mutex<TaskTiming>,
    ids: Mutex<Rng>,
}

impl Emulator {
    pub fn new(config: Config) -> Self {
        let data = DemoData::generate(config.seed, config.data_size);
        Self {
            data,
            tokens: Mutex::new(HashMap::new()),
            hss_tasks: Mutex::new(HashMap::new()),
            iac_files: Mutex::new(HashMap::new()),
            timing: Mutex::new(config.task_timing),
            ids: Mutex::new(Rng::new(config.seed ^ 0x5EC9_0A7A)),
            config,
        }
    }

    pub fn data(&self) -> &DemoData {
        &self.data
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

    pub fn add_iac_files(&self, project_id: &str, files: Vec<IacFile>) {
        self.iac_files.lock().expect("file map").entry(project_id.to_string()).or_default().extend(files);
    }

    /// Issues a long opaque token, like IAM's PKI tokens of a few kilobytes.
    pub(crate) fn issue_token(
        &self,
        user: &'static DemoUser,
        project: Option<&'static DemoProject>,
    ) -> (String, IssuedToken) {
        let mut raw = vec![0u8; 3072];
        rand::Rng::fill(&mut rand::thread_rng(), raw.as_mut_slice());
        let token = format!("MII{}", base64::engine::general_purpose::STANDARD.encode(raw));
        let now = OffsetDateTime::now_utc();
        let issued = IssuedToken { user, project, issued_at: now, expires_at: now + self.config.token_ttl };
        self.tokens.lock().expect("token map").insert(token.clone(), issued.clone());
        (token, issued)
    }

    /// The token's record if it was issued here and has not expired.
    pub fn token(&self, token: &str) -> Option<IssuedToken> {
        let tokens = self.tokens.lock().expect("token map");
        tokens.get(token).filter(|t| t.expires_at > OffsetDateTime::now_utc()).cloned()
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
