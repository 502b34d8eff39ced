//! End to end: e-mail into the real `wiredesk` binary, as an `.eml` file dropped in the inbox
//! and as messages read from a real IMAP server (a dovecot of the test's own, over IMAP and
//! IMAPS), each message one story once, across a restart.

use std::time::Duration;

use crate::common::{
    OwnDovecot, Server, drop_file, eventually, files_under, stories_with, unique_word,
};

const WAIT: Duration = Duration::from_secs(40);

/// A message from a stringer about `word`, sent five minutes ago; `extra` are more headers.
fn message(word: &str, n: usize, extra: &str) -> String {
    let date = (jiff::Timestamp::now() - jiff::SignedDuration::from_mins(5))
        .strftime("%a, %d %b %Y %H:%M:%S +0000")
        .to_string();
    format!(
        "From: Asha Rao <asha.rao@stringers.example>\r\nTo: desk@news.example\r\n\
         Subject: =?UTF-8?Q?Ferry_{n}_to_Elephanta_resumes_=E2=80=94_{word}?=\r\n\
         Date: {date}\r\nMessage-ID: <{word}-{n}@stringers.example>\r\nMIME-Version: 1.0\r\n\
         {extra}Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\
         \r\nMUMBAI (Test Wire) - Ferry {n} to Elephanta island resumed on Monday after the \
         monsoon break, the port said, and {word} bookings opened.\r\n\r\nThe first boat left \
         at 9 a.m.\r\n"
    )
}

#[tokio::test]
async fn an_eml_file_dropped_in_the_inbox_becomes_a_story() {
    let word = unique_word("eml");
    let server = Server::serve_with_config("");
    drop_file(&server.inbox(), "tip.eml", message(&word, 1, "").as_bytes());
    let story = eventually(WAIT, "the dropped message as a story", || async {
        stories_with(&server, &word).await.into_iter().next()
    })
    .await;
    assert_eq!(
        story["headlines"][0]["value"],
        format!("Ferry 1 to Elephanta resumes — {word}"),
        "{story}"
    );
    assert_eq!(story["uri"], format!("mid:{word}-1@stringers.example"));
    assert_eq!(story["by"], "Asha Rao", "{story}");
    assert!(
        !story.to_string().contains("asha.rao@"),
        "the sender's address is never published: {story}"
    );
    eventually(WAIT, "the message archived", || async {
        files_under(&server.archive())
            .iter()
            .any(|p| p.ends_with("tip.eml") || p.to_string_lossy().ends_with("-tip.eml"))
            .then_some(())
    })
    .await;
}

#[tokio::test]
async fn imap_messages_become_stories_once_each_even_after_a_restart() {
    let word = unique_word("imap");
    let dovecot = OwnDovecot::start();
    dovecot.append("INBOX", message(&word, 1, "").as_bytes());
    dovecot.append("INBOX", message(&word, 2, "").as_bytes());
    // The same mailbox server over IMAPS, trusted through the source's own CA file.
    dovecot.append("Secure", message(&word, 3, "").as_bytes());
    let config = format!(
        "[[sources]]\nname = \"mail\"\nurl = \"{}\"\ninterval_secs = 1\n\n\
         [[sources]]\nname = \"secure\"\nurl = \"{}\"\ninterval_secs = 1\nca_file = {:?}\n",
        dovecot.url("INBOX"),
        dovecot.tls_url("Secure"),
        dovecot.ca_file().display().to_string(),
    );
    let mut server = Server::serve_with_config(&config);
    eventually(WAIT, "three messages as three stories", || async {
        (stories_with(&server, &word).await.len() == 3).then_some(())
    })
    .await;
    eventually(WAIT, "the messages flagged as seen", || async {
        dovecot
            .flags("INBOX")
            .iter()
            .all(|(_, f)| f.contains("\\Seen"))
            .then_some(())
    })
    .await;

    server.restart_after(Duration::from_millis(100));
    dovecot.append("INBOX", message(&word, 4, "").as_bytes());
    eventually(WAIT, "the message sent during the restart", || async {
        (stories_with(&server, &word).await.len() == 4).then_some(())
    })
    .await;
    // Some polls later, nothing was taken twice.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let stories = stories_with(&server, &word).await;
    assert_eq!(stories.len(), 4);
    let mut headlines: Vec<String> = stories
        .iter()
        .map(|s| {
            s["headlines"][0]["value"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    headlines.sort();
    assert_eq!(
        headlines,
        (1..=4)
            .map(|n| format!("Ferry {n} to Elephanta resumes — {word}"))
            .collect::<Vec<_>>()
    );
    let log = server.log_text();
    let taken: usize = log
        .lines()
        .filter_map(|l| {
            l.split("source mail: ")
                .nth(1)?
                .split(" messages")
                .next()?
                .parse::<usize>()
                .ok()
        })
        .sum();
    assert_eq!(
        taken, 3,
        "each INBOX message taken once, across the restart: {log}"
    );
    assert!(
        !log.contains(&dovecot.password),
        "the mailbox password is never logged: {log}"
    );
}
