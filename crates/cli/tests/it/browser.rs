//! The demo site in a real browser (headless Chromium driven through chromedriver): what a
//! reader sees, on a desktop and on a phone.
//!
//! Needs /usr/bin/chromium and /usr/bin/chromedriver; `scripts/test` installs both.

use std::collections::HashSet;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{Server, free_port};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// chromedriver on a free port, with a fresh Chromium profile. Killed on drop.
struct Driver {
    child: Child,
    url: String,
    profile: tempfile::TempDir,
}

impl Driver {
    fn start() -> Driver {
        for (path, package) in [(CHROMEDRIVER, "chromium-driver"), (CHROMIUM, "chromium")] {
            assert!(
                Path::new(path).exists(),
                "{path} is missing, so the browser tests cannot run: run scripts/test, which \
                 installs chromium and chromium-driver (package {package})"
            );
        }
        let port = free_port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let mut driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
            profile: tempfile::Builder::new()
                .prefix("wiredesk-chromium-")
                .tempdir()
                .expect("a temporary Chromium profile"),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = driver.child.try_wait() {
                panic!("chromedriver exited with {status} before listening on port {port}");
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not listen on port {port} within 20 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        driver
    }

    async fn session(&self) -> Client {
        let profile = format!("--user-data-dir={}", self.profile.path().display());
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-quic", "--no-first-run", profile,
                ],
            },
        });
        let Value::Object(capabilities) = capabilities else {
            unreachable!()
        };
        ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&self.url)
            .await
            .unwrap_or_else(|e| panic!("a Chromium session through chromedriver: {e}"))
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Run `body` with a browser session, then close the session (so Chromium exits) even when
/// an assertion in `body` failed, and only then report the failure.
async fn with_browser<F, Fut>(body: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let driver = Driver::start();
    let client = driver.session().await;
    let outcome = tokio::spawn(body(client.clone())).await;
    let _ = client.close().await;
    drop(driver);
    if let Err(e) = outcome {
        if e.is_panic() {
            std::panic::resume_unwind(e.into_panic());
        }
        panic!("the browser test did not finish: {e}");
    }
}

async fn css(client: &Client, selector: &str) -> fantoccini::elements::Element {
    match client.find(Locator::Css(selector)).await {
        Ok(element) => element,
        Err(e) => panic!("no `{selector}` on {}: {e}", page_url(client).await),
    }
}

async fn page_url(client: &Client) -> String {
    client
        .current_url()
        .await
        .map(|u| u.to_string())
        .unwrap_or_default()
}

async fn script(client: &Client, js: &str) -> Value {
    match client.execute(js, vec![]).await {
        Ok(value) => value,
        Err(e) => panic!("script failed on {}: {e}", page_url(client).await),
    }
}

async fn texts(client: &Client, selector: &str) -> Vec<String> {
    let js = format!(
        "return [...document.querySelectorAll({})].map(e => e.textContent.trim());",
        json!(selector)
    );
    serde_json::from_value(script(client, &js).await).expect("a list of strings")
}

async fn story_links(client: &Client, selector: &str) -> HashSet<String> {
    let js = format!(
        "return [...document.querySelectorAll({})].map(a => a.getAttribute('href'));",
        json!(selector)
    );
    serde_json::from_value(script(client, &js).await).expect("a list of links")
}

/// The masthead's date as the site must print it: today in Asia/Kolkata.
fn kolkata_today() -> String {
    jiff::Timestamp::now()
        .in_tz("Asia/Kolkata")
        .expect("the Asia/Kolkata time zone")
        .strftime("%A, %B %-d, %Y")
        .to_string()
}

