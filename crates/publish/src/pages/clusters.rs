//! How clusters show on the reader's pages: one entry per cluster in every list, a "full
//! coverage" link on an entry whose cluster has other live reports, the full-coverage page,
//! and Hot this week's choice among clusters.
//!
//! Clusters come from `Projections` and may name stories that are no longer live; every
//! story shown here is checked with `Story::is_live`.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::HeaderValue;
use axum::response::Response;
use jiff::Timestamp;
use wiredesk_model::{Story, StoryId};
use wiredesk_store::StoreError;

use super::{Card, ListingPage, NavLink, not_found, render, unavailable};
use crate::AppState;

/// A link to the other reports of a story's cluster.
pub struct Coverage {
    pub url: String,
    /// Live reports in the cluster, the story itself included.
    pub reports: usize,
}

pub fn coverage_url(cluster: &StoryId) -> String {
    format!("/coverage/{cluster}")
}

impl AppState {
    /// Keep the first story of each cluster, in order.
    pub(crate) fn one_per_event(&self, stories: impl IntoIterator<Item = Story>) -> Vec<Story> {
        let mut seen = HashSet::new();
        stories
            .into_iter()
            .filter(|s| seen.insert(self.projections.event_of(&s.id)))
            .collect()
    }

    /// Cards for `stories`, one per entry: each event headed by its best live report (the
    /// one listed when the desk pinned it, else the most complete), with the event's full
    /// coverage link when it has more than one live report.
    pub(crate) async fn cards(
        &self,
        stories: &[Story],
        now: Timestamp,
    ) -> Result<Vec<Card>, StoreError> {
        let clusters: Vec<StoryId> = stories
            .iter()
            .map(|s| self.projections.event_of(&s.id))
            .collect();
        let reports = self.live_reports(&clusters, now).await?;
        let head_of = |story: &Story, cluster: &StoryId| -> Option<StoryId> {
            let best = reports.get(cluster)?.best.clone()?;
            (story.pinned_at.is_none() && best != story.id).then_some(best)
        };
        let wanted: Vec<StoryId> = stories
            .iter()
            .zip(&clusters)
            .filter_map(|(s, c)| head_of(s, c))
            .collect();
        let heads: HashMap<StoryId, Story> = if wanted.is_empty() {
            HashMap::new()
        } else {
            self.store
                .stories(&wanted)
                .await?
                .into_iter()
                .filter(|s| s.is_live(now))
                .map(|s| (s.id.clone(), s))
                .collect()
        };
        Ok(stories
            .iter()
            .zip(&clusters)
            .map(|(story, cluster)| {
                let shown = head_of(story, cluster)
                    .and_then(|id| heads.get(&id))
                    .unwrap_or(story);
                let mut card = self.card(shown);
                // The count and the head change when a report joins the event or leaves the
                // site.
                crate::cache::shows_coverage(cluster);
                card.coverage = reports.get(cluster).and_then(|r| r.coverage(cluster));
                card
            })
            .collect())
    }

    /// The full-coverage link of `story`'s event, when it has other live reports.
    pub(crate) async fn coverage_of(
        &self,
        story: &Story,
        now: Timestamp,
    ) -> Result<Option<Coverage>, StoreError> {
        let cluster = self.projections.event_of(&story.id);
        crate::cache::shows_coverage(&cluster);
        let reports = self
            .live_reports(std::slice::from_ref(&cluster), now)
            .await?;
        Ok(reports.get(&cluster).and_then(|r| r.coverage(&cluster)))
    }

    /// Each of `clusters`' live reports counted and its best named, from the memo while the
    /// log has not moved: every page lists the same running stories, and counting a cluster
    /// means asking the store about each of its members.
    pub(super) async fn live_reports(
        &self,
        clusters: &[StoryId],
        now: Timestamp,
    ) -> Result<HashMap<StoryId, LiveReports>, StoreError> {
        // Read before the store is, so the counts reflect every event up to it.
        let generation = self.cache.generation();
        let mut counts = HashMap::new();
        let mut missing: Vec<(StoryId, Vec<StoryId>)> = Vec::new();
        {
            let memo = self.coverage_counts.0.lock().expect("coverage memo lock");
            for cluster in clusters {
                match memo.1.get(cluster) {
                    Some(known) if memo.0 == generation => {
                        counts.insert(cluster.clone(), known.clone());
                    }
                    _ => {
                        let members = self.projections.event_members(cluster);
                        if members.len() > 1 {
                            missing.push((cluster.clone(), members));
                        } else {
                            counts.insert(
                                cluster.clone(),
                                LiveReports {
                                    live: members.len(),
                                    best: None,
                                },
                            );
                        }
                    }
                }
            }
        }
        if missing.is_empty() {
            return Ok(counts);
        }
        let wanted: Vec<StoryId> = missing.iter().flat_map(|(_, m)| m.clone()).collect();
        let live = self.store.live_among(&wanted, now).await?;
        let mut memo = self.coverage_counts.0.lock().expect("coverage memo lock");
        if memo.0 != generation {
            *memo = (generation, HashMap::new());
        }
        for (cluster, members) in missing {
            let members: Vec<StoryId> = members.into_iter().filter(|m| live.contains(m)).collect();
            let known = LiveReports {
                live: members.len(),
                best: self.projections.most_complete(&members),
            };
            memo.1.insert(cluster.clone(), known.clone());
            counts.insert(cluster, known);
        }
        Ok(counts)
    }
}

