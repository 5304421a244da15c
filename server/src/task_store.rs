//! The task history and per-user preferences in the portal's SQLite database (beside the
//! sessions). The schema is `migrations/sqlite/`; rows map to [`Task`] through [`TaskRow`].

use app::dto::tasks::{HistoryFilter, TaskKind, TaskStatus};
use app::ssr::identity::Owner;
use app::ssr::tasks::{NewTask, PreferenceStore, Progress, StoreError, Task, TaskStore};
use async_trait::async_trait;
use sqlx::SqlitePool;

use crate::Error;

pub struct SqliteTaskStore {
    pool: SqlitePool,
}

impl SqliteTaskStore {
    /// The store on `pool`, its schema brought up to date.
    pub async fn new(pool: SqlitePool) -> Result<Self, Error> {
        sqlx::migrate!("./migrations/sqlite").run(&pool).await.map_err(|e| Error::Database(e.into()))?;
        Ok(Self { pool })
    }
}

fn failed(e: sqlx::Error) -> StoreError {
    StoreError(e.to_string())
}

/// A `tasks` row as stored.
#[derive(sqlx::FromRow)]
struct TaskRow {
    id: String,
    user_id: String,
    user_name: String,
    domain_id: String,
    project_id: String,
    region: String,
    kind: String,
    summary: String,
    params: String,
    cloud_task_id: String,
    status: String,
    failure: Option<String>,
    note: Option<String>,
    file_id: Option<String>,
    file_name: Option<String>,
    created_at: i64,
    finished_at: Option<i64>,
    next_poll_at: i64,
    polls: i64,
    poll_errors: i64,
    file_gone: bool,
    sealed_token: Option<String>,
    token_expires_at: i64,
}

impl TryFrom<TaskRow> for Task {
    type Error = StoreError;

    fn try_from(r: TaskRow) -> Result<Self, StoreError> {
        let unknown = |what: &str, v: &str| StoreError(format!("unknown {what} {v:?} in the tasks table"));
        Ok(Task {
            kind: r.kind.parse::<TaskKind>().map_err(|_| unknown("kind", &r.kind))?,
            status: r.status.parse::<TaskStatus>().map_err(|_| unknown("status", &r.status))?,
            id: r.id,
            owner: Owner {
                user_id: r.user_id,
                user_name: r.user_name,
                domain_id: r.domain_id,
                project_id: r.project_id,
                region: r.region,
            },
            summary: r.summary,
            params: r.params,
            cloud_task_id: r.cloud_task_id,
            failure: r.failure,
            note: r.note,
            file_id: r.file_id,
            file_name: r.file_name,
            created_at: r.created_at,
            finished_at: r.finished_at,
            next_poll_at: r.next_poll_at,
            polls: r.polls,
            poll_errors: r.poll_errors,
            file_gone: r.file_gone,
            sealed_token: r.sealed_token,
            token_expires_at: r.token_expires_at,
        })
    }
}

fn tasks(rows: Vec<TaskRow>) -> Result<Vec<Task>, StoreError> {
    rows.into_iter().map(Task::try_from).collect()
}

/// 128 random bits as hex: not guessable, so ids in URLs reveal nothing.
fn new_id() -> String {
    format!("{:032x}", rand::random::<u128>())
}