/// Summaries are whole sentences: none stops in the middle of a word.
async fn assert_summaries_end_a_sentence(client: &Client, page: &str) {
    let js = "return [...document.querySelectorAll('.summary')].map(p => { \
                const c = p.cloneNode(true); \
                c.querySelectorAll('.read-more').forEach(a => a.remove()); \
                return c.textContent.trim(); });";
    let summaries: Vec<String> = serde_json::from_value(script(client, js).await).unwrap();
    assert!(!summaries.is_empty(), "no .summary on the {page}");
    let cut: Vec<&String> = summaries
        .iter()
        .filter(|s| {
            let s = s.trim_end_matches("Read More").trim_end();
            // The danda and double danda close Hindi's sentences, the full stop "۔" Urdu's.
            !s.ends_with(['.', '!', '?', '"', '”', '’', ')', '…', '।', '॥', '۔'])
        })
        .collect();
    assert!(
        cut.is_empty(),
        "summaries on the {page} that stop mid-sentence: {cut:#?}"
    );
}

async fn assert_hot_and_topics_do_not_repeat(client: &Client, page: &str) {
    let hot = story_links(client, "section#hot a.story-link").await;
    let topics = story_links(client, "section#topics a.story-link").await;
    // Empty only when it says so: Hot never fills up with what the page already lists.
    let says_why = !texts(client, "section#hot #hot-empty").await.is_empty();
    assert!(
        !hot.is_empty() || says_why,
        "Hot this week is empty on the {page}, and does not say why"
    );
    let both: Vec<_> = hot.intersection(&topics).collect();
    assert!(
        both.is_empty(),
        "stories listed under both Hot this week and Topics on the {page}: {both:?}"
    );
}

async fn assert_fits_the_screen(client: &Client, page: &str) {
    let sizes = script(
        client,
        "return [document.documentElement.scrollWidth, window.innerWidth];",
    )
    .await;
    let (scroll, inner) = (sizes[0].as_u64().unwrap(), sizes[1].as_u64().unwrap());
    assert!(
        inner <= 420,
        "the window is not phone-sized: innerWidth {inner}"
    );
    assert!(
        scroll <= inner,
        "the {page} scrolls sideways on a phone: scrollWidth {scroll} > innerWidth {inner}"
    );
}

/// No sideways scrolling at whatever width the window has.
async fn assert_fits_the_width(client: &Client, page: &str) {
    let sizes = script(
        client,
        "return [document.documentElement.scrollWidth, window.innerWidth];",
    )
    .await;
    let (scroll, inner) = (sizes[0].as_u64().unwrap(), sizes[1].as_u64().unwrap());
    assert!(
        scroll <= inner,
        "the {page} scrolls sideways: {scroll} > {inner}"
    );
}

/// Open the home page and follow the first story link; answers the article's URL.
async fn open_first_story(client: &Client, server_base: &str) -> String {
    client.goto(&format!("{server_base}/")).await.unwrap();
    css(client, "a.story-link").await.click().await.unwrap();
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("h1#headline"))
        .await
        .unwrap_or_else(|e| panic!("no article page after clicking the first story: {e}"));
    let url = page_url(client).await;
    assert!(url.contains("/story/"), "the first story link led to {url}");
    url
}

