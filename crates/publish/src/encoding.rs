//! Content codings for cached pages: each page is compressed once when it is rendered, and
//! every request picks the body its `Accept-Encoding` prefers, with no compression work.
//!
//! Owns: the negotiation rule (RFC 9110 §12.5.3, q-values) and the compression levels.
//! Must not: compress per request; responses that are not cached go through tower-http's
//! `CompressionLayer` instead, which leaves a response that already names its coding alone.
//!
//! Our own negotiation because tower-http keeps its parser private and no maintained crate
//! offers one on its own; the rule is a dozen lines.

use std::io::Write;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, header};

/// Brotli quality. Measured on the demo's article (29 KB) and home page (43 KB): quality 5
/// takes 1.0–1.3 ms for 7.1 and 8.6 KB; 9 takes 16 ms for nothing more; 11 takes 33–64 ms for
/// 15% less. A page is rendered again after every event that touches it (the home page up to
/// five times a second under a live feed), so 11 would cost a third of a core there.
const BROTLI_QUALITY: u32 = 5;
/// Brotli's window: 4 MiB, what browsers accept.
const BROTLI_WINDOW: u32 = 22;
/// Gzip level: zlib's default, 0.4–0.9 ms on the same pages; 9 saves nothing more there.
const GZIP_LEVEL: u32 = 6;
/// Bodies smaller than this are sent as they are: the framing costs more than it saves.
const MIN_COMPRESSED: usize = 512;

/// Marks a response whose body is already in its final coding, so the compression layer
/// leaves it alone (identity included: the page chose it).
#[derive(Clone, Copy, Debug)]
pub struct Encoded;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coding {
    Identity,
    Gzip,
    Brotli,
}

impl Coding {
    fn name(self) -> Option<&'static str> {
        match self {
            Coding::Identity => None,
            Coding::Gzip => Some("gzip"),
            Coding::Brotli => Some("br"),
        }
    }
}

/// The coding a request prefers among `offered`: the highest q-value, ties broken towards
/// the smaller body (br, then gzip, then identity). Identity is acceptable unless the request
/// rules it out (`identity;q=0`, or `*;q=0` without naming it); when it rules out everything
/// offered, identity is sent anyway, as RFC 9110 allows.
pub fn negotiate(request: &HeaderMap, offered: &[Coding]) -> Coding {
    let (mut br, mut gzip, mut identity, mut any) = (None, None, None, None);
    for value in request.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut params = item.split(';');
            let coding = params.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = params
                .filter_map(|p| p.split_once('='))
                .find(|(k, _)| k.trim().eq_ignore_ascii_case("q"))
                .map_or(Some(1.0), |(_, v)| v.trim().parse::<f32>().ok())
                .map(|q| q.clamp(0.0, 1.0));
            let Some(q) = q else { continue };
            match coding.as_str() {
                "br" => br = Some(q),
                "gzip" | "x-gzip" => gzip = Some(q),
                "identity" => identity = Some(q),
                "*" => any = Some(q),
                _ => {}
            }
        }
    }
    let q = |coding: Coding| match coding {
        Coding::Brotli => br.or(any).unwrap_or(0.0),
        Coding::Gzip => gzip.or(any).unwrap_or(0.0),
        // Unnamed, identity is acceptable but the last choice: a client that names codings
        // wants them.
        Coding::Identity => identity.or(any).unwrap_or(0.001),
    };
    [Coding::Identity, Coding::Gzip, Coding::Brotli]
        .into_iter()
        .filter(|c| offered.contains(c) && q(*c) > 0.0)
        // `max_by` keeps the last of equals: br over gzip over identity.
        .max_by(|a, b| q(*a).total_cmp(&q(*b)))
        .unwrap_or(Coding::Identity)
}

/// One page's body in every coding worth sending.
#[derive(Clone, Debug)]
pub struct Bodies {
    pub identity: Bytes,
    gzip: Option<Bytes>,
    brotli: Option<Bytes>,
}

impl Bodies {
    /// Compress `identity` once in each coding; a coding that does not make it smaller is
    /// not kept.
    pub fn compress(identity: Bytes) -> Bodies {
        // Copied to exact size: a rendered page's buffer and the encoders' outputs grow by
        // doubling, and a cache of them would hold up to twice what it counts.
        let identity = Bytes::copy_from_slice(&identity);
        if identity.len() < MIN_COMPRESSED {
            return Bodies::identity(identity);
        }
        let smaller = |b: Vec<u8>| (b.len() < identity.len()).then(|| Bytes::copy_from_slice(&b));
        Bodies {
            gzip: gzip_of(&identity).and_then(smaller),
            brotli: brotli_of(&identity).and_then(smaller),
            identity,
        }
    }

    /// A body sent as it is, in every case.
    pub fn identity(identity: Bytes) -> Bodies {
        Bodies {
            identity,
            gzip: None,
            brotli: None,
        }
    }

