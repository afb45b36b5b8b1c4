"""Who said what: quotations and their speakers, read from an entry's text by rules.

The patterns of English and German news copy, each with its name (the desk and the benchmark
count by it):

- ``said-after``: “…,” Nuland said · “…,” said Nuland · „…“, sagte Scholz · „…“, so Scholz
- ``said-before``: Nuland said: “…” · Kirby told reporters: “…” · Scholz sagte: „…“
- ``according-to``: …, according to the Pentagon · According to Reuters, …
- ``tweeted``: “…,” Zelensky tweeted · Zelensky wrote on X: “…”
- ``blockquote``: a block quote with its ``<cite>`` (or "— Name" line, or figure caption), or
  after a paragraph that ends "Kirby said:"
- ``continued``: “…,” he added (the last speaker named in the entry), and a paragraph that is
  only a quotation, straight after one attributed to someone

A lone surname becomes the full name the blog named before ("Kirby" → "John Kirby",
:func:`bulletin.extract.names.resolve`). Quotations no rule attributes are left out: a wrong
speaker is worse than a missing one.
"""

# This module reads typography: curly quotes, apostrophes and dashes are its data.
# ruff: noqa: RUF001, RUF003

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass

from bulletin.extract import gazetteer
from bulletin.extract.names import (
    NOT_NAMES,
    PRONOUNS,
    RUN,
    clean_run,
    first_name_in,
    last_name_in,
    resolve,
)
from bulletin.extract.text import Block

_EN_VERBS = (
    "said says told added warned stressed insisted wrote tweeted posted announced declared "
    "noted explained argued claimed continued replied urged acknowledged admitted confirmed "
    "cautioned vowed pledged promised asked responded remarked conceded recalled suggested"
)
_DE_VERBS = (
    "sagte sagt erklärte erklärt betonte betont schrieb schreibt twitterte warnte warnt meinte "
    "forderte kritisierte versicherte ergänzte fügte teilte"
)
VERBS = "|".join((_EN_VERBS + " " + _DE_VERBS).split())
_SOCIAL_VERBS = frozenset({"tweeted", "posted", "twitterte"})
_SOCIAL_PLACES = re.compile(r"\b(?:on|auf) (?:X|Twitter|Telegram|Facebook|Instagram|Bluesky)\b")
# Words after "said Kirby" that start something else: "said Kirby on Tuesday in Kyiv".
_CLAUSE_END = re.compile(
    r"(?<!\bvon)(?<!\bvan)\s(?:on|in|at|during|after|before|while|when|as|from|to|about|adding|who|which|and|but|"
    r"via|am|im|bei|beim|auf|gegenüber|der|dem|nach|vor|und|zur|zum|vom|während)\s.*$"
    r"|\s+(?:hinzu|mit)$"
)
_ARTICLE = re.compile(r"^(?:the|a|an|der|die|das|des|dem|den|ein|eine|einer)\s+", re.IGNORECASE)

# Opening mark → the marks that close it.
_PAIRS = {"“": "”", "„": '“”"', '"': '"', "»": "«", "«": "»", "‘": "’", "‚": "‘’"}
_SENTENCE_END = re.compile(r"[.!?][”\"’»«“]?\s+(?=\S)")
# How much of the sentence before a quotation, and of a paragraph's end, the rules that look
# backwards read: a speaker is named within a few words of the quotation or the colon, and
# reading a bounded window keeps an entry's reading linear in its length however long its
# sentences are (every backward rule is a search anchored at the end: over the whole text
# before each quotation, that was quadratic).
LOOK_BACK = 400


@dataclass(frozen=True)
class Found:
    speaker: str
    text: str
    pattern: str


@dataclass(frozen=True)
class _Span:
    start: int  # the opening mark
    end: int  # after the closing mark
    inner: str


def quote_spans(text: str) -> list[_Span]:
    """Quotations marked in ``text`` (outermost only), in order."""
    spans: list[_Span] = []
    # Opening marks with no closing mark after them: a later one of the same kind has none
    # either (whether a mark closes depends only on the mark and what is around it), so the
    # rest of the text is scanned once per kind, not once per unclosed mark.
    unclosed: set[str] = set()
    i = 0
    while i < len(text):
        mark = text[i]
        if mark in _PAIRS and mark not in unclosed and _opens(text, i):
            close = _closing(text, i, _PAIRS[mark])
            if close is None:
                unclosed.add(mark)
            else:
                spans.append(_Span(i, close + 1, text[i + 1 : close]))
                i = close + 1
                continue
        i += 1
    return spans


