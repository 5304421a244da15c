//! Observability: one log line per request, and Prometheus metrics served on a listener of
//! their own (`SECPORTAL_METRICS_ADDR`), so they are never reachable through the public proxy.
//! Counters and histograms are recorded where things happen (requests here, cloud calls in the
//! cloud client, creates in the app, download bytes in the download route); the gauges (active
//! sessions, tracker due count and lag) are read from the stores at each scrape.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::storage::Storage;

/// Latency buckets in seconds: 0.5 ms to 60 s.
const BUCKETS: &[f64] =
    &[0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process's recorder, installed at the first call (tests build several portals in one
/// process; they share it).
pub fn handle() -> PrometheusHandle {
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), BUCKETS)
                .expect("the buckets are not empty")
                .build_recorder();
            let handle = recorder.handle();
            if metrics::set_global_recorder(recorder).is_err() {
                tracing::warn!("a metrics recorder was installed before; this one records nothing");
            }
            handle
        })
        .clone()
}

/// The route a request took, as its handler's router matched it (put into the answer by
/// [`matched_route`]): a bounded set of labels, never a raw path.
#[derive(Clone)]
struct Route(String);

/// Inside the routers: keeps the matched route for the outer layer.
pub async fn matched_route(req: Request, next: Next) -> Response {
    let route = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_string());
    let mut resp = next.run(req).await;
    if let Some(route) = route {
        resp.extensions_mut().insert(Route(route));
    }
    resp
}

/// Outside everything: one info line per request (method, route, status, latency, request
/// id), and the request counters.
pub async fn observe(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let request_id =
        req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let resp = next.run(req).await;
    let latency = started.elapsed();
    let route = match resp.extensions().get::<Route>() {
        Some(Route(r)) => r.clone(),
        None if path.starts_with("/pkg/") => "/pkg/*".into(),
        None => "other".into(),
    };
    let status = resp.status().as_u16();
    tracing::info!(
        method = %method,
        route = %route,
        status,
        latency_us = latency.as_micros() as u64,
        request_id = %request_id,
        "request"
    );
    let labels = [("route", route), ("status", status.to_string())];
    metrics::counter!("secportal_http_requests_total", &labels).increment(1);
    metrics::histogram!("secportal_http_request_duration_seconds", &labels).record(latency.as_secs_f64());
    resp
}

/// What a scrape reads besides the recorder: the stores' gauges.
#[derive(Clone)]
pub struct Scrape {
    pub storage: Storage,
    pub portal: std::sync::Arc<app::ssr::Portal>,
}

/// `GET /metrics` on the metrics listener: Prometheus text.
pub async fn metrics_page(State(scrape): State<Scrape>) -> Response {
    let now = app::ssr::now_ms();
    match scrape.storage.active_sessions().await {
        Ok(n) => metrics::gauge!("secportal_active_sessions").set(n as f64),
        Err(e) => tracing::warn!(error = %e, "could not count sessions"),
    }
    match scrape.portal.tasks.due(now).await {
        Ok((due, oldest)) => {
            metrics::gauge!("secportal_tracker_due").set(due as f64);
            let lag = oldest.map_or(0, |t| (now - t).max(0));
            metrics::gauge!("secportal_tracker_lag_seconds").set(lag as f64 / 1000.0);
        }
        Err(e) => tracing::warn!(error = %e, "could not count due tasks"),
    }
    ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4")], handle().render()).into_response()
}

/// The metrics listener's router.
pub fn router(scrape: Scrape) -> axum::Router {
    axum::Router::new().route("/metrics", axum::routing::get(metrics_page)).with_state(scrape)
}
