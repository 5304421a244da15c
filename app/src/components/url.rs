//! Page state kept in the URL: a typed query struct (parsed with `#[derive(Params)]`) becomes a
//! link with [`href`], so every page builds its links one way.

use serde::Serialize;

/// `path?field=value&…` for the fields of `query` that are set (no `None`, no empty text), so
/// links stay short and parse back into the same struct. Written with serde_qs, which the form
/// encoding already ships to the browser.
pub fn href<Q: Serialize>(path: &str, query: &Q) -> String {
    let qs = serde_qs::to_string(query).unwrap_or_default();
    let pairs: Vec<&str> = qs.split('&').filter(|p| !p.is_empty() && !p.ends_with('=')).collect();
    if pairs.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", pairs.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dto::scans::TaskFilter;
    use crate::dto::tasks::{HistoryFilter, TaskKind};

    #[test]
    fn only_what_is_set() {
        assert_eq!(href("/history", &HistoryFilter::default()), "/history");
        let f = HistoryFilter { kind: Some(TaskKind::DscResults), offset: Some(20), ..Default::default() };
        assert_eq!(href("/history", &f), "/history?kind=dsc_results&offset=20");
        let f = TaskFilter { task_name: Some(String::new()), ..Default::default() };
        assert_eq!(href("/scans", &f), "/scans", "blank text is left out");
        let f = TaskFilter { task_name: Some("a b&c=界".into()), ..Default::default() };
        // `+` is a space to both of the router's parsers (URLSearchParams, url's query_pairs).
        assert_eq!(href("/scans", &f), "/scans?task_name=a+b%26c%3D%E7%95%8C");
    }
}