#[tokio::test]
async fn a_reader_opens_a_story_from_the_home_page_and_sees_a_complete_article() {
    let server = Server::demo();
    let base = server.base.clone();
    with_browser(move |client| async move {
        client.set_window_size(1280, 1000).await.unwrap();
        client.goto(&format!("{base}/")).await.unwrap();
        assert_hot_and_topics_do_not_repeat(&client, "home page").await;
        assert_summaries_end_a_sentence(&client, "home page").await;

        let before = kolkata_today();
        let article = open_first_story(&client, &base).await;
        let date = css(&client, "#masthead-date").await.text().await.unwrap();
        let after = kolkata_today();
        assert!(
            date == before || date == after,
            "#masthead-date reads {date:?}, expected {after:?}"
        );

        let headline = css(&client, "h1#headline").await.text().await.unwrap();
        assert!(!headline.trim().is_empty(), "empty headline on {article}");
        // The dateline once: above the copy, or where the copy opens with it.
        let body = css(&client, "#story-body").await.text().await.unwrap();
        let printed = client.find_all(Locator::Css("#dateline")).await.unwrap();
        if let Some(d) = printed.first() {
            let dateline = d.text().await.unwrap();
            assert!(
                !body.contains(&dateline),
                "{dateline:?} printed above a copy that opens with it"
            );
        }
        let paragraphs = client
            .find_all(Locator::Css("#story-body p"))
            .await
            .unwrap()
            .len();
        assert!(paragraphs >= 2, "{paragraphs} paragraph(s) in #story-body");
        let disclaimer = css(&client, "#disclaimer").await.text().await.unwrap();
        assert!(
            disclaimer.contains("Apart from the headline, no editing has been done in the copy by"),
            "#disclaimer reads {disclaimer:?}"
        );

        for (selector, heading) in [
            ("section#hot h2", "Hot this week"),
            ("section#topics h2", "Topics"),
            ("section#related h2", "Related Articles"),
        ] {
            assert_eq!(
                texts(&client, selector).await,
                vec![heading.to_string()],
                "{selector}"
            );
        }
        let related = client
            .find_all(Locator::Css("section#related .card"))
            .await
            .unwrap()
            .len();
        assert!(related >= 1, "no Related Articles on {article}");
        assert_hot_and_topics_do_not_repeat(&client, "article page").await;
        assert_summaries_end_a_sentence(&client, "article page").await;

        let ld = script(
            &client,
            "const s = document.querySelector('script[type=\"application/ld+json\"]'); \
             return s ? s.textContent : null;",
        )
        .await;
        let ld = ld.as_str().expect("a JSON-LD script on the article page");
        let ld: Value = serde_json::from_str(ld)
            .unwrap_or_else(|e| panic!("the JSON-LD does not parse ({e}): {ld}"));
        assert_eq!(ld["@type"], "NewsArticle", "{ld}");
        for field in [
            "headline",
            "datePublished",
            "dateModified",
            "author",
            "publisher",
        ] {
            assert!(
                !ld[field].is_null() && ld[field] != "",
                "JSON-LD without `{field}`: {ld}"
            );
        }

        if std::env::var_os("WIREDESK_SCREENSHOT").is_some() {
            client.set_window_size(1280, 1600).await.unwrap();
            client.goto(&article).await.unwrap();
            let png = client.screenshot().await.unwrap();
            let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs");
            std::fs::create_dir_all(&docs).unwrap();
            std::fs::write(docs.join("screenshot-article.png"), png).unwrap();
        }
    })
    .await;
}

#[tokio::test]
async fn pages_fit_a_phone_screen_without_sideways_scrolling() {
    let server = Server::demo();
    let base = server.base.clone();
    with_browser(move |client| async move {
        client.set_window_size(375, 740).await.unwrap();
        client.goto(&format!("{base}/")).await.unwrap();
        assert_fits_the_screen(&client, "home page").await;
        open_first_story(&client, &base).await;
        assert_fits_the_screen(&client, "article page").await;
    })
    .await;
}

/// The story links and coverage links of the cards on the first screen (any part of the card
/// in the viewport), as `(story hrefs, coverage hrefs)`: a coverage link names the cluster.
async fn first_screen_links(client: &Client) -> (Vec<String>, Vec<String>) {
    let js = "const seen = (e) => { const r = e.getBoundingClientRect(); \
                return r.bottom > 0 && r.top < window.innerHeight && r.width > 0; }; \
              const cards = [...document.querySelectorAll('article.card')].filter(seen); \
              return [cards.map(c => c.querySelector('a.story-link').getAttribute('href')), \
                      cards.flatMap(c => [...c.querySelectorAll('a.coverage')]) \
                           .map(a => a.getAttribute('href'))];";
    serde_json::from_value(script(client, js).await).expect("two lists of links")
}

async fn assert_first_screen_shows_each_story_once(client: &Client, screen: &str) {
    script(client, "window.scrollTo(0, 0); return null;").await;
    let (stories, clusters) = first_screen_links(client).await;
    assert!(
        !stories.is_empty(),
        "the first screen at {screen} shows {} stories",
        stories.len()
    );
    for (what, links) in [("story", &stories), ("cluster", &clusters)] {
        let mut seen = HashSet::new();
        let twice: Vec<&String> = links.iter().filter(|l| !seen.insert(*l)).collect();
        assert!(
            twice.is_empty(),
            "a {what} twice on the home page's first screen at {screen}: {twice:?} in {links:#?}"
        );
    }
}