#[async_trait]
impl TaskStore for SqliteTaskStore {
    async fn insert(&self, t: NewTask, now_ms: i64, first_poll_at: i64) -> Result<Task, StoreError> {
        let id = new_id();
        sqlx::query(
            "INSERT INTO tasks (id, user_id, user_name, domain_id, project_id, region, kind, summary, params,
                cloud_task_id, status, created_at, updated_at, next_poll_at, sealed_token, token_expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'running', ?11, ?11, ?12, ?13, ?14)",
        )
        .bind(&id)
        .bind(&t.owner.user_id)
        .bind(&t.owner.user_name)
        .bind(&t.owner.domain_id)
        .bind(&t.owner.project_id)
        .bind(&t.owner.region)
        .bind(t.kind.as_str())
        .bind(&t.summary)
        .bind(&t.params)
        .bind(&t.cloud_task_id)
        .bind(now_ms)
        .bind(first_poll_at)
        .bind(&t.sealed_token)
        .bind(t.token_expires_at)
        .execute(&self.pool)
        .await
        .map_err(failed)?;
        self.get(&id).await?.ok_or_else(|| StoreError("the new task vanished".into()))
    }

    async fn get(&self, id: &str) -> Result<Option<Task>, StoreError> {
        let row: Option<TaskRow> = sqlx::query_as("SELECT * FROM tasks WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(failed)?;
        row.map(Task::try_from).transpose()
    }

    async fn list(
        &self,
        domain_id: &str,
        user_id: &str,
        filter: &HistoryFilter,
    ) -> Result<(Vec<Task>, u64), StoreError> {
        // Optional filters as `(?3 IS NULL OR kind = ?3)`: one statement, each value bound once.
        const WHERE: &str =
            "domain_id = ?1 AND user_id = ?2 AND (?3 IS NULL OR kind = ?3) AND (?4 IS NULL OR status = ?4)";
        let (kind, status) = (filter.kind.map(TaskKind::as_str), filter.status.map(TaskStatus::as_str));
        let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM tasks WHERE {WHERE}"))
            .bind(domain_id)
            .bind(user_id)
            .bind(kind)
            .bind(status)
            .fetch_one(&self.pool)
            .await
            .map_err(failed)?;
        let rows: Vec<TaskRow> = sqlx::query_as(&format!(
            "SELECT * FROM tasks WHERE {WHERE} ORDER BY created_at DESC, id DESC LIMIT ?5 OFFSET ?6"
        ))
        .bind(domain_id)
        .bind(user_id)
        .bind(kind)
        .bind(status)
        .bind(i64::from(filter.limit()))
        .bind(i64::from(filter.offset()))
        .fetch_all(&self.pool)
        .await
        .map_err(failed)?;
        Ok((tasks(rows)?, total.max(0) as u64))
    }

    async fn due(&self, now_ms: i64, limit: u32) -> Result<Vec<Task>, StoreError> {
        let rows: Vec<TaskRow> = sqlx::query_as(
            "SELECT * FROM tasks WHERE status = 'running' AND next_poll_at <= ? ORDER BY next_poll_at LIMIT ?",
        )
        .bind(now_ms)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(failed)?;
        tasks(rows)
    }

    async fn next_due(&self) -> Result<Option<i64>, StoreError> {
        sqlx::query_scalar("SELECT MIN(next_poll_at) FROM tasks WHERE status = 'running'")
            .fetch_one(&self.pool)
            .await
            .map_err(failed)
    }

    async fn record(&self, id: &str, progress: Progress, now_ms: i64) -> Result<(), StoreError> {
        let query = match progress {
            Progress::Pending { next_poll_at, note, error } => sqlx::query(
                "UPDATE tasks SET next_poll_at = ?, note = ?, polls = polls + 1,
                    poll_errors = CASE WHEN ? THEN poll_errors + 1 ELSE 0 END, updated_at = ?
                 WHERE id = ? AND status = 'running'",
            )
            .bind(next_poll_at)
            .bind(note)
            .bind(error)
            .bind(now_ms),
            // A finished task no longer needs the token: it is dropped from the row.
            Progress::Succeeded { file_id, file_name } => sqlx::query(
                "UPDATE tasks SET status = 'success', file_id = ?, file_name = ?, note = NULL, polls = polls + 1,
                    finished_at = ?, updated_at = ?, sealed_token = NULL
                 WHERE id = ? AND status = 'running'",
            )
            .bind(file_id)
            .bind(file_name)
            .bind(now_ms)
            .bind(now_ms),
            Progress::Failed { reason } => sqlx::query(
                "UPDATE tasks SET status = 'failure', failure = ?, note = NULL, polls = polls + 1,
                    finished_at = ?, updated_at = ?, sealed_token = NULL
                 WHERE id = ? AND status = 'running'",
            )
            .bind(reason)
            .bind(now_ms)
            .bind(now_ms),
        };
        query.bind(id).execute(&self.pool).await.map_err(failed)?;
        Ok(())
    }

    async fn defer(&self, id: &str, at: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE tasks SET next_poll_at = MAX(next_poll_at, ?) WHERE id = ? AND status = 'running'",
        )
        .bind(at)
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(failed)?;
        Ok(())
    }

    async fn refresh_credentials(
        &self,
        owner: &Owner,
        sealed_token: &str,
        token_expires_at: i64,
        now_ms: i64,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE tasks SET sealed_token = ?1, token_expires_at = ?2, next_poll_at = MIN(next_poll_at, ?3),
                note = NULL, updated_at = ?3
             WHERE status = 'running' AND domain_id = ?4 AND user_id = ?5 AND project_id = ?6",
        )
        .bind(sealed_token)
        .bind(token_expires_at)
        .bind(now_ms)
        .bind(&owner.domain_id)
        .bind(&owner.user_id)
        .bind(&owner.project_id)
        .execute(&self.pool)
        .await
        .map_err(failed)?;
        Ok(done.rows_affected())
    }

    async fn mark_file_gone(&self, id: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE tasks SET file_gone = 1 WHERE id = ?")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(failed)?;
        Ok(())
    }

    async fn reopen(
        &self,
        owner: &Owner,
        cloud_task_id: &str,
        sealed_token: &str,
        token_expires_at: i64,
        now_ms: i64,
        next_poll_at: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE tasks SET status = 'running', failure = NULL, note = NULL, finished_at = NULL,
                sealed_token = ?, token_expires_at = ?, next_poll_at = ?, poll_errors = 0, updated_at = ?
             WHERE domain_id = ? AND user_id = ? AND project_id = ? AND cloud_task_id = ?
               AND kind IN ('cluster_scan', 'iac_scan')",
        )
        .bind(sealed_token)
        .bind(token_expires_at)
        .bind(next_poll_at)
        .bind(now_ms)
        .bind(&owner.domain_id)
        .bind(&owner.user_id)
        .bind(&owner.project_id)
        .bind(cloud_task_id)
        .execute(&self.pool)
        .await
        .map_err(failed)?;
        Ok(done.rows_affected() > 0)
    }
}