    /// The body for a request, and the coding it is in.
    pub fn pick(&self, request: &HeaderMap) -> (Coding, &Bytes) {
        let mut offered = vec![Coding::Identity];
        offered.extend(self.gzip.as_ref().map(|_| Coding::Gzip));
        offered.extend(self.brotli.as_ref().map(|_| Coding::Brotli));
        match negotiate(request, &offered) {
            Coding::Brotli => (
                Coding::Brotli,
                self.brotli.as_ref().unwrap_or(&self.identity),
            ),
            Coding::Gzip => (Coding::Gzip, self.gzip.as_ref().unwrap_or(&self.identity)),
            Coding::Identity => (Coding::Identity, &self.identity),
        }
    }

    /// Bytes held, for the cache's bound.
    pub fn size(&self) -> usize {
        self.identity.len()
            + self.gzip.as_ref().map_or(0, Bytes::len)
            + self.brotli.as_ref().map_or(0, Bytes::len)
    }

    /// Whether more than one coding is on offer: then caches must key on `Accept-Encoding`.
    pub fn varies(&self) -> bool {
        self.gzip.is_some() || self.brotli.is_some()
    }
}

/// Set the headers that say which coding `coding` is, on a response carrying it.
pub fn label(headers: &mut HeaderMap, coding: Coding, varies: bool) {
    if let Some(name) = coding.name() {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(name));
    }
    if varies {
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
}

fn gzip_of(body: &[u8]) -> Option<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 4),
        flate2::Compression::new(GZIP_LEVEL),
    );
    encoder.write_all(body).ok()?;
    encoder.finish().ok()
}

fn brotli_of(body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len() / 4);
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY as i32,
        lgwin: BROTLI_WINDOW as i32,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &body[..], &mut out, &params).ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn asks(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).unwrap(),
        );
        h
    }

    #[test]
    fn negotiation_follows_q_values() {
        let all = [Coding::Identity, Coding::Gzip, Coding::Brotli];
        let negotiate = |h: &HeaderMap| negotiate(h, &all);
        assert_eq!(negotiate(&HeaderMap::new()), Coding::Identity);
        assert_eq!(negotiate(&asks("gzip, deflate, br")), Coding::Brotli);
        assert_eq!(negotiate(&asks("gzip, deflate")), Coding::Gzip);
        assert_eq!(negotiate(&asks("br;q=0.5, gzip;q=0.8")), Coding::Gzip);
        assert_eq!(negotiate(&asks("br;Q=0, gzip;q=0.1")), Coding::Gzip);
        assert_eq!(negotiate(&asks("br;q=0, gzip;q=0")), Coding::Identity);
        assert_eq!(negotiate(&asks("*")), Coding::Brotli);
        assert_eq!(negotiate(&asks("*;q=0.5, br;q=0.2")), Coding::Gzip);
        assert_eq!(negotiate(&asks("identity")), Coding::Identity);
        assert_eq!(negotiate(&asks("identity;q=0, gzip;q=0.1")), Coding::Gzip);
        assert_eq!(negotiate(&asks("compress, deflate")), Coding::Identity);
        // A malformed q-value does not count as an offer.
        assert_eq!(negotiate(&asks("br;q=high, gzip")), Coding::Gzip);
        // Only what the page has is chosen.
        let plain_or_gzip = [Coding::Identity, Coding::Gzip];
        assert_eq!(
            super::negotiate(&asks("br, gzip;q=0.5"), &plain_or_gzip),
            Coding::Gzip
        );
    }

    #[test]
    fn each_coding_decodes_to_the_page() {
        let page: String = (0..400)
            .map(|i| format!("<li><a href=\"/story/{i}\">Story {i}</a></li>"))
            .collect();
        let bodies = Bodies::compress(Bytes::from(page.clone()));
        let (coding, br) = bodies.pick(&asks("gzip, deflate, br"));
        assert_eq!(coding, Coding::Brotli);
        let mut out = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut out).unwrap();
        assert_eq!(out, page.as_bytes());
        let (coding, gz) = bodies.pick(&asks("gzip"));
        assert_eq!(coding, Coding::Gzip);
        let mut out = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, page);
        assert!(br.len() < page.len() / 4 && gz.len() < page.len() / 4);
        let (coding, plain) = bodies.pick(&HeaderMap::new());
        assert_eq!((coding, &plain[..]), (Coding::Identity, page.as_bytes()));
    }

    #[test]
    fn small_bodies_and_refused_codings_go_as_they_are() {
        let tiny = Bodies::compress(Bytes::from_static(b"<p>ok</p>"));
        assert_eq!(tiny.pick(&asks("br")).0, Coding::Identity);
        assert!(!tiny.varies());
        let page = Bodies::compress(Bytes::from("x".repeat(4096)));
        assert_eq!(page.pick(&asks("br;q=0, gzip;q=0")).0, Coding::Identity);
    }
}
