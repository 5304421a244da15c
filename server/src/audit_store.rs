//! The audit log's store: a table in the embedded SQLite database or in PostgreSQL, with the
//! same statements for both (`$n` parameters), instantiated by a macro as the task store is.
//! Only `INSERT` and the retention `DELETE` are ever issued, and the schema's trigger refuses
//! any `UPDATE` (migrations/*/…_audit.sql).

use app::dto::audit::{AuditEntry, AuditFilter, AuditTarget};
use app::ssr::audit::{AuditScope, AuditStore};
use app::ssr::tasks::StoreError;
use async_trait::async_trait;
use sqlx::{Postgres, Sqlite};

pub struct SqlAuditStore<DB: sqlx::Database> {
    pool: sqlx::Pool<DB>,
}

impl<DB: sqlx::Database> SqlAuditStore<DB> {
    /// The store on a pool whose schema the task store has brought up to date.
    pub fn new(pool: sqlx::Pool<DB>) -> Self {
        Self { pool }
    }
}

fn failed(e: sqlx::Error) -> StoreError {
    StoreError(format!("audit: {e}"))
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    at: i64,
    domain_id: String,
    domain_name: String,
    user_id: String,
    user_name: String,
    project_id: String,
    region: String,
    client: String,
    action: String,
    target_kind: String,
    target_id: String,
    target_name: String,
    params: String,
    result: String,
    error_code: Option<String>,
    cloud_request_id: Option<String>,
    request_id: String,
    session_hash: String,
}

impl TryFrom<Row> for AuditEntry {
    type Error = StoreError;

    fn try_from(r: Row) -> Result<Self, StoreError> {
        let unknown = |what: &str, v: &str| StoreError(format!("unknown {what} {v:?} in the audit table"));
        Ok(AuditEntry {
            action: r.action.parse().map_err(|_| unknown("action", &r.action))?,
            result: r.result.parse().map_err(|_| unknown("result", &r.result))?,
            id: r.id,
            at: r.at,
            domain_id: r.domain_id,
            domain_name: r.domain_name,
            user_id: r.user_id,
            user_name: r.user_name,
            project_id: r.project_id,
            region: r.region,
            client: r.client,
            target: AuditTarget { kind: r.target_kind, id: r.target_id, name: r.target_name },
            params: r.params,
            error_code: r.error_code,
            cloud_request_id: r.cloud_request_id,
            request_id: r.request_id,
            session_hash: r.session_hash,
        })
    }
}

fn entries(rows: Vec<Row>) -> Result<Vec<AuditEntry>, StoreError> {
    rows.into_iter().map(AuditEntry::try_from).collect()
}

const COLUMNS: &str = "id, at, domain_id, domain_name, user_id, user_name, project_id, region, client, \
    action, target_kind, target_id, target_name, params, result, error_code, cloud_request_id, request_id, \
    session_hash";

/// A statement argument, bound in order.
enum Arg {
    Text(String),
    Int(i64),
}

/// `LIKE` text matching a part anywhere, with the pattern's own characters escaped.
fn contains(part: &str) -> String {
    let escaped = part.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{}%", escaped.to_lowercase())
}

/// The `WHERE` clause of a scope, a filter and a keyset position, with its arguments ($1…).
fn conditions(scope: &AuditScope, f: &AuditFilter, before: Option<i64>) -> (String, Vec<Arg>) {
    let mut args = Vec::new();
    let mut arg = |a: Arg| {
        args.push(a);
        format!("${}", args.len())
    };
    let mut sql = vec![match scope {
        AuditScope::Own { domain_id, user_id } => {
            format!(
                "domain_id = {} AND user_id = {}",
                arg(Arg::Text(domain_id.clone())),
                arg(Arg::Text(user_id.clone()))
            )
        }
        // Sign-ins IAM refused know only the account name typed; pruning belongs to everyone.
        AuditScope::Account { domain_id, domain_name } => format!(
            "(domain_id = {} OR (domain_id = '' AND lower(domain_name) = {}) OR action = 'audit_prune')",
            arg(Arg::Text(domain_id.clone())),
            arg(Arg::Text(domain_name.to_lowercase()))
        ),
    }];
    if let Some(from) = f.from {
        sql.push(format!("at >= {}", arg(Arg::Int(from))));
    }
    if let Some(to) = f.to {
        sql.push(format!("at <= {}", arg(Arg::Int(to))));
    }
    if let Some(user) = f.user.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        sql.push(format!("lower(user_name) = {}", arg(Arg::Text(user.to_lowercase()))));
    }
    if let Some(action) = f.action {
        sql.push(format!("action = {}", arg(Arg::Text(action.as_str().into()))));
    }
    if let Some(result) = f.result {
        sql.push(format!("result = {}", arg(Arg::Text(result.as_str().into()))));
    }
    if let Some(target) = f.target.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let p = arg(Arg::Text(contains(target)));
        sql.push(format!(
            "(lower(target_id) LIKE {p} ESCAPE '\\' OR lower(target_name) LIKE {p} ESCAPE '\\')"
        ));
    }
    if let Some(before) = before {
        sql.push(format!("id < {}", arg(Arg::Int(before))));
    }
    (sql.join(" AND "), args)
}

