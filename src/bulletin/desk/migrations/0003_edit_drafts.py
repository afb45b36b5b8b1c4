"""Drafts of edits: an EntryDraft may name the entry being edited (one per person and entry),
beside the composer's draft (one per person and blog, as before)."""

from typing import Any

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def forget_edit_drafts(apps: Any, schema_editor: Any) -> None:
    # Undone, the table keeps only composers' drafts: an edit's draft would become a second
    # composer draft of its writer, which the older constraint refuses.
    apps.get_model("desk", "EntryDraft").objects.filter(entry__isnull=False).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("blogs", "0007_entry_search"),
        ("desk", "0002_entry_drafts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="entrydraft", name="one_composer_draft_each"),
        migrations.AddField(
            model_name="entrydraft",
            name="entry",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="blogs.entry",
            ),
        ),
        # Runs only when undoing, before the column goes (operations are undone in reverse).
        migrations.RunPython(migrations.RunPython.noop, forget_edit_drafts),
        migrations.AddConstraint(
            model_name="entrydraft",
            constraint=models.UniqueConstraint(
                condition=models.Q(("entry__isnull", True)),
                fields=("blog", "author"),
                name="one_composer_draft_each",
            ),
        ),
        migrations.AddConstraint(
            model_name="entrydraft",
            constraint=models.UniqueConstraint(
                condition=models.Q(("entry__isnull", False)),
                fields=("entry", "author"),
                name="one_edit_draft_each",
            ),
        ),
    ]
