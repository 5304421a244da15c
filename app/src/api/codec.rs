//! Encodings for server functions. The inputs carry the same bytes as Leptos's `PostUrl` and
//! `Json`, but a value that does not fit is refused naming its field, so a caller reads
//! "vul_type: must be one of …" with a 400 instead of a bare parse error. The answers are JSON
//! read as text (see [`Answer`]).

use leptos::server_fn::codec::Post;
use leptos::server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Form fields (`application/x-www-form-urlencoded`, nested as `filter[offset]=0`).
pub type Form = Post<FormEncoding>;
/// A JSON body.
pub type Json = Post<JsonEncoding>;
/// Every server function's answer: JSON, read in the browser as text. The resources that carry
/// answers from the server render into the page read them as text too, so each answer type has
/// one decoder in the wasm bundle instead of two (Leptos's own `Json` reads bytes).
pub type Answer = Post<AnswerEncoding>;

pub struct FormEncoding;
pub struct JsonEncoding;
pub struct AnswerEncoding;

/// Arguments that did not decode: the field as the request names it (the first part of its
/// path, without the argument's own name), and why. Travels as the decoder's error text, which
/// [`crate::error::AppError`] reads back.
#[derive(Debug, Serialize, Deserialize)]
pub struct BadInput {
    pub field: Option<String>,
    pub message: String,
}

impl std::fmt::Display for BadInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&serde_json::to_string(self).map_err(|_| std::fmt::Error)?)
    }
}

impl BadInput {
    fn new<E: std::fmt::Display>(e: serde_path_to_error::Error<E>, arguments: &[&str]) -> Self {
        let path = e.path().to_string();
        let message = e.inner().to_string();
        // `input.columns[0].key` names the form's `columns`; a missing field is named in the
        // message itself ("missing field `user`").
        let from_path = path
            .split('.')
            .find(|part| !part.is_empty() && !arguments.contains(part) && *part != "?")
            .map(|part| part.split('[').next().unwrap_or(part).to_string())
            .filter(|part| !part.is_empty());
        let missing = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next())
            .map(str::to_string);
        Self { field: missing.or(from_path), message }
    }
}

/// The server function's argument names are the top level of every path; the field a person
/// means is one below when the argument is a struct (`input`, `filter`, `rule`, `query`).
const ARGUMENT_STRUCTS: &[&str] = &["input", "filter", "rule", "query"];

impl ContentType for FormEncoding {
    const CONTENT_TYPE: &'static str = "application/x-www-form-urlencoded";
}

impl FormatType for FormEncoding {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for FormEncoding {
    type Error = serde_qs::Error;

    fn encode(output: &T) -> Result<Bytes, Self::Error> {
        serde_qs::to_string(output).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for FormEncoding {
    type Error = BadInput;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        // The same settings as Leptos's own form decoding: nesting up to 5 levels, lenient about
        // encoded brackets.
        let config = serde_qs::Config::new(5, false);
        let de = serde_qs::Deserializer::with_config(&config, &bytes)
            .map_err(|e| BadInput { field: None, message: e.to_string() })?;
        serde_path_to_error::deserialize(de).map_err(|e| BadInput::new(e, ARGUMENT_STRUCTS))
    }
}

/// JSON's content type and writer, shared by the two JSON encodings (they differ in reading).
macro_rules! writes_json {
    ($($encoding:ty),+) => {$(
        impl ContentType for $encoding {
            const CONTENT_TYPE: &'static str = "application/json";
        }

        impl FormatType for $encoding {
            const FORMAT_TYPE: Format = Format::Text;
        }

        impl<T: Serialize> Encodes<T> for $encoding {
            type Error = serde_json::Error;

            fn encode(output: &T) -> Result<Bytes, Self::Error> {
                serde_json::to_vec(output).map(Bytes::from)
            }
        }
    )+};
}

writes_json!(JsonEncoding, AnswerEncoding);

impl<T: DeserializeOwned> Decodes<T> for JsonEncoding {
    type Error = BadInput;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(de).map_err(|e| BadInput::new(e, ARGUMENT_STRUCTS))
    }
}

impl<T: DeserializeOwned> Decodes<T> for AnswerEncoding {
    type Error = String;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        let text = std::str::from_utf8(&bytes).map_err(|e| e.to_string())?;
        serde_json::from_str(text).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Args {
        input: Input,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Input {
        vul_type: Option<cloud::model::hss::VulType>,
        columns: Vec<Column>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Column {
        key: cloud::model::hss::ExportHeaderKey,
    }

    fn field_of(body: &str) -> Option<String> {
        <JsonEncoding as Decodes<Args>>::decode(Bytes::from(body.to_string())).unwrap_err().field
    }

    #[test]
    fn bad_values_name_their_field() {
        assert_eq!(field_of(r#"{"input":{"vul_type":"kernel","columns":[]}}"#).as_deref(), Some("vul_type"));
        assert_eq!(field_of(r#"{"input":{"columns":[{"key":"owner"}]}}"#).as_deref(), Some("columns"));
        assert_eq!(field_of(r#"{"input":{"vul_type":null}}"#).as_deref(), Some("columns"));
        let form = <FormEncoding as Decodes<Args>>::decode(Bytes::from(
            "input[vul_type]=x&input[columns][0][key]=status",
        ));
        assert_eq!(form.unwrap_err().field.as_deref(), Some("vul_type"));
    }
}

#[cfg(test)]
mod round_trip {
    use super::*;

    #[test]
    fn what_the_browser_sends_decodes() {
        #[derive(Debug, Serialize, Deserialize)]
        struct Args {
            instance_id: String,
            // As the server function declares it: an empty query is not sent at all.
            #[serde(default)]
            query: crate::dto::masking::RuleQuery,
        }
        let sent = Args { instance_id: "i".into(), query: Default::default() };
        let bytes = <FormEncoding as Encodes<Args>>::encode(&sent).unwrap();
        let back = <FormEncoding as Decodes<Args>>::decode(bytes);
        assert!(back.is_ok(), "{:?}", back.err());
    }
}

#[cfg(test)]
mod answers {
    /// Leptos cannot be told a default answer encoding, so each server function names [`Answer`]
    /// (see its note); one that forgets it adds a second decoder per answer type to the bundle.
    #[test]
    fn every_server_function_answers_as_text() {
        let sources = [
            include_str!("mod.rs"),
            include_str!("exports.rs"),
            include_str!("masking.rs"),
            include_str!("scans.rs"),
            include_str!("tasks.rs"),
        ];
        let declared: Vec<&str> =
            sources.iter().flat_map(|s| s.lines()).filter(|l| l.starts_with("#[server(")).collect();
        assert!(declared.len() >= 20, "server functions found: {}", declared.len());
        let missing: Vec<&&str> = declared.iter().filter(|l| !l.contains("output = Answer")).collect();
        assert!(missing.is_empty(), "without `output = Answer`: {missing:?}");
    }
}
