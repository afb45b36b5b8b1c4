"""What the service layer tells the rest of the system after a change commits.

Realtime delivery subscribes here; it never watches the ORM.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.dispatch import Signal

# Sent once per committed change, with ``event=ChangeEvent``.
change_committed = Signal()


@dataclass(frozen=True)
class ChangeEvent:
    blog_id: int
    slug: str
    seq: int
    kind: str
    public: bool
    entry_id: int | None
    payload: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        """The shape of one change in the change feed and on the wire."""
        return {
            "seq": self.seq,
            "kind": self.kind,
            "entry_id": self.entry_id,
            "data": self.payload,
        }
