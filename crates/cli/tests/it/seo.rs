//! What search engines read, end to end against the real binary: robots.txt, the sitemap
//! index and every sitemap it lists, the Google News sitemap, the article page's OpenGraph,
//! Twitter and `NewsArticle` JSON-LD, the per-agency Googlebot-News policy, and a kill.
//!
//! The sitemaps are validated with `xmllint` (Debian's libxml2-utils, which `scripts/test`
//! installs) against the schemas vendored in `crates/publish/testdata/xsd/`.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::{
    Server, all_stories, alternate_href, drop_file, eventually, get_typed as get, http,
    story_path_and_id, unique_word,
};
use jiff::{Timestamp, ToSpan};
use serde_json::{Value, json};

/// The two demo files `reuters-assam-floods-v1.json` and `-v2.json` share this uri.
const ASSAM_FLOODS_URI: &str = "urn:newsml:reuters.com:20260612:nL4N3FL0DS";
/// The Assam floods item's canonical link at the agency.
const ASSAM_FLOODS_SOURCE: &str = "https://www.example-reuters.test/world/india/nl4n3fl0ds";
/// The name `wiredesk demo` gives its site.
const DEMO_SITE: &str = "Wiredesk Demo Times";
/// How long a file dropped into the inbox may take to be dealt with.
const INGEST: Duration = Duration::from_secs(20);

const XSD_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../publish/testdata/xsd");

async fn get_ok(client: &reqwest::Client, url: &str) -> String {
    let (status, _, body) = get(client, url).await;
    assert_eq!(status, 200, "GET {url}: {body}");
    body
}

/// The agency's name: `infosource` (ninjs 2.0) or `infosources` (2.1 and later).
fn agency_name(item: &Value) -> String {
    [&item["infosource"], &item["infosources"]]
        .into_iter()
        .filter_map(Value::as_array)
        .flatten()
        .find_map(|i| i["name"].as_str())
        .unwrap_or_else(|| panic!("no agency in {item}"))
        .to_string()
}

fn main_headline(item: &Value) -> String {
    item["headlines"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|h| h["role"] == "main")
        .and_then(|h| h["value"].as_str())
        .unwrap_or_else(|| panic!("no main headline in {item}"))
        .to_string()
}

/// Validate `xml` against `xsd` (a file name in `XSD_DIR`) with xmllint; panic with its
/// complaint and the document when it does not validate.
fn assert_valid(xml: &str, xsd: &str, what: &str) {
    let schema = format!("{XSD_DIR}/{xsd}");
    let child = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema", &schema, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
            "xmllint is missing, so the sitemaps cannot be validated against their schemas: run \
             scripts/test, which installs it (Debian package libxml2-utils)"
        ),
        Err(e) => panic!("cannot run xmllint: {e}"),
    };
    child
        .stdin
        .take()
        .expect("xmllint's stdin")
        .write_all(xml.as_bytes())
        .expect("feed xmllint");
    let out = child.wait_with_output().expect("xmllint finishes");
    assert!(
        out.status.success(),
        "{what} does not validate against {xsd}:\n{}{}\n--- the document:\n{xml}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
}

/// The text of each `<tag>…</tag>` in `xml`, in order, with the five XML entities undone.
fn elements(xml: &str, tag: &str) -> Vec<String> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    xml.split(&open)
        .skip(1)
        .map(|rest| {
            let end = rest
                .find(&close)
                .unwrap_or_else(|| panic!("<{tag}> is never closed in:\n{xml}"));
            unescape(&rest[..end])
        })
        .collect()
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&apos;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// A W3C datetime with its time zone, as the sitemaps and JSON-LD must write it.
fn zoned(value: &str, what: &str) -> Timestamp {
    let has_zone = value.ends_with('Z')
        || value.len() > 6 && {
            let zone = &value[value.len() - 6..];
            zone.starts_with(['+', '-']) && zone.as_bytes()[3] == b':'
        };
    assert!(has_zone, "{what}: {value:?} has no time zone");
    value
        .parse()
        .unwrap_or_else(|e| panic!("{what}: {value:?} is not a W3C datetime: {e}"))
}

/// Everything the sitemaps of a site say, read as a crawler would: from robots.txt down.
struct Sitemaps {
    /// Every file the index lists, by absolute URL.
    files: Vec<String>,
    /// `<loc>` → `<lastmod>` of every URL in the plain (non-News) sitemaps.
    urls: HashMap<String, String>,
    /// Every `<url>` of the News sitemap files, by `<loc>`.
    news: HashMap<String, NewsEntry>,
}

