use std::time::Duration;

use reqwest::{RequestBuilder, Response};
use serde::de::DeserializeOwned;

use crate::auth::Caller;
use crate::{CloudError, Endpoints, Result, Service};

#[derive(Clone, Debug)]
pub struct ClientConfig {
    pub connect_timeout: Duration,
    /// Whole-request limit for JSON calls (downloads stream and are bounded separately).
    pub request_timeout: Duration,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self { connect_timeout: Duration::from_secs(5), request_timeout: Duration::from_secs(30) }
    }
}

/// One pooled HTTP client for every cloud call of every user; cheap to clone.
#[derive(Clone, Debug)]
pub struct CloudClient {
    http: reqwest::Client,
    endpoints: Endpoints,
    config: ClientConfig,
}

impl CloudClient {
    pub fn new(endpoints: Endpoints, config: ClientConfig) -> Result<Self> {
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .user_agent(concat!("SecPortal/", env!("CARGO_PKG_VERSION")))
            // Redirects could carry a token header to a host we did not choose.
            .redirect(reqwest::redirect::Policy::none())
            .tcp_nodelay(true)
            .build()
            .map_err(|e| CloudError::Transport { service: "client", message: e.to_string() })?;
        Ok(Self { http, endpoints, config })
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

    /// Sends a service call on behalf of `caller`: project header, HSS's `region` header, then
    /// the credentials (signing must come last, over the final headers).
    pub(crate) async fn call(
        &self,
        service: Service,
        caller: &Caller,
        req: RequestBuilder,
    ) -> Result<Response> {
        let name = service.name();
        let mut req =
            req.build().map_err(|e| CloudError::Transport { service: name, message: e.to_string() })?;
        let headers = req.headers_mut();
        headers.insert("x-project-id", header_value("project_id", &caller.project_id)?);
        if service == Service::Hss {
            headers.insert("region", header_value("region", &caller.region)?);
        }
        caller.credentials.apply(&mut req, time::OffsetDateTime::now_utc())?;
        let resp = self.http.execute(req).await.map_err(|e| transport_error(name, e))?;
        checked(name, resp).await
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
        let id = &caller.project_id;
        if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(CloudError::invalid("project_id", "1 to 64 letters, digits or '-'"));
        }
        Ok(format!("/{version}/{id}{rest}"))
    }

    pub(crate) async fn json<T: DeserializeOwned>(service: Service, resp: Response) -> Result<T> {
        let name = service.name();
        let bytes = resp.bytes().await.map_err(|e| transport_error(name, e))?;
        serde_json::from_slice(&bytes)
            .map_err(|e| CloudError::Decode { service: name, message: e.to_string() })
    }
}

fn header_value(field: &'static str, v: &str) -> Result<reqwest::header::HeaderValue> {
    reqwest::header::HeaderValue::from_str(v)
        .map_err(|_| CloudError::invalid(field, "contains characters a header cannot carry"))
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
        CloudError::Timeout { service }
    } else {
        // reqwest's message can include the URL but never headers, so no token leaks here.
        CloudError::Transport { service, message: e.to_string() }
    }
}
