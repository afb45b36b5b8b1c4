"""Entries carry a list of embeds (social post cards, videos, link cards) instead of one.

Each existing embed becomes the first and only item of its entry's list; going back keeps the
first item of each list. Entries' stored HTML is not rendered again: it showed that one embed
after the text, as the new rendering does for an embed not placed in the text.
"""

from typing import Any

from django.db import migrations, models


def to_lists(apps: Any, schema_editor: Any) -> None:
    Entry = apps.get_model("blogs", "Entry")
    changed = []
    for entry in Entry.objects.exclude(embed={}).only("pk", "embed").iterator(chunk_size=500):
        entry.embeds = [entry.embed] if entry.embed else []
        changed.append(entry)
        if len(changed) >= 500:
            Entry.objects.bulk_update(changed, ["embeds"])
            changed = []
    Entry.objects.bulk_update(changed, ["embeds"])


def to_single(apps: Any, schema_editor: Any) -> None:
    Entry = apps.get_model("blogs", "Entry")
    changed = []
    for entry in Entry.objects.exclude(embeds=[]).only("pk", "embeds").iterator(chunk_size=500):
        entry.embed = entry.embeds[0] if entry.embeds else {}
        changed.append(entry)
        if len(changed) >= 500:
            Entry.objects.bulk_update(changed, ["embed"])
            changed = []
    Entry.objects.bulk_update(changed, ["embed"])


class Migration(migrations.Migration):
    dependencies = [
        ("blogs", "0004_entry_subtitle"),
    ]

    operations = [
        migrations.AddField(
            model_name="entry",
            name="embeds",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(to_lists, to_single, elidable=False),
        migrations.RemoveField(
            model_name="entry",
            name="embed",
        ),
    ]
