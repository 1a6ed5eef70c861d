#!/usr/bin/env python3
"""Trigger and noun lexicons for the news rules, built from Open English WordNet.

Run from the repository root, either through the lexicon builder or directly::

    pip install wn simplemma wordfreq     # and the evx package itself (pip install -e .)
    python scripts/build_lexicons.py wordnet                 # ../shared/lexical/english-wordnet-2025.xml.gz
    python scripts/build_lexicons.py wordnet --wordnet FILE  # a WN-LMF file of OEWN 2025
    python scripts/build_lexicons.py wordnet --download      # wn.download("oewn:2025") instead
    python scripts/wordnet_lexicons.py [--wordnet FILE | --download] [--explain WORD]

Without ``--download`` nothing is fetched: the WN-LMF file is added to a private
``wn`` data directory (``$XDG_CACHE_HOME/evx/wn``, by default ``~/.cache/evx/wn``),
once; later runs reuse it.  ``wn`` is a build-time input only (the ``lexicons``
extra); the generated files are what ships.

What is written
---------------
``rules/news/lexicons/triggers/``: for each event type (visit, meeting, attack,
denial) ``<type>-verbs.txt``, ``<type>-nouns.txt`` and ``<type>-weak.txt``, and,
where needed, ``<type>-forms.txt`` (surface plurals that no lemma line can find,
see "Lemma round trip");
``rules/news/lexicons/``: ``person-nouns.txt``, ``group-nouns.txt``,
``place-nouns.txt``.  One lemma phrase a line, lower-case, sorted, unique;
``#`` header lines name the source, its licence and the command.

How a trigger file is made
--------------------------
Each file starts from seed synsets picked by hand from the annotation guide
(``SEEDS``, one comment each).  A seed contributes the lemmas of its synset,
the lemmas of its hyponyms down to the depth given with the seed, and, for
the seed synset itself, the derivationally related words of the other part of
speech whose synset is in an allowed lexicographer file (event nouns from
``noun.act``, ``noun.event`` and ``noun.communication``, and from ``noun.group``
only for the gatherings of the meeting type; never ``noun.person``: a
"visitor" or an "attacker" is a person, not an event).  Then, per type:

* ``EXCLUDE`` drops a lemma (``verbs:trip`` drops it from one part only), with the reason beside it (figurative visits,
  labour strikes, verbal attacks, "deny" = refuse to give, sports, ...);
* ``EXTRA`` adds words of the guide that WordNet's senses lack
  ("airstrike"), each with a comment;
* ``WEAK`` moves a lemma to ``<type>-weak.txt``: words that are mostly not
  this event in news ("go", "head", "fire", "hit") and need context from the
  rules.

Multi-word lemmas with a placeholder ("one's", "someone") and lemmas with
capitals, digits or other marks than hyphens and spaces are skipped.

Lemma round trip
----------------
Lexicons are matched by lemma: the engine tokenizes each phrase as a document
is tokenized and lemmatizes each word with ``evx.text.lemma.lemmatize``.  The
script does the same and writes what the engine matches, reporting every
line whose words lemmatize to something else ("talks" -> "talk",
"shelling" -> "shell"); such lines are written in their lemmatized form so that
a file says what it matches, and a line whose lemma is not stable under a second
lemmatizing is dropped (it could never match).  Frequent inflected forms are
checked as well: a form with a stable lemma of its own is added ("heading",
simplemma's "travell" for "travelling").  A noun plural whose lemma is not
stable ("meetings" -> "meeting", but "meeting" -> "meet") cannot be found by any
lemma line, so it is written to ``<type>-forms.txt``, for a lexicon matched on
lower-cased words.

Noun files for the entity layer
-------------------------------
``person-nouns.txt`` (people and roles, ``noun.person``), ``group-nouns.txt``
(collective bodies, ``noun.group``) and ``place-nouns.txt`` (``noun.location``,
and buildings, structures and facilities from ``noun.artifact``) are made the
from ``NOUN_SOURCES``: single words (the entity layer finds a compound's head)
that are frequent in English (wordfreq Zipf >= ``NOUN_MIN_ZIPF``) and whose first
WordNet noun sense is of the file's kind.  Synsets used as slurs, disparagement,
obscenity or slang are skipped; so are words with an animal, plant, food, body,
object, substance or phenomenon sense and words with more adjective and verb
senses than noun senses, unless ``NOUN_KEEP`` names them; then ``NOUN_EXCLUDE``
(with reasons) and ``NOUN_EXTRA`` (with comments) apply.  A word whose engine
lemma is another word is left out ("accused" -> "accuse"), except a plural
that stands for its singular ("troops" -> "troop").  These files need
``wordfreq`` as well as ``wn``.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEX_DIR = ROOT / "rules" / "news" / "lexicons"
TRIGGER_DIR = LEX_DIR / "triggers"
WORDNET_FILE = Path("shared") / "lexical" / "english-wordnet-2025.xml.gz"
LEXICON_ID = "oewn:2025"
COMMAND = "python scripts/build_lexicons.py wordnet"

SOURCE_HEADER = [
    "source: Open English WordNet 2025 (english-wordnet commit d94538a),",
    "https://github.com/globalwordnet/english-wordnet, licence CC BY 4.0",
    "(https://creativecommons.org/licenses/by/4.0/), with hand-picked seeds and filters",
    f"made by: {COMMAND}",
    "generated: do not edit by hand; change the script (scripts/wordnet_lexicons.py)",
]

INFLECTION_MIN_ZIPF = 2.5   # an inflected form this frequent is checked in the lemma round trip
EVENT_NOUN_LEXFILES = {"noun.act", "noun.event", "noun.communication"}


@dataclass(frozen=True)
class Seed:
    """A synset, how deep to take its hyponyms, and whether to follow derivations."""

    synset: str
    depth: int = 0
    derive: bool = True


# ---------------------------------------------------------------------------
# Seeds per event type and part of speech.  Depth = levels of hyponyms taken.
# ---------------------------------------------------------------------------

SEEDS: dict[str, dict[str, list[Seed]]] = {
    "visit": {
        "verbs": [
            Seed("oewn-02498679-v", 0),   # visit, see: go to see a place
            Seed("oewn-01847631-v", 0),   # travel to, visit: go to places (sightseeing, trips)
            Seed("oewn-02493222-v", 1),   # visit, call in: pay a brief visit
            Seed("oewn-01847990-v", 0),   # visit, inspect: come to see in an official capacity
            Seed("oewn-82897193-v", 0),   # call on: visit someone for a short time
            Seed("oewn-02494290-v", 0),   # drop by, drop in, come by: visit informally
            Seed("oewn-01849662-v", 1),   # travel, journey: undertake a journey or trip
            Seed("oewn-01846997-v", 0),   # travel, trip, jaunt: make a trip
            Seed("oewn-01844180-v", 0),   # fly: travel in an airplane
            Seed("oewn-02009962-v", 0),   # arrive, get, come: reach a destination
            Seed("oewn-01849171-v", 0),   # tour: make a tour of a place
            Seed("oewn-01983915-v", 0),   # land: reach or come to rest (a plane, its passengers)
            Seed("oewn-01939092-v", 0),   # head: go or travel towards
            Seed("oewn-02008888-v", 0),   # return: go or come back to a place
            Seed("oewn-01866904-v", 0),   # stop, stop over: interrupt a trip
            Seed("oewn-01839438-v", 0, derive=False),  # travel, go, move: change location
            Seed("oewn-01853188-v", 0, derive=False),  # come: move toward something or somebody
        ],
        "nouns": [
            Seed("oewn-01235721-n", 1),   # visit: going to see a person or place for a short time
            Seed("oewn-01235407-n", 1),   # visit: in an official capacity (inspection)
            Seed("oewn-01057284-n", 0),   # sojourn, visit: a temporary stay
            Seed("oewn-00309196-n", 1),   # trip: a journey for some purpose
            Seed("oewn-00311492-n", 1),   # tour: a journey all around a place
            Seed("oewn-00307252-n", 0),   # journey: travelling from one place to another
            Seed("oewn-00049115-n", 0),   # arrival: the act of arriving at a place
            Seed("oewn-01058335-n", 0),   # stop, stopover, layover: a stay in a journey
            Seed("oewn-00052012-n", 0),   # return, homecoming: coming home
            Seed("oewn-00312513-n", 1),   # pilgrimage: a journey to a sacred place
            Seed("oewn-00296527-n", 0),   # travel: the act of going from one place to another
        ],
    },
    "meeting": {
        "verbs": [
            Seed("oewn-02492581-v", 0),   # meet, get together: for a specific purpose
            Seed("oewn-02026650-v", 0),   # meet: by design; be present at the arrival of
            Seed("oewn-02433771-v", 0),   # meet, assemble, convene: collect in one place
            Seed("oewn-00763758-v", 1),   # negotiate, talk terms
            Seed("oewn-00878196-v", 0),   # confer, consult: have a conference to talk over
            Seed("oewn-00879090-v", 0),   # consult, confer with
            Seed("oewn-00765054-v", 0),   # parley: discuss, as between enemies
            Seed("oewn-00815640-v", 0),   # discuss, talk over, hash out: with others
            Seed("oewn-00964479-v", 0, derive=False),  # talk: exchange thoughts; talk with
            Seed("oewn-02028562-v", 0),   # reconvene: meet again
        ],
        "nouns": [
            Seed("oewn-07162900-n", 1),   # negotiation, dialogue, talks
            Seed("oewn-01268857-n", 0),   # negotiation: negotiating an agreement
            Seed("oewn-08324519-n", 1),   # meeting: a formally arranged gathering
            Seed("oewn-01233454-n", 0),   # meeting, coming together: assembling for a purpose
            Seed("oewn-08329289-n", 0),   # summit, summit meeting
            Seed("oewn-07155367-n", 1),   # discussion: an exchange of views
            Seed("oewn-07157845-n", 0),   # consultation: a conference to consider a question
            Seed("oewn-07156145-n", 0),   # parley: a negotiation between enemies
            Seed("oewn-07150442-n", 0),   # talk: an exchange of ideas via conversation
        ],
    },
    "attack": {
        "verbs": [
            Seed("oewn-01121587-v", 1),   # attack, assail: launch an attack, start warfare
            Seed("oewn-01120867-v", 0),   # attack, aggress: take the offensive
            Seed("oewn-01122487-v", 1),   # assail, assault, set on, attack: physically
            Seed("oewn-01134328-v", 1),   # bomb, bombard
            Seed("oewn-01139564-v", 1),   # shoot: hit with a missile from a weapon
            Seed("oewn-02490159-v", 1),   # shoot: kill by firing a missile
            Seed("oewn-01137207-v", 1),   # shoot, blast: fire a shot
            Seed("oewn-01138209-v", 0),   # open fire, fire: start firing a weapon
            Seed("oewn-01138348-v", 0),   # shell, blast: use explosives on
            Seed("oewn-01126313-v", 1),   # strike, hit: an offensive against an enemy
            Seed("oewn-02500499-v", 0),   # raid: make a sudden surprise attack on
            Seed("oewn-02023879-v", 0),   # raid, foray into: enter territory and take spoils
            Seed("oewn-01140630-v", 0),   # ambush, waylay, bushwhack
            Seed("oewn-00480107-v", 0),   # massacre, slaughter, mow down
            Seed("oewn-01234216-v", 0),   # stab, knife: use a knife on
            Seed("oewn-01092746-v", 0),   # fight, contend: be engaged in a fight
            Seed("oewn-01094777-v", 0),   # battle, combat
            Seed("oewn-01563925-v", 0),   # clash, collide: crash together with violent impact
            Seed("oewn-01128786-v", 0),   # invade: march into territory by military force
            Seed("oewn-01574185-v", 0),   # behead, decapitate
            Seed("oewn-00379951-v", 0),   # torch: burn maliciously
            Seed("oewn-01399864-v", 0),   # beat, beat up, work over: give a beating to
            Seed("oewn-01426583-v", 0),   # club, bludgeon: strike with a club
            Seed("oewn-02489986-v", 0),   # lynch: kill without legal sanction
        ],
        "nouns": [
            Seed("oewn-00974725-n", 1),   # attack, onslaught: a military offensive
            Seed("oewn-00775311-n", 0),   # attack: the act of attacking
            Seed("oewn-00989949-n", 0),   # bombardment, shelling, barrage
            Seed("oewn-00980499-n", 1),   # bombing: an attack by dropping bombs
            Seed("oewn-00981828-n", 1),   # bombing: bombs for sabotage, terrorism
            Seed("oewn-00125437-n", 0),   # gunfight, shootout
            Seed("oewn-00961487-n", 0),   # clash, skirmish: a minor short-term fight
            Seed("oewn-00982124-n", 1),   # offensive: the action of attacking an enemy
            Seed("oewn-00977538-n", 1),   # incursion: an attack into enemy territory
            Seed("oewn-00978617-n", 0),   # invasion: an army invading
            Seed("oewn-00979387-n", 1),   # strike: an attack to inflict damage (military)
            Seed("oewn-00976197-n", 0),   # air raid, air attack
            Seed("oewn-00979039-n", 1),   # raid, foray: a sudden short attack
            Seed("oewn-00976530-n", 0),   # assault: close fighting in a military attack
            Seed("oewn-00769315-n", 1),   # assault: a physical attack on a person
            Seed("oewn-01249473-n", 0),   # ambush, ambuscade
            Seed("oewn-00224850-n", 1),   # massacre, slaughter, carnage
            Seed("oewn-00123481-n", 1),   # shooting: firing a projectile
            Seed("oewn-00226017-n", 1),   # shooting: killing someone by gunfire
            Seed("oewn-00124603-n", 0),   # gunfire
            Seed("oewn-00955670-n", 1),   # battle, fight, engagement: hostile forces meet
            Seed("oewn-01173452-n", 0),   # fight, fighting, combat
            Seed("oewn-00379104-n", 0),   # arson
            Seed("oewn-00229048-n", 0),   # beheading, decapitation: killing
        ],
    },
    "denial": {
        "verbs": [
            Seed("oewn-00818217-v", 1),   # deny: declare untrue; contradict
            Seed("oewn-00818664-v", 0),   # deny: refuse to accept or believe
            Seed("oewn-01070402-v", 0),   # deny: deny an allegation formally (law)
            Seed("oewn-00818828-v", 0),   # deny: refuse to recognize or acknowledge
            Seed("oewn-00816512-v", 1),   # refute, rebut: overthrow by argument
            Seed("oewn-00669665-v", 0),   # refute, rebut, controvert: prove false
            Seed("oewn-00821736-v", 1),   # disavow: disclaim knowledge or responsibility
            Seed("oewn-00759420-v", 0),   # disclaim: make a disclaimer about
            Seed("oewn-00818489-v", 0),   # repudiate: reject as untrue, unfounded
            Seed("oewn-00825097-v", 0),   # contradict: deny the truth of
            Seed("oewn-00870790-v", 0),   # dispute, gainsay: take exception to
            Seed("oewn-00854877-v", 0),   # debunk: expose false claims
            Seed("oewn-00802592-v", 0, derive=False),  # dismiss, brush aside, brush off
            Seed("oewn-02242120-v", 0, derive=False),  # reject: not accept as true
        ],
        "nouns": [
            Seed("oewn-07218900-n", 1),   # denial: asserting that something alleged is not true
            Seed("oewn-01201240-n", 0),   # denial: a defendant's plea denying the charges
            Seed("oewn-07215880-n", 0),   # rebuttal: refuting by a contrary contention
            Seed("oewn-07215473-n", 0),   # refutation: answering an attack on one's assertions
            Seed("oewn-00156118-n", 0),   # refutation, disproof: determining something is false
            Seed("oewn-07220606-n", 0),   # disavowal, disclaimer: denial of any connection
            Seed("oewn-07222070-n", 0),   # repudiation: rejecting as invalid
            Seed("oewn-00523394-n", 0),   # repudiation, debunking: exposing falseness
        ],
    },
}

# Lexicographer files a derived word may come from, per type and part of speech.
DERIVE_LEXFILES: dict[str, dict[str, set[str]]] = {
    "visit": {"verbs": {"verb.motion", "verb.social"}, "nouns": EVENT_NOUN_LEXFILES},
    "meeting": {
        "verbs": {"verb.social", "verb.communication"},
        "nouns": EVENT_NOUN_LEXFILES | {"noun.group"},   # "meeting", "summit" are noun.group
    },
    "attack": {"verbs": {"verb.competition", "verb.contact", "verb.change"}, "nouns": EVENT_NOUN_LEXFILES},
    "denial": {"verbs": {"verb.communication", "verb.cognition"}, "nouns": EVENT_NOUN_LEXFILES},
}

# Lemmas dropped, with the reason.  Keys are WordNet lemmas (before lemmatizing).
EXCLUDE: dict[str, dict[str, str]] = {
    "visit": {
        "run": "a route or an errand",
        "errand": "not a visit",
        "service call": "repairs",
        "trek": "mostly a hike; migrants' treks",
        "round trip": "tickets and distances",
        "itineration": "not news English",
        "package tour": "tourism",
        "package holiday": "tourism",
        "pub crawl": "leisure",
        "visitation": "custody and religious senses",
        "take in": "mostly absorbing or housing",
        "globe-trot": "not news English",
        "sledge": "sledging",
        "sail": "ships sail",
        "navigate": "steering",
        "shlep": "slang",
        "schlep": "slang",
        "see": "mostly perception or understanding, not travel",
        "circuit": "racing and electric circuits",
        "come up": "figurative (an issue came up)",
        "call": "mostly a phone call or a statement",
        "inspect": "examining things, not travel to a place",
        "get": "far too general (get = obtain, become)",
        "move": "troop, goods and population movements are not visits",
        "locomote": "not news English",
        "verbs:trip": "the verb is mostly stumbling (the noun is kept)",
        "jaunt": "not news English",
        "stop": "mostly halting something",
        "set down": "putting things down",
        "sojourn": "rare in news",
        "layover": "a stay between flights, not a visit",
        "traveling": "lemmatizes to travel, kept there",
        "travelling": "lemmatizes to travel, kept there",
        "journeying": "lemmatizes to journey, kept there",
        "return": "kept as a weak word (returning things, to power, to normal)",
        "go to": "too general",
        "cruise": "leisure cruises, ships and missiles cruising",
        "sightsee": "tourism, not news visits",
        "sightseeing": "tourism, not news visits",
        "junket": "pejorative",
        "commute": "daily commuting is not a visit; also a sentence commuted",
        "commutation": "daily commuting is not a visit; also a sentence commuted",
        "walkabout": "a crowd tour, rare",
        "excursion": "leisure",
        "outing": "leisure; also revealing someone's identity",
        "expedition": "mostly exploration or military expeditions",
        "voyage": "sea travel, rare in news",
        "flight": "mostly a scheduled air service or fleeing",
        "crossing": "border crossings (places and migrants), not visits",
        "passage": "mostly a text or a law passing",
        "hadj": "spelling variant; the pilgrimage is not a single visitor's visit",
        "hajj": "a religious rite of millions, mostly mass travel",
        "haj": "a religious rite of millions, mostly mass travel",
        "landing": "aircraft and troop landings",
        "touchdown": "mostly American football",
        "comer": "a person",
        "coming": "the gerund of come, a weak word",
        "flying": "flying as an activity (aviation)",
        "visiting": "the gerund; 'visit' covers the event",
    },
    "meeting": {
        "celebrate": "celebrations are not meetings",
        "fete": "celebrations",
        "join": "far too general",
        "reunite": "families reuniting",
        "visit": "kept in the visit files",
        "call in": "summoning",
        "intercede": "mediation is not itself a meeting",
        "mediate": "mediation is not itself a meeting; the talks mediated are",
        "intermediate": "not news English",
        "liaise": "contact in general",
        "arbitrate": "legal",
        "dicker": "haggling",
        "bargain": "haggling; labour bargaining",
        "broker": "brokering a deal",
        "collogue": "not news English",
        "palaver": "not news English",
        "talk terms": "rare",
        "diplomacy": "a practice, not one meeting",
        "horse trading": "figurative",
        "mediation": "a process",
        "committee meeting": "a body meeting on its own",
        "camp meeting": "religious",
        "stockholders meeting": "companies",
        "town meeting": "local government",
        "psychotherapy group": "not a meeting of parties",
        "conclave": "papal conclaves, party gatherings",
        "plenum": "a body's plenary session",
        "group discussion": "classrooms",
        "public discussion": "public debate",
        "postmortem": "figurative",
        "post-mortem": "autopsies",
        "ventilation": "air",
        "sidebar": "a short article; courtroom",
        "negociate": "spelling variant",
        "renegociate": "spelling variant",
        "see": "mostly perception",
        "gather": "crowds and rallies gather; also collecting things",
        "forgather": "not news English",
        "foregather": "not news English",
        "get together": "social gatherings",
        "rally": "rallies are not meetings (guide)",
        "muster": "troops mustering",
        "mass": "crowds massing; also the noun",
        "conference": "press/news conferences are not meetings (guide); context needed",
        "group meeting": "not news English",
        "coming together": "figurative",
        "congress": "mostly the legislature",
        "word": "far too general",
        "give-and-take": "figurative",
        "talking": "mostly speaking",
        "speak": "speaking is not a meeting",
        "verbs:talk": "speaking is not a meeting; the plural noun 'talks' is in the nouns file",
        "assemblage": "a collection of things",
        "confabulation": "mostly the psychiatric sense",
        "session": "mostly a sitting of a body, not two parties meeting",
        "reunion": "family and school reunions",
        "convention": "mostly an agreement (treaty) or a party convention",
        "rendezvous": "rare",
        "caucus": "party caucuses",
        "assembly": "mostly the legislative body",
        "forum": "a medium or venue; the word rarely names two parties meeting",
        "audience": "mostly the listeners",
        "interview": "interviews are not meetings (guide)",
        "seance": "not news",
        "sitting": "mostly seated / a sitting of a body",
        "panel discussion": "a public event, not talks between parties",
        "colloquium": "academic",
        "symposium": "academic",
        "seminar": "academic",
        "council": "mostly the body",
        "board meeting": "company boards",
        "cabinet meeting": "a body meeting on its own; kept out of the first version",
        "powwow": "informal and dated",
        "argument": "quarrels are not meetings",
        "argumentation": "quarrels are not meetings",
        "debate": "mostly public or parliamentary debate",
        "deliberation": "mostly a jury or a body deliberating",
        "bargaining": "mostly labour bargaining, kept as collective bargaining out",
        "collective bargaining": "labour relations",
        "dialog": "variant; 'dialogue' kept",
    },
    "attack": {
        "submarine": "not news English",
        "pepper": "figurative",
        "pelt": "mostly rain or figurative",
        "surprise": "far too general",
        "beleaguer": "mostly figurative",
        "surround": "surrounding is not an attack",
        "hem in": "figurative",
        "circumvent": "evading rules",
        "gas": "mostly fuel",
        "torpedo": "mostly figurative (torpedo a deal)",
        "ravish": "not news English",
        "dishonor": "not violence",
        "dishonour": "not violence",
        "outrage": "mostly indignation",
        "desecrate": "profaning, not violence against people",
        "profane": "not violence",
        "molest": "sexual abuse is not in the guide's attack list",
        "bait": "taunting",
        "sic": "quotation mark",
        "set": "far too general",
        "bulldog": "not news English",
        "rush": "far too general",
        "blindside": "figurative",
        "savage": "mostly verbal",
        "reassail": "not news English",
        "jump": "mostly rising",
        "beset": "figurative",
        "bomb out": "not news English",
        "glide-bomb": "not news English",
        "skip-bomb": "not news English",
        "atom-bomb": "not news English",
        "hydrogen-bomb": "not news English",
        "pattern-bomb": "not news English",
        "atomize": "spraying",
        "atomise": "spraying",
        "zap": "informal",
        "letter bomb": "the noun is the device",
        "grass": "slang for informing",
        "flight": "the noun of flying",
        "blaze": "fires blaze",
        "blaze away": "rare",
        "overshoot": "missing a target",
        "sharpshoot": "rare",
        "pump": "pumps",
        "slice": "cutting",
        "chop": "cutting",
        "stroke": "caressing",
        "retaliate": "retaliation can be non-violent",
        "banzai attack": "historical",
        "banzai charge": "historical",
        "diversionary attack": "rare",
        "countermove": "a move in general",
        "coup de main": "rare",
        "dirty war": "a period of repression, not one act",
        "rollback": "reversing a policy",
        "push back": "resisting",
        "interpenetration": "not news English",
        "breakthrough": "mostly figurative",
        "infiltration": "entering secretly is not an attack",
        "inroad": "figurative",
        "resisting arrest": "a charge",
        "bloodletting": "figurative",
        "battue": "hunting",
        "countershot": "filming",
        "discharge": "mostly release from hospital or duty",
        "firing": "kept as fire in the weak file",
        "firing off": "rare",
        "headshot": "photographs",
        "potshot": "mostly figurative",
        "wing shooting": "hunting birds",
        "enfilade": "rare",
        "enfilade fire": "rare",
        "armageddon": "figurative",
        "dogfight": "mostly figurative or dog fights",
        "assail": "kept; see weak for verbal uses",
        "onset": "the beginning of something",
        "onrush": "a rush of water or feeling",
        "attempt": "mostly 'attempt to'",
        "battery": "mostly an electric battery",
        "brush": "a brush with the law, a brush",
        "encounter": "mostly a meeting",
        "offense": "a crime or a sports offence",
        "offence": "a crime or a sports offence",
        "penetration": "figurative (market penetration)",
        "foray": "mostly figurative (a foray into politics)",
        "maraud": "not news English",
        "trap": "mostly figurative",
        "lying in wait": "a state, not an act",
        "lie in wait": "a state, not an act",
        "lurk": "a state, not an act",
        "scupper": "mostly figurative (scupper a deal)",
        "butchery": "mostly meat trade",
        "conflict": "generic conflict nouns are soft in the gold",
        "engagement": "mostly betrothal or involvement",
        "scrap": "mostly scrapping a plan",
        "contend": "mostly arguing",
        "struggle": "mostly effort",
        "collide": "vehicles colliding",
        "occupy": "mostly occupying a post or a building",
        "decollate": "not news English",
        "pip": "not news English",
        "bust": "police raids without violence (guide)",
        "aggress": "not news English",
        "set on": "ambiguous phrasal verb (set on fire, set on doing)",
        "shot": "kept as a weak word (vaccines, photos, attempts)",
        "mugging": "street crime, kept out with robbery",
        "rape": "sexual violence is not in the guide's attack list",
        "violation": "rules being broken",
        "ravishment": "not news English",
        "box": "sport",
        "spar": "sport",
        "wrestle": "sport",
        "fence": "sport",
        "joust": "sport",
        "duel": "rare",
        "tilt": "tilting",
        "feud": "quarrels",
        "war": "generic conflict nouns are soft in the gold",
        "wage war": "generic conflict",
        "blitz": "mostly figurative (media blitz)",
        "blitzkrieg": "historical",
        "sally": "not news English",
        "sortie": "military flights in general",
        "charge": "mostly criminal charges",
        "countercharge": "mostly verbal",
        "diversion": "mostly figurative",
        "feint": "not an attack",
        "safari": "hunting trips",
        "incendiarism": "not news English",
        "fire-raising": "not news English",
        "snipe": "mostly verbal (sniping at rivals)",
        "round": "far too general",
        "lash out": "mostly verbal",
        "kneecap": "rare",
        "first strike": "a nuclear doctrine or a threat ('could strike first'), not an act",
        "swoop": "police swoops and figurative uses",
        "bloodshed": "generic violence, soft in the gold",
        "gunplay": "rare",
        "bombing run": "rare",
        "hitting": "the gerund of hit, a weak word",
        "violate": "mostly violating rules or a ceasefire",
        "hunt": "hunting animals",
        "still-hunt": "hunting animals",
        "blast": "kept as a weak word",
        "fire": "kept as a weak word",
        "gun": "kept as a weak word",
        "dud": "a failed shell",
        "potshot": "mostly figurative",
        "pot shot": "mostly figurative",
        "crossfire": "mostly figurative",
        "down": "far too general",
        "land": "far too general",
        "reshoot": "filming",
        "photograph": "filming",
        "countermine": "not news English",
        "mine": "mostly mining",
        "sabotage": "destroying property by stealth; kept out of the first version",
    },
    "denial": {
        "oppose": "opposing is not denying a claim",
        "answer": "far too general",
        "negation": "logic and grammar",
        "disputation": "academic debate",
        "traverse": "mostly crossing a place",
        "contravene": "breaking a rule",
        "negate": "mostly cancelling an effect",
        "challenge": "mostly contesting or daring, not rejecting a claim as untrue",
        "gainsay": "rare",
        "expose": "revealing, the opposite of denying",
        "disregard": "ignoring is not denying",
        "discount": "prices; ignoring",
        "push aside": "ignoring is not denying",
        "ignore": "ignoring is not denying",
        "refuse": "refusing a demand, a thing (guide's NOT list)",
        "pass up": "declining an offer",
        "turn down": "declining an offer (guide's NOT list)",
        "decline": "declining an offer; also falling",
        "defense": "mostly defence forces",
        "defence": "mostly defence forces",
        "demurrer": "legal term",
        "rebutter": "legal term",
        "falsification": "mostly forgery",
        "falsifying": "mostly forgery",
        "disproof": "rare",
        "refutal": "rare",
        "renunciation": "giving something up",
        "disaffirmation": "rare",
        "controvert": "rare",
        "disclaimer": "mostly legal boilerplate",
        "self-denial": "abstinence",
        "contradiction": "mostly a logical inconsistency",
        "refusal": "refusing a demand, a thing (guide's NOT list)",
        "dismissal": "mostly being fired or a case dismissed",
        "rejection": "kept as a weak word",
    },
}

# Words of the guide and of news that WordNet's senses lack, each with a comment.
EXTRA: dict[str, dict[str, dict[str, str]]] = {
    "visit": {
        "verbs": {
            "pay a visit": "light-verb phrase of the guide ('paid a visit to Kyiv')",
            "make a visit": "light-verb phrase ('made a visit to the region')",
            "make a trip": "light-verb phrase ('made a trip to Moscow')",
            "set foot in": "'the first leader to set foot in the country'",
            "travel to": "the phrase of the guide",
            "touch down": "to land ('the squad touched down at Narita on Tuesday')",
        },
        "nouns": {
            "state visit": "an official visit of a head of state; a compound WordNet lacks",
            "official visit": "a fixed news compound",
            "working visit": "a fixed news compound",
            "stopover": "WordNet has it, with 'stop' and 'layover'; kept here explicitly",
            "homecoming": "WordNet's sense; listed so the file keeps it",
        },
    },
    "meeting": {
        "verbs": {
            "hold talks": "light-verb phrase of the guide ('held talks')",
            "hold a meeting": "light-verb phrase (lemma 'hold a meet'; 'held meetings' is left to "
                              "the noun forms file)",
            "hold discussions": "light-verb phrase",
            "hold negotiations": "light-verb phrase",
            "hold consultations": "light-verb phrase",
            "sit down with": "'sat down with the rebels'",
            "meet with": "the phrase of the guide ('met with')",
            "meet up": "phrasal form of meet",
            "host": "'hosted the delegation' names a meeting of host and guest only in context",
        },
        "nouns": {
            "talks": "the plural noun of the guide (negotiations); its lemma is 'talk', so the "
                     "line matches the singular and the verb too: rules should ask for the plural",
            "peace talks": "fixed news compound",
            "summit": "WordNet's noun.group sense 'summit meeting'",
            "tete-a-tete": "a private meeting of two",
            "sit-down": "informal: a meeting to talk ('a sit-down with the minister')",
            "face-to-face": "'a face-to-face with the president'",
            "get-together": "informal meeting",
            "negotiations": "the plural, as written in news",
            "discussions": "the plural, as written in news",
            "consultations": "the plural, as written in news",
            "meeting": "the event noun",
            "bilateral": "'a bilateral on the sidelines', the noun",
        },
    },
    "attack": {
        "verbs": {
            "fire on": "'troops fired on protesters'",
            "fire at": "'fired at the convoy'",
            "open fire": "the phrase of the guide ('opened fire')",
            "open fire on": "the phrase of the guide with its target",
            "set fire to": "arson",
            "set ablaze": "arson",
            "blow up": "destroying by explosives",
            "detonate": "setting off a bomb",
            "gun down": "killing by gunfire",
            "shoot down": "shooting an aircraft down",
            "storm": "'gunmen stormed the hotel'; weather uses are nouns",
            "airstrike": "the verb use ('jets airstruck' is rare, but 'airstrike' as a verb occurs)",
            "shell": "use artillery on ('shelling' lemmatizes to it)",
            "bomb": "the verb; the noun (the device) shares the lemma, so rules should check",
            "shoot": "the verb of the guide ('was shot')",
            "fight": "armed fighting ('fighting' lemmatizes to it); figurative uses (fight "
                     "corruption, fight a disease) are the largest source of false matches, so "
                     "rules should want an armed party or a place",
            "torch": "burn maliciously",
            "raid": "armed raids (police searches without violence are not attacks)",
            "assault": "physical assault",
            "clash": "'clashes' lemmatizes to it; verbal clashes need the rules' care",
            "skirmish": "fight briefly between small armed units",
            "exchange fire": "two sides shooting at each other",
            "pound": "'artillery pounded the town'; needs context in the weak file",
            "pelt": "WordNet's 'attack and bombard with or as if with missiles' ('pelted police with stones')",
            "scuffle": "WordNet's 'fight or struggle at close quarters' ('protesters scuffled with police')",
            "overrun": "an armed force taking a position by assault ('insurgents overran a military base')",
        },
        "nouns": {
            "airstrike": "the guide's word, missing from WordNet",
            "air strike": "spelling of airstrike",
            "drone strike": "fixed news compound",
            "missile strike": "fixed news compound",
            "rocket attack": "fixed news compound",
            "suicide attack": "fixed news compound",
            "suicide bombing": "fixed news compound",
            "car bombing": "fixed news compound",
            "stabbing": "the guide's word; WordNet has only the verb",
            "firefight": "an exchange of gunfire; missing from WordNet",
            "gunbattle": "armed fighting (the guide's 'battles'); a news spelling of gunfight",
            "gun battle": "spelling of gunbattle",
            "gunfight": "WordNet's noun.act sense",
            "shootout": "WordNet's noun.act sense",
            "killing spree": "fixed news compound",
            "rampage": "a violent spree",
            "bombardment": "WordNet's shelling sense",
            "strike": "the military sense (labour strikes and 'strike a deal' need the rules' care)",
            "offensive": "a military offensive (the adjective shares the lemma)",
            "raid": "an armed raid",
            "assault": "a physical attack",
            "ambush": "WordNet's sense",
            "clashes": "the plural, as written in news",
            "hostilities": "'hostilities broke out'; armed fighting",
            "fighting": "armed fighting (guide)",
            "counterattack": "WordNet's counterattack sense",
            "counteroffensive": "a military offensive in reply",
            "arson attack": "fixed news compound",
            "grenade attack": "fixed news compound",
            "terror attack": "fixed news compound",
            "terrorist attack": "fixed news compound",
            "mortar attack": "fixed news compound",
            "artillery fire": "fixed news compound",
            "rocket fire": "fixed news compound",
            "atrocity": "WordNet's noun.act sense ('an act of atrocious cruelty'): 'atrocities "
                        "committed by the militia'",
            "mass killing": "a massacre; 'killing' alone is a bare killing word, soft in the gold",
            "firebombing": "an attack with incendiary bombs; it lemmatizes to 'firebomb', so the "
                           "rules take only the -ing form for the act (the device is a weapon)",
            "shoot-down": "an aircraft shot down ('the shoot-down of the jet'); not in WordNet",
            "shootdown": "the same, written as one word",
            "shoot-out": "a gunfight ('a shoot-out with the police'), as news hyphenates it",
            "counter-attack": "counterattack as news often hyphenates it",
            "counter-offensive": "counteroffensive as news often hyphenates it",
            "sortie": "WordNet's sense 'a flight by a military aircraft on a mission' ('sorties flown by fighters')",
            "scuffle": "WordNet's 'disorderly fighting', a hyponym of fight left out with its siblings",
            "brawl": "WordNet's 'a noisy fight in a crowd'",
            "fistfight": "WordNet's 'a fight with bare fists'",
            "fisticuffs": "the same",
            "melee": "WordNet's 'a noisy riotous fight'",
            "affray": "WordNet's 'a noisy fight'",
            "stone-pelting": "throwing stones at people, as South Asian news names it",
            "exchange of fire": "two sides shooting at each other ('the heaviest exchange of fire since 2014')",
        },
    },
    "denial": {
        "verbs": {
            "reject": "reject a claim as untrue (weak: rejecting demands is not denial)",
            "deny": "the guide's verb",
            "brush off": "'brushed off the allegations'",
            "brush aside": "'brushed aside the report'",
            "shrug off": "'shrugged off the accusations'",
            "rebuff": "mostly rejecting offers; weak",
            "dismiss": "'dismissed the claim as propaganda' (weak: also firing)",
            "rubbish": "'rubbished the reports': British and South Asian usage; WordNet has the noun only",
        },
        "nouns": {
            "denial": "the guide's noun",
            "rebuttal": "WordNet's sense",
            "refutation": "WordNet's sense",
            "disavowal": "WordNet's sense",
            "repudiation": "WordNet's sense",
            "debunking": "WordNet's sense",
        },
    },
}
# Words kept for rules that add context, in <type>-weak.txt, with the reason.
WEAK: dict[str, dict[str, str]] = {
    "visit": {
        "go": "mostly not travel (go on, go ahead, going to)",
        "come": "mostly not travel (come under, come to terms)",
        "head": "mostly 'the head of' or leading an organization",
        "fly": "aircraft, flags, drones fly; travel only with a person as subject",
        "land": "aircraft, rockets land; 'landed a job'",
        "return": "returning things, to power, to normal",
        "call in": "also summoning someone",
        "leave for": "departures; a visit only with a destination",
        "reach": "mostly 'reach an agreement'",
        "come by": "also obtaining something",
        "get in": "ambiguous phrasal verb",
        "stop": "halting; a stop on a trip needs context",
        "stop by": "informal",
        "stay": "remaining somewhere (a stay of execution, a hospital stay); a visit only with "
                "its place and its visitor ('his stay in Rome')",
        "rush": "rushing anything through ('rushed the bill'); travel with a traveller and a goal "
                "('the minister rushed to the scene')",
        "hurry": "the same ('hurried to the hospital')",
        "set off": "WordNet's 'leave; set out on a journey'; also setting off bombs and alarms, so a "
                   "visit only with a goal ('set off for Minsk')",
        "set out": "the same ('set out for the capital'); also setting out a plan",
        "jet": "WordNet's 'travel by jet' ('jetted to Paris'); also liquids jetting",
    },
    "meeting": {
        "discuss": "names a meeting only when the parties meet; phone calls, writing and the "
                   "purpose verb after 'met ... to discuss' are not separate events",
        "consult": "consulting documents or experts",
        "assemble": "crowds and things assemble",
        "convene": "a body convening on its own",
        "reconvene": "a body meeting again on its own",
        "host": "hosting a guest is a meeting only in context",
        "dialogue": "mostly a general exchange, not one meeting",
        "consultation": "mostly a process (public consultation)",
        "discussion": "also written and public discussion",
        "encounter": "casual or hostile encounters",
        "receive": "receiving a visitor, in context only",
        "audience": "'received in audience' is a meeting; mostly the listeners",
        "conference": "a conference of the parties (a peace conference) is a meeting, a press or "
                      "news conference is not (guide)",
    },
    "attack": {
        "fire": "mostly a fire (blaze) or dismissing someone",
        "hit": "mostly figurative (hit by sanctions, hit a record)",
        "blast": "also criticizing; an explosion needs context",
        "explosion": "accidents and figurative explosions",
        "shot": "vaccines, photos, attempts",
        "gunshot": "mostly 'gunshot wounds', the injury rather than the act",
        "carnage": "mostly describes the aftermath",
        "gun": "mostly the weapon",
        "battle": "mostly figurative (battle cancer, legal battle)",
        "combat": "mostly 'combat corruption'",
        "charge": "mostly criminal charges",
        "pound": "weights, money; artillery only in context",
        "storm": "mostly weather",
        "barrage": "mostly figurative (a barrage of criticism)",
        "engage": "engaging in talks",
        "hostility": "mostly attitude",
        "hostilities": "armed fighting when plural",
        "assail": "mostly verbal",
        "beat": "mostly winning (beat the champions, beat the odds); a beating needs a victim",
        "club": "mostly the noun; the verb needs a victim",
        "set on": "ambiguous phrasal verb",
        "knife": "the noun is the weapon",
        "besiege": "armed forces besiege a town; mostly figurative otherwise (besieged by "
                   "reporters, by requests), so the rules want an armed party or a place",
    },
    "denial": {
        "dismiss": "also firing someone and courts dismissing cases",
        "reject": "also rejecting demands, deals, proposals (guide's NOT list)",
        "rejection": "mostly rejecting proposals",
        "rebuff": "mostly rejecting offers",
        "dispute": "mostly the noun 'dispute' (a quarrel); the verb rejects a claim",
        "contradict": "also statements contradicting each other",
        "disclaim": "mostly legal",
    },
}

# ---------------------------------------------------------------------------
# Noun files for the entity layer
# ---------------------------------------------------------------------------

NOUN_MIN_ZIPF = 3.0   # single words seen about once in 1,000,000 words of English or more

# Which synsets feed each noun file: a lexicographer file, or the hyponyms of root synsets.
NOUN_SOURCES: dict[str, dict[str, object]] = {
    # every noun.person synset: people named by role, office, occupation, side or condition
    "person": {"lexfiles": {"noun.person"}, "roots": []},
    # every noun.group synset: bodies, organizations, forces, social groups
    "group": {"lexfiles": {"noun.group"}, "roots": []},
    # noun.location, and buildings, structures and facilities in noun.artifact
    "place": {
        "lexfiles": {"noun.location"},
        "roots": [
            "oewn-02916498-n",   # building, edifice: hospital, embassy, school, mosque, prison
            "oewn-04348764-n",   # structure, construction: bridge, dam, checkpoint, base
            "oewn-03319968-n",   # facility, installation: airport, camp, port, plant
            "oewn-03302664-n",   # establishment: public or private (business, government) premises
        ],
    },
}
# The first (most frequent) noun sense of a word must be of the file's kind: "head" (body
# part first), "party" (the event first) are not kept as people.  These lexicographer files
# count as the kind of each file.
NOUN_FIRST_SENSE: dict[str, set[str]] = {
    "person": {"noun.person"},
    "group": {"noun.group"},
    "place": {"noun.location", "noun.artifact"},
}
# Usage domains that mark a synset as offensive or as slang: such synsets are skipped.
OFFENSIVE_USAGE = {"ethnic slur", "disparagement", "obscenity", "vulgarism", "slang", "derogation",
                   "profanity", "insult", "slur", "pejorative"}

# A word with a sense in one of these files is mostly a thing, an animal or a body part in
# news ("bull", "canary", "carrier"), unless NOUN_KEEP names it.
COMPETING_LEXFILES = {"noun.animal", "noun.plant", "noun.food", "noun.body", "noun.object",
                      "noun.substance", "noun.phenomenon"}
# Words with more adjective and verb senses than noun senses are mostly not nouns
# ("national", "moderate", "suspect"), unless NOUN_KEEP names them.
# Words kept though one of the two tests above drops them: they name people, bodies or places
# in news as often as not.
NOUN_KEEP: dict[str, set[str]] = {
    # ("academic", "conservative", "liberal", "moderate", "senior", "native", "professional" are
    # left to the tests on purpose: in news they are mostly adjectives.)
    "person": {
        "adolescent", "adult", "admiral", "baby", "belligerent", "bishop", "captive", "cardinal",
        "collector", "contractor", "cop", "corporal", "delegate", "descendant", "dissident",
        "diver", "emperor", "expert", "general", "hero", "incumbent", "intellectual", "intern",
        "judge", "kid", "killer", "man", "marine", "marshal", "member", "mercenary", "militant",
        "minor", "monarch", "mother", "neighbor", "neighbour", "newborn", "nurse", "official",
        "orphan", "painter", "pioneer", "porter", "premier", "pupil", "recruit", "relative",
        "rival", "soldier", "spy", "survivor", "suspect", "tutor", "twin", "viceroy", "volunteer",
        "worker",
    },
    "group": {"contingent", "crowd", "firm", "institute", "military", "regiment"},
    "place": {"barricade", "canton", "desert", "fort", "harbor", "harbour", "mill", "mortuary",
              "penitentiary", "port", "post", "shop", "terminal", "shed", "shack"},
}


def _because(reason: str, words: str) -> dict[str, str]:
    """One reason for several words (a space-separated list)."""
    return {w: reason for w in words.split()}


NOUN_EXCLUDE: dict[str, dict[str, str]] = {
    "person": {
        **_because("mostly a thing, a device or an abstraction in news",
                   "abomination adapter alto anti avatar back-number batman bearer beater blaster "
                   "blocker bombshell booker boomer booster breaker browser calculator caller-out "
                   "caller-up caster catcher character checker chit clone closer coaster cog "
                   "colossus conveyor cutter dummy embodiment extra finder flak knockout lister "
                   "locator mandatory mannequin maroon mascot mod mutation namesake ordinary pivot "
                   "powerhouse router scanner screw seasonal shaker shifter spinner spoiler "
                   "stretcher tackle teaser terminator throwback toaster topper tracer trailer "
                   "tucker turner voucher warner wag"),
        **_because("mythical or fictional beings, not people in news",
                   "angel ape-man christ deity demon devil fairy fay genie gnome goblin god goddess "
                   "goliath griffin hulk imp leviathan mermaid phantom phoenix roc sphinx spirit "
                   "sprite soul titan unicorn vampire werewolf wight yeti hobbit"),
        **_because("slang, pet names or names: rarely the role noun of a news person",
                   "babe badass ball-breaker ball-buster battle-axe belle beloved benedict berserk "
                   "darling franklin jinx jonah lohan lulu pom squirt wally yahoo dada chapman "
                   "fowler carter cooper mercer muller thatcher wright smith mason"),
        **_because("offensive or disparaging", "sissy midget gypsy jerk-off erotic"),
        **_because("rare compounds", "drunk-and-disorderly fence-sitter stoic trusty"),
        **_because("a pronoun-like or idiomatic word, not a role",
                   "nobody ex do-nothing no-show walk-in walk-on write-in fill-in stand-in high-up "
                   "has-been also-ran no-account good-for-nothing spend-all stay-at-home "
                   "stick-in-the-mud yes-man world-beater"),
    },
    "group": {
        **_because("not a body of people: a thing, a field or an abstraction",
                   "aggregation agriculture alignment ana ancestry anti-theatre array assortment "
                   "authoritarianism avant-garde aviation bastion batch battery bohemia botany "
                   "bracket bunch capitalism category chunk church-state circus collection "
                   "combination combo communism content cordon covert culture data deco defense "
                   "dichotomy duality economy ecosystem expo fauna flinders flora genealogy genome "
                   "governance grove heap hegemony hierarchy hip-hop indie law lineage masquerade "
                   "metadata mythology nationality obi package packet pantheon pedigree processor "
                   "progression rainforest repertoire retrospective sequence series sharia signage "
                   "species stack streak subclass subset swarm taxonomy tech totem traffic trilogy "
                   "tyranny underwood utility van variety wildlife zoology"),
        **_because("mostly an event, not a standing body", "rally rave-up reunion turnout secession "
                   "masquerade parade muster"),
        **_because("places rather than bodies (see place-nouns)", "hamlet clinic gallery settlement"),
        **_because("too vague or pejorative", "few folk elderly scum rabble highschool labor labour"),
        **_because("mostly an adjective, an activity or a category in news",
                   "public class business industry profession generation membership manpower "
                   "underground varsity vanguard dot-com"),
        **_because("events or animals rather than bodies of people",
                   "seminar symposium gathering herd flock"),
    },
    "place": {
        **_because("a part of a building, a piece of furniture or a fitting, not a place in news",
                   "baby-walker bed-ground bedside billboard cab cache card-house closet cockpit "
                   "coil confessional coop cubicle cupboard deck-house demi-bastion derrick desktop "
                   "door drawer earth-closet fender fireplace fixer-upper furnace fuselage gable "
                   "go-cart grating grill half-bastion half-dugout half-mast half-staff hank harem "
                   "hearth hogan hole-in-the-wall hoop hurdle hutch john kennel kiln knob lancet "
                   "lay-by locker lock-gate loo marquee nook pantry pave pit-house plywood privy "
                   "prop pull-in pull-off pull-up sampler sash scoreboard spire splash-guard stall "
                   "storey stretcher tack tailgate tee toilet tombstone turret walk-up waste-yard "
                   "weir cage greenhouse cleaner"),
        **_because("a direction, a point or an abstraction, not a place",
                   "aerospace apex architecture borderline bourne bower catchment derivation "
                   "destination detox direction edge end exterior foothold forefront here holy "
                   "horizon hub-and-spoke itinerary landscape latitude lawn lee locus longitude "
                   "lost-and-found midfield midland midst midway obstruction origin outline outlet "
                   "pinnacle position provenance quadrant quarter-circle scene set-back sideline "
                   "silhouette skyline somewhere spot terrain there top trend underside upside "
                   "vantage whereabouts zenith zodiac"),
    },
}
NOUN_EXTRA: dict[str, dict[str, str]] = {
    "person": {
        "spokesman": "the role noun of news quotes",
        "gunman": "the attacker noun of the guide's examples",
        "official": "the most frequent role noun of news",
        "pontiff": "the pope, as news names him; under the frequency threshold of general English",
        "dignitary": "'the visiting dignitary'; under the frequency threshold",
    },
    "group": {
        "force": "'security forces', 'government forces' (lemma of 'forces')",
        "panel": "a panel of experts or judges",
        "administration": "'the Biden administration'",
        "cabinet": "the government body (its furniture sense is rare in news)",
        "authority": "'the authorities' (lemma of 'authorities')",
        "group": "'an armed group', 'rebel groups'",
        "movement": "'a rebel movement'",
        "troop": "lemma of 'troops'",
    },
    "place": {
        "capital": "'the capital'; its first WordNet sense is money",
        "base": "'a military base'; its first WordNet sense is an artifact support",
        "town": "a settlement",
        "village": "a settlement (WordNet files the word under noun.group first)",
        "area": "'the area', 'border areas'",
        "region": "'the region'",
        "country": "'the country' (WordNet: noun.group first)",
        "state": "'the state' as a place",
        "neighborhood": "US spelling; WordNet gives it under noun.group",
        "island": "a place (noun.object in WordNet)",
        "coast": "a place (noun.object in WordNet)",
        "valley": "a place (noun.object in WordNet)",
        "mountain": "a place (noun.object in WordNet)",
        "province": "an administrative region",
        "compound": "'the embassy compound', 'a militant compound'",
        "school": "a building (WordNet: noun.group first)",
        "university": "a campus (WordNet: noun.group first)",
        "market": "a marketplace",
        "street": "a place in town",
        "square": "a public square",
        "bridge": "a structure",
        "road": "a structure",
        "highway": "a structure",
        "port": "a harbour town or facility",
        "checkpoint": "a military post",
        "refugee camp": "fixed compound",
    },
}


# ---------------------------------------------------------------------------
# WordNet access
# ---------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\b(one|one's|someone|somebody|something|oneself|sb|sth)\b")
_CLEAN = re.compile(r"^[a-z][a-z' -]*[a-z]$")


def default_wordnet() -> Path | None:
    """``../shared/lexical/...`` beside the repository (or beside the main checkout of a worktree)."""
    import subprocess

    roots = [ROOT]
    try:
        common = subprocess.run(["git", "rev-parse", "--git-common-dir"], cwd=ROOT, text=True,
                                capture_output=True, check=True).stdout.strip()
        roots.append((ROOT / common).resolve().parent)
    except (OSError, subprocess.CalledProcessError):
        pass
    for root in roots:
        if (root.parent / WORDNET_FILE).exists():
            return root.parent / WORDNET_FILE
    return None


def wn_data_dir() -> Path:
    """A private wn data directory under the user's cache."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "evx" / "wn"