/// What the pages need of a cluster's live reports.
#[derive(Clone, Debug)]
pub(crate) struct LiveReports {
    pub live: usize,
    /// The report to head the cluster's entry (`Events::most_complete`); `None` for a
    /// story alone.
    pub best: Option<StoryId>,
}

impl LiveReports {
    /// The full-coverage link: only when there is more than the one report.
    fn coverage(&self, cluster: &StoryId) -> Option<Coverage> {
        (self.live > 1).then(|| Coverage {
            url: coverage_url(cluster),
            reports: self.live,
        })
    }
}

/// Live reports per cluster, remembered for one log position (`AppState::live_reports`).
#[derive(Clone, Default)]
pub(crate) struct CoverageCounts(Arc<Mutex<(i64, HashMap<StoryId, LiveReports>)>>);

/// A cluster and what readers made of it this week.
pub(crate) struct HotCluster {
    /// The member readers opened most: the one shown.
    pub story: Story,
    /// The decayed views of every member together.
    pub score: f64,
}

/// Group viewed stories (best first) into clusters, adding up their scores.
pub(crate) fn group_by_cluster(
    viewed: Vec<(Story, f64)>,
    cluster_of: impl Fn(&StoryId) -> StoryId,
) -> Vec<HotCluster> {
    let mut order: Vec<StoryId> = Vec::new();
    let mut groups: HashMap<StoryId, HotCluster> = HashMap::new();
    for (story, score) in viewed {
        let cluster = cluster_of(&story.id);
        match groups.get_mut(&cluster) {
            Some(group) => group.score += score,
            None => {
                order.push(cluster.clone());
                groups.insert(cluster, HotCluster { story, score });
            }
        }
    }
    let mut clusters: Vec<HotCluster> = order
        .into_iter()
        .filter_map(|c| groups.remove(&c))
        .collect();
    clusters.sort_by(|a, b| b.score.total_cmp(&a.score));
    clusters
}

/// Each cluster of `stories` (in their order) with its first story there: given the live
/// listing, newest first, the cluster's newest report.
pub(crate) fn newest_report_per_cluster(
    stories: impl IntoIterator<Item = StoryId>,
    cluster_of: impl Fn(&StoryId) -> StoryId,
) -> Vec<(StoryId, StoryId)> {
    let mut seen = HashSet::new();
    stories
        .into_iter()
        .filter_map(|id| {
            let cluster = cluster_of(&id);
            seen.insert(cluster.clone()).then_some((cluster, id))
        })
        .collect()
}

/// Pick `limit` clusters, best first, with at most `per_topic` from any one topic (a story's
/// first topic) while others are waiting: a big day in one topic should not fill the whole
/// list. When the others run out, the best of the rest fill the gaps.
pub(crate) fn diverse(clusters: Vec<HotCluster>, limit: usize, per_topic: usize) -> Vec<Story> {
    let mut picked: Vec<Story> = Vec::new();
    let mut held_back: Vec<Story> = Vec::new();
    let mut per: HashMap<String, usize> = HashMap::new();
    for cluster in clusters {
        if picked.len() >= limit {
            break;
        }
        let topic = cluster.story.topics.first().map(|t| t.slug.clone());
        let count = topic
            .as_ref()
            .map_or(0, |t| per.get(t).copied().unwrap_or(0));
        if count >= per_topic {
            held_back.push(cluster.story);
            continue;
        }
        if let Some(t) = topic {
            *per.entry(t).or_default() += 1;
        }
        picked.push(cluster.story);
    }
    for story in held_back {
        if picked.len() >= limit {
            break;
        }
        picked.push(story);
    }
    picked
}

/// `/coverage/{id}`: every live report of story `id`'s event, newest first, each copy once
/// with the other agencies that ran it.
pub async fn coverage(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    coverage_page(&state, id)
        .await
        .unwrap_or_else(|e| unavailable("coverage page", &e))
}

