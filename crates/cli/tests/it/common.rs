//! Shared by the end-to-end tests: the real `wiredesk` binary, started on a free port with a
//! temporary data folder, and killed when the test is done with it.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long the binary may take to load its data and answer `/healthz`.
const STARTUP: Duration = Duration::from_secs(60);

/// A port nobody listens on right now (bound to port 0, then released).
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local address").port()
}

/// How a test starts the binary, beyond its flags.
#[derive(Clone, Debug, Default)]
pub struct Launch {
    /// Extra environment variables (`WIREDESK_CRASH_AT`, …).
    pub env: Vec<(String, String)>,
    /// Extra flags after `--data` (`--database-url …`).
    pub args: Vec<String>,
    /// Mount a tmpfs of this many bytes on `DATA/index` first, in a mount namespace of the
    /// process's own (`unshare -rm`, no root needed), so a test can fill that disk.
    pub index_tmpfs: Option<u64>,
}

/// A running `wiredesk` process. Killed on drop.
pub struct Server {
    child: Child,
    /// The subcommand and extra flags it was started with, for `restart`.
    command: String,
    extra: Vec<String>,
    /// How it is started, kept for `restart_after` (tests may change it between runs).
    pub launch: Launch,
    /// `http://127.0.0.1:<port>`, without trailing slash.
    pub base: String,
    /// The data folder: `inbox/`, `archive/`, `rejected/`, `wiredesk.toml`, …
    pub data: PathBuf,
    log: PathBuf,
    // Last, so the folder is removed after the process is dead.
    _root: tempfile::TempDir,
}

impl Server {
    /// `wiredesk demo`: a site loaded with the bundled sample corpus.
    pub fn demo() -> Server {
        let root = tempdir();
        let data = root.path().join("data");
        Server::start(root, data, "demo", &[], Launch::default())
    }

    /// `wiredesk demo --language hi`: the Hindi site with its own corpus.
    pub fn demo_in(language: &str) -> Server {
        let root = tempdir();
        let data = root.path().join("data");
        Server::start(
            root,
            data,
            "demo",
            &["--language", language],
            Launch::default(),
        )
    }

    /// `wiredesk serve` over a fresh data folder whose `wiredesk.toml` is `config`.
    pub fn serve_with_config(config: &str) -> Server {
        Server::serve_launched(config, Launch::default())
    }

    /// `wiredesk serve` over a fresh data folder, started as `launch` says.
    pub fn serve_launched(config: &str, launch: Launch) -> Server {
        let root = tempdir();
        let data = root.path().join("data");
        std::fs::create_dir_all(&data).expect("create the data folder");
        std::fs::write(data.join("wiredesk.toml"), config).expect("write wiredesk.toml");
        Server::start(root, data, "serve", &[], launch)
    }

    /// `wiredesk serve` over the data folder `data` as it stands (restored from a backup,
    /// say); `root` holds the server's log and is removed with the server.
    pub fn serve_folder(root: tempfile::TempDir, data: PathBuf, launch: Launch) -> Server {
        Server::start(root, data, "serve", &[], launch)
    }

    fn spawn(
        command: &str,
        addr: &str,
        data: &Path,
        extra: &[&str],
        log: &Path,
        launch: &Launch,
    ) -> Child {
        let out = File::options()
            .create(true)
            .append(true)
            .open(log)
            .expect("open the server log");
        let err = out.try_clone().expect("clone the log handle");
        let binary = env!("CARGO_BIN_EXE_wiredesk");
        let mut process = match launch.index_tmpfs {
            None => Command::new(binary),
            Some(bytes) => {
                let index = data.join("index");
                std::fs::create_dir_all(&index).expect("create the index folder");
                let mut unshare = Command::new("unshare");
                unshare
                    .args(["-rm", "sh", "-c"])
                    .arg(r#"mount -t tmpfs -o "size=$1" tmpfs "$2" && shift 2 && exec "$@""#)
                    .arg("sh")
                    .arg(bytes.to_string())
                    .arg(&index)
                    .arg(binary);
                unshare
            }
        };
        process
            .arg(command)
            .arg("--addr")
            .arg(addr)
            .arg("--data")
            .arg(data)
            .args(extra)
            .args(&launch.args)
            .env("RUST_LOG", "wiredesk=info,warn")
            .envs(launch.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err))
            .spawn()
            .expect("start the wiredesk binary")
    }

