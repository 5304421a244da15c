//! The embedded database: sessions, history and preferences in one SQLite file.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::SqlitePool;

use crate::Error;

pub async fn connect(url: &str) -> Result<SqlitePool, Error> {
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|e| Error::Config(format!("SECPORTAL_DATABASE_URL: {e}")))?
        .create_if_missing(true)
        // WAL lets readers proceed while a session is being written; with WAL, NORMAL
        // synchronisation is still safe against corruption and saves an fsync per commit.
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(sqlx::sqlite::SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(5));
    SqlitePoolOptions::new().max_connections(8).connect_with(options).await.map_err(Error::Database)
}

/// The database files under the data directory are the portal's alone (0600).
fn private_files(dir: &std::path::Path) {
    #[cfg(unix)]
    for name in ["secportal.db", "secportal.db-wal", "secportal.db-shm"] {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join(name);
        if path.exists() {
            if let Err(e) = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)) {
                tracing::warn!(path = %path.display(), error = %e, "could not make a database file private");
            }
        }
    }
}

/// Where the portal keeps its state: embedded (one SQLite file; in-process ephemeral state) or
/// cluster (PostgreSQL for durable state, Redis for shared ephemeral state).
#[derive(Clone)]
pub enum Storage {
    Embedded { pool: SqlitePool },
    Cluster { pool: sqlx::PgPool, shared: crate::redis_state::Shared },
}

/// The stores of one mode.
pub struct Opened {
    pub storage: Storage,
    pub tasks: std::sync::Arc<dyn app::ssr::tasks::TaskStore>,
    pub preferences: std::sync::Arc<dyn app::ssr::tasks::PreferenceStore>,
    pub audit: std::sync::Arc<dyn app::ssr::audit::AuditStore>,
    pub sessions: crate::sessions::Sessions,
    /// HSS's budget shared by the instances (cluster mode).
    pub budget: Option<std::sync::Arc<dyn cloud::limits::CallBudget>>,
    /// Sign-in tries per client address and account: in-process, or shared in cluster mode.
    pub sign_in_budget: std::sync::Arc<dyn cloud::limits::CallBudget>,
}

pub async fn open(config: &crate::Config) -> Result<Opened, Error> {
    use crate::sessions::Sessions;
    use crate::task_store::{PgTaskStore, SqliteTaskStore};
    use std::sync::Arc;
    match config.cluster().map_err(Error::Config)? {
        None => {
            let pool = connect(&config.database_url()).await?;
            private_files(&config.data_dir);
            let tasks = Arc::new(SqliteTaskStore::new(pool.clone()).await?);
            let sessions = Sessions::Sqlite(crate::sessions::SqliteSessions::new(pool.clone()));
            let sign_in_budget = Arc::new(cloud::limits::RateLimiter::new(Some(config.sign_in_per_minute)));
            Ok(Opened {
                audit: Arc::new(crate::audit_store::SqlAuditStore::new(pool.clone())),
                storage: Storage::Embedded { pool },
                tasks: tasks.clone(),
                preferences: tasks,
                sessions,
                budget: None,
                sign_in_budget,
            })
        }
        Some(cluster) => {
            let pool = sqlx::postgres::PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(5))
                .connect(&cluster.database)
                .await
                .map_err(Error::Database)?;
            let tasks = Arc::new(PgTaskStore::new(pool.clone()).await?);
            let shared = crate::redis_state::Shared::connect(&cluster.redis, &config.redis_prefix).await?;
            let budget = (config.hss_calls_per_minute > 0).then(|| {
                let budget =
                    crate::redis_state::RedisBudget::new(shared.clone(), "hss", config.hss_calls_per_minute);
                std::sync::Arc::new(budget) as std::sync::Arc<dyn cloud::limits::CallBudget>
            });
            let sign_in_budget = std::sync::Arc::new(crate::redis_state::RedisBudget::new(
                shared.clone(),
                "sign-in",
                config.sign_in_per_minute,
            ));
            Ok(Opened {
                sign_in_budget,
                sessions: Sessions::Redis(crate::redis_state::RedisSessions(shared.clone())),
                audit: Arc::new(crate::audit_store::SqlAuditStore::new(pool.clone())),
                storage: Storage::Cluster { pool, shared },
                tasks: tasks.clone(),
                preferences: tasks,
                budget,
            })
        }
    }
}

impl Storage {
    /// The embedded database (tests look into it).
    pub fn sqlite(&self) -> &SqlitePool {
        match self {
            Storage::Embedded { pool } => pool,
            Storage::Cluster { .. } => panic!("cluster mode keeps no SQLite database"),
        }
    }

    pub fn is_cluster(&self) -> bool {
        matches!(self, Storage::Cluster { .. })
    }

    /// Whether every store answers.
    pub async fn ready(&self) -> Result<(), String> {
        match self {
            Storage::Embedded { pool } => {
                sqlx::query("SELECT 1").execute(pool).await.map(|_| ()).map_err(|e| e.to_string())
            }
            Storage::Cluster { pool, shared } => {
                sqlx::query("SELECT 1").execute(pool).await.map_err(|e| e.to_string())?;
                shared.ping().await.map_err(|e| e.to_string())
            }
        }
    }

    /// Sessions not yet expired (the metrics' gauge).
    pub async fn active_sessions(&self) -> Result<u64, String> {
        match self {
            Storage::Embedded { pool } => {
                let now = time::OffsetDateTime::now_utc().unix_timestamp();
                let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE expiry_date > $1")
                    .bind(now)
                    .fetch_one(pool)
                    .await
                    .map_err(|e| e.to_string())?;
                Ok(n.max(0) as u64)
            }
            Storage::Cluster { shared, .. } => shared.count_sessions().await.map_err(|e| e.to_string()),
        }
    }

    pub async fn close(&self) {
        match self {
            Storage::Embedded { pool } => pool.close().await,
            Storage::Cluster { pool, .. } => pool.close().await,
        }
    }
}
