//! Reading the files a user picked or dropped, in the browser. Dockerfiles and Kubernetes YAML
//! are text; each is read whole (they are small: at most 1 MiB, checked before reading).

use crate::dto::scans::TextFile;

/// Name and size of each file in a `FileList` (an input's `files` or a drop's
/// `dataTransfer.files`), read through JS reflection.
#[cfg(feature = "hydrate")]
pub fn list(files: &wasm_bindgen::JsValue) -> Vec<(String, usize, wasm_bindgen::JsValue)> {
    use js_sys::Reflect;
    let len = Reflect::get(files, &"length".into()).ok().and_then(|v| v.as_f64()).unwrap_or(0.0) as u32;
    (0..len)
        .filter_map(|i| {
            let f = Reflect::get(files, &i.into()).ok()?;
            let name = Reflect::get(&f, &"name".into()).ok()?.as_string()?;
            let size = Reflect::get(&f, &"size".into()).ok()?.as_f64()? as usize;
            Some((name, size, f))
        })
        .collect()
}

/// The text of one `File`.
#[cfg(feature = "hydrate")]
pub async fn text(file: &wasm_bindgen::JsValue) -> Option<String> {
    use wasm_bindgen::JsCast;
    let method: js_sys::Function = js_sys::Reflect::get(file, &"text".into()).ok()?.dyn_into().ok()?;
    let promise: js_sys::Promise = method.call0(file).ok()?.dyn_into().ok()?;
    wasm_bindgen_futures::JsFuture::from(promise).await.ok()?.as_string()
}

/// A picked file: its name, size and (in the browser) the handle to read it from.
#[derive(Clone)]
pub struct Picked {
    pub name: String,
    pub size: usize,
    #[cfg(feature = "hydrate")]
    pub handle: send_wrapper::SendWrapper<wasm_bindgen::JsValue>,
}

pub async fn read_all(picked: Vec<Picked>) -> Option<Vec<TextFile>> {
    #[allow(unused_mut)] // the server never reads files
    let mut out = Vec::new();
    for _p in picked {
        #[cfg(feature = "hydrate")]
        out.push(TextFile { name: _p.name.clone(), content: text(&_p.handle).await? });
    }
    Some(out)
}
