# पाठकों की साइट के स्थायी शब्द, हिंदी में। Every message of en/site.ftl, in Hindi.

## Masthead, menu and footer
search-label = खोजें
search-placeholder = वायर में खोजें
nav-topics = विषय
latest = ताज़ा
footer-sections = खंड
footer-feeds = फ़ीड
footer-about = परिचय
about-site = { $site } के बारे में
footer-line = { $site } · एजेंसी की ख़बरें, Wiredesk द्वारा प्रकाशित
disclaimer = यह ख़बर स्वचालित सिंडिकेट वायर फ़ीड के हिस्से के रूप में प्रकाशित की गई है। शीर्षक के अलावा { $site } ने इसकी सामग्री में कोई संपादन नहीं किया है।

## Home and lists
home-description = { $site }: वायर से ताज़ा ख़बरें
home-empty = अभी कोई ख़बर नहीं: वायर की ख़बरें इनबॉक्स में डालें।
latest-heading = वायर से ताज़ा ख़बरें
older-stories = पुरानी ख़बरें
newer-stories = नई ख़बरें
older-page = पुरानी ख़बरें: पृष्ठ { $page }
older-empty = इस पृष्ठ की हर ख़बर किसी नए पृष्ठ पर अपनी पूरी कवरेज के साथ दी गई है।
stories = ख़बरें
pages = पृष्ठ
listing-empty = यहाँ अभी कोई ख़बर नहीं है।
from-agency = { $agency } से
hot = इस सप्ताह की चर्चित ख़बरें
hot-empty = इस सप्ताह अभी इतने पाठक नहीं आए कि चर्चित ख़बरें बताई जा सकें, और कोई और ख़बर कई रिपोर्टों में नहीं चल रही है।
topics = विषय

## A story in a list
read-more = आगे पढ़ें
coverage-count = पूरी कवरेज ({ $n } { $n ->
    [one] रिपोर्ट
   *[other] रिपोर्टें
})
also-from = यही रिपोर्ट इनसे भी
coverage-heading = पूरी कवरेज: { $headline }

## The article page
byline = { $byline } द्वारा
agency = एजेंसी:
wire-date = वायर तिथि:
published = प्रकाशित:
updated = अपडेट:
corrected = एजेंसी द्वारा संशोधित
go-to-source = मूल स्रोत पर जाएँ
story-coverage = पूरी कवरेज: इस ख़बर की { $n } { $n ->
    [one] रिपोर्ट
   *[other] रिपोर्टें
}
related = संबंधित ख़बरें

## Search
search = खोजें
search-title = खोज
search-results-for = “{ $query }” के परिणाम
search-page = पृष्ठ { $page }
search-page-of = पृष्ठ { $page } / { $last }
search-topic = विषय
search-all-topics = सभी विषय
search-from = से
search-to = तक
search-agency = एजेंसी
did-you-mean = क्या आपका मतलब है
results = परिणाम
more-results = और परिणाम
previous = पिछला
next = अगला
page-of-results = परिणामों का पृष्ठ
result-count = { $estimate ->
    [yes] लगभग { $count } परिणाम
   *[no] { $count } परिणाम
}
search-nothing-asked = वायर में खोजने के लिए कोई शब्द या नाम लिखें।
search-too-deep = खोज पहले { $max } परिणाम दिखाती है। खोज सीमित करने के लिए कोई शब्द या फ़िल्टर जोड़ें।
search-past-end = और परिणाम नहीं हैं; सभी पिछले पृष्ठों पर हैं।
search-page-hidden = इस पृष्ठ पर अभी कुछ नहीं दिखाया जा सकता; अगले पृष्ठ पर और परिणाम हैं।
search-nothing-filtered = कुछ नहीं मिला। कम या दूसरे शब्द, या कम फ़िल्टर आज़माएँ।
search-nothing = कुछ नहीं मिला। कम या दूसरे शब्द आज़माएँ।
search-unavailable = खोज कुछ क्षण के लिए उपलब्ध नहीं है। कृपया फिर से प्रयास करें।
search-typos = कुछ ख़बरों में आपके लिखे शब्दों से मिलती-जुलती वर्तनी के शब्द हैं।
search-any-word = किसी ख़बर में ये सभी शब्द नहीं हैं; इनमें कुछ शब्द हैं।

## Notices
story-removed = ख़बर हटा दी गई
story-removed-message = यह ख़बर एजेंसी या संपादकों ने वापस ले ली है और अब उपलब्ध नहीं है।
not-found = नहीं मिला
not-found-message = इस पते पर कोई ख़बर नहीं है।
back-to-latest = ताज़ा ख़बरों पर लौटें

## About
about-description = { $site } के बारे में: समाचार एजेंसियों की ख़बरें, जैसी आती हैं वैसी ही, सबसे नई पहले।
about-what = { $site } ख़बरें वैसे ही प्रकाशित करता है जैसे वायर एजेंसियाँ भेजती हैं: समाचार एजेंसियों की रिपोर्टें, आते ही ऑनलाइन, सबसे नई पहले, और एक ही ख़बर की हर रिपोर्ट उसकी पूरी कवरेज में एक साथ।
about-untouched = सामग्री एजेंसियों की अपनी है और बिना बदलाव के प्रकाशित होती है। संपादक अपना शीर्षक लिख सकते हैं; वे सामग्री कभी नहीं बदलते, और हर ख़बर पर एजेंसी का नाम दिया जाता है।
about-read = मेनू से खंड चुनकर पढ़ें, वायर में खोजें, या फ़ीड से जुड़ें

## Feeds
feed-latest = { $site } की ताज़ा ख़बरें
feed-latest-topic = { $site } पर { $topic } की ताज़ा ख़बरें
feed-agency = { $site } पर { $agency } की ताज़ा ख़बरें

## Dates
date-long = { $weekday }, { $day } { $month } { $year }
date-short = { $day } { $month_short } { $year }
date-time = { $day } { $month_short } { $year }, { $hour24 }:{ $minute } { $zone }
am = पूर्वाह्न
pm = अपराह्न
weekday-1 = सोमवार
weekday-2 = मंगलवार
weekday-3 = बुधवार
weekday-4 = गुरुवार
weekday-5 = शुक्रवार
weekday-6 = शनिवार
weekday-7 = रविवार
month-1 = जनवरी
month-2 = फ़रवरी
month-3 = मार्च
month-4 = अप्रैल
month-5 = मई
month-6 = जून
month-7 = जुलाई
month-8 = अगस्त
month-9 = सितंबर
month-10 = अक्टूबर
month-11 = नवंबर
month-12 = दिसंबर
month-short-1 = जनवरी
month-short-2 = फ़रवरी
month-short-3 = मार्च
month-short-4 = अप्रैल
month-short-5 = मई
month-short-6 = जून
month-short-7 = जुलाई
month-short-8 = अगस्त
month-short-9 = सितंबर
month-short-10 = अक्टूबर
month-short-11 = नवंबर
month-short-12 = दिसंबर

## Built-in topics' names
topic-india = देश
topic-world = दुनिया
topic-politics = राजनीति
topic-business = कारोबार
topic-technology = टेक्नोलॉजी
topic-sports = खेल
topic-science = विज्ञान
topic-health = स्वास्थ्य
topic-entertainment = मनोरंजन
topic-crime = अपराध और न्याय
topic-education = शिक्षा
topic-society = समाज
topic-economy = अर्थव्यवस्था
topic-cricket = क्रिकेट
topic-agency = एजेंसी
