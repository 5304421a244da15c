//! An instance's two switches, each with what turning it on or off means, confirmed first.

use cloud::model::dbss::InstanceSwitch;
use leptos::prelude::*;

use crate::api::masking::{get_instance_settings, SetInstanceSetting};
use crate::components::error_box::ErrorBox;
use crate::components::form::confirm;
use crate::i18n::{t, Key};

/// The switches of instance `id`; `version` is bumped after every change so they are read again.
#[component]
pub fn InstanceSettings(
    id: Memo<String>,
    version: RwSignal<u32>,
    set_setting: ServerAction<SetInstanceSetting>,
) -> impl IntoView {
    let settings = Resource::new(move || (id.get(), version.get()), |(id, _)| get_instance_settings(id));
    let row = move |setting: InstanceSwitch, on: bool| {
        let (label, explain_on, explain_off) = match setting {
            InstanceSwitch::Masking => (Key::SettingMasking, Key::ExplainMaskingOn, Key::ExplainMaskingOff),
            InstanceSwitch::ResultSet => {
                (Key::SettingResultSet, Key::ExplainResultSetOn, Key::ExplainResultSetOff)
            }
        };
        let toggle = move |_| {
            if confirm(t(if on { explain_off } else { explain_on })) {
                set_setting.dispatch(SetInstanceSetting {
                    instance_id: id.get_untracked(),
                    setting,
                    on: !on,
                });
            }
        };
        view! {
            <div class="setting">
                <span>{t(label)}</span>
                <span class="badge" class:on=on>{if on { t(Key::On) } else { t(Key::Off) }}</span>
                <button type="button" on:click=toggle>{if on { t(Key::TurnOff) } else { t(Key::TurnOn) }}</button>
            </div>
        }
    };
    view! {
        <section class="panel settings" aria-label=t(Key::InstanceSettings)>
            <h2>{t(Key::InstanceSettings)}</h2>
            <Suspense fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match settings.await {
                        Err(error) => view! { <ErrorBox error/> }.into_any(),
                        Ok(s) => view! {
                            {row(InstanceSwitch::Masking, s.masking_on)}
                            {row(InstanceSwitch::ResultSet, s.result_set_on)}
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