#[derive(Debug)]
struct NewsEntry {
    name: String,
    language: String,
    publication_date: String,
    title: String,
}

/// Fetch `base` + robots.txt's sitemaps, validating each file against its schema.
/// `origin` is the configured base URL the site writes in its absolute links.
async fn read_sitemaps(server: &Server, client: &reqwest::Client, origin: &str) -> Sitemaps {
    let fetch_path = |url: &str| -> String {
        let path = url
            .strip_prefix(origin)
            .unwrap_or_else(|| panic!("{url} is not an absolute URL on {origin}"));
        server.url(path)
    };
    let index_url = format!("{origin}/sitemap.xml");
    let (status, content_type, index) = get(client, &fetch_path(&index_url)).await;
    assert_eq!(status, 200, "/sitemap.xml: {index}");
    assert!(
        content_type.contains("xml"),
        "/sitemap.xml is {content_type}"
    );
    assert_valid(&index, "siteindex.xsd", "/sitemap.xml");
    for lastmod in elements(&index, "lastmod") {
        zoned(&lastmod, "a <lastmod> of /sitemap.xml");
    }
    let files = elements(&index, "loc");
    assert!(
        files.len() <= 50_000,
        "the index lists {} sitemaps",
        files.len()
    );
    let mut urls = HashMap::new();
    let mut news = HashMap::new();
    for file in &files {
        let xml = get_ok(client, &fetch_path(file)).await;
        let blocks: Vec<String> = elements(&xml, "url");
        assert!(
            blocks.len() <= 50_000,
            "{file} has {} URLs, more than a sitemap may hold",
            blocks.len()
        );
        if file.contains("sitemap-news.xml") {
            assert_valid(&xml, "sitemap-with-news.xsd", file);
            assert!(
                blocks.len() <= 1_000,
                "{file} has {} URLs, more than a News sitemap may hold",
                blocks.len()
            );
            for block in &blocks {
                let one = |tag: &str| {
                    elements(block, tag)
                        .pop()
                        .unwrap_or_else(|| panic!("no <{tag}> in {file}: {block}"))
                };
                let entry = NewsEntry {
                    name: one("news:name"),
                    language: one("news:language"),
                    publication_date: one("news:publication_date"),
                    title: one("news:title"),
                };
                assert!(
                    news.insert(one("loc"), entry).is_none(),
                    "a News sitemap URL is listed twice"
                );
            }
        } else {
            assert_valid(&xml, "sitemap.xsd", file);
            for block in &blocks {
                let loc = elements(block, "loc")
                    .pop()
                    .expect("every <url> has a <loc>");
                let lastmod = elements(block, "lastmod")
                    .pop()
                    .unwrap_or_else(|| panic!("{loc} in {file} has no <lastmod>"));
                zoned(&lastmod, &format!("<lastmod> of {loc} in {file}"));
                assert!(
                    urls.insert(loc.clone(), lastmod).is_none(),
                    "{loc} is listed twice in the sitemaps"
                );
            }
        }
    }
    Sitemaps { files, urls, news }
}

/// The `content` of `<meta {attr}="{name}" content="…">` in `html`.
fn meta(html: &str, attr: &str, name: &str) -> Option<String> {
    let start = format!("<meta {attr}=\"{name}\" content=\"");
    let at = html.find(&start)? + start.len();
    let end = html[at..].find('"')?;
    Some(unescape(&html[at..at + end]))
}

fn json_ld(html: &str, path: &str) -> Value {
    let open = "<script type=\"application/ld+json\">";
    let at = html
        .find(open)
        .unwrap_or_else(|| panic!("{path} has no JSON-LD"))
        + open.len();
    let end = html[at..].find("</script>").expect("the JSON-LD is closed");
    serde_json::from_str(&html[at..at + end])
        .unwrap_or_else(|e| panic!("{path}: the JSON-LD is not JSON ({e})"))
}

#[tokio::test]
async fn robots_txt_allows_everything_and_names_both_sitemaps() {
    let server = Server::demo();
    let (status, content_type, text) = get(&http(), &server.url("/robots.txt")).await;
    assert_eq!(status, 200, "/robots.txt: {text}");
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    for want in [
        "User-agent: *".to_string(),
        "Allow: /".to_string(),
        format!("Sitemap: {}/sitemap.xml", server.base),
        format!("Sitemap: {}/sitemap-news.xml", server.base),
    ] {
        assert!(
            lines.contains(&want.as_str()),
            "robots.txt has no line {want:?}:\n{text}"
        );
    }
    assert!(
        !lines
            .iter()
            .any(|l| l.to_ascii_lowercase().starts_with("disallow:") && l.len() > 9),
        "robots.txt disallows something:\n{text}"
    );
}

