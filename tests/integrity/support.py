"""Everything the public can fetch about a live blog, read through a real server.

An integrity test builds a story, removes or corrects part of it, then reads every public
path — pages, feeds, change feeds, live streams resumed from any seq, archive and public export
— and looks for the words that must be gone.
"""

from __future__ import annotations

import io
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bulletin.blogs.models import Change, LiveBlog
from bulletin.blogs.transfer.export import export_blog
from bulletin.reader.archive import archive_blog
from tests.realtime.support import Event, Server, SSEClient


@dataclass
class Fetched:
    """What each public path answered: its status and body, by a readable name."""

    status: dict[str, int] = field(default_factory=dict)
    body: dict[str, str] = field(default_factory=dict)

    def containing(self, words: str) -> list[str]:
        return [name for name, text in self.body.items() if words in text]


def get(server: Server, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(server.base + path, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def current_public_changes(blog: LiveBlog, since: int) -> int:
    """How many changes a reader resuming from ``since`` should be sent (the present only)."""
    return Change.objects.filter(blog=blog, seq__gt=since, public=True, redacted=False).count()


def resumed_stream(server: Server, blog: LiveBlog, since: int) -> list[Event]:
    """Open the live stream with ``Last-Event-ID: since`` and read what it replays."""
    expected = current_public_changes(blog, since)
    client = SSEClient(
        server.port, f"/live/{blog.slug}/events", headers={"Last-Event-ID": str(since)}
    )
    events = client.events(expected, timeout=10) if expected else []
    # Anything beyond the present would arrive straight after it: give it a moment.
    events += client.events(1, timeout=0.5)
    client.close()
    return events


def read_public_paths(
    server: Server, blog: LiveBlog, *, since: int, entry_ids: list[int], before: int | None
) -> Fetched:
    """Every public path of the blog; ``since`` is the seq just before the removal."""
    slug = blog.slug
    paths = {
        "page": f"/live/{slug}",
        "embed": f"/live/{slug}/embed",
        "atom": f"/live/{slug}/feed.atom",
        "rss": f"/live/{slug}/feed.rss",
        "json feed": f"/live/{slug}/feed.json",
        "atom key events": f"/live/{slug}/feed.atom?key_events=1",
        "rss key events": f"/live/{slug}/feed.rss?key_events=1",
        "json feed key events": f"/live/{slug}/feed.json?key_events=1",
        "changes since 0": f"/live/{slug}/changes?since=0",
        "changes since before": f"/live/{slug}/changes?since={since}",
        "api changes since 0": f"/api/v1/blogs/{slug}/changes?since=0",
        "api changes since before": f"/api/v1/blogs/{slug}/changes?since={since}",
        "api blog": f"/api/v1/blogs/{slug}",
        "api entries": f"/api/v1/blogs/{slug}/entries",
    }
    if before is not None:
        paths["older page"] = f"/live/{slug}?before={before}"
    for entry_id in entry_ids:
        paths[f"permalink {entry_id}"] = f"/live/{slug}/e/{entry_id}"
        paths[f"api entry {entry_id}"] = f"/api/v1/blogs/{slug}/entries/{entry_id}"
    fetched = Fetched()
    for name, path in paths.items():
        fetched.status[name], fetched.body[name] = get(server, path)
    for name, start in (("stream from 0", 0), ("stream from before", since)):
        events = resumed_stream(server, blog, start)
        fetched.status[name] = len(events)
        fetched.body[name] = "\n".join(f"{e.id} {e.kind} {e.data}" for e in events)
    return fetched


def read_archive_and_public_export(blog: LiveBlog, folder: Path) -> Fetched:
    """The static archive (of an ended blog) and `bulletin export --public`."""
    fetched = Fetched()
    summary = archive_blog(blog, folder)
    fetched.body["archive"] = summary.index.read_text(encoding="utf-8")
    out = io.StringIO()
    export_blog(blog, out, public=True)
    fetched.body["public export"] = out.getvalue()
    return fetched
