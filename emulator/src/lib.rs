//! A local stand-in for the Huawei Cloud APIs SecPortal uses: same paths, same validation,
//! Huawei-shaped errors, seeded demo data. It shares no code with the `cloud` crate on purpose,
//! so a misunderstanding in one cannot hide behind the other.

pub mod control;
pub mod data;
mod dbss;
mod dsc;
mod gateway;
mod hss;
mod iam;
pub mod seed;
mod state;
pub mod timing;
mod xlsx;
mod zip;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;

pub use iam::DEMO_MFA_PASSCODE;
pub use state::Emulator;

/// Knobs of an emulator instance.
#[derive(Clone, Debug)]
pub struct Config {
    /// How long an issued IAM token lives (the cloud's is 24 hours).
    pub token_ttl: Duration,
    /// Seed of the demo data: the same seed always gives the same records.
    pub seed: u64,
    pub data_size: data::DataSize,
    pub task_timing: timing::TaskTiming,
    /// HSS calls per user per API per minute (the cloud's is 5); `None` for no limit.
    pub hss_rate_limit: Option<u32>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            token_ttl: Duration::from_secs(24 * 3600),
            seed: 1,
            data_size: data::DataSize::Default,
            task_timing: timing::TaskTiming::default(),
            hss_rate_limit: Some(5),
        }
    }
}

/// Every emulated service at its real paths, on one router.
pub fn router(emulator: Arc<Emulator>) -> Router {
    Router::new()
        .merge(iam::routes())
        .merge(hss::routes(emulator.clone()))
        .merge(dbss::routes(emulator.clone()))
        .merge(dsc::routes(emulator.clone()))
        .merge(control::routes())
        .layer(axum::middleware::from_fn_with_state(emulator.clone(), control::faults_and_log))
        .layer(axum::middleware::from_fn(gateway::request_id))
        .with_state(emulator)
}

/// A running emulator on a loopback port, stopped when dropped.
pub struct Running {
    pub addr: SocketAddr,
    pub emulator: Arc<Emulator>,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts an emulator on `addr` (use port 0 for any free port) in the current runtime.
pub async fn spawn(addr: SocketAddr, config: Config) -> std::io::Result<Running> {
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let emulator = Arc::new(Emulator::new(config));
    let app = router(emulator.clone());
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "emulator stopped");
        }
    });
    Ok(Running { addr, emulator, task })
}