def open_wordnet(path: Path | None, download: bool):
    """The OEWN 2025 lexicon, added from ``path`` (or downloaded) into the private wn directory."""
    import wn

    wn.config.data_directory = str(wn_data_dir())
    if not any(lex.specifier() == LEXICON_ID for lex in wn.lexicons()):
        if download:
            wn.download(LEXICON_ID, progress_handler=None)
        else:
            source = path or default_wordnet()
            if source is None or not source.exists():
                raise SystemExit(f"no WordNet file ({source or WORDNET_FILE}): give --wordnet FILE or --download")
            wn.add(str(source), progress_handler=None)
    return wn.Wordnet(LEXICON_ID)


def usable(lemma: str) -> bool:
    """A lemma that can be a lexicon line: lower-case letters, spaces, hyphens; no placeholder."""
    return bool(_CLEAN.match(lemma)) and not _PLACEHOLDER.search(lemma) and "'" not in lemma


def hyponyms(synset, depth: int):
    """The synset and its hyponyms down to ``depth`` levels."""
    out, frontier = [synset], [synset]
    for _ in range(depth):
        frontier = [h for s in frontier for h in s.hyponyms()]
        out.extend(frontier)
    return out


def expand(en, seeds: list[Seed], trace: dict[str, list[str]]) -> set[str]:
    """Lemmas of the seeds and of their hyponyms, down to each seed's depth."""
    words: set[str] = set()

    def add(lemma: str, why: str) -> None:
        if usable(lemma):
            words.add(lemma)
            trace.setdefault(lemma, []).append(why)

    for seed in seeds:
        synset = en.synset(seed.synset)
        for s in hyponyms(synset, seed.depth):
            for lemma in s.lemmas():
                add(lemma, f"{s.id} {s.lexfile()} (seed {seed.synset})")
    return words