def _opens(text: str, i: int) -> bool:
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in "([—–-:") and not after.isspace()


def _closing(text: str, i: int, closers: str) -> int | None:
    single = text[i] in "‘‚"
    for j in range(i + 2, len(text)):
        if text[j] not in closers:
            continue
        after = text[j + 1] if j + 1 < len(text) else " "
        if after.isalnum():
            continue  # an apostrophe: "Ukraine’s"
        if single and not (text[j - 1] in ",.!?" or after in ",.;:!?"):
            continue  # "the soldiers’ families"
        return j
    return None


def _clean(inner: str) -> str:
    return inner.strip().rstrip(",").strip()


def _words(text: str) -> int:
    return len(text.split())


class _Reader:
    """Reads one entry's blocks, remembering the last speaker for "he said"."""

    def __init__(self, known: list[str]) -> None:
        self.known = known
        self.last_speaker: str | None = None
        self.found: list[Found] = []
        # People the entry has named so far: "he said" with nobody quoted before means the
        # one person named, if exactly one was.
        self.people: set[str] = set()

    def meet(self, text: str) -> None:
        for run in RUN.finditer(text):
            name = clean_run(run.group())
            if name and name not in NOT_NAMES and gazetteer.lookup(name) is None:
                name = resolve(name, self.known)
                if " " in name:
                    self.people.add(name)

    def speaker(self, name: str | None) -> str | None:
        if not name or name in NOT_NAMES:
            return None
        if name.lower() in PRONOUNS:
            if self.last_speaker is None and len(self.people) == 1:
                return next(iter(self.people))
            return self.last_speaker
        known = gazetteer.lookup(name)
        if known is not None:
            return known.label
        return resolve(name, self.known)

    def add(self, speaker: str | None, text: str, pattern: str) -> bool:
        text = _clean(text)
        if speaker is None or _words(text) < 2:
            return False
        self.found.append(Found(speaker, text, pattern))
        self.last_speaker = speaker
        return True

    # --- the rules ---------------------------------------------------------------------

    def after_name(self, rest: str) -> str | None:
        """Who is named after the verb: "said White House spokesperson John Kirby, …"."""
        head, _, after_comma = rest.partition(",")
        head = head.strip()
        if _ARTICLE.match(head):
            without = _ARTICLE.sub("", head)
            if gazetteer.lookup(without):
                return without
            return first_name_in(after_comma) if after_comma.strip() else None
        head = _CLAUSE_END.sub("", head)
        name = last_name_in(head)
        if name is None and after_comma.strip():
            return first_name_in(after_comma)  # "said the agency's head, Anna Ek."
        return name

    def before_name(self, who: str) -> str | None:
        """Who is named before the verb: "Kirby", "he", "Kirby, the spokesman,"."""
        who = who.strip()
        if who.lower() in PRONOUNS:
            return who
        parts = who.split(",")
        if len(parts) >= 3 and not parts[-1].strip():
            # "Kirby, the White House spokesman," or "the mayor, Anna Ek,".
            named = last_name_in(parts[-2])
            if named and named == parts[-2].strip():
                return named
            return last_name_in(parts[-3])
        return last_name_in(who)

    def pattern_of(self, verb: str, words: str, default: str) -> str:
        if verb in _SOCIAL_VERBS or _SOCIAL_PLACES.search(words):
            return "tweeted"
        return default