/// The home page on a desktop: no story twice on the first screen, columns of a balanced
/// length, Latest continued on older pages to a 404, and a footer leading to the about page.
#[tokio::test]
async fn the_home_page_reads_on_from_latest_to_older_pages_and_a_footer() {
    let server = Server::demo();
    let base = server.base.clone();
    with_browser(move |client| async move {
        client.set_window_size(1280, 800).await.unwrap();
        client.goto(&format!("{base}/")).await.unwrap();
        assert_first_screen_shows_each_story_once(&client, "1280x800").await;

        // Below the fold the main column is no shorter than the sidebar beside it.
        let heights = script(
            &client,
            "const end = (sel) => { const e = document.querySelector(sel); \
               return Math.max(...[...e.children].map(c => c.getBoundingClientRect().bottom)) \
                 - e.getBoundingClientRect().top; }; \
             const side = document.querySelector('.secondary').getBoundingClientRect(); \
             const main = document.querySelector('.primary').getBoundingClientRect(); \
             return [end('.primary'), end('.secondary'), side.left > main.right - 1];",
        )
        .await;
        let (primary, secondary) = (heights[0].as_f64().unwrap(), heights[1].as_f64().unwrap());
        assert_eq!(heights[2], true, "the sidebar is not beside the main column at 1280 px");
        assert!(
            primary >= secondary,
            "the main column ({primary} px) is shorter than the sidebar ({secondary} px)"
        );

        // Latest reads on: every older page lists stories no newer page did, then ends.
        let home_links = story_links(&client, ".lead a.story-link, #latest a.story-link").await;
        let mut shown = home_links.clone();
        let mut page = 1;
        loop {
            let older = client.find_all(Locator::Css("a#older-stories[rel=next]")).await.unwrap();
            let Some(link) = older.first() else { break };
            link.click().await.unwrap();
            page += 1;
            client
                .wait()
                .at_most(Duration::from_secs(20))
                .for_element(Locator::Css("#older"))
                .await
                .unwrap_or_else(|e| panic!("no older stories page {page}: {e}"));
            let url = page_url(&client).await;
            assert!(url.ends_with(&format!("/latest?page={page}")), "{url}");
            let newer = if page == 2 { "/".to_string() } else { format!("/latest?page={}", page - 1) };
            let prev = script(
                &client,
                "return [document.querySelector('link[rel=prev]').getAttribute('href'), \
                         document.querySelector('a#newer-stories[rel=prev]').getAttribute('href')];",
            )
            .await;
            assert_eq!(prev, json!([newer, newer]), "rel=prev on page {page}");
            let links: Vec<String> = {
                let js = "return [...document.querySelectorAll('#older a.story-link')]\
                          .map(a => a.getAttribute('href'));";
                serde_json::from_value(script(&client, js).await).unwrap()
            };
            assert!(!links.is_empty(), "older stories page {page} is empty");
            for link in links {
                assert!(
                    shown.insert(link.clone()),
                    "{link} on older stories page {page} was listed before"
                );
            }
            assert_fits_the_width(&client, &format!("older stories page {page}")).await;
            assert!(page < 50, "the older pages never end");
        }
        assert!(page >= 2, "the demo's home page has no older stories link");
        client.goto(&format!("{base}/latest?page={}", page + 1)).await.unwrap();
        assert_eq!(texts(&client, "h1").await, vec!["Not found".to_string()]);

        // The footer: sections, feeds, about and the disclaimer, on every page.
        client.goto(&format!("{base}/")).await.unwrap();
        let menu = story_links(&client, ".topics-nav a").await;
        let footer = story_links(&client, "footer a").await;
        for link in menu.iter().map(String::as_str).chain(["/feed.xml", "/atom.xml", "/feed.json", "/about"]) {
            assert!(footer.contains(link), "the footer has no link to {link}: {footer:?}");
        }
        let disclaimer = css(&client, "footer #footer-disclaimer").await.text().await.unwrap();
        assert!(
            disclaimer.contains("Apart from the headline, no editing has been done in the copy by"),
            "the footer's disclaimer reads {disclaimer:?}"
        );
        css(&client, "footer a[href='/about']").await.click().await.unwrap();
        client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css("#about"))
            .await
            .unwrap_or_else(|e| panic!("no about page from the footer: {e}"));
        let about = css(&client, "#about").await.text().await.unwrap();
        assert!(about.contains("published untouched"), "{about}");
        assert!(about.contains(&disclaimer), "the about page's disclaimer: {about}");
    })
    .await;
}

