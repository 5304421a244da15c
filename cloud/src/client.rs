use std::time::Duration;

use reqwest::{RequestBuilder, Response};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::auth::{header_value, Caller};
use crate::limits::{CallBudget, RateLimiter};
use crate::{CloudError, Endpoints, Result, Service};

#[derive(Clone, Debug)]
pub struct ClientConfig {
    pub connect_timeout: Duration,
    /// Whole-request limit for JSON calls (downloads stream and are bounded separately).
    pub request_timeout: Duration,
    /// HSS calls a user may make per API per minute; `None` turns the client limiter off.
    pub hss_calls_per_minute: Option<u32>,
    /// Extra attempts of a read after a 5xx or a transport failure (the tracker uses none: it
    /// has its own back-off).
    pub read_retries: u32,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
            hss_calls_per_minute: Some(5),
            read_retries: 3,
        }
    }
}

/// One pooled HTTP client for every cloud call of every user; cheap to clone.
#[derive(Clone, Debug)]
pub struct CloudClient {
    http: reqwest::Client,
    endpoints: Endpoints,
    config: ClientConfig,
    limiter: std::sync::Arc<dyn CallBudget>,
}

/// One API operation: which service, a stable name (the rate limiter's key), and whether it
/// only reads (and so may be retried).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Op {
    pub service: Service,
    pub name: &'static str,
    pub read: bool,
}

impl Op {
    pub const fn read(service: Service, name: &'static str) -> Self {
        Self { service, name, read: true }
    }

    pub const fn write(service: Service, name: &'static str) -> Self {
        Self { service, name, read: false }
    }
}

/// A 429 is not retried: the gateway counts per minute, so a retry seconds later is refused
/// again and spends the budget; the caller is told to wait instead.
fn retryable(e: &CloudError) -> bool {
    match e {
        CloudError::Timeout { .. } | CloudError::Transport { .. } | CloudError::Unreachable { .. } => true,
        CloudError::Api { status, .. } => *status >= 500,
        _ => false,
    }
}

/// 250 ms, 500 ms, 1 s… plus up to 250 ms of jitter.
fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(250 * (1 << attempt)) + Duration::from_millis(rand::random::<u64>() % 250)
}

impl CloudClient {
    pub fn new(endpoints: Endpoints, config: ClientConfig) -> Result<Self> {
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            // Silence, not length: streamed downloads have no whole-request timeout, and this
            // gives up on a cloud that stops sending (before its headers or mid-body) all the same.
            .read_timeout(config.request_timeout)
            .user_agent(concat!("SecPortal/", env!("CARGO_PKG_VERSION")))
            // Redirects could carry a token header to a host we did not choose.
            .redirect(reqwest::redirect::Policy::none())
            .tcp_nodelay(true)
            .build()
            .map_err(|e| CloudError::Transport { service: "client", message: e.to_string() })?;
        let limiter: std::sync::Arc<dyn CallBudget> =
            std::sync::Arc::new(RateLimiter::new(config.hss_calls_per_minute));
        Ok(Self { http, endpoints, config, limiter })
    }

    /// The same client (connection pool, rate limiter) with another whole-request timeout and
    /// number of read retries: the tracker's polls are short and leave retrying to it.
    pub fn with_policy(&self, request_timeout: Duration, read_retries: u32) -> Self {
        Self { config: ClientConfig { request_timeout, read_retries, ..self.config.clone() }, ..self.clone() }
    }

    /// The same client with HSS's budget kept elsewhere (shared by several instances). Only
    /// when the client limiter is on (`hss_calls_per_minute`).
    pub fn with_budget(mut self, budget: std::sync::Arc<dyn CallBudget>) -> Self {
        if self.config.hss_calls_per_minute.is_some() {
            self.limiter = budget;
        }
        self
    }

    /// HSS calls a user may make per API per minute, when the client limits them.
    pub fn hss_calls_per_minute(&self) -> Option<u32> {
        self.config.hss_calls_per_minute
    }

