"""The labelled set keeps its promise: repeats precision >= 0.9 and recall >= 0.8 at the
default threshold (bench/assist.py prints the figures; this never times anything)."""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_repeat_warnings_meet_their_targets_on_the_labelled_set(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    sys.modules.pop("assist", None)
    bench = importlib.import_module("assist")  # bench/assist.py

    lines = bench.quality()

    chosen = next(line for line in lines if line.startswith("repeats at "))
    found = re.search(r"precision ([\d.]+), recall ([\d.]+)", chosen)
    assert found is not None, chosen
    assert float(found.group(1)) >= 0.9
    assert float(found.group(2)) >= 0.8
    assert any(line.startswith("labelled set: 8 blogs") for line in lines)
