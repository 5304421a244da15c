//! The one configuration struct: flags or `SECPORTAL_*` variables. The defaults serve the
//! embedded demo; a production deployment changes variables, never code.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use url::Url;

/// Which cloud the portal talks to.
#[derive(Clone, Debug, PartialEq)]
pub enum CloudTarget {
    /// The emulator, started in-process on a loopback port.
    Demo,
    /// The real Huawei Cloud endpoints (SDK-style `HUAWEICLOUD_SDK_*` overrides still apply).
    Huawei,
    /// One address that serves every service at its real paths (a standalone emulator).
    Single(Url),
}

impl std::str::FromStr for CloudTarget {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "demo" => Ok(Self::Demo),
            "huawei" => Ok(Self::Huawei),
            other => match Url::parse(other) {
                Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(Self::Single(url)),
                _ => Err("expected `demo`, `huawei` or an http(s) URL".into()),
            },
        }
    }
}

#[derive(Parser, Clone, Debug)]
#[command(name = "secportal", version, about = "SecPortal: a web portal for Huawei Cloud security services")]
pub struct Config {
    /// Address to listen on. Defaults to the Leptos site address (127.0.0.1:3000).
    #[arg(long, env = "SECPORTAL_ADDR")]
    pub addr: Option<SocketAddr>,

    /// `demo` (built-in emulator), `huawei` (the real cloud) or the URL of a standalone emulator.
    /// Unset means demo, which only a loopback address may serve (`check_exposure`).
    #[arg(long, env = "SECPORTAL_CLOUD")]
    pub cloud: Option<CloudTarget>,

    /// Demo mode against an emulator already running at this URL (`cargo run -p emulator`),
    /// instead of one started in-process: its tasks and files then outlive portal restarts.
    #[arg(long, env = "SECPORTAL_DEMO_EMULATOR")]
    pub demo_emulator: Option<Url>,

    /// Directory for the SQLite database and the generated session key.
    #[arg(long, env = "SECPORTAL_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// Durable state (sessions in embedded mode, history, preferences). SQLite under the data
    /// directory by default (embedded mode); `postgres://…` runs cluster mode, with
    /// `SECPORTAL_REDIS_URL` and `SECPORTAL_SESSION_KEY` required too.
    #[arg(long, env = "SECPORTAL_DATABASE_URL")]
    pub database_url: Option<String>,

    /// Cluster mode's shared ephemeral state (sessions, the HSS budget): `redis://…`.
    #[arg(long, env = "SECPORTAL_REDIS_URL")]
    pub redis_url: Option<String>,

    /// Prefix of every Redis key, so several portals (or tests) can share one Redis.
    #[arg(long, env = "SECPORTAL_REDIS_PREFIX", default_value = "secportal:")]
    pub redis_prefix: String,

    /// 32-byte key, base64, that encrypts IAM tokens at rest. Generated under the data
    /// directory when unset; set it when several instances share one database.
    #[arg(long, env = "SECPORTAL_SESSION_KEY", hide_env_values = true)]
    pub session_key: Option<String>,

    /// The origin browsers use to reach the portal (`https://portal.example.com`) when it sits
    /// behind a reverse proxy. Unset: the request's own Host is the origin.
    #[arg(long, env = "SECPORTAL_PUBLIC_ORIGIN")]
    pub public_origin: Option<Url>,

    /// Mark the session cookie Secure. Turn off only for plain-http deployments that are not
    /// reached as localhost (browsers accept Secure cookies from http://localhost).
    #[arg(long, env = "SECPORTAL_COOKIE_SECURE", default_value_t = true, action = clap::ArgAction::Set)]
    pub cookie_secure: bool,

    /// A session unused this long ends.
    #[arg(long, env = "SECPORTAL_IDLE_TIMEOUT_MINUTES", default_value_t = 30)]
    pub idle_timeout_minutes: u32,

    /// A session ends after this long however active (and always when its IAM token expires).
    #[arg(long, env = "SECPORTAL_SESSION_MAX_HOURS", default_value_t = 12)]
    pub session_max_hours: u32,

