"""A static HTML copy of a finished live blog (``bulletin archive``).

The copy is the reader page itself (same template, same stored entry HTML, same JSON-LD) with
every published entry on one page and no live script: opened from a folder or served by any
web server, it never tries to connect to Bulletin. The folder holds::

    index.html   every entry, newest or oldest first as the blog shows them
    reader.css   the reader stylesheet
    media/       the images the page shows, copied from MEDIA_ROOT

Links inside the page are rewritten: entry permalinks become anchors on the page, images point
into ``media/``, and other site-relative links (feeds, other stories) become absolute URLs on
``BULLETIN_SITE_URL``.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import Resolver404, resolve

from bulletin.blogs.models import BlogStatus, Entry, EntryStatus, LiveBlog, Order
from bulletin.blogs.transfer.common import Report, chunks, counted, should_report
from bulletin.errors import InvalidState
from bulletin.links import absolute_url
from bulletin.reader import stream
from bulletin.reader.views import render_static_page

STYLESHEET = "reader/reader.css"
MEDIA_DIR = "media"
_ATTRIBUTE = re.compile(r'\b(src|srcset|href)="([^"]*)"')


@dataclass(frozen=True)
class ArchiveSummary:
    index: Path
    entries: int
    images: int
    missing_images: list[str]


def archive_blog(blog: LiveBlog, folder: Path, *, report: Report | None = None) -> ArchiveSummary:
    """Write a static copy of an ended or archived blog into ``folder``."""
    blog = LiveBlog.objects.select_related("pinned_entry", "cover_image").get(pk=blog.pk)
    if blog.status not in {BlogStatus.ENDED, BlogStatus.ARCHIVED}:
        raise InvalidState(
            f"live blog {blog.slug!r} is {blog.status}: only an ended or archived blog can be "
            "archived as static HTML (end its coverage first)"
        )
    entries = _every_entry(blog, report)
    page = stream.StreamPage(stream.by_day(blog, entries), entries, None)
    html = render_static_page(blog, page).decode()
    links = _Links(blog)
    html = _ATTRIBUTE.sub(links.rewrite, html)
    folder.mkdir(parents=True, exist_ok=True)
    index = folder / "index.html"
    index.write_text(html, encoding="utf-8")
    stylesheet = finders.find(STYLESHEET)
    if isinstance(stylesheet, str):
        shutil.copyfile(stylesheet, folder / PurePosixPath(STYLESHEET).name)
    copied, missing = _copy_media(sorted(links.media), folder / MEDIA_DIR, report)
    return ArchiveSummary(index, len(entries), copied, missing)


def _every_entry(blog: LiveBlog, report: Report | None) -> list[Entry]:
    # Newest first, like the first page of the live blog, then turned for oldest-first blogs.
    pks = list(
        Entry.objects.filter(blog=blog, status=EntryStatus.PUBLISHED)
        .order_by("-display_at", "-pk")
        .values_list("pk", flat=True)
    )
    entries: list[Entry] = []
    for batch in chunks(pks):
        rows = Entry.objects.filter(pk__in=batch).select_related("image")
        by_pk = {entry.pk: entry for entry in rows.prefetch_related("authors")}
        entries.extend(by_pk[pk] for pk in batch)
        if report and should_report(len(entries), len(pks)):
            report(counted(len(entries), len(pks), "loaded", "entries"))
    if blog.order == Order.OLDEST_FIRST:
        entries.reverse()
    return entries


class _Links:
    """Rewrites the page's URLs for a folder, and notes the media files it points into."""

    def __init__(self, blog: LiveBlog) -> None:
        self.stylesheet = static(STYLESHEET)
        self.slug = blog.slug
        self.media: set[str] = set()

    def rewrite(self, match: re.Match[str]) -> str:
        name, value = match.group(1), match.group(2)
        if name == "srcset":
            candidates = (part.strip().split(" ", 1) for part in value.split(","))
            value = ", ".join(" ".join([self._url(c[0]), *c[1:]]) for c in candidates if c[0])
        else:
            value = self._url(value)
        return f'{name}="{value}"'

    def _url(self, url: str) -> str:
        if url == self.stylesheet:
            return PurePosixPath(STYLESHEET).name
        entry_id = self._permalink(url)
        if entry_id is not None:
            return f"#entry-{entry_id}"
        if url.startswith(settings.MEDIA_URL):
            path = url.removeprefix(settings.MEDIA_URL)
            if _inside_media(path):
                self.media.add(path)
                return f"{MEDIA_DIR}/{path}"
        if url.startswith("/") and not url.startswith("//"):
            return absolute_url(url)
        return url

    def _permalink(self, url: str) -> int | None:
        """The entry a permalink of this blog (reader:entry) names, else None."""
        try:
            match = resolve(url)
        except Resolver404:
            return None
        if match.view_name == "reader:entry" and match.kwargs["slug"] == self.slug:
            return int(match.kwargs["entry_id"])
        return None


def _inside_media(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return bool(parts) and not PurePosixPath(path).is_absolute() and ".." not in parts


def _copy_media(paths: list[str], target: Path, report: Report | None) -> tuple[int, list[str]]:
    root = Path(settings.MEDIA_ROOT)
    copied, missing = 0, []
    for done, path in enumerate(paths, start=1):
        source = root / path
        if source.is_file():
            destination = target / path
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
            copied += 1
        else:
            missing.append(path)
        if report and should_report(done, len(paths)):
            report(counted(done, len(paths), "copied", "images"))
    return copied, missing