def derived(en, seeds: list[Seed], target_pos: str, lexfiles: set[str],
            trace: dict[str, list[str]], exclude: dict[str, str]) -> set[str]:
    """Derivationally related words of ``target_pos`` from the seed synsets' senses."""
    out: set[str] = set()
    for seed in seeds:
        if not seed.derive:
            continue
        for sense in en.synset(seed.synset).senses():
            for rel in sense.get_related("derivation"):
                syn = rel.synset()
                if syn.pos != target_pos or syn.lexfile() not in lexfiles:
                    continue
                lemma = rel.word().lemma()
                source = sense.word().lemma()
                # same stem only: "arrive" -> "arrival", not "travel" -> "way"
                if usable(lemma) and lemma[:3] == source[:3] and source not in exclude:
                    out.add(lemma)
                    trace.setdefault(lemma, []).append(
                        f"derived from {sense.word().lemma()} ({seed.synset}) -> {syn.id} {syn.lexfile()}")
    return out


# ---------------------------------------------------------------------------
# Lemma round trip and writing
# ---------------------------------------------------------------------------


def engine_lemmas(phrase: str) -> str:
    """The phrase as the engine matches it with ``match: lemma``."""
    from evx.text.lemma import lemmatize      # the evx package must be installed
    from evx.text.tokenize import tokenize
    words = tokenize(phrase)[2]
    return " ".join(lemmatize(w) for w in words)


