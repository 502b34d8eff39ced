//! The one rule for secrets in source URLs: agencies hand out feed URLs that carry a password
//! (`ftp://user:pass@host/`) or a key in the query (`?apikey=…`). Whatever shows a source's URL
//! or an error about it (desk, CLI, logs, metrics, health) passes it through here first.

/// Stands in for a hidden secret.
const MASK: &str = "***";

/// Parts of a name that mark it as secret whatever surrounds them (`apikey`, `x-api-key`,
/// `authToken`, `password`); names are compared decoded and lower-cased.
const SECRET_PARTS: [&str; 5] = ["key", "token", "secret", "pass", "auth"];

/// Secret names that hold none of those parts.
const SECRET_NAMES: [&str; 6] = [
    "signature",
    "sig",
    "pwd",
    "session",
    "credential",
    "credentials",
];

/// `url` with its userinfo's password (or a userinfo with no user:password split, which
/// is a token) and the values of key-like query and fragment parameters replaced by `***`.
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let (scheme, rest) = (&url[..scheme_end], &url[scheme_end + 3..]);
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let mut out = format!("{scheme}://");
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            match userinfo.split_once(':') {
                Some((user, _password)) => out.push_str(&format!("{user}:{MASK}")),
                None => out.push_str(MASK),
            }
            out.push('@');
            out.push_str(host);
        }
        None => out.push_str(authority),
    }
    let (before_fragment, fragment) = match tail.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (tail, None),
    };
    match before_fragment.split_once('?') {
        Some((path, query)) => {
            out.push_str(path);
            out.push('?');
            out.push_str(&redact_pairs(query));
        }
        None => out.push_str(before_fragment),
    }
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(&redact_pairs(fragment));
    }
    out
}

/// Free text that may quote URLs (an HTTP client's or a TOML parser's error message): every
/// URL in it redacted as `redact_url` does, the rest kept.
pub fn redact_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let scheme_start = rest[..at]
            .char_indices()
            .rev()
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let end = rest[at..]
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '<' | '>' | '`'))
            .map_or(rest.len(), |i| at + i);
        // Closing punctuation around a quoted URL stays text.
        let url_end = scheme_start
            + rest[scheme_start..end]
                .trim_end_matches([')', ']', ',', '.', ';', '\''])
                .len();
        out.push_str(&rest[..scheme_start]);
        out.push_str(&redact_url(&rest[scheme_start..url_end]));
        out.push_str(&rest[url_end..end]);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// `a=1&apikey=…` with each secret value masked; names and other values as they were.
fn redact_pairs(pairs: &str) -> String {
    pairs
        .split_inclusive(['&', ';'])
        .map(|pair| {
            let (pair, separator) = match pair.strip_suffix(['&', ';']) {
                Some(p) => (p, &pair[p.len()..]),
                None => (pair, ""),
            };
            match pair.split_once('=') {
                Some((name, _)) if is_secret_name(name) => format!("{name}={MASK}{separator}"),
                _ => format!("{pair}{separator}"),
            }
        })
        .collect()
}

fn is_secret_name(name: &str) -> bool {
    // As a form decoder reads it: `+` is a space, `%5F` an underscore.
    let name = name.replace('+', " ");
    let name = percent_encoding::percent_decode_str(&name)
        .decode_utf8_lossy()
        .to_lowercase();
    SECRET_NAMES.contains(&name.as_str()) || SECRET_PARTS.iter().any(|p| name.contains(p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn key_like_parameters_are_masked_and_the_rest_kept() {
        assert_eq!(
            redact_url("https://feeds.example/rss?apikey=SECRET&q=1"),
            "https://feeds.example/rss?apikey=***&q=1"
        );
        assert_eq!(
            redact_url("https://a.example/f?q=x&X-Api-Key=S1;sig=S2#access_token=S3&page=2"),
            "https://a.example/f?q=x&X-Api-Key=***;sig=***#access_token=***&page=2"
        );
        assert_eq!(
            redact_url("https://a.example/f?api%5Fkey=S&%61uth=S&Token=S&lang=en"),
            "https://a.example/f?api%5Fkey=***&%61uth=***&Token=***&lang=en"
        );
        assert_eq!(
            redact_url("https://a.example/latest?q=news&page=2"),
            "https://a.example/latest?q=news&page=2"
        );
    }

    #[test]
    fn userinfo_is_masked() {
        assert_eq!(
            redact_url("ftp://pti:p%40ss@ftp.example/in/?key=K"),
            "ftp://pti:***@ftp.example/in/?key=***"
        );
        assert_eq!(
            redact_url("https://ghp_TOKEN@a.example/f"),
            "https://***@a.example/f"
        );
        // An @ in the path is not userinfo.
        assert_eq!(
            redact_url("https://a.example/@desk/feed"),
            "https://a.example/@desk/feed"
        );
    }

    #[test]
    fn urls_in_error_messages_are_masked() {
        let message = "error sending request for url (http://127.0.0.1:9/feed?apikey=SEKRET&q=1): \
                       connection refused; redirect loop: https://u:pw@b.example/x?token=T2 was visited";
        let shown = redact_text(message);
        assert_eq!(
            shown,
            "error sending request for url (http://127.0.0.1:9/feed?apikey=***&q=1): \
             connection refused; redirect loop: https://u:***@b.example/x?token=*** was visited"
        );
        assert_eq!(redact_text("no URL here: a=b"), "no URL here: a=b");
        // Text around a URL may be any Unicode.
        assert_eq!(
            redact_text("échec—https://a.example/?key=S « é://x?pass=P »"),
            "échec—https://a.example/?key=*** « é://x?pass=*** »"
        );
    }

    proptest! {
        #[test]
        fn a_secret_value_never_survives(
            name in prop::sample::select(vec![
                "apikey", "api_key", "API%5FKEY", "key", "token", "access_token", "auth",
                "signature", "sig", "secret", "password", "pass", "pwd", "session",
                "credential", "clientSecret", "x-api-key", "authToken",
            ]),
            secret in "[A-Za-z0-9]{12,24}",
            path in "/[a-z/]{0,12}",
            other in "[a-z]{1,6}=[a-z0-9]{0,6}".prop_filter("not a secret", |o| {
                !is_secret_name(o.split('=').next().unwrap_or(""))
            }),
            before in prop::bool::ANY,
            wrapped in prop::bool::ANY,
            around in "\\PC{0,8}",
        ) {
            let query = if before {
                format!("{other}&{name}={secret}")
            } else {
                format!("{name}={secret}&{other}")
            };
            let url = format!("https://user:{secret}@feeds.example{path}?{query}");
            let shown = redact_url(&url);
            prop_assert!(!shown.contains(&secret), "{shown}");
            prop_assert!(shown.contains(&other), "{shown}");
            let text = if wrapped {
                format!("{around}fetch failed (url: {url}): {around}")
            } else {
                url.clone()
            };
            let shown = redact_text(&text);
            prop_assert!(!shown.contains(&secret), "{shown}");
            prop_assert!(shown.contains(&other), "{shown}");
            // Masking what is already masked changes nothing.
            prop_assert_eq!(redact_text(&shown), shown.clone());
        }
    }
}
