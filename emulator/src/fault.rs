use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

/// Every answer carries an `X-Request-Id`, as the real API gateway's do.
pub async fn request_id(req: Request, next: Next) -> Response {
    let id = hex::encode(rand::random::<[u8; 16]>());
    let mut resp = next.run(req).await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    resp
}