/// The links `<a class="{class}" href="…">text</a>` in `html`: href and text without tags.
fn links(html: &str, class: &str) -> Vec<(String, String)> {
    let open = format!("<a class=\"{class}\" href=\"");
    html.split(&open)
        .skip(1)
        .map(|rest| {
            let (href, rest) = rest.split_once("\">").expect("the href is closed");
            let inner = &rest[..rest.find("</a>").expect("the link is closed")];
            let mut text = String::new();
            for (i, piece) in inner.split(['<', '>']).enumerate() {
                if i % 2 == 0 {
                    text.push_str(piece);
                }
            }
            (href.to_string(), unescape(&text))
        })
        .collect()
}

#[tokio::test]
async fn list_pages_describe_themselves_and_name_each_story_they_link() {
    let server = Server::demo();
    let client = http();
    for path in ["/", "/topic/india"] {
        let html = get_ok(&client, &server.url(path)).await;
        let headlines = links(&html, "story-link");
        let (_, first) = headlines.first().expect("a story on the page");
        let description = meta(&html, "name", "description")
            .unwrap_or_else(|| panic!("{path} has no meta description"));
        assert!(description.chars().count() <= 160, "{path}: {description}");
        assert!(
            description.contains(first.as_str()),
            "{path}: the description does not name the first story {first:?}: {description}"
        );
        // "Read More" alone tells a screen reader or a crawler nothing about where it goes.
        let read_more = links(&html, "read-more");
        assert!(!read_more.is_empty(), "{path} has no Read More links");
        for (href, text) in read_more {
            let (_, headline) = headlines
                .iter()
                .find(|(h, _)| *h == href)
                .unwrap_or_else(|| panic!("{path}: Read More to {href} has no headline link"));
            assert!(text.starts_with("Read More"), "{path}: {text}");
            assert!(
                text.contains(headline.as_str()),
                "{path}: {text:?} names no headline"
            );
        }
    }
}

#[tokio::test]
async fn with_no_base_url_links_lead_to_the_address_served() {
    // No `base_url` in the config: robots.txt, the sitemaps and the feeds name the address
    // the server listens on (`--addr`), not the default one it may not be on.
    let server = Server::serve_with_config("[site]\nname = \"Local Times\"\n");
    for path in ["/robots.txt", "/sitemap.xml", "/feed.xml", "/atom.xml"] {
        let (status, _, text) = get(&http(), &server.url(path)).await;
        assert_eq!(status, 200, "{path}: {text}");
        assert!(
            text.contains(&format!("{}/", server.base)),
            "{path}: {text}"
        );
        if !server.base.ends_with(":8080") {
            assert!(!text.contains("127.0.0.1:8080"), "{path}: {text}");
        }
    }
}

#[tokio::test]
async fn every_sitemap_validates_and_together_they_list_every_story() {
    let server = Server::demo();
    let client = http();
    let maps = read_sitemaps(&server, &client, &server.base).await;
    assert!(
        maps.files.contains(&server.url("/sitemap-news.xml")),
        "the index does not list the News sitemap: {:?}",
        maps.files
    );
    assert!(
        maps.files
            .iter()
            .any(|f| f.starts_with(&server.url("/sitemaps/stories-"))),
        "the index lists no story sitemap: {:?}",
        maps.files
    );
    // robots.txt names the News sitemap directly too.
    let news = get_ok(&client, &server.url("/sitemap-news.xml")).await;
    assert_valid(&news, "sitemap-with-news.xsd", "/sitemap-news.xml");

    let stories = all_stories(&server, &client, 100).await;
    assert!(stories.len() > 20, "the demo has {} stories", stories.len());
    for item in &stories {
        let href = alternate_href(item);
        assert!(
            maps.urls.contains_key(&href),
            "{href} ({}) is in the API but in no sitemap",
            item["uri"]
        );
    }
    let story_urls = maps.urls.keys().filter(|u| u.contains("/story/")).count();
    assert_eq!(
        story_urls,
        stories.len(),
        "the sitemaps list other stories than the API"
    );
    for section in ["/", "/agency/pti", "/agency/reuters"] {
        assert!(
            maps.urls.contains_key(&server.url(section)),
            "{section} is in no sitemap"
        );
    }
    assert!(
        maps.urls.keys().any(|u| u.contains("/topic/")),
        "no topic page is in the sitemaps"
    );
}