    #[arg(long, env = "SECPORTAL_CLOUD_CONNECT_TIMEOUT_SECS", default_value_t = 5)]
    pub cloud_connect_timeout_secs: u64,

    #[arg(long, env = "SECPORTAL_CLOUD_REQUEST_TIMEOUT_SECS", default_value_t = 30)]
    pub cloud_request_timeout_secs: u64,

    /// HSS calls per user per API per minute the portal allows itself (the cloud's limit is 5);
    /// 0 turns the client-side limiter off.
    #[arg(long, env = "SECPORTAL_HSS_CALLS_PER_MINUTE", default_value_t = 5)]
    pub hss_calls_per_minute: u32,

    /// Least time, in milliseconds, between two export-status calls of one user to one API. The
    /// default, 12 s, is HSS's 5 calls a minute.
    #[arg(long, env = "SECPORTAL_TRACKER_SPACING_MS", default_value_t = 12_000)]
    pub tracker_spacing_ms: u64,

    /// Least time, in milliseconds, between two status polls of one export (the API reference
    /// asks for at least 12 s); polls then slow down to once a minute for long exports.
    #[arg(long, env = "SECPORTAL_TRACKER_MIN_INTERVAL_MS", default_value_t = 12_000)]
    pub tracker_min_interval_ms: u64,

    /// One status poll's limit in seconds, its cloud call included (one quick retry, then the
    /// tracker backs off on its own).
    #[arg(long, env = "SECPORTAL_TRACKER_POLL_TIMEOUT_SECS", default_value_t = 10)]
    pub tracker_poll_timeout_secs: u64,

    /// Finished tasks older than this many days leave the history.
    #[arg(long, env = "SECPORTAL_TASK_RETENTION_DAYS", default_value_t = 90)]
    pub task_retention_days: u32,

    /// Sign-in tries allowed a minute per client address and per account/user; more answer 429
    /// and never reach IAM.
    #[arg(long, env = "SECPORTAL_SIGN_IN_PER_MINUTE", default_value_t = 10)]
    pub sign_in_per_minute: u32,

    /// Proxies in front of the portal whose `X-Forwarded-For` entries are trusted (0: the
    /// connection's address is the client's; 1: one nginx, which appends the client's).
    #[arg(long, env = "SECPORTAL_TRUSTED_PROXY_HOPS", default_value_t = 0)]
    pub trusted_proxy_hops: usize,

    /// Longest a client may take to send a request's headers, and longest a keep-alive
    /// connection may sit idle.
    #[arg(long, env = "SECPORTAL_HEADER_READ_TIMEOUT_SECS", default_value_t = 10)]
    pub header_read_timeout_secs: u64,

    /// Longest a client may take to send a request's body.
    #[arg(long, env = "SECPORTAL_BODY_READ_TIMEOUT_SECS", default_value_t = 60)]
    pub body_read_timeout_secs: u64,

    /// Connections served at once; more wait in the kernel's backlog.
    #[arg(long, env = "SECPORTAL_MAX_CONNECTIONS", default_value_t = 1024)]
    pub max_connections: usize,

    /// Every password sign-in needs a virtual-MFA passcode, and a token sign-in a token that
    /// was issued with one.
    #[arg(long, env = "SECPORTAL_REQUIRE_MFA", default_value_t = false, action = clap::ArgAction::Set)]
    pub require_mfa: bool,

    /// Administrators, as `account/user` separated by commas (case does not matter): they read
    /// every audit entry of their account.
    #[arg(long, env = "SECPORTAL_ADMINS", value_delimiter = ',', default_value = "")]
    pub admins: Vec<String>,

    /// The IAM group whose members administer their account, as SECPORTAL_ADMINS does: asked
    /// of IAM at sign-in with the user's token (KeystoneListGroupsForUser), which IAM answers
    /// only for users with IAM read permission, so the group must grant that.
    #[arg(long, env = "SECPORTAL_ADMIN_GROUP")]
    pub admin_group: Option<String>,

