//! Related articles: how the site ranks the stories more-like-this finds, blending the text's
//! similarity with what the desk knows about each story (its topics, the place in its
//! dateline, how close in time it was filed), one story per cluster and none of the story's
//! own (those are its coverage). One ranking for the site and for `wiredesk eval related`, so
//! what is measured is what readers get.

use std::collections::{HashMap, HashSet};

use wiredesk_model::{Story, StoryId};

/// Weights of the blend; the cosine similarity has weight 1.
#[derive(Clone, Debug, PartialEq)]
pub struct RelatedConfig {
    /// Added for the best shared topic, times both stories' confidence in it.
    pub topic_weight: f32,
    /// Added when both datelines name the same place.
    pub place_weight: f32,
    /// Added in full for stories filed at the same time, decaying with the gap.
    pub recency_weight: f32,
    /// The gap (seconds) over which the recency bonus falls to 1/e.
    pub recency_scale_s: f32,
}

impl Default for RelatedConfig {
    fn default() -> Self {
        RelatedConfig {
            topic_weight: 0.5,
            place_weight: 0.03,
            recency_weight: 0.03,
            recency_scale_s: 3.0 * 86_400.0,
        }
    }
}

/// What speaks for one candidate being related to a story.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Evidence {
    /// Text similarity in 0–1 (tf-idf cosine, or a more-like-this score relative to the best).
    pub similarity: f32,
    /// The best shared topic's confidence product (0 when no topic is shared).
    pub shared_topic: f32,
    pub same_place: bool,
    /// Seconds between the two filings, when both times are known.
    pub gap_s: Option<f32>,
}

impl Evidence {
    /// The blended score, one formula for the evaluation and the site.
    pub fn score(&self, config: &RelatedConfig) -> f32 {
        let mut score = self.similarity + config.topic_weight * self.shared_topic;
        if self.same_place {
            score += config.place_weight;
        }
        if let Some(gap) = self.gap_s {
            score += config.recency_weight * (-gap / config.recency_scale_s).exp();
        }
        score
    }
}

/// More-like-this hits weaker than this share of the best hit's score share only incidental
/// words; the story's own topics are a better neighbour than that.
pub const SIMILARITY_FLOOR: f32 = 0.3;

/// Each hit's similarity relative to the best one, leaving out those under the floor.
pub fn similar_enough(hits: impl IntoIterator<Item = (StoryId, f32)>) -> HashMap<StoryId, f32> {
    let hits: Vec<(StoryId, f32)> = hits.into_iter().collect();
    let best = hits.iter().map(|h| h.1).fold(0.0_f32, f32::max);
    hits.into_iter()
        .filter(|h| best > 0.0 && h.1 >= best * SIMILARITY_FLOOR)
        .map(|(id, score)| (id, score / best))
        .collect()
}

/// `candidates` (stories readers may see, among those `similarity` names) ranked as related
/// to `story`: by the blend, best first, ties by id, never two of one cluster nor one of the
/// story's own, at most `limit`.
pub fn rank(
    story: &Story,
    similarity: &HashMap<StoryId, f32>,
    candidates: Vec<Story>,
    cluster_of: impl Fn(&StoryId) -> StoryId,
    config: &RelatedConfig,
    limit: usize,
) -> Vec<Story> {
    let place = |s: &Story| {
        s.dateline
            .as_ref()
            .and_then(|d| d.place.as_deref())
            .map(str::to_lowercase)
    };
    let story_place = place(story);
    let own_cluster = cluster_of(&story.id);
    let mut scored: Vec<(Story, f32)> = candidates
        .into_iter()
        .filter(|s| s.id != story.id)
        .map(|s| {
            let evidence = Evidence {
                similarity: similarity.get(&s.id).copied().unwrap_or(0.0),
                shared_topic: if s.topics.iter().any(|t| story.topics.contains(t)) {
                    1.0
                } else {
                    0.0
                },
                same_place: story_place.is_some() && place(&s) == story_place,
                gap_s: s
                    .went_live()
                    .zip(story.went_live())
                    .map(|(a, b)| (a - b).as_secs_f32().abs()),
            };
            let score = evidence.score(config);
            (s, score)
        })
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.id.cmp(&b.0.id)));
    // The story's own cluster is the page itself; its other reports are its coverage.
    let mut clusters_shown: HashSet<StoryId> = HashSet::from([own_cluster]);
    scored
        .into_iter()
        .map(|(s, _)| s)
        .filter(|s| clusters_shown.insert(cluster_of(&s.id)))
        .take(limit)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use wiredesk_model::Topic;

    fn story(uri: &str, topic: &str, day: i64) -> Story {
        let at = jiff::Timestamp::from_second(day * 86_400).unwrap();
        let mut s = wiredesk_model::testing::story(uri, uri, "", at);
        s.published = Some(at);
        s.topics = vec![Topic {
            slug: topic.into(),
            name: topic.into(),
            origin: wiredesk_model::TopicOrigin::Wire,
        }];
        s
    }

    #[test]
    fn hits_far_weaker_than_the_best_are_left_out() {
        let (a, b, c) = (
            StoryId::for_uri("a"),
            StoryId::for_uri("b"),
            StoryId::for_uri("c"),
        );
        let s = similar_enough([(a.clone(), 10.0), (b.clone(), 5.0), (c.clone(), 2.0)]);
        assert_eq!(s.get(&a), Some(&1.0));
        assert_eq!(s.get(&b), Some(&0.5));
        assert!(!s.contains_key(&c), "{s:?}");
        assert!(similar_enough([(a, 0.0)]).is_empty());
    }

    #[test]
    fn a_shared_topic_outranks_a_shared_word_and_one_cluster_shows_once() {
        let query = story("q", "grain", 10);
        let money = story("money", "money", 10);
        let grain = story("grain", "grain", 9);
        let twin = story("grain-twin", "grain", 9);
        let other_report = story("q-other-report", "grain", 10);
        let similarity: HashMap<StoryId, f32> = [
            (money.id.clone(), 1.0),
            (grain.id.clone(), 0.7),
            (twin.id.clone(), 0.7),
            (other_report.id.clone(), 0.9),
        ]
        .into();
        // "grain" and its twin are one cluster, the query and its other report another;
        // everything else is its own.
        let cluster_of = |id: &StoryId| {
            if *id == twin.id {
                grain.id.clone()
            } else if *id == other_report.id {
                query.id.clone()
            } else {
                id.clone()
            }
        };
        let ranked = rank(
            &query,
            &similarity,
            vec![
                money.clone(),
                twin.clone(),
                grain.clone(),
                query.clone(),
                other_report.clone(),
            ],
            cluster_of,
            &RelatedConfig::default(),
            5,
        );
        let uris: Vec<&str> = ranked.iter().map(|s| s.uri.as_str()).collect();
        assert_eq!(
            uris.len(),
            2,
            "one of the grain cluster, the money story, nothing of the query's own: {uris:?}"
        );
        assert!(uris[0].starts_with("grain"), "{uris:?}");
        assert_eq!(uris[1], "money");
    }
}
