//! The documented bounds as checks, run before a request leaves (in the client) and before a form
//! is sent (in the browser). Each refusal names the field and the [`Rule`] it broke, so every
//! side says the same thing and the portal can say it in the user's language.

use super::{CloudError, Result};

/// What a refused value should have been.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// A number from `min` to `max`.
    Range { min: i64, max: i64 },
    /// A text of `min` to `max` characters.
    Length { min: usize, max: usize },
    /// A list of `min` to `max` entries.
    Count { min: usize, max: usize },
    /// One of these wire values.
    OneOf(&'static [&'static str]),
    /// Something must be given or chosen.
    Required,
    /// An entry appears twice.
    Unique,
    /// A range whose start is after its end.
    StartAfterEnd,
    /// A time before 1970.
    BeforeEpoch,
    /// Letters, digits, `-` and `_` only (an id that goes into a URL path).
    IdChars,
    /// A value a header cannot carry.
    HeaderChars,
    /// Must be empty because of another field's choice (`all clusters`, `all failed`).
    EmptyWhenAll,
    /// Each file from 1 byte to `max_kib` KiB.
    FileSize { max_kib: usize },
    /// A six-digit MFA passcode.
    Passcode,
    /// A URL the portal will not fetch (not a Huawei Cloud host).
    ForeignUrl,
    /// An http or https URL.
    Url,
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rule::Range { min, max } => write!(f, "must be from {min} to {max}"),
            Rule::Length { min, max } => write!(f, "must be {min} to {max} characters"),
            Rule::Count { min, max } => write!(f, "must hold {min} to {max} entries"),
            Rule::OneOf(values) => write!(f, "must be one of {}", values.join(", ")),
            Rule::Required => f.write_str("is required"),
            Rule::Unique => f.write_str("must not name the same entry twice"),
            Rule::StartAfterEnd => f.write_str("the start must not be after the end"),
            Rule::BeforeEpoch => f.write_str("must not be before 1970"),
            Rule::IdChars => f.write_str("letters, digits, '-' and '_' only"),
            Rule::HeaderChars => f.write_str("contains characters a header cannot carry"),
            Rule::EmptyWhenAll => f.write_str("must be empty when all are chosen"),
            Rule::FileSize { max_kib } => write!(f, "each file must be 1 byte to {max_kib} KiB"),
            Rule::Passcode => f.write_str("must be the 6 digits the MFA device shows"),
            Rule::ForeignUrl => f.write_str("is not on a Huawei Cloud host"),
            Rule::Url => f.write_str("must be an http or https URL"),
        }
    }
}

fn refuse<T>(field: &'static str, rule: Rule) -> Result<T> {
    Err(CloudError::Invalid { field, rule })
}

pub fn range(field: &'static str, value: i64, min: i64, max: i64) -> Result<()> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        refuse(field, Rule::Range { min, max })
    }
}

pub fn text(field: &'static str, value: &str, min: usize, max: usize) -> Result<()> {
    if (min..=max).contains(&value.chars().count()) {
        Ok(())
    } else {
        refuse(field, Rule::Length { min, max })
    }
}

pub fn opt_text(field: &'static str, value: Option<&str>, min: usize, max: usize) -> Result<()> {
    value.map_or(Ok(()), |v| text(field, v, min, max))
}

/// A text that must say something: not empty, not only spaces, at most `max` characters.
pub fn required_text(field: &'static str, value: &str, max: usize) -> Result<()> {
    if value.trim().is_empty() {
        return refuse(field, Rule::Required);
    }
    text(field, value, 1, max)
}

pub fn count(field: &'static str, n: usize, min: usize, max: usize) -> Result<()> {
    if n < min && min == 1 {
        return refuse(field, Rule::Required);
    }
    if (min..=max).contains(&n) {
        Ok(())
    } else {
        refuse(field, Rule::Count { min, max })
    }
}

/// No entry twice.
pub fn unique<T: PartialEq>(field: &'static str, items: &[T]) -> Result<()> {
    for (i, x) in items.iter().enumerate() {
        if items[..i].contains(x) {
            return refuse(field, Rule::Unique);
        }
    }
    Ok(())
}

/// Two epoch-millisecond bounds of a range: neither before 1970, the start not after the end.
pub fn time_range(field: &'static str, start: Option<i64>, end: Option<i64>) -> Result<()> {
    if start.into_iter().chain(end).any(|t| t < 0) {
        return refuse(field, Rule::BeforeEpoch);
    }
    match (start, end) {
        (Some(a), Some(b)) if a > b => refuse(field, Rule::StartAfterEnd),
        _ => Ok(()),
    }
}

/// HSS paging: `offset` 0–2000000, `limit` 10–200.
pub fn hss_paging(offset: i64, limit: i64) -> Result<()> {
    range("offset", offset, 0, 2_000_000)?;
    range("limit", limit, HSS_MIN_LIMIT, HSS_MAX_LIMIT)
}

/// HSS's page sizes.
pub const HSS_MIN_LIMIT: i64 = 10;
pub const HSS_MAX_LIMIT: i64 = 200;

/// Ids that go into a URL path: 1–64 characters.
pub const MAX_ID: usize = 64;

/// An id that goes into a URL path: 1–64 characters of letters, digits, `-` and `_`.
pub fn path_id<'a>(field: &'static str, id: &'a str) -> Result<&'a str> {
    text(field, id, 1, MAX_ID)?;
    if id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        Ok(id)
    } else {
        refuse(field, Rule::IdChars)
    }
}