    /// Audit entries older than this many days are removed (the removal is itself recorded).
    #[arg(long, env = "SECPORTAL_AUDIT_RETENTION_DAYS", default_value_t = 400)]
    pub audit_retention_days: u32,

    /// Where Prometheus metrics are served (`GET /metrics`), on a listener of their own; none
    /// when unset. Keep it off the public proxy.
    #[arg(long, env = "SECPORTAL_METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,

    /// `text` (one line per event) or `json` (one object per line).
    #[arg(long, env = "SECPORTAL_LOG_FORMAT", default_value = "text", value_parser = ["text", "json"])]
    pub log_format: String,

    /// Log filter (tracing `EnvFilter` syntax).
    #[arg(long, env = "SECPORTAL_LOG", default_value = "info,sqlx=warn")]
    pub log: String,
}

impl Config {
    pub fn tracker(&self) -> crate::tracker::TrackerConfig {
        let min_interval = Duration::from_millis(self.tracker_min_interval_ms.max(1));
        crate::tracker::TrackerConfig {
            spacing: Duration::from_millis(self.tracker_spacing_ms),
            min_interval,
            max_interval: min_interval.max(Duration::from_secs(60).min(min_interval * 5)),
            max_backoff: min_interval * 25,
            poll_timeout: Duration::from_secs(self.tracker_poll_timeout_secs.max(1)),
            retention: Duration::from_secs(u64::from(self.task_retention_days.max(1)) * 24 * 3600),
            audit_retention: Duration::from_secs(u64::from(self.audit_retention_days.max(1)) * 24 * 3600),
            ..Default::default()
        }
    }

    /// `SECPORTAL_ADMINS` as the portal compares it: trimmed, lower case, blanks left out.
    pub fn admin_list(&self) -> Vec<String> {
        self.admins.iter().map(|a| a.trim().to_lowercase()).filter(|a| !a.is_empty()).collect()
    }

    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", self.data_dir.join("secportal.db").display()))
    }

    /// Cluster mode (several instances behind a proxy): PostgreSQL for durable state, Redis for
    /// shared ephemeral state, one session key for all. Refused unless all three are set, since
    /// a half-shared setup signs users out at random or spends their HSS budget twice.
    pub fn cluster(&self) -> Result<Option<Cluster>, String> {
        let postgres = self
            .database_url
            .as_deref()
            .filter(|u| u.starts_with("postgres://") || u.starts_with("postgresql://"));
        match (postgres, self.redis_url.as_deref()) {
            (None, None) => Ok(None),
            (Some(_), None) => {
                Err("cluster mode (a PostgreSQL SECPORTAL_DATABASE_URL) needs SECPORTAL_REDIS_URL".into())
            }
            (None, Some(_)) => {
                Err("SECPORTAL_REDIS_URL is for cluster mode: set a postgres:// SECPORTAL_DATABASE_URL too"
                    .into())
            }
            (Some(_), Some(_)) if self.session_key.is_none() => {
                Err("cluster mode needs SECPORTAL_SESSION_KEY, the same on every instance".into())
            }
            (Some(database), Some(redis)) => {
                Ok(Some(Cluster { database: database.into(), redis: redis.into() }))
            }
        }
    }

    /// The cloud the portal talks to (demo when unset).
    pub fn cloud(&self) -> &CloudTarget {
        self.cloud.as_ref().unwrap_or(&CloudTarget::Demo)
    }

    pub fn is_demo(&self) -> bool {
        *self.cloud() == CloudTarget::Demo
    }

    /// A server others can reach must say which cloud it serves and under which origin: a
    /// production start that forgot `SECPORTAL_CLOUD` would otherwise serve the demo, whose
    /// passwords are published, and one without `SECPORTAL_PUBLIC_ORIGIN` would trust any Host.
    pub fn check_exposure(&self, addr: SocketAddr) -> Result<(), String> {
        if addr.ip().is_loopback() {
            return Ok(());
        }
        let mut missing = Vec::new();
        if self.cloud.is_none() {
            missing.push("SECPORTAL_CLOUD (demo, huawei or an emulator URL)");
        }
        if self.public_origin.is_none() {
            missing.push("SECPORTAL_PUBLIC_ORIGIN (the address browsers use)");
        }
        if missing.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "listening on {addr}, which is not a loopback address, needs {}",
                missing.join(" and ")
            ))
        }
    }

    pub fn listen_limits(&self) -> crate::listen::Limits {
        crate::listen::Limits {
            header_read_timeout: Duration::from_secs(self.header_read_timeout_secs.max(1)),
            max_connections: self.max_connections.max(1),
            ..Default::default()
        }
    }
}

