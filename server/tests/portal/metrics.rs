//! The metrics listener's `/metrics`: Prometheus text whose counters move after a create.

use crate::common::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

/// Every sample of the page, as `name{labels}` → value; fails on a line that is not
/// Prometheus text (a comment, or a name, optional labels and a number).
fn samples(text: &str) -> std::collections::HashMap<String, f64> {
    let mut out = std::collections::HashMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        if line.starts_with("# HELP ") || line.starts_with("# TYPE ") {
            continue;
        }
        let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("not a sample: {line:?}"));
        let name_end = series.find('{').unwrap_or(series.len());
        let name = &series[..name_end];
        assert!(
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'),
            "bad metric name in {line:?}"
        );
        if name_end < series.len() {
            assert!(series.ends_with('}'), "unclosed labels in {line:?}");
        }
        let value: f64 = value.parse().unwrap_or_else(|_| panic!("bad value in {line:?}"));
        out.insert(series.to_string(), value);
    }
    out
}

async fn scrape(p: &Portal) -> std::collections::HashMap<String, f64> {
    let scrape = server::metrics::Scrape { storage: p.built.storage.clone(), portal: p.built.portal.clone() };
    let resp = server::metrics::router(scrape)
        .oneshot(Request::get("/metrics").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    samples(std::str::from_utf8(&body).unwrap())
}

fn value(s: &std::collections::HashMap<String, f64>, series: &str) -> f64 {
    s.get(series).copied().unwrap_or(0.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn metrics_parse_and_move_after_a_create() {
    let (p, cookie) = quick_demo().await;
    let r = &p.built.router;
    let before = scrape(&p).await;
    assert!(value(&before, "secportal_active_sessions") >= 1.0, "{before:?}");
    let export =
        json!({"input": {"export_size": 5, "columns": [{"key": "container_name", "title": "Container"}]}});
    let (status, created) = call_json(r, "/api/exports/containers", keyed(export), &cookie).await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let after = scrape(&p).await;
    let moved = |series: &str| value(&after, series) - value(&before, series);
    assert!(moved("secportal_tasks_created_total{kind=\"hss_containers\"}") >= 1.0, "{after:?}");
    assert!(moved("secportal_http_requests_total{route=\"/api/exports/containers\",status=\"200\"}") >= 1.0);
    let cloud_calls: f64 = after
        .iter()
        .filter(|(k, _)| {
            k.starts_with("secportal_cloud_calls_total{") && k.contains("operation=\"hss_export_containers\"")
        })
        .map(|(_, v)| v)
        .sum();
    assert!(cloud_calls >= 1.0, "{after:?}");
    assert!(after.keys().any(|k| k.starts_with("secportal_http_request_duration_seconds_bucket{")));
    assert!(
        after.contains_key("secportal_tracker_due") && after.contains_key("secportal_tracker_lag_seconds")
    );
}
