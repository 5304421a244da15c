//! Where the user is signed in: their live sessions (an administrator: the account's), each
//! with when and from where it signed in and when it was last used, and a button to end it.
//! The forms work before the page is hydrated, and the list reloads after each end.

use leptos::prelude::*;

use crate::api::sessions::{list_sessions, EndOtherSessions, EndSession};
use crate::components::error_box::ErrorBox;
use crate::components::time::show_time;
use crate::dto::sessions::SessionView;
use crate::i18n::{t, tf, Key};

#[component]
pub fn SessionsPage() -> impl IntoView {
    let end = ServerAction::<EndSession>::new();
    let end_others = ServerAction::<EndOtherSessions>::new();
    let list = Resource::new(move || (end.version().get(), end_others.version().get()), |_| list_sessions());
    view! {
        <h1>{t(Key::NavSessions)}</h1>
        <p class="lead">{t(Key::SessionsLead)}</p>
        <div aria-live="polite">
            {move || end.value().get().map(|r| match r {
                Ok(()) => view! { <p class="notice" role="status">{t(Key::SessionEndedNote)}</p> }.into_any(),
                Err(error) => view! { <ErrorBox error/> }.into_any(),
            })}
            {move || end_others.value().get().map(|r| match r {
                Ok(count) => view! { <p class="notice" role="status">{tf(Key::SessionsEnded, &[("count", &count)])}</p> }.into_any(),
                Err(error) => view! { <ErrorBox error/> }.into_any(),
            })}
        </div>
        <Transition fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
            {move || list.get().map(|r| match r {
                Err(error) => view! { <ErrorBox error/> }.into_any(),
                Ok(list) => {
                    let others = list.sessions.iter().filter(|s| !s.current).count();
                    view! {
                        {list.admin.then(|| view! { <p class="muted">{t(Key::SessionsLeadAdmin)}</p> })}
                        <table class="data sessions" aria-label=t(Key::NavSessions)>
                            <thead><tr>
                                <th scope="col">{t(Key::ColWho)}</th>
                                <th scope="col">{t(Key::ColSignedIn)}</th>
                                <th scope="col">{t(Key::ColLastSeen)}</th>
                                <th scope="col">{t(Key::ColClient)}</th>
                                <th scope="col">{t(Key::ColBrowser)}</th>
                                <th scope="col"><span class="visually-hidden">{t(Key::EndSession)}</span></th>
                            </tr></thead>
                            <tbody>{list.sessions.into_iter().map(|s| view! { <Row s end/> }).collect_view()}</tbody>
                        </table>
                        {if others == 0 {
                            view! { <p class="muted">{t(Key::NoOtherSessions)}</p> }.into_any()
                        } else {
                            view! {
                                <ActionForm action=end_others>
                                    <button type="submit" class="button">{t(Key::EndOtherSessions)}</button>
                                </ActionForm>
                            }.into_any()
                        }}
                    }.into_any()
                }
            })}
        </Transition>
    }
}

#[component]
fn Row(s: SessionView, end: ServerAction<EndSession>) -> impl IntoView {
    let who = format!("{}/{}", s.domain_name, s.user_name);
    let label = tf(Key::EndSessionOf, &[("user", &who), ("client", &s.client)]);
    view! {
        <tr class:current=s.current>
            <td><span class="mono">{who.clone()}</span> <span class="muted small">{s.region.clone()}</span>
                <br/><span class="mono small muted" title="session hash">{s.handle.clone()}</span></td>
            <td>{(s.started_at > 0).then(|| show_time(s.started_at))}</td>
            <td>{show_time(s.last_seen)}</td>
            <td class="mono small">{s.client.clone()}</td>
            <td class="small">{s.user_agent.clone()}</td>
            <td>{if s.current {
                view! { <strong>{t(Key::ThisSession)}</strong> }.into_any()
            } else {
                view! {
                    <ActionForm action=end>
                        <input type="hidden" name="handle" value=s.handle.clone()/>
                        <button type="submit" class="button small" aria-label=label>{t(Key::EndSession)}</button>
                    </ActionForm>
                }.into_any()
            }}</td>
        </tr>
    }
}
