//! The mapping of a `Story` to an IPTC ninjs object, 2.x or 3.x, with its subjects and
//! associations spelled as the schemas require.
//! Must not: decide whether a story may be shown (the handlers do); it maps whatever it is given.

use jiff::Timestamp;
use serde_json::{Value, json};
use wiredesk_model::{PubStatus, Story, Subject};

use crate::AppState;
use crate::pages::story_url;

/// Which ninjs the API answers in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Profile {
    /// ninjs 2.x: objects valid against the IPTC schemas 2.0, 2.1 and 2.2.
    #[default]
    Ninjs2,
    /// ninjs 3.x (camelCase names): valid against the IPTC schemas 3.0 and 3.1.
    Ninjs3,
}

impl Profile {
    pub(super) fn parse(raw: &str) -> Option<Profile> {
        match raw {
            "ninjs2" => Some(Profile::Ninjs2),
            "ninjs3" => Some(Profile::Ninjs3),
            _ => None,
        }
    }

    /// The property name in this profile for a ninjs 2.x property name: 3.x renamed them to
    /// camelCase (and `embargoed` to `embargoedUntil`).
    pub(super) fn key(self, name: &'static str) -> &'static str {
        if self == Profile::Ninjs2 {
            return name;
        }
        match name {
            "firstcreated" => "firstCreated",
            "versioncreated" => "versionCreated",
            "embargoed" => "embargoedUntil",
            "pubstatus" => "pubStatus",
            "representationtype" => "representationType",
            "contenttype" => "contentType",
            "infosources" => "infoSources",
            "altids" => "altIds",
            "ednote" => "edNote",
            other => other,
        }
    }

    pub(super) fn standard(self) -> Value {
        match self {
            Profile::Ninjs2 => json!({
                "name": "ninjs",
                "version": "2.1",
                "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json",
            }),
            Profile::Ninjs3 => json!({
                "name": "ninjs",
                "version": "3.0",
                "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_3.0.json",
            }),
        }
    }
}

pub(super) fn rfc3339(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A time at the store's precision (microseconds), so that what the API shows, what a cursor
/// holds and what the store compares are the same instant.
pub(super) fn to_micros(t: Timestamp) -> Timestamp {
    Timestamp::from_microsecond(t.as_microsecond()).unwrap_or(t)
}

/// Is `s` an absolute URI as RFC 3986 spells it (`scheme:rest`, ASCII, no characters that
/// must be percent-encoded left bare)? The ninjs schemas require this of every `uri`/`href`.
pub(super) fn is_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut scheme_chars = scheme.chars();
    if !scheme_chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        || !scheme_chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        || rest.is_empty()
    {
        return false;
    }
    let bytes = rest.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            if !(bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
            {
                return false;
            }
            i += 3;
            continue;
        }
        if !(b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&b)) {
            return false;
        }
        i += 1;
    }
    true
}

/// A subject as the wire coded it, when a reader can use it (`Subject::reader_name`): IPTC
/// QCodes become their concept URIs, other http(s) URIs stay URIs, anything else (a feed's
/// category, an agency's code) is a literal beside its name, or just the name when it is one.
/// An agency's ids and addresses are left out.
pub(super) fn subject(s: &Subject) -> Option<Value> {
    let name = s.reader_name()?;
    let code = s.code.as_str();
    let expanded = if let Some(c) = code.strip_prefix("medtop:") {
        format!("http://cv.iptc.org/newscodes/mediatopic/{c}")
    } else if let Some(c) = code.strip_prefix("subj:") {
        format!("http://cv.iptc.org/newscodes/subjectcode/{c}")
    } else {
        code.to_string()
    };
    let is_concept =
        (expanded.starts_with("http://") || expanded.starts_with("https://")) && is_uri(&expanded);
    Some(match is_concept {
        true => json!({"name": name, "uri": expanded}),
        false if name != code => json!({"name": name, "literal": code}),
        false => json!({"name": name}),
    })
}

