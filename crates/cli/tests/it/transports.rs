//! End to end: the real `wiredesk` binary polling feeds from real HTTP servers started here
//! (axum, and a raw TCP one for what axum will not send): conditional GETs remembered across
//! a restart, back-off after failures, and hostile servers refused with a reason.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::{Server, desk_session, eventually, http, stories_with, unique_word};
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// How long a poll and its ingest may take to show.
const WAIT: Duration = Duration::from_secs(30);

/// An RSS feed of `n` items whose headlines carry `word`.
fn rss(word: &str, n: usize) -> String {
    let when = (jiff::Timestamp::now() - jiff::SignedDuration::from_mins(5))
        .strftime("%a, %d %b %Y %H:%M:%S +0000")
        .to_string();
    let mut items = String::new();
    for i in 1..=n {
        items.push_str(&format!(
            "<item><title>Story {i} about {word} and the harbour works</title>\
             <link>https://wire.example/{word}/{i}</link>\
             <guid isPermaLink=\"false\">urn:test:{word}:{i}</guid><pubDate>{when}</pubDate>\
             <description><![CDATA[<p>MUMBAI (Test Wire) — The port authority said on Monday that \
             work on berth {i} would finish this year, and that {word} was on schedule.</p>]]>\
             </description></item>"
        ));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel>\
         <title>Test Wire</title><link>https://wire.example/</link>\
         <description>Test feed</description><language>en</language>{items}</channel></rss>"
    )
}

/// Serve `app` on a free local port; the base URL, without a trailing slash.
async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}")
}

/// `/metrics` as a scraper reads it: with a metrics token, issued once per server.
async fn metrics_text(server: &Server) -> String {
    static TOKENS: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());
    let known = TOKENS
        .lock()
        .unwrap()
        .iter()
        .find(|(base, _)| *base == server.base)
        .map(|(_, token)| token.clone());
    let token = known.unwrap_or_else(|| {
        let token = server
            .command(&["token", "add", "scraper", "--scope", "metrics"], "")
            .trim()
            .to_string();
        TOKENS
            .lock()
            .unwrap()
            .push((server.base.clone(), token.clone()));
        token
    });
    let response = http()
        .get(server.url("/metrics"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "GET /metrics with its token"
    );
    response.text().await.unwrap()
}

