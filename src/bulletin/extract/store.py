"""Keep an entry's quotes and topic links in step with the entry, on every write.

Called from :data:`bulletin.blogs.events.entry_written`, inside the writer's transaction and
before the entry is rendered (so its HTML carries the topics and speakers stored here). Only a
published entry has quotes and topics: one that was deleted, unpublished or taken down loses
them in the same commit. An editor's decisions on a quotation (rejected, speaker fixed) follow
it through edits as long as its words stay the same.
"""

from __future__ import annotations

from typing import Any

from bulletin.blogs.models import Entry, EntryStatus, LiveBlog
from bulletin.extract.models import EntryTopic, Quote, Topic, TopicKind
from bulletin.extract.names import surname
from bulletin.extract.reading import read_entry
from bulletin.extract.topics import Mention


def on_entry_written(sender: Any, entry: Entry, **_kwargs: Any) -> None:
    refresh(entry)


def on_blog_imported(sender: Any, blog: LiveBlog, **_kwargs: Any) -> None:
    # Before the importer renders the entries: their HTML carries what is stored here.
    read_blog(blog)


def read_blog(blog: LiveBlog) -> list[Entry]:
    """Read every published entry of the blog, oldest first (each with the names the ones
    before it named), and return them; the caller renders them and holds the transaction."""
    entries = list(
        Entry.objects.filter(blog=blog, status=EntryStatus.PUBLISHED)
        .select_related("image")
        .prefetch_related("authors")
        .order_by("display_at", "pk")
    )
    for entry in entries:
        entry.blog = blog
        refresh(entry)
    return entries


def refresh(entry: Entry) -> None:
    """Store what the rules read in the entry now (nothing, unless it is public)."""
    blog = entry.blog
    if not entry.is_public or entry.taken_down_at is not None:
        forget(entry)
        return
    known = known_people(blog, but=entry.pk)
    found, mentions = read_entry(entry.headline, entry.body, known)
    _link_topics(blog, entry, mentions)
    _store_quotes(blog, entry, found)
    named_here = [m.label for m in mentions if m.kind == TopicKind.PERSON and " " in m.label]
    _resolve_earlier_surnames(blog, named_here, known)


def forget(entry: Entry) -> None:
    """Drop the entry's quotes and topic links, and the topics nothing else names."""
    Quote.objects.filter(entry=entry).delete()
    topic_ids = list(EntryTopic.objects.filter(entry=entry).values_list("topic_id", flat=True))
    EntryTopic.objects.filter(entry=entry).delete()
    _drop_orphans(topic_ids)


def known_people(blog: LiveBlog, *, but: int | None = None) -> list[str]:
    """Full names the blog's published entries have named: what lone surnames resolve to."""
    links = EntryTopic.objects.filter(entry__blog=blog, entry__status=EntryStatus.PUBLISHED)
    if but is not None:
        links = links.exclude(entry_id=but)
    rows = Topic.objects.filter(
        blog=blog,
        kind=TopicKind.PERSON,
        name__contains=" ",
        pk__in=links.values("topic_id"),
    )
    return sorted(set(rows.values_list("name", flat=True)))


def _link_topics(blog: LiveBlog, entry: Entry, mentions: list[Mention]) -> None:
    keys = [mention.key for mention in mentions]
    existing = {topic.key: topic for topic in Topic.objects.filter(blog=blog, key__in=keys)}
    wanted: set[int] = set()
    for mention in mentions:
        topic = existing.get(mention.key)
        if topic is None:
            topic = Topic.objects.create(
                blog=blog, key=mention.key, name=mention.label[:200], kind=mention.kind
            )
            existing[topic.key] = topic
        wanted.add(topic.pk)
    links = EntryTopic.objects.filter(entry=entry)
    had = set(links.values_list("topic_id", flat=True))
    links.exclude(topic_id__in=wanted).delete()
    EntryTopic.objects.bulk_create(
        EntryTopic(entry=entry, topic_id=topic_id) for topic_id in sorted(wanted - had)
    )
    _drop_orphans(had - wanted)


def _drop_orphans(topic_ids: Any) -> None:
    # A name that no entry carries any more goes, unless an editor decided something about
    # it (their rename, merge or hiding holds when the name comes back).
    Topic.objects.filter(
        pk__in=list(topic_ids),
        links__isnull=True,
        merged__isnull=True,
        label="",
        hidden=False,
        merged_into__isnull=True,
    ).delete()


def _store_quotes(blog: LiveBlog, entry: Entry, found: list[Any]) -> None:
    decisions = {
        quote.text: (quote.fixed_speaker, quote.rejected)
        for quote in Quote.objects.filter(entry=entry)
        if quote.fixed_speaker or quote.rejected
    }
    Quote.objects.filter(entry=entry).delete()
    rows = []
    for position, quote in enumerate(found):
        fixed, rejected = decisions.get(quote.text, ("", False))
        rows.append(
            Quote(
                blog=blog,
                entry=entry,
                position=position,
                speaker=quote.speaker[:200],
                text=quote.text,
                pattern=quote.pattern,
                fixed_speaker=fixed,
                rejected=rejected,
            )
        )
    Quote.objects.bulk_create(rows)


def _resolve_earlier_surnames(blog: LiveBlog, names: list[str], known: list[str]) -> None:
    """A quote by "Kirby" written before the blog named John Kirby gets his full name now."""
    everyone = set(known) | set(names)
    for name in set(names) - set(known):
        last = surname(name)
        if sum(1 for other in everyone if surname(other) == last) == 1:
            Quote.objects.filter(blog=blog, speaker=last).update(speaker=name)


def reread_blog(blog_id: int) -> int:
    """Read every published entry of the blog again, oldest first, and render it again.

    For entries written before this app existed, or read by older rules (``bulletin
    import`` reads what it imports itself: :func:`on_blog_imported`).
    One transaction; one ``blog`` change at the end so that cached pages renew.
    Returns how many entries were read.
    """
    from django.db import transaction

    from bulletin.blogs.changelog import append_change, lock_blog
    from bulletin.blogs.models import Activity, ChangeKind
    from bulletin.blogs.rendering import blog_json, render_entry

    with transaction.atomic():
        blog = lock_blog(blog_id)
        entries = read_blog(blog)
        for entry in entries:
            _data, html = render_entry(entry)
            if html != entry.html:
                Entry.objects.filter(pk=entry.pk).update(html=html)
        append_change(
            blog, ChangeKind.BLOG, {"blog": blog_json(blog)}, action=Activity.BLOG_UPDATED
        )
    return len(entries)
