"""Move a whole live blog between Bulletin databases as one JSON file.

:func:`export_blog` writes the file, :func:`import_blog` recreates the blog from it. The file
(format ``bulletin-blog``, version 1, documented in docs/operations.md) holds the blog, its key
points, pinned entry, members, every entry in every status (tombstones included) with every
revision, the images' rows and the people they name. Rows refer to each other by export-local
references (``"e12"`` for an entry, ``"m3"`` for an image, usernames for people), never by
database ids, so that the file means the same in any database. Image files are referenced by
their path under ``MEDIA_ROOT``, not embedded: the media folder is copied separately.
"""

from bulletin.blogs.transfer.common import FORMAT, VERSION, Report
from bulletin.blogs.transfer.export import ExportSummary, export_blog
from bulletin.blogs.transfer.importer import ImportResult, import_blog, read_export

__all__ = [
    "FORMAT",
    "VERSION",
    "ExportSummary",
    "ImportResult",
    "Report",
    "export_blog",
    "import_blog",
    "read_export",
]
