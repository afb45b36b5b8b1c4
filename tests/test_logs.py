"""Log lines: plain text by default, one JSON object per line with BULLETIN_LOG_FORMAT=json."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from bulletin import config
from bulletin.logs import JsonFormatter

SCRIPT = """
import logging, django
django.setup()
logging.getLogger("bulletin.test").warning("seq %s reached", 42, extra={"blog": "storm", "seq": 42})
"""


def _record(**extra: object) -> logging.LogRecord:
    record = logging.getLogger("bulletin.realtime").makeRecord(
        "bulletin.realtime", logging.INFO, __file__, 1, "wrote seq %s", (7,), None
    )
    record.__dict__.update(extra)
    return record


def test_json_formatter_writes_one_json_object_with_the_fields_and_extras():
    line = JsonFormatter().format(_record(blog="harbour-storm", seq=7))

    entry = json.loads(line)
    assert "\n" not in line
    assert entry["level"] == "INFO"
    assert entry["logger"] == "bulletin.realtime"
    assert entry["message"] == "wrote seq 7"
    assert entry["pid"] == os.getpid()
    assert entry["blog"] == "harbour-storm"
    assert entry["seq"] == 7
    assert entry["time"].endswith("+00:00")
    assert "args" not in entry
    assert "msg" not in entry


def test_json_formatter_keeps_the_traceback_and_writes_odd_extras_as_text():
    try:
        raise ValueError("headline must be at most 300 characters, got 412")
    except ValueError:
        record = logging.getLogger("x").makeRecord(
            "x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info()
        )
    record.where = object()

    entry = json.loads(JsonFormatter().format(record))

    assert "ValueError: headline must be at most 300 characters" in entry["exception"]
    assert entry["where"].startswith("<object object")


def _log_line(tmp_path: Path, **env: str) -> str:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("BULLETIN_")}
    environ.update(
        env,
        DJANGO_SETTINGS_MODULE="bulletin.settings",
        BULLETIN_DATABASE_URL=f"sqlite:///{tmp_path / 'logs.sqlite3'}",
    )
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stderr.strip().splitlines()[-1]


def test_bulletin_log_format_json_makes_every_log_line_json(tmp_path):
    entry = json.loads(_log_line(tmp_path, BULLETIN_LOG_FORMAT="json"))

    assert entry["logger"] == "bulletin.test"
    assert entry["level"] == "WARNING"
    assert entry["message"] == "seq 42 reached"
    assert (entry["blog"], entry["seq"]) == ("storm", 42)


def test_log_lines_are_plain_text_by_default(tmp_path):
    line = _log_line(tmp_path)

    assert line.endswith("WARNING bulletin.test seq 42 reached")


def test_an_unknown_log_format_is_refused_with_one_clear_line():
    with pytest.raises(
        ImproperlyConfigured, match="BULLETIN_LOG_FORMAT: expected one of plain, json"
    ):
        config.load({"BULLETIN_LOG_FORMAT": "xml"})
