//! The client's address: the connection's peer, or with trusted proxies in front the entry of
//! `X-Forwarded-For` the nearest trusted proxy wrote (entries further left are the client's own
//! claims). Handlers read it as `app::ssr::ClientAddr`.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use app::ssr::ClientAddr;

pub fn client_of(peer: Option<SocketAddr>, forwarded: &[&str], hops: usize) -> String {
    let peer = peer.map(|p| p.ip().to_string());
    let from_proxy =
        (hops > 0 && forwarded.len() >= hops).then(|| forwarded[forwarded.len() - hops].to_string());
    from_proxy.or(peer).unwrap_or_else(|| "unknown".into())
}

pub async fn client_addr(State(hops): State<usize>, mut req: Request, next: Next) -> Response {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
    let forwarded: Vec<String> = req
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(',').map(|x| x.trim().to_string()))
        .filter(|x| !x.is_empty())
        .collect();
    let forwarded: Vec<&str> = forwarded.iter().map(String::as_str).collect();
    let client = client_of(peer, &forwarded, hops);
    req.extensions_mut().insert(ClientAddr(client));
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trusts_only_the_configured_hops() {
        let peer: SocketAddr = "10.0.0.5:4711".parse().unwrap();
        assert_eq!(client_of(Some(peer), &["203.0.113.7"], 0), "10.0.0.5", "no proxy: the peer");
        assert_eq!(
            client_of(Some(peer), &["1.2.3.4", "203.0.113.7"], 1),
            "203.0.113.7",
            "the proxy's entry, not the claim"
        );
        assert_eq!(client_of(Some(peer), &[], 1), "10.0.0.5");
        assert_eq!(client_of(None, &[], 0), "unknown");
    }
}
