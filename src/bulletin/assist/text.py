"""English news text as the assistant compares it: sentences, and the terms that carry meaning.

Rules written for English news style (tests/assist/test_text.py): a sentence ends at . ! or ?
unless the word before is a title or an abbreviation ("Mr.", "U.S.", "Jan."); a term is a
content word reduced to a stem ("evacuated", "evacuation" → "evacuat") after the reporting
verbs and the usual synonyms of live coverage are folded together ("killed", "died" → "die").
Numbers ("12", "twelve", "1,200") and names (capitalised mid-sentence) are the facts a story
turns on: they weigh double.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass


def _words(text: str) -> list[str]:
    return text.split()


# Block-level tags end a sentence even without a full stop (list items, headings, quotes).
_BLOCK_END = re.compile(r"</(p|li|h[1-6]|blockquote|div|figcaption|tr)>|<br\s*/?>", re.I)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"[ \t\r\f\v\u00a0]+")

# A candidate boundary: end punctuation, optional closing quote or bracket, space, then
# something that can start a sentence.
_BOUNDARY = re.compile("[.!?\u2026][\"'\u201d\u2019)\\]]*\\s+(?=[\"'\u201c\u2018(\\[]?[A-Z0-9])")
_LAST_WORD = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")
# Titles and abbreviations after which a full stop does not end the sentence.
_ABBREVIATIONS = frozenset(
    _words(
        "mr mrs ms dr prof gen col lt sgt capt cmdr adm gov sen rep rev st jr sr no nos vs etc "
        "inc ltd co corp jan feb mar apr jun jul aug sep sept oct nov dec approx est dept fig "
        "u.s u.k u.n e.u a.m p.m i.e e.g"
    )
)

_WORD = re.compile("[A-Za-z][A-Za-z'\u2019\\-]*|\\d[\\d,.]*\\d|\\d")
_NUMBER_WORDS = {
    word: str(value)
    for value, word in enumerate(
        _words(
            "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
            "fifteen sixteen seventeen eighteen nineteen twenty"
        )
    )
}
_NUMBER_WORDS.update({"thirty": "30", "forty": "40", "fifty": "50", "hundred": "100"})

STOPWORDS = frozenset(
    _words(
        "a about above after again against all almost already also although am among an and "
        "another any are around as at be became because been before being below between both "
        "but by can cannot could did do does doing done down during each either else even ever "
        "every few for from further had has have having he her here hers herself him himself "
        "his how however i if in into is it its itself just least less like many may me might "
        "more most much must my myself near neither no nor not now of off on once one only onto "
        "or other our ours out over own per percent cent perhaps rather same several she should "
        "since so some still such than that the their theirs them themselves then there these "
        "they this those though through thus to too toward towards under until up upon us very "
        "via was we were what whatever when where whether which while who whom whose why will "
        "with within without would yet you your yours new latest update updates live earlier "
        "later today yesterday tonight morning afternoon evening night week weeks day days hour "
        "hours minute minutes time say says said saying told tells tell according add added "
        "adding state stated statement report reported reports reporting announce announced "
        "announcing confirm confirmed confirming claim claimed describe described note noted "
        "spokesperson spokeswoman spokesman"
    )
)

# Words live coverage uses for one another; each group is folded into its first word. Kept
# to plain, common equivalences: a wrong fold makes different stories look alike.
_SYNONYM_GROUPS = (
    "die dead died dies dying death deaths killed kill kills killing fatalities fatality",
    "injur injured injuries injury wounded wounding hurt",
    "people persons residents locals civilians",
    "talk talks discuss discussed discussing discussion discussions negotiate negotiated "
    "negotiations negotiation",
    "meet met meeting meets",
    "arrest arrested arrests detained detain detention custody",
    "evacuat evacuate evacuated evacuation evacuations evacuating",
    "flee fled fleeing",
    "fire blaze blazes fires flames",
    "quake earthquake earthquakes tremor tremors",
    "storm storms hurricane typhoon cyclone",
    "flood floods flooding flooded floodwater floodwaters",
    "start started starts begin began begun beginning",
    "end ended ends finish finished",
    "rise rose risen rising rises increase increased increases climb climbed climbs",
    "fall fell fallen falling falls drop dropped drops decline declined",
    "win won wins winning victory",
    "lose lost loses losing defeat defeated",
    "vote votes voted voting ballot ballots",
    "close closed closes closing shut shutting",
    "open opened opens reopen reopened",
    "attack attacked attacks strike strikes struck",
    "rescue rescued rescuers rescuer",
    "minister ministers secretary",
    "leader leaders head chief",
    "government administration",
    "police officers officer",
    "firefighters firefighter firemen crews crew",
    "car cars vehicle vehicles",
    "building buildings homes home houses house",
    "big large huge major",
    "small minor",
    "warn warned warns warning warnings",
    "plan plans planned planning",
    "agree agreed agreement deal",
    "ask asked asks request requested urge urged",
    "buy bought purchase purchased",
    "government's governments",
)
_SYNONYMS = {word: group.split()[0] for group in _SYNONYM_GROUPS for word in group.split()}

_SUFFIXES = ("ments", "ment", "ings", "ing", "ions", "ion", "ies", "ied",
             "ers", "er", "ed", "es", "ly", "s")  # fmt: skip


def stem(word: str) -> str:
    """A light suffix stripper: enough to make a word's forms meet, not a linguist's stem."""
    if len(word) <= 4:
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            if suffix == "es" and word[-3] not in "sxzh":
                suffix = "s"  # "homes" is "home" + s, "boxes" is "box" + es
            word = word[: -len(suffix)] + ("i" if suffix in ("ies", "ied") else "")
            break
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word[:-1] + "i" if len(word) > 3 and word.endswith("y") else word


@dataclass(frozen=True)
class Term:
    text: str
    weight: float  # 2 for numbers and names (the facts), 1 for other content words


FACT_WEIGHT = 2.0


def plain_text(markup: str) -> str:
    """The words of an entry's sanitised HTML, one block per line."""
    text = _BLOCK_END.sub("\n", markup)
    text = html.unescape(_TAG.sub("", text))
    return "\n".join(_SPACE.sub(" ", line).strip() for line in text.splitlines())


