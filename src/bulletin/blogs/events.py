"""What the service layer tells the rest of the system after a change commits.

Realtime delivery subscribes here; it never watches the ORM.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.dispatch import Signal

# Sent once per committed change, with ``event=ChangeEvent``.
change_committed = Signal()

# Sent inside the write's transaction each time an entry was saved, edited, deleted or taken
# down, with ``entry=Entry`` (its current row): what Bulletin derives from an entry's words
# (repeat fingerprints, quotations, topics) is computed here, on write, never on a read.
entry_written = Signal()

# Sent inside ``bulletin import``'s transaction once the imported blog's entries are written
# and before they are rendered, with ``blog=LiveBlog``: the import writes rows without the
# service layer, so what ``entry_written`` would have derived is derived here, for the blog.
blog_imported = Signal()

# Readers replay the present, never the past (docs/architecture.md): a public change is
# superseded by the next public change of the same subject, and replays skip superseded
# changes. An entry's subject is the entry (its `entry` and `delete` changes); the blog's
# header (title, key points, pin, status: `blog` and `end`, each carrying the whole header) is
# one subject.
ENTRY_KINDS = ("entry", "delete")
HEADER_KINDS = ("blog", "end")


def subject_of(kind: str, entry_id: int | None) -> str | None:
    """What a public change is about, for supersession; None for desk-only kinds."""
    if kind in ENTRY_KINDS:
        return f"entry:{entry_id}"
    if kind in HEADER_KINDS:
        return "header"
    return None


@dataclass(frozen=True)
class ChangeEvent:
    blog_id: int
    slug: str
    seq: int
    kind: str
    public: bool
    entry_id: int | None
    payload: dict[str, Any]

    @property
    def subject(self) -> str | None:
        return subject_of(self.kind, self.entry_id) if self.public else None

    def as_dict(self) -> dict[str, Any]:
        """The shape of one change in the change feed and on the wire."""
        return {
            "seq": self.seq,
            "kind": self.kind,
            "entry_id": self.entry_id,
            "data": self.payload,
        }


# Sent once per entry that left the public stream (deleted, unpublished or taken down), after
# commit, with ``removal=Removal``: what must stop being served beside the change itself
# (image files, CDN copies).
entry_removed = Signal()


@dataclass(frozen=True)
class Removal:
    blog_id: int
    slug: str
    entry_id: int
    # The images the entry showed when it left.
    media_ids: tuple[int, ...]
    takedown: bool
