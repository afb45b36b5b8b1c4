"""What a blog's owners may set on a contributor profile: someone entries credit who has no
account (a stringer, a guest writer), with a role and a photo."""

from __future__ import annotations

from bulletin.blogs.fields.base import Fields
from bulletin.blogs.fields.kinds import ContributorName, ContributorRole, Id


class ContributorFields(Fields):
    """A field not sent is left as it is."""

    name: ContributorName = ""
    role: ContributorRole = ""
    photo_id: Id | None = None


class NewContributor(ContributorFields):
    """A new profile needs a name."""

    name: ContributorName
