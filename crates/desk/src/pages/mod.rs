//! The desk's pages and form handlers. Every handler that shows or changes anything takes a
//! `DeskUser` or `DeskAdmin`; every form handler checks the CSRF token before anything else.//!
//! Layout: this module holds what every page shares (rendering, the header's user, messages);
//! `sign_in` the sign-in and sign-out forms, `queue_page` the queue, `story_page` one story and
//! its desk actions, `admin` the audit log and users, `sources_page` the sources and rules.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use wiredesk_store::accounts::Role;

use crate::auth::DeskUser;

mod admin;
mod queue_page;
mod sign_in;
mod sources_page;
mod story_page;

pub use admin::{MIN_PASSWORD_CHARS, add_user, audit, remove_user, users, valid_user_name};
pub use queue_page::{queue, queue_rows, script};
pub use sign_in::{login, login_form, logout};
pub use sources_page::{rules, sources};
pub use story_page::{act, preview, set_topics, story};

fn page(template: &impl Template) -> Response {
    match template.render() {
        Ok(body) => Html(body).into_response(),
        Err(e) => {
            tracing::error!("desk template: {e}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn server_error(e: impl std::fmt::Display) -> Response {
    tracing::error!("desk: {e}");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "the desk could not do that; see the server log\n",
    )
        .into_response()
}

/// What the page header needs to know about the signed-in user.
struct Who {
    name: String,
    role: &'static str,
    is_admin: bool,
    csrf: String,
}

fn who(user: &DeskUser) -> Option<Who> {
    Some(Who {
        name: user.name.clone(),
        role: user.role.as_str(),
        is_admin: user.role == Role::Admin,
        csrf: user.csrf.clone(),
    })
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    user: Option<Who>,
    title: String,
    message: String,
    back: String,
}

fn message(user: &DeskUser, status: StatusCode, title: &str, text: &str, back: &str) -> Response {
    let mut response = page(&MessagePage {
        user: who(user),
        title: title.into(),
        message: text.into(),
        back: back.into(),
    });
    *response.status_mut() = status;
    response
}
