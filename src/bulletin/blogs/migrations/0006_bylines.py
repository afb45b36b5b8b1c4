"""Reserved in the migration chain for guest and agency bylines, contributor profiles, image credit labels (reader item 6, desk item 5).

Left without operations until that work fills it in, so that work streams building at the same
time each add to their own migration and the chain stays linear.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("blogs", "0005_entry_embeds"),
    ]

    operations: list[migrations.operations.base.Operation] = []
