//! Short-lived copies of the cloud lists the pickers search and page through (clusters, local
//! images, scan jobs). HSS allows 5 calls a minute per user per API: paging or searching by
//! calling the cloud each time would be throttled after a few clicks, so a list is fetched whole
//! once and then searched here.

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cloud::hss::{Cluster, ClusterQuery};
use cloud::{Caller, CloudError};

use super::session::SessionAuth;
use super::{from_cloud, Portal};
use crate::error::AppError;

/// Keys the lists of one user in one project (cloud lists belong to both).
pub fn list_key(domain_id: &str, user_id: &str, project_id: &str) -> String {
    format!("{domain_id}/{user_id}/{project_id}")
}

/// When it stops being served, and the list.
type Entry = (Instant, Arc<dyn Any + Send + Sync>);

#[derive(Default)]
pub struct ListCache {
    ttl: Duration,
    entries: Mutex<HashMap<(String, &'static str), Entry>>,
}

impl ListCache {
    pub fn new(ttl: Duration) -> Self {
        Self { ttl, entries: Mutex::new(HashMap::new()) }
    }

    /// The cached `list` for `who` (user and project), or a fresh one from `fetch`. Failures are
    /// not cached. `refresh` skips the copy (the user asked for fresh data).
    pub async fn get<T, E, F>(
        &self,
        who: &str,
        list: &'static str,
        refresh: bool,
        fetch: F,
    ) -> Result<Arc<T>, E>
    where
        T: Send + Sync + 'static,
        F: Future<Output = Result<T, E>>,
    {
        let key = (who.to_string(), list);
        if !refresh {
            let entries = self.entries.lock().expect("list cache");
            if let Some((until, value)) = entries.get(&key) {
                if Instant::now() < *until {
                    if let Ok(v) = value.clone().downcast::<T>() {
                        return Ok(v);
                    }
                }
            }
        }
        let value = Arc::new(fetch.await?);
        let mut entries = self.entries.lock().expect("list cache");
        let now = Instant::now();
        entries.retain(|_, (until, _)| now < *until);
        entries.insert(key, (now + self.ttl, value.clone()));
        Ok(value)
    }
}

impl ListCache {
    /// Keeps `value` as `who`'s `list` for `ttl` (the tracker hands its snapshots to pages).
    pub fn put<T: Send + Sync + 'static>(&self, who: &str, list: &'static str, value: T, ttl: Duration) {
        let mut entries = self.entries.lock().expect("list cache");
        entries.insert((who.to_string(), list), (Instant::now() + ttl, Arc::new(value)));
    }

    /// Drops every list kept for `who` (after a change the next read must be fresh).
    pub fn forget(&self, who: &str) {
        self.entries.lock().expect("list cache").retain(|(w, _), _| w != who);
    }
}

/// Every page of a cloud list, 200 rows at a time (HSS's largest page), up to `cap` rows.
pub async fn all_pages<T, F, Fut>(cap: usize, mut page: F) -> Result<Vec<T>, CloudError>
where
    F: FnMut(i64) -> Fut,
    Fut: Future<Output = Result<(Vec<T>, i64), CloudError>>,
{
    let mut all = Vec::new();
    loop {
        let (rows, total) = page(all.len() as i64).await?;
        let got = rows.len();
        all.extend(rows);
        if got == 0 || all.len() as i64 >= total || all.len() >= cap {
            return Ok(all);
        }
    }
}

/// The user's clusters with their agents' state. One copy serves both the container export's
/// cluster names and the scan picker, so opening both costs the cloud one walk of the list.
pub async fn clusters(
    portal: &Portal,
    auth: &SessionAuth,
    caller: &Caller,
    refresh: bool,
) -> Result<Arc<Vec<Cluster>>, AppError> {
    portal
        .lists
        .get(&auth.list_key(), "clusters", refresh, async {
            all_pages(5000, |offset| async move {
                let q = ClusterQuery { offset, limit: 200, load_agent_info: true, ..Default::default() };
                let page = portal.cloud.hss_list_clusters(caller, &q).await?;
                Ok((page.cluster_info_list, page.total_num))
            })
            .await
        })
        .await
        .map_err(from_cloud)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn fetches_once_within_the_ttl() {
        let cache = ListCache::new(Duration::from_secs(60));
        let calls = std::sync::atomic::AtomicU32::new(0);
        for _ in 0..3 {
            let v: Arc<Vec<u32>> = cache
                .get("u", "clusters", false, async {
                    calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    Ok::<_, ()>(vec![1, 2])
                })
                .await
                .unwrap();
            assert_eq!(*v, vec![1, 2]);
        }
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1);
        let _ = cache.get("u", "clusters", true, async { Ok::<_, ()>(vec![3u32]) }).await;
        let other: Result<Arc<Vec<u32>>, &str> =
            cache.get("v", "clusters", false, async { Err("down") }).await;
        assert!(other.is_err(), "failures pass through and are not kept");
    }
}
