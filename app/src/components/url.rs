//! Page state kept in the URL: a typed query struct (parsed with `#[derive(Params)]`) becomes a
//! link with [`href`], so every page builds its links one way.

use serde::Serialize;

/// `path?field=value&…` for the fields of `query` that are set (no `None`, no empty text), so
/// links stay short and parse back into the same struct.
pub fn href<Q: Serialize>(path: &str, query: &Q) -> String {
    let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(query) else {
        return path.to_string();
    };
    let pairs: Vec<String> = fields
        .into_iter()
        .filter_map(|(k, v)| {
            let v = match v {
                serde_json::Value::Null => return None,
                serde_json::Value::String(s) if s.is_empty() => return None,
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            Some(format!("{k}={}", crate::dto::encode_query_value(&v)))
        })
        .collect();
    if pairs.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", pairs.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dto::tasks::{HistoryFilter, TaskKind};

    #[test]
    fn only_what_is_set() {
        assert_eq!(href("/history", &HistoryFilter::default()), "/history");
        let f = HistoryFilter { kind: Some(TaskKind::DscResults), offset: Some(20), ..Default::default() };
        assert_eq!(href("/history", &f), "/history?kind=dsc_results&offset=20");
    }
}