    /// Stop the process (as a crash would: no shutdown), wait `down`, and start it again on
    /// the same address and data folder.
    pub fn restart_after(&mut self, down: Duration) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        std::thread::sleep(down);
        let addr = self.base.trim_start_matches("http://").to_string();
        let extra: Vec<&str> = self.extra.iter().map(String::as_str).collect();
        // `demo` would load its corpus again; a restart serves what is there.
        let command = if self.command == "demo" {
            "serve"
        } else {
            &self.command
        };
        self.child = Server::spawn(command, &addr, &self.data, &extra, &self.log, &self.launch);
        self.wait_until_healthy(&addr);
    }

    /// Wait for the process to end by itself (a crash point), at most `limit`.
    pub fn wait_for_exit(&mut self, limit: Duration) -> std::process::ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for wiredesk") {
                return status;
            }
            if Instant::now() > deadline {
                panic!(
                    "wiredesk still running after {limit:?}; its output:\n{}",
                    self.log_text()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// `DATA/index` as the server sees it: inside its own mount namespace when it runs on a
    /// tmpfs of its own (`Launch::index_tmpfs`), reached through `/proc/PID/root`.
    pub fn index_dir_as_served(&self) -> PathBuf {
        let index = self.data.join("index");
        match self.launch.index_tmpfs {
            None => index,
            Some(_) => {
                let relative = index.strip_prefix("/").expect("an absolute data folder");
                PathBuf::from(format!("/proc/{}/root", self.child.id())).join(relative)
            }
        }
    }

    fn start(
        root: tempfile::TempDir,
        data: PathBuf,
        command: &str,
        extra: &[&str],
        launch: Launch,
    ) -> Server {
        let port = free_port();
        let addr = format!("127.0.0.1:{port}");
        let log = root.path().join("wiredesk.log");
        let child = Server::spawn(command, &addr, &data, extra, &log, &launch);
        let mut server = Server {
            child,
            command: command.to_string(),
            extra: extra.iter().map(|e| e.to_string()).collect(),
            launch,
            base: format!("http://{addr}"),
            data,
            log,
            _root: root,
        };
        server.wait_until_healthy(&addr);
        server
    }

    fn wait_until_healthy(&mut self, addr: &str) {
        let deadline = Instant::now() + STARTUP;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "wiredesk exited with {status} before answering /healthz; its output:\n{}",
                    self.log_text()
                );
            }
            if healthz_is_200(addr) {
                return;
            }
            if Instant::now() > deadline {
                panic!(
                    "wiredesk did not answer GET /healthz with 200 within {STARTUP:?}; its output:\n{}",
                    self.log_text()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// An absolute URL on this server for `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn inbox(&self) -> PathBuf {
        self.data.join("inbox")
    }

    pub fn archive(&self) -> PathBuf {
        self.data.join("archive")
    }

    pub fn rejected(&self) -> PathBuf {
        self.data.join("rejected")
    }

    /// Everything the process has printed so far, for failure messages.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("wiredesk-e2e-")
        .tempdir()
        .expect("create a temporary folder")
}

/// One plain HTTP/1.0 request, so that waiting for the server needs no runtime.
fn healthz_is_200(addr: &str) -> bool {
    let Ok(mut stream) = TcpStream::connect(addr) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if stream
        .write_all(b"GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut head = [0u8; 32];
    let mut got = 0;
    while got < head.len() {
        match stream.read(&mut head[got..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => got += n,
        }
    }
    let line = String::from_utf8_lossy(&head[..got]);
    line.starts_with("HTTP/1.") && line.split_whitespace().nth(1) == Some("200")
}

/// An HTTP client for the tests (reqwest is built without a TLS provider of its own).
pub fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("build the HTTP client")
}

/// GET `url`: its status, Content-Type and body.
pub async fn get_typed(client: &reqwest::Client, url: &str) -> (u16, String, String) {
    let response = client
        .get(url)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (
        status,
        content_type,
        response.text().await.expect("response body"),
    )
}

/// Poll `check` every 200 ms until it answers `Some`, or panic with `what` after `limit`.
pub async fn eventually<T, F, Fut>(limit: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + limit;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        if Instant::now() > deadline {
            panic!("gave up after {limit:?} waiting for: {what}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Write `bytes` as `<dir>/<name>.part`, then rename it to `<dir>/<name>`, as FTP clients do.
pub fn drop_file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    std::fs::create_dir_all(dir).expect("create the inbox");
    let partial = dir.join(format!("{name}.part"));
    let path = dir.join(name);
    std::fs::write(&partial, bytes).expect("write the partial upload");
    std::fs::rename(&partial, &path).expect("rename the finished upload");
    path
}

/// Every file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// A word no corpus contains, made of letters only so every tokenizer keeps it whole.
pub fn unique_word(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let mut n = nanos ^ (u128::from(std::process::id()) << 64);
    let mut word = prefix.to_string();
    for _ in 0..10 {
        word.push((b'a' + (n % 26) as u8) as char);
        n /= 26;
    }
    word
}

/// The `/story/{id}/{slug}` path of an absolute or relative story URL, and the id in it.
pub fn story_path_and_id(href: &str) -> (String, String) {
    let start = href
        .find("/story/")
        .unwrap_or_else(|| panic!("{href:?} is not a /story/ link"));
    let path = href[start..].to_string();
    let id = path["/story/".len()..]
        .split('/')
        .next()
        .unwrap_or_default()
        .to_string();
    assert!(!id.is_empty(), "no story id in {href:?}");
    (path, id)
}

impl Server {
    /// Run `wiredesk ARGS… --data DATA` against this server's data folder (the server keeps
    /// running: SQLite lets both at it), feeding `stdin`; panics unless it succeeds, and
    /// returns what it printed.
    pub fn command(&self, args: &[&str], stdin: &str) -> String {
        let mut child = Command::new(env!("CARGO_BIN_EXE_wiredesk"))
            .args(args)
            .arg("--data")
            .arg(&self.data)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the wiredesk binary");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes())
            .expect("write stdin");
        let out = child.wait_with_output().expect("wait for wiredesk");
        assert!(
            out.status.success(),
            "wiredesk {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// A desk account (`wiredesk user add NAME --role ROLE`, password on stdin).
    pub fn add_user(&self, name: &str, role: &str, password: &str) {
        self.command(
            &["user", "add", name, "--role", role],
            &format!("{password}\n"),
        );
    }
}

/// A schema of its own on the test PostgreSQL (`WIREDESK_TEST_POSTGRES`, by default the
/// local one `scripts/test` starts), dropped when the test is done with it. Declare it before
/// the servers using it, so they are stopped first.
pub struct PgSchema {
    admin_url: String,
    name: String,
    /// The URL to give `--database-url`: the server's, with `search_path` set to this schema.
    pub url: String,
}

impl PgSchema {
    pub async fn fresh() -> PgSchema {
        use sqlx::Connection;
        let admin_url = std::env::var("WIREDESK_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string());
        let mut admin = sqlx::PgConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "PostgreSQL at {admin_url} does not answer ({e}): start one (scripts/test \
                     does) or set WIREDESK_TEST_POSTGRES to a server the tests may create \
                     schemas in"
                )
            });
        let name = unique_word("wiredesk_it");
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {name}")))
            .execute(&mut admin)
            .await
            .expect("create the test's schema");
        let joiner = if admin_url.contains('?') { '&' } else { '?' };
        // `options=-c search_path=NAME`, which sqlx passes on to the server at connect.
        let url = format!("{admin_url}{joiner}options=-csearch_path%3D{name}");
        PgSchema {
            admin_url,
            name,
            url,
        }
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        run_detached(
            &self.admin_url,
            format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name),
        );
    }
}

/// Run `sql` on the server at `url` and wait for it, ignoring failure: for a `Drop`, which runs
/// inside the test's runtime and cannot block on it, so the work gets a thread of its own.
fn run_detached(url: &str, sql: String) {
    let url = url.to_string();
    let _ = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime for the clean-up");
        runtime.block_on(async {
            use sqlx::Connection;
            if let Ok(mut admin) = sqlx::PgConnection::connect(&url).await {
                let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                    .execute(&mut admin)
                    .await;
            }
        });
    })
    .join();
}

/// A database of its own on the test server, dropped at the end.
pub struct PgDatabase {
    admin_url: String,
    name: String,
    pub url: String,
}

impl PgDatabase {
    pub async fn fresh() -> PgDatabase {
        use sqlx::Connection;
        let admin_url = std::env::var("WIREDESK_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string());
        let mut admin = sqlx::PgConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL at {admin_url} does not answer ({e})"));
        let name = unique_word("wiredesk_bk");
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .expect("create the test's database");
        let (base, query) = match admin_url.split_once('?') {
            Some((base, query)) => (base, format!("?{query}")),
            None => (admin_url.as_str(), String::new()),
        };
        let (server, _) = base.rsplit_once('/').expect("a database in the admin URL");
        let url = format!("{server}/{name}{query}");
        PgDatabase {
            admin_url,
            name,
            url,
        }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        run_detached(
            &self.admin_url,
            format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        );
    }
}

/// A ninjs 2.0 text item made a minute ago, for tests that need copy with known fields.
pub fn ninjs_story(
    uri: &str,
    version: u32,
    agency: &str,
    headline: &str,
    body: &str,
    extra: &str,
) -> Vec<u8> {
    let made = (jiff::Timestamp::now() - jiff::SignedDuration::from_mins(1))
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!(", {extra}")
    };
    format!(
        r#"{{"uri": "{uri}", "version": "{version}", "type": "text", "pubstatus": "usable",
 "versioncreated": "{made}", "firstcreated": "{made}", "language": "en",
 "headlines": [{{"role": "main", "value": "{headline}"}}],
 "bodies": [{{"role": "main", "contenttype": "text/html", "value": "<p>{body}</p>"}}],
 "infosource": [{{"name": "{agency}", "role": "originfo"}}],
 "links": [{{"href": "https://wire.example/{version}", "rel": "canonical", "mediatype": "text/html"}}]{extra}}}"#
    )
    .into_bytes()
}

