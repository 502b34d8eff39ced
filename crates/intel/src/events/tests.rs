use jiff::Timestamp;
use wiredesk_model::{Agency, Dateline, Story, StoryId};

use super::*;

fn at(hours: i64) -> Timestamp {
    Timestamp::from_second(1_796_000_000 + hours * 3600).unwrap()
}

fn report(uri: &str, agency: &str, place: &str, headline: &str, body: &str, hours: i64) -> Story {
    let dateline = format!("{place} ({agency}) -");
    let mut s =
        wiredesk_model::testing::story(uri, headline, &format!("{dateline} {body}"), at(hours));
    s.agency = Agency::named(agency);
    s.dateline = Some(Dateline {
        place: Some(place.into()),
        agency: Some(agency.into()),
        text: dateline,
        ..Dateline::default()
    });
    s
}

fn quake_afp() -> Story {
    report(
        "afp-quake",
        "AFP",
        "Antofagasta",
        "Strong quake rocks northern Chile, tsunami alert lifted",
        "A magnitude 7.1 earthquake struck off the coast of northern Chile on Wednesday, \
         killing at least three people in the Antofagasta region and prompting a brief \
         tsunami alert, the National Disaster Prevention Service said. Residents of Tocopilla \
         fled to higher ground as sirens sounded.",
        0,
    )
}

fn quake_reuters() -> Story {
    report(
        "reuters-quake",
        "Reuters",
        "Santiago",
        "Three dead as 7.1 magnitude earthquake hits Chile's Antofagasta",
        "Chile lifted a tsunami warning for its northern coast after a 7.1 magnitude quake \
         killed three people and damaged homes in Tocopilla and Mejillones, officials said. \
         The Disaster Prevention Service said power was cut to parts of the Antofagasta \
         region.",
        3,
    )
}

/// Same topic, another event: a quake in another country.
fn quake_turkey() -> Story {
    report(
        "ap-turkey",
        "AP",
        "Malatya",
        "Buildings collapse as earthquake hits eastern Turkey",
        "A magnitude 5.9 earthquake shook eastern Turkey on Wednesday, collapsing several \
         buildings in Malatya province and injuring dozens of people, Turkey's disaster agency \
         AFAD said. Rescuers searched the rubble in the town of Yesilyurt.",
        2,
    )
}

fn id(s: &Story) -> StoryId {
    s.id.clone()
}

#[test]
fn reports_of_one_event_join_and_another_event_on_the_same_topic_stays_apart() {
    let mut events = Events::new(EventConfig::default());
    let (afp, reuters, turkey) = (quake_afp(), quake_reuters(), quake_turkey());
    events.add(&afp);
    events.add(&turkey);
    events.add(&reuters);
    assert_eq!(events.event_of(&id(&reuters)), id(&afp));
    assert_eq!(events.members(&id(&afp)), vec![id(&afp), id(&reuters)]);
    assert_eq!(events.members(&id(&turkey)), vec![id(&turkey)]);
    assert_eq!(events.events(), 2);
    // Different words: not a copy of each other.
    assert_ne!(events.copy_of(&id(&reuters)), events.copy_of(&id(&afp)));
}

#[test]
fn an_event_takes_no_report_filed_long_after_its_last() {
    let mut events = Events::new(EventConfig::default());
    let afp = quake_afp();
    let mut later = quake_reuters();
    later.first_created = at(24 * 7);
    events.add(&afp);
    events.add(&later);
    assert_eq!(events.event_of(&id(&later)), id(&later));
}

#[test]
fn a_copy_joins_its_originals_event_whatever_the_threshold_while_it_runs() {
    let mut events = Events::new(EventConfig {
        threshold: 2.0,
        ..EventConfig::default()
    });
    let afp = quake_afp();
    let mut partner = quake_afp();
    partner.uri = "partner-quake".into();
    partner.id = StoryId::for_uri(&partner.uri);
    partner.first_created = at(5);
    events.add(&afp);
    events.add(&quake_reuters());
    events.add(&partner);
    assert_eq!(events.event_of(&id(&partner)), id(&afp));
    assert_eq!(events.copy_of(&id(&partner)), id(&afp));
    assert_eq!(events.events(), 2);
    // The same copy a month later is the same text, not the same event: a routine item
    // sent every day does not make one event of a month.
    let mut rerun = quake_afp();
    rerun.uri = "rerun-quake".into();
    rerun.id = StoryId::for_uri(&rerun.uri);
    rerun.first_created = at(24 * 30);
    events.add(&rerun);
    assert_eq!(events.copy_of(&id(&rerun)), id(&afp));
    assert_eq!(events.event_of(&id(&rerun)), id(&rerun));
}

