//! Untagged English copy through a fresh site's rules (the built-in topics, no trained model):
//! a small labelled set written for this test, not taken from any agency. Politics copy is
//! full of "who" ("lawmakers who…"), which the keyword `WHO` once read as the World Health
//! Organization and tagged Health.

use wiredesk_enrich::{TopicAssigner, TopicEvidence, TopicRules};

/// Untagged politics stories: headline and opening paragraph.
const POLITICS: [(&str, &str); 30] = [
    (
        "Opposition walks out of Lok Sabha over farm bill",
        "Opposition members, who had demanded a division of votes, walked out of the Lok Sabha on Tuesday as the government pushed the farm bill through.",
    ),
    (
        "Chief minister expands cabinet, inducts six new faces",
        "The chief minister on Sunday expanded his cabinet, bringing in six legislators who had switched sides before the last election.",
    ),
    (
        "Who will lead the party after the defeat?",
        "Party leaders met late into the night to decide who will lead them in the state assembly after a heavy defeat in the polls.",
    ),
    (
        "Election Commission announces dates for five states",
        "The Election Commission on Friday announced a seven-phase schedule for assembly elections in five states, with counting on May 2.",
    ),
    (
        "Rajya Sabha passes data protection bill amid protests",
        "The Rajya Sabha passed the data protection bill by voice vote as opposition members who wanted it sent to a select committee shouted slogans.",
    ),
    (
        "Prime minister meets governors ahead of budget session",
        "The prime minister held talks with state governors on Monday, days before the budget session of parliament opens.",
    ),
    (
        "Lawmakers who defected lose their seats, speaker rules",
        "The speaker of the assembly disqualified nine lawmakers who had voted against the party whip in last month's confidence motion.",
    ),
    (
        "Coalition partners split over seat-sharing formula",
        "Talks between the ruling coalition's partners broke down over how many seats each will contest in the coming by-elections.",
    ),
    (
        "Minister resigns after remarks on farmers",
        "The agriculture minister resigned on Wednesday, a day after remarks about protesting farmers, who have camped outside the capital for weeks.",
    ),
    (
        "Parliament's winter session to begin on December 4",
        "The winter session of parliament will run from December 4 to December 22, the parliamentary affairs minister said.",
    ),
    (
        "Voters who moved cities can now register online",
        "Voters who have moved to another constituency can register at their new address online before the elections, officials said.",
    ),
    (
        "BJP names candidates for Rajasthan polls",
        "The BJP released its first list of 41 candidates for the Rajasthan assembly polls, fielding seven MPs.",
    ),
    (
        "Senate confirms new defence secretary",
        "The Senate voted 68-30 to confirm the president's nominee, who served two terms in the House, as defence secretary.",
    ),
    (
        "Opposition leader calls for no-confidence vote",
        "The leader of the opposition said on Thursday his party would move a no-confidence motion against the government, which he accused of ignoring those who lost jobs.",
    ),
    (
        "MLAs who skipped the vote face party action",
        "The party has issued notices to four MLAs who stayed away from the crucial vote in the assembly on Monday.",
    ),
    (
        "Cabinet approves one nation, one election report",
        "The Union cabinet on Wednesday approved the report of the panel on simultaneous elections, which will now go to parliament.",
    ),
    (
        "Ministers who lost their seats to stay in office till new government forms",
        "Ministers who lost in the election will stay in office in a caretaker role until the new government is sworn in, the governor said.",
    ),
    (
        "Chief minister's aide joins opposition ahead of polls",
        "A close aide of the chief minister, who had been with the party for two decades, joined the opposition on Saturday.",
    ),
    (
        "President dissolves parliament, calls snap election",
        "The president dissolved parliament on Sunday and called a snap election for March, after the ruling party lost its majority.",
    ),
    (
        "Lok Sabha speaker suspends 14 members",
        "The Lok Sabha speaker suspended 14 opposition members for the rest of the session for unruly conduct, drawing protests from those who were not named.",
    ),
    (
        "Party that won most seats invited to form government",
        "The governor invited the single largest party, whose leader claims the support of 120 legislators, to form the government.",
    ),
    (
        "Local body elections postponed by three months",
        "The state election commission postponed local body elections by three months, citing the revision of electoral rolls.",
    ),
    (
        "Foreign-born candidates who won face citizenship challenge",
        "Two candidates who won seats in the city council election face petitions questioning their eligibility.",
    ),
    (
        "Cabinet reshuffle likely after monsoon session",
        "A cabinet reshuffle is likely after the monsoon session of parliament, party leaders who met the prime minister said.",
    ),
    (
        "Ruling party wins Rajya Sabha seats in three states",
        "The ruling party won nine of the 12 Rajya Sabha seats at stake, strengthening its position in the upper house.",
    ),
    (
        "Opposition unity meet ends without a convenor",
        "Leaders of 26 opposition parties, who met in the capital on Tuesday, ended their meeting without naming a convenor for the alliance.",
    ),
    (
        "Governor returns bill to assembly for reconsideration",
        "The governor returned the bill on university appointments to the assembly, saying lawmakers who drafted it overlooked the constitution.",
    ),
    (
        "Who gets the finance portfolio? Coalition talks drag on",
        "Coalition talks dragged into a third day as partners argued over who should hold the finance and home portfolios.",
    ),
    (
        "Polling ends in first phase with 64 per cent turnout",
        "Polling in the first phase of the elections ended peacefully with a turnout of 64 per cent, the Election Commission said.",
    ),
    (
        "Former chief minister returns to party fold",
        "A former chief minister who quit the party three years ago returned on Monday, saying he had never left its ideology.",
    ),
];

