//! Client-side rate limiting. HSS allows each user 5 calls a minute per API; the limiter keeps
//! the portal under that and says how long to wait, rather than letting the cloud answer 429.
//! Keys are users (see `Caller::identity_key`); a key idle for a whole window is forgotten.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where HSS's per-user call budget is kept: [`RateLimiter`] in this process, or a store that
/// several instances share (the server's Redis budget in cluster mode).
pub trait CallBudget: Send + Sync + std::fmt::Debug {
    /// Counts a call of `op` by `who` now, or says how long until one is allowed.
    fn acquire<'a>(&'a self, who: &'a str, op: &'static str) -> BoxFuture<'a, Result<(), Duration>>;
    /// The cloud answered 429 although the budget let the call go: no call of `who` to `op`
    /// for a whole window.
    fn exhausted<'a>(&'a self, who: &'a str, op: &'static str) -> BoxFuture<'a, ()>;
}

impl CallBudget for RateLimiter {
    fn acquire<'a>(&'a self, who: &'a str, op: &'static str) -> BoxFuture<'a, Result<(), Duration>> {
        let answer = RateLimiter::acquire(self, who, op);
        Box::pin(std::future::ready(answer))
    }

    fn exhausted<'a>(&'a self, who: &'a str, op: &'static str) -> BoxFuture<'a, ()> {
        RateLimiter::exhausted(self, who, op);
        Box::pin(std::future::ready(()))
    }
}

const WINDOW: Duration = Duration::from_secs(60);

type Windows = HashMap<(String, &'static str), VecDeque<Instant>>;

#[derive(Debug)]
pub struct RateLimiter {
    per_minute: Option<u32>,
    /// The calls of each (user, API) in the last window, and when idle keys were last dropped.
    calls: Mutex<(Windows, Instant)>,
}

impl RateLimiter {
    /// `None` turns limiting off.
    pub fn new(per_minute: Option<u32>) -> Self {
        Self { per_minute, calls: Mutex::new((HashMap::new(), Instant::now())) }
    }

    /// The cloud answered 429 although the limiter let the call go (another client of the
    /// same user, a shorter window than ours): no call of `who` to `op` for a whole window.
    pub fn exhausted(&self, who: &str, op: &'static str) {
        let Some(limit) = self.per_minute else { return };
        let now = Instant::now();
        let mut calls = self.calls.lock().expect("limiter lock");
        let window = calls.0.entry((who.to_string(), op)).or_default();
        window.clear();
        window.extend(std::iter::repeat_n(now, limit as usize));
    }

    /// Keys tracked now (the tests check that idle ones go).
    #[cfg(test)]
    fn keys(&self) -> usize {
        self.calls.lock().expect("limiter lock").0.len()
    }

    /// Records a call of `op` by `who` now, or says how long until one is allowed.
    pub fn acquire(&self, who: &str, op: &'static str) -> Result<(), Duration> {
        self.acquire_at(who, op, Instant::now())
    }

    fn acquire_at(&self, who: &str, op: &'static str, now: Instant) -> Result<(), Duration> {
        let Some(limit) = self.per_minute else { return Ok(()) };
        let mut guard = self.calls.lock().expect("limiter lock");
        let (calls, pruned_at) = &mut *guard;
        // Once a window, keys whose last call is a window old go: the map holds active users only.
        if now.duration_since(*pruned_at) >= WINDOW {
            calls.retain(|_, w| w.back().is_some_and(|t| now.duration_since(*t) < WINDOW));
            *pruned_at = now;
        }
        let window = calls.entry((who.to_string(), op)).or_default();
        while window.front().is_some_and(|t| now.duration_since(*t) >= WINDOW) {
            window.pop_front();
        }
        if window.len() >= limit as usize {
            let oldest = *window.front().expect("non-empty at the limit");
            return Err(WINDOW - now.duration_since(oldest));
        }
        window.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_a_minute_per_user_per_api() {
        let l = RateLimiter::new(Some(5));
        let t0 = Instant::now();
        for i in 0..5 {
            assert!(l.acquire_at("u1", "list", t0 + Duration::from_secs(i)).is_ok());
        }
        let wait = l.acquire_at("u1", "list", t0 + Duration::from_secs(10)).unwrap_err();
        assert_eq!(wait, Duration::from_secs(50));
        assert!(l.acquire_at("u2", "list", t0).is_ok(), "other users have their own budget");
        assert!(l.acquire_at("u1", "create", t0).is_ok(), "other APIs have their own budget");
        assert!(l.acquire_at("u1", "list", t0 + Duration::from_secs(60)).is_ok(), "the window slides");
    }

    #[test]
    fn idle_keys_are_pruned_and_a_cloud_429_closes_the_window() {
        let l = RateLimiter::new(Some(5));
        let t0 = Instant::now();
        for i in 0..100 {
            assert!(l.acquire_at(&format!("u{i}"), "list", t0).is_ok());
        }
        assert_eq!(l.keys(), 100);
        assert!(l.acquire_at("late", "list", t0 + Duration::from_secs(61)).is_ok());
        assert_eq!(l.keys(), 1, "only the key used in the last window stays");

        l.exhausted("u1", "list");
        let wait = l.acquire("u1", "list").unwrap_err();
        assert!(wait > Duration::from_secs(59), "a 429 holds the user for a window: {wait:?}");
    }

    #[test]
    fn off_means_off() {
        let l = RateLimiter::new(None);
        for _ in 0..100 {
            assert!(l.acquire("u", "x").is_ok());
        }
    }
}