/// The value of the metric line that starts with `name{labels}`, if there is one.
async fn metric(server: &Server, series: &str) -> Option<f64> {
    let text = metrics_text(server).await;
    text.lines()
        .find(|l| l.starts_with(series) && l[series.len()..].starts_with(' '))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

/// The last error the metrics show for `source`.
async fn last_error(server: &Server, source: &str) -> Option<String> {
    let text = metrics_text(server).await;
    let prefix = format!("wiredesk_source_last_error_info{{source=\"{source}\",message=\"");
    let line = text.lines().find(|l| l.starts_with(&prefix))?;
    let rest = &line[prefix.len()..];
    Some(rest[..rest.rfind("\"}")?].to_string())
}

fn crc32(bytes: impl IntoIterator<Item = u8>) -> u32 {
    let mut crc = !0u32;
    for b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

const GZIP_HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];

/// `data` as gzip, in stored (uncompressed) deflate blocks: real gzip, no codec needed.
fn gzip_stored(data: &[u8]) -> Vec<u8> {
    let mut out = GZIP_HEADER.to_vec();
    let chunks: Vec<&[u8]> = if data.is_empty() {
        vec![&[][..]]
    } else {
        data.chunks(65535).collect()
    };
    for (i, chunk) in chunks.iter().enumerate() {
        out.push(u8::from(i + 1 == chunks.len()));
        let len = chunk.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    out.extend_from_slice(&crc32(data.iter().copied()).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

/// A gzip bomb: `n` zero bytes as one fixed-Huffman block of 258-byte back-references, so
/// about 1,300 times smaller than what it decompresses to.
fn gzip_zeros(n: usize) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u32,
        len: u32,
    }
    impl Bits {
        fn bit(&mut self, b: u32) {
            self.acc |= (b & 1) << self.len;
            self.len += 1;
            if self.len == 8 {
                self.out.push(self.acc as u8);
                self.acc = 0;
                self.len = 0;
            }
        }
        /// A Huffman code: most significant bit first.
        fn code(&mut self, code: u32, len: u32) {
            for i in (0..len).rev() {
                self.bit(code >> i);
            }
        }
    }
    let mut bits = Bits {
        out: GZIP_HEADER.to_vec(),
        acc: 0,
        len: 0,
    };
    bits.bit(1); // final block
    bits.bit(1); // fixed Huffman codes (BTYPE 01, least significant bit first)
    bits.bit(0);
    bits.code(0x30, 8); // literal 0
    let mut left = n - 1;
    while left >= 258 {
        bits.code(0xC5, 8); // length 258 (code 285)
        bits.code(0, 5); // distance 1
        left -= 258;
    }
    for _ in 0..left {
        bits.code(0x30, 8);
    }
    bits.code(0, 7); // end of block
    while bits.len != 0 {
        bits.bit(0);
    }
    let mut out = bits.out;
    out.extend_from_slice(&crc32(std::iter::repeat_n(0u8, n)).to_le_bytes());
    out.extend_from_slice(&(n as u32).to_le_bytes());
    out
}

/// What a feed server saw: each request's If-None-Match and If-Modified-Since.
type Seen = Arc<Mutex<Vec<(Option<String>, Option<String>)>>>;

const ETAG: &str = "\"feed-v1\"";
const MODIFIED: &str = "Sat, 28 Nov 2026 10:00:00 GMT";

/// A feed that honours conditional GETs and gzips when asked.
async fn conditional_feed(
    State((seen, body)): State<(Seen, String)>,
    headers: HeaderMap,
) -> Response {
    let h = |name| {
        headers
            .get(name)
            .and_then(|v: &header::HeaderValue| v.to_str().ok())
            .map(str::to_string)
    };
    let inm = h(header::IF_NONE_MATCH);
    seen.lock()
        .unwrap()
        .push((inm.clone(), h(header::IF_MODIFIED_SINCE)));
    if inm.as_deref() == Some(ETAG) {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, ETAG)]).into_response();
    }
    let gzip = h(header::ACCEPT_ENCODING).is_some_and(|e| e.contains("gzip"));
    let mut response = if gzip {
        (
            [(header::CONTENT_ENCODING, "gzip")],
            gzip_stored(body.as_bytes()),
        )
            .into_response()
    } else {
        body.into_response()
    };
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, "application/rss+xml".parse().unwrap());
    headers.insert(header::ETAG, ETAG.parse().unwrap());
    headers.insert(header::LAST_MODIFIED, MODIFIED.parse().unwrap());
    response
}

fn source(name: &str, url: &str, extra: &str) -> String {
    format!("[[sources]]\nname = \"{name}\"\nurl = \"{url}\"\n{extra}\n")
}