/// The value of cookie `name` a response sets, and the whole `Set-Cookie` line.
pub fn cookie_from(response: &reqwest::Response, name: &str) -> Option<(String, String)> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| {
            let value = v[name.len() + 1..].split(';').next().unwrap().to_string();
            (value, v.to_string())
        })
}

/// The CSRF token of the first desk form in `html`.
pub fn csrf_in(html: &str) -> String {
    let at = html
        .find("name=\"csrf\" value=\"")
        .unwrap_or_else(|| panic!("no CSRF field in {html}"));
    let rest = &html[at + "name=\"csrf\" value=\"".len()..];
    rest[..rest.find('"').unwrap()].to_string()
}

/// Sign in to the desk through its form, as a browser does; the session cookie
/// (`wd_session=…`). The form's CSRF field must carry the token its cookie does.
pub async fn desk_session(server: &Server, name: &str, password: &str) -> String {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = client.get(server.url("/desk/login")).send().await.unwrap();
    let (login_csrf, _) = cookie_from(&form, "wd_login_csrf").expect("login CSRF cookie");
    let token = csrf_in(&form.text().await.unwrap());
    assert_eq!(token, login_csrf, "the form carries the cookie's token");
    let signed_in = client
        .post(server.url("/desk/login"))
        .header(
            reqwest::header::COOKIE,
            format!("wd_login_csrf={login_csrf}"),
        )
        .form(&[("name", name), ("password", password), ("csrf", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 303, "signed in");
    let (session, _) = cookie_from(&signed_in, "wd_session").expect("session cookie");
    format!("wd_session={session}")
}

/// GET `url`: its status and body.
pub async fn get_text(client: &reqwest::Client, url: &str) -> (u16, String) {
    let (status, _, body) = get_typed(client, url).await;
    (status, body)
}

/// GET `url` as JSON: its status and body; a body that is not JSON fails the test, saying so.
pub async fn get_json(client: &reqwest::Client, url: &str) -> (u16, serde_json::Value) {
    let (status, text) = get_text(client, url).await;
    let value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("GET {url} answered {status} with non-JSON ({e}): {text}"));
    (status, value)
}

/// Every item of `/api/v1/stories`, page after page of `limit`, following `next`: each page
/// must answer 200 with an `items` array of at most `limit`, and `next` must be a cursor or
/// null, and end.
pub async fn all_stories(
    server: &Server,
    client: &reqwest::Client,
    limit: usize,
) -> Vec<serde_json::Value> {
    use serde_json::Value;
    let mut items = Vec::new();
    let mut url = server.url(&format!("/api/v1/stories?limit={limit}"));
    for _ in 0..200 {
        let (status, page) = get_json(client, &url).await;
        assert_eq!(status, 200, "GET {url}: {page}");
        let page_items = page["items"]
            .as_array()
            .unwrap_or_else(|| panic!("no items array in {page}"));
        assert!(
            page_items.len() <= limit,
            "{} items on a page of {limit}",
            page_items.len()
        );
        items.extend(page_items.iter().cloned());
        match &page["next"] {
            Value::Null => return items,
            Value::String(cursor) => {
                url = server.url(&format!("/api/v1/stories?limit={limit}&cursor={cursor}"));
            }
            other => panic!("`next` is neither a string nor null: {other}"),
        }
    }
    panic!("still being handed a `next` cursor after 200 pages: the cursors go round in circles");
}

/// The story's page on the site, as the API links it: ninjs 2.x has no `links`, so the API
/// gives it as the `web` rendition, text/html, whose address is a `/story/` page.
pub fn alternate_href(item: &serde_json::Value) -> String {
    item["renditions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["name"] == "web" && r["contenttype"] == "text/html")
        .and_then(|r| r["href"].as_str())
        .filter(|href| href.contains("/story/"))
        .unwrap_or_else(|| panic!("no web text/html rendition linking a /story/ page in {item}"))
        .to_string()
}

/// Yesterday in the newsroom's time zone, as an agency dateline writes it ("Nov 27").
pub fn dateline_yesterday() -> String {
    jiff::Timestamp::now()
        .in_tz("Asia/Kolkata")
        .unwrap()
        .yesterday()
        .unwrap()
        .strftime("%b %-d")
        .to_string()
}

/// A PostgreSQL server of the test's own on a free port, so the test may stop and start it
/// (the machine's shared one serves every other test). Needs Debian's `postgresql` binaries
/// (`scripts/test` installs them); as root, the server runs as the `postgres` user, since
/// PostgreSQL refuses to run as root.
pub struct OwnPostgres {
    pub port: u16,
    bin: PathBuf,
    data: PathBuf,
    // Last, so the folder goes after the server has stopped.
    root: tempfile::TempDir,
}

impl OwnPostgres {
    /// A new cluster, made but not started.
    pub fn init() -> OwnPostgres {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .expect("PostgreSQL's binaries in /usr/lib/postgresql (apt install postgresql)")
            .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
            .filter(|b| b.join("initdb").exists())
            .max_by_key(|b| {
                b.parent()
                    .and_then(|v| v.file_name()?.to_str()?.parse::<u32>().ok())
                    .unwrap_or(0)
            })
            .expect("initdb under /usr/lib/postgresql/*/bin");
        let root = tempdir();
        let data = root.path().join("cluster");
        let pg = OwnPostgres {
            port: free_port(),
            bin,
            data,
            root,
        };
        if is_root() {
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(pg.root.path())
                .status()
                .expect("run chown");
            assert!(status.success(), "chown the cluster's folder to postgres");
        }
        pg.run(
            "initdb",
            &["-U", "postgres", "--auth=trust", "-D"],
            &[&pg.data],
        );
        pg
    }

    /// `tool` from the cluster's PostgreSQL, run as the user that owns the cluster.
    fn tool(&self, tool: &str) -> Command {
        if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(self.bin.join(tool));
            c
        } else {
            Command::new(self.bin.join(tool))
        }
    }

    fn run(&self, tool: &str, args: &[&str], paths: &[&Path]) {
        let out = self
            .tool(tool)
            .args(args)
            .args(paths)
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("run {tool}: {e}"));
        assert!(
            out.status.success(),
            "{tool} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Start it and wait until it accepts connections.
    pub fn start(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1",
            self.port,
            self.root.path().display()
        );
        let log = self.root.path().join("postgres.log");
        self.run(
            "pg_ctl",
            &[
                "-w",
                "-o",
                &options,
                "-l",
                &log.to_string_lossy(),
                "start",
                "-D",
            ],
            &[&self.data],
        );
    }

    /// Stop it at once, as a crash or a failover would (`-m immediate`).
    pub fn stop(&self) {
        self.run("pg_ctl", &["-m", "immediate", "stop", "-D"], &[&self.data]);
    }

    /// Its `postgres` database, which the tests use as the site's.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        let _ = self
            .tool("pg_ctl")
            .args(["-m", "immediate", "stop", "-D"])
            .arg(&self.data)
            .output();
    }
}

