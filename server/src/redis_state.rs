//! Cluster mode's shared ephemeral state in Redis, under one key prefix: sessions (only a create
//! inserts, a save updates a session that still exists, like the SQLite store) and HSS's
//! per-user call budget (a sliding window per user and API, counted on Redis's clock so every
//! instance sees the same window).

use std::time::Duration;

use async_trait::async_trait;
use cloud::limits::{BoxFuture, CallBudget};
use redis::aio::ConnectionManager;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

use crate::Error;

/// A connection (multiplexed, reconnecting) and the prefix every key starts with.
#[derive(Clone)]
pub struct Shared {
    client: redis::Client,
    conn: ConnectionManager,
    prefix: String,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared").field("prefix", &self.prefix).finish()
    }
}

impl Shared {
    pub async fn connect(url: &str, prefix: &str) -> Result<Self, Error> {
        let client =
            redis::Client::open(url).map_err(|e| Error::Config(format!("SECPORTAL_REDIS_URL: {e}")))?;
        let conn = ConnectionManager::new(client.clone()).await.map_err(|e| Error::Redis(e.to_string()))?;
        Ok(Self { client, conn, prefix: prefix.to_string() })
    }

    fn key(&self, parts: &[&str]) -> String {
        let mut key = self.prefix.clone();
        for p in parts {
            key.push_str(p);
            key.push(':');
        }
        key.pop();
        key
    }

    pub async fn ping(&self) -> redis::RedisResult<()> {
        redis::cmd("PING").query_async::<String>(&mut self.conn.clone()).await.map(|_| ())
    }

    /// Sessions under this prefix (they expire by themselves), counted with a bounded `SCAN`
    /// walk: at most 1,000 rounds of 1,000 keys.
    pub async fn count_sessions(&self) -> redis::RedisResult<u64> {
        let pattern = self.key(&["session", "*"]);
        let (mut cursor, mut count) = (0u64, 0u64);
        for _ in 0..1000 {
            let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(&pattern)
                .arg("COUNT")
                .arg(1000)
                .query_async(&mut self.conn.clone())
                .await?;
            count += keys.len() as u64;
            cursor = next;
            if cursor == 0 {
                break;
            }
        }
        Ok(count)
    }
}

/// Tracker wake-ups across instances: a create on one instance makes every tracker look at once.
impl Shared {
    fn wake_channel(&self) -> String {
        self.key(&["wake"])
    }

    /// Tells the other instances' trackers (best effort: they also look on their own schedule).
    pub fn wake_others(&self) -> Box<dyn Fn() + Send + Sync> {
        let (conn, channel) = (self.conn.clone(), self.wake_channel());
        Box::new(move || {
            let (mut conn, channel) = (conn.clone(), channel.clone());
            tokio::spawn(async move {
                if let Err(e) = redis::cmd("PUBLISH").arg(&channel).arg(1).query_async::<i64>(&mut conn).await
                {
                    tracing::debug!(error = %e, "could not wake the other trackers");
                }
            });
        })
    }

    /// Passes wake-ups from other instances to this instance's tracker, for as long as the
    /// process runs (reconnecting after a Redis outage).
    pub fn relay_wakes(&self, wake: std::sync::Arc<app::ssr::tasks::Wake>) {
        let (client, channel) = (self.client.clone(), self.wake_channel());
        tokio::spawn(async move {
            use futures_util::StreamExt;
            loop {
                match client.get_async_pubsub().await {
                    Ok(mut pubsub) => match pubsub.subscribe(&channel).await {
                        Ok(()) => {
                            let mut messages = pubsub.on_message();
                            while messages.next().await.is_some() {
                                wake.notify_local();
                            }
                        }
                        Err(e) => tracing::warn!(error = %e, "could not subscribe to tracker wake-ups"),
                    },
                    Err(e) => tracing::warn!(error = %e, "no Redis connection for tracker wake-ups"),
                }
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        });
    }
}

/// List caches shared by the instances: JSON copies that expire on their own, a short lock per
/// key so concurrent misses make one cloud call, and forgetting by prefix. Redis errors only
/// cost a cache miss.
#[async_trait]
impl app::ssr::cache::SharedCache for Shared {
    async fn get(&self, key: &str) -> Option<String> {
        redis::cmd("GET")
            .arg(self.key(&["cache", key]))
            .query_async(&mut self.conn.clone())
            .await
            .ok()
            .flatten()
    }

