"""People's names in news copy: capitalised runs, titles taken off, surnames resolved.

"US Secretary of State Antony Blinken" names Antony Blinken; "Kirby", once a blog has named
John Kirby, is John Kirby. Rules, not a model: they read English and German news style and
miss what does not look like it (lower-case names, names written in full capitals).
"""

# This module reads typography: curly quotes, apostrophes and dashes are its data.
# ruff: noqa: RUF001

from __future__ import annotations

import re
from collections.abc import Iterable


def word_set(words: str) -> frozenset[str]:
    """The words of a whitespace-separated list (long lists read better as text)."""
    return frozenset(words.split())


# Every upper-case letter Python knows below U+2000: Latin with accents, Greek, Cyrillic.
UPPER = "".join(ch for ch in map(chr, range(0x41, 0x2000)) if ch.isupper())
_UP = f"[{re.escape(UPPER)}]"
# A capitalised word: "Kirby", "O'Brien", "Jean-Claude", "al-Sisi" is caught by PARTICLES.
# Every piece is possessive or unambiguous, so that a run that fails to go on gives up at
# once: hostile text ("A-Bc-Bc-…", "A von de von de …") would otherwise backtrack
# exponentially. (An upper-case letter is a letter: after "-" the next piece needs no _UP.)
WORD = rf"(?:{_UP}\.|{_UP}[^\W\d_]*+(?:['’-][^\W\d_]++)*+)"
PARTICLES = ("von", "van", "der", "den", "de", "du", "da", "di", "dos", "del", "bin", "ibn", "al")
# "der"/"den" only after "von"/"van": alone they are German articles ("Pegel der Donau").
_PARTICLE = r"(?:von|van)(?:[ \u00a0](?:der|den|de))?|de|du|da|di|dos|del|bin|ibn|al"
# A run of capitalised words, with the particles names carry inside ("Ursula von der Leyen").
RUN = re.compile(rf"{WORD}(?:[ \u00a0](?:(?:{_PARTICLE})[ \u00a0-])*+{WORD})*")

# The particles just before a run ("erklärte von der Leyen"); searched within a window.
_PARTICLES_BEFORE = re.compile(rf"(?:^|\s)((?:(?:{_PARTICLE})\s)++)$")

# Words that open a run but are no part of a name: titles and roles, in English and German.
TITLES = word_set(
    """
    President Vice Prime Minister Secretary State General Gen. Admiral Adm. Colonel Col.
    Major Maj. Captain Capt. Lieutenant Lt. Sergeant Sgt. Commander Chief Deputy Acting
    Foreign Defence Defense Interior Health Finance Home Justice Economy Energy Trade
    Chancellor Mayor Governor Gov. Senator Sen. Representative Rep. Congressman
    Congresswoman Ambassador Spokesperson Spokesman Spokeswoman Director Head Leader Mr Mr.
    Mrs Mrs. Ms Ms. Dr Dr. Prof Prof. Professor Sir Dame Lord Lady King Queen Prince
    Princess Pope Bishop Archbishop Judge Justice Chairman Chairwoman Chair CEO Officer Herr
    Frau Bundeskanzler Bundeskanzlerin Kanzler Kanzlerin Präsident Präsidentin
    Bundespräsident Bundespräsidentin Ministerin Außenministerin Außenminister Sprecher
    Sprecherin Regierungssprecher Regierungssprecherin Bürgermeister Bürgermeisterin
    Verteidigungsminister Verteidigungsministerin Innenminister Innenministerin
    Generalsekretär
    """
)
_TITLE_SUFFIXES = (
    "minister",
    "ministerin",
    "kanzler",
    "kanzlerin",
    "sprecher",
    "sprecherin",
    "präsident",
    "präsidentin",
    "-chef",
    "-chefin",
    "meister",
    "meisterin",
    "rat",
    "rätin",
    "direktor",
    "direktorin",
    "sekretär",
    "sekretärin",
)

# Capitalised words that start sentences or name days and months, never people.
NOT_NAMES = word_set(
    """
    The A An In On At By For From To Of And But Or So Yet If As After Before Earlier Later
    Meanwhile However While When Where Why What Who How This That These Those There Here It
    He She They We I You His Her Their Our Its Some Many Most Several Speaking Asked Also
    According Officials Residents Police Authorities Breaking Update Updated Live Watch Experts
    Analysts Critics Witnesses Observers Diplomats Sources Doctors Protesters Experten Kritiker
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April
    May June July August September October November December Today Tonight Yesterday
    Tomorrow Der Die Das Dem Den Des Ein Eine Einer Eines Am Im Um Nach Vor Bei Mit Laut
    Auch Doch Aber Und Oder Wie Was Wer Wo Es Er Sie Wir Ich Heute Gestern Morgen Montag
    Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag Januar Februar März Juni Juli
    Oktober Dezember
    """
)
PRONOUNS = frozenset({"he", "she", "they", "er", "sie"})


def is_title(word: str) -> bool:
    lowered = word.lower()
    return word in TITLES or any(lowered.endswith(suffix) for suffix in _TITLE_SUFFIXES)


def _possessive_off(word: str) -> str:
    for ending in ("'s", "’s", "'", "’"):
        if word.endswith(ending) and len(word) > len(ending) + 1:
            return word[: -len(ending)]
    return word


def clean_run(run: str) -> str:
    """The name inside a capitalised run: leading sentence words and titles off.

    "Meanwhile US President Joe Biden" → "Joe Biden"; "Nato Secretary General Jens
    Stoltenberg" → "Jens Stoltenberg"; "Kirby's" → "Kirby".
    """
    words = run.replace("\u00a0", " ").split()
    first = next((i for i, word in enumerate(words) if word not in NOT_NAMES), len(words))
    words = words[first:]
    last_title = max((i for i, word in enumerate(words) if is_title(word)), default=-1)
    words = words[last_title + 1 :]
    if words:
        words[-1] = _possessive_off(words[-1])
    return " ".join(words)


def last_name_in(phrase: str) -> str | None:
    """The name that ends ``phrase`` ("White House spokesperson John Kirby" → "John Kirby"),
    or None when the phrase does not end with one ("a senior official")."""
    phrase = phrase.strip().rstrip(",")
    runs = list(RUN.finditer(phrase))
    if not runs or runs[-1].end() != len(phrase):
        return None
    name = clean_run(runs[-1].group())
    if name and name == runs[-1].group():
        # "erklärte von der Leyen": particles before the run belong to the name.
        particles = _PARTICLES_BEFORE.search(phrase, 0, runs[-1].start())
        if particles:
            name = particles.group(1) + name
    return name or None


def first_name_in(phrase: str) -> str | None:
    """The name that opens ``phrase`` ("Kirby, the White House spokesman" → "Kirby")."""
    phrase = phrase.strip()
    match = RUN.match(phrase)
    if match is None:
        return None
    return clean_run(match.group()) or None


def surname(name: str) -> str:
    return name.split()[-1]


def resolve(name: str, known: Iterable[str]) -> str:
    """The full name a surname stands for ("Kirby", "von der Leyen"), when exactly one known
    name ends with it."""
    matches = {full for full in known if full != name and full.endswith(" " + name)}
    return matches.pop() if len(matches) == 1 else name