/// Every id of a list as [`path_id`], and `min` to `max` of them.
pub fn path_ids(field: &'static str, ids: &[String], min: usize, max: usize) -> Result<()> {
    count(field, ids.len(), min, max)?;
    ids.iter().try_for_each(|id| path_id(field, id).map(drop))?;
    unique(field, ids)
}

/// A wire value that is not one of the enum's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnknownValue {
    pub allowed: &'static [&'static str],
}

impl std::fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        Rule::OneOf(self.allowed).fmt(f)
    }
}

impl std::error::Error for UnknownValue {}

/// The position of a wire name in `wire`, for the `Deserialize` of [`wire_enum!`]: generic over
/// the format only, so every enum shares one copy per format.
#[doc(hidden)]
pub fn deserialize_wire<'de, D: serde::Deserializer<'de>>(
    d: D,
    wire: &'static [&'static str],
) -> std::result::Result<usize, D::Error> {
    let s = <String as serde::Deserialize>::deserialize(d)?;
    wire.iter().position(|w| *w == s).ok_or_else(|| serde::de::Error::unknown_variant(&s, wire))
}

/// One of the cloud's enum values in an answer, as it arrived: a value the client knows, or
/// any other kept verbatim. Several value lists in the API reference are cut off or undocumented,
/// so an answer may carry a value this client has never heard of: the list it is in must still
/// decode and show it, not fail whole.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Seen<T> {
    Known(T),
    Other(String),
}

impl<T: WireEnum> Seen<T> {
    pub fn known(&self) -> Option<T> {
        match self {
            Seen::Known(v) => Some(*v),
            Seen::Other(_) => None,
        }
    }

    /// The wire name, as sent.
    pub fn as_str(&self) -> &str {
        match self {
            Seen::Known(v) => v.as_str(),
            Seen::Other(s) => s,
        }
    }
}

impl<T> From<T> for Seen<T> {
    fn from(v: T) -> Self {
        Seen::Known(v)
    }
}

/// `seen == Value` reads as it would with the bare enum; an unknown value equals none.
impl<T: PartialEq> PartialEq<T> for Seen<T> {
    fn eq(&self, other: &T) -> bool {
        matches!(self, Seen::Known(v) if v == other)
    }
}

impl<T: WireEnum> std::fmt::Display for Seen<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<T: WireEnum> serde::Serialize for Seen<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de, T: WireEnum> serde::Deserialize<'de> for Seen<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = <String as serde::Deserialize>::deserialize(d)?;
        Ok(T::from_wire(&s).map_or(Seen::Other(s), Seen::Known))
    }
}

/// A string enum of the API: its values in order, and their wire names.
pub trait WireEnum: Copy + Eq + Send + Sync + 'static {
    const ALL: &'static [Self];
    const WIRE: &'static [&'static str];
    fn as_str(self) -> &'static str;

    /// The value whose wire name is `s`.
    fn from_wire(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == s)
    }

    /// The value named `s`, or the rule it broke (for `field`).
    fn parse_field(field: &'static str, s: &str) -> Result<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.as_str() == s)
            .ok_or(CloudError::Invalid { field, rule: Rule::OneOf(Self::WIRE) })
    }
}

/// A string enum of the API as a Rust enum: its wire names, and parsing that lists them. The
/// portal declares its own string enums (task kinds, statuses) with it too.
#[macro_export]
macro_rules! wire_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident => $wire:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vm])* $variant,)+
        }

        // By hand, through one shared function: derived impls add a visitor per enum, which the
        // browser bundle pays for about thirty times over.
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
                let i = $crate::model::deserialize_wire(d, <$name as $crate::model::WireEnum>::WIRE)?;
                Ok(<$name as $crate::model::WireEnum>::ALL[i])
            }
        }

        impl $crate::model::WireEnum for $name {
            const ALL: &'static [$name] = &[$($name::$variant,)+];
            const WIRE: &'static [&'static str] = &[$($wire,)+];

            fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire,)+ }
            }
        }

        impl $name {
            pub const ALL: &'static [$name] = <$name as $crate::model::WireEnum>::ALL;

            pub fn as_str(self) -> &'static str {
                <$name as $crate::model::WireEnum>::as_str(self)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::model::UnknownValue;
            fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
                <$name as $crate::model::WireEnum>::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == s)
                    .ok_or($crate::model::UnknownValue { allowed: <$name as $crate::model::WireEnum>::WIRE })
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_name_the_field_and_the_rule() {
        assert!(range("limit", 10, 10, 200).is_ok());
        let e = range("limit", 9, 10, 200).unwrap_err();
        assert_eq!(e.to_string(), "limit: must be from 10 to 200");
        assert!(text("cluster_name", "", 1, 255).is_err());
        assert!(text("cluster_name", &"x".repeat(255), 1, 255).is_ok());
        assert!(text("cluster_name", &"界".repeat(256), 1, 255).is_err());
        assert!(matches!(
            required_text("rule_name", "  ", 9),
            Err(CloudError::Invalid { rule: Rule::Required, .. })
        ));
        assert!(matches!(unique("ids", &[1, 2, 1]), Err(CloudError::Invalid { rule: Rule::Unique, .. })));
        assert!(time_range("t", Some(2), Some(1)).is_err());
        assert!(time_range("t", Some(-1), None).is_err());
        assert!(path_id("id", "a/b").is_err());
    }
}