#[tokio::test]
async fn a_polled_feed_is_ingested_and_a_304_changes_nothing_even_after_a_restart() {
    let word = unique_word("polled");
    let seen: Seen = Arc::default();
    let base = serve(
        Router::new()
            .route("/feed", get(conditional_feed))
            .with_state((seen.clone(), rss(&word, 2))),
    )
    .await;
    let mut server = Server::serve_with_config(&source(
        "wire",
        &format!("{base}/feed"),
        "interval_secs = 1",
    ));

    eventually(WAIT, "both feed stories in /api/v1/stories", || async {
        (stories_with(&server, &word).await.len() == 2).then_some(())
    })
    .await;
    eventually(WAIT, "a poll answered 304", || async {
        (metric(
            &server,
            "wiredesk_source_not_modified_total{source=\"wire\"}",
        )
        .await?
            >= 2.0)
            .then_some(())
    })
    .await;
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen[0], (None, None), "the first poll is unconditional");
        assert_eq!(
            seen[1],
            (Some(ETAG.to_string()), Some(MODIFIED.to_string())),
            "later polls send the validators"
        );
    }
    assert_eq!(
        stories_with(&server, &word).await.len(),
        2,
        "a 304 changes nothing"
    );
    assert_eq!(
        metric(&server, "wiredesk_source_stories_total{source=\"wire\"}").await,
        Some(2.0)
    );
    assert_eq!(
        metric(&server, "wiredesk_source_failures_total{source=\"wire\"}").await,
        Some(0.0)
    );

    // The validators outlive the process: the first poll after a restart is conditional.
    let before = seen.lock().unwrap().len();
    server.restart_after(Duration::from_millis(100));
    eventually(WAIT, "a poll after the restart", || async {
        (seen.lock().unwrap().len() > before).then_some(())
    })
    .await;
    let after = seen.lock().unwrap()[before].clone();
    assert_eq!(after.0.as_deref(), Some(ETAG), "{after:?}");
    eventually(
        WAIT,
        "the poll after the restart counted as not modified",
        || async {
            (metric(
                &server,
                "wiredesk_source_not_modified_total{source=\"wire\"}",
            )
            .await?
                >= 1.0)
                .then_some(())
        },
    )
    .await;
    assert_eq!(
        metric(&server, "wiredesk_source_stories_total{source=\"wire\"}").await,
        Some(0.0),
        "nothing was fetched again"
    );
    assert_eq!(stories_with(&server, &word).await.len(), 2);
}

#[tokio::test]
async fn a_failing_source_backs_off_and_does_not_hold_up_a_healthy_one() {
    let word = unique_word("healthy");
    let broken_hits: Arc<Mutex<Vec<Instant>>> = Arc::default();
    let hits = broken_hits.clone();
    let feed = rss(&word, 1);
    let base = serve(
        Router::new()
            .route(
                "/broken",
                get(move || {
                    let hits = hits.clone();
                    async move {
                        hits.lock().unwrap().push(Instant::now());
                        (StatusCode::INTERNAL_SERVER_ERROR, "agency server down")
                    }
                }),
            )
            .route("/feed", get(move || async move { feed })),
    )
    .await;
    let config = source("broken", &format!("{base}/broken"), "interval_secs = 1")
        + &source("healthy", &format!("{base}/feed"), "interval_secs = 1");
    let server = Server::serve_with_config(&config);

    eventually(WAIT, "the healthy source's story", || async {
        (stories_with(&server, &word).await.len() == 1).then_some(())
    })
    .await;
    eventually(WAIT, "three hits on the broken source", || async {
        (broken_hits.lock().unwrap().len() >= 3).then_some(())
    })
    .await;
    // Backing off: after failure n the wait is between 2^n/2 and 2^n intervals, so the
    // gaps between hits are at least 1 s, then 2 s (polled every second they would be 1 s).
    let hits = broken_hits.lock().unwrap().clone();
    let gaps: Vec<Duration> = hits.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(gaps[0] >= Duration::from_millis(950), "{gaps:?}");
    assert!(gaps[1] >= Duration::from_millis(1950), "{gaps:?}");
    // Meanwhile the healthy source went on every second.
    let healthy = metric(&server, "wiredesk_source_fetches_total{source=\"healthy\"}")
        .await
        .unwrap();
    assert!(healthy >= 3.0, "healthy polled {healthy} times");
    assert!(healthy > hits.len() as f64, "{healthy} vs {}", hits.len());
    assert_eq!(
        metric(
            &server,
            "wiredesk_source_failures_total{source=\"healthy\"}"
        )
        .await,
        Some(0.0)
    );
    let failures = metric(&server, "wiredesk_source_failures_total{source=\"broken\"}")
        .await
        .unwrap();
    assert!(failures >= 2.0, "{failures}");
    assert_eq!(
        metric(
            &server,
            "wiredesk_source_failures_by_reason_total{source=\"broken\",reason=\"status\"}"
        )
        .await,
        Some(failures)
    );
    assert!(
        metric(
            &server,
            "wiredesk_source_consecutive_failures{source=\"broken\"}"
        )
        .await
        .unwrap()
            >= 2.0
    );
    let error = last_error(&server, "broken").await.unwrap();
    assert!(error.contains("500"), "{error}");
}

