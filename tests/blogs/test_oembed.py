"""Filling post cards from a provider's oEmbed answer: only the allowlisted endpoints, only
public addresses (a test's resolver and address rule stand in for the internet), a timeout,
a size cap, no redirect off the allowlist; a failure leaves the card as typed.

The provider is a fake on 127.0.0.1 (tests/blogs/oembed_fake.py).
"""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest

from bulletin.blogs import oembed
from bulletin.blogs.fields import EntryFields
from bulletin.blogs.oembed import FetchFailed, Policy, card_from, fetch_card
from tests.blogs.oembed_fake import HOSTILE_ANSWER, X_ANSWER, FakeProvider, provider

__all__ = ["provider"]

POST = "https://x.com/hmcoastguard/status/1751234567890123456"


def loopback_only(address: Any) -> bool:
    return bool(address.is_loopback)


def policy(fake: FakeProvider, path: str = "/oembed", **given: Any) -> Policy:
    """The fake as the only endpoint, for X; loopback allowed (the fake lives there)."""
    given.setdefault("address_allowed", loopback_only)
    given.setdefault("timeout", 2.0)
    return Policy(endpoints={"x": fake.base + path}, **given)


def test_a_card_is_filled_from_the_answer_as_plain_text(provider):
    card = fetch_card(POST, "x", policy(provider))

    assert card == {
        "title": "",
        "description": (
            "Stay away from the harbour wall & the promenade.\nWaves are breaking over it."
        ),
        "author": "HM Coastguard",
        "handle": "@hmcoastguard",
        "date": "2026-01-27",
    }
    # The endpoint was asked about the post; the post's own URL was never fetched.
    assert provider.asked("/oembed") == [POST]


def test_a_hostile_answer_becomes_plain_text_and_nothing_else():
    card = card_from(HOSTILE_ANSWER)

    assert card["description"] == "Words and more"  # markup gone, script text dropped
    assert card["handle"] == "@<script>"
    assert card["author"] == '<img src=x onerror="window.pwned=1">'  # text, escaped on output
    assert card["title"] == "<script>window.pwned=1</script>"


def test_a_host_off_the_allowlist_is_never_called(provider):
    elsewhere = Policy(
        endpoints={"bluesky": provider.base + "/oembed"}, address_allowed=loopback_only
    )

    with pytest.raises(FetchFailed, match="no oEmbed endpoint is set for X"):
        fetch_card(POST, "x", elsewhere)
    assert provider.requests == []


def test_a_redirect_to_a_host_off_the_allowlist_is_refused(provider):
    # localhost is this very machine, but not the host the operator listed (127.0.0.1).
    with pytest.raises(FetchFailed, match="localhost is not one of the allowed oEmbed endpoints"):
        fetch_card(POST, "x", policy(provider, "/redirect-out"))
    assert provider.asked("/oembed") == []


def test_a_redirect_within_the_allowed_endpoint_is_followed(provider):
    card = fetch_card(POST, "x", policy(provider, "/redirect-in"))

    assert card["author"] == "HM Coastguard"


def test_loopback_and_private_addresses_are_refused_by_default(provider):
    # The production rule: the fake on 127.0.0.1 may not be called at all.
    default = Policy(endpoints={"x": provider.base + "/oembed"})

    with pytest.raises(FetchFailed, match="resolves to an address the server may not call"):
        fetch_card(POST, "x", default)
    assert provider.requests == []


@pytest.mark.parametrize(
    "addresses",
    [["10.1.2.3"], ["192.168.0.7"], ["169.254.169.254"], ["93.184.215.14", "10.0.0.1"], ["::1"]],
)
def test_a_host_resolving_to_any_private_address_is_refused(provider, addresses):
    resolved = [ipaddress.ip_address(address) for address in addresses]
    rule = Policy(
        endpoints={"x": "https://oembed.provider.test/oembed"},
        resolve=lambda host, port: resolved,
    )

    with pytest.raises(FetchFailed, match=r"oembed\.provider\.test resolves to an address"):
        fetch_card(POST, "x", rule)