/// Printed at start-up: every setting, secrets as `***`.
impl fmt::Display for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cloud = match self.cloud() {
            CloudTarget::Demo => "demo (built-in emulator)".to_string(),
            CloudTarget::Huawei => "huawei (real endpoints)".to_string(),
            CloudTarget::Single(u) => format!("single endpoint {u}"),
        };
        let db = self.database_url();
        write!(
            f,
            "cloud={cloud} addr={} data_dir={} database={} redis={} session_key={} public_origin={} cookie_secure={} \
             idle_timeout={}min session_max={}h cloud_timeouts={}s/{}s tracker_spacing={}ms",
            self.addr.map_or("(site-addr)".to_string(), |a| a.to_string()),
            self.data_dir.display(),
            redact_url(&db),
            self.redis_url.as_deref().map_or("(none: embedded)".to_string(), redact_url),
            if self.session_key.is_some() { "***" } else { "(generated)" },
            self.public_origin.as_ref().map_or("(request host)".to_string(), |u| u.to_string()),
            self.cookie_secure,
            self.idle_timeout_minutes,
            self.session_max_hours,
            self.cloud_connect_timeout_secs,
            self.cloud_request_timeout_secs,
            self.tracker_spacing_ms,
        )
    }
}

/// Where cluster mode keeps its state.
#[derive(Clone, Debug)]
pub struct Cluster {
    pub database: String,
    pub redis: String,
}

/// Hides a password in a database URL.
fn redact_url(raw: &str) -> String {
    match Url::parse(raw) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("***"));
            url.to_string()
        }
        _ => raw.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_hides_secrets() {
        let mut c = Config::parse_from(["secportal"]);
        c.session_key = Some("c2VjcmV0".into());
        c.database_url = Some("postgres://app:hunter2@db/secportal".into());
        let shown = c.to_string();
        assert!(!shown.contains("c2VjcmV0") && !shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("cloud=demo"));
    }

    #[test]
    fn only_loopback_may_start_without_cloud_and_origin() {
        let local: SocketAddr = "127.0.0.1:3000".parse().unwrap();
        let open: SocketAddr = "0.0.0.0:3000".parse().unwrap();
        let bare = Config::parse_from(["secportal"]);
        assert!(bare.check_exposure(local).is_ok());
        let refused = bare.check_exposure(open).unwrap_err();
        assert!(
            refused.contains("SECPORTAL_CLOUD") && refused.contains("SECPORTAL_PUBLIC_ORIGIN"),
            "{refused}"
        );
        let origin_only = Config::parse_from(["secportal", "--public-origin", "https://portal.example.com"]);
        assert!(origin_only.check_exposure(open).unwrap_err().contains("SECPORTAL_CLOUD"));
        let both = Config::parse_from([
            "secportal",
            "--cloud",
            "huawei",
            "--public-origin",
            "https://p.example.com",
        ]);
        assert!(both.check_exposure(open).is_ok());
        // Demo on purpose is allowed: it was asked for.
        let demo =
            Config::parse_from(["secportal", "--cloud", "demo", "--public-origin", "http://10.0.0.5:3000"]);
        assert!(demo.check_exposure("10.0.0.5:3000".parse().unwrap()).is_ok());
    }

    #[test]
    fn cloud_target_parses() {
        assert_eq!("demo".parse::<CloudTarget>().unwrap(), CloudTarget::Demo);
        assert!(matches!("http://127.0.0.1:8600".parse::<CloudTarget>().unwrap(), CloudTarget::Single(_)));
        assert!("ftp://x".parse::<CloudTarget>().is_err());
    }
}