    /// The whole-request limit of JSON calls.
    pub fn request_timeout(&self) -> Duration {
        self.config.request_timeout
    }

    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    /// Starts a request to `path` (which begins with `/`) on the service's endpoint.
    pub(crate) fn request(
        &self,
        method: reqwest::Method,
        service: Service,
        region: &str,
        path: &str,
    ) -> Result<RequestBuilder> {
        Ok(self.request_streaming(method, service, region, path)?.timeout(self.config.request_timeout))
    }

    /// Like [`Self::request`] but without the whole-request timeout, for streamed downloads.
    pub(crate) fn request_streaming(
        &self,
        method: reqwest::Method,
        service: Service,
        region: &str,
        path: &str,
    ) -> Result<RequestBuilder> {
        let mut url = self.endpoints.base(service, region)?;
        let base_path = url.path().trim_end_matches('/').to_string();
        url.set_path(&format!("{base_path}{path}"));
        Ok(self.http.request(method, url))
    }

    /// Sends and turns every non-2xx answer into [`CloudError::Api`].
    pub(crate) async fn send(&self, service: Service, req: RequestBuilder) -> Result<Response> {
        let name = service.name();
        let resp = req.send().await.map_err(|e| transport_error(name, e))?;
        checked(name, resp).await
    }

    /// Sends a service call on behalf of `caller`: project header, HSS's `region` header, the
    /// rate limiter, then the credentials (signing comes last, over the final headers, and again
    /// for every attempt). Reads retry on 5xx, 429 and transport failures with jittered
    /// back-off; writes never do, since the first attempt may have reached the service.
    pub(crate) async fn call(&self, op: Op, caller: &Caller, req: RequestBuilder) -> Result<Response> {
        let name = op.service.name();
        let mut base =
            req.build().map_err(|e| CloudError::Transport { service: name, message: e.to_string() })?;
        let headers = base.headers_mut();
        headers.insert("x-project-id", header_value("project_id", &caller.project_id)?);
        if op.service == Service::Hss {
            headers.insert("region", header_value("region", &caller.region)?);
        }
        let mut pending = Some(base);
        let mut attempt = 0u32;
        loop {
            if op.service == Service::Hss {
                self.limiter.acquire(&caller.identity_key(), op.name).await.map_err(|retry_after| {
                    metrics::counter!("secportal_hss_throttled_total", "by" => "portal", "operation" => op.name)
                        .increment(1);
                    CloudError::Throttled { service: name, retry_after }
                })?;
            }
            // A streamed body (multipart) cannot be cloned; such calls are writes: one attempt.
            let mut req = match pending.as_ref().and_then(reqwest::Request::try_clone) {
                Some(r) => r,
                None => pending
                    .take()
                    .ok_or(CloudError::Transport { service: name, message: "request consumed".into() })?,
            };
            caller.credentials.apply(&mut req, time::OffsetDateTime::now_utc())?;
            let span = tracing::info_span!("cloud_call", service = name, operation = op.name, attempt);
            let result = async {
                let started = std::time::Instant::now();
                let result = match self.http.execute(req).await {
                    Ok(resp) => checked(name, resp).await,
                    Err(e) => Err(transport_error(name, e)),
                };
                observe(&op, &result, started.elapsed());
                result
            }
            .instrument(span)
            .await;
            match result {
                Err(e) if op.service == Service::Hss && e.status() == Some(429) => {
                    metrics::counter!("secportal_hss_throttled_total", "by" => "cloud", "operation" => op.name)
                        .increment(1);
                    self.limiter.exhausted(&caller.identity_key(), op.name).await;
                    return Err(e);
                }
                Err(e)
                    if op.read
                        && attempt < self.config.read_retries
                        && pending.is_some()
                        && retryable(&e) =>
                {
                    tokio::time::sleep(backoff(attempt)).await;
                    attempt += 1;
                    tracing::debug!(op = op.name, attempt, error = %e, "retrying a read");
                }
                other => return other,
            }
        }
    }

    /// A plain GET of an already-checked URL (no credentials), mapping errors as usual.
    pub(crate) async fn raw_get(&self, service: Service, url: url::Url) -> Result<Response> {
        let name = service.name();
        let resp = self.http.get(url).send().await.map_err(|e| transport_error(name, e))?;
        checked(name, resp).await
    }