def test_the_connection_goes_to_the_address_that_was_checked(provider):
    # provider.test resolves (here) to the fake: the request reaches it with the listed host
    # name, so a second lookup could not send it anywhere else.
    looked_up: list[str] = []

    def resolve(host: str, port: int) -> list[Any]:
        looked_up.append(host)
        return [ipaddress.ip_address("127.0.0.1")]

    rule = Policy(
        endpoints={"x": f"http://provider.test:{provider.port}/oembed"},
        resolve=resolve,
        address_allowed=loopback_only,
    )

    assert fetch_card(POST, "x", rule)["author"] == "HM Coastguard"
    assert looked_up == ["provider.test"]
    assert provider.requests[0][1]["Host"] == f"provider.test:{provider.port}"


def test_a_provider_that_does_not_answer_in_time_is_given_up(provider):
    with pytest.raises(FetchFailed, match=r"did not answer within 0\.3 s"):
        fetch_card(POST, "x", policy(provider, "/slow", timeout=0.3))


@pytest.mark.parametrize("path", ["/big", "/big-unsized"])
def test_an_answer_over_the_size_cap_is_dropped(provider, path):
    with pytest.raises(FetchFailed, match="larger than 1000 bytes"):
        fetch_card(POST, "x", policy(provider, path, max_bytes=1000))


def test_an_error_answer_is_a_failure_with_its_status(provider):
    with pytest.raises(FetchFailed, match="answered HTTP 404"):
        fetch_card(POST, "x", policy(provider, "/missing"))


def test_only_empty_cards_are_fetched_and_failures_become_warnings(provider):
    embeds = [
        {"provider": "x", "url": POST},
        {"provider": "x", "url": POST + "9", "author": "Typed by the journalist"},
        {"provider": "youtube", "url": "https://youtu.be/dQw4w9WgXcQ"},
    ]

    filled = oembed.fill(embeds, policy(provider))

    assert list(filled.cards) == [POST]
    assert provider.asked("/oembed") == [POST]
    assert filled.warnings == []

    failed = oembed.fill(embeds[:1], policy(provider, "/missing"))

    assert failed.cards == {}
    assert failed.warnings == [
        "embeds[0]: could not fill the card from X (127.0.0.1 answered HTTP 404); "
        "kept the fields as sent"
    ]


def test_fetching_is_off_by_default_and_asks_nobody(provider, settings):
    fields = EntryFields.read({"embeds": [{"url": POST}]})

    assert oembed.policy_from_settings() is None
    assert oembed.fill_entry_fields(fields, []) == []
    assert provider.requests == []


def test_the_journalists_words_win_over_the_providers(provider, settings, monkeypatch):
    settings.BULLETIN = {
        **settings.BULLETIN,
        "OEMBED_FETCH": True,
        "OEMBED_ENDPOINTS": {"x": provider.base + "/oembed"},
    }
    monkeypatch.setattr(oembed, "address_allowed", loopback_only)
    fields = EntryFields.read({"embeds": [{"url": POST, "handle": "@HMCoastguard_UK"}]})

    # A card with a word typed is the journalist's: nothing is fetched for it.
    assert oembed.fill_entry_fields(fields, []) == []
    assert provider.requests == []

    blank = EntryFields.read({"embeds": [{"url": POST, "date": "2026-01-28"}]})
    assert oembed.fill_entry_fields(blank, []) == []
    [card] = blank.attributes([])["embeds"]
    assert (card["author"], card["handle"], card["date"]) == (
        "HM Coastguard",
        "@hmcoastguard",
        "2026-01-28",  # typed: kept
    )


def test_the_settings_validate_endpoints():
    from bulletin import config

    assert config.load({"BULLETIN_OEMBED_ENDPOINTS": "x=https://a.example/oembed"})[
        "OEMBED_ENDPOINTS"
    ] == {"x": "https://a.example/oembed"}
    assert config.load({})["OEMBED_FETCH"] is False
    with pytest.raises(Exception, match="provider=URL pairs"):
        config.load({"BULLETIN_OEMBED_ENDPOINTS": "myspace=https://a.example/oembed"})
    with pytest.raises(Exception, match="http:// or https://"):
        config.load({"BULLETIN_OEMBED_ENDPOINTS": "x=file:///etc/passwd"})
    assert X_ANSWER["author_name"] == "HM Coastguard"