/// A raw HTTP/1.1 server for what a well-behaved framework will not send: `/drip` sends a
/// chunked body one byte every 100 ms, forever; `/stream-big` sends 2 MB chunked, with no
/// Content-Length to refuse it by.
async fn raw_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16384 {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let drip = String::from_utf8_lossy(&head).starts_with("GET /drip");
                let start = "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n\
                             Transfer-Encoding: chunked\r\n\r\n";
                if stream.write_all(start.as_bytes()).await.is_err() {
                    return;
                }
                if drip {
                    for _ in 0..600 {
                        if stream.write_all(b"1\r\n \r\n").await.is_err() {
                            return;
                        }
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                } else {
                    let chunk = format!("{:x}\r\n{}\r\n", 65536, " ".repeat(65536));
                    for _ in 0..32 {
                        if stream.write_all(chunk.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                    let _ = stream.write_all(b"0\r\n\r\n").await;
                }
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn hostile_sources_are_refused_with_a_reason_each() {
    let word = unique_word("survivor");
    let feed = rss(&word, 1);
    let base = serve(
        Router::new()
            .route("/big", get(|| async { " ".repeat(2 * 1024 * 1024) }))
            .route("/loop-a", get(|| async { Redirect::temporary("/loop-b") }))
            .route("/loop-b", get(|| async { Redirect::temporary("/loop-a") }))
            .route(
                "/hop/{n}",
                get(
                    |axum::extract::Path(n): axum::extract::Path<u32>| async move {
                        Redirect::temporary(&format!("/hop/{}", n + 1))
                    },
                ),
            )
            .route(
                "/bomb",
                get(|| async {
                    (
                        [
                            (header::CONTENT_ENCODING, "gzip"),
                            (header::CONTENT_TYPE, "application/rss+xml"),
                        ],
                        gzip_zeros(4 * 1024 * 1024),
                    )
                }),
            )
            .route("/feed", get(move || async move { feed })),
    )
    .await;
    let raw = raw_server().await;
    let limits = "interval_secs = 60\nmax_bytes = 524288\ntimeout_secs = 2";
    let config = [
        source("big", &format!("{base}/big"), limits),
        source("streamed", &format!("{raw}/stream-big"), limits),
        source("drip", &format!("{raw}/drip"), limits),
        source("loop", &format!("{base}/loop-a"), limits),
        source(
            "hops",
            &format!("{base}/hop/0"),
            &format!("{limits}\nmax_redirects = 3"),
        ),
        source("bomb", &format!("{base}/bomb"), limits),
        source("fine", &format!("{base}/feed"), limits),
    ]
    .concat();
    let server = Server::serve_with_config(&config);

    let expected = [
        (
            "big",
            "too_large",
            "declares 2097152 bytes; the limit is 524288",
        ),
        ("streamed", "too_large", "passed the limit of 524288 bytes"),
        ("drip", "deadline", "no complete response within 2 s"),
        ("loop", "redirects", "redirect loop"),
        ("hops", "redirects", "more than 3 redirects"),
        ("bomb", "gzip_bomb", "gzip bomb"),
    ];
    for (name, reason, message) in expected {
        let series = format!(
            "wiredesk_source_failures_by_reason_total{{source=\"{name}\",reason=\"{reason}\"}}"
        );
        eventually(WAIT, &format!("{name} refused as {reason}"), || async {
            (metric(&server, &series).await? >= 1.0).then_some(())
        })
        .await;
        let error = last_error(&server, name).await.unwrap();
        assert!(error.contains(message), "{name}: {error}");
    }
    // The hostile ones held up nothing: the good source's story is there.
    eventually(WAIT, "the good source's story", || async {
        (stories_with(&server, &word).await.len() == 1).then_some(())
    })
    .await;

    // The desk's sources page shows each source's state and last error.
    server.add_user("chief", "admin", "correct horse battery");
    let html = desk_page(&server, "chief", "correct horse battery", "/desk/sources").await;
    assert!(html.contains("id=\"remote-sources\""), "{html}");
    assert!(html.contains("redirect loop"), "{html}");
    assert!(html.contains("gzip bomb"), "{html}");
    assert!(html.contains("fine (http)"), "{html}");
}

/// Sign in through the form and GET `path` with the session.
async fn desk_page(server: &Server, name: &str, password: &str, path: &str) -> String {
    let session = desk_session(server, name, password).await;
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(server.url(path))
        .header(header::COOKIE, session)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn sources_are_added_listed_and_removed_from_the_command_line() {
    let word = unique_word("added");
    let feed = rss(&word, 3);
    let base = serve(Router::new().route("/feed", get(move || async move { feed }))).await;
    let server = Server::serve_with_config("");
    let url = format!("{base}/feed");

    let out = server.command(&["source", "add", "cli-feed", &url, "--interval", "1"], "");
    assert!(out.contains("added source cli-feed"), "{out}");
    eventually(WAIT, "the added source's stories", || async {
        (stories_with(&server, &word).await.len() == 3).then_some(())
    })
    .await;
    let list = server.command(&["source", "list"], "");
    assert!(list.contains("cli-feed") && list.contains(&url), "{list}");

    let out = server.command(&["source", "remove", "cli-feed"], "");
    assert!(out.contains("removed source cli-feed"), "{out}");
    eventually(WAIT, "the removed source gone from /metrics", || async {
        let text = metrics_text(&server).await;
        (!text.contains("source=\"cli-feed\"")).then_some(())
    })
    .await;
    let list = server.command(&["source", "list"], "");
    assert!(list.contains("no sources"), "{list}");
}

#[tokio::test]
async fn a_sources_keys_show_nowhere_and_metrics_need_a_metrics_token() {
    // A source whose server is down (the HTTP client's error quotes the URL), and one that
    // redirects to itself (the redirect error quotes it too), each with a key in its URL.
    let base = serve(Router::new().route(
        "/loop",
        get(|| async { Redirect::temporary("/loop?token=LOOPSEKRET456&page=2") }),
    ))
    .await;
    let down = format!(
        "http://127.0.0.1:{}/feed?apikey=SEKRET123&q=1",
        crate::common::free_port()
    );
    let config = source(
        "looping",
        &format!("{base}/loop?token=LOOPSEKRET456&page=2"),
        "interval_secs = 60",
    );
    let server = Server::serve_with_config(&config);
    let added = server.command(&["source", "add", "down", &down, "--interval", "60"], "");
    let list = server.command(&["source", "list"], "");

    // /metrics answers only a metrics token.
    let push = server
        .command(&["token", "add", "pti"], "")
        .trim()
        .to_string();
    let url = server.url("/metrics");
    let none = http().get(&url).send().await.unwrap();
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
    assert!(none.headers().contains_key(header::WWW_AUTHENTICATE));
    let wrong = http().get(&url).bearer_auth(&push).send().await.unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED, "a push token");

    for name in ["down", "looping"] {
        eventually(WAIT, &format!("{name}'s failure in /metrics"), || async {
            last_error(&server, name).await
        })
        .await;
    }
    let metrics = metrics_text(&server).await;
    assert!(metrics.contains("apikey=***&q=1"), "{metrics}");
    assert!(metrics.contains("token=***&page=2"), "{metrics}");
    server.add_user("desk", "editor", "correct horse battery");
    let page = desk_page(&server, "desk", "correct horse battery", "/desk/sources").await;
    assert!(page.contains("apikey=***&#38;q=1"), "{page}");
    for (place, text) in [
        ("source add", &added),
        ("source list", &list),
        ("/metrics", &metrics),
        ("/desk/sources", &page),
        ("the server log", &server.log_text()),
    ] {
        assert!(
            !text.contains("SEKRET123") && !text.contains("LOOPSEKRET456"),
            "a key in {place}: {text}"
        );
    }
}

#[test]
fn wiredesk_ingest_keeps_a_copy_of_each_rejected_file_with_its_reason() {
    let root = tempfile::tempdir().unwrap();
    let (data, wire) = (root.path().join("data"), root.path().join("wire"));
    std::fs::create_dir_all(&wire).unwrap();
    let word = unique_word("kept");
    std::fs::write(
        wire.join("good.txt"),
        format!("Harbour {word} opens\n\nKOCHI, Nov 28 (PTI) - The harbour opened on Friday."),
    )
    .unwrap();
    std::fs::write(wire.join("bad.bin"), [0u8, 159, 146, 150, 0, 1]).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wiredesk"))
        .args(["ingest", "--data"])
        .arg(&data)
        .arg(&wire)
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(
        stdout.contains("ingested 1,") && stdout.contains("rejected 1 "),
        "{stdout}"
    );
    let rejected = data.join("rejected");
    let copy = std::fs::read(rejected.join("bad.bin"))
        .unwrap_or_else(|e| panic!("no copy in {}: {e}; stderr: {stderr}", rejected.display()));
    assert_eq!(copy, [0u8, 159, 146, 150, 0, 1]);
    let reason = std::fs::read_to_string(rejected.join("bad.bin.reason")).unwrap();
    assert!(!reason.trim().is_empty());
    // The output says why and where the copy went; the file named is left where it was.
    assert!(
        stderr.contains(reason.trim()) && stderr.contains(&rejected.display().to_string()),
        "{stderr}"
    );
    assert!(wire.join("bad.bin").exists());
    assert!(!rejected.join("good.txt").exists());
}

/// A Python with pyftpdlib and pyOpenSSL: `$WIREDESK_PYTHON` if it has them (scripts/test
/// sets it), else `target/ftp-venv`, made (from PyPI) when missing.
fn ftp_python() -> std::path::PathBuf {
    let has_pyftpdlib = |python: &std::path::Path| {
        std::process::Command::new(python)
            .args(["-c", "import pyftpdlib, OpenSSL"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if let Some(python) = std::env::var_os("WIREDESK_PYTHON").map(std::path::PathBuf::from)
        && has_pyftpdlib(&python)
    {
        return python;
    }
    let venv = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target folder")
        .join("ftp-venv");
    let python = venv.join("bin/python");
    if has_pyftpdlib(&python) {
        return python;
    }
    let made = std::process::Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .unwrap_or_else(|e| panic!("the FTP test needs python3 (to run pyftpdlib): {e}"));
    assert!(made.success(), "python3 -m venv {} failed", venv.display());
    let installed = std::process::Command::new(venv.join("bin/pip"))
        .args(["install", "-q", "pyftpdlib", "pyopenssl"])
        .status()
        .expect("run pip");
    assert!(
        installed.success(),
        "pip install pyftpdlib pyopenssl failed"
    );
    assert!(
        has_pyftpdlib(&python),
        "pyftpdlib is not importable after pip install"
    );
    python
}

/// A pyftpdlib server over `root`, killed on drop.
struct FtpServer {
    child: std::process::Child,
    port: u16,
}

/// An FTPS server (explicit TLS required on control and data connections) with a
/// certificate from a throwaway CA, whose certificate it writes to `OUT/ca.pem`.
const FTPS_SERVER: &str = r#"
import sys, os, datetime, ipaddress
from cryptography import x509
from cryptography.x509.oid import NameOID
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import TLS_FTPHandler
from pyftpdlib.servers import FTPServer
root, port, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
now = datetime.datetime.now(datetime.timezone.utc)
def name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
def cert(subject, key, issuer_key, serial, ca, extra=None):
    b = (x509.CertificateBuilder().subject_name(name(subject)).issuer_name(name("Test CA"))
         .public_key(key.public_key()).serial_number(serial)
         .not_valid_before(now - datetime.timedelta(hours=1))
         .not_valid_after(now + datetime.timedelta(days=1))
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if extra is not None:
        b = b.add_extension(extra, critical=False)
    return b.sign(issuer_key, hashes.SHA256())
ca_key = ec.generate_private_key(ec.SECP256R1())
ca = cert("Test CA", ca_key, ca_key, 1, True)
key = ec.generate_private_key(ec.SECP256R1())
leaf = cert("127.0.0.1", key, ca_key, 2, False,
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]))
pem = serialization.Encoding.PEM
open(out + "/cert.pem", "wb").write(leaf.public_bytes(pem))
open(out + "/key.pem", "wb").write(key.private_bytes(
    pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
open(out + "/ca.pem.tmp", "wb").write(ca.public_bytes(pem))
os.rename(out + "/ca.pem.tmp", out + "/ca.pem")
authorizer = DummyAuthorizer()
authorizer.add_user("wire", "secret", root, perm="elradfmwMT")
handler = TLS_FTPHandler
handler.certfile, handler.keyfile = out + "/cert.pem", out + "/key.pem"
handler.authorizer = authorizer
handler.tls_control_required = True
handler.tls_data_required = True
FTPServer(("127.0.0.1", port), handler).serve_forever()
"#;

impl FtpServer {
    fn start(root: &std::path::Path) -> FtpServer {
        let port = crate::common::free_port();
        let child = std::process::Command::new(ftp_python())
            .args(["-m", "pyftpdlib", "-i", "127.0.0.1", "-w"])
            .args(["-u", "wire", "-P", "secret"])
            .arg("-p")
            .arg(port.to_string())
            .arg("-d")
            .arg(root)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start pyftpdlib");
        FtpServer::wait(child, port)
    }

    /// An FTPS server over `root`; its CA certificate is written into `out`.
    fn start_tls(root: &std::path::Path, out: &std::path::Path) -> FtpServer {
        let port = crate::common::free_port();
        let child = std::process::Command::new(ftp_python())
            .args(["-c", FTPS_SERVER])
            .arg(root)
            .arg(port.to_string())
            .arg(out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start pyftpdlib with TLS");
        FtpServer::wait(child, port)
    }

    fn wait(child: std::process::Child, port: u16) -> FtpServer {
        let server = FtpServer { child, port };
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "pyftpdlib did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        server
    }

    fn url(&self, folder: &str) -> String {
        format!("ftp://wire:secret@127.0.0.1:{}/{folder}/", self.port)
    }

    fn tls_url(&self, folder: &str) -> String {
        format!("ftps://wire:secret@127.0.0.1:{}/{folder}/", self.port)
    }
}

impl Drop for FtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn ftp_files_are_taken_once_complete_and_only_once() {
    let root = tempfile::tempdir().unwrap();
    let (keep, del) = (root.path().join("keep"), root.path().join("del"));
    std::fs::create_dir_all(&keep).unwrap();
    std::fs::create_dir_all(&del).unwrap();
    let word = unique_word("ftp");
    let story = |n: u32| {
        crate::common::ninjs_story(
            &format!("urn:test:{word}:{n}"),
            1,
            "Test Wire",
            &format!("Story {n} about {word} at the port"),
            &format!("MUMBAI (Test Wire) - The port said {word} work {n} was on schedule."),
            "",
        )
    };
    std::fs::write(keep.join("a.json"), story(1)).unwrap();
    std::fs::write(keep.join("b.json.part"), story(2)).unwrap();
    std::fs::write(del.join("c.json"), story(3)).unwrap();
    let ftpd = FtpServer::start(root.path());
    let config = source("ftp-keep", &ftpd.url("keep"), "interval_secs = 1")
        + &source(
            "ftp-del",
            &ftpd.url("del"),
            "interval_secs = 1\ndelete_after = true",
        );
    let server = Server::serve_with_config(&config);

    eventually(WAIT, "the stories of a.json and c.json", || async {
        (stories_with(&server, &word).await.len() == 2).then_some(())
    })
    .await;
    eventually(WAIT, "c.json deleted after it was taken", || async {
        (!del.join("c.json").exists()).then_some(())
    })
    .await;
    assert!(keep.join("a.json").exists(), "kept without delete_after");

    // The partial upload was not taken; once renamed, it is.
    std::fs::rename(keep.join("b.json.part"), keep.join("b.json")).unwrap();
    eventually(WAIT, "the story of b.json", || async {
        (stories_with(&server, &word).await.len() == 3).then_some(())
    })
    .await;
    // Later polls list a.json and b.json again but take neither again.
    let polls = metric(
        &server,
        "wiredesk_source_fetches_total{source=\"ftp-keep\"}",
    )
    .await
    .unwrap();
    eventually(WAIT, "three more polls", || async {
        (metric(
            &server,
            "wiredesk_source_fetches_total{source=\"ftp-keep\"}",
        )
        .await?
            >= polls + 3.0)
            .then_some(())
    })
    .await;
    assert_eq!(
        metric(
            &server,
            "wiredesk_source_deliveries_total{source=\"ftp-keep\"}"
        )
        .await,
        Some(2.0)
    );
    assert_eq!(
        metric(
            &server,
            "wiredesk_source_failures_total{source=\"ftp-keep\"}"
        )
        .await,
        Some(0.0),
        "{:?}",
        last_error(&server, "ftp-keep").await
    );
}

#[tokio::test]
async fn ftps_files_are_taken_over_tls_and_an_untrusted_certificate_is_refused() {
    let root = tempfile::tempdir().unwrap();
    let certs = tempfile::tempdir().unwrap();
    let folder = root.path().join("in");
    std::fs::create_dir_all(&folder).unwrap();
    let word = unique_word("ftps");
    std::fs::write(
        folder.join("a.json"),
        crate::common::ninjs_story(
            &format!("urn:test:{word}:1"),
            1,
            "Test Wire",
            &format!("Secure story about {word} at the port"),
            &format!("MUMBAI (Test Wire) - The port said {word} work was on schedule."),
            "",
        ),
    )
    .unwrap();
    let ftpd = FtpServer::start_tls(root.path(), certs.path());
    let ca = certs.path().join("ca.pem");
    assert!(ca.exists(), "the FTPS server wrote its CA certificate");
    let config = source(
        "secure",
        &ftpd.tls_url("in"),
        &format!(
            "interval_secs = 1\nca_file = {:?}",
            ca.display().to_string()
        ),
    ) + &source("untrusted", &ftpd.tls_url("in"), "interval_secs = 1");
    let server = Server::serve_with_config(&config);

    let taken = eventually(WAIT, "the story taken over FTPS, or failures", || async {
        if stories_with(&server, &word).await.len() == 1 {
            return Some(Ok(()));
        }
        let failures = metric(&server, "wiredesk_source_failures_total{source=\"secure\"}");
        (failures.await? >= 2.0).then_some(Err(()))
    })
    .await;
    assert!(taken.is_ok(), "{:?}", last_error(&server, "secure").await);
    assert_eq!(
        metric(&server, "wiredesk_source_failures_total{source=\"secure\"}").await,
        Some(0.0),
        "{:?}",
        last_error(&server, "secure").await
    );
    let error = eventually(WAIT, "the untrusted server refused", || async {
        last_error(&server, "untrusted").await
    })
    .await;
    assert!(error.contains("cannot secure the connection"), "{error}");
    assert_eq!(
        metric(
            &server,
            "wiredesk_source_deliveries_total{source=\"untrusted\"}"
        )
        .await,
        Some(0.0)
    );
}