fn is_root() -> bool {
    // `id -u` rather than libc, which the tests do not otherwise need.
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.trim_ascii() == b"0")
        .unwrap_or(false)
}
/// A dovecot of the test's own (IMAP and IMAPS on free loopback ports, one user, one maildir),
/// from the source crate's `testing` feature, which the source crate's own tests use too.
pub use wiredesk_source::testing::Dovecot as OwnDovecot;

/// A NATS server with JetStream of the test's own on a free port, to stop and start.
pub struct OwnNats {
    pub port: u16,
    child: Option<Child>,
    store: tempfile::TempDir,
}

impl OwnNats {
    pub fn start() -> OwnNats {
        let mut nats = OwnNats::not_started();
        nats.start_again();
        nats
    }

    /// A port and a store for one, to start later (`start_again`).
    pub fn not_started() -> OwnNats {
        OwnNats {
            port: free_port(),
            child: None,
            store: tempdir(),
        }
    }

    /// Start it (again, on the same port and store) and wait until it accepts connections.
    pub fn start_again(&mut self) {
        // Debian puts it in /usr/sbin, which a user's PATH may not hold.
        let binary = if Path::new("/usr/sbin/nats-server").exists() {
            "/usr/sbin/nats-server"
        } else {
            "nats-server"
        };
        let child = Command::new(binary)
            .args([
                "-a",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-js",
                "-sd",
            ])
            .arg(self.store.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start nats-server (apt install nats-server)");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "nats-server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Kill it, as a crash would.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }
}

impl Drop for OwnNats {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The live stories in `/api/v1/stories` whose text mentions `word`.
pub async fn stories_with(server: &Server, word: &str) -> Vec<serde_json::Value> {
    let (_, value) = get_json(&http(), &server.url("/api/v1/stories?limit=100")).await;
    value["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter(|i| i.to_string().contains(word))
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}
