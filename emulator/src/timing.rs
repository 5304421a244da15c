//! How fast emulated asynchronous work (export and scan tasks) finishes.

use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskTiming {
    /// Done at the first status read.
    Immediate,
    /// Done once its status has been read this many times.
    AfterReads(u32),
    /// Done this long after it started.
    After(Duration),
}

impl Default for TaskTiming {
    /// Long enough to watch progress in the demo, short enough not to bore.
    fn default() -> Self {
        TaskTiming::After(Duration::from_secs(8))
    }
}

impl std::str::FromStr for TaskTiming {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || "expected immediate, reads:N or seconds:T".to_string();
        match s.split_once(':') {
            None if s == "immediate" => Ok(Self::Immediate),
            Some(("reads", n)) => n.parse().map(Self::AfterReads).map_err(|_| bad()),
            Some(("seconds", t)) => t
                .parse::<f64>()
                .ok()
                .filter(|t| *t >= 0.0)
                .map(|t| Self::After(Duration::from_secs_f64(t)))
                .ok_or_else(bad),
            _ => Err(bad()),
        }
    }
}

/// Progress of one piece of asynchronous work.
#[derive(Clone, Debug)]
pub struct Clock {
    pub started_ms: i64,
    pub reads: u32,
}

impl Clock {
    pub fn start(now_ms: i64) -> Self {
        Self { started_ms: now_ms, reads: 0 }
    }

    /// Counts a status read and says whether the work is done by now.
    pub fn read(&mut self, timing: TaskTiming, now_ms: i64) -> bool {
        self.reads += 1;
        self.done(timing, now_ms)
    }

    pub fn done(&self, timing: TaskTiming, now_ms: i64) -> bool {
        match timing {
            TaskTiming::Immediate => true,
            TaskTiming::AfterReads(n) => self.reads >= n,
            TaskTiming::After(d) => now_ms - self.started_ms >= d.as_millis() as i64,
        }
    }

    /// Whole minutes left, for `estimated_time`.
    pub fn minutes_left(&self, timing: TaskTiming, now_ms: i64) -> i64 {
        match timing {
            TaskTiming::After(d) => {
                ((d.as_millis() as i64 - (now_ms - self.started_ms)).max(0) + 59_999) / 60_000
            }
            _ => i64::from(!self.done(timing, now_ms)),
        }
    }
}

pub fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_flag_forms() {
        assert_eq!("immediate".parse::<TaskTiming>().unwrap(), TaskTiming::Immediate);
        assert_eq!("reads:3".parse::<TaskTiming>().unwrap(), TaskTiming::AfterReads(3));
        assert_eq!(
            "seconds:1.5".parse::<TaskTiming>().unwrap(),
            TaskTiming::After(Duration::from_millis(1500))
        );
        assert!("later".parse::<TaskTiming>().is_err());
        assert!("seconds:-1".parse::<TaskTiming>().is_err());
    }

    #[test]
    fn reads_and_time_both_finish_work() {
        let mut c = Clock::start(0);
        assert!(!c.read(TaskTiming::AfterReads(2), 0));
        assert!(c.read(TaskTiming::AfterReads(2), 0));
        let c = Clock::start(1_000);
        assert!(!c.done(TaskTiming::After(Duration::from_secs(2)), 2_999));
        assert!(c.done(TaskTiming::After(Duration::from_secs(2)), 3_000));
        assert_eq!(c.minutes_left(TaskTiming::After(Duration::from_secs(90)), 1_000), 2);
    }
}
