"""Every service writes its rows, appends exactly one change with the next seq, or writes nothing.

Each success test checks the rows, the one :class:`Change` (seq, kind, public flag, payload) and
that ``blog.seq`` is the last change's seq. Each refusal test checks that the database is exactly
as it was (see :func:`tests.blogs.support.writes_nothing`).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from bulletin import config
from bulletin.accounts.models import Membership, Role
from bulletin.blogs import services
from bulletin.blogs.events import ChangeEvent, change_committed
from bulletin.blogs.fields import BlogFields, EntryFields
from bulletin.blogs.models import (
    BlogStatus,
    Change,
    ChangeKind,
    Entry,
    EntryRevision,
    EntryStatus,
    KeyPoint,
    LiveBlog,
    Media,
)
from bulletin.blogs.rendering import entry_json, pinned_copy_html
from bulletin.errors import Conflict, InvalidState, NotFound, ValidationFailed
from tests.blogs.support import seq_of, the_one_change_after, writes_nothing
from tests.factories import Factory

IN_AN_HOUR = timedelta(hours=1)


def fresh(entry: Entry) -> Entry:
    return Entry.objects.get(pk=entry.pk)


def fresh_blog(blog: LiveBlog) -> LiveBlog:
    return LiveBlog.objects.get(pk=blog.pk)


def assert_entry_change(change: Change, entry: Entry, kind: str, public: bool) -> None:
    """The change carries the entry rendered once: its JSON and its stored HTML."""
    entry = fresh(entry)
    assert change.kind == kind
    assert change.public is public
    assert change.entry_id == entry.pk
    assert change.payload["entry"] == entry_json(entry)
    assert change.payload["html"] == entry.html
    assert f'id="entry-{entry.pk}"' in entry.html


def scheduled(make: Factory, blog: LiveBlog, when: datetime | None = None) -> Entry:
    return services.create_entry(
        make.owner_of(blog),
        blog,
        EntryFields(headline="Embargoed statement"),
        status=EntryStatus.SCHEDULED,
        scheduled_for=when or timezone.now() + IN_AN_HOUR,
    )


# --- blogs -------------------------------------------------------------------------------


def test_create_blog_makes_a_draft_owned_by_its_creator_and_logs_change_one(make):
    creator = make.staff()

    blog = services.create_blog(creator, BlogFields(slug="storm-live", title="Storm live"))

    assert blog.status == BlogStatus.DRAFT
    assert Membership.objects.get(blog=blog).user == creator
    assert Membership.objects.get(blog=blog).role == Role.OWNER
    change = the_one_change_after(blog, 0)
    assert (change.kind, change.public) == (ChangeKind.BLOG, True)
    assert change.payload["blog"]["slug"] == "storm-live"
    assert change.payload["blog"]["title"] == "Storm live"


def test_create_blog_takes_time_zone_and_language_from_the_site_defaults(make, settings):
    blog = services.create_blog(make.staff(), BlogFields(slug="defaults", title="Defaults"))

    assert blog.timezone == config.current.TIME_ZONE
    assert blog.language == config.current.LANGUAGE


def test_create_blog_with_a_taken_slug_is_a_conflict_and_writes_nothing(make):
    make.blog(slug="storm-live")

    with writes_nothing(), pytest.raises(Conflict) as refused:
        services.create_blog(make.staff(), BlogFields(slug="storm-live", title="Again"))

    assert refused.value.fields == {"slug": "already taken"}
    assert "'storm-live' already exists" in refused.value.message


def test_create_blog_without_a_title_is_refused_and_writes_nothing(make):
    staff = make.staff()

    with writes_nothing(), pytest.raises(ValidationFailed) as refused:
        services.create_blog(staff, BlogFields(slug="no-title"))

    assert refused.value.message == "title: is required"


def test_create_blog_with_coverage_ending_before_it_starts_is_refused(make):
    staff = make.staff()
    start = datetime(2026, 1, 27, 12, 0, tzinfo=UTC)

    with writes_nothing(), pytest.raises(ValidationFailed) as refused:
        services.create_blog(
            staff,
            BlogFields(
                slug="backwards",
                title="Backwards",
                coverage_start=start,
                coverage_end=start - timedelta(minutes=1),
            ),
        )

    assert refused.value.fields.keys() == {"coverage_end"}


def test_update_blog_changes_the_title_and_logs_one_public_blog_change(make):
    blog = make.blog()
    seq = seq_of(blog)

    updated = services.update_blog(make.owner_of(blog), blog, BlogFields(title="Storm: day 2"))

    assert fresh_blog(blog).title == "Storm: day 2"
    assert updated.seq == seq + 1
    change = the_one_change_after(blog, seq)
    assert (change.kind, change.public) == (ChangeKind.BLOG, True)
    assert change.payload["blog"]["title"] == "Storm: day 2"


def test_update_blog_time_zone_rerenders_stored_entry_html_in_the_new_zone(make):
    blog = make.blog(timezone="UTC", language="en-gb")
    entry = make.entry(blog, display_at=datetime(2026, 1, 27, 14, 32, tzinfo=UTC))
    assert ">14:32 UTC</time>" in fresh(entry).html

    services.update_blog(make.owner_of(blog), blog, BlogFields(timezone="Europe/Berlin"))

    assert ">15:32 CET</time>" in fresh(entry).html


def test_update_blog_time_zone_sends_the_rerendered_pinned_entry_to_readers(make):
    blog = make.blog(timezone="UTC")
    owner = make.owner_of(blog)
    entry = make.entry(blog, display_at=datetime(2026, 1, 27, 14, 32, tzinfo=UTC))
    services.pin_entry(owner, blog, entry)
    seq = seq_of(blog)

    services.update_blog(owner, blog, BlogFields(timezone="Europe/Berlin"))

    change = the_one_change_after(blog, seq)
    assert change.payload["blog"]["pinned_entry_html"] == pinned_copy_html(fresh(entry))


def test_update_blog_to_a_taken_slug_is_a_conflict_and_writes_nothing(make):
    make.blog(slug="taken")
    blog = make.blog()

    with writes_nothing(), pytest.raises(Conflict):
        services.update_blog(make.owner_of(blog), blog, BlogFields(slug="taken"))


def test_update_blog_with_an_unknown_time_zone_is_refused_and_writes_nothing(make):
    blog = make.blog()

    with writes_nothing(), pytest.raises(ValidationFailed):
        services.update_blog(
            make.owner_of(blog), blog, BlogFields.read({"timezone": "Mars/Olympus"})
        )


def test_update_blog_moving_coverage_end_before_its_start_is_refused(make):
    blog = make.blog()  # live: coverage_start is now

    with writes_nothing(), pytest.raises(ValidationFailed):
        services.update_blog(
            make.owner_of(blog),
            blog,
            BlogFields(
                coverage_end=fresh_blog(blog).coverage_start - timedelta(days=1),
            ),
        )


def test_go_live_opens_coverage_and_logs_a_blog_change(make):
    blog = make.blog(live=False)
    seq = seq_of(blog)

    services.go_live(make.owner_of(blog), blog)

    stored = fresh_blog(blog)
    assert stored.status == BlogStatus.LIVE
    assert stored.coverage_start is not None
    change = the_one_change_after(blog, seq)
    assert (change.kind, change.public) == (ChangeKind.BLOG, True)
    assert change.payload["blog"]["status"] == "live"


def test_go_live_on_a_live_blog_is_an_invalid_state_and_writes_nothing(make):
    blog = make.blog()

    with writes_nothing(), pytest.raises(InvalidState) as refused:
        services.go_live(make.owner_of(blog), blog)

    assert refused.value.message == (
        "a live blog can become live only from draft or ended, it is live"
    )


def test_go_live_after_coverage_ended_reopens_it(make):
    blog = make.blog()
    owner = make.owner_of(blog)
    services.end_coverage(owner, blog)

    services.go_live(owner, blog)

    assert fresh_blog(blog).status == BlogStatus.LIVE
    assert fresh_blog(blog).coverage_end is None


def test_end_coverage_logs_a_public_end_change_and_records_the_end(make):
    blog = make.blog()
    seq = seq_of(blog)

    services.end_coverage(make.owner_of(blog), blog)

    assert fresh_blog(blog).status == BlogStatus.ENDED
    assert fresh_blog(blog).coverage_end is not None
    change = the_one_change_after(blog, seq)
    assert (change.kind, change.public) == (ChangeKind.END, True)


def test_end_coverage_of_a_draft_blog_is_an_invalid_state_and_writes_nothing(make):
    blog = make.blog(live=False)

    with writes_nothing(), pytest.raises(InvalidState):
        services.end_coverage(make.owner_of(blog), blog)


def test_archive_blog_after_coverage_ended_logs_a_blog_change(make):
    blog = make.blog()
    owner = make.owner_of(blog)
    services.end_coverage(owner, blog)
    seq = seq_of(blog)

    services.archive_blog(owner, blog)

    assert fresh_blog(blog).status == BlogStatus.ARCHIVED
    change = the_one_change_after(blog, seq)
    assert (change.kind, change.payload["blog"]["status"]) == (ChangeKind.BLOG, "archived")


def test_archive_blog_while_still_live_is_an_invalid_state_and_writes_nothing(make):
    blog = make.blog()

    with writes_nothing(), pytest.raises(InvalidState):
        services.archive_blog(make.owner_of(blog), blog)


def test_an_archived_blog_takes_no_new_entries_and_writes_nothing(make):
    blog = make.blog()
    owner = make.owner_of(blog)
    services.end_coverage(owner, blog)
    services.archive_blog(owner, blog)

    with writes_nothing(), pytest.raises(InvalidState):
        services.publish_entry(owner, blog, EntryFields(headline="Too late"))


def test_set_key_points_stores_the_bullets_in_order_and_logs_them(make):
    blog = make.blog()
    entry = make.entry(blog)
    seq = seq_of(blog)

    services.set_key_points(make.owner_of(blog), blog, ["Roads closed", ("Schools shut", entry.pk)])

    assert list(KeyPoint.objects.filter(blog=blog).values_list("position", "text", "entry_id")) == [
        (0, "Roads closed", None),
        (1, "Schools shut", entry.pk),
    ]
    change = the_one_change_after(blog, seq)
    assert (change.kind, change.public) == (ChangeKind.BLOG, True)
    assert change.payload["blog"]["key_points"] == [
        {"text": "Roads closed", "entry_id": None},
        {"text": "Schools shut", "entry_id": entry.pk},
    ]


def test_set_key_points_replaces_the_whole_list(make):
    blog = make.blog()
    owner = make.owner_of(blog)
    services.set_key_points(owner, blog, ["One", "Two", "Three"])

    services.set_key_points(owner, blog, ["Only this"])

    assert list(KeyPoint.objects.filter(blog=blog).values_list("text", flat=True)) == ["Only this"]


def test_set_key_points_linking_a_draft_is_refused_and_writes_nothing(make):
    blog = make.blog()
    owner = make.owner_of(blog)
    services.set_key_points(owner, blog, ["Kept"])
    draft = make.entry(blog, status="draft")

    with writes_nothing(), pytest.raises(ValidationFailed) as refused:
        services.set_key_points(owner, blog, [("Secret", draft.pk)])

    assert refused.value.message == (
        f"key_points: may link only to published entries of this blog, got [{draft.pk}]"
    )


def test_set_key_points_beyond_twelve_is_refused_and_writes_nothing(make):
    blog = make.blog()

    with writes_nothing(), pytest.raises(ValidationFailed) as refused:
        services.set_key_points(make.owner_of(blog), blog, [f"Point {n}" for n in range(13)])

    assert refused.value.message == "key_points: must hold at most 12 points, got 13"


# --- creating entries --------------------------------------------------------------------


def test_publish_entry_writes_the_entry_its_first_revision_and_a_public_entry_change(make):
    blog = make.blog()
    owner = make.owner_of(blog)
    seq = seq_of(blog)

    entry = services.publish_entry(
        owner, blog, EntryFields(headline="Bridge closed", body="<p>Police say so.</p>")
    )

    stored = fresh(entry)
    assert stored.status == EntryStatus.PUBLISHED
    assert stored.published_at is not None
    assert stored.display_at == stored.published_at
    assert stored.revision == 1
    assert list(stored.authors.all()) == [owner]
    assert list(EntryRevision.objects.filter(entry=entry).values_list("revision", "headline")) == [
        (1, "Bridge closed")
    ]
    assert_entry_change(the_one_change_after(blog, seq), entry, ChangeKind.ENTRY, public=True)


def test_publish_entry_stores_the_body_sanitised(make):
    blog = make.blog()

    entry = make.entry(blog, body='<p onclick="x()">Hi<script>alert(1)</script></p>')

    assert fresh(entry).body == "<p>Hi</p>"


def test_publish_entry_keeps_the_authors_it_is_given(make):
    blog = make.blog()
    reporters = [make.member(blog, Role.CONTRIBUTOR) for _ in range(2)]

    entry = make.entry(blog, author_ids=[r.pk for r in reporters])

    assert sorted(fresh(entry).authors.values_list("pk", flat=True)) == sorted(
        r.pk for r in reporters
    )


def test_save_draft_logs_a_desk_change_that_readers_do_not_get(make):
    blog = make.blog()
    seq = seq_of(blog)

    entry = services.save_draft(make.owner_of(blog), blog, EntryFields(headline="Unconfirmed"))

    stored = fresh(entry)
    assert stored.status == EntryStatus.DRAFT
    assert stored.published_at is None
    assert_entry_change(the_one_change_after(blog, seq), entry, ChangeKind.DESK, public=False)


def test_create_entry_submitted_for_review_logs_a_desk_change(make):
    blog = make.blog()
    seq = seq_of(blog)

    entry = make.entry(blog, status="submitted")

    assert fresh(entry).status == EntryStatus.SUBMITTED
    assert_entry_change(the_one_change_after(blog, seq), entry, ChangeKind.DESK, public=False)


def test_create_entry_scheduled_stores_the_time_and_logs_a_desk_change(make):
    blog = make.blog()
    seq = seq_of(blog)
    when = timezone.now() + IN_AN_HOUR

    entry = scheduled(make, blog, when)

    assert (fresh(entry).status, fresh(entry).scheduled_for) == (EntryStatus.SCHEDULED, when)
    assert_entry_change(the_one_change_after(blog, seq), entry, ChangeKind.DESK, public=False)


def test_create_entry_scheduled_in_the_past_is_refused_and_writes_nothing(make):
    blog = make.blog()

    with writes_nothing(), pytest.raises(ValidationFailed) as refused:
        scheduled(make, blog, timezone.now() - IN_AN_HOUR)

    assert refused.value.message.startswith("scheduled_for: must be in the future")


def test_create_entry_scheduled_without_a_time_is_refused_and_writes_nothing(make):
    blog = make.blog()

    with writes_nothing(), pytest.raises(ValidationFailed) as refused:
        services.create_entry(
            make.owner_of(blog), blog, EntryFields(headline="When?"), status=EntryStatus.SCHEDULED
        )

    assert refused.value.message == "scheduled_for: is required to schedule an entry"


def test_create_entry_with_the_deleted_status_is_refused_and_writes_nothing(make):
    blog = make.blog()

    with writes_nothing(), pytest.raises(ValidationFailed) as refused:
        make.entry(blog, status="deleted")

    assert refused.value.message == (
        "status: must be draft, submitted, scheduled or published, got 'deleted'"
    )


def test_publishing_an_entry_with_no_headline_text_photo_or_embed_is_refused(make):
    blog = make.blog()

    with writes_nothing(), pytest.raises(ValidationFailed) as refused:
        make.entry(blog, headline="  ", body="")

    assert refused.value.message == (
        "an entry needs a headline, text, a photo or an embed before it is published, got none"
    )
    assert set(refused.value.fields) == {"headline", "body", "image_id", "embeds"}


def test_an_entry_whose_only_content_is_an_embed_is_published(make):
    blog = make.blog()
    post = {"url": "https://x.com/hmcoastguard/status/1751234567890123456", "author": "HMCG"}

    entry = make.entry(blog, headline="", body="", embeds=[post])

    assert fresh(entry).status == EntryStatus.PUBLISHED
    assert 'data-provider="x"' in fresh(entry).html


def test_removing_the_only_embed_of_an_entry_without_words_is_refused(make):
    blog = make.blog()
    post = {"url": "https://x.com/hmcoastguard/status/1751234567890123456", "author": "HMCG"}
    entry = make.entry(blog, headline="", body="", embeds=[post])

    with writes_nothing(), pytest.raises(ValidationFailed) as refused:
        services.update_entry(make.owner_of(blog), entry, EntryFields(embeds=[]))

    assert "needs a headline, text, a photo or an embed" in refused.value.message


def test_a_draft_that_is_only_an_embed_can_be_published_and_restored(make):
    blog = make.blog()
    owner = make.owner_of(blog)
    video = {"url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ"}
    draft = make.entry(blog, headline="", body="", embeds=[video], status="draft")

    services.publish_draft(owner, draft)
    services.delete_entry(owner, draft)
    services.restore_entry(owner, draft)

    assert fresh(draft).status == EntryStatus.PUBLISHED


def _photo(make: Factory, blog: LiveBlog, **words: str) -> Media:
    values = {"file": "2026/01/quay.jpg", "alt": "Water over the quay", "width": 1200}
    return Media.objects.create(**values, **words, height=800, uploaded_by=make.owner_of(blog))


def test_an_entry_that_is_only_a_photo_is_published(make):
    blog = make.blog()
    photo = _photo(make, blog, caption="The harbour at noon", credit="Ana Costa")

    entry = make.entry(blog, headline="", body="", image_id=photo.pk)

    assert fresh(entry).status == EntryStatus.PUBLISHED
    assert 'data-share-title="The harbour at noon"' in fresh(entry).html


def test_a_photo_only_entry_may_be_edited_but_not_emptied(make):
    blog = make.blog()
    owner = make.owner_of(blog)
    entry = make.entry(blog, headline="", body="", image_id=_photo(make, blog).pk)
    other = _photo(make, blog, caption="The quay at dusk")

    services.update_entry(owner, entry, EntryFields(image_id=other.pk))
    with writes_nothing(), pytest.raises(ValidationFailed) as refused:
        services.update_entry(owner, entry, EntryFields(image_id=None))

    assert fresh(entry).image_id == other.pk
    assert "needs a headline, text, a photo or an embed" in refused.value.message


def test_a_photo_only_draft_is_approved_published_and_restored(make):
    blog = make.blog()
    owner = make.owner_of(blog)
    photo = _photo(make, blog)
    draft = make.entry(blog, headline="", body="", image_id=photo.pk, status="draft")
    submitted = make.entry(blog, headline="", body="", image_id=photo.pk, status="draft")
    services.submit_for_review(owner, submitted)

    services.publish_draft(owner, draft)
    services.approve_entry(owner, submitted)
    services.delete_entry(owner, draft)
    services.restore_entry(owner, draft)

    assert fresh(draft).status == EntryStatus.PUBLISHED
    assert fresh(submitted).status == EntryStatus.PUBLISHED


def test_a_draft_without_headline_text_photo_or_embed_is_still_not_published(make):
    blog = make.blog()
    empty = make.entry(blog, headline="", body="", status="draft")

    with writes_nothing(), pytest.raises(ValidationFailed) as refused:
        services.publish_draft(make.owner_of(blog), empty)

    assert "needs a headline, text, a photo or an embed" in refused.value.message


def test_publishing_a_body_that_sanitises_to_nothing_is_refused(make):
    blog = make.blog()

    with writes_nothing(), pytest.raises(ValidationFailed):
        make.entry(blog, headline="", body="<script>alert(1)</script>")


def test_publishing_a_headline_over_300_characters_is_refused_and_writes_nothing(make):
    blog = make.blog()

    with writes_nothing(), pytest.raises(ValidationFailed) as refused:
        make.entry(blog, headline="x" * 412)

    assert refused.value.message == "headline: must be at most 300 characters, got 412"


# --- moving entries between states -------------------------------------------------------


def test_submit_for_review_moves_a_draft_to_submitted_with_a_desk_change(make):
    blog = make.blog()
    draft = make.entry(blog, status="draft")
    seq = seq_of(blog)

    services.submit_for_review(make.owner_of(blog), draft)

    assert (fresh(draft).status, fresh(draft).revision) == (EntryStatus.SUBMITTED, 2)
    assert_entry_change(the_one_change_after(blog, seq), draft, ChangeKind.DESK, public=False)


def test_submit_for_review_of_a_published_entry_is_an_invalid_state(make):
    blog = make.blog()
    entry = make.entry(blog)

    with writes_nothing(), pytest.raises(InvalidState) as refused:
        services.submit_for_review(make.owner_of(blog), entry)

    assert refused.value.message == (
        f"entry {entry.pk} can become submitted only from draft, it is published"
    )


def test_approve_entry_publishes_a_submission_with_a_public_entry_change(make):
    blog = make.blog()
    submitted = make.entry(blog, status="submitted")
    seq = seq_of(blog)

    services.approve_entry(make.owner_of(blog), submitted)

    stored = fresh(submitted)
    assert stored.status == EntryStatus.PUBLISHED
    assert stored.published_at is not None
    assert stored.display_at is not None
    assert_entry_change(the_one_change_after(blog, seq), submitted, ChangeKind.ENTRY, public=True)


def test_approve_entry_of_a_draft_is_an_invalid_state_and_writes_nothing(make):
    blog = make.blog()
    draft = make.entry(blog, status="draft")

    with writes_nothing(), pytest.raises(InvalidState):
        services.approve_entry(make.owner_of(blog), draft)


def test_reject_entry_sends_a_submission_back_to_draft_with_a_desk_change(make):
    blog = make.blog()
    submitted = make.entry(blog, status="submitted")
    seq = seq_of(blog)

    services.reject_entry(make.owner_of(blog), submitted)

    assert fresh(submitted).status == EntryStatus.DRAFT
    assert_entry_change(the_one_change_after(blog, seq), submitted, ChangeKind.DESK, public=False)


def test_publish_draft_publishes_it_with_a_public_entry_change(make):
    blog = make.blog()
    draft = make.entry(blog, status="draft")
    seq = seq_of(blog)

    services.publish_draft(make.owner_of(blog), draft)

    assert fresh(draft).status == EntryStatus.PUBLISHED
    assert_entry_change(the_one_change_after(blog, seq), draft, ChangeKind.ENTRY, public=True)


def test_publish_draft_of_an_empty_draft_is_refused_and_writes_nothing(make):
    blog = make.blog()
    empty = make.entry(blog, status="draft", headline="", body="")

    with writes_nothing(), pytest.raises(ValidationFailed):
        services.publish_draft(make.owner_of(blog), empty)


def test_publish_draft_of_a_scheduled_entry_clears_its_schedule(make):
    blog = make.blog()
    entry = scheduled(make, blog)

    services.publish_draft(make.owner_of(blog), entry)

    assert (fresh(entry).status, fresh(entry).scheduled_for) == (EntryStatus.PUBLISHED, None)


def test_publish_draft_of_a_scheduled_entry_shows_the_time_it_was_really_published(make):
    blog = make.blog()
    entry = scheduled(make, blog, timezone.now() + timedelta(days=1))

    services.publish_draft(make.owner_of(blog), entry)

    assert fresh(entry).display_at <= timezone.now()


def test_unpublish_entry_tells_readers_to_drop_it_with_a_public_delete_change(make):
    blog = make.blog()
    entry = make.entry(blog)
    seq = seq_of(blog)

    services.unpublish_entry(make.owner_of(blog), entry)

    assert fresh(entry).status == EntryStatus.DRAFT
    change = the_one_change_after(blog, seq)
    assert (change.kind, change.public, change.entry_id) == (ChangeKind.DELETE, True, entry.pk)
    assert change.payload == {"id": entry.pk, "seq": change.seq}


def test_unpublish_entry_of_a_draft_is_an_invalid_state_and_writes_nothing(make):
    blog = make.blog()
    draft = make.entry(blog, status="draft")

    with writes_nothing(), pytest.raises(InvalidState):
        services.unpublish_entry(make.owner_of(blog), draft)


def test_unpublishing_the_pinned_entry_unpins_it(make):
    blog = make.blog()
    owner = make.owner_of(blog)
    entry = make.entry(blog)
    services.pin_entry(owner, blog, entry)

    services.unpublish_entry(owner, entry)

    assert fresh_blog(blog).pinned_entry_id is None


def test_schedule_entry_schedules_a_draft_with_a_desk_change(make):
    blog = make.blog()
    draft = make.entry(blog, status="draft")
    when = timezone.now() + IN_AN_HOUR
    seq = seq_of(blog)

    services.schedule_entry(make.owner_of(blog), draft, when)

    assert (fresh(draft).status, fresh(draft).scheduled_for) == (EntryStatus.SCHEDULED, when)
    assert_entry_change(the_one_change_after(blog, seq), draft, ChangeKind.DESK, public=False)


def test_schedule_entry_in_the_past_is_refused_and_writes_nothing(make):
    blog = make.blog()
    draft = make.entry(blog, status="draft")

    with writes_nothing(), pytest.raises(ValidationFailed):
        services.schedule_entry(make.owner_of(blog), draft, timezone.now() - IN_AN_HOUR)


def test_schedule_entry_with_a_naive_time_is_refused_and_writes_nothing(make):
    blog = make.blog()
    draft = make.entry(blog, status="draft")
    naive = datetime(2200, 1, 1, 12, 0)  # no offset: the point of the test

    with writes_nothing(), pytest.raises(ValidationFailed) as refused:
        services.schedule_entry(make.owner_of(blog), draft, naive)

    assert refused.value.message.startswith("scheduled_for: must include a time zone offset")


def test_schedule_entry_of_a_published_entry_is_an_invalid_state(make):
    blog = make.blog()
    entry = make.entry(blog)

    with writes_nothing(), pytest.raises(InvalidState):
        services.schedule_entry(make.owner_of(blog), entry, timezone.now() + IN_AN_HOUR)


def test_publish_due_publishes_entries_whose_time_came_at_their_scheduled_time(make):
    blog = make.blog()
    when = timezone.now() + timedelta(minutes=5)
    due = scheduled(make, blog, when)
    later = scheduled(make, blog, when + timedelta(hours=2))
    seq = seq_of(blog)

    published = services.publish_due(when + timedelta(seconds=1))

    assert [entry.pk for entry in published] == [due.pk]
    assert fresh(due).status == EntryStatus.PUBLISHED
    assert fresh(due).display_at == when
    assert fresh(due).scheduled_for is None
    assert fresh(later).status == EntryStatus.SCHEDULED
    assert_entry_change(the_one_change_after(blog, seq), due, ChangeKind.ENTRY, public=True)


def test_publish_due_called_twice_publishes_once(make):
    blog = make.blog()
    when = timezone.now() + timedelta(minutes=5)
    entry = scheduled(make, blog, when)
    seq = seq_of(blog)

    first = services.publish_due(when)
    second = services.publish_due(when)

    assert ([e.pk for e in first], second) == ([entry.pk], [])
    the_one_change_after(blog, seq)


def test_publish_due_skips_archived_blogs(make):
    blog = make.blog()
    owner = make.owner_of(blog)
    when = timezone.now() + timedelta(minutes=5)
    entry = scheduled(make, blog, when)
    services.end_coverage(owner, blog)
    services.archive_blog(owner, blog)

    with writes_nothing():
        assert services.publish_due(when) == []

    assert fresh(entry).status == EntryStatus.SCHEDULED


# --- editing -----------------------------------------------------------------------------


def test_update_entry_bumps_the_revision_and_keeps_every_revision(make):
    blog = make.blog()
    entry = make.entry(blog, headline="First words")
    seq = seq_of(blog)

    services.update_entry(
        make.owner_of(blog), entry, EntryFields(headline="Better words"), expected_revision=1
    )

    stored = fresh(entry)
    assert (stored.headline, stored.revision) == ("Better words", 2)
    assert stored.edited_at is not None
    assert list(EntryRevision.objects.filter(entry=entry).values_list("revision", "headline")) == [
        (1, "First words"),
        (2, "Better words"),
    ]
    assert_entry_change(the_one_change_after(blog, seq), entry, ChangeKind.ENTRY, public=True)


def test_update_entry_leaves_fields_it_was_not_given_alone(make):
    blog = make.blog()
    entry = make.entry(blog, headline="Kept", body="<p>Old</p>", breaking=True)

    services.update_entry(make.owner_of(blog), entry, EntryFields(body="<p>New</p>"))

    stored = fresh(entry)
    assert (stored.headline, stored.body, stored.is_breaking) == ("Kept", "<p>New</p>", True)


def test_update_entry_with_a_correction_note_stores_it_on_the_entry_and_the_revision(make):
    blog = make.blog()
    entry = make.entry(blog, body="<p>Three people hurt.</p>")

    services.update_entry(
        make.owner_of(blog),
        entry,
        EntryFields(body="<p>Two hurt.</p>"),
        correction_note="An earlier version gave the wrong number.",
    )

    assert fresh(entry).correction_note == "An earlier version gave the wrong number."
    assert (
        EntryRevision.objects.get(entry=entry, revision=2).correction_note
        == "An earlier version gave the wrong number."
    )
    assert "An earlier version gave the wrong number." in fresh(entry).html


def test_update_entry_with_a_stale_revision_is_a_conflict_and_changes_nothing(make):
    blog = make.blog()
    owner = make.owner_of(blog)
    entry = make.entry(blog)
    services.update_entry(owner, entry, EntryFields(headline="Someone else was faster"))

    with writes_nothing(), pytest.raises(Conflict) as refused:
        services.update_entry(owner, entry, EntryFields(headline="Mine"), expected_revision=1)

    assert refused.value.extra == {"current_revision": 2}
    assert refused.value.as_dict()["error"]["current_revision"] == 2
    assert refused.value.message == (
        f"entry {entry.pk} was changed by someone else: you edited revision 1, "
        "the current revision is 2"
    )


def test_update_entry_of_a_draft_logs_a_desk_change_and_is_not_marked_updated(make):
    blog = make.blog()
    draft = make.entry(blog, status="draft")
    seq = seq_of(blog)

    services.update_entry(make.owner_of(blog), draft, EntryFields(headline="Still a draft"))

    assert fresh(draft).edited_at is None
    assert_entry_change(the_one_change_after(blog, seq), draft, ChangeKind.DESK, public=False)


def test_update_entry_emptying_a_published_entry_is_refused_and_writes_nothing(make):
    blog = make.blog()
    entry = make.entry(blog)

    with writes_nothing(), pytest.raises(ValidationFailed):
        services.update_entry(make.owner_of(blog), entry, EntryFields(headline="", body=""))


def test_update_entry_with_an_unknown_author_is_refused_and_writes_nothing(make):
    blog = make.blog()
    entry = make.entry(blog)

    with writes_nothing(), pytest.raises(ValidationFailed) as refused:
        services.update_entry(make.owner_of(blog), entry, EntryFields(author_ids=[987654]))

    assert refused.value.message == (
        "author_ids: must be ids of active users, got unknown id(s) [987654]"
    )


def test_update_entry_of_a_deleted_entry_is_an_invalid_state(make):
    blog = make.blog()
    owner = make.owner_of(blog)
    entry = make.entry(blog)
    services.delete_entry(owner, entry)

    with writes_nothing(), pytest.raises(InvalidState):
        services.update_entry(owner, entry, EntryFields(headline="Back from the dead"))


# --- deleting, pinning, key events -------------------------------------------------------


def test_delete_entry_keeps_a_tombstone_and_tells_readers_its_id(make):
    blog = make.blog()
    entry = make.entry(blog)
    seq = seq_of(blog)

    services.delete_entry(make.owner_of(blog), entry)

    assert fresh(entry).status == EntryStatus.DELETED
    change = the_one_change_after(blog, seq)
    assert (change.kind, change.public, change.entry_id) == (ChangeKind.DELETE, True, entry.pk)
    assert change.payload == {"id": entry.pk, "seq": change.seq}


def test_delete_entry_of_a_draft_is_a_desk_change_readers_do_not_get(make):
    blog = make.blog()
    draft = make.entry(blog, status="draft")
    seq = seq_of(blog)

    services.delete_entry(make.owner_of(blog), draft)

    assert fresh(draft).status == EntryStatus.DELETED
    change = the_one_change_after(blog, seq)
    assert (change.kind, change.public) == (ChangeKind.DESK, False)


def test_delete_entry_of_the_pinned_entry_unpins_it(make):
    blog = make.blog()
    owner = make.owner_of(blog)
    entry = make.entry(blog)
    services.pin_entry(owner, blog, entry)
    seq = seq_of(blog)

    services.delete_entry(owner, entry)

    assert fresh_blog(blog).pinned_entry_id is None
    # The tombstone, then the header without the pin: a replay never shows it pinned.
    changes = list(Change.objects.filter(blog_id=blog.pk, seq__gt=seq).order_by("seq"))
    assert [(c.seq, c.kind) for c in changes] == [
        (seq + 1, ChangeKind.DELETE),
        (seq + 2, ChangeKind.BLOG),
    ]
    assert changes[1].payload["blog"]["pinned_entry_id"] is None
    assert changes[1].payload["blog"]["pinned_entry_html"] is None


def test_delete_entry_twice_is_an_invalid_state_and_writes_nothing(make):
    blog = make.blog()
    owner = make.owner_of(blog)
    entry = make.entry(blog)
    services.delete_entry(owner, entry)

    with writes_nothing(), pytest.raises(InvalidState):
        services.delete_entry(owner, entry)


def test_pin_entry_pins_a_published_entry_and_logs_a_blog_change(make):
    blog = make.blog()
    entry = make.entry(blog)
    seq = seq_of(blog)

    services.pin_entry(make.owner_of(blog), blog, entry)

    assert fresh_blog(blog).pinned_entry_id == entry.pk
    change = the_one_change_after(blog, seq)
    assert (change.kind, change.public, change.entry_id) == (ChangeKind.BLOG, True, entry.pk)
    assert change.payload["blog"]["pinned_entry_id"] == entry.pk
    assert change.payload["blog"]["pinned_entry_html"] == pinned_copy_html(fresh(entry))


def test_pin_entry_replaces_the_previously_pinned_entry(make):
    blog = make.blog()
    owner = make.owner_of(blog)
    first, second = make.entry(blog), make.entry(blog)
    services.pin_entry(owner, blog, first)

    services.pin_entry(owner, blog, second)

    assert fresh_blog(blog).pinned_entry_id == second.pk


def test_pin_entry_with_none_unpins(make):
    blog = make.blog()
    owner = make.owner_of(blog)
    services.pin_entry(owner, blog, make.entry(blog))
    seq = seq_of(blog)

    services.pin_entry(owner, blog, None)

    assert fresh_blog(blog).pinned_entry_id is None
    change = the_one_change_after(blog, seq)
    assert change.payload["blog"]["pinned_entry_id"] is None


def test_pin_entry_of_a_draft_is_an_invalid_state_and_writes_nothing(make):
    blog = make.blog()
    draft = make.entry(blog, status="draft")

    with writes_nothing(), pytest.raises(InvalidState) as refused:
        services.pin_entry(make.owner_of(blog), blog, draft)

    assert refused.value.message == (
        f"only a published entry can be pinned, entry {draft.pk} is draft"
    )


def test_pin_entry_of_another_blogs_entry_is_not_found_and_writes_nothing(make):
    blog = make.blog()
    elsewhere = make.entry(make.blog())

    with writes_nothing(), pytest.raises(NotFound):
        services.pin_entry(make.owner_of(blog), blog, elsewhere)


# --- a restored entry returns to the pin ----------------------------------------------------


def test_restoring_the_pinned_entry_pins_it_again_and_tells_readers(make):
    blog = make.blog()
    owner = make.owner_of(blog)
    entry = make.entry(blog, headline="What we know")
    services.pin_entry(owner, blog, entry)
    services.delete_entry(owner, entry)
    seq = seq_of(blog)

    services.restore_entry(owner, entry)

    assert fresh_blog(blog).pinned_entry_id == entry.pk
    # The entry back in the stream, then the header with it pinned, as a pin would send it.
    changes = list(Change.objects.filter(blog_id=blog.pk, seq__gt=seq).order_by("seq"))
    assert [(c.seq, c.kind, c.public) for c in changes] == [
        (seq + 1, ChangeKind.ENTRY, True),
        (seq + 2, ChangeKind.BLOG, True),
    ]
    header = changes[1]
    assert (header.action, header.entry_id) == ("entry.pinned", entry.pk)
    assert header.payload["blog"]["pinned_entry_id"] == entry.pk
    assert header.payload["blog"]["pinned_entry_html"] == pinned_copy_html(fresh(entry))
    # The header the deletion sent (unpinned) is no longer replayed.
    assert not Change.objects.filter(
        blog=blog, kind=ChangeKind.BLOG, redacted=False, seq__lt=header.seq
    ).exists()


def test_a_restored_entry_is_not_pinned_when_another_was_pinned_since_even_if_unpinned(make):
    blog = make.blog()
    owner = make.owner_of(blog)
    first, second = make.entry(blog, headline="First"), make.entry(blog, headline="Second")
    services.pin_entry(owner, blog, first)
    services.delete_entry(owner, first)
    services.pin_entry(owner, blog, second)
    services.pin_entry(owner, blog, None)

    services.restore_entry(owner, first)

    assert fresh_blog(blog).pinned_entry_id is None


def test_a_restored_entry_leaves_the_entry_pinned_since_in_place(make):
    blog = make.blog()
    owner = make.owner_of(blog)
    first, second = make.entry(blog, headline="First"), make.entry(blog, headline="Second")
    services.pin_entry(owner, blog, first)
    services.delete_entry(owner, first)
    services.pin_entry(owner, blog, second)
    seq = seq_of(blog)

    services.restore_entry(owner, first)

    assert fresh_blog(blog).pinned_entry_id == second.pk
    assert the_one_change_after(blog, seq).kind == ChangeKind.ENTRY


def test_an_entry_that_was_not_pinned_when_deleted_is_not_pinned_by_its_restore(make):
    blog = make.blog()
    owner = make.owner_of(blog)
    entry = make.entry(blog)
    services.pin_entry(owner, blog, entry)
    services.pin_entry(owner, blog, None)  # unpinned before it was deleted
    services.delete_entry(owner, entry)
    seq = seq_of(blog)

    services.restore_entry(owner, entry)

    assert fresh_blog(blog).pinned_entry_id is None
    assert the_one_change_after(blog, seq).kind == ChangeKind.ENTRY


def test_an_entry_deleted_pinned_twice_is_pinned_again_after_its_second_restore(make):
    blog = make.blog()
    owner = make.owner_of(blog)
    entry = make.entry(blog)
    services.pin_entry(owner, blog, entry)
    services.delete_entry(owner, entry)
    services.restore_entry(owner, entry)
    services.delete_entry(owner, entry)

    services.restore_entry(owner, entry)

    assert fresh_blog(blog).pinned_entry_id == entry.pk


def test_deleting_the_pinned_entry_notes_the_pin_on_the_deletions_revision(make):
    blog = make.blog()
    owner = make.owner_of(blog)
    pinned, other = make.entry(blog), make.entry(blog)
    services.pin_entry(owner, blog, pinned)

    services.bulk_move(owner, blog, [pinned.pk, other.pk], "delete")

    assert fresh(pinned).revisions.get(revision=2).data["pinned"] is True
    assert "pinned" not in fresh(other).revisions.get(revision=2).data
    services.restore_entry(owner, pinned)
    assert fresh_blog(blog).pinned_entry_id == pinned.pk


def test_set_key_event_flags_the_entry_with_a_public_entry_change(make):
    blog = make.blog()
    entry = make.entry(blog)
    seq = seq_of(blog)

    services.set_key_event(make.owner_of(blog), entry, True)

    stored = fresh(entry)
    assert (stored.is_key_event, stored.revision) == (True, 2)
    assert "entry--key-event" in stored.html
    change = the_one_change_after(blog, seq)
    assert_entry_change(change, entry, ChangeKind.ENTRY, public=True)
    assert change.payload["entry"]["key_event"] is True


def test_set_key_event_on_a_deleted_entry_is_an_invalid_state(make):
    blog = make.blog()
    owner = make.owner_of(blog)
    entry = make.entry(blog)
    services.delete_entry(owner, entry)

    with writes_nothing(), pytest.raises(InvalidState):
        services.set_key_event(owner, entry, True)


# --- announcing changes after commit -----------------------------------------------------


@pytest.fixture
def announced():
    """Every ChangeEvent sent on change_committed while the test runs."""
    events: list[ChangeEvent] = []

    def receive(sender, event, **kwargs):
        events.append(event)

    change_committed.connect(receive, dispatch_uid="tests.announced")
    yield events
    change_committed.disconnect(dispatch_uid="tests.announced")


def test_a_committed_publish_is_announced_once_with_the_stored_change(
    make, announced, django_capture_on_commit_callbacks
):
    blog = make.blog()
    seq = seq_of(blog)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        entry = make.entry(blog)

    change = the_one_change_after(blog, seq)
    assert len(callbacks) == 1
    assert announced == [
        ChangeEvent(
            blog_id=blog.pk,
            slug=blog.slug,
            seq=change.seq,
            kind=ChangeKind.ENTRY,
            public=True,
            entry_id=entry.pk,
            payload=change.payload,
        )
    ]


def test_a_saved_draft_is_announced_as_a_desk_only_event(
    make, announced, django_capture_on_commit_callbacks
):
    blog = make.blog()

    with django_capture_on_commit_callbacks(execute=True):
        draft = make.entry(blog, status="draft")

    assert [(e.seq, e.kind, e.public, e.entry_id) for e in announced] == [
        (seq_of(blog), ChangeKind.DESK, False, draft.pk)
    ]


def test_a_refused_call_announces_nothing(make, announced, django_capture_on_commit_callbacks):
    blog = make.blog()
    draft = make.entry(blog, status="draft")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(InvalidState):
        services.pin_entry(make.owner_of(blog), blog, draft)

    assert (callbacks, announced) == ([], [])


def test_a_write_whose_outer_transaction_rolls_back_is_neither_kept_nor_announced(
    make, announced, django_capture_on_commit_callbacks
):
    blog = make.blog()
    seq = seq_of(blog)
    entries = Entry.objects.count()

    def publish_then_fail() -> None:
        with transaction.atomic():
            make.entry(blog)
            raise RuntimeError("the caller failed after the service returned")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        publish_then_fail()

    assert (seq_of(blog), Entry.objects.count()) == (seq, entries)
    assert (callbacks, announced) == ([], [])


# --- publish_due from two threads ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_publish_due_from_two_threads_publishes_each_entry_exactly_once():
    make = Factory()
    blog = make.blog()
    when = timezone.now() + timedelta(minutes=5)
    entries = [scheduled(make, blog, when) for _ in range(5)]
    seq = seq_of(blog)
    start = threading.Barrier(2)
    results: list[list[int]] = []
    errors: list[BaseException] = []

    def worker() -> None:
        from django.db import connection

        try:
            start.wait()
            results.append([entry.pk for entry in services.publish_due(when)])
        except BaseException as exc:  # reported below, with its traceback
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(pk for result in results for pk in result) == sorted(e.pk for e in entries)
    changes = Change.objects.filter(blog=blog, seq__gt=seq).order_by("seq")
    assert [c.seq for c in changes] == list(range(seq + 1, seq + 6))
    assert sorted(c.entry_id for c in changes) == sorted(e.pk for e in entries)
    assert seq_of(blog) == seq + 5


def test_bylines_may_name_only_the_blogs_team_but_an_edit_keeps_authors_who_left(make):
    blog = make.blog()
    owner = make.owner_of(blog)
    reporter = make.member(blog, "contributor")
    stranger = make.user()
    entry = services.publish_entry(
        owner, blog, EntryFields(headline="Quay", author_ids=[reporter.pk])
    )

    with pytest.raises(ValidationFailed, match="this live blog's team"):
        services.publish_entry(owner, blog, EntryFields(headline="X", author_ids=[stranger.pk]))
    Membership.objects.filter(blog=blog, user=reporter).delete()
    kept = services.update_entry(owner, entry, EntryFields(author_ids=[reporter.pk, owner.pk]))

    assert set(kept.authors.values_list("pk", flat=True)) == {reporter.pk, owner.pk}
