"""One typed model per writable thing: its fields, their limits and their messages, once.

The API takes these models as its request bodies (and so documents them in OpenAPI), the
desk's forms are read into them, the services take them, and the entries and blog of an
export file are checked by them. Limits and cleaning live on the field kinds
(:mod:`~bulletin.blogs.fields.kinds`); a field the writer did not send stays out of
``model_fields_set``, so a partial edit changes only what was sent.
"""

from bulletin.blogs.fields.base import Fields, read_value, refusal
from bulletin.blogs.fields.blogs import (
    BlogFields,
    ImageWords,
    KeyPoint,
    KeyPoints,
    NewBlog,
    plain_blog_fields,
)
from bulletin.blogs.fields.contributors import ContributorFields, NewContributor
from bulletin.blogs.fields.entries import (
    EntryCreate,
    EntryEdit,
    EntryFields,
    EntryText,
    KeyEvent,
    NewEntryStatus,
    Schedule,
    Takedown,
)
from bulletin.blogs.fields.kinds import RESERVED_SLUGS

__all__ = [
    "RESERVED_SLUGS",
    "BlogFields",
    "ContributorFields",
    "EntryCreate",
    "EntryEdit",
    "EntryFields",
    "EntryText",
    "Fields",
    "ImageWords",
    "KeyEvent",
    "KeyPoint",
    "KeyPoints",
    "NewBlog",
    "NewContributor",
    "NewEntryStatus",
    "Schedule",
    "Takedown",
    "plain_blog_fields",
    "read_value",
    "refusal",
]