#[test]
fn a_newer_version_keeps_its_event_and_updates_its_length() {
    let mut events = Events::new(EventConfig::default());
    let afp = quake_afp();
    events.add(&afp);
    events.add(&quake_turkey());
    let before = events.words(&id(&afp));
    let mut v2 = afp.clone();
    v2.body_html = format!(
        "{}<p>Schools in the region stayed closed.</p>",
        afp.body_html
    );
    events.add(&v2);
    assert_eq!(events.words(&id(&afp)), before + 6);
    assert_eq!(events.event_of(&id(&afp)), id(&afp));
    assert_eq!(
        events.members(&StoryId("unknown".into())),
        vec![StoryId("unknown".into())]
    );
    assert_eq!(events.words(&StoryId("unknown".into())), 0);
}

#[test]
fn features_leave_out_the_dateline_credits_and_the_agencys_name_and_find_names() {
    let config = EventConfig::default();
    let story = report(
        "x",
        "Reuters",
        "Mumbai",
        "Rates cut",
        "The Reserve Bank of India cut its repo rate, a Reuters poll had forecast. \
         Governor Sanjay Rao spoke in Mumbai. (Reporting by Jane Doe; Editing by Tom Roe)",
        0,
    );
    let found = features(&story, &config);
    let stemmer = Stemmer::create(Algorithm::English);
    let key = |w: &str| word_hash(&stemmer.stem(w));
    let has = |w: &str| found.terms.iter().any(|t| t.0 == key(w));
    let entity = |w: &str| found.entities.binary_search(&key(w)).is_ok();
    assert!(
        !has("reuters") && !has("jane") && !has("editing"),
        "{found:?}"
    );
    assert!(entity("reserve") && entity("rao") && entity("mumbai"));
    // "The" opens the sentence; "Governor" opens the next: neither is a name by its capital.
    assert!(!entity("governor") && has("governor"));
    assert!(!entity("cut") && has("cut"));
    assert_eq!(found.words, 20);
}

#[test]
fn the_most_complete_report_is_the_longest_and_of_equals_the_first_filed() {
    let mut events = Events::new(EventConfig::default());
    let (afp, reuters) = (quake_afp(), quake_reuters());
    let mut partner = quake_afp();
    partner.uri = "partner-quake".into();
    partner.id = StoryId::for_uri(&partner.uri);
    partner.first_created = at(5);
    for s in [&afp, &reuters, &partner] {
        events.add(s);
    }
    assert!(events.words(&id(&afp)) > events.words(&id(&reuters)));
    let all = events.members(&id(&afp));
    assert_eq!(all.len(), 3);
    // The partner runs the AFP copy word for word, filed later: the original stands.
    assert_eq!(events.most_complete(&all), Some(id(&afp)));
    assert_eq!(
        events.most_complete(&[id(&reuters), id(&partner)]),
        Some(id(&partner))
    );
    assert_eq!(events.most_complete(&[id(&reuters)]), Some(id(&reuters)));
    assert_eq!(events.most_complete(&[StoryId("unknown".into())]), None);
}

#[test]
fn copy_in_capitals_has_no_names_and_tables_of_one_kind_stay_apart() {
    let config = EventConfig::default();
    let table = |uri: &str, hour: &str, figures: &str| {
        wiredesk_model::testing::story(
            uri,
            "",
            &format!(
                "LONDON METAL INDICATIONS AT {hour} - APR 7 ALL THREE MONTHS BUYER SELLERS COPPER {figures}"
            ),
            at(0),
        )
    };
    let (a, b) = (
        table(
            "a",
            "0900",
            "875 877 LEAD 301 303 ZINC 460 462 NICKEL 2410 2420",
        ),
        table(
            "b",
            "0945",
            "876 878 LEAD 300 302 ZINC 461 463 NICKEL 2405 2415",
        ),
    );
    assert!(features(&a, &config).entities.is_empty());
    let mut events = Events::new(config);
    events.add(&a);
    events.add(&b);
    // Two tables of one kind: the same words, no name, two events.
    assert_ne!(events.copy_of(&id(&b)), id(&a));
    assert_eq!(events.events(), 2);
}

