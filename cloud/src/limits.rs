//! Client-side rate limiting. HSS allows each user 5 calls a minute per API; the limiter keeps
//! the portal under that and says how long to wait, rather than letting the cloud answer 429.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(60);

#[derive(Debug, Default)]
pub struct RateLimiter {
    per_minute: Option<u32>,
    calls: Mutex<HashMap<(String, &'static str), VecDeque<Instant>>>,
}

impl RateLimiter {
    /// `None` turns limiting off.
    pub fn new(per_minute: Option<u32>) -> Self {
        Self { per_minute, calls: Mutex::new(HashMap::new()) }
    }

    /// Records a call of `op` by `who` now, or says how long until one is allowed.
    pub fn acquire(&self, who: &str, op: &'static str) -> Result<(), Duration> {
        self.acquire_at(who, op, Instant::now())
    }

    fn acquire_at(&self, who: &str, op: &'static str, now: Instant) -> Result<(), Duration> {
        let Some(limit) = self.per_minute else { return Ok(()) };
        let mut calls = self.calls.lock().expect("limiter lock");
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
    fn off_means_off() {
        let l = RateLimiter::new(None);
        for _ in 0..100 {
            assert!(l.acquire("u", "x").is_ok());
        }
    }
}