def sentences(text: str) -> list[str]:
    """Split plain text into sentences (each line holds one or more)."""
    found: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        start = 0
        for boundary in _BOUNDARY.finditer(line):
            before = line[start : boundary.start() + 1]
            last = _LAST_WORD.search(before)
            if last and _is_abbreviation(last.group(1)):
                continue
            found.append(line[start : boundary.end()].strip())
            start = boundary.end()
        if line[start:].strip():
            found.append(line[start:].strip())
    return [sentence for sentence in found if _WORD.search(sentence)]


def _is_abbreviation(word: str) -> bool:
    lowered = word.lower()
    # A lone capital is an initial ("J. Smith"); a dotted acronym is not a sentence end.
    return lowered in _ABBREVIATIONS or len(word) == 1 or lowered.rstrip(".") in _ABBREVIATIONS


def terms(sentence: str) -> list[Term]:
    """The content terms of one sentence, in order, with their weights."""
    found: list[Term] = []
    first = True
    for match in _WORD.finditer(sentence):
        raw = match.group(0).strip("'\u2019-")
        if not raw:
            continue
        term = _term(raw, first)
        first = False
        if term is not None:
            found.append(term)
    return found


def _term(raw: str, first: bool) -> Term | None:
    if raw[0].isdigit():
        return Term(_number(raw), FACT_WEIGHT)
    lowered = raw.lower().replace("\u2019", "'")
    if lowered.endswith("'s"):
        lowered = lowered[:-2]
    if lowered in _NUMBER_WORDS:
        return Term(_NUMBER_WORDS[lowered], FACT_WEIGHT)
    if lowered in STOPWORDS or len(lowered) < 2:
        return None
    folded = _SYNONYMS.get(lowered)
    if folded is not None:
        return Term(folded, 1.0)
    # A capital mid-sentence marks a name; at the start of a sentence it proves nothing.
    is_name = raw[0].isupper() and not first
    return Term(stem(lowered), FACT_WEIGHT if is_name else 1.0)


def _number(raw: str) -> str:
    digits = raw.replace(",", "")
    return digits.rstrip(".").removesuffix(".0")


def weighted_terms(sentence: str) -> dict[str, float]:
    """Each distinct term of the sentence once, with its weight."""
    found: dict[str, float] = {}
    for term in terms(sentence):
        found[term.text] = max(term.weight, found.get(term.text, 0.0))
    return found


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word boundary with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:—- ")
    return f"{cut}…"
