//! Checks of documented bounds, run before a request leaves. Each names the field and what it
//! allows, in the same words the emulator and the UI use.

use crate::{CloudError, Result};

pub fn range(field: &'static str, value: i64, min: i64, max: i64) -> Result<()> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(CloudError::invalid(field, format!("must be from {min} to {max}, got {value}")))
    }
}

pub fn text(field: &'static str, value: &str, min: usize, max: usize) -> Result<()> {
    let n = value.chars().count();
    if (min..=max).contains(&n) {
        Ok(())
    } else {
        Err(CloudError::invalid(field, format!("must be {min} to {max} characters, got {n}")))
    }
}

pub fn opt_text(field: &'static str, value: Option<&str>, min: usize, max: usize) -> Result<()> {
    value.map_or(Ok(()), |v| text(field, v, min, max))
}

/// HSS paging: `offset` 0–2000000, `limit` 10–200.
pub fn hss_paging(offset: i64, limit: i64) -> Result<()> {
    range("offset", offset, 0, 2_000_000)?;
    range("limit", limit, 10, 200)
}

/// An id that goes into a URL path: 1–64 characters of letters, digits, `-` and `_`.
pub fn path_id<'a>(field: &'static str, id: &'a str) -> Result<&'a str> {
    text(field, id, 1, 64)?;
    if id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        Ok(id)
    } else {
        Err(CloudError::invalid(field, "letters, digits, '-' and '_' only"))
    }
}

/// A string enum of the API as a Rust enum: its wire names, and parsing that lists them.
macro_rules! wire_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $wire:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(#[serde(rename = $wire)] $variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire,)+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> std::result::Result<Self, String> {
                match s {
                    $($wire => Ok($name::$variant),)+
                    _ => Err(format!("must be one of {}", [$($wire),+].join(", "))),
                }
            }
        }
    };
}
pub(crate) use wire_enum;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_name_the_field() {
        assert!(range("limit", 10, 10, 200).is_ok());
        let e = range("limit", 9, 10, 200).unwrap_err();
        assert_eq!(e.to_string(), "limit: must be from 10 to 200, got 9");
        assert!(text("cluster_name", "", 1, 255).is_err());
        assert!(text("cluster_name", &"x".repeat(255), 1, 255).is_ok());
        assert!(text("cluster_name", &"界".repeat(256), 1, 255).is_err());
    }
}