#[tokio::test]
async fn the_news_sitemap_lists_the_last_two_days_under_plain_headlines() {
    let server = Server::demo();
    let client = http();
    let maps = read_sitemaps(&server, &client, &server.base).await;
    let stories = all_stories(&server, &client, 100).await;
    let headlines: HashMap<String, String> = stories
        .iter()
        .map(|i| (alternate_href(i), main_headline(i)))
        .collect();

    let now = Timestamp::now();
    let window = now - 48.hours();
    assert!(
        !maps.news.is_empty(),
        "the demo has news of the last two days"
    );
    for (loc, entry) in &maps.news {
        let published = zoned(&entry.publication_date, &format!("{loc} publication_date"));
        assert!(
            published >= window && published <= now + 1.minute(),
            "{loc} was first published at {published}, outside the last two days"
        );
        assert!(
            entry.publication_date.ends_with("+05:30"),
            "{loc}: {} is not in the site's time zone",
            entry.publication_date
        );
        assert_eq!(entry.name, DEMO_SITE, "{loc}");
        assert!(
            matches!(entry.language.as_str(), "zh-cn" | "zh-tw")
                || (2..=3).contains(&entry.language.len())
                    && entry.language.bytes().all(|b| b.is_ascii_lowercase()),
            "{loc}: language {:?}",
            entry.language
        );
        assert!(
            !entry.title.contains(DEMO_SITE),
            "{loc}: the News title carries the site name: {:?}",
            entry.title
        );
        let headline = headlines
            .get(loc)
            .unwrap_or_else(|| panic!("{loc} is in the News sitemap but not in the API"));
        assert_eq!(&entry.title, headline, "{loc}: News title");
        assert!(
            maps.urls.contains_key(loc),
            "{loc} is in the News sitemap only"
        );
    }
    // The demo's older copy (up to five days old) stays in the plain sitemaps only.
    let old = maps
        .urls
        .keys()
        .filter(|u| u.contains("/story/") && !maps.news.contains_key(*u))
        .count();
    assert!(
        old > 0,
        "every demo story is in the News sitemap, old ones too"
    );
}

#[tokio::test]
async fn the_article_page_carries_opengraph_twitter_and_complete_json_ld() {
    let server = Server::demo();
    let client = http();
    let stories = all_stories(&server, &client, 100).await;
    let floods = stories
        .iter()
        .find(|i| i["uri"] == ASSAM_FLOODS_URI)
        .expect("the Assam floods story is in the demo");
    let href = alternate_href(floods);
    let (path, _) = story_path_and_id(&href);
    let html = get_ok(&client, &server.url(&path)).await;
    let headline = main_headline(floods);

    let og = |name: &str| {
        meta(&html, "property", name).unwrap_or_else(|| panic!("{path} has no {name}"))
    };
    let tw = |name: &str| meta(&html, "name", name).unwrap_or_else(|| panic!("{path}: no {name}"));
    assert_eq!(og("og:type"), "article");
    assert_eq!(og("og:title"), headline);
    assert_eq!(og("og:url"), href, "og:url is the canonical URL");
    assert!(html.contains(&format!("<link rel=\"canonical\" href=\"{href}\">")));
    assert_eq!(og("og:site_name"), DEMO_SITE);
    assert!(!og("og:description").trim().is_empty());
    let published = og("article:published_time");
    let modified = og("article:modified_time");
    assert!(published.ends_with("+05:30"), "{published}");
    assert!(modified.ends_with("+05:30"), "{modified}");
    assert!(zoned(&modified, "modified") > zoned(&published, "published"));
    assert!(!og("article:section").is_empty());
    assert_eq!(tw("twitter:card"), "summary");
    assert_eq!(tw("twitter:title"), headline);
    assert_eq!(tw("twitter:description"), og("og:description"));
    assert!(
        meta(&html, "name", "Googlebot-News").is_none(),
        "no agency is noindex in the demo"
    );

    let ld = json_ld(&html, &path);
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "NewsArticle");
    assert_eq!(ld["headline"], headline.as_str());
    assert_eq!(ld["datePublished"].as_str(), Some(published.as_str()));
    assert_eq!(ld["dateModified"].as_str(), Some(modified.as_str()));
    assert_eq!(ld["author"][0]["@type"], "Person", "{}", ld["author"]);
    assert_eq!(ld["author"][0]["name"], "Anupam Das");
    assert_eq!(ld["sourceOrganization"]["@type"], "Organization");
    assert_eq!(ld["sourceOrganization"]["name"], "Reuters");
    assert_eq!(ld["publisher"]["@type"], "Organization");
    assert_eq!(ld["publisher"]["name"], DEMO_SITE);
    assert_eq!(ld["publisher"]["logo"]["@type"], "ImageObject");
    let logo = ld["publisher"]["logo"]["url"].as_str().unwrap_or_default();
    assert!(logo.starts_with(&server.base), "publisher logo {logo:?}");
    assert_eq!(get(&client, logo).await.0, 200, "the logo {logo} answers");
    assert_eq!(ld["isBasedOn"], ASSAM_FLOODS_SOURCE);
    assert_eq!(ld["mainEntityOfPage"]["@id"].as_str(), Some(href.as_str()));
    assert!(
        ld.get("image").is_none(),
        "an image the story does not have"
    );

    // Copy without a byline is credited to its agency, as an Organization.
    let unsigned = stories
        .iter()
        .find(|i| i.get("by").is_none())
        .expect("the demo has copy without a byline");
    let (path, _) = story_path_and_id(&alternate_href(unsigned));
    let ld = json_ld(&get_ok(&client, &server.url(&path)).await, &path);
    assert_eq!(
        ld["author"][0],
        json!({"@type": "Organization", "name": agency_name(unsigned)}),
        "{path}"
    );
    for field in ["datePublished", "dateModified"] {
        let value = ld[field].as_str().unwrap_or_default();
        assert!(value.ends_with("+05:30"), "{path} {field}: {value:?}");
    }
}