/// The story's pictures and other media as ninjs `associations`. Every one has the `name` and
/// `uri` the 2.1+ schemas require: an agency id that is not a URI is kept in `altids` beside a
/// URN made from the story's. The caption is a `caption` description, the credit `by`, the files
/// `renditions` (only those with a URI to fetch).
pub(super) fn associations(story: &Story, profile: Profile) -> Vec<Value> {
    let k = |name: &'static str| profile.key(name);
    story
        .associations
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let renditions: Vec<Value> = a
                .renditions
                .iter()
                .filter(|r| is_uri(&r.href))
                .enumerate()
                .map(|(j, r)| {
                    let name = if r.name.is_empty() {
                        format!("rendition{}", j + 1)
                    } else {
                        r.name.clone()
                    };
                    let mut o = json!({"name": name, "href": r.href});
                    if let Some(m) = &r.mimetype {
                        o[k("contenttype")] = json!(m);
                    }
                    if let Some(w) = r.width {
                        o["width"] = json!(w);
                    }
                    if let Some(h) = r.height {
                        o["height"] = json!(h);
                    }
                    o
                })
                .collect();
            let mut altids = Vec::new();
            let uri = match a.uri.as_deref().filter(|u| is_uri(u)) {
                Some(u) => u.to_string(),
                None => {
                    if let Some(agency_id) = &a.uri {
                        altids.push(json!({"role": "agencyid", "value": agency_id}));
                    }
                    format!("urn:wiredesk:story:{}:media:{}", story.id, i + 1)
                }
            };
            let name = if a.name.is_empty() {
                format!("media{}", i + 1)
            } else {
                a.name.clone()
            };
            let mut o = json!({"name": name, "uri": uri});
            if matches!(a.kind.as_str(), "picture" | "graphic" | "video" | "audio") {
                o["type"] = json!(a.kind);
            }
            if let Some(h) = &a.headline {
                o["headlines"] = json!([{"role": "main", "value": h}]);
            }
            if let Some(c) = &a.caption {
                o["descriptions"] =
                    json!([{"role": "caption", k("contenttype"): "text/plain", "value": c}]);
            }
            if let Some(by) = &a.credit {
                o["by"] = json!(by);
            }
            if !renditions.is_empty() {
                o["renditions"] = json!(renditions);
            }
            if !altids.is_empty() {
                o[k("altids")] = json!(altids);
            }
            o
        })
        .collect()
}