/// Binds the arguments of [`conditions`] in order, to a query of any kind.
macro_rules! bind_args {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args {
            q = match a {
                Arg::Text(t) => q.bind(t.clone()),
                Arg::Int(i) => q.bind(*i),
            };
        }
        q
    }};
}

macro_rules! sql_audit_store {
    ($db:ty) => {
        impl SqlAuditStore<$db> {
            async fn select(&self, sql: &str, args: Vec<Arg>) -> Result<Vec<AuditEntry>, StoreError> {
                let q = bind_args!(sqlx::query_as::<_, Row>(sql), &args);
                entries(q.fetch_all(&self.pool).await.map_err(failed)?)
            }
        }

        #[async_trait]
        impl AuditStore for SqlAuditStore<$db> {
            async fn append(&self, e: &AuditEntry) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO audit (at, domain_id, domain_name, user_id, user_name, project_id, region,
                        client, action, target_kind, target_id, target_name, params, result, error_code,
                        cloud_request_id, request_id, session_hash)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
                )
                .bind(e.at)
                .bind(&e.domain_id)
                .bind(&e.domain_name)
                .bind(&e.user_id)
                .bind(&e.user_name)
                .bind(&e.project_id)
                .bind(&e.region)
                .bind(&e.client)
                .bind(e.action.as_str())
                .bind(&e.target.kind)
                .bind(&e.target.id)
                .bind(&e.target.name)
                .bind(&e.params)
                .bind(e.result.as_str())
                .bind(&e.error_code)
                .bind(&e.cloud_request_id)
                .bind(&e.request_id)
                .bind(&e.session_hash)
                .execute(&self.pool)
                .await
                .map_err(failed)?;
                Ok(())
            }

            async fn list(
                &self,
                scope: &AuditScope,
                filter: &AuditFilter,
            ) -> Result<(Vec<AuditEntry>, u64), StoreError> {
                let (cond, args) = conditions(scope, filter, None);
                let count_sql = format!("SELECT COUNT(*) FROM audit WHERE {cond}");
                let count = bind_args!(sqlx::query_scalar::<_, i64>(&count_sql), &args);
                let total = count.fetch_one(&self.pool).await.map_err(failed)?;
                let sql = format!(
                    "SELECT {COLUMNS} FROM audit WHERE {cond} ORDER BY id DESC LIMIT {} OFFSET {}",
                    filter.limit(),
                    filter.offset()
                );
                Ok((self.select(&sql, args).await?, total.max(0) as u64))
            }

            async fn before(
                &self,
                scope: &AuditScope,
                filter: &AuditFilter,
                before: Option<i64>,
                limit: u32,
            ) -> Result<Vec<AuditEntry>, StoreError> {
                let (cond, args) = conditions(scope, filter, before);
                let sql = format!("SELECT {COLUMNS} FROM audit WHERE {cond} ORDER BY id DESC LIMIT {limit}");
                self.select(&sql, args).await
            }

            async fn prune(&self, before_ms: i64) -> Result<u64, StoreError> {
                let done = sqlx::query("DELETE FROM audit WHERE at < $1")
                    .bind(before_ms)
                    .execute(&self.pool)
                    .await
                    .map_err(failed)?;
                Ok(done.rows_affected())
            }
        }
    };
}

