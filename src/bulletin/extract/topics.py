"""What an entry is about: the people, places and organisations it names.

Places and organisations come from the gazetteer (:mod:`bulletin.extract.gazetteer`); people
are runs of two to four capitalised words that are not in it, titles taken off (a lone surname
counts once the blog has named the person in full); a capitalised word after "in", "near" or
"outside" is a place. Rules, not a model: a two-word place the gazetteer lacks ("Novi Sad")
reads as a person, and German nouns, all capitalised, give more false people than English.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bulletin.extract import gazetteer
from bulletin.extract.gazetteer import ORGANISATION, PERSON, PLACE
from bulletin.extract.names import NOT_NAMES, PARTICLES, RUN, clean_run, is_title, resolve, word_set
from bulletin.extract.text import Block

_PLACE_BEFORE = re.compile(r"(?:\b(?:in|near|outside|across|into|bei|nahe)\s+)$")
# How far before a capitalised run _PLACE_BEFORE looks: the longest word it names and a space
# or two, with room to spare. A window, not the whole text before the run: searching that for
# every run made long entries quadratic.
PLACE_WINDOW = 40
# "Ministry of Defence", "Bank of England": organisations whose names run through "of".
_ORG_OF = re.compile(
    r"\b(?:Ministry|Department|Bank|University|Council|Court|Office) (?:of|for) "
    r"(?:the )?[A-Z][\w-]+(?: (?:and )?[A-Z][\w-]+)*"
)
_ORG_HEADS = word_set(
    """
    Ministry Party Council Commission Agency Army Forces Police Bank University Court
    Parliament Office Department Corporation Company Group Union Organisation Organization
    Committee Guard Service Airlines Institute Fund Programme Program Authority Association
    Federation Ministerium Partei Polizei Regierung Gericht Amt Behörde Verband
    """
)


@dataclass(frozen=True)
class Mention:
    label: str
    kind: str

    @property
    def key(self) -> str:
        return topic_key(self.label)


def topic_key(label: str) -> str:
    """A topic's stable key: what entries carry in ``data-topics`` whatever its label becomes."""
    return re.sub(r"[^\w]+", "-", label.casefold()).strip("-")[:100]


def _org_of(words: list[str]) -> bool:
    return any(word in _ORG_HEADS for word in words)


# Called with a topic's label and kind; the first mention of each key is kept.
AddTopic = Callable[[str, str], None]


def read_topics(blocks: Iterable[Block], known_people: Iterable[str]) -> list[Mention]:
    """The topics the blocks name, each once, in order of first mention."""
    known = list(known_people)
    pattern = gazetteer.alias_pattern()
    found: dict[str, Mention] = {}

    def add(label: str, kind: str) -> None:
        mention = Mention(label, kind)
        if mention.key and mention.key not in found:
            found[mention.key] = mention

    for block in blocks:
        text = block.text
        for match in pattern.finditer(text):
            known_name = gazetteer.lookup(match.group())
            if known_name is not None:
                add(known_name.label, known_name.kind)
        for match in _ORG_OF.finditer(text):
            add(match.group(), ORGANISATION)
        text = _ORG_OF.sub(lambda match: "," + " " * (len(match.group()) - 1), text)
        masked = pattern.sub(lambda match: "," + " " * (len(match.group()) - 1), text)
        for run in RUN.finditer(masked):
            after_place_word = _PLACE_BEFORE.search(
                masked, max(0, run.start() - PLACE_WINDOW), run.start()
            )
            _read_run(run.group(), after_place_word is not None, known, add)
        if block.cite:
            name = clean_run(block.cite.split(",")[0])
            if " " in name:
                add(name, PERSON)
    return list(found.values())


def _read_run(run: str, after_place_word: bool, known: list[str], add: AddTopic) -> None:
    words = run.split()
    if _org_of(words) and len(words) >= 2:
        add(clean_run(run), ORGANISATION)
        return
    name = clean_run(run)
    if not name or name in NOT_NAMES:
        return
    parts = name.split()
    if len(parts) == 1:
        resolved = resolve(name, known)
        if resolved != name:
            add(resolved, PERSON)
        elif after_place_word and not is_title(name):
            add(name, PLACE)
        return
    if len(parts) <= 4 and all(part[:1].isupper() or part in PARTICLES for part in parts):
        add(name, PERSON)
