//! What a masking rule would do to sample text, computed in the browser with its own regular
//! expression engine as the user types. On the server there is nothing to preview.

/// The sample with every match replaced, and how many matches there were; or why the
/// expression is invalid.
#[derive(Clone, Debug, PartialEq)]
// The server never computes a preview, so only the browser build constructs the other variants.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub enum Preview {
    Empty,
    Masked { text: String, matches: u32 },
    Invalid(String),
}

#[cfg(feature = "hydrate")]
pub fn preview(regex: &str, mask_value: &str, sample: &str) -> Preview {
    if regex.is_empty() {
        return Preview::Empty;
    }
    // RegExp's constructor throws on a bad pattern; catch it instead of unwinding.
    let re = match js_sys::Reflect::construct(
        &js_sys::Function::from(js_sys::global().unchecked_get("RegExp")),
        &js_sys::Array::of2(&regex.into(), &"g".into()),
    ) {
        Ok(v) => js_sys::RegExp::from(v),
        Err(e) => {
            let msg = js_sys::Error::from(e).message().as_string().unwrap_or_default();
            return Preview::Invalid(msg);
        }
    };
    let matches =
        js_sys::JsString::from(sample).match_(&re).map(|m| js_sys::Array::from(&m).length()).unwrap_or(0);
    // A function replacer inserts the substitution literally (no `$1` expansion surprises).
    let value = mask_value.to_string();
    let replacer =
        wasm_bindgen::closure::Closure::<dyn Fn() -> js_sys::JsString>::new(move || value.as_str().into());
    let text = js_sys::JsString::from(sample)
        .replace_by_pattern_with_function(&re, replacer.as_ref().unchecked_ref())
        .as_string()
        .unwrap_or_default();
    Preview::Masked { text, matches }
}

#[cfg(feature = "hydrate")]
use wasm_bindgen::JsCast;

#[cfg(feature = "hydrate")]
trait UncheckedGet {
    fn unchecked_get(&self, name: &str) -> wasm_bindgen::JsValue;
}

#[cfg(feature = "hydrate")]
impl UncheckedGet for js_sys::Object {
    fn unchecked_get(&self, name: &str) -> wasm_bindgen::JsValue {
        js_sys::Reflect::get(self, &name.into()).unwrap_or(wasm_bindgen::JsValue::UNDEFINED)
    }
}

#[cfg(not(feature = "hydrate"))]
pub fn preview(_regex: &str, _mask_value: &str, _sample: &str) -> Preview {
    Preview::Empty
}
