//! Short-lived copies of cloud answers. HSS allows 5 calls a minute per user per API: paging or
//! searching by calling the cloud each time would be throttled after a few clicks, and every
//! open tab would spend the same budget, so lists are fetched whole once and searched here, and
//! scan answers are reused for a few seconds. Concurrent misses of one key make one cloud call
//! (single flight). In cluster mode the copies live in a store every instance shares (Redis),
//! so a list fetched on one instance serves the others and a change forgets it everywhere.

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use cloud::CloudError;
use serde::{de::DeserializeOwned, Serialize};

use super::from_cloud;
use super::identity::Owner;
use crate::error::AppError;

/// How long a picker's copy of a cloud list is reused.
pub const LIST_TTL: Duration = Duration::from_secs(60);
/// How long scan lists and details are reused: 12 s keeps any number of tabs within 5 calls a
/// minute per API.
pub const SCAN_TTL: Duration = Duration::from_secs(12);
/// How long a scan task's page may show the tracker's last snapshot: past the tracker's longest
/// wait between two looks, so while it follows a task the page never asks the cloud itself.
pub const SNAPSHOT_TTL: Duration = Duration::from_secs(150);

/// What a cached answer is: whose, which list, and which variant of it (a query, a task).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CacheKey {
    owner: String,
    list: &'static str,
    detail: String,
}

impl CacheKey {
    /// `owner`'s `list` in their project.
    pub fn new(owner: &Owner, list: &'static str) -> Self {
        Self { owner: owner.list_key(), list, detail: String::new() }
    }

    /// One variant of the list (a query's answer, one task's snapshot).
    pub fn with(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }
}

/// Copies several instances share (the server's Redis in cluster mode), as JSON.
#[async_trait]
pub trait SharedCache: Send + Sync {
    async fn get(&self, key: &str) -> Option<String>;
    async fn put(&self, key: &str, value: &str, ttl: Duration);
    /// Takes the right to fetch `key` for `ttl`; false when another instance holds it.
    async fn lock(&self, key: &str, ttl: Duration) -> bool;
    async fn unlock(&self, key: &str);
    /// Drops every copy whose key starts with `prefix`.
    async fn forget(&self, prefix: &str);
}

/// How long one fetch may hold a key before others fetch too.
const FLIGHT: Duration = Duration::from_secs(10);

impl CacheKey {
    fn text(&self, cache: &str) -> String {
        format!("{}:{}:{}:{}", cache, self.owner, self.list, self.detail)
    }
}

/// When it stops being served, and the value.
type Entry = (Instant, Arc<dyn Any + Send + Sync>);

#[derive(Default)]
pub struct ListCache {
    /// Tells this cache's keys from the other caches' in the shared store.
    name: &'static str,
    ttl: Duration,
    entries: Mutex<HashMap<CacheKey, Entry>>,
    /// One fetch at a time per key in this process.
    flights: Mutex<HashMap<CacheKey, Arc<tokio::sync::Mutex<()>>>>,
    shared: Option<Arc<dyn SharedCache>>,
}

impl ListCache {
    pub fn new(name: &'static str, ttl: Duration) -> Self {
        Self { name, ttl, ..Default::default() }
    }

    /// Keeps the copies in `shared` (cluster mode) rather than in this process.
    pub fn shared(mut self, shared: Option<Arc<dyn SharedCache>>) -> Self {
        self.shared = shared;
        self
    }