#[async_trait]
impl PreferenceStore for SqliteTaskStore {
    async fn preference(&self, user_key: &str, name: &str) -> Result<Option<String>, StoreError> {
        sqlx::query_scalar("SELECT value FROM preferences WHERE user_key = ? AND name = ?")
            .bind(user_key)
            .bind(name)
            .fetch_optional(&self.pool)
            .await
            .map_err(failed)
    }

    async fn set_preference(&self, user_key: &str, name: &str, value: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO preferences (user_key, name, value) VALUES (?, ?, ?)
             ON CONFLICT (user_key, name) DO UPDATE SET value = excluded.value",
        )
        .bind(user_key)
        .bind(name)
        .bind(value)
        .execute(&self.pool)
        .await
        .map_err(failed)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn store() -> SqliteTaskStore {
        // A file, not `:memory:`: every pooled connection would get its own empty memory database.
        let path = std::env::temp_dir().join(format!("secportal-history-{:x}.db", rand::random::<u64>()));
        let pool = crate::storage::connect(&format!("sqlite://{}", path.display())).await.unwrap();
        SqliteTaskStore::new(pool).await.unwrap()
    }

    fn new_task(user: &str, kind: TaskKind) -> NewTask {
        NewTask {
            owner: Owner {
                user_id: user.into(),
                user_name: user.into(),
                domain_id: "d".into(),
                project_id: "p".into(),
                region: "cn-north-4".into(),
            },
            kind,
            summary: "s".into(),
            params: "{}".into(),
            cloud_task_id: "t".into(),
            sealed_token: "sealed".into(),
            token_expires_at: 10,
        }
    }

    #[tokio::test]
    async fn lists_newest_first_with_filters_and_tracks_progress() {
        let s = store().await;
        let a = s.insert(new_task("u1", TaskKind::HssContainers), 1, 100).await.unwrap();
        let b = s.insert(new_task("u1", TaskKind::DscResults), 2, 200).await.unwrap();
        s.insert(new_task("u2", TaskKind::DscResults), 3, 300).await.unwrap();
        let q = HistoryFilter { limit: Some(10), ..Default::default() };
        let (rows, total) = s.list("d", "u1", &q).await.unwrap();
        assert_eq!((total, rows[0].id.as_str(), rows[1].id.as_str()), (2, b.id.as_str(), a.id.as_str()));
        let dsc = HistoryFilter { kind: Some(TaskKind::DscResults), ..q.clone() };
        assert_eq!(s.list("d", "u1", &dsc).await.unwrap().1, 1);

        assert_eq!(s.due(150, 10).await.unwrap().len(), 1);
        assert_eq!(s.next_due().await.unwrap(), Some(100));
        s.record(
            &a.id,
            Progress::Succeeded { file_id: Some("f".into()), file_name: Some("x.zip".into()) },
            160,
        )
        .await
        .unwrap();
        let a = s.get(&a.id).await.unwrap().unwrap();
        assert_eq!((a.status, a.sealed_token, a.finished_at), (TaskStatus::Success, None, Some(160)));
        s.record(&b.id, Progress::Pending { next_poll_at: 900, note: Some("wait".into()), error: true }, 170)
            .await
            .unwrap();
        let b2 = s.get(&b.id).await.unwrap().unwrap();
        assert_eq!((b2.next_poll_at, b2.poll_errors, b2.note.as_deref()), (900, 1, Some("wait")));
        let owner = b2.owner.clone();
        assert_eq!(s.refresh_credentials(&owner, "fresh", 99, 180).await.unwrap(), 1);
        let b3 = s.get(&b.id).await.unwrap().unwrap();
        assert_eq!((b3.next_poll_at, b3.sealed_token.as_deref(), b3.note), (180, Some("fresh"), None));
        let running = HistoryFilter { status: Some(TaskStatus::Running), ..q };
        assert_eq!(s.list("d", "u1", &running).await.unwrap().1, 1);
    }

    #[tokio::test]
    async fn preferences_overwrite() {
        let s = store().await;
        assert_eq!(s.preference("u", "cols").await.unwrap(), None);
        s.set_preference("u", "cols", "a").await.unwrap();
        s.set_preference("u", "cols", "b").await.unwrap();
        assert_eq!(s.preference("u", "cols").await.unwrap().as_deref(), Some("b"));
    }

    #[tokio::test]
    async fn migrations_run_twice_and_over_an_old_schema() {
        let s = store().await;
        assert!(SqliteTaskStore::new(s.pool.clone()).await.is_ok(), "a second start finds them applied");
    }
}