/// One story as a ninjs object in `profile`.
pub fn ninjs_object(story: &Story, state: &AppState, profile: Profile) -> Value {
    let k = |name: &'static str| profile.key(name);
    let usable = story.pubstatus == PubStatus::Usable;
    let page = state.config.absolute(&story_url(story));
    let mut altids = vec![json!({"role": "storyid", "value": story.id.as_str()})];
    let uri = if is_uri(&story.uri) {
        story.uri.clone()
    } else {
        // The agency's id is not a URI (a feed's bare guid): a URN made of the story id, as
        // stable as the id, stands in, and the agency's id is kept beside it.
        altids.push(json!({"role": "agencyid", "value": story.uri}));
        format!("urn:wiredesk:story:{}", story.id)
    };
    if let Some(live) = story.went_live() {
        altids.push(json!({"role": "published", "value": to_micros(live).to_string()}));
    }

    let mut headlines = vec![json!({"role": "main", "value": story.headline})];
    if story.headline_rewritten() {
        headlines.push(json!({"role": "agency", "value": story.agency_headline}));
    }
    let mut subjects: Vec<Value> = story.subjects.iter().filter_map(subject).collect();
    subjects.extend(story.topics.iter().map(|t| {
        json!({
            "name": t.name,
            "uri": state.config.absolute(&format!("/topic/{}", t.slug)),
        })
    }));
    let mut renditions = vec![json!({
        "name": "web",
        "title": "The story on the site",
        "href": page,
        k("contenttype"): "text/html",
    })];
    if let Some(source) = story.source_url.as_deref().filter(|s| is_uri(s)) {
        renditions.push(json!({
            "name": "source",
            "title": "The story on the agency's site",
            "href": source,
            k("contenttype"): "text/html",
        }));
    }

    let mut o = json!({
        "uri": uri,
        "type": "text",
        k("representationtype"): if usable { "full" } else { "partial" },
        "version": story.version.to_string(),
        k("firstcreated"): rfc3339(story.first_created),
        k("versioncreated"): rfc3339(story.version_created),
        k("pubstatus"): story.pubstatus.as_str(),
        "headlines": headlines,
        k("infosources"): [{
            "name": story.agency.name,
            // IPTC NewsCodes "information source role" (a URI, as ninjs 2.0 requires).
            "role": "http://cv.iptc.org/newscodes/infosourcerole/originfo",
            "uri": state.config.absolute(&format!("/agency/{}", story.agency.slug)),
        }],
        "renditions": renditions,
        k("altids"): altids,
        "standard": profile.standard(),
    });
    if !subjects.is_empty() {
        o["subjects"] = json!(subjects);
    }
    if usable {
        o["bodies"] =
            json!([{"role": "main", k("contenttype"): "text/html", "value": story.body_html}]);
        o["descriptions"] =
            json!([{"role": "summary", k("contenttype"): "text/plain", "value": story.summary}]);
        let media = associations(story, profile);
        if !media.is_empty() {
            o["associations"] = json!(media);
        }
    } else {
        o[k("ednote")] = json!(match story.pubstatus {
            PubStatus::Canceled =>
                "Killed: do not use. Remove this story wherever it was published.",
            _ => "Withheld: do not use until it is sent again as usable. Take it down meanwhile.",
        });
    }
    if let Some(place) = story.dateline.as_ref().and_then(|d| d.place.as_ref()) {
        o["located"] = json!(place);
    }
    if let Some(by) = &story.byline {
        o["by"] = json!(by);
    }
    if let Some(lang) = &story.language {
        o["language"] = json!(lang);
    }
    if let Some(slug) = &story.slugline {
        o["slugline"] = json!(slug);
    }
    // The same name and range in ninjs 2.x and 3.x.
    if let Some(urgency) = story.urgency.filter(|u| (1..=9).contains(u)) {
        o["urgency"] = json!(urgency);
    }
    if let Some(e) = story.embargoed {
        o[k("embargoed")] = json!(rfc3339(e));
    }
    o
}

/// One story as a ninjs 2.x object.
pub fn ninjs(story: &Story, state: &AppState) -> Value {
    ninjs_object(story, state, Profile::Ninjs2)
}