/// The home page on a phone: no story twice on the first screen, and the section menu one
/// row that scrolls inside itself.
#[tokio::test]
async fn on_a_phone_the_home_page_shows_each_story_once_and_the_menu_in_one_row() {
    let server = Server::demo();
    let base = server.base.clone();
    with_browser(move |client| async move {
        client.set_window_size(375, 740).await.unwrap();
        client.goto(&format!("{base}/")).await.unwrap();
        assert_first_screen_shows_each_story_once(&client, "375x740").await;
        let menu = script(
            &client,
            "const nav = document.querySelector('.topics-nav'); \
             const links = [...nav.querySelectorAll('a')]; \
             const tops = new Set(links.map(a => Math.round(a.getBoundingClientRect().top))); \
             return [links.length, tops.size, nav.getBoundingClientRect().height, \
                     links[0].getBoundingClientRect().height];",
        )
        .await;
        let (links, rows) = (menu[0].as_u64().unwrap(), menu[1].as_u64().unwrap());
        let (height, link) = (menu[2].as_f64().unwrap(), menu[3].as_f64().unwrap());
        assert!(links >= 4, "the demo's menu has {links} links");
        assert_eq!(rows, 1, "the section menu wraps onto {rows} rows at 375 px");
        assert!(
            height < link * 2.0,
            "the section menu is {height} px tall for links {link} px tall: more than one row"
        );
        assert_fits_the_screen(&client, "home page").await;
        client.goto(&format!("{base}/latest?page=2")).await.unwrap();
        assert_fits_the_screen(&client, "older stories page").await;
        client.goto(&format!("{base}/about")).await.unwrap();
        assert_fits_the_screen(&client, "about page").await;
    })
    .await;
}

/// Click `button`, then wait for `selector` on the page that follows.
async fn click_then_wait(client: &Client, button: &str, selector: &str, what: &str) {
    css(client, button).await.click().await.unwrap();
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(selector))
        .await
        .unwrap_or_else(|e| panic!("{what}: {e}"));
}