    async fn put(&self, key: &str, value: &str, ttl: Duration) {
        let ms = ttl.as_millis().max(1) as u64;
        let mut set = redis::cmd("SET");
        set.arg(self.key(&["cache", key])).arg(value).arg("PX").arg(ms);
        if let Err(e) = set.query_async::<()>(&mut self.conn.clone()).await {
            tracing::debug!(error = %e, "could not share a cached list");
        }
    }

    async fn lock(&self, key: &str, ttl: Duration) -> bool {
        let ms = ttl.as_millis().max(1) as u64;
        let taken: redis::RedisResult<Option<String>> = redis::cmd("SET")
            .arg(self.key(&["cache", key]))
            .arg(1)
            .arg("NX")
            .arg("PX")
            .arg(ms)
            .query_async(&mut self.conn.clone())
            .await;
        // Without Redis every instance fetches for itself.
        taken.map(|t| t.is_some()).unwrap_or(true)
    }

    async fn unlock(&self, key: &str) {
        let _ =
            redis::cmd("DEL").arg(self.key(&["cache", key])).query_async::<i64>(&mut self.conn.clone()).await;
    }

    async fn forget(&self, prefix: &str) {
        let pattern = format!("{}*", self.key(&["cache", prefix]));
        let mut conn = self.conn.clone();
        let mut cursor: u64 = 0;
        loop {
            let page: redis::RedisResult<(u64, Vec<String>)> = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(&pattern)
                .arg("COUNT")
                .arg(500)
                .query_async(&mut conn)
                .await;
            let Ok((next, keys)) = page else { return };
            if !keys.is_empty() {
                let _ = redis::cmd("DEL").arg(keys).query_async::<i64>(&mut conn).await;
            }
            if next == 0 {
                return;
            }
            cursor = next;
        }
    }
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

/// Sessions as JSON records that expire with the session.
#[derive(Clone, Debug)]
pub struct RedisSessions(pub Shared);

impl RedisSessions {
    fn key(&self, id: &Id) -> String {
        self.0.key(&["session", &id.to_string()])
    }

    /// The account's index: the ids of its sessions (members whose session has gone are
    /// dropped as the index is read; the set itself expires with its last session).
    fn index(&self, domain_id: &str) -> String {
        self.0.key(&["sessions-of", domain_id])
    }

