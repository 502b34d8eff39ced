//! The command line itself: help for every argument, `ingest`'s exit status, `demo` taking
//! its address before anything else, the hint on a site nobody can sign in to, plain logs,
//! and the demo's counts as README states them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use clap::CommandFactory;

use crate::common::{Server, tempdir, unique_word};

fn wiredesk() -> Command {
    Command::new(env!("CARGO_BIN_EXE_wiredesk"))
}

/// `wiredesk ingest --data DATA PATHS…`, finished.
fn ingest(data: &Path, paths: &[PathBuf]) -> Output {
    wiredesk()
        .args(["ingest", "--data"])
        .arg(data)
        .args(paths)
        .output()
        .expect("run wiredesk ingest")
}

fn demo_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../site/demo/corpus")
}

#[test]
fn every_argument_of_every_subcommand_has_help() {
    fn walk(command: &clap::Command, path: &str, seen: &mut Vec<String>, bare: &mut Vec<String>) {
        for arg in command.get_arguments() {
            let name = format!("{path} {}", arg.get_id());
            if arg.get_help().is_none() && arg.get_long_help().is_none() {
                bare.push(name.clone());
            }
            seen.push(name);
        }
        for sub in command.get_subcommands() {
            walk(sub, &format!("{path} {}", sub.get_name()), seen, bare);
        }
    }
    let (mut seen, mut bare) = (Vec::new(), Vec::new());
    walk(
        &wiredesk_cli::Cli::command(),
        "wiredesk",
        &mut seen,
        &mut bare,
    );
    // The walk reaches flattened flags and nested subcommands, not just the top level.
    for expected in [
        "wiredesk ingest data",
        "wiredesk user add name",
        "wiredesk eval topics",
    ] {
        assert!(
            seen.iter().any(|s| s.starts_with(expected)),
            "{expected} not walked: {seen:?}"
        );
    }
    assert!(
        bare.is_empty(),
        "arguments without help:\n{}",
        bare.join("\n")
    );
}

