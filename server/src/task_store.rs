//! The task history and per-user preferences: in the embedded SQLite database (beside the
//! sessions), or in PostgreSQL in cluster mode. One implementation serves both: the statements
//! are written in the SQL both understand (`$n` parameters, `CASE` rather than SQLite's scalar
//! `MAX`, `TRUE`), and a macro instantiates it for each driver. The schemas are
//! `migrations/sqlite/` and `migrations/postgres/`; rows map to [`Task`] through [`TaskRow`].

use app::dto::tasks::{HistoryFilter, TaskKind, TaskStatus};
use app::ssr::identity::Owner;
use app::ssr::tasks::{Begun, NewTask, PreferenceStore, Progress, StoreError, Task, TaskStore};
use async_trait::async_trait;
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool};

use crate::Error;

pub struct SqlTaskStore<DB: sqlx::Database> {
    pool: sqlx::Pool<DB>,
}

pub type SqliteTaskStore = SqlTaskStore<Sqlite>;
pub type PgTaskStore = SqlTaskStore<Postgres>;

impl SqliteTaskStore {
    /// The store on `pool`, its schema brought up to date.
    pub async fn new(pool: SqlitePool) -> Result<Self, Error> {
        sqlx::migrate!("./migrations/sqlite").run(&pool).await.map_err(|e| Error::Database(e.into()))?;
        Ok(Self { pool })
    }
}