/// Untagged stories of other kinds, each with a topic a reader would expect it under.
const OTHERS: [(&str, &str, &str); 30] = [
    (
        "WHO declares end of mpox emergency",
        "The World Health Organization said on Friday the mpox outbreak no longer represents a global health emergency.",
        "health",
    ),
    (
        "Dengue cases rise in capital, hospitals add beds",
        "Hospitals in the capital added beds as dengue cases rose for a third week, with 1,200 patients admitted.",
        "health",
    ),
    (
        "New vaccine cuts malaria deaths in trial",
        "A new vaccine cut deaths from malaria in children by a third in a trial across four countries.",
        "health",
    ),
    (
        "Sensex closes at record high as banks rally",
        "The Sensex rose 600 points to a record close on Tuesday as bank shares rallied on hopes of a cut in the repo rate.",
        "business",
    ),
    (
        "Inflation eases to 4.2 per cent in October",
        "Retail inflation eased to 4.2 per cent in October as food prices fell, government data showed.",
        "business",
    ),
    (
        "RBI keeps repo rate unchanged",
        "The RBI kept its key lending rate unchanged at 6.5 per cent for a fifth meeting in a row.",
        "business",
    ),
    (
        "Unemployment falls to a six-year low",
        "Urban unemployment fell to 6.4 per cent in the July-September quarter, the lowest in six years.",
        "business",
    ),
    (
        "Chipmaker to build semiconductor plant in Gujarat",
        "A US chipmaker will invest $2.75 billion in a semiconductor assembly plant in Gujarat.",
        "technology",
    ),
    (
        "AI startup raises $50 million",
        "A Bengaluru AI startup that builds voice assistants in Indian languages raised $50 million from investors.",
        "technology",
    ),
    (
        "Spinners take eight wickets as hosts level series",
        "India's spinners shared eight wickets as the hosts won the second Test match by 106 runs to level the series.",
        "sports",
    ),
    (
        "Hockey team qualifies for Olympic Games",
        "The men's hockey team beat Japan 5-1 to qualify for the Olympic Games.",
        "sports",
    ),
    (
        "Tennis star wins first championship on grass",
        "The world number three won her first championship on grass, beating the defending champion in straight sets.",
        "sports",
    ),
    (
        "ISRO places weather satellite in orbit",
        "ISRO placed a weather satellite in orbit on Saturday with its launch vehicle lifting off from Sriharikota.",
        "science",
    ),
    (
        "Scientists find new species of frog in Western Ghats",
        "Scientists have found a new species of frog in the Western Ghats, the third this year.",
        "science",
    ),
    (
        "Climate change doubles risk of heatwaves, study finds",
        "Climate change has made extreme heatwaves twice as likely in South Asia, researchers said.",
        "science",
    ),
    (
        "Bollywood film crosses Rs 500 crore at box office",
        "The action film crossed Rs 500 crore at the box office in its second week.",
        "entertainment",
    ),
    (
        "K-pop band announces first concert in Mumbai",
        "The K-pop band will play its first concert in India in Mumbai in February.",
        "entertainment",
    ),
    (
        "Actor wins best actor award at film festival",
        "The actor won the best actor award at the film festival for his role as a fisherman.",
        "entertainment",
    ),
    (
        "Police arrest three in jewellery store robbery",
        "Police arrested three men on Sunday in connection with the robbery at a jewellery store, which left a guard injured.",
        "crime",
    ),
    (
        "Supreme Court grants bail to journalist",
        "The Supreme Court granted bail to a journalist who was arrested under an anti-terror law two years ago.",
        "crime",
    ),
    (
        "Businessman convicted of fraud, sentenced to seven years",
        "A court convicted a businessman of fraud and sentenced him to seven years in prison for cheating investors.",
        "crime",
    ),
    (
        "CBSE announces board exam dates",
        "The CBSE announced that board exams for classes 10 and 12 will begin on February 15.",
        "education",
    ),
    (
        "Universities told to admit students twice a year",
        "Universities may admit students twice a year from the next academic session, the regulator said.",
        "education",
    ),
    (
        "Schools shut for a week as cold wave grips north",
        "Schools in the region will stay shut for a week as a cold wave kept temperatures below freezing.",
        "education",
    ),
    (
        "Lakhs of pilgrims take holy dip at festival",
        "Lakhs of pilgrims took a holy dip at the river on the first day of the festival, officials said.",
        "society",
    ),
    (
        "Temple town prepares for tourism rush",
        "The temple town is preparing for a rush of tourists over the holidays with new hotels and a ropeway.",
        "society",
    ),
    (
        "Earthquake of magnitude 6.1 strikes off Indonesia",
        "An earthquake of magnitude 6.1 struck off the coast of Sumatra on Thursday, with no immediate reports of damage.",
        "world",
    ),
    (
        "UN calls for ceasefire as fighting spreads",
        "The UN secretary-general called for an immediate ceasefire as fighting spread to the north of the country.",
        "world",
    ),
    (
        "Leaders gather for climate summit",
        "World leaders gathered on Monday for a two-week climate summit under pressure to agree on finance for poorer nations.",
        "world",
    ),
    (
        "Diplomatic row deepens as envoys expelled",
        "The diplomatic row between the two countries deepened as each expelled two envoys.",
        "world",
    ),
];

