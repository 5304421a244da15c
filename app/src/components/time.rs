//! Times as people read them: epoch milliseconds in the browser's time zone (UTC on the server,
//! replaced once hydrated), durations, what is left of a sign-in, and `datetime-local` values.

use crate::error::AppError;
use crate::i18n::{t, Key};

/// Epoch milliseconds as a local date and time.
pub fn show_time(ms: i64) -> String {
    #[cfg(feature = "hydrate")]
    {
        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
        return format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            d.get_full_year(),
            d.get_month() + 1,
            d.get_date(),
            d.get_hours(),
            d.get_minutes(),
            d.get_seconds()
        );
    }
    #[allow(unreachable_code)]
    {
        // On the server the browser's zone is unknown: UTC, replaced once hydrated.
        let secs = ms.div_euclid(1000);
        let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
        let (y, m, d) = civil_from_days(days);
        format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC", rest / 3600, rest % 3600 / 60, rest % 60)
    }
}

/// Days since 1970-01-01 to a calendar date (Howard Hinnant's algorithm): the server renders
/// dates without a date library in the shared code.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// "2 min 05 s" for a duration in milliseconds.
pub fn elapsed(ms: i64) -> String {
    let s = (ms / 1000).max(0);
    match s {
        0..=59 => format!("{s} s"),
        60..=3599 => format!("{} min {:02} s", s / 60, s % 60),
        _ => format!("{} h {:02} min", s / 3600, s % 3600 / 60),
    }
}

/// "3 h 20 min" for a number of seconds; "expired" at or below zero.
pub fn remaining(seconds: i64) -> String {
    if seconds <= 0 {
        return t(Key::Expired).to_string();
    }
    let (h, m) = (seconds / 3600, (seconds % 3600) / 60);
    if h > 0 {
        format!("{h} h {m} min")
    } else {
        format!("{} min", m.max(1))
    }
}

/// A `datetime-local` value (the browser's time zone) as epoch milliseconds.
pub fn local_time(field: &str, s: &str) -> Result<Option<i64>, AppError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    #[cfg(feature = "hydrate")]
    {
        let ms = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(s)).get_time();
        if ms.is_finite() {
            return Ok(Some(ms as i64));
        }
    }
    Err(AppError::invalid(field, t(Key::ErrDateTime)))
}

/// Epoch milliseconds as a `datetime-local` value in the browser's time zone (empty on the
/// server, which does not know it).
pub fn input_time(ms: Option<i64>) -> String {
    let Some(_ms) = ms else { return String::new() };
    #[cfg(feature = "hydrate")]
    {
        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(_ms as f64));
        return format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}",
            d.get_full_year(),
            d.get_month() + 1,
            d.get_date(),
            d.get_hours(),
            d.get_minutes()
        );
    }
    #[allow(unreachable_code)]
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_side_times_and_durations() {
        assert_eq!(show_time(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(show_time(1_767_225_600_000), "2026-01-01 00:00:00 UTC");
        assert_eq!(elapsed(65_000), "1 min 05 s");
        assert_eq!(remaining(3 * 3600 + 20 * 60 + 5), "3 h 20 min");
        assert_eq!(remaining(30), "1 min");
        assert_eq!(remaining(0), "expired");
    }
}
