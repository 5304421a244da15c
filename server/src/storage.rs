//! The database behind sessions (and, later, history and audit).

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::SqlitePool;
use tower_sessions_sqlx_store::SqliteStore;

use crate::Error;

pub async fn connect(url: &str) -> Result<SqlitePool, Error> {
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|e| Error::Config(format!("SECPORTAL_DATABASE_URL: {e}")))?
        .create_if_missing(true)
        // WAL lets readers proceed while a session is being written.
        .journal_mode(SqliteJournalMode::Wal)
        .busy_timeout(Duration::from_secs(5));
    SqlitePoolOptions::new().max_connections(8).connect_with(options).await.map_err(Error::Database)
}

pub async fn session_store(pool: SqlitePool) -> Result<SqliteStore, Error> {
    let store = SqliteStore::new(pool);
    store.migrate().await.map_err(Error::Database)?;
    Ok(store)
}
