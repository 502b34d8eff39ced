//! Story clusters: which stories on the site are the same copy — an agency's re-sends, or one
//! report run by several agencies — so the site can show them as one entry with a "full
//! coverage" page rather than as rival stories.
//!
//! A thin layer over `dedupe::Deduper` that speaks story ids. It is a projection: whoever owns
//! it feeds it stories in log order and can always build it again from the log. It knows
//! nothing of liveness; callers filter members through the store, so a kill needs no update
//! here.

use rustc_hash::FxHashMap;
use wiredesk_model::{Story, StoryId};

use crate::dedupe::{DedupeConfig, Deduper};
use wiredesk_model::text::html_to_text;

/// Tuning for the site's clusters. The evaluation (`wiredesk eval dedupe`) measures the
/// strict setting (Jaccard 0.8); the site groups at 0.5 so that a re-send with a rewritten
/// opening paragraph still joins its original. Half of all 5-word runs shared is never
/// chance: it is the same copy.
pub fn site_config() -> DedupeConfig {
    // 32 bands of 3 rows: a pair at Jaccard 0.5 becomes a candidate with probability
    // 1 - (1 - 0.5^3)^32 = 0.986; every candidate is then checked exactly.
    DedupeConfig {
        threshold: 0.5,
        shingle_words: 5,
        bands: 32,
        rows: 3,
    }
}

/// The words a story is compared on: headline and copy, without markup.
pub fn cluster_text(story: &Story) -> String {
    format!(
        "{}\n{}",
        story.agency_headline,
        html_to_text(&story.body_html)
    )
}

/// Stories grouped into clusters as they arrive.
pub struct Clusters {
    deduper: Deduper,
    /// Document number → story.
    stories: Vec<StoryId>,
    docs: FxHashMap<StoryId, u32>,
    /// Cluster (its first document) → its documents in arrival order. Only clusters of two or
    /// more are listed; a story alone is its own cluster.
    members: FxHashMap<u32, Vec<u32>>,
    /// Document → the key of its list in `members`, `NONE` while it is alone.
    listed_under: Vec<u32>,
}

const NONE: u32 = u32::MAX;