def plural(phrase: str) -> str:
    """The regular plural of a phrase's last word ("meeting" -> "meetings")."""
    head, _, last = phrase.rpartition(" ")
    if re.search(r"[^aeiou]y$", last):
        last = last[:-1] + "ies"
    elif re.search(r"(s|x|z|ch|sh)$", last):
        last += "es"
    else:
        last += "s"
    return f"{head} {last}" if head else last


def inflections(word: str) -> set[str]:
    """Frequent regular verb forms of a word (-s, -ed, -ing, with the usual spelling changes)."""
    from wordfreq import zipf_frequency

    forms = {word + "s", word + "ed", word + "ing"}
    if word.endswith("e"):
        forms |= {word[:-1] + "ed", word[:-1] + "ing", word + "d"}
    if re.search(r"[^aeiou]y$", word):
        forms |= {word[:-1] + "ies", word[:-1] + "ied"}
    if re.search(r"[^aeiou][aeiou][bdgklmnprt]$", word):
        forms |= {word + word[-1] + "ed", word + word[-1] + "ing"}
    if re.search(r"(s|x|z|ch|sh)$", word):
        forms.add(word + "es")
    return {f for f in forms if zipf_frequency(f, "en") >= INFLECTION_MIN_ZIPF}


def round_trip(lines: set[str], name: str, report: list[str], nouns: bool = False,
               forms: set[str] | None = None) -> set[str]:
    """Each phrase in the form the engine matches; the changed ones are reported.

    Frequent inflected forms of a single word are lemmatized too; where one has a stable
    lemma of its own ("heading" -> "heading", "travelling" -> "travell"), that lemma is added.
    For nouns the plural is lemmatized too: where its lemma differs from the singular's and
    is stable ("fightings" -> "fighting"), it is added; where it is not stable ("meetings" ->
    "meeting" -> "meet"), no lemma line can match it, and the plural goes to ``forms``.
    """
    out: set[str] = set()
    for phrase in sorted(lines):
        lem = engine_lemmas(phrase)
        if lem != phrase:
            report.append(f"{name}: '{phrase}' is matched as '{lem}'")
        if lem:
            out.add(lem)
        if " " not in phrase and "-" not in phrase:
            for form in sorted(inflections(phrase)):
                form_lem = engine_lemmas(form)
                if form_lem == lem or engine_lemmas(form_lem) != form_lem:
                    continue
                # "heading" -> "heading", "travelling" -> "travell": the form has a lemma of its own
                report.append(f"{name}: '{form}' is matched as '{form_lem}', added")
                out.add(form_lem)
        if nouns and "-" not in phrase.rpartition(" ")[2]:
            # the plural of the last word, in compounds too ("mass killings" -> "mass killing",
            # which the line "mass kill" cannot find)
            form = plural(phrase)
            plural_lem = engine_lemmas(form)
            if plural_lem in (lem, plural(lem)) or plural_lem == form:
                continue
            if engine_lemmas(plural_lem) == plural_lem:
                report.append(f"{name}: plural '{form}' is matched as '{plural_lem}', added")
                out.add(plural_lem)
            elif forms is not None:
                # simplemma: "meetings" -> "meeting" but "meeting" -> "meet"; a line is
                # lemmatized when the lexicon loads, so no lemma line can find "meetings"
                report.append(f"{name}: plural '{form}' has the lemma '{plural_lem}', which no "
                              f"lemma line can match; listed in the forms file")
                forms.add(form)
    return out