impl PgTaskStore {
    /// The store on `pool`, its schema brought up to date (instances starting together take
    /// turns: sqlx holds an advisory lock while it migrates).
    pub async fn new(pool: PgPool) -> Result<Self, Error> {
        sqlx::migrate!("./migrations/postgres").run(&pool).await.map_err(|e| Error::Database(e.into()))?;
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
    export_ref: Option<String>,
    status: String,
    failure: Option<String>,
    note: Option<String>,
    file_id: Option<String>,
    file_name: Option<String>,
    created_at: i64,
    clock_from: i64,
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
            export_ref: r.export_ref,
            failure: r.failure,
            note: r.note,
            file_id: r.file_id,
            file_name: r.file_name,
            created_at: r.created_at,
            clock_from: r.clock_from,
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

/// Rows the tracker still looks at.
const ACTIVE: &str = "status IN ('creating', 'checking', 'running')";

/// The store's methods for one driver (the same statements for both).
macro_rules! sql_task_store {
    ($db:ty, $lock:literal, $claim_lock:literal) => {

impl SqlTaskStore<$db> {
    /// A lost create found in the cloud: the row takes the cloud task unless another row follows
    /// it already (two lost creates whose lookups ran at once may pick the same task). Then the
    /// row stays in `checking` and is looked up again at once, with that task counted as taken.
    async fn found(&self, id: &str, cloud_task_id: &str, export_ref: Option<&str>, now_ms: i64) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(failed)?;
        if !$claim_lock.is_empty() {
            // PostgreSQL: lookups that found the same task take turns, so the second sees the first's row.
            sqlx::query($claim_lock).bind(cloud_task_id).execute(&mut *tx).await.map_err(failed)?;
        }
        let taken = sqlx::query(&format!(
            "UPDATE tasks SET status = 'running', cloud_task_id = $1, export_ref = $2, note = NULL,
                poll_errors = 0, polls = polls + 1, next_poll_at = $3, updated_at = $4
             WHERE id = $5 AND {ACTIVE}
               AND NOT EXISTS (SELECT 1 FROM tasks o WHERE o.id <> $5 AND o.domain_id = tasks.domain_id
                   AND o.project_id = tasks.project_id AND o.kind = tasks.kind AND o.cloud_task_id = $1
                   AND COALESCE(o.export_ref, '') = COALESCE($2, ''))"
        ))
        .bind(cloud_task_id)
        .bind(export_ref)
        .bind(now_ms)
        .bind(now_ms)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(failed)?
        .rows_affected();
        if taken == 0 {
            sqlx::query(&format!("UPDATE tasks SET polls = polls + 1, next_poll_at = $1, updated_at = $2 WHERE id = $3 AND {ACTIVE}"))
                .bind(now_ms)
                .bind(now_ms)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(failed)?;
        }
        tx.commit().await.map_err(failed)
    }
}

#[async_trait]
impl TaskStore for SqlTaskStore<$db> {
    async fn begin(&self, t: NewTask, key: &str, now_ms: i64, claim_until: i64) -> Result<Begun, StoreError> {
        let mut tx = self.pool.begin().await.map_err(failed)?;
        let reopened: Option<String> = if t.retry {
            sqlx::query_scalar(
                "SELECT id FROM tasks WHERE domain_id = $1 AND user_id = $2 AND project_id = $3 AND kind = $4
                   AND cloud_task_id = $5 ORDER BY created_at DESC LIMIT 1",
            )
            .bind(&t.owner.domain_id)
            .bind(&t.owner.user_id)
            .bind(&t.owner.project_id)
            .bind(t.kind.as_str())
            .bind(&t.cloud_task_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(failed)?
        } else {
            None
        };
        let id = reopened.clone().unwrap_or_else(new_id);
        // The key first: a second request with it finds it taken and answers the first's row.
        let taken = sqlx::query(
            "INSERT INTO task_keys (domain_id, user_id, key, task_id, created_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT DO NOTHING",
        )
        .bind(&t.owner.domain_id)
        .bind(&t.owner.user_id)
        .bind(key)
        .bind(&id)
        .bind(now_ms)
        .execute(&mut *tx)
        .await
        .map_err(failed)?
        .rows_affected()
            == 0;
        if taken {
            tx.rollback().await.map_err(failed)?;
            let first: String = sqlx::query_scalar(
                "SELECT task_id FROM task_keys WHERE domain_id = $1 AND user_id = $2 AND key = $3",
            )
            .bind(&t.owner.domain_id)
            .bind(&t.owner.user_id)
            .bind(key)
            .fetch_one(&self.pool)
            .await
            .map_err(failed)?;
            let task = self.get(&first).await?;
            return task.map(Begun::Again).ok_or_else(|| StoreError("a key's task was pruned".into()));
        }
        if reopened.is_some() {
            sqlx::query(
                "UPDATE tasks SET status = 'creating', failure = NULL, note = NULL, finished_at = NULL,
                    sealed_token = $1, token_expires_at = $2, next_poll_at = $3, poll_errors = 0, clock_from = $4,
                    updated_at = $5
                 WHERE id = $6",
            )
            .bind(&t.sealed_token)
            .bind(t.token_expires_at)
            .bind(claim_until)
            .bind(now_ms)
            .bind(now_ms)
            .bind(&id)
            .execute(&mut *tx)
            .await
            .map_err(failed)?;
        } else {
            sqlx::query(
                "INSERT INTO tasks (id, user_id, user_name, domain_id, project_id, region, kind, summary, params,
                    cloud_task_id, status, created_at, clock_from, updated_at, next_poll_at, sealed_token,
                    token_expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'creating', $11, $11, $11, $12, $13, $14)",
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
            .bind(claim_until)
            .bind(&t.sealed_token)
            .bind(t.token_expires_at)
            .execute(&mut *tx)
            .await
            .map_err(failed)?;
        }
        tx.commit().await.map_err(failed)?;
        let task = self.get(&id).await?.ok_or_else(|| StoreError("the new task vanished".into()))?;
        Ok(Begun::New(task))
    }

    async fn started(
        &self,
        id: &str,
        cloud_task_id: &str,
        export_ref: Option<&str>,
        now_ms: i64,
        first_poll_at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(&format!(
            "UPDATE tasks SET status = 'running', cloud_task_id = $1, export_ref = $2, note = NULL, next_poll_at = $3,
                updated_at = $4
             WHERE id = $5 AND {ACTIVE}"
        ))
        .bind(cloud_task_id)
        .bind(export_ref)
        .bind(first_poll_at)
        .bind(now_ms)
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(failed)?;
        Ok(())
    }

    async fn unclear(&self, id: &str, note: &str, now_ms: i64, check_at: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE tasks SET status = 'checking', note = $1, next_poll_at = $2, updated_at = $3
             WHERE id = $4 AND status = 'creating'",
        )
        .bind(note)
        .bind(check_at)
        .bind(now_ms)
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(failed)?;
        Ok(())
    }

    async fn abandon(&self, id: &str, retry: bool, now_ms: i64) -> Result<(), StoreError> {
        if retry {
            sqlx::query(
                "UPDATE tasks SET status = 'running', next_poll_at = $1, updated_at = $2 WHERE id = $3 AND status = 'creating'",
            )
            .bind(now_ms)
            .bind(now_ms)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(failed)?;
            return Ok(());
        }
        let mut tx = self.pool.begin().await.map_err(failed)?;
        sqlx::query("DELETE FROM task_keys WHERE task_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(failed)?;
        sqlx::query("DELETE FROM tasks WHERE id = $1 AND status = 'creating'")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(failed)?;
        tx.commit().await.map_err(failed)
    }

    async fn get(&self, id: &str) -> Result<Option<Task>, StoreError> {
        let row: Option<TaskRow> = sqlx::query_as("SELECT * FROM tasks WHERE id = $1")
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
        // Optional filters as `($3 IS NULL OR kind = $3)`: one statement, each value bound once.
        const WHERE: &str =
            "domain_id = $1 AND user_id = $2 AND ($3 IS NULL OR kind = $3) AND ($4 IS NULL OR status = $4)";
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
            "SELECT * FROM tasks WHERE {WHERE} ORDER BY created_at DESC, id DESC LIMIT $5 OFFSET $6"
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

    async fn claim_due(&self, now_ms: i64, lease_until: i64, limit: u32) -> Result<Vec<Task>, StoreError> {
        // One statement: the rows it moves to `lease_until` are this tracker's; another
        // instance's claim skips them (PostgreSQL: SKIP LOCKED; SQLite has one writer).
        let rows: Vec<TaskRow> = sqlx::query_as(&format!(
            "UPDATE tasks SET next_poll_at = $1 WHERE id IN (
                SELECT id FROM tasks WHERE {ACTIVE} AND next_poll_at <= $2 ORDER BY next_poll_at LIMIT $3 {}
             ) RETURNING *",
            $lock
        ))
        .bind(lease_until)
        .bind(now_ms)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(failed)?;
        tasks(rows)
    }

    async fn next_due(&self) -> Result<Option<i64>, StoreError> {
        sqlx::query_scalar(&format!("SELECT MIN(next_poll_at) FROM tasks WHERE {ACTIVE}"))
            .fetch_one(&self.pool)
            .await
            .map_err(failed)
    }

    async fn due(&self, now_ms: i64) -> Result<(u64, Option<i64>), StoreError> {
        let (count, oldest): (i64, Option<i64>) = sqlx::query_as(&format!(
            "SELECT COUNT(*), MIN(next_poll_at) FROM tasks WHERE {ACTIVE} AND next_poll_at <= $1"
        ))
        .bind(now_ms)
        .fetch_one(&self.pool)
        .await
        .map_err(failed)?;
        Ok((count.max(0) as u64, oldest))
    }

    async fn record(&self, id: &str, progress: Progress, now_ms: i64) -> Result<(), StoreError> {
        let query = match progress {
            Progress::Found { cloud_task_id, export_ref } => {
                return self.found(id, &cloud_task_id, export_ref.as_deref(), now_ms).await;
            }
            Progress::Pending { next_poll_at, note, error } => sqlx::query(
                "UPDATE tasks SET next_poll_at = $1, note = $2, polls = polls + 1,
                    poll_errors = CASE WHEN $3 THEN poll_errors + 1 ELSE 0 END, updated_at = $4
                 WHERE id = $5 AND status IN ('creating', 'checking', 'running')",
            )
            .bind(next_poll_at)
            .bind(note)
            .bind(error)
            .bind(now_ms),
            // A finished task no longer needs the token: it is dropped from the row.
            Progress::Succeeded { file_id, file_name } => sqlx::query(
                "UPDATE tasks SET status = 'success', file_id = $1, file_name = $2, note = NULL, polls = polls + 1,
                    finished_at = $3, updated_at = $4, sealed_token = NULL
                 WHERE id = $5 AND status IN ('creating', 'checking', 'running')",
            )
            .bind(file_id)
            .bind(file_name)
            .bind(now_ms)
            .bind(now_ms),
            Progress::Failed { reason } => sqlx::query(
                "UPDATE tasks SET status = 'failure', failure = $1, note = NULL, polls = polls + 1,
                    finished_at = $2, updated_at = $3, sealed_token = NULL
                 WHERE id = $4 AND status IN ('creating', 'checking', 'running')",
            )
            .bind(reason)
            .bind(now_ms)
            .bind(now_ms),
        };
        query.bind(id).execute(&self.pool).await.map_err(failed)?;
        Ok(())
    }

    async fn defer(&self, id: &str, at: i64) -> Result<(), StoreError> {
        sqlx::query(&format!("UPDATE tasks SET next_poll_at = $1 WHERE id = $2 AND {ACTIVE}"))
            .bind(at)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(failed)?;
        Ok(())
    }

    async fn claimed(
        &self,
        domain_id: &str,
        project_id: &str,
        kind: TaskKind,
    ) -> Result<Vec<String>, StoreError> {
        sqlx::query_scalar(
            "SELECT cloud_task_id FROM tasks WHERE domain_id = $1 AND project_id = $2 AND kind = $3 AND cloud_task_id <> ''",
        )
        .bind(domain_id)
        .bind(project_id)
        .bind(kind.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(failed)
    }

    async fn active_on(
        &self,
        domain_id: &str,
        project_id: &str,
        kind: TaskKind,
        cloud_task_id: &str,
    ) -> Result<Vec<Task>, StoreError> {
        let rows: Vec<TaskRow> = sqlx::query_as(&format!(
            "SELECT * FROM tasks WHERE domain_id = $1 AND project_id = $2 AND kind = $3 AND cloud_task_id = $4 AND {ACTIVE}"
        ))
        .bind(domain_id)
        .bind(project_id)
        .bind(kind.as_str())
        .bind(cloud_task_id)
        .fetch_all(&self.pool)
        .await
        .map_err(failed)?;
        tasks(rows)
    }

    async fn refresh_credentials(
        &self,
        owner: &Owner,
        sealed_token: &str,
        token_expires_at: i64,
        now_ms: i64,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE tasks SET sealed_token = $1, token_expires_at = $2, next_poll_at = CASE WHEN next_poll_at < $3 THEN next_poll_at ELSE $3 END,
                note = NULL, updated_at = $3
             WHERE status IN ('creating', 'checking', 'running') AND domain_id = $4 AND user_id = $5
               AND project_id = $6",
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
        sqlx::query("UPDATE tasks SET file_gone = TRUE WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(failed)?;
        Ok(())
    }

    async fn drop_credentials(&self, domain_id: &str, user_id: &str, note: &str) -> Result<u64, StoreError> {
        let done = sqlx::query(&format!(
            "UPDATE tasks SET sealed_token = NULL, note = $1 WHERE domain_id = $2 AND user_id = $3 AND {ACTIVE}"
        ))
        .bind(note)
        .bind(domain_id)
        .bind(user_id)
        .execute(&self.pool)
        .await
        .map_err(failed)?;
        Ok(done.rows_affected())
    }

    async fn release_claims(&self, now_ms: i64) -> Result<u64, StoreError> {
        let done =
            sqlx::query("UPDATE tasks SET next_poll_at = $1 WHERE status = 'creating' AND next_poll_at > $2")
                .bind(now_ms)
                .bind(now_ms)
                .execute(&self.pool)
                .await
                .map_err(failed)?;
        Ok(done.rows_affected())
    }

    async fn prune(&self, before_ms: i64) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await.map_err(failed)?;
        let gone = sqlx::query("DELETE FROM tasks WHERE finished_at IS NOT NULL AND finished_at < $1")
            .bind(before_ms)
            .execute(&mut *tx)
            .await
            .map_err(failed)?
            .rows_affected();
        sqlx::query("DELETE FROM task_keys WHERE created_at < $1 OR task_id NOT IN (SELECT id FROM tasks)")
            .bind(before_ms)
            .execute(&mut *tx)
            .await
            .map_err(failed)?;
        tx.commit().await.map_err(failed)?;
        Ok(gone)
    }
}

#[async_trait]
impl PreferenceStore for SqlTaskStore<$db> {
    async fn preference(&self, user_key: &str, name: &str) -> Result<Option<String>, StoreError> {
        sqlx::query_scalar("SELECT value FROM preferences WHERE user_key = $1 AND name = $2")
            .bind(user_key)
            .bind(name)
            .fetch_optional(&self.pool)
            .await
            .map_err(failed)
    }

    async fn set_preference(&self, user_key: &str, name: &str, value: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO preferences (user_key, name, value) VALUES ($1, $2, $3)
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
    };
}

// SQLite runs one write at a time, so its `found` needs no lock of its own.
sql_task_store!(Sqlite, "", "");
sql_task_store!(Postgres, "FOR UPDATE SKIP LOCKED", "SELECT pg_advisory_xact_lock(hashtext($1))");

#[cfg(test)]
mod tests {
    use super::*;

    async fn sqlite() -> SqliteTaskStore {
        // A file, not `:memory:`: every pooled connection would get its own empty memory database.
        let path = std::env::temp_dir().join(format!("secportal-history-{:x}.db", rand::random::<u64>()));
        let pool = crate::storage::connect(&format!("sqlite://{}", path.display())).await.unwrap();
        SqliteTaskStore::new(pool).await.unwrap()
    }

    async fn postgres() -> (PgTaskStore, crate::pg_test::TestDatabase) {
        let db = crate::pg_test::TestDatabase::create().await;
        let store = PgTaskStore::new(db.pool().await).await.unwrap();
        (store, db)
    }

    /// Each behaviour, on SQLite and on PostgreSQL.
    macro_rules! on_both {
        ($($name:ident),+) => {
            mod sqlite_store {
                $(#[tokio::test]
                async fn $name() {
                    super::$name(&super::sqlite().await).await;
                })+
            }
            mod postgres_store {
                $(#[tokio::test]
                async fn $name() {
                    let (store, _db) = super::postgres().await;
                    super::$name(&store).await;
                })+
            }
        };
    }

    on_both!(
        one_key_one_row_and_a_refused_intent_goes,
        a_retry_reopens_its_row_and_restarts_the_clock,
        prune_removes_old_finished_rows_and_their_keys,
        lists_newest_first_with_filters_and_tracks_progress,
        preferences_overwrite
    );

    trait Store: TaskStore + PreferenceStore {}
    impl<T: TaskStore + PreferenceStore> Store for T {}

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
            cloud_task_id: String::new(),
            retry: false,
            sealed_token: "sealed".into(),
            token_expires_at: 10,
        }
    }

    /// A task the cloud took at `now`, first polled at `poll_at`.
    async fn insert(s: &dyn Store, task: NewTask, now: i64, poll_at: i64) -> Task {
        let key = format!("key-{:x}", rand::random::<u64>());
        let Begun::New(t) = s.begin(task, &key, now, now + 50).await.unwrap() else { panic!("a fresh key") };
        s.started(&t.id, "t", None, now, poll_at).await.unwrap();
        s.get(&t.id).await.unwrap().unwrap()
    }

    async fn one_key_one_row_and_a_refused_intent_goes(s: &dyn Store) {
        let Begun::New(first) =
            s.begin(new_task("u1", TaskKind::ClusterScan), "k-123456", 1, 60).await.unwrap()
        else {
            panic!("first use of the key")
        };
        assert_eq!((first.status, first.next_poll_at), (TaskStatus::Creating, 60), "due when the claim ends");
        let Begun::Again(again) =
            s.begin(new_task("u1", TaskKind::ClusterScan), "k-123456", 2, 70).await.unwrap()
        else {
            panic!("the same key answers the same row")
        };
        assert_eq!(again.id, first.id);
        assert!(
            matches!(
                s.begin(new_task("u2", TaskKind::ClusterScan), "k-123456", 2, 70).await.unwrap(),
                Begun::New(_)
            ),
            "keys are per user"
        );

        s.unclear(&first.id, "checking", 3, 10).await.unwrap();
        let checking = s.get(&first.id).await.unwrap().unwrap();
        assert_eq!((checking.status, checking.next_poll_at), (TaskStatus::Checking, 10));
        assert_eq!(s.claim_due(10, 20, 10).await.unwrap().len(), 1, "the tracker looks it up");
        s.record(&first.id, Progress::Found { cloud_task_id: "c1".into(), export_ref: None }, 11)
            .await
            .unwrap();
        let found = s.get(&first.id).await.unwrap().unwrap();
        assert_eq!((found.status, found.cloud_task_id.as_str()), (TaskStatus::Running, "c1"));
        assert_eq!(s.claimed("d", "p", TaskKind::ClusterScan).await.unwrap(), vec!["c1".to_string()]);
        // Another lost create that found the same cloud task does not take it: it is looked up again.
        let Begun::New(second) =
            s.begin(new_task("u2", TaskKind::ClusterScan), "k-second", 12, 70).await.unwrap()
        else {
            panic!("fresh key")
        };
        s.unclear(&second.id, "checking", 12, 13).await.unwrap();
        s.record(&second.id, Progress::Found { cloud_task_id: "c1".into(), export_ref: None }, 14)
            .await
            .unwrap();
        let second = s.get(&second.id).await.unwrap().unwrap();
        assert_eq!((second.status, second.cloud_task_id.as_str()), (TaskStatus::Checking, ""));
        assert_eq!(second.next_poll_at, 14, "looked up again at once");
        assert_eq!(s.claimed("d", "p", TaskKind::ClusterScan).await.unwrap(), vec!["c1".to_string()]);

        let Begun::New(refused) =
            s.begin(new_task("u1", TaskKind::IacScan), "k-refused", 5, 60).await.unwrap()
        else {
            panic!("fresh key")
        };
        s.abandon(&refused.id, false, 6).await.unwrap();
        assert!(s.get(&refused.id).await.unwrap().is_none());
        assert!(
            matches!(
                s.begin(new_task("u1", TaskKind::IacScan), "k-refused", 7, 60).await.unwrap(),
                Begun::New(_)
            ),
            "a refused create frees its key for the corrected form"
        );
    }

    async fn a_retry_reopens_its_row_and_restarts_the_clock(s: &dyn Store) {
        let t = insert(s, new_task("u1", TaskKind::ClusterScan), 1, 5).await;
        s.record(&t.id, Progress::Failed { reason: "1 of 2 failed".into() }, 9).await.unwrap();
        let retry =
            NewTask { cloud_task_id: "t".into(), retry: true, ..new_task("u1", TaskKind::ClusterScan) };
        let Begun::New(again) = s.begin(retry.clone(), "k-retry-1", 100, 150).await.unwrap() else {
            panic!()
        };
        assert_eq!(again.id, t.id, "the same row runs again");
        assert_eq!((again.status, again.clock_from, again.failure), (TaskStatus::Creating, 100, None));
        s.abandon(&again.id, true, 120).await.unwrap();
        let back = s.get(&t.id).await.unwrap().unwrap();
        assert_eq!(
            (back.status, back.next_poll_at),
            (TaskStatus::Running, 120),
            "a refused retry is read again"
        );
        let other = NewTask { cloud_task_id: "console-task".into(), ..retry };
        let Begun::New(made) = s.begin(other, "k-retry-2", 200, 250).await.unwrap() else { panic!() };
        assert_ne!(made.id, t.id, "a task started elsewhere gets a row of its own");
    }

    async fn prune_removes_old_finished_rows_and_their_keys(s: &dyn Store) {
        let Begun::New(old) =
            s.begin(new_task("u1", TaskKind::HssContainers), "k-old-key", 1, 5).await.unwrap()
        else {
            panic!("a fresh key")
        };
        s.record(&old.id, Progress::Failed { reason: "x".into() }, 10).await.unwrap();
        let running = insert(s, new_task("u1", TaskKind::HssContainers), 2, 5).await;
        assert_eq!(s.prune(1_000).await.unwrap(), 1);
        assert!(s.get(&old.id).await.unwrap().is_none());
        assert!(s.get(&running.id).await.unwrap().is_some(), "active rows stay whatever their age");
        let reused =
            s.begin(new_task("u1", TaskKind::HssContainers), "k-old-key", 2_000, 2_050).await.unwrap();
        assert!(matches!(reused, Begun::New(_)), "keys older than the cut go too");
    }

    async fn lists_newest_first_with_filters_and_tracks_progress(s: &dyn Store) {
        let a = insert(s, new_task("u1", TaskKind::HssContainers), 1, 100).await;
        let b = insert(s, new_task("u1", TaskKind::DscResults), 2, 200).await;
        insert(s, new_task("u2", TaskKind::DscResults), 3, 300).await;
        let q = HistoryFilter { limit: Some(10), ..Default::default() };
        let (rows, total) = s.list("d", "u1", &q).await.unwrap();
        assert_eq!((total, rows[0].id.as_str(), rows[1].id.as_str()), (2, b.id.as_str(), a.id.as_str()));
        let dsc = HistoryFilter { kind: Some(TaskKind::DscResults), ..q.clone() };
        assert_eq!(s.list("d", "u1", &dsc).await.unwrap().1, 1);

        assert_eq!(s.next_due().await.unwrap(), Some(100));
        assert_eq!(s.claim_due(150, 160, 10).await.unwrap().len(), 1);
        assert!(s.claim_due(155, 170, 10).await.unwrap().is_empty(), "a claimed row is leased");
        assert_eq!(s.next_due().await.unwrap(), Some(160), "due again when the lease ends");
        assert_eq!(s.claim_due(160, 170, 10).await.unwrap().len(), 1, "a dead tracker's row comes back");
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

    async fn preferences_overwrite(s: &dyn Store) {
        assert_eq!(s.preference("u", "cols").await.unwrap(), None);
        s.set_preference("u", "cols", "a").await.unwrap();
        s.set_preference("u", "cols", "b").await.unwrap();
        assert_eq!(s.preference("u", "cols").await.unwrap().as_deref(), Some("b"));
    }

    #[tokio::test]
    async fn migrations_run_twice_and_over_an_old_schema() {
        let s = sqlite().await;
        assert!(SqliteTaskStore::new(s.pool.clone()).await.is_ok(), "a second start finds them applied");
    }
}
