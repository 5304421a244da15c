use leptos::prelude::*;

use crate::api::masking::list_audit_instances;
use crate::components::error_box::ErrorBox;
use crate::i18n::{t, Key};

/// The project's audit instances; only ACTIVE ones can be opened.
#[component]
pub fn InstancesPage() -> impl IntoView {
    let instances = Resource::new(|| (), |_| list_audit_instances());
    view! {
        <h1>{t(Key::MaskingTitle)}</h1>
        <p class="muted">{t(Key::MaskingIntro)}</p>
        <Suspense fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match instances.await {
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p>{t(Key::NoInstances)}</p> }.into_any(),
                    Ok(list) => view! {
                        <table class="data">
                            <thead><tr>
                                <th>{t(Key::ColInstance)}</th><th>{t(Key::ColStatus)}</th>
                                <th>{t(Key::ColSpec)}</th><th>{t(Key::ColZone)}</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|i| {
                                    let name = if i.active {
                                        view! { <a href=format!("/masking/{}", i.id)>{i.name.clone()}</a> }.into_any()
                                    } else {
                                        view! {
                                            <span>{i.name.clone()}</span>
                                            <span class="muted small">" — " {t(Key::NotActive)}</span>
                                        }.into_any()
                                    };
                                    view! {
                                        <tr class:inactive=!i.active>
                                            <td>{name}</td>
                                            <td><span class="badge">{i.status.as_ref().map_or("UNKNOWN".to_string(), |s| s.as_str().to_string())}</span></td>
                                            <td>{i.specification}</td>
                                            <td>{i.zone}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
