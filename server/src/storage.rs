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