/// The wire desk in a browser: an editor signs in, rewrites a story's headline, then kills
/// it; readers get 410 Gone and the story leaves the home page and the feed.
#[tokio::test]
async fn an_editor_rewrites_a_headline_then_kills_the_story_everywhere() {
    let server = Server::demo();
    let password = "browser-editor-password";
    server.add_user("asha", "editor", password);
    let base = server.base.clone();
    let inbox = server.inbox();
    let http = crate::common::http();
    with_browser(move |client| async move {
        client.set_window_size(1280, 1000).await.unwrap();
        let article = open_first_story(&client, &base).await;
        let (path, id) = crate::common::story_path_and_id(&article);

        // The desk sends a stranger to the sign-in form.
        client.goto(&format!("{base}/desk")).await.unwrap();
        assert!(page_url(&client).await.ends_with("/desk/login"));
        css(&client, "input[name=name]")
            .await
            .send_keys("asha")
            .await
            .unwrap();
        css(&client, "input[name=password]")
            .await
            .send_keys(password)
            .await
            .unwrap();
        click_then_wait(
            &client,
            "#login-form button",
            "#queue-rows",
            "the queue after signing in",
        )
        .await;
        let queued = story_links(&client, "#queue-rows a").await;
        assert!(
            queued.contains(&format!("/desk/story/{id}")),
            "the story is in the queue"
        );

        // New copy shows up in the open queue by itself, without a reload.
        // A flag on the page's window: a reload would wipe it.
        script(&client, "window.__notReloaded = true; return true;").await;
        let fresh = crate::common::unique_word("fresh");
        crate::common::drop_file(
            &inbox,
            "fresh.json",
            &crate::common::ninjs_story(
                "urn:test:browser-fresh",
                1,
                "PTI",
                &format!("Harbour {fresh} reopens"),
                "KOCHI, Nov 28 (PTI) - The harbour reopened.",
                "",
            ),
        );
        crate::common::eventually(
            Duration::from_secs(20),
            "the new copy in the open queue",
            || {
                let (client, fresh) = (&client, &fresh);
                async move {
                    let rows = texts(client, "#queue-rows a").await.join(" ");
                    rows.contains(fresh.as_str()).then_some(())
                }
            },
        )
        .await;
        assert_eq!(
            script(&client, "return window.__notReloaded === true;").await,
            Value::Bool(true),
            "the queue refreshed in place"
        );

        client
            .goto(&format!("{base}/desk/story/{id}"))
            .await
            .unwrap();
        let input = css(&client, "#form-headline input[name=headline]").await;
        input.clear().await.unwrap();
        let headline = "Desk rewrite: monsoon update";
        input.send_keys(headline).await.unwrap();
        click_then_wait(
            &client,
            "#form-headline button",
            "#desk-notice",
            "a notice after the rewrite",
        )
        .await;
        assert_eq!(texts(&client, "#desk-headline").await, [headline]);

        // Readers see the new headline (at the page's new address).
        crate::common::eventually(Duration::from_secs(10), "the new headline", || {
            let (client, base, id) = (&client, &base, &id);
            async move {
                client.goto(&format!("{base}/story/{id}")).await.ok()?;
                (texts(client, "h1#headline").await == [headline]).then_some(())
            }
        })
        .await;
        let disclaimer = texts(&client, "#disclaimer").await.join(" ");
        assert!(
            disclaimer.contains("no editing has been done"),
            "the disclaimer stays"
        );

        client
            .goto(&format!("{base}/desk/story/{id}"))
            .await
            .unwrap();
        css(&client, "#form-kill input[name=reason]")
            .await
            .send_keys("legal: wrong person named")
            .await
            .unwrap();
        click_then_wait(
            &client,
            "#action-kill",
            "#desk-notice",
            "a notice after the kill",
        )
        .await;
        assert_eq!(texts(&client, "#desk-status").await, ["killed"]);

        // The reader's page answers 410 Gone, and the story is off the home page and feed.
        crate::common::eventually(Duration::from_secs(10), "410 Gone", || {
            let (http, url) = (&http, format!("{base}{path}"));
            async move {
                let r = http.get(&url).send().await.ok()?;
                (r.status().as_u16() == 410).then_some(())
            }
        })
        .await;
        // The story's own page reads the store; the lists leave with the log follower's next
        // pass (100 ms), so they are given a moment.
        crate::common::eventually(Duration::from_secs(5), "off the home page", || {
            let (client, url, id) = (&client, format!("{base}/"), &id);
            async move {
                client.goto(&url).await.ok()?;
                let home_links = story_links(client, "a.story-link").await;
                (!home_links.iter().any(|l| l.contains(id.as_str()))).then_some(())
            }
        })
        .await;
        crate::common::eventually(Duration::from_secs(5), "out of the feed", || {
            let (http, url, id) = (&http, format!("{base}/feed.xml"), &id);
            async move {
                let feed = http.get(&url).send().await.ok()?.text().await.ok()?;
                (!feed.contains(id.as_str())).then_some(())
            }
        })
        .await;
    })
    .await;
}

/// The site's own words that must not be left in English on a Hindi page.
const ENGLISH_FIXED_WORDS: &[&str] = &[
    "Latest from the wire",
    "Hot this week",
    "Related Articles",
    "Read More",
    "Published:",
    "Agency:",
    "Sections",
    "Search the wire",
    "Older stories",
    "Go to Source",
    "Full coverage",
    "no editing has been done",
];

async fn assert_no_english_fixed_words(client: &Client, page: &str) {
    let text = script(client, "return document.body.innerText;").await;
    let text = text.as_str().unwrap_or_default();
    let left: Vec<&&str> = ENGLISH_FIXED_WORDS
        .iter()
        .filter(|w| text.contains(**w))
        .collect();
    assert!(
        left.is_empty(),
        "English left on the Hindi {page}: {left:?}"
    );
    let placeholder = script(
        client,
        "return document.querySelector('#q').getAttribute('placeholder');",
    )
    .await;
    assert_eq!(placeholder, json!("वायर में खोजें"), "{page}");
}