    /// The cached value under `key`, or a fresh one from `fetch`. Failures are not cached.
    /// `refresh` skips the copy (the user asked for fresh data). Concurrent misses wait for one
    /// fetch.
    pub async fn get<T, E, F>(&self, key: CacheKey, refresh: bool, fetch: F) -> Result<Arc<T>, E>
    where
        T: Serialize + DeserializeOwned + Send + Sync + 'static,
        F: Future<Output = Result<T, E>>,
    {
        if !refresh {
            if let Some(v) = self.lookup::<T>(&key).await {
                return Ok(v);
            }
        }
        let flight = self.flights.lock().expect("flights").entry(key.clone()).or_default().clone();
        let _turn = flight.lock().await;
        // Whoever held the turn may have fetched it meanwhile.
        if !refresh {
            if let Some(v) = self.lookup::<T>(&key).await {
                return Ok(v);
            }
        }
        let value = match &self.shared {
            None => Arc::new(fetch.await?),
            Some(shared) => self.fetch_shared(shared.as_ref(), &key, refresh, fetch).await?,
        };
        self.keep(key.clone(), value.clone(), self.ttl).await;
        self.flights.lock().expect("flights").retain(|k, f| k != &key || Arc::strong_count(f) > 2);
        Ok(value)
    }

    /// One fetch across the instances: the one that takes the key fetches; the others wait
    /// (bounded) for its copy.
    async fn fetch_shared<T, E, F>(
        &self,
        shared: &dyn SharedCache,
        key: &CacheKey,
        refresh: bool,
        fetch: F,
    ) -> Result<Arc<T>, E>
    where
        T: Serialize + DeserializeOwned + Send + Sync + 'static,
        F: Future<Output = Result<T, E>>,
    {
        let text = key.text(self.name);
        let lock = format!("{text}:flight");
        if !refresh && !shared.lock(&lock, FLIGHT).await {
            let until = Instant::now() + FLIGHT;
            while Instant::now() < until {
                tokio::time::sleep(Duration::from_millis(100)).await;
                if let Some(v) = self.lookup::<T>(key).await {
                    return Ok(v);
                }
            }
        }
        let value = fetch.await;
        if !refresh {
            shared.unlock(&lock).await;
        }
        Ok(Arc::new(value?))
    }

