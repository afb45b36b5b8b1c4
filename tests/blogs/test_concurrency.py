"""Writers racing on one blog never draw the same seq and never leave a gap.

These tests use real threads with their own database connections, so they need committed
transactions (``transaction=True``); they run on SQLite (IMMEDIATE transactions queue on the
write lock) and on PostgreSQL (writers queue on the blog row).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection, transaction

from bulletin.accounts.models import Role
from bulletin.blogs import services
from bulletin.blogs.changelog import lock_blog
from bulletin.blogs.fields import EntryFields
from bulletin.blogs.models import Activity, Change, Entry, EntryRevision, LiveBlog
from bulletin.errors import Conflict
from tests.blogs.support import seq_of
from tests.factories import Factory

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8
PUBLISHES_PER_THREAD = 10


def run_together(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Start every job at the same moment, each in its own thread with its own connection.

    Returns what each job returned or the exception it raised, in the order given.
    """
    start = threading.Barrier(len(jobs))

    def run(job: Callable[[], Any]) -> Any:
        try:
            start.wait()
            return job()
        except Exception as exc:  # handed back to the test, which decides
            return exc
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs))


def assert_seqs_are_one_to_n(blog: LiveBlog) -> int:
    seqs = list(Change.objects.filter(blog=blog).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert seq_of(blog) == len(seqs)
    return len(seqs)


def test_lock_blog_loads_the_blog_for_update_inside_a_transaction():
    blog = Factory().blog()

    with transaction.atomic():
        locked = lock_blog(blog.pk)

    assert (locked.pk, locked.seq) == (blog.pk, seq_of(blog))


def test_eighty_concurrent_publishes_to_one_blog_get_seqs_one_to_n_without_gaps():
    make = Factory()
    blog = make.blog()
    writers = [make.member(blog, Role.EDITOR) for _ in range(THREADS)]
    seq = seq_of(blog)

    def publish_many(writer) -> list[int]:
        return [
            services.publish_entry(writer, blog, EntryFields(headline=f"{writer} #{n}")).pk
            for n in range(PUBLISHES_PER_THREAD)
        ]

    results = run_together([lambda w=w: publish_many(w) for w in writers])

    assert [r for r in results if isinstance(r, Exception)] == []
    assert assert_seqs_are_one_to_n(blog) == seq + THREADS * PUBLISHES_PER_THREAD
    published = {pk for result in results for pk in result}
    assert len(published) == THREADS * PUBLISHES_PER_THREAD
    assert (
        set(Change.objects.filter(blog=blog, seq__gt=seq).values_list("entry_id", flat=True))
        == published
    )


def test_mixed_concurrent_writes_to_two_blogs_number_each_blogs_changes_one_to_n():
    make = Factory()
    blogs = [make.blog(), make.blog()]
    owners = [make.owner_of(blog) for blog in blogs]

    def newsroom_shift(blog: LiveBlog, writer, n: int) -> int:
        writes = 0
        for round_ in range(3):
            entry = services.publish_entry(writer, blog, EntryFields(headline=f"{n}.{round_}"))
            services.update_entry(writer, entry, EntryFields(body="<p>More detail.</p>"))
            services.set_key_event(writer, entry, True)
            services.pin_entry(writer, blog, entry)
            services.set_key_points(writer, blog, [f"Point from writer {n}"])
            draft = services.save_draft(writer, blog, EntryFields(headline="Unconfirmed"))
            services.submit_for_review(writer, draft)
            services.approve_entry(writer, draft)
            services.unpublish_entry(writer, draft)
            services.delete_entry(writer, entry)
            writes += 10
        return writes

    jobs = [
        lambda b=blog, w=owner, n=n: newsroom_shift(b, w, n)
        for n in range(THREADS // 2)
        for blog, owner in zip(blogs, owners, strict=True)
    ]
    results = run_together(jobs)

    assert [r for r in results if isinstance(r, Exception)] == []
    for blog in blogs:
        # Two changes each from create_blog and go_live, then every write of every shift, and
        # the header following each delete of the entry pinned at that moment.
        followed = Change.objects.filter(blog=blog, action=Activity.HEADER_FOLLOWED).count()
        assert assert_seqs_are_one_to_n(blog) == 2 + 3 * 10 * (THREADS // 2) + followed


def test_concurrent_edits_of_the_same_revision_let_exactly_one_win():
    make = Factory()
    blog = make.blog()
    entry = make.entry(blog, headline="Original")
    editors = [make.member(blog, Role.EDITOR) for _ in range(6)]
    seq = seq_of(blog)

    def edit(editor) -> Entry:
        return services.update_entry(
            editor, entry, EntryFields(headline=f"By {editor}"), expected_revision=1
        )

    results = run_together([lambda e=e: edit(e) for e in editors])

    winners = [r for r in results if isinstance(r, Entry)]
    losers = [r for r in results if not isinstance(r, Entry)]
    assert len(winners) == 1
    assert all(isinstance(loser, Conflict) for loser in losers), losers
    assert {loser.extra["current_revision"] for loser in losers} == {2}
    stored = Entry.objects.get(pk=entry.pk)
    assert (stored.revision, stored.headline) == (2, winners[0].headline)
    assert EntryRevision.objects.filter(entry=entry).count() == 2
    assert seq_of(blog) == seq + 1
    assert_seqs_are_one_to_n(blog)