/// Hindi has no capitals: its rare words stand for names.
#[test]
fn hindi_reports_of_one_event_join_and_another_event_in_the_same_city_stays_apart() {
    let hindi = |uri: &str, agency: &str, headline: &str, body: &str, hours: i64| {
        let mut s = report(uri, agency, "पटना", headline, body, hours);
        let text = format!("पटना, 5 दिसंबर ({agency})। {body}");
        s.body_html = format!("<p>{text}</p>");
        s.dateline.as_mut().unwrap().text = format!("पटना, 5 दिसंबर ({agency})");
        s
    };
    let bridge_ians = hindi(
        "ians-bridge",
        "आईएएनएस",
        "गंगा पर निर्माणाधीन पुल का हिस्सा गिरा, दो मजदूर घायल",
        "बिहार के भागलपुर में गंगा नदी पर बन रहे पुल का एक हिस्सा शुक्रवार सुबह ढह गया। हादसे में दो मजदूर घायल हो गए। पुलिस ने बताया कि निर्माण कंपनी के खिलाफ जांच शुरू कर दी गई है।",
        0,
    );
    let bridge_pti = hindi(
        "pti-bridge",
        "भाषा",
        "भागलपुर में गंगा पुल ढहा, जांच के आदेश",
        "भागलपुर में गंगा नदी पर निर्माणाधीन पुल का हिस्सा ढहने के बाद राज्य सरकार ने जांच के आदेश दिए। दो घायल मजदूरों को अस्पताल में भर्ती कराया गया है और निर्माण कंपनी से जवाब मांगा गया है।",
        3,
    );
    let exam = hindi(
        "ians-exam",
        "आईएएनएस",
        "बिहार बोर्ड की परीक्षा फरवरी में होगी",
        "बिहार विद्यालय परीक्षा समिति ने शुक्रवार को बताया कि मैट्रिक और इंटर की परीक्षाएं फरवरी में होंगी। समिति के अध्यक्ष ने कहा कि छात्रों के प्रवेश पत्र अगले महीने जारी किए जाएंगे।",
        1,
    );
    let mut events = Events::new(EventConfig::default());
    for s in [&bridge_ians, &exam, &bridge_pti] {
        events.add(s);
    }
    assert_eq!(events.event_of(&id(&bridge_pti)), id(&bridge_ians));
    assert_eq!(events.members(&id(&exam)), vec![id(&exam)]);
}

/// Words for made-up copy: report `h` reads differently from every other.
fn made_up(h: usize, words: usize) -> String {
    const SYLLABLES: &[&str] = &[
        "ka", "ri", "to", "men", "sa", "lo", "ve", "dra", "nu", "pol",
    ];
    let mut x = (h as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..words)
        .map(|_| {
            (0..3)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    SYLLABLES[(x % SYLLABLES.len() as u64) as usize]
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A year of a wire, a report an hour: the events still open (with their terms and names)
/// are the last days', not the year's; a late copy of a month-old report still finds its
/// event, of a year-old one no longer.
#[test]
fn memory_follows_the_window_not_the_archive() {
    let mut events = Events::new(site_config());
    let hours = 365 * 24;
    let hourly = |h: usize, uri: &str, agency: &str| {
        report(
            uri,
            agency,
            "Mumbai",
            &format!("Council votes on Zorvan{h} plan"),
            &format!("Officials of Kelmar{h} said {}.", made_up(h, 40)),
            h as i64,
        )
    };
    for h in 0..hours {
        events.add(&hourly(h, &format!("r{h}"), "PTI"));
    }
    assert_eq!(events.len(), hours);
    let open = events.open_events();
    // Window and span (3 days) and a week of grace: about 10 days of hourly events.
    assert!(
        (24 * 9..=24 * 11).contains(&open),
        "{open} events still open of {}",
        events.events()
    );
    // A copy of a month-old report, whose event is closed, still joins it.
    let month_ago = hours - 30 * 24;
    let copy = hourly(month_ago, "month-copy", "IANS");
    events.add(&copy);
    let original = hourly(month_ago, &format!("r{month_ago}"), "PTI").id;
    assert_eq!(events.event_of(&copy.id), events.event_of(&original));
    assert_ne!(events.event_of(&copy.id), copy.id, "joined, not alone");
    assert_eq!(events.open_events(), open, "a closed event stays closed");
    // A year-old report's text is no longer kept: its copy stands alone.
    let old = hourly(100, "year-copy", "IANS");
    events.add(&old);
    assert_eq!(events.event_of(&old.id), old.id);
}