    /// `SET … PXAT expiry` with `NX` (create) or `XX` (save): a save never writes back a
    /// session that was deleted or cycled meanwhile. A signed-in record joins its account's
    /// index in the same step.
    async fn set(&self, record: &Record, mode: &str) -> session_store::Result<bool> {
        let value = serde_json::to_string(record).map_err(|e| session_store::Error::Encode(e.to_string()))?;
        let at = (record.expiry_date.unix_timestamp_nanos() / 1_000_000) as i64;
        let Some((domain_id, _)) = crate::sessions::owner(record) else {
            let done: Option<String> = redis::cmd("SET")
                .arg(self.key(&record.id))
                .arg(value)
                .arg("PXAT")
                .arg(at)
                .arg(mode)
                .query_async(&mut self.0.conn.clone())
                .await
                .map_err(backend)?;
            return Ok(done.is_some());
        };
        let done: i64 = SET_INDEXED
            .key(self.key(&record.id))
            .key(self.index(domain_id))
            .arg(value)
            .arg(at)
            .arg(mode)
            .arg(record.id.to_string())
            .invoke_async(&mut self.0.conn.clone())
            .await
            .map_err(backend)?;
        Ok(done == 1)
    }
}

/// Sets a session and adds it to its account's index, whose expiry becomes the later of its own
/// and the session's.
static SET_INDEXED: std::sync::LazyLock<redis::Script> = std::sync::LazyLock::new(|| {
    redis::Script::new(
        r"
if not redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[2], ARGV[3]) then
  return 0
end
redis.call('SADD', KEYS[2], ARGV[4])
if redis.call('PEXPIRETIME', KEYS[2]) < tonumber(ARGV[2]) then
  redis.call('PEXPIREAT', KEYS[2], ARGV[2])
end
return 1
",
    )
});

#[async_trait]
impl app::ssr::sessions::SessionDirectory for RedisSessions {
    async fn list(
        &self,
        domain_id: &str,
        user_id: Option<&str>,
    ) -> Result<Vec<(Id, app::ssr::sessions::SessionData)>, app::ssr::tasks::StoreError> {
        let failed = |e: redis::RedisError| app::ssr::tasks::StoreError(e.to_string());
        let mut conn = self.0.conn.clone();
        let index = self.index(domain_id);
        let ids: Vec<String> =
            redis::cmd("SMEMBERS").arg(&index).query_async(&mut conn).await.map_err(failed)?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let keys: Vec<String> = ids.iter().map(|id| self.0.key(&["session", id])).collect();
        let values: Vec<Option<String>> =
            redis::cmd("MGET").arg(&keys).query_async(&mut conn).await.map_err(failed)?;
        let (mut found, mut gone) = (Vec::new(), Vec::new());
        for (id, value) in ids.iter().zip(values) {
            match value.and_then(|v| serde_json::from_str::<Record>(&v).ok()) {
                Some(record) => {
                    let mine = crate::sessions::owner(&record)
                        .is_some_and(|(d, u)| d == domain_id && user_id.is_none_or(|want| want == u));
                    if mine {
                        found.push((record.id, record.data));
                    }
                }
                None => gone.push(id.clone()),
            }
        }
        if !gone.is_empty() {
            let _ = redis::cmd("SREM").arg(&index).arg(gone).query_async::<i64>(&mut conn).await;
        }
        Ok(found)
    }

    async fn end(&self, id: &Id) -> Result<(), app::ssr::tasks::StoreError> {
        self.delete(id).await.map_err(|e| app::ssr::tasks::StoreError(e.to_string()))
    }
}

#[async_trait]
impl SessionStore for RedisSessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        while !self.set(record, "NX").await? {
            record.id = Id::default();
        }
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.set(record, "XX").await.map(|_| ())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let value: Option<String> = redis::cmd("GET")
            .arg(self.key(id))
            .query_async(&mut self.0.conn.clone())
            .await
            .map_err(backend)?;
        value
            .map(|v| serde_json::from_str(&v).map_err(|e| session_store::Error::Decode(e.to_string())))
            .transpose()
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        redis::cmd("DEL")
            .arg(self.key(id))
            .query_async::<i64>(&mut self.0.conn.clone())
            .await
            .map_err(backend)?;
        Ok(())
    }
}

/// HSS's per-user budget shared by every instance: a sorted set of call times per user and
/// API, trimmed to the window, on Redis's own clock. The answer is 0 (go) or the milliseconds
/// to wait.
static ACQUIRE: std::sync::LazyLock<redis::Script> =
    std::sync::LazyLock::new(|| redis::Script::new(ACQUIRE_LUA));

const ACQUIRE_LUA: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)
";

/// The cloud answered 429 anyway: the window is full for a whole window from now.
static EXHAUST: std::sync::LazyLock<redis::Script> =
    std::sync::LazyLock::new(|| redis::Script::new(EXHAUST_LUA));

const EXHAUST_LUA: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('DEL', KEYS[1])
for i = 1, tonumber(ARGV[2]) do
  redis.call('ZADD', KEYS[1], now, ARGV[3] .. i)
end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]))
return 0
";

/// A per-minute budget shared by every instance: HSS's calls per user and API, or sign-in
/// tries per client address and account (`name` keeps them apart).
#[derive(Clone, Debug)]
pub struct RedisBudget {
    shared: Shared,
    name: &'static str,
    per_minute: u32,
}

impl RedisBudget {
    pub fn new(shared: Shared, name: &'static str, per_minute: u32) -> Self {
        Self { shared, name, per_minute }
    }

    fn key(&self, who: &str, op: &str) -> String {
        self.shared.key(&[self.name, who, op])
    }
}

const WINDOW_MS: i64 = 60_000;

