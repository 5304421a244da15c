//! A PostgreSQL database of a test's own: created fresh on the server named by
//! `SECPORTAL_TEST_PG` (set by `scripts/services.sh`; the local server when unset) and dropped
//! afterwards, so no other data is touched. A missing server fails the test, never skips it.

use sqlx::postgres::PgPoolOptions;
use sqlx::{Connection, PgConnection, PgPool};

pub struct TestDatabase {
    server: String,
    name: String,
}

fn server() -> String {
    std::env::var("SECPORTAL_TEST_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

impl TestDatabase {
    pub async fn create() -> Self {
        let server = server();
        let name = format!("secportal_test_{:016x}", rand::random::<u64>());
        let mut admin = PgConnection::connect(&format!("{server}/postgres")).await.unwrap_or_else(|e| {
            panic!("PostgreSQL at {server} is needed (run scripts/services.sh, which starts one): {e}")
        });
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.unwrap();
        admin.close().await.ok();
        Self { server, name }
    }

    pub fn url(&self) -> String {
        format!("{}/{}", self.server, self.name)
    }

    pub async fn pool(&self) -> PgPool {
        PgPoolOptions::new().max_connections(4).connect(&self.url()).await.unwrap()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let (server, name) = (self.server.clone(), self.name.clone());
        // Dropped outside any runtime the test may be tearing down.
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async {
                let mut admin = PgConnection::connect(&format!("{server}/postgres")).await?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut admin)
                    .await?;
                admin.close().await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop the test database {}", self.name);
        }
    }
}