/// One story as a ninjs 3.x object.
pub fn ninjs3(story: &Story, state: &AppState) -> Value {
    ninjs_object(story, state, Profile::Ninjs3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_checked_as_rfc_3986_spells_them() {
        for ok in [
            "urn:newsml:reuters.com:20260612:nL4N3FL0DS",
            "http://127.0.0.1:8080/story/abc/x-y",
            "urn:wiredesk:pti:0123abcd",
            "https://example.test/a%20b?x=1#f",
        ] {
            assert!(is_uri(ok), "{ok}");
        }
        for bad in [
            "12345",
            "no scheme here",
            "http://example.test/a b",
            "http://example.test/é",
            "1http://x",
            "http:",
            "http://x/%zz",
            "http://x/%4",
        ] {
            assert!(!is_uri(bad), "{bad}");
        }
    }

    #[test]
    fn qcodes_become_concept_uris_and_ids_are_left_out() {
        let s = |code: &str, name: Option<&str>| {
            subject(&Subject {
                code: code.into(),
                name: name.map(str::to_string),
            })
        };
        assert_eq!(
            s("medtop:04000000", Some("economy")),
            Some(
                json!({"name": "economy", "uri": "http://cv.iptc.org/newscodes/mediatopic/04000000"})
            )
        );
        assert_eq!(s("Cricket", None), Some(json!({"name": "Cricket"})));
        assert_eq!(
            s("weather", Some("weather")),
            Some(json!({"name": "weather"}))
        );
        assert_eq!(
            s("ap:sport-12", Some("Sport")),
            Some(json!({"name": "Sport", "literal": "ap:sport-12"}))
        );
        // The agency's place ids and a hotel's address are no subjects for a reader.
        assert_eq!(s("dpageo:3169070", None), None);
        assert_eq!(
            s(
                "poi:7",
                Some("Hotel Adlon Kempinski, Unter den Linden 77, 10117 Berlin")
            ),
            None
        );
    }

    /// registered under its id).
    fn validators(files: &[&str]) -> Vec<(String, jsonschema::Validator)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/ninjs");
        let load = |f: &str| -> Value {
            serde_json::from_str(&std::fs::read_to_string(dir.join(f)).unwrap()).unwrap()
        };
        let registry = jsonschema::Registry::new()
            .add(
                "https://geojson.org/schema/GeoJSON.json",
                load("GeoJSON.json"),
            )
            .unwrap()
            .prepare()
            .unwrap();
        files
            .iter()
            .map(|f| {
                let v = jsonschema::options()
                    .with_registry(&registry)
                    .should_validate_formats(true)
                    .build(&load(f))
                    .unwrap();
                (f.to_string(), v)
            })
            .collect()
    }

    #[tokio::test]
    async fn associations_are_valid_ninjs_2_and_3() {
        use std::sync::Arc;
        use wiredesk_model::{Association, Rendition};
        let store: Arc<dyn wiredesk_store::Store> =
            Arc::new(wiredesk_store::SqliteStore::in_memory().await.unwrap());
        let index = Arc::new(wiredesk_index::SearchIndex::in_memory().unwrap());
        let state = AppState::new(
            store,
            index,
            Default::default(),
            crate::SiteConfig::default(),
        )
        .unwrap();
        let t: Timestamp = "2026-11-06T09:00:00Z".parse().unwrap();
        let mut story = wiredesk_model::testing::story("urn:wdn:bridge", "Bridge", "Copy.", t);
        story.published = Some(t);
        story.associations = vec![
            Association {
                name: "picture1".into(),
                kind: "picture".into(),
                uri: Some("urn:newsml:wire.example:20261106:bridge-photo".into()),
                headline: Some("Cars cross the bridge".into()),
                caption: Some("Cars cross the harbour bridge in Porto.".into()),
                credit: Some("Ana Lima/WDN".into()),
                renditions: vec![
                    Rendition {
                        name: "rnd:web".into(),
                        href: "https://wire.example/photos/bridge.jpg".into(),
                        mimetype: Some("image/jpeg".into()),
                        width: Some(1200),
                        height: Some(800),
                    },
                    Rendition {
                        href: "https://wire.example/photos/a bridge.jpg".into(),
                        ..Rendition::default()
                    },
                ],
            },
            Association {
                kind: "audio".into(),
                uri: Some("fedcba9876543210".into()),
                ..Association::default()
            },
        ];
        for (profile, files) in [
            (
                Profile::Ninjs2,
                &[
                    "ninjs-schema_2.0.json",
                    "ninjs-schema_2.1.json",
                    "ninjs-schema_2.2.json",
                ][..],
            ),
            (
                Profile::Ninjs3,
                &["ninjs-schema_3.0.json", "ninjs-schema_3.1.json"][..],
            ),
        ] {
            let o = ninjs_object(&story, &state, profile);
            for (file, v) in validators(files) {
                let errors: Vec<String> = v
                    .iter_errors(&o)
                    .map(|e| format!("{e} at {}", e.instance_path()))
                    .collect();
                assert!(errors.is_empty(), "{file}: {errors:?}\n{o:#}");
            }
            let picture = &o["associations"][0];
            assert_eq!(picture["name"], "picture1");
            assert_eq!(picture["type"], "picture");
            assert_eq!(picture["by"], "Ana Lima/WDN");
            assert_eq!(
                picture["descriptions"][0]["value"],
                "Cars cross the harbour bridge in Porto."
            );
            assert_eq!(
                picture["renditions"].as_array().map(Vec::len),
                Some(1),
                "a rendition whose href is no URI is left out: {picture}"
            );
            let audio = &o["associations"][1];
            assert_eq!(audio["name"], "media2");
            assert_eq!(
                audio["uri"],
                format!("urn:wiredesk:story:{}:media:2", story.id)
            );
            assert_eq!(audio[profile.key("altids")][0]["value"], "fedcba9876543210");
            // The caption stays out of the copy.
            assert!(!o["bodies"][0]["value"].as_str().unwrap().contains("Porto"));
        }
        // A killed story hands out no pictures.
        story.pubstatus = PubStatus::Canceled;
        assert!(ninjs(&story, &state).get("associations").is_none());
    }

    /// `urgency` reaches partners through the list and the single story, in both profiles,
    /// and is left out when the agency sent none.
    #[tokio::test]
    async fn the_api_hands_out_the_agency_urgency() {
        use std::sync::Arc;
        use tower::ServiceExt;
        let store: Arc<dyn wiredesk_store::Store> =
            Arc::new(wiredesk_store::SqliteStore::in_memory().await.unwrap());
        let t = Timestamp::now() - jiff::SignedDuration::from_hours(1);
        let mut flash = wiredesk_model::testing::story("urn:wdn:flash", "Flash", "Copy.", t);
        flash.urgency = Some(1);
        let plain = wiredesk_model::testing::story("urn:wdn:plain", "Plain", "Copy.", t);
        for story in [flash.clone(), plain.clone()] {
            wiredesk_store::conformance::publish(store.as_ref(), story, t).await;
        }
        let index = Arc::new(wiredesk_index::SearchIndex::in_memory().unwrap());
        let state = AppState::new(
            store,
            index,
            Default::default(),
            crate::SiteConfig::default(),
        )
        .unwrap();
        let get = |path: String| {
            let state = state.clone();
            async move {
                let request = axum::http::Request::get(path)
                    .body(axum::body::Body::empty())
                    .unwrap();
                let response = crate::router(state).oneshot(request).await.unwrap();
                assert_eq!(response.status(), 200);
                let body = axum::body::to_bytes(response.into_body(), usize::MAX)
                    .await
                    .unwrap();
                serde_json::from_slice::<Value>(&body).unwrap()
            }
        };
        for profile in ["ninjs2", "ninjs3"] {
            let page = get(format!("/api/v1/stories?profile={profile}")).await;
            let urgency = |uri: &str| {
                page["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|o| o["uri"] == uri)
                    .map(|o| o.get("urgency").cloned())
                    .unwrap()
            };
            assert_eq!(urgency("urn:wdn:flash"), Some(json!(1)), "{profile}");
            assert_eq!(urgency("urn:wdn:plain"), None, "{profile}");
            let one = get(format!("/api/v1/stories/{}?profile={profile}", flash.id)).await;
            assert_eq!(one["urgency"], json!(1), "{profile}");
        }
        let published = ninjs(&flash, &state);
        for (file, v) in validators(&["ninjs-schema_2.0.json", "ninjs-schema_2.1.json"]) {
            assert!(v.is_valid(&published), "{file}: {published:#}");
        }
        let published = ninjs3(&flash, &state);
        for (file, v) in validators(&["ninjs-schema_3.0.json", "ninjs-schema_3.1.json"]) {
            assert!(v.is_valid(&published), "{file}: {published:#}");
        }
    }
}
