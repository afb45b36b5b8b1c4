"""Search finds an entry by the words its embeds' cards quote (title, text, author, handle):
an entry may now be only a quoted post or a video.

The index is dropped and built again as :mod:`bulletin.blogs.search` defines it. Undoing this
puts back the index of 0007, whose statements are kept here as they were then.
"""

from typing import Any

from django.db import migrations

_SQLITE_ROW_0007 = (
    "INSERT INTO blogs_entry_search(rowid, headline, subtitle, body) "
    "VALUES (new.id, new.headline, new.subtitle, bulletin_search_text(new.body));"
)
SQLITE_0007 = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS blogs_entry_search USING fts5("
    "headline, subtitle, body, tokenize = 'porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS blogs_entry_search_insert AFTER INSERT ON blogs_entry "
    f"BEGIN {_SQLITE_ROW_0007} END",
    "CREATE TRIGGER IF NOT EXISTS blogs_entry_search_update "  # noqa: S608  (constants)
    "AFTER UPDATE OF headline, subtitle, body ON blogs_entry "
    "WHEN old.headline IS NOT new.headline OR old.subtitle IS NOT new.subtitle "
    "OR old.body IS NOT new.body "
    f"BEGIN DELETE FROM blogs_entry_search WHERE rowid = old.id; {_SQLITE_ROW_0007} END",
    "CREATE TRIGGER IF NOT EXISTS blogs_entry_search_delete AFTER DELETE ON blogs_entry "
    "BEGIN DELETE FROM blogs_entry_search WHERE rowid = old.id; END",
    "INSERT INTO blogs_entry_search(rowid, headline, subtitle, body) "
    "SELECT id, headline, subtitle, bulletin_search_text(body) FROM blogs_entry "
    "WHERE id NOT IN (SELECT rowid FROM blogs_entry_search)",
]
_PG_BODY_0007 = r"regexp_replace(blogs_entry.body, '<[^>]*>|&#?[a-zA-Z0-9]+;', ' ', 'g')"
PG_0007 = [
    "CREATE INDEX IF NOT EXISTS blogs_entry_search ON blogs_entry USING GIN ("
    "(setweight(to_tsvector('english'::regconfig, blogs_entry.headline), 'A') || "
    "setweight(to_tsvector('english'::regconfig, blogs_entry.subtitle), 'B') || "
    f"setweight(to_tsvector('english'::regconfig, {_PG_BODY_0007}), 'C')))"
]


def rebuild_index(apps: Any, schema_editor: Any) -> None:
    from bulletin.blogs.search import drop_index, ensure_index

    drop_index(schema_editor.connection)
    ensure_index(schema_editor.connection)


def index_of_0007(apps: Any, schema_editor: Any) -> None:
    from bulletin.blogs.search import drop_index

    db = schema_editor.connection
    drop_index(db)
    with db.cursor() as cursor:
        for statement in SQLITE_0007 if db.vendor == "sqlite" else PG_0007:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("blogs", "0007_entry_search"),
    ]

    operations = [
        migrations.RunPython(rebuild_index, index_of_0007, elidable=False),
    ]
