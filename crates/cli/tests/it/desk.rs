//! The wire desk against the real binary: who may do what, what each action does to every
//! surface readers and partners see, the push endpoint, rules and embargoes.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::{
    Server, cookie_from, csrf_in, drop_file, eventually, ninjs_story, unique_word,
};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION};
use serde_json::Value;
use wiredesk_model::StoryId;

const EDITOR_PASSWORD: &str = "editor-password-1";
pub(crate) const ADMIN_PASSWORD: &str = "admin-password-12";
const BROWSER_UA: &str =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36";

/// A client that does not follow redirects, so the tests see them.
pub(crate) fn client() -> reqwest::Client {
    client_from("127.0.0.1")
}

/// The same, connecting from another loopback address (all of 127/8 is this machine), so
/// the server sees a different client.
fn client_from(address: &str) -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .user_agent(BROWSER_UA)
        .local_address(address.parse::<std::net::IpAddr>().unwrap())
        .build()
        .unwrap()
}

/// A signed-in desk session: its cookie and its CSRF token.
pub(crate) struct Desk {
    cookie: String,
    csrf: String,
}

/// Sign in through the form; `extra_cookie` is sent along (an attacker's planted cookie).
async fn try_login(
    server: &Server,
    http: &reqwest::Client,
    name: &str,
    password: &str,
    extra_cookie: Option<&str>,
) -> reqwest::Response {
    let form = LoginForm::fetch(server, http).await;
    form.send(
        http,
        &server.url("/desk/login"),
        name,
        password,
        "",
        extra_cookie,
    )
    .await
}

/// A login form as fetched: its token, also in its cookie.
struct LoginForm {
    token: String,
}

impl LoginForm {
    async fn fetch(server: &Server, http: &reqwest::Client) -> LoginForm {
        let form = http.get(server.url("/desk/login")).send().await.unwrap();
        let (login_csrf, _) = cookie_from(&form, "wd_login_csrf").expect("login CSRF cookie");
        let html = form.text().await.unwrap();
        let token = csrf_in(&html);
        assert_eq!(token, login_csrf, "the form carries the cookie's token");
        LoginForm { token }
    }

    /// Post the form to `login_url` from `http`.
    async fn send(
        &self,
        http: &reqwest::Client,
        login_url: &str,
        name: &str,
        password: &str,
        code: &str,
        extra_cookie: Option<&str>,
    ) -> reqwest::Response {
        let mut cookie = format!("wd_login_csrf={}", self.token);
        if let Some(extra) = extra_cookie {
            cookie = format!("{extra}; {cookie}");
        }
        http.post(login_url)
            .header(COOKIE, cookie)
            .form(&[
                ("name", name),
                ("password", password),
                ("code", code),
                ("csrf", &self.token),
            ])
            .send()
            .await
            .unwrap()
    }
}

/// What a refused sign-in says (the login page's error line).
async fn login_error(response: reqwest::Response) -> (StatusCode, String) {
    let status = response.status();
    let html = response.text().await.unwrap();
    let error = html
        .split_once("id=\"login-error\">")
        .and_then(|(_, rest)| rest.split_once("</p>"))
        .map_or(String::new(), |(text, _)| text.to_string());
    (status, error)
}

pub(crate) async fn login(
    server: &Server,
    http: &reqwest::Client,
    name: &str,
    password: &str,
) -> Desk {
    let response = try_login(server, http, name, password, None).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "signed in");
    let (token, _) = cookie_from(&response, "wd_session").expect("session cookie");
    let cookie = format!("wd_session={token}");
    let html = get_with(http, &server.url("/desk"), &cookie).await.1;
    Desk {
        csrf: csrf_in(&html),
        cookie,
    }
}

