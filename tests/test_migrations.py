"""Migrations build the schema from nothing, undo cleanly, and match the models."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from bulletin.accounts.models import User
from bulletin.blogs import services
from bulletin.blogs.fields import BlogFields
from bulletin.blogs.models import Change

PROJECT_TABLES = {
    "accounts_user",
    "accounts_membership",
    "accounts_apitoken",
    "blogs_liveblog",
    "blogs_entry",
    "blogs_entryrevision",
    "blogs_keypoint",
    "blogs_media",
    "blogs_change",
}


def unapplied() -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


@pytest.mark.django_db(transaction=True)
def test_migrations_apply_from_zero_and_leave_a_working_schema():
    # Unapplying accounts takes blogs and admin with it: everything of ours is rebuilt below.
    call_command("migrate", "accounts", "zero", verbosity=0)
    assert not PROJECT_TABLES & set(connection.introspection.table_names())

    call_command("migrate", verbosity=0)

    assert set(connection.introspection.table_names()) >= PROJECT_TABLES
    assert unapplied() == []
    owner = User.objects.create_user("owner", is_staff=True)
    blog = services.create_blog(owner, BlogFields(slug="after-migrate", title="Works"))
    assert Change.objects.filter(blog=blog).count() == 1


@pytest.mark.django_db
def test_the_models_need_no_new_migrations():
    # Exits non-zero (SystemExit) and names the app when a model change lacks a migration.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_the_integrity_migration_redacts_history_an_older_release_kept_public(make):
    import importlib

    from django.apps import apps

    from bulletin.blogs.fields import EntryFields

    migration = importlib.import_module("bulletin.blogs.migrations.0003_integrity")
    blog = make.blog()
    owner = make.owner_of(blog)
    entry = make.entry(blog, headline="Mayor Wrongnamey resigns")
    services.update_entry(owner, entry, EntryFields(headline="Mayor Rightnamey resigns"))
    gone = make.entry(blog, headline="Quokkazanzibar named")
    services.delete_entry(owner, gone)
    # What an older release left behind: every change public, with its words.
    Change.objects.filter(blog=blog).update(redacted=False)
    Change.objects.filter(blog=blog, entry=entry, seq=entry.changes.order_by("seq")[0].seq).update(
        payload={"entry": {"headline": "Mayor Wrongnamey resigns"}}
    )

    migration.redact_superseded(apps, None)

    current = Change.objects.filter(blog=blog, public=True, redacted=False).order_by("seq")
    assert [(c.kind, c.entry_id) for c in current] == [
        ("blog", None),
        ("entry", entry.pk),
        ("delete", gone.pk),
    ]
    assert "Wrongnamey" not in str(list(Change.objects.filter(blog=blog).values("payload")))
    assert "Quokkazanzibar" not in str(list(current.values("payload")))


@pytest.mark.django_db(transaction=True)
def test_the_embeds_migration_turns_each_embed_into_a_list_and_back():
    before = [("blogs", "0004_entry_subtitle")]
    after = [("blogs", "0005_entry_embeds")]
    embed = {"provider": "x", "url": "https://x.com/a/status/123456", "id": "123456"}
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(before)
        old = executor.loader.project_state(before).apps
        blog = old.get_model("blogs", "LiveBlog").objects.create(slug="old-embeds", title="Old")
        entries = old.get_model("blogs", "Entry").objects
        with_embed = entries.create(blog=blog, embed=embed).pk
        without = entries.create(blog=blog).pk

        executor = MigrationExecutor(connection)
        executor.migrate(after)
        new = executor.loader.project_state(after).apps.get_model("blogs", "Entry").objects
        assert new.get(pk=with_embed).embeds == [embed]
        assert new.get(pk=without).embeds == []

        executor = MigrationExecutor(connection)
        executor.migrate(before)
        back = executor.loader.project_state(before).apps.get_model("blogs", "Entry").objects
        assert back.get(pk=with_embed).embed == embed
        assert back.get(pk=without).embed == {}
    finally:
        call_command("migrate", verbosity=0)
