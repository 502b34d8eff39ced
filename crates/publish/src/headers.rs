//! The security headers on every reader and partner response: pages, feeds, API, sitemaps,
//! static files, errors and 304s alike.
//!
//! Owns: the site's Content-Security-Policy, nosniff, Referrer-Policy, framing and HSTS.
//! Must not: set caching headers (`http_cache` does) or touch the desk, which is merged
//! outside this router and keeps its own, stricter policy.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::response::Response;

use crate::SiteConfig;

/// Reader pages run no script at all; `script-src 'self'` still leaves room for a static
/// file of the site's own. JSON-LD is a data block, which script-src does not govern.
/// Story pictures are the agencies' own files, so images may come from anywhere on the web.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' https: http: data:; object-src 'none'; \
     base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// A year, the figure browsers' preload lists ask for. Subdomains are left out: they may be
/// other sites of the publication's that this one cannot speak for.
const HSTS: &str = "max-age=31536000";

#[derive(Clone, Copy, Debug)]
pub struct SecurityHeaders {
    /// Only a site served over https may tell browsers to insist on https.
    hsts: bool,
}

impl SecurityHeaders {
    pub fn for_site(config: &SiteConfig) -> SecurityHeaders {
        SecurityHeaders {
            hsts: config.base_url.starts_with("https://"),
        }
    }

    fn apply(self, headers: &mut HeaderMap) {
        let mut set = |name: HeaderName, value: &'static str| {
            // A handler's own, more specific value wins.
            headers
                .entry(name)
                .or_insert(HeaderValue::from_static(value));
        };
        set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
        set(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
        set(header::REFERRER_POLICY, "strict-origin-when-cross-origin");
        // frame-ancestors for current browsers, X-Frame-Options for those that predate it.
        set(header::X_FRAME_OPTIONS, "DENY");
        if self.hsts {
            set(header::STRICT_TRANSPORT_SECURITY, HSTS);
        }
    }
}

pub async fn layer(State(security): State<SecurityHeaders>, mut response: Response) -> Response {
    security.apply(response.headers_mut());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn applied(base_url: &str) -> HeaderMap {
        let config = SiteConfig {
            base_url: base_url.into(),
            ..SiteConfig::default()
        };
        let mut headers = HeaderMap::new();
        SecurityHeaders::for_site(&config).apply(&mut headers);
        headers
    }

    #[test]
    fn hsts_only_for_an_https_site() {
        assert!(!applied("http://news.example").contains_key(header::STRICT_TRANSPORT_SECURITY));
        assert_eq!(
            applied("https://news.example")[header::STRICT_TRANSPORT_SECURITY],
            HSTS
        );
    }

    #[test]
    fn a_handlers_own_header_is_kept() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("SAMEORIGIN"),
        );
        SecurityHeaders::for_site(&SiteConfig::default()).apply(&mut headers);
        assert_eq!(headers[header::X_FRAME_OPTIONS], "SAMEORIGIN");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }
}