async fn get_with(http: &reqwest::Client, url: &str, cookie: &str) -> (StatusCode, String) {
    let r = http.get(url).header(COOKIE, cookie).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

pub(crate) async fn get(http: &reqwest::Client, url: &str) -> (StatusCode, String) {
    let r = http.get(url).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

impl Desk {
    pub(crate) async fn post(
        &self,
        server: &Server,
        http: &reqwest::Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf", &self.csrf));
        http.post(server.url(path))
            .header(COOKIE, &self.cookie)
            .form(&form)
            .send()
            .await
            .unwrap()
    }
}

/// Drop a story into the inbox and wait until the API answers for it; returns its id.
pub(crate) async fn publish_story(
    server: &Server,
    http: &reqwest::Client,
    uri: &str,
    agency: &str,
    headline: &str,
    body: &str,
    extra: &str,
) -> String {
    let id = StoryId::for_uri(uri).to_string();
    drop_file(
        &server.inbox(),
        &format!("{id}.json"),
        &ninjs_story(uri, 1, agency, headline, body, extra),
    );
    let url = server.url(&format!("/api/v1/stories/{id}"));
    eventually(Duration::from_secs(20), "the story is published", || {
        let url = url.clone();
        async move { (get(http, &url).await.0 == StatusCode::OK).then_some(()) }
    })
    .await;
    id
}

/// Where `/story/{id}` sends readers: the article's slugged path.
async fn article_path(server: &Server, http: &reqwest::Client, id: &str) -> String {
    let r = http
        .get(server.url(&format!("/story/{id}")))
        .send()
        .await
        .unwrap();
    r.headers()[LOCATION].to_str().unwrap().to_string()
}

/// The story sitemap file of the day the story went live (its "published" altid; these
/// stories carry no embargo).
async fn day_sitemap(server: &Server, http: &reqwest::Client, id: &str) -> String {
    let item: serde_json::Value = http
        .get(server.url(&format!("/api/v1/stories/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let published: jiff::Timestamp = item["altids"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["role"] == "published")
        .and_then(|a| a["value"].as_str()?.parse().ok())
        .unwrap_or_else(|| panic!("{id} has no published altid: {item}"));
    wiredesk_publish::seo::stories_file(published, 1)
}

/// Drop a PTI story embargoed until `secs` whole seconds from now into the inbox and wait
/// until the inbox has taken it; answers its id and the embargo's end.
async fn drop_embargoed(
    server: &Server,
    uri: &str,
    word: &str,
    secs: i64,
) -> (String, jiff::Timestamp) {
    // Whole seconds, as the embargo is written.
    let ends = jiff::Timestamp::from_second(jiff::Timestamp::now().as_second() + secs).unwrap();
    let extra = format!("\"embargoed\": \"{}\"", ends.strftime("%Y-%m-%dT%H:%M:%SZ"));
    drop_file(
        &server.inbox(),
        "embargo.json",
        &ninjs_story(
            uri,
            1,
            "PTI",
            &format!("Budget {word} figures"),
            "NEW DELHI, Nov 28 (PTI) - The deficit narrowed.",
            &extra,
        ),
    );
    eventually(Duration::from_secs(20), "the file is taken", || {
        let archive = server.archive();
        async move { (!crate::common::files_under(&archive).is_empty()).then_some(()) }
    })
    .await;
    (StoryId::for_uri(uri).to_string(), ends)
}

fn desk_config() -> String {
    "[site]\nname = \"Desk Test Times\"\n".to_string()
}

#[tokio::test]
async fn every_desk_page_and_action_refuses_strangers_wrong_roles_and_missing_csrf() {
    let server = Server::serve_with_config(&desk_config());
    let http = client();
    server.add_user("asha", "editor", EDITOR_PASSWORD);
    let word = unique_word("guard");
    let id = publish_story(
        &server,
        &http,
        "urn:test:guard-1",
        "PTI",
        &format!("Harbour {word} reopens"),
        "KOCHI, Nov 28 (PTI) - The harbour reopened on Saturday.",
        "",
    )
    .await;
    let article = server.url(&format!("/story/{id}"));
    let headline_before = get(&http, &server.url(&format!("/api/v1/stories/{id}")))
        .await
        .1;

    let pages = [
        "/desk".to_string(),
        "/desk/queue/rows".into(),
        format!("/desk/story/{id}"),
        "/desk/audit".into(),
        "/desk/users".into(),
        "/desk/sources".into(),
        "/desk/rules".into(),
    ];
    let actions: Vec<String> = [
        "headline",
        "restore-headline",
        "hold",
        "publish",
        "kill",
        "pin",
        "unpin",
        "topics",
    ]
    .iter()
    .map(|a| format!("/desk/story/{id}/{a}"))
    .chain([
        "/desk/users".to_string(),
        "/desk/users/asha/remove".into(),
        "/desk/logout".into(),
    ])
    .collect();
    let fields = [
        ("headline", "Hijacked"),
        ("reason", "no reason"),
        ("name", "mallory"),
        ("role", "admin"),
        ("password", "mallory-password"),
    ];

    // No session, or a made-up one: pages send to the sign-in form, actions are 401.
    for cookie in ["", "wd_session=0123456789abcdef"] {
        for page in &pages {
            let r = http
                .get(server.url(page))
                .header(COOKIE, cookie)
                .send()
                .await
                .unwrap();
            assert_eq!(
                r.status(),
                StatusCode::SEE_OTHER,
                "GET {page} with {cookie:?}"
            );
            assert_eq!(r.headers()[LOCATION], "/desk/login");
        }
        for action in &actions {
            let r = http
                .post(server.url(action))
                .header(COOKIE, cookie)
                .form(&fields)
                .send()
                .await
                .unwrap();
            assert_eq!(
                r.status(),
                StatusCode::UNAUTHORIZED,
                "POST {action} with {cookie:?}"
            );
        }
    }

    // An editor may use the desk, but not the admin's pages.
    let editor = login(&server, &http, "asha", EDITOR_PASSWORD).await;
    for page in &pages {
        let (status, _) = get_with(&http, &server.url(page), &editor.cookie).await;
        let admin_only = page == "/desk/audit" || page == "/desk/users";
        let expected = if admin_only {
            StatusCode::FORBIDDEN
        } else {
            StatusCode::OK
        };
        assert_eq!(status, expected, "editor GET {page}");
    }
    for admin_action in ["/desk/users", "/desk/users/asha/remove"] {
        let r = editor.post(&server, &http, admin_action, &fields).await;
        assert_eq!(
            r.status(),
            StatusCode::FORBIDDEN,
            "editor POST {admin_action}"
        );
    }

    // Without the session's CSRF token (missing, or another value), nothing is done.
    for action in &actions {
        for token in [None, Some("f".repeat(64))] {
            let mut form: Vec<(&str, String)> =
                fields.iter().map(|(k, v)| (*k, v.to_string())).collect();
            if let Some(t) = &token {
                form.push(("csrf", t.clone()));
            }
            let r = http
                .post(server.url(action))
                .header(COOKIE, &editor.cookie)
                .form(&form)
                .send()
                .await
                .unwrap();
            assert_eq!(
                r.status(),
                StatusCode::FORBIDDEN,
                "POST {action} with token {token:?}"
            );
        }
    }
    assert_eq!(
        get(&http, &server.url(&format!("/api/v1/stories/{id}")))
            .await
            .1,
        headline_before,
        "no refused request changed the story"
    );
    // Still live: its short address still sends readers on to the page.
    assert_eq!(get(&http, &article).await.0, StatusCode::PERMANENT_REDIRECT);
    assert!(
        server
            .command(&["user", "list"], "")
            .contains("asha\teditor\ttotp off")
    );
    assert!(!server.command(&["user", "list"], "").contains("mallory"));
}

#[tokio::test]
async fn sign_in_locks_out_guessing_and_never_fixes_a_session() {
    let server = Server::serve_with_config(&desk_config());
    let http = client();
    server.add_user("ravi", "admin", ADMIN_PASSWORD);

    // A session id planted before sign-in is never the one issued.
    let planted = "a".repeat(64);
    let response = try_login(
        &server,
        &http,
        "ravi",
        ADMIN_PASSWORD,
        Some(&format!("wd_session={planted}")),
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (issued, set_cookie) = cookie_from(&response, "wd_session").unwrap();
    assert_ne!(issued, planted);
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Strict"), "{set_cookie}");
    let planted_cookie = format!("wd_session={planted}");
    assert_eq!(
        get_with(&http, &server.url("/desk"), &planted_cookie)
            .await
            .0,
        StatusCode::SEE_OTHER,
        "the planted id opens nothing"
    );
    let issued_cookie = format!("wd_session={issued}");
    let (status, html) = get_with(&http, &server.url("/desk"), &issued_cookie).await;
    assert_eq!(status, StatusCode::OK);

    // Signing out ends the session on the server, not just in the browser.
    let csrf = csrf_in(&html);
    let out = http
        .post(server.url("/desk/logout"))
        .header(COOKIE, &issued_cookie)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        get_with(&http, &server.url("/desk"), &issued_cookie)
            .await
            .0,
        StatusCode::SEE_OTHER
    );

    // A login form without its token is refused.
    let forged = http
        .post(server.url("/desk/login"))
        .form(&[
            ("name", "ravi"),
            ("password", ADMIN_PASSWORD),
            ("csrf", "x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);

    // Five wrong passwords from one address make the next attempt from it wait: then even
    // the right one is refused.
    for _ in 0..5 {
        let r = try_login(&server, &http, "ravi", "wrong-password", None).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let r = try_login(&server, &http, "ravi", ADMIN_PASSWORD, None).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(cookie_from(&r, "wd_session").is_none());
    // A name that does not exist answers like a wrong password.
    let r = try_login(&server, &http, "nobody", "whatever-password", None).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn guesses_sent_at_once_get_at_most_the_allowance_checked_and_the_editor_still_signs_in() {
    let server = Server::serve_with_config(&desk_config());
    server.add_user("asha", "editor", EDITOR_PASSWORD);
    let attacker = client_from("127.0.0.2");
    let allowance = wiredesk_desk::auth::ACCOUNT_FROM_ADDRESS.free as usize;

    // Thirty forms first, then every guess at once; the right password is one of the late ones.
    let mut forms = Vec::new();
    for _ in 0..30 {
        forms.push(LoginForm::fetch(&server, &attacker).await);
    }
    let right = 17;
    let mut guesses = tokio::task::JoinSet::new();
    for (i, form) in forms.into_iter().enumerate() {
        let (http, url) = (attacker.clone(), server.url("/desk/login"));
        guesses.spawn(async move {
            let password = if i == right {
                EDITOR_PASSWORD.to_string()
            } else {
                format!("wrong-password-{i}")
            };
            let r = form.send(&http, &url, "asha", &password, "", None).await;
            (i, r.status(), cookie_from(&r, "wd_session").is_some())
        });
    }
    let (mut checked, mut slowed) = (0, 0);
    let mut right_answer = None;
    while let Some(answer) = guesses.join_next().await {
        let (i, status, session) = answer.unwrap();
        match status {
            StatusCode::UNAUTHORIZED | StatusCode::SEE_OTHER => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => slowed += 1,
            other => panic!("guess {i} answered {other}"),
        }
        assert_eq!(
            session,
            status == StatusCode::SEE_OTHER,
            "guess {i}: {status}"
        );
        if i == right {
            right_answer = Some(status);
        } else {
            assert_ne!(status, StatusCode::SEE_OTHER, "a wrong password signed in");
        }
    }
    eprintln!(
        "guesses checked out of 30: {checked} (slowed: {slowed}, the right one: {right_answer:?})"
    );
    assert!(checked >= 1, "someone must be checked");
    // A right password that gets checked clears this account's failures from this address
    // (an editor's own typos are forgiven), so the guesses still in flight may get one more
    // allowance; without it, the allowance is all they get.
    let bound = if right_answer == Some(StatusCode::SEE_OTHER) {
        2 * allowance
    } else {
        allowance
    };
    assert!(checked <= bound, "{checked} checked, bound {bound}");
    assert_eq!(checked + slowed, 30);

    // Guessing on, the attacker's address is soon made to wait, even with the right password.
    let mut waited = false;
    for _ in 0..=allowance {
        let r = try_login(&server, &attacker, "asha", "wrong-password-x", None).await;
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            assert!(r.headers().contains_key("retry-after"));
            waited = true;
            break;
        }
    }
    assert!(waited, "the attacker was never slowed");
    let r = try_login(&server, &attacker, "asha", EDITOR_PASSWORD, None).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(cookie_from(&r, "wd_session").is_none());

    // The editor, from her own address, is not kept out by the attacker's failures.
    let editor = client_from("127.0.0.3");
    let desk = login(&server, &editor, "asha", EDITOR_PASSWORD).await;
    assert_eq!(
        get_with(&editor, &server.url("/desk"), &desk.cookie)
            .await
            .0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_unknown_name_gets_the_same_answers_as_a_known_one() {
    let server = Server::serve_with_config(&desk_config());
    server.add_user("asha", "editor", EDITOR_PASSWORD);
    let http = client();
    let allowance = wiredesk_desk::auth::ACCOUNT_FROM_ADDRESS.free as usize;
    // Seconds to wait vary with the clock, not with the name.
    let without_digits = |(status, text): (StatusCode, String)| {
        (status, text.replace(|c: char| c.is_ascii_digit(), "#"))
    };
    let mut answers = Vec::new();
    for name in ["asha", "no-such-editor"] {
        let mut seen = Vec::new();
        for _ in 0..=allowance {
            let r = try_login(&server, &http, name, "wrong-password-1", None).await;
            seen.push(without_digits(login_error(r).await));
        }
        answers.push(seen);
    }
    assert_eq!(answers[0], answers[1]);
    let last = answers[0].last().unwrap();
    assert_eq!(last.0, StatusCode::TOO_MANY_REQUESTS, "{last:?}");
    assert_eq!(answers[0][0].0, StatusCode::UNAUTHORIZED);
    assert!(!answers[0][0].1.is_empty());
}

/// The code an authenticator app enrolled from `secret` shows now.
fn totp_code(secret: &str) -> String {
    totp_rs::Builder::new()
        .with_secret(totp_rs::Secret::try_from_base32(secret).unwrap())
        .build()
        .unwrap()
        .generate_current()
        .to_string()
}

#[tokio::test]
async fn an_admin_with_a_second_factor_signs_in_only_with_a_fresh_code() {
    let server = Server::serve_with_config(&desk_config());
    let http = client();
    server.add_user("ravi", "admin", ADMIN_PASSWORD);
    let printed = server.command(&["user", "totp", "ravi"], "");
    let secret = printed
        .lines()
        .find_map(|l| l.strip_prefix("secret: "))
        .expect("the secret is printed")
        .to_string();
    let url = printed
        .lines()
        .find_map(|l| l.strip_prefix("url: "))
        .expect("the otpauth address is printed");
    assert!(url.starts_with("otpauth://totp/Wiredesk:ravi?"), "{url}");
    assert!(url.contains(&format!("secret={secret}")), "{url}");
    assert!(
        server
            .command(&["user", "list"], "")
            .contains("ravi\tadmin\ttotp on")
    );

    let send = async |code: &str| {
        let form = LoginForm::fetch(&server, &http).await;
        let url = server.url("/desk/login");
        form.send(&http, &url, "ravi", ADMIN_PASSWORD, code, None)
            .await
    };
    let missing = send("").await;
    assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);
    assert!(cookie_from(&missing, "wd_session").is_none());
    let code = totp_code(&secret);
    let wrong: String = code
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i == 0 {
                char::from_digit((c.to_digit(10).unwrap() + 1) % 10, 10).unwrap()
            } else {
                c
            }
        })
        .collect();
    assert_eq!(send(&wrong).await.status(), StatusCode::UNAUTHORIZED);
    let right = send(&code).await;
    assert_eq!(right.status(), StatusCode::SEE_OTHER);
    assert!(cookie_from(&right, "wd_session").is_some());
    let replayed = send(&code).await;
    assert_eq!(
        replayed.status(),
        StatusCode::UNAUTHORIZED,
        "a code works once"
    );
    assert!(cookie_from(&replayed, "wd_session").is_none());

    // Taken away, the password alone signs in again.
    server.command(&["user", "totp", "ravi", "--off"], "");
    assert!(
        server
            .command(&["user", "list"], "")
            .contains("ravi\tadmin\ttotp off")
    );
    assert_eq!(send("").await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_rewritten_headline_is_escaped_everywhere_and_the_copy_stays_untouched() {
    let server = Server::serve_with_config(&desk_config());
    let http = client();
    server.add_user("ravi", "admin", ADMIN_PASSWORD);
    let word = unique_word("xss");
    let id = publish_story(
        &server,
        &http,
        "urn:test:xss-1",
        "AFP",
        &format!("Festival {word} opens in Lyon"),
        "LYON, Nov 28 (AFP) - The festival of lights opened on Saturday.",
        r#""subject": [{"name": "Culture", "code": "culture"}]"#,
    )
    .await;
    let api_url = server.url(&format!("/api/v1/stories/{id}"));
    let before: Value = serde_json::from_str(&get(&http, &api_url).await.1).unwrap();
    let desk = login(&server, &http, "ravi", ADMIN_PASSWORD).await;
    let payload = format!("<script>alert('{word}')</script><img src=x onerror=alert(1)> Lights");
    let r = desk
        .post(
            &server,
            &http,
            &format!("/desk/story/{id}/headline"),
            &[("headline", &payload)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let after: Value = eventually(
        Duration::from_secs(10),
        "the API shows the new headline",
        || {
            let (http, api_url, payload) = (&http, api_url.clone(), payload.clone());
            async move {
                let v: Value = serde_json::from_str(&get(http, &api_url).await.1).ok()?;
                (v["headlines"][0]["value"] == payload.as_str()).then_some(v)
            }
        },
    )
    .await;
    // Only the headline changed: the body is the agency's, byte for byte.
    assert_eq!(after["bodies"], before["bodies"]);
    assert!(
        before["bodies"][0]["value"]
            .as_str()
            .unwrap()
            .contains("festival of lights")
    );

    let raw_script = format!("<script>alert('{word}')");
    // `/story/{id}` sends readers on to the slugged address.
    let location = article_path(&server, &http, &id).await;
    let article = get(&http, &server.url(&location)).await.1;
    assert!(shows_escaped(&article), "escaped in the article");
    assert!(
        article.contains("no editing has been done"),
        "the disclaimer stays"
    );
    let agency_page = server.url("/agency/afp");
    for (what, url) in [
        ("home", server.url("/")),
        ("agency page", agency_page),
        ("RSS", server.url("/feed.xml")),
        ("Atom", server.url("/atom.xml")),
        ("sitemap", server.url("/sitemap-news.xml")),
        ("search", server.url(&format!("/search?q={word}"))),
    ] {
        let (status, body) = get(&http, &url).await;
        assert_eq!(status, StatusCode::OK, "{what}");
        assert!(!body.contains(&raw_script), "{what} carries the raw script");
        assert!(!body.contains("<img src=x"), "{what} carries the raw tag");
    }
    assert!(
        !article.contains(&raw_script),
        "the article (and its JSON-LD)"
    );
    for page in ["/desk", &format!("/desk/story/{id}"), "/desk/audit"] {
        let (_, body) = get_with(&http, &server.url(page), &desk.cookie).await;
        assert!(!body.contains(&raw_script), "desk page {page}");
        assert!(shows_escaped(&body), "{page} shows it escaped");
    }
    let (_, audit) = get_with(&http, &server.url("/desk/audit"), &desk.cookie).await;
    assert!(audit.contains("rewrite_headline") && audit.contains("ravi"));
}

/// The payload's opening tag as text: escaped by name or by number.
fn shows_escaped(html: &str) -> bool {
    html.contains("&lt;script&gt;") || html.contains("&#60;script&#62;")
}

/// A local stand-in for a CDN's purge API: records every JSON body POSTed to it.
async fn purge_receiver() -> (String, Arc<Mutex<Vec<Value>>>) {
    let received: Arc<Mutex<Vec<Value>>> = Arc::default();
    let sink = received.clone();
    let app = axum::Router::new().route(
        "/purge",
        axum::routing::post(move |axum::Json(body): axum::Json<Value>| {
            let sink = sink.clone();
            async move {
                sink.lock().unwrap().push(body);
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/purge", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, received)
}

#[tokio::test]
async fn a_kill_from_the_desk_takes_the_story_off_every_surface_and_purges_the_cdn() {
    let (purge_url, purges) = purge_receiver().await;
    let server = Server::serve_with_config(&format!(
        "[site]\nname = \"Kill Test Times\"\npurge_url = \"{purge_url}\"\n"
    ));
    let http = client();
    server.add_user("ravi", "admin", ADMIN_PASSWORD);
    let word = unique_word("kill");
    let topic_subject = r#""subject": [{"name": "Business", "code": "business"}]"#;
    let id = publish_story(
        &server,
        &http,
        "urn:test:kill-1",
        "Reuters",
        &format!("Bank {word} raises rates"),
        &format!(
            "MUMBAI, Nov 28 (Reuters) - The bank raised rates by a quarter point, {word} said, \
             its third rise this year as inflation stayed above its target."
        ),
        topic_subject,
    )
    .await;
    // A second report of the same event, shorter: the event is shown headed by the first.
    let other = publish_story(
        &server,
        &http,
        "urn:test:kill-2",
        "Reuters",
        &format!("Markets react to {word} rate rise"),
        &format!("MUMBAI, Nov 28 (Reuters) - Markets rose after the bank {word} decision."),
        topic_subject,
    )
    .await;
    // A story of another event, whose page's Hot this week may show the first's (the home
    // page's leaves out what its Latest lists; the second story's, its own event).
    let elsewhere = unique_word("Kerala");
    let unrelated = publish_story(
        &server,
        &http,
        "urn:test:kill-3",
        "PTI",
        &format!("Monsoon reaches {elsewhere} coast early"),
        &format!(
            "THIRUVANANTHAPURAM, Nov 28 (PTI) - The monsoon reached the {elsewhere} coast three \
             days early, the weather office said, and fishermen were told to stay ashore."
        ),
        r#""subject": [{"name": "Weather", "code": "weather"}]"#,
    )
    .await;
    // Readers open it, so it is in Hot this week.
    for _ in 0..5 {
        get(&http, &server.url(&format!("/story/{id}"))).await;
    }
    let api = server.url(&format!("/api/v1/stories/{id}"));
    let location = article_path(&server, &http, &id).await;
    let other_location = article_path(&server, &http, &other).await;
    let unrelated_location = article_path(&server, &http, &unrelated).await;

    // The topic the site gave it, from the links on its page.
    let article = get(&http, &server.url(&location)).await.1;
    let topic = article
        .split("href=\"/topic/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the article links its topic")
        .to_string();
    let surfaces: Vec<(&str, String)> = vec![
        ("home", server.url("/")),
        ("topic page", server.url(&format!("/topic/{topic}"))),
        (
            "topic feed",
            server.url(&format!("/topic/{topic}/feed.xml")),
        ),
        ("agency page", server.url("/agency/reuters")),
        ("search page", server.url(&format!("/search?q={word}"))),
        ("API list", server.url("/api/v1/stories")),
        (
            "API search",
            server.url(&format!("/api/v1/search?q={word}")),
        ),
        ("RSS", server.url("/feed.xml")),
        ("Atom", server.url("/atom.xml")),
        ("JSON Feed", server.url("/feed.json")),
        ("agency RSS", server.url("/agency/reuters/feed.xml")),
        (
            "sitemap",
            server.url(&day_sitemap(&server, &http, &id).await),
        ),
        ("news sitemap", server.url("/sitemap-news.xml")),
    ];
    // Every surface shows the story before the kill (and its cache is warm).
    eventually(
        Duration::from_secs(15),
        "the story is on every surface",
        || {
            let (http, surfaces, id) = (&http, &surfaces, &id);
            async move {
                for (_, url) in surfaces {
                    if !get(http, url).await.1.contains(id.as_str()) {
                        return None;
                    }
                }
                Some(())
            }
        },
    )
    .await;
    eventually(Duration::from_secs(15), "views reach Hot this week", || {
        let (http, url, location) = (&http, server.url(&unrelated_location), &location);
        async move {
            let page = get(http, &url).await.1;
            let hot = page.split("<section id=\"hot\"").nth(1)?;
            let hot = hot.split("</section>").next()?.to_string();
            hot.contains(location.as_str()).then_some(())
        }
    })
    .await;

    let desk = login(&server, &http, "ravi", ADMIN_PASSWORD).await;
    let r = desk
        .post(
            &server,
            &http,
            &format!("/desk/story/{id}/kill"),
            &[("reason", "legal advice")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    eventually(
        Duration::from_secs(10),
        "the article answers 410 Gone",
        || {
            let (http, url) = (&http, server.url(&location));
            async move { (get(http, &url).await.0 == StatusCode::GONE).then_some(()) }
        },
    )
    .await;
    for (what, url) in &surfaces {
        let body = eventually(Duration::from_secs(10), what, || {
            let (http, url, id) = (&http, url.clone(), &id);
            async move {
                let body = get(http, &url).await.1;
                (!body.contains(id.as_str())).then_some(body)
            }
        })
        .await;
        assert!(!body.contains(&location), "{what} still links the story");
    }
    let home = get(&http, &server.url("/")).await.1;
    assert!(
        !home.contains(&location),
        "gone from Hot this week and every list"
    );
    // The other report of its event now heads it, and links it nowhere.
    let other_after = get(&http, &server.url(&other_location)).await.1;
    assert!(
        !other_after.contains(&location),
        "gone from the other report's page"
    );
    let unrelated_after = get(&http, &server.url(&unrelated_location)).await.1;
    assert!(
        !unrelated_after.contains(&location),
        "gone from Hot this week on the unrelated story's page"
    );
    let item: Value = serde_json::from_str(&get(&http, &api).await.1).unwrap();
    assert_eq!(
        item["pubstatus"], "canceled",
        "the API tells partners to remove it"
    );
    let canceled = get(&http, &server.url("/api/v1/stories?pubstatus=canceled"))
        .await
        .1;
    assert!(canceled.contains(id.as_str()));

    // The CDN was told every URL the story was on.
    let urls: BTreeSet<String> = eventually(Duration::from_secs(10), "a purge", || {
        let purges = purges.clone();
        let story_url = location.clone();
        async move {
            let all: BTreeSet<String> = purges
                .lock()
                .unwrap()
                .iter()
                .flat_map(|p| p["urls"].as_array().cloned().unwrap_or_default())
                .filter_map(|u| u.as_str().map(str::to_string))
                .collect();
            all.iter().any(|u| u.ends_with(&story_url)).then_some(all)
        }
    })
    .await;
    for path in ["/", "/feed.xml", "/agency/reuters", "/sitemap-news.xml"] {
        assert!(
            urls.iter().any(|u| u.ends_with(path)),
            "purge lacks {path}: {urls:?}"
        );
    }
    let (_, audit) = get_with(&http, &server.url("/desk/audit"), &desk.cookie).await;
    assert!(
        audit.contains("legal advice"),
        "the kill and its reason are audited"
    );
}

#[tokio::test]
async fn rules_hold_copy_for_the_desk_and_an_editor_publishes_it() {
    let server = Server::serve_with_config(
        "[site]\nname = \"Rules Times\"\nsource_link_hidden = [\"IANS\"]\n\n\
         [[ingest.rules]]\nagency = \"IANS\"\naction = \"hold\"\n",
    );
    let http = client();
    server.add_user("asha", "editor", EDITOR_PASSWORD);
    let word = unique_word("held");
    let uri = "urn:test:held-1";
    let id = StoryId::for_uri(uri).to_string();
    drop_file(
        &server.inbox(),
        "held.json",
        &ninjs_story(
            uri,
            1,
            "IANS",
            &format!("Monsoon {word} retreats"),
            "NEW DELHI, Nov 28 (IANS) - The monsoon retreated.",
            "",
        ),
    );
    let desk = login(&server, &http, "asha", EDITOR_PASSWORD).await;
    eventually(
        Duration::from_secs(20),
        "the held story in the queue",
        || {
            let (http, url, cookie, id) = (
                &http,
                server.url("/desk/queue/rows?status=held"),
                &desk.cookie,
                &id,
            );
            async move {
                get_with(http, &url, cookie)
                    .await
                    .1
                    .contains(id.as_str())
                    .then_some(())
            }
        },
    )
    .await;
    assert_eq!(
        get(&http, &server.url(&format!("/api/v1/stories/{id}")))
            .await
            .0,
        StatusCode::NOT_FOUND,
        "held copy is not published"
    );
    assert!(!get(&http, &server.url("/")).await.1.contains(&word));
    let (_, rules) = get_with(&http, &server.url("/desk/rules"), &desk.cookie).await;
    assert!(rules.contains("agency IANS") && rules.contains("hold for an editor"));

    // The editor previews the reader's page; looking publishes nothing, and only the desk may.
    let preview_path = format!("/desk/story/{id}/preview");
    let (_, page) = get_with(
        &http,
        &server.url(&format!("/desk/story/{id}")),
        &desk.cookie,
    )
    .await;
    assert!(page.contains(&preview_path), "{page}");
    let r = http
        .get(server.url(&preview_path))
        .header(COOKIE, &desk.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["x-robots-tag"], "noindex");
    assert_eq!(r.headers()["cache-control"], "no-store");
    let preview = r.text().await.unwrap();
    assert!(preview.contains(&format!("Monsoon {word} retreats")) && preview.contains("retreated"));
    assert_ne!(
        get(&http, &server.url(&preview_path)).await.0,
        StatusCode::OK
    );
    assert_eq!(
        get(&http, &server.url(&format!("/story/{id}"))).await.0,
        StatusCode::NOT_FOUND,
        "still held"
    );

    let r = desk
        .post(&server, &http, &format!("/desk/story/{id}/publish"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let home = eventually(Duration::from_secs(10), "published by the editor", || {
        let (http, url, word) = (&http, server.url("/"), &word);
        async move {
            let home = get(http, &url).await.1;
            home.contains(word.as_str()).then_some(home)
        }
    })
    .await;
    assert!(home.contains(&id));
    // Pinned, it leads the home page.
    let r = desk
        .post(&server, &http, &format!("/desk/story/{id}/pin"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // "Go to Source" is hidden for this agency.
    let location = article_path(&server, &http, &id).await;
    let article = get(&http, &server.url(&location)).await.1;
    assert!(
        !article.contains("go-to-source"),
        "Go to Source hidden for IANS"
    );
}

#[tokio::test]
async fn an_editor_sets_a_storys_topics_and_the_agencys_next_version_keeps_them() {
    // A newsroom in India: the desk's clock is the wall's.
    let server =
        Server::serve_with_config(&format!("{}time_zone = \"Asia/Kolkata\"\n", desk_config()));
    let http = client();
    server.add_user("asha", "editor", EDITOR_PASSWORD);
    let word = unique_word("topics");
    let uri = "urn:test:topics-1";
    let headline = format!("Spinners {word} take eight wickets");
    let body = "CHENNAI, Nov 28 (PTI) - The cricket team won the Test match.";
    let id = publish_story(&server, &http, uri, "PTI", &headline, body, "").await;
    let section_shows = |topic: &'static str| {
        let (http, url, word) = (&http, server.url(&format!("/topic/{topic}")), &word);
        async move { get(http, &url).await.1.contains(word.as_str()) }
    };
    eventually(
        Duration::from_secs(10),
        "the rules put it in sports",
        || async { section_shows("sports").await.then_some(()) },
    )
    .await;

    let desk = login(&server, &http, "asha", EDITOR_PASSWORD).await;
    let path = format!("/desk/story/{id}/topics");
    let ticked = [("topic", "politics"), ("topic", "india")];
    let r = desk.post(&server, &http, &path, &ticked).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    eventually(
        Duration::from_secs(10),
        "the desk's topics on the site",
        || async {
            (section_shows("politics").await && !section_shows("sports").await).then_some(())
        },
    )
    .await;
    let story_page = format!("/desk/story/{id}");
    let (_, page) = get_with(&http, &server.url(&story_page), &desk.cookie).await;
    assert!(page.contains("origin-desk"), "shown as the desk's");
    assert!(page.contains(" IST ") && !page.contains(" UTC"), "{page}");
    assert!(
        page.contains("topics set by asha: added Politics; took off Sports"),
        "{page}"
    );
    server.add_user("ravi", "admin", ADMIN_PASSWORD);
    let admin = login(&server, &client(), "ravi", ADMIN_PASSWORD).await;
    let (_, audit) = get_with(&http, &server.url("/desk/audit"), &admin.cookie).await;
    assert!(
        audit.contains("<td>topics</td>") && audit.contains("india,politics"),
        "{audit}"
    );

    // The agency's next version would be in sports by the rules: the desk took it off.
    drop_file(
        &server.inbox(),
        "v2.json",
        &ninjs_story(
            uri,
            2,
            "PTI",
            &headline,
            &format!("{body} Rain stopped play."),
            "",
        ),
    );
    eventually(Duration::from_secs(20), "version 2 taken", || async {
        let (_, page) = get_with(&http, &server.url(&story_page), &desk.cookie).await;
        page.contains("version 2").then_some(())
    })
    .await;
    assert!(section_shows("politics").await && !section_shows("sports").await);

    // Only the site's topics may be ticked; and saving what is there changes nothing.
    let r = desk
        .post(&server, &http, &path, &[("topic", "no-such-topic")])
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = desk.post(&server, &http, &path, &ticked).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn an_embargoed_story_stays_hidden_and_goes_live_by_itself() {
    let server = Server::serve_with_config(&desk_config());
    let http = client();
    let word = unique_word("embargo");
    let (id, ends) = drop_embargoed(&server, "urn:test:embargo-e2e", &word, 10).await;
    assert!(
        jiff::Timestamp::now() < ends,
        "the inbox took over 10 s to take the file, so the embargo cannot be checked"
    );
    for url in [
        server.url("/"),
        server.url("/feed.xml"),
        server.url("/api/v1/stories"),
        server.url(&format!("/search?q={word}")),
    ] {
        // The id, not the word: the search page repeats the words it was asked for.
        assert!(
            !get(&http, &url).await.1.contains(&id),
            "visible before its embargo: {url}"
        );
    }
    assert_ne!(
        get(&http, &server.url(&format!("/story/{id}"))).await.0,
        StatusCode::PERMANENT_REDIRECT,
        "the article page exists before its embargo"
    );
    eventually(Duration::from_secs(30), "live after its embargo", || {
        let (http, url, word) = (&http, server.url("/"), &word);
        async move {
            get(http, &url)
                .await
                .1
                .contains(word.as_str())
                .then_some(())
        }
    })
    .await;
    assert!(jiff::Timestamp::now() >= ends);
    assert!(get(&http, &server.url("/feed.xml")).await.1.contains(&word));
}

#[tokio::test]
async fn agencies_push_copy_with_their_own_token() {
    let server = Server::serve_with_config("[site]\nname = \"Push Times\"\n");
    let http = client();
    let token = server
        .command(&["token", "add", "PTI"], "")
        .trim()
        .to_string();
    assert_eq!(token.len(), 64);
    let url = server.url("/api/v1/ingest");
    let word = unique_word("push");
    let doc = ninjs_story(
        "urn:test:push-1",
        1,
        "PTI",
        &format!("Port {word} expands"),
        "KOCHI, Nov 28 (PTI) - The port expanded.",
        "",
    );

    let none = http.post(&url).body(doc.clone()).send().await.unwrap();
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
    assert!(none.headers().contains_key("www-authenticate"));
    let wrong = http
        .post(&url)
        .bearer_auth("f".repeat(64))
        .body(doc.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);

    let ok = http
        .post(&url)
        .bearer_auth(&token)
        .body(doc.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::ACCEPTED);
    let answer: Value = ok.json().await.unwrap();
    assert_eq!(answer["outcome"], "ingested");
    assert_eq!(answer["source"], "pti");
    let id = answer["stories"][0].as_str().unwrap().to_string();
    let (status, item) = get(&http, &server.url(&format!("/api/v1/stories/{id}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(item.contains(&word));

    let again = http
        .post(&url)
        .bearer_auth(&token)
        .body(doc)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::ACCEPTED);
    assert_eq!(again.json::<Value>().await.unwrap()["outcome"], "unchanged");

    let garbage = http
        .post(&url)
        .bearer_auth(&token)
        .body("\u{1}\u{2} not a wire format")
        .send()
        .await
        .unwrap();
    assert_eq!(garbage.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let reason: Value = garbage.json().await.unwrap();
    assert!(!reason["error"].as_str().unwrap().is_empty());

    // The scheme's name is matched in any case (RFC 7235).
    for scheme in ["bearer", "BEARER"] {
        let answer = http
            .post(&url)
            .header("authorization", format!("{scheme} {token}"))
            .body("\u{1}\u{2} not a wire format")
            .send()
            .await
            .unwrap();
        assert_eq!(
            answer.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{scheme}"
        );
    }
    // A metrics token opens /metrics only.
    let metrics = server
        .command(&["token", "add", "scraper", "--scope", "metrics"], "")
        .trim()
        .to_string();
    let refused = http
        .post(&url)
        .bearer_auth(&metrics)
        .body("\u{1}\u{2}")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
}

/// The one delivery limit (`wiredesk_model::MAX_DELIVERY_BYTES`), as dropped files have it.
const LIMIT: usize = 5 * 1024 * 1024;

/// `POST /api/v1/ingest` over a bare socket: the request line, `headers`, then `body`, and
/// nothing more; the answer's status line, read while the connection is left open. A server
/// that waited for a body it was promised would never answer (the test then fails after a
/// minute; it measures nothing).
async fn push_raw(server: &Server, headers: &[String], body: &[u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = server.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut request = format!("POST /api/v1/ingest HTTP/1.1\r\nHost: {addr}\r\n");
    for h in headers {
        request.push_str(h);
        request.push_str("\r\n");
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    let read = tokio::time::timeout(Duration::from_secs(60), async {
        while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = stream.read(&mut buf).await.unwrap();
            if n == 0 {
                break;
            }
            answer.extend_from_slice(&buf[..n]);
        }
    })
    .await;
    assert!(read.is_ok(), "no answer while the body was not sent");
    let text = String::from_utf8_lossy(&answer);
    text.lines().next().unwrap_or("").to_string()
}

#[tokio::test]
async fn a_push_is_refused_before_its_body_is_read_and_bounded_by_the_file_limit() {
    let server = Server::serve_with_config("");
    let token = server
        .command(&["token", "add", "PTI"], "")
        .trim()
        .to_string();
    // A wrong token is answered from the headers: the 4 MB promised are never sent.
    let status = push_raw(
        &server,
        &[
            format!("Authorization: Bearer {}", "f".repeat(64)),
            format!("Content-Length: {}", 4 * 1024 * 1024),
        ],
        b"",
    )
    .await;
    assert!(status.contains(" 401 "), "{status}");
    // Past the limit by Content-Length: refused before reading.
    let status = push_raw(
        &server,
        &[
            format!("Authorization: bearer {token}"),
            format!("Content-Length: {}", LIMIT + 1),
        ],
        b"",
    )
    .await;
    assert!(status.contains(" 413 "), "{status}");
    // Chunked, with no length to go by: refused as the limit is passed, with the rest
    // (and the closing chunk) never sent.
    let mut chunked = Vec::new();
    let mut sent = 0;
    while sent <= LIMIT {
        let n = (64 * 1024).min(LIMIT + 1 - sent);
        chunked.extend_from_slice(format!("{n:x}\r\n").as_bytes());
        chunked.resize(chunked.len() + n, b' ');
        chunked.extend_from_slice(b"\r\n");
        sent += n;
    }
    let status = push_raw(
        &server,
        &[
            format!("Authorization: Bearer {token}"),
            "Transfer-Encoding: chunked".to_string(),
        ],
        &chunked,
    )
    .await;
    assert!(status.contains(" 413 "), "{status}");
    // At the limit exactly, the file is read and judged on its merits.
    let status = push_raw(
        &server,
        &[
            format!("Authorization: Bearer {token}"),
            format!("Content-Length: {LIMIT}"),
            "Connection: close".to_string(),
        ],
        &vec![b' '; LIMIT],
    )
    .await;
    assert!(status.contains(" 422 "), "{status}");
}

#[tokio::test]
async fn the_desk_shows_each_version_and_what_changed() {
    let server = Server::serve_with_config(&desk_config());
    let http = client();
    server.add_user("asha", "editor", EDITOR_PASSWORD);
    let uri = "urn:test:versions-1";
    let id = publish_story(
        &server,
        &http,
        uri,
        "AFP",
        "Storm lashes Brittany coast",
        "BREST, Nov 28 (AFP) - The storm cut power to 20000 homes.",
        "",
    )
    .await;
    drop_file(
        &server.inbox(),
        "v2.json",
        &ninjs_story(
            uri,
            2,
            "AFP",
            "Storm kills three in Brittany",
            "BREST, Nov 28 (AFP) - The storm cut power to 45000 homes and killed three.",
            "",
        ),
    );
    let desk = login(&server, &http, "asha", EDITOR_PASSWORD).await;
    let page = eventually(Duration::from_secs(20), "version 2 on the desk", || {
        let (http, url, cookie) = (
            &http,
            server.url(&format!("/desk/story/{id}")),
            &desk.cookie,
        );
        async move {
            let html = get_with(http, &url, cookie).await.1;
            html.contains("Version 2").then_some(html)
        }
    })
    .await;
    assert!(
        page.contains("Version 1"),
        "the history keeps the first version"
    );
    assert!(page.contains("<del>20000"), "what the update removed");
    assert!(page.contains("<ins>45000"), "what the update added");
    let article = get(&http, &server.url(&format!("/api/v1/stories/{id}")))
        .await
        .1;
    assert!(
        article.contains("Storm kills three"),
        "readers get the new version"
    );
}

#[tokio::test]
async fn an_admin_adds_and_removes_desk_users_and_it_is_audited() {
    let server = Server::serve_with_config(&desk_config());
    let http = client();
    server.add_user("ravi", "admin", ADMIN_PASSWORD);
    let admin = login(&server, &http, "ravi", ADMIN_PASSWORD).await;
    let short = admin
        .post(
            &server,
            &http,
            "/desk/users",
            &[("name", "meera"), ("role", "editor"), ("password", "short")],
        )
        .await;
    assert_eq!(
        short.status(),
        StatusCode::BAD_REQUEST,
        "passwords need 12 characters"
    );
    let added = admin
        .post(
            &server,
            &http,
            "/desk/users",
            &[
                ("name", "meera"),
                ("role", "editor"),
                ("password", "meera-password-1"),
            ],
        )
        .await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let meera = login(&server, &http, "meera", "meera-password-1").await;
    assert_eq!(
        get_with(&http, &server.url("/desk/users"), &meera.cookie)
            .await
            .0,
        StatusCode::FORBIDDEN,
        "an editor, not an admin"
    );
    let removed = admin
        .post(&server, &http, "/desk/users/meera/remove", &[])
        .await;
    assert_eq!(removed.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        get_with(&http, &server.url("/desk"), &meera.cookie).await.0,
        StatusCode::SEE_OTHER,
        "a removed account's session ends at once"
    );
    let yourself = admin
        .post(&server, &http, "/desk/users/ravi/remove", &[])
        .await;
    assert_eq!(yourself.status(), StatusCode::BAD_REQUEST);
    let (_, audit) = get_with(&http, &server.url("/desk/audit"), &admin.cookie).await;
    for action in ["add_user", "remove_user", "sign_in"] {
        assert!(audit.contains(action), "{action} audited");
    }
}

#[tokio::test]
async fn an_embargo_that_ends_while_the_site_is_down_is_lifted_when_it_comes_back() {
    let mut server = Server::serve_with_config(&desk_config());
    let http = client();
    let word = unique_word("restart");
    let (id, ends) = drop_embargoed(&server, "urn:test:embargo-restart", &word, 4).await;
    // Down across the embargo's end.
    server.restart_after(Duration::from_secs(5));
    assert!(jiff::Timestamp::now() > ends);
    eventually(Duration::from_secs(10), "live after the restart", || {
        let (http, url, id) = (&http, server.url("/"), &id);
        async move { get(http, &url).await.1.contains(id.as_str()).then_some(()) }
    })
    .await;
    let item: Value = serde_json::from_str(
        &get(&http, &server.url(&format!("/api/v1/stories/{id}")))
            .await
            .1,
    )
    .unwrap();
    assert_eq!(item["pubstatus"], "usable");
}
