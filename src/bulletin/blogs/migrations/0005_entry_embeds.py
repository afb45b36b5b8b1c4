"""Reserved in the migration chain for social post cards, several embeds per entry, embeds inside the text (reader issue, item 1).

Left without operations until that work fills it in, so that work streams building at the same
time each add to their own migration and the chain stays linear.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("blogs", "0004_entry_subtitle"),
    ]

    operations: list[migrations.operations.base.Operation] = []
