"""The words on an image readers see change only through the service, by those who may publish.

An image shown by a published entry, or the cover of a blog readers can see, may be re-worded
(alt text, caption, credit) only by someone who may publish on every blog showing it. The
service re-renders every entry and cover showing it, each with a change row, in the
transaction that changes the words. An image no reader sees yet stays its uploader's to word.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bulletin.accounts.models import Membership, Role
from bulletin.blogs import services
from bulletin.blogs.fields import BlogFields
from bulletin.blogs.media import save_image
from bulletin.blogs.models import ChangeKind, Entry, LiveBlog, Media
from bulletin.errors import PermissionDenied
from tests.blogs.portable import picture_upload
from tests.blogs.support import seq_of, writes_nothing
from tests.factories import Factory


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


def _words(media: Media) -> tuple[str, str, str]:
    stored = Media.objects.get(pk=media.pk)
    return (stored.alt, stored.caption, stored.credit)


def _html(*entries: Entry) -> list[str]:
    return [Entry.objects.get(pk=entry.pk).html for entry in entries]


class Scene:
    """A contributor's photo, published by the owner in two entries, and the blog's cover."""

    def __init__(self, make: Factory) -> None:
        self.blog = make.blog()
        self.owner = make.owner_of(self.blog)
        self.editor = make.member(self.blog, Role.EDITOR)
        self.contributor = make.member(self.blog, Role.CONTRIBUTOR)
        self.image = save_image(
            self.contributor, self.blog, picture_upload(), alt="Boats on the quay"
        )
        self.first = make.entry(self.blog, self.contributor, status="draft", image_id=self.image.pk)
        services.publish_draft(self.owner, self.first)
        self.second = make.entry(self.blog, self.owner, image_id=self.image.pk)
        self.draft = make.entry(self.blog, self.owner, status="draft", image_id=self.image.pk)
        services.update_blog(self.owner, self.blog, BlogFields(cover_image_id=self.image.pk))
        self.blog = LiveBlog.objects.get(pk=self.blog.pk)


@pytest.fixture
def scene(make: Factory) -> Scene:
    return Scene(make)


def test_a_contributor_may_not_reword_an_image_readers_see_and_nothing_changes(
    scene: Scene,
) -> None:
    html_before = _html(scene.first, scene.second, scene.draft)

    with writes_nothing(), pytest.raises(PermissionDenied) as refused:
        services.describe_image(
            scene.contributor, scene.blog, scene.image, alt="A burning ship", credit="Hoax"
        )

    assert "only those who may publish on every live blog showing it" in refused.value.message
    assert _words(scene.image) == ("Boats on the quay", "", "")
    assert _html(scene.first, scene.second, scene.draft) == html_before


def test_an_editor_rewording_an_image_re_renders_every_entry_and_cover_with_a_change_each(
    scene: Scene,
) -> None:
    seq = seq_of(scene.blog)

    services.describe_image(
        scene.editor, scene.blog, scene.image, alt="Fishing boats at dawn", credit="Ana Ruiz"
    )

    assert _words(scene.image) == ("Fishing boats at dawn", "", "Ana Ruiz")
    for html in _html(scene.first, scene.second, scene.draft):
        assert 'alt="Fishing boats at dawn"' in html
        assert "Ana Ruiz" in html
    changes = list(scene.blog.changes.filter(seq__gt=seq).order_by("seq"))
    by_entry = {change.entry_id: change for change in changes if change.entry_id}
    assert set(by_entry) == {scene.first.pk, scene.second.pk, scene.draft.pk}
    assert by_entry[scene.first.pk].kind == ChangeKind.ENTRY
    assert "Fishing boats at dawn" in by_entry[scene.first.pk].payload["html"]
    assert by_entry[scene.draft.pk].public is False  # a draft's new HTML is the desk's only
    [header] = [change for change in changes if change.kind == ChangeKind.BLOG]
    assert header.payload["blog"]["cover_image"]["alt"] == "Fishing boats at dawn"
    assert seq_of(scene.blog) == seq + 4


def test_an_image_shown_on_another_blog_needs_the_right_to_publish_there_too(
    scene: Scene, make: Factory
) -> None:
    elsewhere = make.blog()
    # The photographer works for both blogs, so the other blog may use the picture.
    Membership.objects.create(blog=elsewhere, user=scene.contributor, role=Role.CONTRIBUTOR)
    make.entry(elsewhere, make.owner_of(elsewhere), image_id=scene.image.pk)

    with writes_nothing(), pytest.raises(PermissionDenied) as refused:
        services.describe_image(scene.editor, scene.blog, scene.image, alt="Fishing boats")

    assert repr(elsewhere.title) in refused.value.message
    assert _words(scene.image) == ("Boats on the quay", "", "")


def test_a_contributor_words_their_own_picture_while_only_their_draft_shows_it(
    make: Factory,
) -> None:
    blog = make.blog()
    contributor = make.member(blog, Role.CONTRIBUTOR)
    image = save_image(contributor, blog, picture_upload(), alt="Quay")
    draft = make.entry(blog, contributor, status="draft", image_id=image.pk)

    services.describe_image(contributor, blog, image, alt="The flooded quay", caption="At 6am")

    assert _words(image) == ("The flooded quay", "At 6am", "")
    assert 'alt="The flooded quay"' in Entry.objects.get(pk=draft.pk).html


def test_the_same_words_again_change_nothing(scene: Scene) -> None:
    with writes_nothing():
        services.describe_image(scene.contributor, scene.blog, scene.image, alt="Boats on the quay")