impl CallBudget for RedisBudget {
    fn acquire<'a>(&'a self, who: &'a str, op: &'static str) -> BoxFuture<'a, Result<(), Duration>> {
        Box::pin(async move {
            let member = format!("{:032x}", rand::random::<u128>());
            let wait: redis::RedisResult<i64> = ACQUIRE
                .key(self.key(who, op))
                .arg(WINDOW_MS)
                .arg(self.per_minute)
                .arg(member)
                .invoke_async(&mut self.shared.conn.clone())
                .await;
            match wait {
                Ok(0) => Ok(()),
                Ok(ms) => Err(Duration::from_millis(ms.max(1) as u64)),
                // Without the shared budget, waiting a window is safer than calling: the cloud
                // would answer 429 and count it.
                Err(e) => {
                    tracing::warn!(error = %e, "the shared HSS budget is unreachable");
                    Err(Duration::from_secs(5))
                }
            }
        })
    }

    fn exhausted<'a>(&'a self, who: &'a str, op: &'static str) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let filled: redis::RedisResult<i64> = EXHAUST
                .key(self.key(who, op))
                .arg(WINDOW_MS)
                .arg(self.per_minute)
                .arg("429-")
                .invoke_async(&mut self.shared.conn.clone())
                .await;
            if let Err(e) = filled {
                tracing::warn!(error = %e, "could not record a 429 in the shared HSS budget");
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::OffsetDateTime;

    /// A key prefix of this test's own on the Redis named by `SECPORTAL_TEST_REDIS` (the local
    /// one when unset), removed afterwards.
    async fn shared() -> Shared {
        let url = std::env::var("SECPORTAL_TEST_REDIS").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
        let prefix = format!("secportal-test-{:016x}:", rand::random::<u64>());
        Shared::connect(&url, &prefix).await.unwrap_or_else(|e| {
            panic!("Redis at {url} is needed (run scripts/services.sh, which starts one): {e}")
        })
    }

    async fn clean(s: &Shared) {
        let keys: Vec<String> =
            redis::cmd("KEYS").arg(format!("{}*", s.prefix)).query_async(&mut s.conn.clone()).await.unwrap();
        for k in keys {
            let _: i64 = redis::cmd("DEL").arg(k).query_async(&mut s.conn.clone()).await.unwrap();
        }
    }

    #[tokio::test]
    async fn shared_lists_serve_every_instance_with_one_fetch() {
        use app::ssr::cache::{CacheKey, ListCache, SharedCache};
        use std::sync::atomic::{AtomicU32, Ordering};
        let s = shared().await;
        let owner = app::ssr::identity::Owner {
            user_id: "u".into(),
            user_name: "u".into(),
            domain_id: "d".into(),
            project_id: "p".into(),
            region: "r".into(),
        };
        let shared: std::sync::Arc<dyn SharedCache> = std::sync::Arc::new(s.clone());
        // Two instances' caches over one Redis, missing at once.
        let a = std::sync::Arc::new(
            ListCache::new("lists", Duration::from_secs(60)).shared(Some(shared.clone())),
        );
        let b = std::sync::Arc::new(ListCache::new("lists", Duration::from_secs(60)).shared(Some(shared)));
        let calls = std::sync::Arc::new(AtomicU32::new(0));
        let mut all = tokio::task::JoinSet::new();
        for cache in [a.clone(), b.clone(), a.clone(), b.clone()] {
            let (calls, key) = (calls.clone(), CacheKey::new(&owner, "clusters"));
            all.spawn(async move {
                cache
                    .get(key, false, async {
                        calls.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(300)).await;
                        Ok::<_, ()>(vec![1u32, 2])
                    })
                    .await
                    .unwrap()
            });
        }
        while let Some(v) = all.join_next().await {
            assert_eq!(*v.unwrap(), vec![1, 2]);
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1, "one cloud call for both instances");
        a.forget(&owner).await;
        let fresh =
            b.get(CacheKey::new(&owner, "clusters"), false, async { Ok::<_, ()>(vec![3u32]) }).await.unwrap();
        assert_eq!(*fresh, vec![3], "forgotten on one instance, gone on the other");
        clean(&s).await;
    }

    #[tokio::test]
    async fn sessions_stay_ended_and_expire() {
        let s = shared().await;
        let store = RedisSessions(s.clone());
        let mut data = std::collections::HashMap::new();
        data.insert("auth".to_string(), serde_json::json!({"user": "u"}));
        let mut r = Record {
            id: Id::default(),
            data,
            expiry_date: OffsetDateTime::now_utc() + time::Duration::hours(1),
        };
        store.create(&mut r).await.unwrap();
        assert_eq!(store.load(&r.id).await.unwrap().unwrap().data, r.data);
        store.delete(&r.id).await.unwrap();
        store.save(&r).await.unwrap();
        assert!(store.load(&r.id).await.unwrap().is_none(), "a late save does not bring it back");
        let mut short = Record {
            id: Id::default(),
            expiry_date: OffsetDateTime::now_utc() + time::Duration::milliseconds(200),
            ..r
        };
        store.create(&mut short).await.unwrap();
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert!(store.load(&short.id).await.unwrap().is_none(), "expired with the session");
        clean(&s).await;
    }

    #[tokio::test]
    async fn sessions_are_found_by_account_and_user_and_end() {
        use app::ssr::sessions::SessionDirectory;
        let s = shared().await;
        let store = RedisSessions(s.clone());
        let signed_in = |domain: &str, user: &str| {
            let mut data = std::collections::HashMap::new();
            data.insert("auth".to_string(), serde_json::json!({"domain_id": domain, "user_id": user}));
            Record {
                id: Id::default(),
                data,
                expiry_date: OffsetDateTime::now_utc() + time::Duration::hours(1),
            }
        };
        let (mut a, mut b, mut c) = (signed_in("d1", "u1"), signed_in("d1", "u2"), signed_in("d2", "u1"));
        for r in [&mut a, &mut b, &mut c] {
            store.create(r).await.unwrap();
        }
        // A save (the idle clock) keeps it indexed once.
        store.save(&a).await.unwrap();
        let ids = |found: Vec<(Id, app::ssr::sessions::SessionData)>| {
            let mut ids: Vec<String> = found.into_iter().map(|f| f.0.to_string()).collect();
            ids.sort();
            ids
        };
        let mut both = vec![a.id.to_string(), b.id.to_string()];
        both.sort();
        assert_eq!(ids(store.list("d1", None).await.unwrap()), both, "the account's");
        assert_eq!(ids(store.list("d1", Some("u1")).await.unwrap()), vec![a.id.to_string()], "one user's");
        store.end(&a.id).await.unwrap();
        assert!(store.load(&a.id).await.unwrap().is_none(), "ended: the cookie opens nothing");
        assert!(store.list("d1", Some("u1")).await.unwrap().is_empty());
        let left: Vec<String> =
            redis::cmd("SMEMBERS").arg(store.index("d1")).query_async(&mut s.conn.clone()).await.unwrap();
        assert_eq!(left, vec![b.id.to_string()], "the ended session left the index as it was read");
        let ttl: i64 =
            redis::cmd("PTTL").arg(store.index("d1")).query_async(&mut s.conn.clone()).await.unwrap();
        assert!(ttl > 3_500_000, "the index lives as long as its sessions: {ttl}");
        clean(&s).await;
    }

    #[tokio::test]
    async fn the_budget_is_five_a_minute_per_user_and_api_for_every_instance() {
        let s = shared().await;
        // Two instances: two budgets over the same Redis.
        let (a, b) = (RedisBudget::new(s.clone(), "hss", 5), RedisBudget::new(s.clone(), "hss", 5));
        for i in 0..5 {
            let budget = if i % 2 == 0 { &a } else { &b };
            assert!(budget.acquire("d/u1", "list").await.is_ok(), "call {i}");
        }
        let wait = b.acquire("d/u1", "list").await.unwrap_err();
        assert!(wait > Duration::from_secs(55) && wait <= Duration::from_secs(60), "{wait:?}");
        assert!(a.acquire("d/u2", "list").await.is_ok(), "other users have their own");
        assert!(a.acquire("d/u1", "create").await.is_ok(), "other APIs have their own");
        a.exhausted("d/u3", "list").await;
        assert!(b.acquire("d/u3", "list").await.unwrap_err() > Duration::from_secs(59));
        clean(&s).await;
    }
}