def write_file(path: Path, lines: set[str], description: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    head = [f"# {line}" for line in description + SOURCE_HEADER]
    body = sorted(lines)
    path.write_text("\n".join(head + body) + "\n", encoding="utf-8")


DESCRIPTIONS = {
    ("visit", "verbs"): "VISIT trigger verbs: travel to, arrive in, visit a place or person",
    ("visit", "nouns"): "VISIT trigger nouns: visits, trips, tours, journeys, arrivals",
    ("visit", "weak"): "VISIT trigger words that are mostly something else in news",
    ("meeting", "verbs"): "MEETING trigger verbs: meet face to face, hold talks, negotiate, confer",
    ("meeting", "nouns"): "MEETING trigger nouns: talks, meetings, summits, negotiations "
                          "('conference' is in the weak file: press and news conferences are not meetings)",
    ("meeting", "weak"): "MEETING trigger words that are mostly something else in news",
    ("attack", "verbs"): "ATTACK trigger verbs: violent physical acts",
    ("attack", "nouns"): "ATTACK trigger nouns: attacks, bombings, airstrikes, shelling, clashes",
    ("attack", "weak"): "ATTACK trigger words that are mostly something else in news",
    ("denial", "verbs"): "DENIAL trigger verbs: reject the truth of a claim",
    ("denial", "nouns"): "DENIAL trigger nouns: denials, rebuttals, refutations",
    ("denial", "weak"): "DENIAL trigger words that are mostly something else in news",
}
FORMS_NOTE = ("surface forms, matched on lower-cased words (no match: lemma): plurals whose "
              "simplemma lemma is not stable ('meetings' -> 'meeting' -> 'meet'), which a "
              "lemma-matched line cannot find")
WEAK_NOTE = ("needs context: each word here is mostly not this event in news; rules must add "
             "context (an argument, a dependency, a neighbouring word) before taking it")


# heads whose event sense a compound's modifier decides ("air strike" but "labour strike",
# "rocket fire" but "forest fire"): their compounds stay lines of their own
SENSE_FROM_MODIFIER = frozenset({"strike", "raid", "fire", "battle", "fight", "clash", "operation", "campaign"})


def build_triggers(en, report: list[str], trace: dict[str, dict[str, list[str]]]) -> dict[str, set[str]]:
    files: dict[str, set[str]] = {}
    for etype, parts in SEEDS.items():
        t = trace.setdefault(etype, {})
        exclude = EXCLUDE[etype]
        weak_words = set(WEAK[etype])
        words: dict[str, set[str]] = {}
        for part in ("verbs", "nouns"):
            other = "nouns" if part == "verbs" else "verbs"
            found = expand(en, parts[part], t)
            found |= derived(en, parts[other], "v" if part == "verbs" else "n",
                             DERIVE_LEXFILES[etype][part], t, exclude)
            for lemma, why in EXTRA[etype][part].items():
                found.add(lemma)
                t.setdefault(lemma, []).append(f"hand list: {why}")
            words[part] = {w for w in found
                           if (w not in exclude and f"{part}:{w}" not in exclude) or w in EXTRA[etype][part]}
        weak = set(weak_words)
        for part in ("verbs", "nouns"):
            words[part] -= weak_words
        forms: set[str] = set()
        for part in ("verbs", "nouns"):
            lines = round_trip(words[part], f"{etype}-{part}", report, nouns=part == "nouns",
                               forms=forms if part == "nouns" else None)
            files[f"{etype}-{part}"] = {line for line in lines if engine_lemmas(line) == line}
            for line in sorted(lines - files[f"{etype}-{part}"]):
                report.append(f"{etype}-{part}: '{line}' dropped: the engine would match it as "
                              f"'{engine_lemmas(line)}'")
        if forms:
            files[f"{etype}-forms"] = forms
        files[f"{etype}-weak"] = round_trip(weak, f"{etype}-weak", report, nouns=True)
        # a word that lemmatizes to a weak word is weak too
        for part in ("verbs", "nouns"):
            files[f"{etype}-{part}"] -= files[f"{etype}-weak"]
        # a compound whose head is a trigger noun already adds nothing but a longer trigger,
        # where the guide wants the shortest phrase ("attacks", not "terrorist attacks")
        # (unless the modifier is what gives the head its sense: "air strike", "air raid")
        nouns = files[f"{etype}-nouns"]
        redundant = {line for line in nouns if " " in line and line.rsplit(" ", 1)[1] in nouns
                     and line.rsplit(" ", 1)[1] not in SENSE_FROM_MODIFIER}
        for line in sorted(redundant):
            report.append(f"{etype}-nouns: '{line}' dropped: its head '{line.rsplit(' ', 1)[1]}' is a line")
        nouns -= redundant
    return files


def write_triggers(files: dict[str, set[str]]) -> None:
    for name, lines in files.items():
        etype, part = name.split("-")
        if part == "forms":
            desc = [f"{etype.upper()} trigger nouns, extra forms", FORMS_NOTE]
        else:
            desc = [DESCRIPTIONS[(etype, part)]]
            if part == "weak":
                desc.append(WEAK_NOTE)
            desc.append("matched by lemma (type: lexicon, match: lemma); one lemma phrase a line")
        write_file(TRIGGER_DIR / f"{name}.txt", lines, desc)
        print(f"{len(lines):6d} {TRIGGER_DIR.relative_to(ROOT) / (name + '.txt')}")



# ---------------------------------------------------------------------------
# Noun files
# ---------------------------------------------------------------------------


def offensive(synset) -> bool:
    usage = {u for rel in synset.get_related("exemplifies") for u in rel.lemmas()}
    return bool(usage & OFFENSIVE_USAGE)


def all_hyponyms(synset) -> list:
    out, seen, frontier = [], {synset.id}, [synset]
    while frontier:
        nxt = []
        for s in frontier:
            for h in s.hyponyms():
                if h.id not in seen:
                    seen.add(h.id)
                    out.append(h)
                    nxt.append(h)
        frontier = nxt
    return out


def frequent(lemma: str) -> bool:
    from wordfreq import zipf_frequency

    if " " in lemma:
        return False   # compounds: the entity layer finds their head noun
    return zipf_frequency(lemma, "en") >= NOUN_MIN_ZIPF


def build_nouns(en, report: list[str]) -> dict[str, set[str]]:
    """person-, group- and place-nouns: frequent lemmas whose first noun sense is of the kind."""
    files: dict[str, set[str]] = {}
    for kind, src in NOUN_SOURCES.items():
        synsets = [s for s in en.synsets(pos="n") if s.lexfile() in src["lexfiles"]]
        for root in src["roots"]:
            top = en.synset(root)
            synsets += [top] + all_hyponyms(top)
        lemmas: set[str] = set()
        for syn in synsets:
            if offensive(syn):
                continue
            for lemma in syn.lemmas():
                if not usable(lemma) or lemma in lemmas:
                    continue
                first = en.synsets(lemma, pos="n")
                if not first or first[0].lexfile() not in NOUN_FIRST_SENSE[kind] or offensive(first[0]):
                    continue
                if kind == "place" and first[0].lexfile() == "noun.artifact" and first[0] not in synsets:
                    continue   # an artifact first, but not a building, structure or facility
                if not frequent(lemma):
                    continue
                if lemma not in NOUN_KEEP[kind]:
                    if any(x.lexfile() in COMPETING_LEXFILES for x in first):
                        continue
                    other = sum(len(en.synsets(lemma, pos=p)) for p in ("a", "s", "v"))
                    if other > len(first):
                        continue
                lemmas.add(lemma)
        lemmas = {w for w in lemmas if w not in NOUN_EXCLUDE[kind]} | set(NOUN_EXTRA[kind])
        # a noun whose lemma is another word ("accused" -> "accuse") would match that word
        kept = set()
        for w in sorted(lemmas):
            lem = engine_lemmas(w)
            if lem == w:
                kept.add(w)
                continue
            # a plural entry ("authorities") stands for its singular if that is of the same kind
            same = en.synsets(lem, pos="n")
            if w.endswith("s") and same and same[0].lexfile() in NOUN_FIRST_SENSE[kind] \
                    and lem not in NOUN_EXCLUDE[kind]:
                kept.add(lem)
                report.append(f"{kind}-nouns: '{w}' is written as its lemma '{lem}'")
            else:
                report.append(f"{kind}-nouns: '{w}' left out: it lemmatizes to '{lem}'")
        files[f"{kind}-nouns"] = kept
    return files


NOUN_DESCRIPTIONS = {
    "person": "nouns naming people by role, office, occupation or condition (noun.person)",
    "group": "nouns naming collective bodies: delegations, governments, forces, parties (noun.group)",
    "place": "nouns naming places and facilities (noun.location; buildings, structures, facilities)",
}


def write_nouns(files: dict[str, set[str]]) -> None:
    for name, lines in files.items():
        kind = name.split("-")[0]
        desc = [NOUN_DESCRIPTIONS[kind],
                "singular lemmas, matched by lemma; frequent in English (wordfreq), slurs and slang left out"]
        write_file(LEX_DIR / f"{name}.txt", lines, desc)
        print(f"{len(lines):6d} {LEX_DIR.relative_to(ROOT) / (name + '.txt')}")

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    src = parser.add_mutually_exclusive_group()
    src.add_argument("--wordnet", type=Path, help="OEWN 2025 WN-LMF file (default: %(default)s)",
                     default=None)
    src.add_argument("--download", action="store_true", help='wn.download("oewn:2025") instead')
    parser.add_argument("--explain", metavar="WORD", action="append", default=[],
                        help="print where a lemma came from (repeatable); files are still written")
    parser.add_argument("--triggers-only", action="store_true", help="skip the noun files")
    parser.add_argument("--quiet", action="store_true", help="do not list lemma round-trip changes")
    args = parser.parse_args(argv)

    en = open_wordnet(args.wordnet, args.download)
    report: list[str] = []
    trace: dict[str, dict[str, list[str]]] = {}
    files = build_triggers(en, report, trace)
    write_triggers(files)
    if not args.triggers_only:
        write_nouns(build_nouns(en, report))
    if not args.quiet:
        for line in report:
            print("lemma:", line)
    for word in args.explain:
        for etype, t in trace.items():
            for why in t.get(word, []):
                print(f"{word} [{etype}]: {why}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
