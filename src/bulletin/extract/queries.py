"""What readers, the API and the desk are shown of quotes and topics, editors' decisions applied.

Read when a page or an API answer is rendered (once per change of the blog), never computed
from the entries' words on the way.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from bulletin.blogs.models import Entry, LiveBlog
from bulletin.extract.models import EntryTopic, Quote, ReaderSwitches, Topic
from bulletin.extract.topics import topic_key


def switches(blog: LiveBlog) -> ReaderSwitches:
    """The blog's reader switches (both off until an editor turns them on)."""
    found = ReaderSwitches.objects.filter(blog=blog).first()
    return found if found is not None else ReaderSwitches(blog=blog)


def approved_quotes(blog: LiveBlog) -> QuerySet[Quote]:
    """The quotes no editor rejected, newest entry first.

    Only published entries have quote and topic rows (:mod:`bulletin.extract.store` drops
    them in the transaction that unpublishes), so no query here joins the entries.
    """
    return Quote.objects.filter(blog=blog, rejected=False).order_by("-entry_id", "position")


def quotes_json(blog: LiveBlog, speaker: str | None = None) -> list[dict[str, object]]:
    rows = [
        {"speaker": quote.shown_speaker, "text": quote.text, "entry_id": quote.entry_id}
        for quote in approved_quotes(blog)
    ]
    if speaker is not None:
        rows = [row for row in rows if row["speaker"] == speaker]
    return rows


@dataclass
class Chip:
    """One topic as readers filter by it: its label, every key merged into it, how many
    published entries it has, and which of the entries asked about (``within``) are among them."""

    topic: Topic
    keys: list[str] = field(default_factory=list)
    count: int = 0
    entry_ids: set[int] = field(default_factory=set)

    @property
    def label(self) -> str:
        return self.topic.shown_label


def _root(topic: Topic, by_id: dict[int, Topic]) -> Topic:
    # Merges are kept one level deep (services.merge_topic moves what was merged along).
    target = by_id.get(topic.merged_into_id) if topic.merged_into_id else None
    return target if target is not None and target.merged_into_id is None else topic


def chips(
    blog: LiveBlog, *, include_hidden: bool = False, within: set[int] | None = None
) -> list[Chip]:
    """The blog's topics with their published entries, merges folded in, most entries first.

    ``entry_ids`` lists every entry, or only those in ``within`` (the entries a page shows:
    a page need not carry the ids of a 10,000-entry blog).
    """
    topics = {topic.pk: topic for topic in Topic.objects.filter(blog=blog)}
    links = EntryTopic.objects.filter(topic__blog=blog)
    counts = dict(
        links.values("topic_id").annotate(n=Count("entry_id")).values_list("topic_id", "n")
    )
    shown = links if within is None else links.filter(entry_id__in=within)
    result: dict[int, Chip] = {}
    groups: dict[int, list[int]] = defaultdict(list)
    for topic in topics.values():
        root = _root(topic, topics)
        chip = result.setdefault(root.pk, Chip(root))
        chip.keys.append(topic.key)
        chip.count += counts.get(topic.pk, 0)
        groups[root.pk].append(topic.pk)
    for topic_id, entry_id in shown.values_list("topic_id", "entry_id"):
        result[_root(topics[topic_id], topics).pk].entry_ids.add(entry_id)
    for root_id, members in groups.items():
        if len(members) > 1:  # an entry naming two merged topics counts once
            result[root_id].count = (
                links.filter(topic_id__in=members).values("entry_id").distinct().count()
            )
    return sorted(
        (
            chip
            for chip in result.values()
            if chip.count and (include_hidden or not chip.topic.hidden)
        ),
        key=lambda chip: (-chip.count, chip.label.casefold()),
    )


def topics_json(blog: LiveBlog) -> list[dict[str, object]]:
    return [{"label": chip.label, "entry_ids": sorted(chip.entry_ids)} for chip in chips(blog)]


@dataclass
class Speaker:
    name: str
    key: str
    count: int = 0
    quotes: list[Quote] = field(default_factory=list)

    @property
    def entry_ids(self) -> list[int]:
        return sorted({quote.entry_id for quote in self.quotes})


def speakers(blog: LiveBlog, *, within: set[int] | None = None) -> list[Speaker]:
    """Who said what: each speaker with the number of entries quoting them (and, with
    ``within``, their quotes in those entries), most quoted first."""
    rows = Quote.objects.filter(blog=blog, rejected=False)
    counts: dict[str, int] = defaultdict(int)
    per_speaker = rows.values("speaker", "fixed_speaker").annotate(
        n=Count("entry_id", distinct=True)
    )
    for speaker, fixed, n in per_speaker.values_list("speaker", "fixed_speaker", "n"):
        counts[fixed or speaker] += n
    grouped = {name: Speaker(name, topic_key(name), count) for name, count in counts.items()}
    picked = rows if within is None else rows.filter(entry_id__in=within)
    for quote in picked:
        grouped[quote.shown_speaker].quotes.append(quote)
    return sorted(grouped.values(), key=lambda s: (-s.count, s.name.casefold()))


def entry_attributes(entry: Entry) -> dict[str, str]:
    """The ``data-*`` attributes an entry's HTML carries, so readers filter new entries too."""
    if entry.pk is None or not entry.is_public:
        return {}
    keys = EntryTopic.objects.filter(entry_id=entry.pk).values_list("topic__key", flat=True)
    names = Quote.objects.filter(entry_id=entry.pk, rejected=False).values_list(
        "speaker", "fixed_speaker"
    )
    speakers_here = sorted({topic_key(fixed or speaker) for speaker, fixed in names})
    attributes = {}
    if keys:
        attributes["topics"] = " ".join(sorted(keys))
    if speakers_here:
        attributes["speakers"] = " ".join(speakers_here)
    return attributes
