//! What a masking rule would do to sample text, computed in the browser as the user types: in a
//! Web Worker (`/regex-worker.js`) with a time limit, so an expression that backtracks for ever
//! cannot freeze the tab. The browser's engine is only an approximation of DBSS's, which decides.
//! On the server there is nothing to preview.

/// The sample with every match replaced, and how many matches there were; or why the
/// expression is invalid, or that testing it took too long.
#[derive(Clone, Debug, PartialEq)]
// The server never computes a preview, so only the browser build constructs the other variants.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub enum Preview {
    Empty,
    Masked { text: String, matches: u32 },
    Invalid(String),
    TooSlow,
}

/// How long one test of an expression may run before the worker is ended.
#[cfg(feature = "hydrate")]
const TEST_LIMIT: std::time::Duration = std::time::Duration::from_millis(1000);

/// Where the worker's script is served (from `public/`).
#[cfg(feature = "hydrate")]
const WORKER_URL: &str = "/regex-worker.js";

#[cfg(feature = "hydrate")]
pub use engine::Tester;

#[cfg(feature = "hydrate")]
mod engine {
    use std::cell::{Cell, RefCell};
    use std::rc::{Rc, Weak};

    use leptos::prelude::*;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};
    use web_sys::{MessageEvent, Worker};

    use super::{Preview, TEST_LIMIT, WORKER_URL};
    use crate::i18n::{t, Key};

    type OnMessage = Closure<dyn FnMut(MessageEvent)>;

    /// One worker at a time; a test still running when the next is asked for (or past the
    /// limit) is ended with its worker, and the next test gets a fresh one.
    pub struct Tester {
        worker: RefCell<Option<(Worker, OnMessage)>>,
        /// The newest test asked for, and the newest answered.
        asked: Cell<u32>,
        answered: Cell<u32>,
        result: RwSignal<Preview>,
    }

    fn field(data: &JsValue, name: &str) -> JsValue {
        js_sys::Reflect::get(data, &name.into()).unwrap_or(JsValue::UNDEFINED)
    }

    impl Tester {
        pub fn new(result: RwSignal<Preview>) -> Rc<Self> {
            Rc::new(Self { worker: RefCell::new(None), asked: Cell::new(0), answered: Cell::new(0), result })
        }

        fn stop_worker(&self) {
            if let Some((worker, _)) = self.worker.borrow_mut().take() {
                worker.terminate();
            }
        }

        fn worker(self: &Rc<Self>) -> Option<Worker> {
            if let Some((worker, _)) = self.worker.borrow().as_ref() {
                return Some(worker.clone());
            }
            let worker = Worker::new(WORKER_URL).ok()?;
            let me: Weak<Self> = Rc::downgrade(self);
            let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let Some(me) = me.upgrade() else { return };
                let data = event.data();
                let id = field(&data, "id").as_f64().unwrap_or(0.0) as u32;
                me.answered.set(me.answered.get().max(id));
                if id != me.asked.get() {
                    return;
                }
                let preview = match field(&data, "invalid").as_string() {
                    Some(message) => Preview::Invalid(message),
                    None => Preview::Masked {
                        text: field(&data, "text").as_string().unwrap_or_default(),
                        matches: field(&data, "matches").as_f64().unwrap_or(0.0) as u32,
                    },
                };
                me.result.set(preview);
            });
            worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            *self.worker.borrow_mut() = Some((worker.clone(), on_message));
            Some(worker)
        }

        /// Tests `regex` on `sample`; the answer arrives in the result signal.
        pub fn test(self: &Rc<Self>, regex: &str, value: &str, sample: &str) {
            let id = self.asked.get() + 1;
            self.asked.set(id);
            if regex.is_empty() {
                self.result.set(Preview::Empty);
                return;
            }
            // The worker is still on an older test: that one no longer matters, and may never end.
            if self.answered.get() + 1 < id {
                self.stop_worker();
                self.answered.set(id - 1);
            }
            let Some(worker) = self.worker() else {
                self.result.set(Preview::Invalid(t(Key::RegexTesterUnavailable).into()));
                return;
            };
            let message = js_sys::Object::new();
            for (name, v) in [("regex", regex), ("value", value), ("sample", sample)] {
                let _ = js_sys::Reflect::set(&message, &name.into(), &v.into());
            }
            let _ = js_sys::Reflect::set(&message, &"id".into(), &JsValue::from(id));
            if worker.post_message(&message).is_err() {
                return;
            }
            let me = Rc::downgrade(self);
            set_timeout(
                move || {
                    let Some(me) = me.upgrade() else { return };
                    if me.asked.get() == id && me.answered.get() < id {
                        me.stop_worker();
                        me.answered.set(id);
                        me.result.set(Preview::TooSlow);
                    }
                },
                TEST_LIMIT,
            );
        }
    }

    impl Drop for Tester {
        fn drop(&mut self) {
            self.stop_worker();
        }
    }
}