fn ninjs(uri: &str, headline: &str, agency: &str, first_created: Timestamp) -> Vec<u8> {
    let t = first_created.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    let item = json!({
        "uri": uri,
        "version": "1",
        "type": "text",
        "pubstatus": "usable",
        "firstcreated": t,
        "versioncreated": t,
        "language": "en",
        "headlines": [{"role": "main", "value": headline}],
        "bodies": [{
            "role": "main",
            "contenttype": "text/html",
            "value": format!("<p>{headline}, officials said on Saturday.</p><p>More follows.</p>"),
        }],
        "infosource": [{"name": agency, "role": "originfo"}],
        "links": [{
            "href": format!("https://wire.example.test/{}", uri.rsplit(':').next().unwrap()),
            "rel": "canonical",
            "mediatype": "text/html",
        }],
    });
    serde_json::to_vec_pretty(&item).unwrap()
}

#[tokio::test]
async fn a_googlebot_news_noindex_agency_is_tagged_and_left_out_of_the_news_sitemap() {
    let origin = "https://news.example.test";
    let server = Server::serve_with_config(&format!(
        "[site]\nname = \"Policy Test Times\"\nbase_url = \"{origin}\"\n\
         googlebot_news_noindex = [\"PTI\"]\n\
         sitemap_urls_per_file = 2\nnews_sitemap_urls_per_file = 2\n\
         [ingest]\ninbox_scan_ms = 100\n"
    ));
    let client = http();
    let word = unique_word("Policywire");
    let now = Timestamp::now();
    let items = [
        ("reuters-1", "Reuters", 1),
        ("reuters-2", "Reuters", 2),
        ("reuters-3", "Reuters", 3),
        ("pti-1", "PTI", 1),
        ("pti-2", "PTI", 2),
        ("ap-old", "AP", 72),
    ];
    for (name, agency, hours_ago) in items {
        let uri = format!("urn:test:{word}:{name}");
        let headline = format!("{word} {agency} report {name} on harbour works");
        let at = now - (hours_ago as i64).hours();
        drop_file(
            &server.inbox(),
            &format!("{name}.json"),
            &ninjs(&uri, &headline, agency, at),
        );
    }
    let stories = eventually(INGEST, "the six dropped stories to be listed", || {
        let (server, client) = (&server, &client);
        async move {
            let all = all_stories(server, client, 100).await;
            (all.len() == items.len()).then_some(all)
        }
    })
    .await;
    let url_of = |name: &str| -> String {
        let uri = format!("urn:test:{word}:{name}");
        let item = stories
            .iter()
            .find(|i| i["uri"] == uri.as_str())
            .unwrap_or_else(|| panic!("{uri} is not listed"));
        alternate_href(item)
    };

    for (name, noindex) in [("pti-1", true), ("pti-2", true), ("reuters-1", false)] {
        let href = url_of(name);
        assert!(href.starts_with(origin), "{href}");
        let (path, _) = story_path_and_id(&href);
        let html = get_ok(&client, &server.url(&path)).await;
        assert_eq!(
            meta(&html, "name", "Googlebot-News").as_deref(),
            noindex.then_some("noindex"),
            "{name}: the Googlebot-News meta tag"
        );
        assert!(
            html.contains(&format!("<link rel=\"canonical\" href=\"{href}\">")),
            "{name} keeps its own canonical URL"
        );
        assert_eq!(
            html.matches("rel=\"canonical\"").count(),
            1,
            "{name}: one canonical"
        );
    }

    let maps = read_sitemaps(&server, &client, origin).await;
    let files: HashSet<String> = maps.files.iter().cloned().collect();
    for file in [
        "/sitemaps/sections.xml",
        "/sitemap-news.xml",
        "/sitemap-news.xml?page=2",
    ] {
        assert!(
            files.contains(&format!("{origin}{file}")),
            "the index does not list {file}: {:?}",
            maps.files
        );
    }
    // Two a file, by the day each went live: five of the last hours (one day or two) and
    // one three days old make at least four files.
    let story_files = maps
        .files
        .iter()
        .filter(|f| f.starts_with(&format!("{origin}/sitemaps/stories-")))
        .count();
    assert!(story_files >= 4, "{:?}", maps.files);
    for (name, _, _) in items {
        assert!(maps.urls.contains_key(&url_of(name)), "{name} in sitemaps");
    }
    for (name, in_news) in [
        ("reuters-1", true),
        ("reuters-2", true),
        ("reuters-3", true),
        ("pti-1", false),
        ("pti-2", false),
        ("ap-old", false),
    ] {
        assert_eq!(
            maps.news.contains_key(&url_of(name)),
            in_news,
            "{name} in the News sitemap"
        );
    }
    assert_eq!(maps.news.len(), 3);
    for entry in maps.news.values() {
        assert_eq!(entry.name, "Policy Test Times");
        assert_eq!(entry.language, "en");
    }
}