#[test]
fn ingest_exits_zero_only_when_every_file_was_accepted() {
    let root = tempdir();
    let (data, wire) = (root.path().join("data"), root.path().join("wire"));
    std::fs::create_dir_all(&wire).unwrap();
    let good = wire.join("good.txt");
    let word = unique_word("status");
    std::fs::write(
        &good,
        format!("Port {word} reopens\n\nKOCHI, Nov 28 (PTI) - The port reopened on Friday."),
    )
    .unwrap();
    let out = ingest(&data, std::slice::from_ref(&good));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let bad = wire.join("bad.bin");
    std::fs::write(&bad, [0u8, 1, 2, 0]).unwrap();
    let out = ingest(&data, &[good, bad]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(i32::from(wiredesk_cli::EXIT_REJECTED)),
        "{stdout}"
    );
    assert!(stdout.contains("rejected 1 "), "{stdout}");

    // The statuses are documented where a user looks.
    let help = wiredesk().args(["ingest", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(
        help.contains("Exit status: 0 when every file was accepted; 3 when"),
        "{help}"
    );
}

#[test]
fn the_demo_corpus_templates_are_refused_as_wire_copy_with_their_reasons() {
    let root = tempdir();
    let data = root.path().join("data");
    let out = ingest(&data, &[demo_corpus()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(i32::from(wiredesk_cli::EXIT_REJECTED)),
        "{stdout}"
    );
    assert!(
        stdout.starts_with("ingested 0, updated 0, unchanged 0,"),
        "{stdout}"
    );
    let files = std::fs::read_dir(demo_corpus()).unwrap().count();
    let reasons: Vec<(String, String)> = std::fs::read_dir(data.join("rejected"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "reason"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    assert_eq!(reasons.len(), files, "{reasons:?}");
    for (name, reason) in &reasons {
        let expected = if name == "README.md.reason" {
            "a Markdown document"
        } else {
            "a demo corpus template, not wire copy"
        };
        assert!(reason.starts_with(expected), "{name}: {reason}");
    }
}

/// `wiredesk ARGS…` on an address another process holds: its output, once it has ended.
/// Were the address taken late, the demo would load its corpus first and `serve` would wait
/// for its database: a bound on the wait keeps such a regression from hanging the suite.
fn on_a_busy_port(args: &[&str]) -> (String, Output) {
    let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = held.local_addr().unwrap().to_string();
    let mut child = wiredesk()
        .args(args)
        .args(["--addr", &addr])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("wiredesk {args:?} still running on a busy port");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    (addr, child.wait_with_output().unwrap())
}

#[test]
fn demo_on_a_busy_port_fails_before_loading_or_printing_a_password() {
    let root = tempdir();
    let data = root.path().join("data");
    let (addr, out) = on_a_busy_port(&["demo", "--data", data.to_str().unwrap()]);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains(&format!("cannot listen on {addr}"))
            && stderr.contains("another process is listening there"),
        "{stderr}"
    );
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        !data.exists(),
        "the demo made its data folder before taking its address"
    );
}

#[test]
fn serve_on_a_busy_port_fails_before_waiting_for_its_database() {
    let root = tempdir();
    let data = root.path().join("data");
    // Nothing answers on port 1: `serve` would wait for this database for ever.
    let db = "postgres://wiredesk@127.0.0.1:1/news";
    let args = [
        "serve",
        "--data",
        data.to_str().unwrap(),
        "--database-url",
        db,
    ];
    let (addr, out) = on_a_busy_port(&args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("cannot listen on {addr}")),
        "{stderr}"
    );
}

#[test]
fn serve_on_a_new_folder_says_how_to_add_a_desk_account_and_logs_plain_text() {
    // The weather off, as offline: nothing is fetched, so nothing fails to be.
    let mut server = Server::serve_with_config("[site]\nweather_url = \"\"\n");
    let hint = "no desk account yet: add one with `wiredesk user add NAME --role admin --data";
    let log = server.log_text();
    assert!(log.contains(hint), "{log}");
    // Its output is a file, not a terminal: log lines without colour codes.
    assert!(log.contains(" INFO ") && !log.contains('\u{1b}'), "{log:?}");
    assert!(!log.contains("weather"), "{log}");

    server.add_user("desk", "admin", "correct horse battery");
    server.restart_after(Duration::ZERO);
    let log = server.log_text();
    assert_eq!(log.matches("Wiredesk serving at").count(), 2, "{log}");
    assert_eq!(
        log.matches(hint).count(),
        1,
        "hinted with an account there:\n{log}"
    );
}

/// The number in `line` just before `after` (`… 67 stories in` → 67).
fn number_before(line: &str, after: &str) -> usize {
    let head = &line[..line
        .find(after)
        .unwrap_or_else(|| panic!("{after:?} in {line:?}"))];
    let digits = head.trim_end().rsplit(|c: char| !c.is_ascii_digit()).next();
    digits
        .and_then(|d| d.parse().ok())
        .unwrap_or_else(|| panic!("a number in {line:?}"))
}

#[test]
fn the_demo_prints_logs_and_the_readme_states_one_story_count() {
    let server = Server::demo();
    let log = server.log_text();
    let line = |start: &str| {
        log.lines()
            .find(|l| l.contains(start))
            .unwrap_or_else(|| panic!("no {start:?} in:\n{log}"))
            .to_string()
    };
    let printed = number_before(&line("demo corpus: "), " stories in ");
    let logged = number_before(&line("clusters built from the log: "), " stories in ");
    assert_eq!(printed, logged, "{log}");
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md"))
            .unwrap();
    let readme = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        readme.contains(&format!(
            "sample corpus of {printed} fictional wire stories"
        )),
        "README does not say the demo's {printed} stories"
    );
}
