"""Property-based fuzzing of every body field of every JSON write route of API v1.

Whatever JSON value lands in a field (hostile text with NUL, lone surrogates, bidi overrides,
huge numbers, nested lists), the answer is never a 5xx, and a 4xx is the one error shape and
leaves every row and file as it was. Each example runs in a savepoint that is rolled back, so
every example meets the same blog. Bounded: a fixed number of examples per route, no deadline.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.support import error_of, field_name, leaves, snapshot, with_value
from tests.security.test_hostile_api import JSON_WRITES, RECIPES, prepare

EXAMPLES = 60
# NUL, lone surrogates, bidi override and isolate, zero-width space, a control character,
# and digits that str.isdigit() accepts but are not ASCII.
HOSTILE_CHARACTERS = ["\x00", "\udfff", "\ud800", "\u202e", "\u2066", "\u200b", "\x07"]
HOSTILE_CHARACTERS += ["\u00b2", "\u0661"]

characters = st.one_of(st.characters(), st.sampled_from(HOSTILE_CHARACTERS))
texts = st.text(characters, max_size=40)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=False, allow_infinity=False),
    texts,
    st.sampled_from(["", "2026-01-27T14:32:00Z", "https://example.com/x", "9" * 5000]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=6,
)
FUZZED = [
    pytest.param(route, [where for where, _schema in leaves(route)], id=str(route))
    for route in JSON_WRITES
    if route.name in RECIPES and leaves(route)
]


@pytest.mark.parametrize(("route", "fields"), FUZZED)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_body_field_value_gets_a_5xx_and_a_refusal_changes_nothing(
    newsroom, route, fields, data
):
    where = data.draw(st.sampled_from(fields), label="field")
    value: Any = data.draw(st.one_of(texts, json_values), label="value")
    with transaction.atomic():
        target = prepare(newsroom, route)
        body = with_value(target.recipe.body or {}, where, value)
        before = snapshot()

        response = target.send(Client(), raw=json.dumps(body))

        status = response.status_code
        assert status < 500, (field_name(where), value, response.content[:300])
        if status >= 400:
            error_of(response, status)
            assert snapshot() == before, (field_name(where), value)
        transaction.set_rollback(True)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        pytest.param("<p>x\udfff</p>", "U+DFFF", id="lone-low-surrogate"),
        pytest.param("\ud800", "U+D800", id="lone-high-surrogate"),
        pytest.param("<p>a\x00b</p>", "U+0000", id="nul"),
    ],
)
@pytest.mark.parametrize("name", ["headline", "body", "related_title", "embed_title"])
def test_a_lone_surrogate_or_nul_in_an_entry_field_is_a_clear_400(newsroom, name, text, shown):
    target = prepare(newsroom, next(r for r in JSON_WRITES if r.name == "create_entry"))
    before = snapshot()

    response = target.send(Client(), raw=json.dumps({**(target.recipe.body or {}), name: text}))

    error = error_of(response, 400)
    assert error["code"] == "validation_error"
    assert error["fields"] == {name: error["fields"][name]}
    assert shown in error["message"]
    assert "must be text without NUL characters or lone UTF-16 surrogates" in error["message"]
    assert snapshot() == before
