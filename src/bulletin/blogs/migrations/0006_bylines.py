"""Guest and agency bylines, and contributor profiles (reader item 6, desk item 5).

An entry credits its authors (users), the blog's contributors (people without an account,
kept by the blog's owners: name, role, photo) and, after them, a free-text guest byline
("Reuters", "Staff and agencies").
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("blogs", "0005_entry_embeds"),
    ]

    operations = [
        migrations.AddField(
            model_name="entry",
            name="guest_byline",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.CreateModel(
            name="Contributor",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=120)),
                ("role", models.CharField(blank=True, max_length=120)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "blog",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="contributors",
                        to="blogs.liveblog",
                    ),
                ),
                (
                    "photo",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="blogs.media",
                    ),
                ),
            ],
            options={
                "ordering": ["blog", "name", "pk"],
            },
        ),
        migrations.AddField(
            model_name="entry",
            name="contributors",
            field=models.ManyToManyField(
                blank=True, related_name="entries", to="blogs.contributor"
            ),
        ),
    ]