    /// Path of a service call: `/v5/{project_id}/…` with the project id checked, since it is
    /// put into the URL.
    pub(crate) fn project_path(caller: &Caller, version: &str, rest: &str) -> Result<String> {
        let id = crate::model::path_id("project_id", &caller.project_id)?;
        Ok(format!("/{version}/{id}{rest}"))
    }

    pub(crate) async fn json<T: DeserializeOwned>(service: Service, resp: Response) -> Result<T> {
        let name = service.name();
        let bytes = resp.bytes().await.map_err(|e| transport_error(name, e))?;
        serde_json::from_slice(&bytes)
            .map_err(|e| CloudError::Decode { service: name, message: e.to_string() })
    }
}

/// One cloud call's line in the log (inside its `cloud_call` span) and its counters: service,
/// operation, status (the HTTP status, or `timeout`/`unreachable`/`transport`/…), latency and
/// the cloud's request id.
fn observe(op: &Op, result: &Result<Response>, latency: Duration) {
    let (status, request_id) = match result {
        Ok(resp) => (resp.status().as_u16().to_string(), self::request_id(resp)),
        Err(CloudError::Api { status, request_id, .. }) => (status.to_string(), request_id.clone()),
        Err(CloudError::Timeout { .. }) => ("timeout".to_string(), None),
        Err(CloudError::Unreachable { .. }) => ("unreachable".to_string(), None),
        Err(CloudError::Decode { .. }) => ("undecodable".to_string(), None),
        Err(_) => ("transport".to_string(), None),
    };
    let service = op.service.name();
    tracing::info!(status = %status, latency_ms = latency.as_millis() as u64,
        request_id = request_id.as_deref().unwrap_or(""), "cloud call");
    metrics::counter!("secportal_cloud_calls_total", "service" => service, "operation" => op.name, "status" => status)
        .increment(1);
    metrics::histogram!("secportal_cloud_call_duration_seconds", "service" => service, "operation" => op.name)
        .record(latency.as_secs_f64());
}

/// Passes a 2xx answer on; turns any other into [`CloudError::Api`] with the body's code.
async fn checked(service: &'static str, resp: Response) -> Result<Response> {
    if resp.status().is_success() {
        return Ok(resp);
    }
    let status = resp.status();
    let request_id = request_id(&resp);
    let body = resp.bytes().await.unwrap_or_default();
    Err(CloudError::from_response(service, status, request_id, &body))
}

pub(crate) fn request_id(resp: &Response) -> Option<String> {
    ["x-request-id", "x-iam-trace-id"]
        .iter()
        .find_map(|h| resp.headers().get(*h))
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn transport_error(service: &'static str, e: reqwest::Error) -> CloudError {
    if e.is_timeout() {
        return CloudError::Timeout { service };
    }
    let connect = e.is_connect();
    let message = transport_message(e);
    if connect {
        CloudError::Unreachable { service, message }
    } else {
        CloudError::Transport { service, message }
    }
}

/// What went wrong: the error and its causes, and the URL without its query, which can hold a
/// pre-signed download's signature (reqwest never shows headers).
fn transport_message(e: reqwest::Error) -> String {
    let url = e.url().map(|u| {
        let mut u = u.clone();
        u.set_query(None);
        u
    });
    let e = e.without_url();
    let mut message = e.to_string();
    let mut cause = std::error::Error::source(&e);
    while let Some(c) = cause {
        message.push_str(": ");
        message.push_str(&c.to_string());
        cause = c.source();
    }
    if let Some(url) = url {
        message.push_str(&format!(" ({url})"));
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A failed download of a pre-signed URL says where it went, but not the signature.
    #[tokio::test]
    async fn transport_errors_leave_the_query_out() {
        // Port 9 (discard) on loopback: nothing listens there on the test machines.
        let url = "http://127.0.0.1:9/bucket/report.zip?AccessKeyId=AK&Signature=s3cr3t";
        let e = reqwest::Client::new().get(url).send().await.unwrap_err();
        let e = transport_error("OBS", e);
        let text = format!("{e:?}");
        assert!(matches!(e, CloudError::Unreachable { .. }), "{text}");
        assert!(text.contains("127.0.0.1:9/bucket/report.zip"), "{text}");
        assert!(!text.contains("s3cr3t") && !text.contains("AccessKeyId"), "{text}");
    }
}
