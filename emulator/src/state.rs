use std::collections::HashMap;
use std::sync::Mutex;

use base64::Engine;
use time::OffsetDateTime;

use crate::data::DemoData;
use crate::seed::{DemoProject, DemoUser};
use crate::Config;

/// What the emulator remembers about a token it issued.
#[derive(Clone)]
pub struct IssuedToken {
    pub user: &'static DemoUser,
    pub project: Option<&'static DemoProject>,
    pub issued_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

/// An HSS common task (cluster or IaC scan) as the emulator tracks it.
#[derive(Clone, Debug)]
pub struct HssTask {
    pub task_id: String,
    pub task_type: String,
    pub task_status: String,
    pub start_time: i64,
}

pub struct Emulator {
    pub(crate) config: Config,
    data: DemoData,
    tokens: Mutex<HashMap<String, IssuedToken>>,
    /// Keyed by project id.
    hss_tasks: Mutex<HashMap<String, Vec<HssTask>>>,
}

impl Emulator {
    pub fn new(config: Config) -> Self {
        let data = DemoData::generate(config.seed, config.data_size);
        Self {
            config,
            data,
            tokens: Mutex::new(HashMap::new()),
            hss_tasks: Mutex::new(HashMap::new()),
        }
    }

    pub fn data(&self) -> &DemoData {
        &self.data
    }

    pub fn hss_tasks(&self, project_id: &str) -> Vec<HssTask> {
        self.hss_tasks
            .lock()
            .expect("task map")
            .get(project_id)
            .cloned()
            .unwrap_or_default()
    }

    /// Issues a long opaque token, like IAM's PKI tokens of a few kilobytes.
    pub(crate) fn issue_token(
        &self,
        user: &'static DemoUser,
        project: Option<&'static DemoProject>,
    ) -> (String, IssuedToken) {
        let mut raw = vec![0u8; 3072];
        rand::Rng::fill(&mut rand::thread_rng(), raw.as_mut_slice());
        let token = format!(
            "MII{}",
            base64::engine::general_purpose::STANDARD.encode(raw)
        );
        let now = OffsetDateTime::now_utc();
        let issued = IssuedToken {
            user,
            project,
            issued_at: now,
            expires_at: now + self.config.token_ttl,
        };
        self.tokens
            .lock()
            .expect("token map")
            .insert(token.clone(), issued.clone());
        (token, issued)
    }

    /// The token's record if it was issued here and has not expired.
    pub fn token(&self, token: &str) -> Option<IssuedToken> {
        let tokens = self.tokens.lock().expect("token map");
        tokens
            .get(token)
            .filter(|t| t.expires_at > OffsetDateTime::now_utc())
            .cloned()
    }

    /// Whether the token was issued here, expired or not (to tell "expired" from "forged").
    pub fn token_was_issued(&self, token: &str) -> bool {
        self.tokens.lock().expect("token map").contains_key(token)
    }

    /// Every live token, so tests can check that none of them leaks anywhere.
    pub fn issued_tokens(&self) -> Vec<String> {
        self.tokens
            .lock()
            .expect("token map")
            .keys()
            .cloned()
            .collect()
    }

    /// Withdraws every token (as a password change would).
    pub fn revoke_all_tokens(&self) {
        self.tokens.lock().expect("token map").clear();
    }
}
