//! Keeps a page's read following something that is still under way: it asks again every few
//! seconds while the last answer says "not done", and after a failed or throttled read it keeps
//! asking on its own, waiting what a throttled answer says or backing off (2, 4, 8 … 30 s), so
//! the page reaches the final state without a reload.

use std::time::Duration;

use leptos::prelude::*;

use crate::error::{AppError, ErrorKind};

/// The longest wait between two tries after failures.
const MAX_BACKOFF_SECS: u32 = 30;

/// Bumps `version` (which `resource` tracks) every `every` seconds while `active` says the
/// last good answer is not final, and after errors with back-off. Stops on a signed-out answer:
/// only a new sign-in helps then.
pub fn keep_following<T>(
    resource: Resource<Result<T, AppError>>,
    version: RwSignal<u32>,
    every: u32,
    active: impl Fn(&T) -> bool + Send + Sync + 'static,
) where
    T: Clone + Send + Sync + 'static,
{
    let since = StoredValue::new(0u32);
    let failures = StoredValue::new(0u32);
    let active = std::sync::Arc::new(active);
    Effect::new(move |_| {
        let tick = {
            let active = active.clone();
            move || {
                since.update_value(|s| *s += 1);
                let wait = match resource.get_untracked() {
                    None => return,
                    Some(Ok(answer)) => {
                        failures.set_value(0);
                        if since.get_value() < every || !active(&answer) {
                            return;
                        }
                        every
                    }
                    Some(Err(e)) if e.kind == ErrorKind::SignedOut => return,
                    Some(Err(e)) => retry_wait(&e, failures.get_value()),
                };
                if since.get_value() >= wait {
                    since.set_value(0);
                    if resource.get_untracked().is_some_and(|r| r.is_err()) {
                        failures.update_value(|f| *f += 1);
                    }
                    version.update(|v| *v += 1);
                }
            }
        };
        let handle = set_interval_with_handle(tick, Duration::from_secs(1));
        on_cleanup(move || {
            if let Ok(h) = handle {
                h.clear();
            }
        });
    });
}

/// Seconds to wait before asking again after `failures` failed tries ending in `e`.
pub fn retry_wait(e: &AppError, failures: u32) -> u32 {
    let backoff = (2u32 << failures.min(4)).min(MAX_BACKOFF_SECS);
    match e.retry_after_secs {
        Some(secs) if e.kind == ErrorKind::Throttled => (secs as u32).max(1),
        _ => backoff,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttled_answers_are_waited_out_and_failures_back_off() {
        let throttled = AppError { retry_after_secs: Some(42), ..AppError::new(ErrorKind::Throttled, "x") };
        assert_eq!(retry_wait(&throttled, 0), 42);
        let down = AppError::new(ErrorKind::Unavailable, "x");
        let waits: Vec<u32> = (0..6).map(|n| retry_wait(&down, n)).collect();
        assert_eq!(waits, [2, 4, 8, 16, 30, 30]);
    }
}