fn topics(assigner: &TopicAssigner, headline: &str, opening: &str) -> Vec<String> {
    assigner
        .assign(&TopicEvidence {
            subjects: &[],
            headline,
            opening,
            dateline_place: None,
        })
        .into_iter()
        .map(|t| t.slug)
        .collect()
}

#[test]
fn untagged_politics_copy_is_politics_and_almost_never_health() {
    let assigner = TopicAssigner::new(TopicRules::default()).unwrap();
    let mut health = Vec::new();
    let mut unpolitical = Vec::new();
    for (headline, opening) in POLITICS {
        let got = topics(&assigner, headline, opening);
        if got.iter().any(|t| t == "health") {
            health.push((headline, got.clone()));
        }
        if !got.iter().any(|t| t == "politics") {
            unpolitical.push((headline, got));
        }
    }
    let share = health.len() as f64 / POLITICS.len() as f64;
    println!(
        "politics stories tagged health: {}/{} ({:.1}%)",
        health.len(),
        POLITICS.len(),
        share * 100.0
    );
    assert!(share <= 0.02, "tagged health: {health:?}");
    assert!(
        unpolitical.is_empty(),
        "not tagged politics: {unpolitical:?}"
    );
}

#[test]
fn untagged_copy_of_other_kinds_keeps_its_topics() {
    let assigner = TopicAssigner::new(TopicRules::default()).unwrap();
    let mut missed = Vec::new();
    for (headline, opening, expected) in OTHERS {
        let got = topics(&assigner, headline, opening);
        if !got.iter().any(|t| t == expected) {
            missed.push((headline, expected, got));
        }
    }
    println!(
        "other stories with their topic: {}/{}",
        OTHERS.len() - missed.len(),
        OTHERS.len()
    );
    assert!(missed.is_empty(), "missed: {missed:?}");
}