/// `wiredesk demo --language hi` on a phone: every fixed word, date and heading in Hindi,
/// the Hindi wires' datelines and agencies read, a page that fits 375 px.
#[tokio::test]
async fn the_hindi_demo_reads_in_hindi_on_a_phone() {
    let server = Server::demo_in("hi");
    let base = server.base.clone();
    with_browser(move |client| async move {
        client.set_window_size(375, 740).await.unwrap();
        client.goto(&format!("{base}/")).await.unwrap();
        let html = script(
            &client,
            "return [document.documentElement.lang, document.documentElement.dir];",
        )
        .await;
        assert_eq!(html, json!(["hi", "ltr"]));
        let date = css(&client, "#masthead-date").await.text().await.unwrap();
        let months = [
            "जनवरी",
            "फ़रवरी",
            "मार्च",
            "अप्रैल",
            "मई",
            "जून",
            "जुलाई",
            "अगस्त",
            "सितंबर",
            "अक्टूबर",
            "नवंबर",
            "दिसंबर",
        ];
        assert!(
            months.iter().any(|m| date.contains(m)),
            "masthead date {date:?}"
        );
        assert_eq!(
            texts(&client, "section#latest h2").await,
            vec!["वायर से ताज़ा ख़बरें".to_string()]
        );
        assert_eq!(
            texts(&client, "section#hot h2").await,
            vec!["इस सप्ताह की चर्चित ख़बरें".to_string()]
        );
        let menu = texts(&client, "nav.topics-nav a").await;
        assert!(
            menu.iter().any(|t| t == "ताज़ा") && menu.iter().any(|t| t == "खेल"),
            "the menu reads {menu:?}"
        );
        assert_no_english_fixed_words(&client, "home page").await;
        assert_fits_the_screen(&client, "Hindi home page").await;
        assert_summaries_end_a_sentence(&client, "Hindi home page").await;
        assert_first_screen_shows_each_story_once(&client, "375x740, in Hindi").await;
        if std::env::var_os("WIREDESK_SCREENSHOT").is_some() {
            save_screenshot(&client, "screenshot-hi-home-phone.png").await;
        }

        let article = open_first_story(&client, &base).await;
        let slug = article.rsplit('/').next().unwrap_or_default();
        assert!(
            slug.is_ascii() && slug.contains('-') && !slug.ends_with("-story"),
            "the Hindi headline's slug is {slug:?} in {article}"
        );
        let body_lang = script(
            &client,
            "return document.querySelector('#story-body').getAttribute('lang');",
        )
        .await;
        assert_eq!(body_lang, json!("hi"));
        let disclaimer = css(&client, "#disclaimer").await.text().await.unwrap();
        assert!(
            disclaimer.contains("शीर्षक के अलावा") && disclaimer.contains("वायरडेस्क समाचार"),
            "#disclaimer reads {disclaimer:?}"
        );
        assert_eq!(
            texts(&client, "section#related h2").await,
            vec!["संबंधित ख़बरें".to_string()]
        );
        let agency = texts(&client, ".times a").await;
        assert!(
            agency
                .iter()
                .any(|a| ["IANS", "PTI", "UNI", "ANI"].contains(&a.as_str())),
            "the story is credited to {agency:?}, not an Indian agency read from its dateline"
        );
        assert_no_english_fixed_words(&client, "article page").await;
        assert_fits_the_screen(&client, "Hindi article page").await;
        if std::env::var_os("WIREDESK_SCREENSHOT").is_some() {
            save_screenshot(&client, "screenshot-hi-article-phone.png").await;
        }
    })
    .await;
}

/// `docs/<name>`: the page as the window shows it, for the README.
async fn save_screenshot(client: &Client, name: &str) {
    script(client, "window.scrollTo(0, 0); return null;").await;
    let png = client.screenshot().await.unwrap();
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::write(docs.join(name), png).unwrap();
}