sql_audit_store!(Sqlite);
sql_audit_store!(Postgres);

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use app::dto::audit::{AuditAction, AuditResult};

    async fn sqlite() -> (SqlAuditStore<Sqlite>, sqlx::SqlitePool) {
        let path = std::env::temp_dir().join(format!("secportal-audit-{:x}.db", rand::random::<u64>()));
        let pool = crate::storage::connect(&format!("sqlite://{}", path.display())).await.unwrap();
        crate::task_store::SqliteTaskStore::new(pool.clone()).await.unwrap();
        (SqlAuditStore::new(pool.clone()), pool)
    }

    async fn postgres() -> (SqlAuditStore<Postgres>, sqlx::PgPool, crate::pg_test::TestDatabase) {
        let db = crate::pg_test::TestDatabase::create().await;
        let pool = db.pool().await;
        crate::task_store::PgTaskStore::new(pool.clone()).await.unwrap();
        (SqlAuditStore::new(pool.clone()), pool, db)
    }

    /// An entry of account `d1` (the XLSX export's tests use it too).
    pub(crate) fn entry(user: &str, at: i64, action: AuditAction, target: &str) -> AuditEntry {
        AuditEntry {
            id: 0,
            at,
            domain_id: "d1".into(),
            domain_name: "Acme".into(),
            user_id: format!("id-{user}"),
            user_name: user.into(),
            project_id: "p".into(),
            region: "cn-north-4".into(),
            client: "10.0.0.1".into(),
            action,
            target: AuditTarget {
                kind: "masking_rule".into(),
                id: format!("r-{target}"),
                name: target.into(),
            },
            params: "{}".into(),
            result: AuditResult::Ok,
            error_code: None,
            cloud_request_id: None,
            request_id: "req".into(),
            session_hash: "abcd".into(),
        }
    }

    fn own(user: &str) -> AuditScope {
        AuditScope::Own { domain_id: "d1".into(), user_id: format!("id-{user}") }
    }

    async fn scopes_filters_and_keyset_paging(s: &dyn AuditStore) {
        for i in 0..30 {
            let who = if i % 3 == 0 { "bob" } else { "alice" };
            s.append(&entry(who, 1_000 + i, AuditAction::MaskingRuleUpdate, &format!("rule_{i}%")))
                .await
                .unwrap();
        }
        // A sign-in IAM refused: only the typed names, in another case.
        let refused = AuditEntry {
            domain_id: String::new(),
            domain_name: "ACME".into(),
            user_id: String::new(),
            result: AuditResult::Failed,
            action: AuditAction::SignIn,
            ..entry("mallory", 2_000, AuditAction::SignIn, "")
        };
        s.append(&refused).await.unwrap();
        let all = AuditFilter::default();
        let (mine, total) = s.list(&own("alice"), &all).await.unwrap();
        assert_eq!((mine.len(), total), (20, 20));
        assert!(mine.iter().all(|e| e.user_name == "alice"));
        assert!(mine.windows(2).all(|w| w[0].id > w[1].id), "newest first");
        let account = AuditScope::Account { domain_id: "d1".into(), domain_name: "acme".into() };
        let (_, total) = s.list(&account, &all).await.unwrap();
        assert_eq!(total, 31, "an administrator sees everyone's, refused sign-ins included");
        let other = AuditScope::Account { domain_id: "d2".into(), domain_name: "other".into() };
        assert_eq!(s.list(&other, &all).await.unwrap().1, 0);

        let f = AuditFilter {
            user: Some("BOB".into()),
            from: Some(1_003),
            to: Some(1_012),
            ..Default::default()
        };
        let (bob, total) = s.list(&account, &f).await.unwrap();
        assert_eq!(total, 4, "{bob:?}");
        let f = AuditFilter {
            action: Some(AuditAction::SignIn),
            result: Some(AuditResult::Failed),
            ..Default::default()
        };
        assert_eq!(s.list(&account, &f).await.unwrap().0[0].user_name, "mallory");
        // `%` and `_` in a target search are literal.
        let f = AuditFilter { target: Some("rule_1%".into()), ..Default::default() };
        let (hits, _) = s.list(&account, &f).await.unwrap();
        assert_eq!(hits.len(), 1, "{hits:?}");
        let f = AuditFilter { offset: Some(25), limit: Some(20), ..Default::default() };
        assert_eq!(s.list(&account, &f).await.unwrap().0.len(), 6);

        // Keyset pages cover the match once each.
        let (mut seen, mut before) = (Vec::new(), None);
        loop {
            let page = s.before(&account, &all, before, 7).await.unwrap();
            seen.extend(page.iter().map(|e| e.id));
            match page.last() {
                Some(last) if page.len() == 7 => before = Some(last.id),
                _ => break,
            }
        }
        let unique: std::collections::HashSet<_> = seen.iter().collect();
        assert_eq!((seen.len(), unique.len()), (31, 31));

        assert_eq!(s.prune(1_010).await.unwrap(), 10);
        assert_eq!(s.list(&account, &all).await.unwrap().1, 21);
    }

    #[tokio::test]
    async fn sqlite_store() {
        let (s, pool) = sqlite().await;
        scopes_filters_and_keyset_paging(&s).await;
        let changed = sqlx::query("UPDATE audit SET result = 'ok'").execute(&pool).await;
        assert!(changed.unwrap_err().to_string().contains("append-only"));
    }

    #[tokio::test]
    async fn postgres_store() {
        let (s, pool, _db) = postgres().await;
        scopes_filters_and_keyset_paging(&s).await;
        let changed = sqlx::query("UPDATE audit SET result = 'ok'").execute(&pool).await;
        assert!(changed.unwrap_err().to_string().contains("append-only"));
    }
}
