"""Reserved in the migration chain for full-text search over entries: SQLite FTS5 / PostgreSQL tsvector (desk issue, item 2).

Left without operations until that work fills it in, so that work streams building at the same
time each add to their own migration and the chain stays linear.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("blogs", "0006_bylines"),
    ]

    operations: list[migrations.operations.base.Operation] = []