async fn coverage_page(state: &AppState, id: String) -> Result<Response, StoreError> {
    let now = Timestamp::now();
    let members = state.projections.event_members(&StoryId(id));
    let mut reports: Vec<Story> = state
        .store
        .stories(&members)
        .await?
        .into_iter()
        .filter(|s| s.is_live(now))
        .collect();
    if reports.is_empty() {
        return Ok(not_found(state, now).await);
    }
    reports.sort_by(|a, b| b.went_live().cmp(&a.went_live()).then(a.id.cmp(&b.id)));
    // Newest first, so the last report is the one filed first.
    let first_filed = reports
        .last()
        .map(|s| s.headline.clone())
        .unwrap_or_default();
    let heading = state
        .words
        .text("coverage-heading", "headline", &first_filed);
    let page = ListingPage {
        masthead: state.masthead(now).await?,
        title: format!("{heading} | {}", state.config.name),
        heading,
        query: String::new(),
        is_search: false,
        cards: by_copy(reports, |id| state.projections.copy_of(id))
            .into_iter()
            .map(|copies| {
                let mut card = state.card(&copies[0]);
                card.also = copies[1..]
                    .iter()
                    .map(|s| NavLink {
                        name: s.agency.name.clone(),
                        url: super::story_url(s),
                    })
                    .collect();
                card
            })
            .collect(),
        empty_message: String::new(),
        next_url: None,
    };
    let mut response = render(&page);
    // A CDN purges the page when any report in it changes (a kill takes one out).
    let keys: Vec<String> = members.iter().map(|id| format!("story-{id}")).collect();
    if let Ok(v) = HeaderValue::from_str(&keys.join(" ")) {
        response
            .headers_mut()
            .insert(crate::http_cache::SURROGATE_KEY, v);
    }
    Ok(response)
}

/// Reports (newest first) grouped by copy: the same text from several agencies is one entry,
/// at the place of its newest report, which heads it.
fn by_copy(reports: Vec<Story>, copy_of: impl Fn(&StoryId) -> StoryId) -> Vec<Vec<Story>> {
    let mut groups: Vec<Vec<Story>> = Vec::new();
    let mut at: HashMap<StoryId, usize> = HashMap::new();
    for story in reports {
        let copy = copy_of(&story.id);
        match at.get(&copy) {
            Some(&k) => groups[k].push(story),
            None => {
                at.insert(copy, groups.len());
                groups.push(vec![story]);
            }
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use wiredesk_model::Topic;

    fn story(id: &str, topic: &str) -> Story {
        let at: Timestamp = "2026-11-28T06:00:00Z".parse().unwrap();
        let mut s = wiredesk_model::testing::story(id, "Headline", "<p>Copy.</p>", at);
        s.id = StoryId(id.into());
        s.topics = vec![Topic {
            slug: topic.into(),
            name: topic.into(),
            origin: wiredesk_model::TopicOrigin::Wire,
        }];
        s
    }

    #[test]
    fn views_of_one_cluster_add_up_and_show_its_most_read_report() {
        // b and c are the same copy from two agencies; together they beat a.
        let viewed = vec![
            (story("a", "world"), 10.0),
            (story("b", "world"), 7.0),
            (story("c", "world"), 6.0),
        ];
        let cluster_of = |id: &StoryId| {
            if id.0 == "c" {
                StoryId("b".into())
            } else {
                id.clone()
            }
        };
        let clusters = group_by_cluster(viewed, cluster_of);
        let shown: Vec<(&str, f64)> = clusters
            .iter()
            .map(|c| (c.story.id.0.as_str(), c.score))
            .collect();
        assert_eq!(shown, vec![("b", 13.0), ("a", 10.0)]);
    }

    #[test]
    fn copies_are_one_entry_at_their_newest_reports_place() {
        let reports = vec![
            story("new", "w"),
            story("copy-a", "w"),
            story("other", "w"),
            story("copy-b", "w"),
        ];
        let copy_of = |id: &StoryId| {
            if id.0.starts_with("copy") || id.0 == "new" {
                StoryId("copy".into())
            } else {
                id.clone()
            }
        };
        let groups: Vec<Vec<String>> = by_copy(reports, copy_of)
            .into_iter()
            .map(|g| g.into_iter().map(|s| s.id.0).collect())
            .collect();
        assert_eq!(groups, vec![vec!["new", "copy-a", "copy-b"], vec!["other"]]);
    }

    #[test]
    fn one_topic_cannot_fill_the_list_while_others_wait() {
        let clusters = vec![
            HotCluster {
                story: story("s1", "sport"),
                score: 50.0,
            },
            HotCluster {
                story: story("s2", "sport"),
                score: 40.0,
            },
            HotCluster {
                story: story("s3", "sport"),
                score: 30.0,
            },
            HotCluster {
                story: story("w1", "world"),
                score: 5.0,
            },
            HotCluster {
                story: story("s4", "sport"),
                score: 4.0,
            },
        ];
        let ids = |v: Vec<Story>| v.into_iter().map(|s| s.id.0).collect::<Vec<_>>();
        assert_eq!(ids(diverse(clusters, 3, 2)), ["s1", "s2", "w1"]);
        let only_sport = vec![
            HotCluster {
                story: story("s1", "sport"),
                score: 50.0,
            },
            HotCluster {
                story: story("s2", "sport"),
                score: 40.0,
            },
            HotCluster {
                story: story("s3", "sport"),
                score: 30.0,
            },
        ];
        assert_eq!(ids(diverse(only_sport, 3, 2)), ["s1", "s2", "s3"]);
    }
}
