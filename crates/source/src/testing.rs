//! A real IMAP server for tests: Debian's dovecot (`dovecot-imapd`, which `scripts/test`
//! installs), started by the test on free loopback ports with a config, a passwd-file user
//! and a maildir of its own in a temporary folder, and stopped when dropped. No system
//! service is touched. A machine without dovecot fails the test with a message saying so,
//! never lets it pass unchecked.
//!
//! Behind the `testing` feature, for this crate's tests and the CLI's end-to-end tests.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const DOVECOT: &str = "/usr/sbin/dovecot";

/// One dovecot of the test's own: IMAP on `port`, IMAPS (TLS from the first byte) on
/// `tls_port`, one user, one maildir.
pub struct Dovecot {
    pub port: u16,
    pub tls_port: u16,
    pub user: String,
    pub password: String,
    child: Option<Child>,
    // Last, so the folder goes after the server has stopped.
    root: tempfile::TempDir,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind 127.0.0.1:0")
        .port()
}

fn run(what: &str, command: &mut Command) {
    let out = command
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn whoami() -> (String, u32) {
    let out = |args: &[&str]| {
        let o = Command::new("id").args(args).output().expect("run id");
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    };
    let uid = out(&["-u"]).parse().expect("a numeric uid from id -u");
    (out(&["-un"]), uid)
}

impl Dovecot {
    /// Start one, and wait until it answers.
    pub fn start() -> Dovecot {
        assert!(
            Path::new(DOVECOT).exists(),
            "{DOVECOT} is missing: the IMAP tests run a real dovecot \
             (apt-get install dovecot-imapd; scripts/test installs it)"
        );
        let root = tempfile::Builder::new()
            .prefix("wiredesk-dovecot-")
            .tempdir()
            .expect("a temporary folder");
        let dovecot = Dovecot {
            port: free_port(),
            tls_port: free_port(),
            user: "desk".into(),
            password: "imap-secret-7".into(),
            child: None,
            root,
        };
        dovecot.write_config();
        let mut dovecot = dovecot;
        dovecot.start_again();
        dovecot
    }

    fn path(&self, name: &str) -> PathBuf {
        self.root.path().join(name)
    }

    /// A certificate authority and a server certificate for 127.0.0.1 it signed, made with
    /// the openssl tool; then the config, the user and the mail folder.
    fn write_config(&self) {
        let dir = self.root.path();
        let ssl = |args: &[&str]| {
            run(
                "openssl (for the IMAPS certificate)",
                Command::new("openssl").args(args).current_dir(dir),
            )
        };
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"];
        ssl(&[
            &["req", "-x509", "-nodes", "-days", "2"][..],
            &ec,
            &[
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-subj",
                "/CN=Wiredesk test CA",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign",
            ],
        ]
        .concat());
        ssl(&[
            &["req", "-nodes"][..],
            &ec,
            &[
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
                "-subj",
                "/CN=127.0.0.1",
            ],
        ]
        .concat());
        std::fs::write(
            dir.join("server.ext"),
            "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n\
             extendedKeyUsage=serverAuth\n",
        )
        .expect("write server.ext");
        ssl(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "server.ext",
            "-out",
            "server.pem",
        ]);

        std::fs::write(
            dir.join("passwd"),
            format!("{}:{{PLAIN}}{}\n", self.user, self.password),
        )
        .expect("write passwd");
        let mail = dir.join("mail");
        std::fs::create_dir_all(&mail).expect("create the mail folder");
        // Dovecot will not read or write mail as root: as root, the mail belongs to its own
        // `dovecot` user; otherwise every process runs as the user running the test.
        let (user, uid) = whoami();
        let accounts = if uid == 0 {
            run(
                "chown the mail folder to dovecot",
                Command::new("chown")
                    .args(["-R", "dovecot:dovecot"])
                    .arg(&mail),
            );
            run(
                "open the test folder to dovecot",
                Command::new("chmod").arg("755").arg(dir),
            );
            "first_valid_uid = 1\n".to_string()
        } else {
            format!(
                "default_internal_user = {user}\ndefault_login_user = {user}\n\
                 first_valid_uid = {uid}\n"
            )
        };
        let mail_user = if uid == 0 {
            "uid=dovecot gid=dovecot".to_string()
        } else {
            format!("uid={uid} gid={uid}")
        };
        let d = dir.display();
        let config = format!(
            "base_dir = {d}/run
state_dir = {d}/state
instance_name = wiredesk-test-{port}
log_path = {d}/dovecot.log
protocols = imap
listen = 127.0.0.1
{accounts}ssl = yes
ssl_cert = <{d}/server.pem
ssl_key = <{d}/server.key
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{d}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/passwd
}}
userdb {{
  driver = static
  args = {mail_user} home={d}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
    ssl = yes
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
  inet_listener pop3s {{
    port = 0
  }}
}}
service submission-login {{
  inet_listener submission {{
    port = 0
  }}
}}
",
            port = self.port,
            tls_port = self.tls_port,
        );
        std::fs::write(dir.join("dovecot.conf"), config).expect("write dovecot.conf");
    }

    /// Start it (again, on the same ports and mail) and wait until both ports answer.
    pub fn start_again(&mut self) {
        let child = Command::new(DOVECOT)
            .arg("-F")
            .arg("-c")
            .arg(self.path("dovecot.conf"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start {DOVECOT}: {e}"));
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        for port in [self.port, self.tls_port] {
            while TcpStream::connect(("127.0.0.1", port)).is_err() {
                if let Some(Ok(Some(status))) = self.child.as_mut().map(Child::try_wait) {
                    panic!("dovecot exited ({status}):\n{}", self.log());
                }
                assert!(
                    Instant::now() < deadline,
                    "dovecot did not answer on port {port} within 20 s:\n{}",
                    self.log()
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }

    /// Stop it and wait until it has; the mail stays.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // TERM, so the master takes its login and mail processes down with it.
            let _ = Command::new("kill")
                .arg("-TERM")
                .arg(child.id().to_string())
                .status();
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// What dovecot logged, for a failing test's message.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.path("dovecot.log")).unwrap_or_default()
    }

    /// The PEM file of the authority that signed the server's certificate.
    pub fn ca_file(&self) -> PathBuf {
        self.path("ca.pem")
    }

    /// `imap://desk:…@127.0.0.1:PORT/MAILBOX`.
    pub fn url(&self, mailbox: &str) -> String {
        format!(
            "imap://{}:{}@127.0.0.1:{}/{mailbox}",
            self.user, self.password, self.port
        )
    }

    /// `imaps://desk:…@127.0.0.1:TLS_PORT/MAILBOX`.
    pub fn tls_url(&self, mailbox: &str) -> String {
        format!(
            "imaps://{}:{}@127.0.0.1:{}/{mailbox}",
            self.user, self.password, self.tls_port
        )
    }

    /// Put a message into `mailbox` (made if missing) as a mail client would: IMAP APPEND.
    pub fn append(&self, mailbox: &str, message: &[u8]) {
        let mut imap = Session::login(self);
        imap.command(&format!("CREATE {mailbox}"), true);
        imap.literal(&format!("APPEND {mailbox}"), message);
        imap.command("LOGOUT", false);
    }

    /// Each message's UID and flags, in UID order.
    pub fn flags(&self, mailbox: &str) -> Vec<(u32, String)> {
        let mut imap = Session::login(self);
        imap.command(&format!("SELECT {mailbox}"), false);
        let lines = imap.command("UID FETCH 1:* (FLAGS)", true);
        imap.command("LOGOUT", false);
        lines
            .iter()
            .filter_map(|line| {
                let uid = line.split("UID ").nth(1)?.split([' ', ')']).next()?;
                let flags = line.split("FLAGS (").nth(1)?.split(')').next()?;
                Some((uid.parse().ok()?, flags.to_string()))
            })
            .collect()
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A few IMAP commands over a plain connection, enough for a test to fill a mailbox.
struct Session {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    tag: u32,
}

impl Session {
    fn login(dovecot: &Dovecot) -> Session {
        let stream = TcpStream::connect(("127.0.0.1", dovecot.port)).expect("connect to dovecot");
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .expect("set a read timeout");
        let mut session = Session {
            reader: BufReader::new(stream.try_clone().expect("clone the stream")),
            writer: stream,
            tag: 0,
        };
        let mut greeting = String::new();
        session
            .reader
            .read_line(&mut greeting)
            .expect("dovecot's greeting");
        session.command(
            &format!("LOGIN {} {}", dovecot.user, dovecot.password),
            false,
        );
        session
    }

    /// Send a command and read up to its tagged answer; the untagged lines before it.
    fn command(&mut self, command: &str, may_fail: bool) -> Vec<String> {
        self.send(command, None, may_fail)
    }

    /// A command ending in a literal (LITERAL+, so no wait for the server's go-ahead).
    fn literal(&mut self, command: &str, bytes: &[u8]) -> Vec<String> {
        self.send(command, Some(bytes), false)
    }

    fn send(&mut self, command: &str, literal: Option<&[u8]>, may_fail: bool) -> Vec<String> {
        self.tag += 1;
        let tag = format!("t{}", self.tag);
        let mut out = format!("{tag} {command}").into_bytes();
        if let Some(bytes) = literal {
            out.extend_from_slice(format!(" {{{}+}}\r\n", bytes.len()).as_bytes());
            out.extend_from_slice(bytes);
        }
        out.extend_from_slice(b"\r\n");
        self.writer.write_all(&out).expect("write to dovecot");
        let mut lines = Vec::new();
        loop {
            let mut line = String::new();
            let n = self.reader.read_line(&mut line).expect("read from dovecot");
            assert!(n > 0, "dovecot closed the connection during {command}");
            if let Some(answer) = line.strip_prefix(&format!("{tag} ")) {
                assert!(may_fail || answer.starts_with("OK"), "{command}: {answer}");
                return lines;
            }
            lines.push(line.trim_end().to_string());
        }
    }
}