_AFTER_INVERTED = re.compile(
    rf"^\s*[,—–-]?\s*(?P<verb>{VERBS}|so)\s+(?P<rest>[^.!?;:\"“”„»«]+)", re.UNICODE
)
_AFTER_SUBJECT = re.compile(
    rf"^\s*[,—–-]?\s*(?P<who>[^.!?;:\"“”„»«]{{1,80}}?)\s+(?P<verb>{VERBS})\b(?P<rest>[^.!?\"“”„]*)"
)
_AFTER_ACCORDING = re.compile(r"^\s*,?\s*according to\s+(?P<who>[^.!?;:,]+)")
_BEFORE_COLON = re.compile(
    rf"(?P<who>[^.!?:\"“”„»«]{{1,100}}?)\s+(?P<verb>{VERBS})(?P<mid>(?:\s+[^\s:\"“”„]+){{0,6}}?)\s*:\s*$"
)
_BEFORE_PLAIN = re.compile(
    rf"(?P<who>[^.!?:\"“”„»«]{{1,100}}?)\s+(?P<verb>{VERBS})(?:\s+(?:that|dass))?\s*,?\s*$"
)
# Kirby said the talks were “constructive and frank”: a few words quoted inside a sentence.
_BEFORE_FRAGMENT = re.compile(
    r"(?P<who>[^.!?:\"“”„»«,]{1,100}?)\s+(?P<verb>said|says|told|warned|called|described|sagte|nannte)"
    r"\b[^.!?:\"“”„»«]*$"
)
_BEFORE_ACCORDING = re.compile(r"\b[Aa]ccording to\s+(?P<who>[^,.;]+),\s*$")
_PLAIN_ACCORDING_AFTER = re.compile(r"^(?P<text>.+?),\s+according to\s+(?P<who>[^,.;]+)[.;]?$")
_PLAIN_ACCORDING_BEFORE = re.compile(r"^According to\s+(?P<who>[^,]+),\s+(?P<text>.+?)[.]?$")
_CITED_LINE = re.compile(r"^(?P<text>.+?)\s+[—–]\s*(?P<who>[^—–]+)$")
_INTRO = re.compile(rf"(?P<who>[^.!?:]{{1,100}}?)\s+(?P<verb>{VERBS})(?P<mid>[^.!?:]*):\s*$")


def _according_name(who: str) -> str | None:
    who = _ARTICLE.sub("", who.strip())
    who = re.split(r"\s(?:who|which|that|on|in)\s", who)[0].strip()
    # "the Pentagon", "Ukraine's air force": as written, capitalised, a few words at most.
    return who if who and who[0].isupper() and _words(who) <= 5 else None


