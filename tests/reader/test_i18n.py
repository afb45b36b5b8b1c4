"""Reader strings are translated per blog: English and a complete German locale."""

from __future__ import annotations

import gettext
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polib
import pytest

from bulletin.blogs import services
from bulletin.blogs.fields import EntryFields
from bulletin.reader.cache import pages

LOCALE = Path(__file__).resolve().parents[2] / "src" / "bulletin" / "locale"


@pytest.mark.parametrize(
    "po_path", sorted(LOCALE.glob("*/LC_MESSAGES/django.po")), ids=lambda p: p.parts[-3]
)
def test_every_string_is_translated_and_the_compiled_catalogue_is_current(po_path):
    catalogue = polib.pofile(str(po_path))
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    with po_path.with_suffix(".mo").open("rb") as compiled:
        translations = gettext.GNUTranslations(compiled)
    for entry in catalogue:
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        assert translations._catalog[key] == entry.msgstr, (
            "run: .venv/bin/python scripts/compile_messages.py"
        )


@pytest.mark.django_db
def test_a_german_blog_reads_in_german_dates_included(make, client):
    pages()._heads.clear()
    blog = make.blog(language="de", timezone="Europe/Berlin")
    owner = make.owner_of(blog)
    entry = services.publish_entry(
        owner,
        blog,
        EntryFields(
            headline="Hafen gesperrt",
            breaking=True,
            display_at=datetime(2026, 1, 27, 9, 15, tzinfo=ZoneInfo("Europe/Berlin")),
        ),
    )
    services.set_key_points(owner, blog, ["Fähren fallen aus"])
    services.update_entry(owner, entry, EntryFields(), correction_note="Uhrzeit korrigiert")

    html = client.get(f"/live/{blog.slug}").content.decode()

    assert '<html lang="de">' in html
    for words in (
        "Das Wichtigste",
        "Live",
        "Aktualisiert",
        "Eilmeldung",
        "Korrektur:",
        "Teilen",
        "Dienstag, 27. Januar",
    ):
        assert words in html, words
    assert "Key points" not in html


@pytest.mark.django_db
def test_an_english_blog_stays_in_english(make, client):
    pages()._heads.clear()
    blog = make.blog(language="en")
    make.entry(blog)
    html = client.get(f"/live/{blog.slug}").content.decode()
    assert "Key points" in html or 'id="key-points"' in html
    assert "Das Wichtigste" not in html
