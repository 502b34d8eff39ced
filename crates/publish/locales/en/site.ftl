# The reader site's fixed words in English: the catalogue every other language follows.
# A message missing from another language falls back to this file.
# Arguments: $site (the publication's name), $n (a count), $page (a page number).

## Masthead, menu and footer
search-label = Search
search-placeholder = Search the wire
nav-topics = Topics
latest = Latest
footer-sections = Sections
footer-feeds = Feeds
footer-about = About
about-site = About { $site }
footer-line = { $site } · Agency copy published by Wiredesk
disclaimer = This report has been published as part of the auto-generated syndicate wire feed. Apart from the headline, no editing has been done in the copy by { $site }.

## Home and lists
home-description = { $site }: latest from the wire
home-empty = No stories yet: drop wire copy into the inbox.
latest-heading = Latest from the wire
older-stories = Older stories
newer-stories = Newer stories
older-page = Older stories: page { $page }
older-empty = Every story of this page is listed on a newer one, with its full coverage.
stories = Stories
pages = Pages
listing-empty = No stories here yet.
from-agency = From { $agency }
hot = Hot this week
hot-empty = Too few readers yet this week to say what is hot, and no other story is running in several reports.
topics = Topics

## A story in a list
read-more = Read More
coverage-count = Full coverage ({ $n } { $n ->
    [one] report
   *[other] reports
})
also-from = Same report also from
coverage-heading = Full coverage: { $headline }

## The article page
byline = By { $byline }
agency = Agency:
wire-date = Wire date:
published = Published:
updated = Updated:
corrected = Corrected by the agency
go-to-source = Go to Source
story-coverage = Full coverage: { $n } { $n ->
    [one] report
   *[other] reports
} of this story
related = Related Articles

## Search
search = Search
search-title = Search
search-results-for = Results for “{ $query }”
search-page = page { $page }
search-page-of = page { $page } of { $last }
search-topic = Topic
search-all-topics = All topics
search-from = From
search-to = To
search-agency = Agency
did-you-mean = Did you mean
results = Results
more-results = More results
previous = Previous
next = Next
page-of-results = page of results
result-count = { $estimate ->
    [yes] About { $count } { $n ->
        [one] result
       *[other] results
    }
   *[no] { $count } { $n ->
        [one] result
       *[other] results
    }
}
search-nothing-asked = Type a word or a name to search the wire.
search-too-deep = Search shows the first { $max } results. Add a word or a filter to narrow it.
search-past-end = There are no more results; they are all on the earlier pages.
search-page-hidden = Nothing on this page can be shown right now; there are more results on the next page.
search-nothing-filtered = Nothing matched. Try fewer or different words, or fewer filters.
search-nothing = Nothing matched. Try fewer or different words.
search-unavailable = Search is unavailable for a moment. Please try again.
search-typos = Some stories match words spelled like the ones you typed.
search-any-word = No story has all of these words; these have some of them.

## Notices
story-removed = Story removed
story-removed-message = This story has been withdrawn by the agency or the editors and is no longer available.
not-found = Not found
not-found-message = There is no story at this address.
back-to-latest = Back to the latest stories

## About
about-description = About { $site }: the news agencies' copy, published untouched as it arrives, newest first.
about-what = { $site } publishes the news as the wire agencies send it: reports from news agencies, put online as they arrive, newest first, with every report of the same story gathered under its full coverage.
about-untouched = The copy is the agencies' own and is published untouched. The editors may write a headline of their own; they never edit the copy, and the agency is named on every story.
about-read = Read by section from the menu, search the wire, or follow the feeds

## Feeds
feed-latest = The latest stories from { $site }
feed-latest-topic = The latest { $topic } stories from { $site }
feed-agency = The latest stories from { $agency } on { $site }

## Dates: $weekday, $month, $month_short, $day, $year, $hour12, $hour24, $minute, $meridiem, $zone
date-long = { $weekday }, { $month } { $day }, { $year }
date-short = { $month_short } { $day }, { $year }
date-time = { $month_short } { $day }, { $year }, { $hour12 }:{ $minute } { $meridiem } { $zone }
am = AM
pm = PM
weekday-1 = Monday
weekday-2 = Tuesday
weekday-3 = Wednesday
weekday-4 = Thursday
weekday-5 = Friday
weekday-6 = Saturday
weekday-7 = Sunday
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
month-short-1 = Jan
month-short-2 = Feb
month-short-3 = Mar
month-short-4 = Apr
month-short-5 = May
month-short-6 = Jun
month-short-7 = Jul
month-short-8 = Aug
month-short-9 = Sep
month-short-10 = Oct
month-short-11 = Nov
month-short-12 = Dec

## Built-in topics' names (a name set in the config is kept)
topic-india = India
topic-world = World
topic-politics = Politics
topic-business = Business
topic-technology = Technology
topic-sports = Sports
topic-science = Science
topic-health = Health
topic-entertainment = Entertainment
topic-crime = Crime & Justice
topic-education = Education
topic-society = Society
topic-economy = Economy
topic-cricket = Cricket
topic-agency = Agency
