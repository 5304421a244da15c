//! Session stores that keep an ended session ended. tower-sessions saves a session after the
//! handler when it changed; a store whose save is an upsert lets a request still in flight
//! during sign-out (or sign-in's id rotation) write the deleted record back, and the old cookie
//! works again. Here only `create` inserts; `save` updates a record that still exists and does
//! nothing for one that was deleted or cycled. Sessions change rarely (sign-in, the idle clock
//! once a minute: see `app::ssr::session::current`), so a read request writes nothing.
//!
//! Each store also indexes its sessions by account and user (the signed-in record's ids), for
//! the sessions page ([`SessionDirectory`]).

use app::ssr::sessions::{SessionData, SessionDirectory};
use app::ssr::tasks::StoreError;
use async_trait::async_trait;
use sqlx::SqlitePool;
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

fn encode(record: &Record) -> session_store::Result<String> {
    serde_json::to_string(&record.data).map_err(|e| session_store::Error::Encode(e.to_string()))
}

/// The account and user a record is signed in as (none before sign-in).
pub(crate) fn owner(record: &Record) -> Option<(&str, &str)> {
    let auth = record.data.get(app::ssr::session::AUTH_KEY)?;
    Some((auth.get("domain_id")?.as_str()?, auth.get("user_id")?.as_str()?))
}

fn decode(id: Id, data: &str, expiry: i64) -> session_store::Result<Record> {
    Ok(Record {
        id,
        data: serde_json::from_str(data).map_err(|e| session_store::Error::Decode(e.to_string()))?,
        expiry_date: OffsetDateTime::from_unix_timestamp(expiry).map_err(backend)?,
    })
}

/// Sessions in the embedded SQLite database (table `sessions`, see the migrations).
#[derive(Clone, Debug)]
pub struct SqliteSessions {
    pool: SqlitePool,
}

impl SqliteSessions {
    pub fn new(pool: SqlitePool) -> Self {
        Self { pool }
    }
}

