//! The files a user picked or dropped, in the browser: their names and sizes for the list and
//! the checks, and the multipart form that sends them (the browser streams each file from disk;
//! nothing is read into the page).

use cloud::model::hss::IacFileType;
use leptos::server_fn::codec::MultipartData;

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

/// A picked file: its name, size and (in the browser) the handle to send it from.
#[derive(Clone)]
pub struct Picked {
    pub name: String,
    pub size: usize,
    #[cfg(feature = "hydrate")]
    pub handle: send_wrapper::SendWrapper<wasm_bindgen::JsValue>,
}

/// The upload's form: `file_type`, then one `file` part per picked file. `None` if the browser
/// refused to build it, and always on the server, which never sends files.
pub fn upload_form(file_type: IacFileType, picked: &[Picked]) -> Option<MultipartData> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let form = web_sys::FormData::new().ok()?;
        form.append_with_str("file_type", file_type.as_str()).ok()?;
        for p in picked {
            let file: &web_sys::Blob = p.handle.dyn_ref()?;
            form.append_with_blob_and_filename("file", file, &p.name).ok()?;
        }
        Some(form.into())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (file_type, picked);
        None
    }
}
