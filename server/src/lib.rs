//! The SecPortal server: configuration, storage, sessions, middleware and demo mode around the
//! Leptos app.

mod assets;
mod audit_export;
pub mod audit_store;
pub mod config;
mod download;
mod health;
mod keys;
pub mod listen;
pub mod metrics;
mod middleware;
#[cfg(test)]
mod pg_test;
mod redis_state;
pub mod sessions;
pub mod storage;
pub mod task_store;
pub mod tracker;

use std::sync::Arc;
use std::time::Duration;

use app::dto::{DemoAccount, DemoLogin};
use app::ssr::cache::{self, ListCache};
use app::ssr::vault::TokenVault;
use app::ssr::{AppState, Portal};
use app::{shell, App};
use axum::http::{HeaderName, Request};
use axum::routing::get;
use axum::Router;
use cloud::{ClientConfig, CloudClient, Endpoints};
use leptos::prelude::LeptosOptions;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

pub use config::{CloudTarget, Config};

/// The server's one error type: what can stop it from starting.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("configuration: {0}")]
    Config(String),
    #[error("file system: {0}")]
    Io(String),
    #[error("database: {0}")]
    Database(#[source] sqlx::Error),
    #[error("cloud client: {0}")]
    Cloud(#[from] cloud::CloudError),
    #[error("redis: {0}")]
    Redis(String),
}

/// A ready-to-serve portal and what must live as long as it.
pub struct Built {
    pub router: Router,
    /// Embedded or cluster stores.
    pub storage: storage::Storage,
    /// The in-process emulator in demo mode; dropping it stops it.
    pub emulator: Option<emulator::Running>,
    /// The export tracker; dropping it stops it.
    pub tracker: tracker::TrackerHandle,
    pub portal: Arc<Portal>,
}

pub async fn build(config: &Config, leptos_options: LeptosOptions) -> Result<Built, Error> {
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|e| Error::Io(format!("{}: {e}", config.data_dir.display())))?;
    // The database and the key are the portal's alone.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&config.data_dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| Error::Io(format!("{}: {e}", config.data_dir.display())))?;
    }

    let (endpoints, emulator) = match config.cloud() {
        CloudTarget::Demo if config.demo_emulator.is_some() => {
            let url = config.demo_emulator.clone().expect("checked");
            tracing::info!(%url, "demo mode: using the emulator already running there");
            (Endpoints::single(url), None)
        }
        CloudTarget::Demo => {
            let running = emulator::spawn(([127, 0, 0, 1], 0).into(), emulator::Config::default())
                .await
                .map_err(|e| Error::Io(format!("starting the demo emulator: {e}")))?;
            tracing::info!(addr = %running.addr, "demo mode: the cloud emulator runs in-process");
            let url = running.base_url().parse().expect("loopback URL");
            (Endpoints::single(url), Some(running))
        }
        CloudTarget::Huawei => (Endpoints::huawei().with_overrides_from(std::env::vars())?, None),
        CloudTarget::Single(url) => (Endpoints::single(url.clone()), None),
    };
    let cloud = CloudClient::new(
        endpoints,
        ClientConfig {
            connect_timeout: Duration::from_secs(config.cloud_connect_timeout_secs),
            request_timeout: Duration::from_secs(config.cloud_request_timeout_secs),
            hss_calls_per_minute: (config.hss_calls_per_minute > 0).then_some(config.hss_calls_per_minute),
            ..ClientConfig::default()
        },
    )?;

    let key = keys::load_or_create(config.session_key.as_deref(), &config.data_dir)?;
    let opened = storage::open(config).await?;
    let cloud = match opened.budget.clone() {
        Some(budget) => cloud.with_budget(budget),
        None => cloud,
    };
    let (tasks, preferences, store) =
        (opened.tasks.clone(), opened.preferences.clone(), opened.sessions.clone());
    if let storage::Storage::Embedded { pool } = &opened.storage {
        // SQLite is one instance's own: creates this process did not start are orphans of a crash.
        match tasks.release_claims(app::ssr::now_ms()).await {
            Ok(0) => {}
            Ok(n) => tracing::warn!(rows = n, "creates interrupted by a stop are looked up in the cloud"),
            Err(e) => tracing::warn!(error = %e, "could not release interrupted creates"),
        }
        spawn_expired_session_cleanup(sessions::SqliteSessions::new(pool.clone()));
    }
    tracing::info!(mode = if opened.storage.is_cluster() { "cluster" } else { "embedded" }, "stores ready");

    let tracker_config = config.tracker();
    let shared_cache: Option<Arc<dyn cache::SharedCache>> = match &opened.storage {
        storage::Storage::Cluster { shared, .. } => Some(Arc::new(shared.clone())),
        storage::Storage::Embedded { .. } => None,
    };
    let tracker_wake = Arc::new(app::ssr::tasks::Wake::new(match &opened.storage {
        storage::Storage::Cluster { shared, .. } => Some(shared.wake_others()),
        storage::Storage::Embedded { .. } => None,
    }));
    if let storage::Storage::Cluster { shared, .. } = &opened.storage {
        shared.relay_wakes(tracker_wake.clone());
    }
    let portal = Portal {
        // One quick retry (250–500 ms) of a status read that met a 5xx or a broken connection,
        // within the poll's timeout: a single transient failure then costs a row half a second
        // instead of a back-off interval. More retrying is the tracker's, spaced for HSS's budget.
        poll_cloud: cloud.with_policy(tracker_config.poll_timeout, 1),
        cloud,
        vault: TokenVault::new(&key),
        demo: config.is_demo().then(demo_login),
        session_max_lifetime: Duration::from_secs(u64::from(config.session_max_hours) * 3600),
        tasks,
        preferences,
        tracker: tracker_wake.clone(),
        lists: ListCache::new("lists", cache::LIST_TTL).shared(shared_cache.clone()),
        scan_cache: ListCache::new("scans", cache::SCAN_TTL).shared(shared_cache),
        sign_in_budget: opened.sign_in_budget.clone(),
        require_mfa: config.require_mfa,
        audit: opened.audit.clone(),
        admins: config.admin_list(),
        admin_group: config.admin_group.clone().map(|g| g.trim().to_string()).filter(|g| !g.is_empty()),
        sessions: Arc::new(opened.sessions.clone()),
    };
    let portal = Arc::new(portal);
    // The recorder before anything records.
    let _ = metrics::handle();
    let tracker = tracker::spawn(portal.clone(), tracker_config);
    let state = AppState { leptos_options: leptos_options.clone(), portal: portal.clone() };

    let sessions = SessionManagerLayer::new(store)
        // `__Host-`: the browser accepts it only Secure, from this host, for every path, so no
        // sibling domain or plain-http page can plant or shadow it.
        .with_name(if config.cookie_secure { "__Host-secportal_session" } else { "secportal_session" })
        .with_http_only(true)
        .with_secure(config.cookie_secure)
        .with_same_site(SameSite::Strict)
        .with_path("/")
        // Written only when it changes: the idle clock is moved at most once a minute
        // (`app::ssr::session::current`), so a read request writes nothing.
        .with_expiry(Expiry::OnInactivity(time::Duration::minutes(i64::from(config.idle_timeout_minutes))));

    let routes = generate_route_list(App);
    let pages = Router::new()
        .leptos_routes(&state, routes, {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .route("/exports/{id}/download", get(download::download))
        .route("/audit/export.csv", get(audit_export::export_csv))
        .route("/audit/export.xlsx", get(audit_export::export_xlsx))
        .route_layer(axum::middleware::from_fn(metrics::matched_route))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn(middleware::errors::status_from_error_kind))
        .layer(axum::middleware::from_fn(middleware::guard::require_session))
        .layer(axum::middleware::from_fn_with_state(
            config.trusted_proxy_hops,
            middleware::client::client_addr,
        ))
        .layer(sessions)
        .with_state(state);

    let health = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route_layer(axum::middleware::from_fn(metrics::matched_route))
        .with_state(opened.storage.clone());

    let pkg_dir = std::path::Path::new(&*leptos_options.site_root).join(&*leptos_options.site_pkg_dir);
    let compressed = tokio::task::spawn_blocking({
        let dir = pkg_dir.clone();
        move || assets::precompress(&dir)
    })
    .await
    .map_err(|e| Error::Io(e.to_string()))?
    .map_err(|e| Error::Io(format!("compressing assets: {e}")))?;
    if compressed > 0 {
        tracing::info!(files = compressed, "precompressed static assets");
    }

    let origin = Arc::new(middleware::origin::OriginPolicy::new(config.public_origin.as_ref()));
    let hsts = config.public_origin.as_ref().is_some_and(|o| o.scheme() == "https");
    let request_id = HeaderName::from_static("x-request-id");
    let router = Router::new()
        .merge(health)
        .merge(assets::pkg_router(pkg_dir))
        .merge(pages)
        .layer(axum::middleware::from_fn_with_state(origin, middleware::origin::refuse_cross_site))
        .layer(axum::middleware::from_fn_with_state(hsts, middleware::headers::security_headers))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
            // Method, path and request id only: query strings and headers may carry secrets.
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), id)
        }))
        // Limits first: an oversized body is refused before any handler or session lookup.
        .layer(axum::middleware::from_fn(middleware::limits::api_timeout))
        // A body sent slower than this frees its connection (the header timeout is the listener's).
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(Duration::from_secs(
            config.body_read_timeout_secs.max(1),
        )))
        .layer(axum::middleware::from_fn(middleware::limits::limit_body))
        .layer(axum::extract::DefaultBodyLimit::max(middleware::limits::UPLOAD_LIMIT))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(middleware::limits::panic_answer))
        // Inside the request id, outside everything else: every answer is counted and logged.
        .layer(axum::middleware::from_fn(metrics::observe))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .layer(axum::middleware::from_fn(middleware::headers::drop_client_request_id));

    Ok(Built { router, storage: opened.storage, emulator, tracker, portal })
}

fn demo_login() -> DemoLogin {
    DemoLogin {
        domain: emulator::seed::DOMAIN_NAME.to_string(),
        accounts: emulator::seed::USERS
            .iter()
            .map(|u| DemoAccount { user: u.name.to_string(), password: u.password.to_string() })
            .collect(),
        region: emulator::seed::PROJECTS[0].name.to_string(),
    }
}

fn spawn_expired_session_cleanup(store: sessions::SqliteSessions) {
    use tower_sessions::session_store::ExpiredDeletion;
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(600));
        loop {
            every.tick().await;
            if let Err(e) = store.delete_expired().await {
                tracing::warn!(error = %e, "expired-session cleanup failed");
            }
        }
    });
}
