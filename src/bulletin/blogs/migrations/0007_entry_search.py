"""Full-text search over entries (desk issue, item 2): SQLite FTS5 / PostgreSQL tsvector.

The SQL lives in :mod:`bulletin.blogs.search`, the one place that defines the index and the
queries that use it: an FTS5 table kept by triggers on SQLite, a GIN expression index on
PostgreSQL. The activity log learns "restored" (a deleted entry brought back).
"""

from typing import Any

from django.db import migrations, models


def create_index(apps: Any, schema_editor: Any) -> None:
    from bulletin.blogs.search import ensure_index

    ensure_index(schema_editor.connection)


def drop_index(apps: Any, schema_editor: Any) -> None:
    from bulletin.blogs.search import drop_index

    drop_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("blogs", "0006_bylines"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
        migrations.AlterField(
            model_name="change",
            name="action",
            field=models.CharField(
                blank=True,
                choices=[
                    ("blog.created", "created the live blog"),
                    ("blog.updated", "changed the live blog's settings"),
                    ("blog.live", "started live coverage"),
                    ("blog.ended", "ended coverage"),
                    ("blog.archived", "archived the live blog"),
                    ("blog.key_points", "updated the key points"),
                    ("blog.header_followed", "updated the pinned entry and key points to match"),
                    ("entry.pinned", "pinned"),
                    ("entry.unpinned", "unpinned the pinned entry"),
                    ("entry.published", "published"),
                    ("entry.drafted", "saved a draft"),
                    ("entry.submitted", "submitted for review"),
                    ("entry.approved", "approved and published"),
                    ("entry.rejected", "sent back to its writer"),
                    ("entry.scheduled", "scheduled"),
                    ("entry.published_on_schedule", "published on schedule"),
                    ("entry.edited", "edited"),
                    ("entry.unpublished", "unpublished"),
                    ("entry.deleted", "deleted"),
                    ("entry.restored", "restored"),
                    ("entry.taken_down", "took down"),
                    ("entry.key_event", "marked as a key event"),
                    ("entry.not_key_event", "unmarked as a key event"),
                ],
                max_length=40,
            ),
        ),
    ]