impl Clusters {
    pub fn new(config: DedupeConfig) -> Clusters {
        Clusters {
            deduper: Deduper::for_clusters(config),
            stories: Vec::new(),
            docs: FxHashMap::default(),
            members: FxHashMap::default(),
            listed_under: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.stories.len()
    }

    /// Stop comparing later copy with this story's text (`Deduper::forget`); it keeps its
    /// cluster.
    pub fn forget(&mut self, id: &StoryId) {
        if let Some(&doc) = self.docs.get(id) {
            self.deduper.forget(doc);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.stories.is_empty()
    }

    /// Add a story by its text. A story already added keeps its cluster: a newer version of
    /// the copy is still the same story.
    pub fn add(&mut self, id: &StoryId, text: &str) {
        if self.docs.contains_key(id) {
            return;
        }
        let added = self.deduper.add(text);
        self.stories.push(id.clone());
        self.docs.insert(id.clone(), added.doc);
        self.listed_under.push(NONE);
        if added.duplicates.is_empty() {
            return;
        }
        // The new document joined (and possibly merged) clusters: gather every member of the
        // clusters it touched under the surviving cluster, in arrival order.
        // `duplicates` names one document per cluster touched (`Deduper::for_clusters`). The
        // common case, joining one listed cluster that keeps its name, is an append: the new
        // document is the latest, so arrival order holds.
        if let [(other, _)] = added.duplicates[..] {
            let key = self.listed_under[other as usize];
            if key == added.cluster
                && let Some(docs) = self.members.get_mut(&key)
            {
                docs.push(added.doc);
                self.listed_under[added.doc as usize] = key;
                return;
            }
        }
        let mut merged = vec![added.doc];
        for &(other, _) in &added.duplicates {
            let key = self.listed_under[other as usize];
            match self.members.remove(&key) {
                Some(docs) => merged.extend(docs),
                None => merged.push(other),
            }
        }
        merged.sort_unstable();
        merged.dedup();
        for &doc in &merged {
            self.listed_under[doc as usize] = added.cluster;
        }
        self.members.insert(added.cluster, merged);
    }

    /// The stories in `id`'s cluster, first arrival first, `id` included; just `id` when it
    /// is alone or was never added (as `cluster_of` names it).
    pub fn members(&self, id: &StoryId) -> Vec<StoryId> {
        self.each_member(id).cloned().collect()
    }

    /// `members` without copying them: a caller after the first one that passes a test reads
    /// one, where a cluster of a template story (the daily markets report) grows for years.
    pub fn each_member<'a>(&'a self, id: &'a StoryId) -> impl Iterator<Item = &'a StoryId> {
        let listed = self
            .docs
            .get(id)
            .and_then(|&doc| self.members.get(&self.deduper.cluster_of(doc)))
            .map_or(&[][..], Vec::as_slice);
        let alone = listed.is_empty().then_some(id);
        listed
            .iter()
            .map(|&d| &self.stories[d as usize])
            .chain(alone)
    }

    /// The cluster's name: the id of its first story. A story never added is its own.
    pub fn cluster_of(&self, id: &StoryId) -> StoryId {
        match self.docs.get(id) {
            Some(&doc) => self.stories[self.deduper.cluster_of(doc) as usize].clone(),
            None => id.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "Heavy monsoon rain flooded the low-lying districts of the city on \
        Tuesday, forcing the evacuation of thousands of residents and halting train services \
        on the main suburban line for most of the day, officials said. The weather office \
        warned of more rain over the next two days and asked fishermen not to venture out.";

    fn id(s: &str) -> StoryId {
        StoryId(s.into())
    }

    #[test]
    fn a_resend_joins_its_original_and_unrelated_copy_stays_alone() {
        let mut clusters = Clusters::new(site_config());
        clusters.add(&id("a"), REPORT);
        clusters.add(
            &id("b"),
            "The central bank left its policy rate unchanged on Wednesday and said inflation \
             was easing faster than it had expected, sending bond yields lower.",
        );
        // The re-send adds a paragraph: still the same copy.
        let resend = format!("{REPORT} Schools in the affected districts will stay closed.");
        clusters.add(&id("c"), &resend);
        assert_eq!(clusters.members(&id("c")), vec![id("a"), id("c")]);
        assert_eq!(clusters.cluster_of(&id("c")), id("a"));
        assert_eq!(clusters.members(&id("b")), vec![id("b")]);
        assert_eq!(clusters.cluster_of(&id("b")), id("b"));
        assert_eq!(clusters.members(&id("unknown")), vec![id("unknown")]);
    }

    #[test]
    fn a_story_bridging_two_clusters_merges_them_in_arrival_order() {
        let first = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima \
                     mike november oscar papa quebec romeo sierra tango";
        let second = "uniform victor whiskey xray yankee zulu one two three four five six \
                      seven eight nine ten eleven twelve thirteen fourteen";
        let mut clusters = Clusters::new(DedupeConfig {
            threshold: 0.3,
            ..site_config()
        });
        clusters.add(&id("x"), first);
        clusters.add(&id("y"), second);
        clusters.add(&id("x2"), first);
        clusters.add(&id("y2"), second);
        assert_eq!(clusters.members(&id("y")), vec![id("y"), id("y2")]);
        // Half of each: Jaccard with each side is about 0.4, above this test's 0.3.
        let bridge = format!("{first} {second}");
        clusters.add(&id("both"), &bridge);
        let members = clusters.members(&id("y2"));
        assert_eq!(
            members,
            vec![id("x"), id("y"), id("x2"), id("y2"), id("both")]
        );
        assert_eq!(clusters.cluster_of(&id("y")), id("x"));
    }

    #[test]
    fn adding_a_story_twice_keeps_one_entry() {
        let mut clusters = Clusters::new(site_config());
        clusters.add(&id("a"), REPORT);
        clusters.add(&id("a"), "entirely different words now");
        assert_eq!(clusters.len(), 1);
        assert_eq!(clusters.members(&id("a")), vec![id("a")]);
    }
}