class _Sentences:
    """Where the sentences of one block start, found once for all its quotations."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [match.end() for match in _SENTENCE_END.finditer(text)]

    def head(self, start: int) -> str:
        """The end of the sentence before position ``start`` (at most LOOK_BACK characters).

        A sentence end right before ``start`` does not count: the quotation opens the
        sentence after it, and its head is the sentence that ended there."""
        index = bisect_left(self.starts, start) - 1
        sentence_start = self.starts[index] if index >= 0 else 0
        return self.text[max(sentence_start, start - LOOK_BACK) : start]


def _read_marked(reader: _Reader, block: Block, intro: str | None) -> None:
    text = block.text
    spans = quote_spans(text)
    sentences = _Sentences(text)
    previous_end = 0
    previous_found: Found | None = None
    for index, span in enumerate(spans):
        inner = _clean(span.inner)
        next_start = spans[index + 1].start if index + 1 < len(spans) else len(text)
        tail = text[span.end : next_start]
        head = sentences.head(span.start)
        ends_clause = span.inner.rstrip()[-1:] in ",!?…" or tail.lstrip()[:1] in ",—–"
        found = None
        if previous_found is not None:
            found = _continued(reader, previous_found, inner, text[previous_end : span.start])
            if found is previous_found:  # merged into the quotation before
                previous_end = span.end
                continue
        if found is None:
            found = _attribute(reader, inner, head, tail, ends_clause)
        if found is None and len(spans) == 1 and len(inner) >= 0.8 * len(text) - 4:
            if intro is not None:
                found = Found(intro, inner, "blockquote")
            elif reader.last_speaker is not None and block.quoted is False:
                found = Found(reader.last_speaker, inner, "continued")
        if found is not None and reader.add(found.speaker, found.text, found.pattern):
            previous_found = reader.found[-1]
            previous_end = span.end


def _continued(reader: _Reader, previous: Found, inner: str, between: str) -> Found | None:
    """A quotation straight after an attributed one, with only that attribution between:
    “…,” Kirby said, “and we will act.” (one quotation, split) or “…,” Kirby said. “…”"""
    if between.strip(" ,.—–"):
        match = _AFTER_SUBJECT.match(between) or _AFTER_INVERTED.match(between)
        if match is None or between[match.end() :].strip(" ,.—–"):
            return None
    if inner[:1].islower():
        merged = Found(previous.speaker, previous.text + " " + inner, previous.pattern)
        reader.found[-1] = merged
        return previous
    return Found(previous.speaker, inner, "continued")


def _attribute(
    reader: _Reader, inner: str, head: str, tail: str, ends_clause: bool
) -> Found | None:
    if ends_clause:
        match = _AFTER_INVERTED.match(tail)
        if match:
            speaker = reader.speaker(reader.after_name(match.group("rest")))
            if speaker:
                pattern = reader.pattern_of(match.group("verb"), match.group("rest"), "said-after")
                return Found(speaker, inner, pattern)
        match = _AFTER_SUBJECT.match(tail)
        if match:
            who = match.group("who")
            speaker = reader.speaker(reader.before_name(who))
            if speaker:
                default = "continued" if who.strip().lower() in PRONOUNS else "said-after"
                pattern = reader.pattern_of(match.group("verb"), match.group("rest"), default)
                return Found(speaker, inner, pattern)
        match = _AFTER_ACCORDING.match(tail)
        if match:
            speaker = reader.speaker(_according_name(match.group("who")))
            if speaker:
                return Found(speaker, inner, "according-to")
    for rule in (_BEFORE_COLON, _BEFORE_PLAIN):
        match = rule.search(head)
        if match:
            speaker = reader.speaker(reader.before_name(match.group("who")))
            if speaker:
                words = match.groupdict().get("mid") or ""
                return Found(
                    speaker, inner, reader.pattern_of(match.group("verb"), words, "said-before")
                )
    match = _BEFORE_FRAGMENT.search(head)
    if match and _words(inner) <= 12:
        who = match.group("who")
        if who.strip().lower() not in PRONOUNS:
            speaker = reader.speaker(reader.before_name(who))
            if speaker:
                return Found(speaker, inner, "said-before")
    match = _BEFORE_ACCORDING.search(head)
    if match:
        speaker = reader.speaker(_according_name(match.group("who")))
        if speaker:
            return Found(speaker, inner, "according-to")
    return None


def _read_plain(reader: _Reader, block: Block) -> None:
    """Reported speech without quotation marks: "…, according to the Pentagon."."""
    for sentence in re.split(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ])", block.text):
        match = _PLAIN_ACCORDING_AFTER.match(sentence) or _PLAIN_ACCORDING_BEFORE.match(sentence)
        if match:
            reader.add(
                reader.speaker(_according_name(match.group("who"))),
                match.group("text"),
                "according-to",
            )


def _read_block_quote(reader: _Reader, block: Block, intro: str | None) -> None:
    text = block.text
    cited = _CITED_LINE.match(text)
    who = block.cite or (cited.group("who") if cited else "")
    if cited and not block.cite:
        text = cited.group("text")
    name = reader.speaker(_cited(who)) if who else intro
    spans = quote_spans(text)
    if len(spans) == 1 and len(spans[0].inner) >= len(text) - 4:
        text = spans[0].inner
    reader.add(name, text, "blockquote")


def _cited(cite: str) -> str | None:
    """Who a block quote's cite names: the person ("Jens Stoltenberg, Nato secretary general"
    names Jens Stoltenberg), else the cite as written ("Vilnius summit communique")."""
    part = cite.split(",")[0].strip()
    if RUN.fullmatch(part):
        return clean_run(part) or part
    return part if 0 < _words(part) <= 8 else None


def read_quotes(blocks: Iterable[Block], known: list[str]) -> list[Found]:
    """Every attributed quotation in the blocks; ``known``: full names the blog has named."""
    reader = _Reader(known)
    intro: str | None = None
    for block in blocks:
        if block.quoted:
            _read_block_quote(reader, block, intro)
            intro = None
            continue
        reader.meet(block.text)
        spans = quote_spans(block.text)
        if spans:
            _read_marked(reader, block, intro)
        elif "ccording to" in block.text:
            _read_plain(reader, block)
        intro = _intro_speaker(reader, block.text)
    return reader.found


def _intro_speaker(reader: _Reader, text: str) -> str | None:
    """Who a paragraph ending "Kirby said:" introduces, for the quotation below it."""
    if not text.rstrip().endswith(":"):
        return None
    match = _INTRO.search(text, max(0, len(text) - LOOK_BACK))
    if match is None or quote_spans(text[match.start() :]):
        return None
    return reader.speaker(reader.before_name(match.group("who")))
