"""The lock files (requirements/*.txt) agree with pyproject.toml and hold only hashed pins.

`make serve` installs requirements/runtime.txt and `make test` requirements/dev.txt, each
package checked against its hashes. A dependency added to or bounded in pyproject.toml without
running `make lock` fails here, rather than on someone else's fresh install.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPOSITORY = Path(__file__).resolve().parents[1]
LOCKS = REPOSITORY / "requirements"
# What the locks are made for (see `make lock`).
TARGET = {"sys_platform": "linux", "platform_system": "Linux", "python_version": "3.11"}
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==(?P<version>[^\s;\\]+)")


def _entries(lock: str) -> list[str]:
    """Each requirement of a lock file with its continuation lines, comments left out."""
    entries: list[str] = []
    for line in (LOCKS / lock).read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[0].isspace() and entries:
            entries[-1] += "\n" + line
        else:
            entries.append(line)
    return entries


def _pins(lock: str) -> dict[str, str]:
    pins: dict[str, str] = {}
    for entry in _entries(lock):
        match = PIN.match(entry)
        assert match, f"{lock}: not an exact pin: {entry.splitlines()[0]}"
        pins[canonicalize_name(match["name"])] = match["version"]
    return pins


def _declared(*extras: str) -> list[Requirement]:
    project = tomllib.loads((REPOSITORY / "pyproject.toml").read_text())["project"]
    texts = list(project["dependencies"])
    for extra in extras:
        texts += project["optional-dependencies"][extra]
    return [Requirement(text) for text in texts]


@pytest.mark.parametrize(
    ("lock", "extras"), [("runtime.txt", ()), ("dev.txt", ("dev", "bench"))], ids=["runtime", "dev"]
)
def test_every_declared_dependency_is_locked_at_a_version_pyproject_allows(
    lock: str, extras: tuple[str, ...]
):
    pins = _pins(lock)
    wrong = []
    for requirement in _declared(*extras):
        if requirement.marker is not None and not requirement.marker.evaluate(TARGET):
            continue
        locked = pins.get(canonicalize_name(requirement.name))
        if locked is None or not requirement.specifier.contains(locked, prereleases=True):
            wrong.append(f"{requirement} (locked: {locked})")
    assert not wrong, f"requirements/{lock} is out of date, run make lock: {', '.join(wrong)}"


@pytest.mark.parametrize("lock", ["runtime.txt", "dev.txt"])
def test_every_locked_package_is_pinned_with_its_hashes_and_no_index_is_named(lock: str):
    entries = _entries(lock)
    assert entries
    unhashed = [e.splitlines()[0] for e in entries if "--hash=sha256:" not in e]
    assert not unhashed
    # An index or a folder of wheels is the installing machine's business, not the lock's.
    options = [e for e in entries if e.startswith("-")]
    assert not options


def test_the_dev_lock_holds_the_runtime_set_at_the_same_versions():
    runtime, dev = _pins("runtime.txt"), _pins("dev.txt")
    assert {name: dev.get(name) for name in runtime} == runtime