#[async_trait]
impl SessionStore for SqliteSessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let data = encode(record)?;
        // A random 128-bit id collides essentially never; if it does, draw again.
        loop {
            let done = sqlx::query(
                "INSERT INTO sessions (id, data, expiry_date, domain_id, user_id) VALUES (?, ?, ?, ?, ?) \
                 ON CONFLICT (id) DO NOTHING",
            )
            .bind(record.id.to_string())
            .bind(&data)
            .bind(record.expiry_date.unix_timestamp())
            .bind(owner(record).map(|o| o.0))
            .bind(owner(record).map(|o| o.1))
            .execute(&self.pool)
            .await
            .map_err(backend)?;
            if done.rows_affected() == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        sqlx::query("UPDATE sessions SET data = ?, expiry_date = ?, domain_id = ?, user_id = ? WHERE id = ?")
            .bind(encode(record)?)
            .bind(record.expiry_date.unix_timestamp())
            .bind(owner(record).map(|o| o.0))
            .bind(owner(record).map(|o| o.1))
            .bind(record.id.to_string())
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let row: Option<(String, i64)> =
            sqlx::query_as("SELECT data, expiry_date FROM sessions WHERE id = ? AND expiry_date > ?")
                .bind(id.to_string())
                .bind(OffsetDateTime::now_utc().unix_timestamp())
                .fetch_optional(&self.pool)
                .await
                .map_err(backend)?;
        row.map(|(data, expiry)| decode(*id, &data, expiry)).transpose()
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id = ?")
            .bind(id.to_string())
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

#[async_trait]
impl ExpiredDeletion for SqliteSessions {
    async fn delete_expired(&self) -> session_store::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE expiry_date <= ?")
            .bind(OffsetDateTime::now_utc().unix_timestamp())
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

#[async_trait]
impl SessionDirectory for SqliteSessions {
    async fn list(
        &self,
        domain_id: &str,
        user_id: Option<&str>,
    ) -> Result<Vec<(Id, SessionData)>, StoreError> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT id, data FROM sessions WHERE domain_id = ? AND (? IS NULL OR user_id = ?) AND expiry_date > ?",
        )
        .bind(domain_id)
        .bind(user_id)
        .bind(user_id)
        .bind(OffsetDateTime::now_utc().unix_timestamp())
        .fetch_all(&self.pool)
        .await
        .map_err(|e| StoreError(e.to_string()))?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, data)| Some((id.parse().ok()?, serde_json::from_str(&data).ok()?)))
            .collect())
    }

    async fn end(&self, id: &Id) -> Result<(), StoreError> {
        self.delete(id).await.map_err(|e| StoreError(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn store() -> SqliteSessions {
        let path = std::env::temp_dir().join(format!("secportal-sessions-{:x}.db", rand::random::<u64>()));
        let pool = crate::storage::connect(&format!("sqlite://{}", path.display())).await.unwrap();
        crate::task_store::SqliteTaskStore::new(pool.clone()).await.unwrap();
        SqliteSessions::new(pool)
    }

    fn record() -> Record {
        let mut data = std::collections::HashMap::new();
        data.insert("auth".to_string(), serde_json::json!({"user": "u"}));
        Record { id: Id::default(), data, expiry_date: OffsetDateTime::now_utc() + time::Duration::hours(1) }
    }

    #[tokio::test]
    async fn a_deleted_session_stays_deleted_when_a_late_save_comes() {
        let s = store().await;
        let mut r = record();
        s.create(&mut r).await.unwrap();
        assert_eq!(s.load(&r.id).await.unwrap().unwrap().data, r.data);
        s.delete(&r.id).await.unwrap();
        // A request that loaded the session before sign-out saves it afterwards.
        s.save(&r).await.unwrap();
        assert!(s.load(&r.id).await.unwrap().is_none(), "save never inserts");
    }

    #[tokio::test]
    async fn sessions_are_found_by_account_and_user_and_end() {
        let s = store().await;
        let signed_in = |domain: &str, user: &str| {
            let mut r = record();
            r.data.insert("auth".into(), serde_json::json!({"domain_id": domain, "user_id": user}));
            r
        };
        let (mut a, mut b, mut c, mut anonymous) =
            (signed_in("d1", "u1"), signed_in("d1", "u2"), signed_in("d2", "u1"), record());
        anonymous.data.clear();
        for r in [&mut a, &mut b, &mut c, &mut anonymous] {
            s.create(r).await.unwrap();
        }
        let ids = |found: Vec<(Id, SessionData)>| {
            let mut ids: Vec<Id> = found.into_iter().map(|f| f.0).collect();
            ids.sort_by_key(|i| i.to_string());
            ids
        };
        let mut both = vec![a.id, b.id];
        both.sort_by_key(|i| i.to_string());
        assert_eq!(ids(s.list("d1", None).await.unwrap()), both, "the account's");
        assert_eq!(ids(s.list("d1", Some("u1")).await.unwrap()), vec![a.id], "one user's");
        s.end(&a.id).await.unwrap();
        assert!(s.load(&a.id).await.unwrap().is_none(), "ended: the cookie opens nothing");
        assert!(s.list("d1", Some("u1")).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn expired_sessions_do_not_load_and_are_deleted() {
        let s = store().await;
        let mut r =
            Record { expiry_date: OffsetDateTime::now_utc() - time::Duration::seconds(1), ..record() };
        s.create(&mut r).await.unwrap();
        assert!(s.load(&r.id).await.unwrap().is_none());
        s.delete_expired().await.unwrap();
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions").fetch_one(&s.pool).await.unwrap();
        assert_eq!(left, 0);
    }
}

/// The session store of the mode the portal runs in.
#[derive(Clone, Debug)]
pub enum Sessions {
    Sqlite(SqliteSessions),
    Redis(crate::redis_state::RedisSessions),
}

#[async_trait]
impl SessionStore for Sessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            Sessions::Sqlite(s) => s.create(record).await,
            Sessions::Redis(s) => s.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            Sessions::Sqlite(s) => s.save(record).await,
            Sessions::Redis(s) => s.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            Sessions::Sqlite(s) => s.load(id).await,
            Sessions::Redis(s) => s.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            Sessions::Sqlite(s) => s.delete(id).await,
            Sessions::Redis(s) => s.delete(id).await,
        }
    }
}

#[async_trait]
impl SessionDirectory for Sessions {
    async fn list(
        &self,
        domain_id: &str,
        user_id: Option<&str>,
    ) -> Result<Vec<(Id, SessionData)>, StoreError> {
        match self {
            Sessions::Sqlite(s) => s.list(domain_id, user_id).await,
            Sessions::Redis(s) => s.list(domain_id, user_id).await,
        }
    }

    async fn end(&self, id: &Id) -> Result<(), StoreError> {
        match self {
            Sessions::Sqlite(s) => s.end(id).await,
            Sessions::Redis(s) => s.end(id).await,
        }
    }
}