    async fn lookup<T: DeserializeOwned + Send + Sync + 'static>(&self, key: &CacheKey) -> Option<Arc<T>> {
        if let Some(shared) = &self.shared {
            let text = shared.get(&key.text(self.name)).await?;
            return serde_json::from_str(&text).ok().map(Arc::new);
        }
        let entries = self.entries.lock().expect("list cache");
        let (until, value) = entries.get(key)?;
        (Instant::now() < *until).then(|| value.clone().downcast::<T>().ok()).flatten()
    }

    /// Keeps `value` under `key` for `ttl` (the tracker hands its snapshots to pages).
    pub async fn put<T: Serialize + Send + Sync + 'static>(&self, key: CacheKey, value: T, ttl: Duration) {
        self.keep(key, Arc::new(value), ttl).await;
    }

    async fn keep<T: Serialize + Send + Sync + 'static>(&self, key: CacheKey, value: Arc<T>, ttl: Duration) {
        if let Some(shared) = &self.shared {
            if let Ok(text) = serde_json::to_string(value.as_ref()) {
                shared.put(&key.text(self.name), &text, ttl).await;
            }
            return;
        }
        let mut entries = self.entries.lock().expect("list cache");
        let now = Instant::now();
        entries.retain(|_, (until, _)| now < *until);
        entries.insert(key, (now + ttl, value));
    }

    /// Drops everything kept for `owner` (after a change the next read must be fresh).
    pub async fn forget(&self, owner: &Owner) {
        let who = owner.list_key();
        if let Some(shared) = &self.shared {
            shared.forget(&format!("{}:{who}:", self.name)).await;
            return;
        }
        self.entries.lock().expect("list cache").retain(|k, _| k.owner != who);
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

/// The rows of `all` that `keep` accepts, as one page, and how many there are.
pub fn page_of<'a, T, R>(
    all: &'a [T],
    keep: impl Fn(&T) -> bool,
    offset: usize,
    limit: usize,
    row: impl Fn(&'a T) -> R,
) -> (Vec<R>, usize) {
    let matching: Vec<&T> = all.iter().filter(|x| keep(x)).collect();
    let total = matching.len();
    (matching.into_iter().skip(offset).take(limit).map(row).collect(), total)
}

/// Pickers read a cloud list a chunk at a time (HSS's largest page, 200 rows), keyed by the
/// search and the chunk, and show a view of it: one call serves 20 views of 10, whatever the
/// account's size, so HSS's 5 calls a minute page through 1,000 rows a minute.
pub const CHUNK: u32 = 200;

/// The chunk holding `offset` (fetched from its first row, `CHUNK` rows), and where in it the
/// view starts.
pub fn chunk_of(offset: u32) -> (i64, usize) {
    (i64::from(offset / CHUNK * CHUNK), (offset % CHUNK) as usize)
}

/// The cached chunk for `search` (any serialisable description of the query) at `offset`, or
/// `fetch`ed: its rows and the cloud's total.
pub async fn chunk<T, S, F>(
    cache: &ListCache,
    key: CacheKey,
    search: &S,
    offset: u32,
    refresh: bool,
    fetch: F,
) -> Result<Arc<(Vec<T>, i64)>, AppError>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    S: Serialize,
    F: Future<Output = Result<(Vec<T>, i64), CloudError>>,
{
    // JSON, so no search can pass for another.
    let variant = serde_json::to_string(&(search, offset / CHUNK)).unwrap_or_default();
    cache.get(key.with(variant), refresh, fetch).await.map_err(from_cloud)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner(user: &str) -> Owner {
        Owner {
            user_id: user.into(),
            user_name: user.into(),
            domain_id: "d".into(),
            project_id: "p".into(),
            region: "r".into(),
        }
    }

    #[tokio::test]
    async fn fetches_once_within_the_ttl() {
        let cache = ListCache::new("lists", Duration::from_secs(60));
        let calls = std::sync::atomic::AtomicU32::new(0);
        let key = CacheKey::new(&owner("u"), "clusters");
        for _ in 0..3 {
            let v: Arc<Vec<u32>> = cache
                .get(key.clone(), false, async {
                    calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    Ok::<_, ()>(vec![1, 2])
                })
                .await
                .unwrap();
            assert_eq!(*v, vec![1, 2]);
        }
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1);
        let _ = cache.get(key.clone(), true, async { Ok::<_, ()>(vec![3u32]) }).await;
        let other: Result<Arc<Vec<u32>>, &str> =
            cache.get(CacheKey::new(&owner("v"), "clusters"), false, async { Err("down") }).await;
        assert!(other.is_err(), "failures pass through and are not kept");
        cache.forget(&owner("u")).await;
        let fresh: Arc<Vec<u32>> = cache.get(key, false, async { Ok::<_, ()>(vec![9]) }).await.unwrap();
        assert_eq!(*fresh, vec![9], "forgotten");
    }

    #[tokio::test]
    async fn concurrent_misses_make_one_fetch() {
        let cache = Arc::new(ListCache::new("lists", Duration::from_secs(60)));
        let calls = Arc::new(std::sync::atomic::AtomicU32::new(0));
        let key = CacheKey::new(&owner("u"), "clusters");
        let mut all = tokio::task::JoinSet::new();
        for _ in 0..8 {
            let (cache, calls, key) = (cache.clone(), calls.clone(), key.clone());
            all.spawn(async move {
                cache
                    .get(key, false, async {
                        calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        Ok::<_, ()>(vec![7u32])
                    })
                    .await
                    .unwrap()
            });
        }
        while let Some(v) = all.join_next().await {
            assert_eq!(*v.unwrap(), vec![7]);
        }
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[test]
    fn pages_what_matches() {
        let (rows, total) = page_of(&[1, 2, 3, 4, 5, 6], |x| x % 2 == 0, 1, 1, |x| x * 10);
        assert_eq!((rows, total), (vec![40], 3));
    }
}