#[tokio::test]
async fn a_story_killed_after_publishing_leaves_the_sitemaps() {
    let server = Server::demo();
    let client = http();
    let stories = all_stories(&server, &client, 100).await;
    let floods = stories
        .iter()
        .find(|i| i["uri"] == ASSAM_FLOODS_URI)
        .expect("the Assam floods story is in the demo");
    let href = alternate_href(floods);
    let maps = read_sitemaps(&server, &client, &server.base).await;
    assert!(maps.urls.contains_key(&href), "{href} is in the sitemaps");
    assert!(
        maps.news.contains_key(&href),
        "{href} is in the News sitemap"
    );

    let now = Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    let kill = json!({
        "uri": ASSAM_FLOODS_URI,
        "version": "3",
        "type": "text",
        "pubstatus": "canceled",
        "firstcreated": now,
        "versioncreated": now,
        "headlines": [{"role": "main", "value": "KILL: Assam floods story withdrawn"}],
        "bodies": [{"role": "main", "contenttype": "text/html", "value": "<p>Kill.</p>"}],
        "infosource": [{"name": "Reuters", "role": "originfo"}],
    });
    drop_file(
        &server.inbox(),
        "x.json",
        &serde_json::to_vec_pretty(&kill).unwrap(),
    );

    let sitemap_files: Vec<String> = maps
        .files
        .iter()
        .map(|f| f.strip_prefix(&server.base).unwrap().to_string())
        .collect();
    eventually(INGEST, &format!("{href} to leave every sitemap"), || {
        let (server, client, href, files) = (&server, &client, &href, &sitemap_files);
        async move {
            for file in files {
                let (status, _, xml) = get(client, &server.url(file)).await;
                if status == 200 && xml.contains(&format!("<loc>{href}</loc>")) {
                    return None;
                }
            }
            Some(())
        }
    })
    .await;
    let after = read_sitemaps(&server, &client, &server.base).await;
    assert!(
        !after.urls.contains_key(&href),
        "{href} is still in a sitemap"
    );
    assert!(
        !after.news.contains_key(&href),
        "{href} is still in the News sitemap"
    );
    let story_count = |m: &Sitemaps| m.urls.keys().filter(|u| u.contains("/story/")).count();
    assert_eq!(
        story_count(&after) + 1,
        story_count(&maps),
        "only the killed story left the sitemaps"
    );
}
