"""Migrations build the schema from nothing, undo cleanly, and match the models."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from bulletin.accounts.models import User
from bulletin.blogs import services
from bulletin.blogs.models import Change
from bulletin.blogs.validation import BlogFields

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
