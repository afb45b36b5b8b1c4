"""Settings: typed, validated, and production mode refuses unsafe ones."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from bulletin import config

GOOD_SECRET = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789" * 2


def test_defaults_are_used_when_nothing_is_set():
    values = config.load({})
    assert values["MODE"] == "development"
    assert values["MAX_BODY_BYTES"] == 100_000


def test_a_bad_value_names_the_variable_what_was_expected_and_what_came():
    with pytest.raises(ImproperlyConfigured) as caught:
        config.load({"BULLETIN_MAX_BODY_BYTES": "lots"})
    assert str(caught.value) == "BULLETIN_MAX_BODY_BYTES: expected a whole number, got 'lots'"


def test_lists_are_comma_separated():
    values = config.load({"BULLETIN_ALLOWED_HOSTS": "news.example, live.example"})
    assert values["ALLOWED_HOSTS"] == ["news.example", "live.example"]


@pytest.mark.parametrize(
    ("secret", "problem"),
    [
        ("", "got nothing"),
        (config.DEVELOPMENT_SECRET_KEY, "the development placeholder"),
        ("short", "got 5 characters"),
    ],
)
def test_production_refuses_a_missing_placeholder_or_weak_secret(secret, problem):
    values = config.load(
        {
            "BULLETIN_MODE": "production",
            "BULLETIN_SECRET_KEY": secret,
            "BULLETIN_SITE_URL": "https://news.example",
        }
    )
    problems = config.unsafe_for_production(values)
    assert len(problems) == 1
    assert problem in problems[0]


def test_production_accepts_a_strong_secret_and_https_site():
    values = config.load(
        {
            "BULLETIN_MODE": "production",
            "BULLETIN_SECRET_KEY": GOOD_SECRET,
            "BULLETIN_SITE_URL": "https://news.example",
        }
    )
    assert config.unsafe_for_production(values) == []


def _start_django(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("BULLETIN_")}
    full.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; "
            "os.environ['DJANGO_SETTINGS_MODULE']='bulletin.settings'; django.setup()",
        ],
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_mode_refuses_to_start_with_the_default_secret():
    result = _start_django({"BULLETIN_MODE": "production"})
    assert result.returncode != 0
    assert "refusing to start in production mode" in result.stderr
    assert "BULLETIN_SECRET_KEY must be set" in result.stderr


def test_production_mode_starts_with_safe_settings():
    result = _start_django(
        {
            "BULLETIN_MODE": "production",
            "BULLETIN_SECRET_KEY": GOOD_SECRET,
            "BULLETIN_SITE_URL": "https://news.example",
        }
    )
    assert result.returncode == 0, result.stderr


def test_uploads_go_to_the_media_root_when_one_is_set(tmp_path):
    show = "from django.conf import settings; print(settings.MEDIA_ROOT)"
    env = {k: v for k, v in os.environ.items() if not k.startswith("BULLETIN_")}
    env["DJANGO_SETTINGS_MODULE"] = "bulletin.settings"
    script = f"import django; django.setup(); {show}"

    def media_root(**extra: str) -> str:
        result = subprocess.run(
            [sys.executable, "-c", script],
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return result.stdout.strip()

    assert media_root(BULLETIN_MEDIA_ROOT=str(tmp_path / "images")) == str(tmp_path / "images")
    assert media_root(BULLETIN_DATA_DIR=str(tmp_path / "data")) == str(tmp_path / "data" / "media")


# --- reading a setting ---------------------------------------------------------------------


def test_code_reads_each_setting_typed_from_the_settings_in_force(settings):
    settings.BULLETIN = {**settings.BULLETIN, "MAX_BODY_BYTES": 10}
    assert config.current.MAX_BODY_BYTES == 10


def test_a_setting_is_changed_by_replacing_the_mapping_never_on_the_reader():
    with pytest.raises(AttributeError, match="replace that mapping"):
        config.current.MAX_BODY_BYTES = 10


def test_the_registry_is_the_typed_declarations():
    assert config.Values.MAX_BODY_BYTES is config.BY_NAME["MAX_BODY_BYTES"]
    loaded = config.Values.of(config.load({"BULLETIN_RATE_LIMIT_FEEDS": "off"}))
    assert loaded.RATE_LIMIT_FEEDS is None
    assert [setting.name for setting in config.SETTINGS][:2] == ["MODE", "SECRET_KEY"]
