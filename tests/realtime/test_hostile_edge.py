"""The edge under hostile input: numbers, Host headers and probes (issue 12).

Numbers in ``since``, ``Last-Event-ID`` and ``before`` are parsed by one strict helper
(bulletin.numbers): anything but ASCII digits is a 400, never a 500. The Host header is
checked as Django checks it, on every route the edge answers. /readyz tells only operators
why it is failing. The fuzzers send their requests to a real ``bulletin serve`` over loopback,
a bounded number of them.
"""

from __future__ import annotations

import http.client
import json
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bulletin.blogs import services
from bulletin.realtime.edge import Edge
from tests import loops
from tests.factories import Factory
from tests.realtime.conftest import Newsroom
from tests.realtime.support import Server, free_port

Answer = tuple[int, dict[str, str], bytes]
HOSTILE_NUMBERS = [
    "²",  # str.isdigit() says yes; int() says no
    "١٢",  # Arabic-Indic digits: int() would take them
    "9" * 5000,
    str(2**63),
    "-1",
    "+1",
    " 1",
    "1.0",
    "1e3",
    "0x10",
    "1_000",
]


def ask(server: Server, path: str, headers: dict[str, str] | None = None) -> Answer:
    """GET ``path`` over a fresh loopback connection; header values go as latin-1 bytes."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def in_process(
    path: str,
    query: bytes = b"",
    headers: list[tuple[bytes, bytes]] | None = None,
    client: tuple[str, int] = ("203.0.113.5", 50000),
) -> Answer:
    """Ask a fresh edge in this process; a request meant for Django fails the test."""

    async def no_django(scope: Any, receive: Any, send: Any) -> None:
        raise AssertionError(f"{scope['path']} reached Django")

    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "query_string": query,
        "headers": headers or [],
        "client": client,
    }

    async def call() -> None:
        await Edge(no_django)(scope, receive, send)

    loops.run(call)
    head = {k.decode(): v.decode() for k, v in sent[0]["headers"]}
    return sent[0]["status"], head, b"".join(m.get("body", b"") for m in sent[1:])


def error(answer: Answer) -> dict[str, Any]:
    status, headers, body = answer
    assert headers["content-type"] == "application/json", (status, body[:200])
    payload = json.loads(body)
    assert set(payload) == {"error"}
    return dict(payload["error"])


# --- numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize("what", ["events", "changes"])
@pytest.mark.parametrize("raw", HOSTILE_NUMBERS)
def test_a_hostile_since_is_a_400_naming_what_came(what, raw):
    answer = in_process(f"/live/harbour/{what}", query=f"since={quote(raw)}".encode())

    assert answer[0] == 400
    found = error(answer)
    assert found["code"] == "validation_error"
    assert found["message"].startswith("since must be a whole number from 0 to ")
    assert "in ASCII digits, got " in found["message"]
    assert len(found["message"]) < 200  # a 5,000-digit value is not echoed whole


@pytest.mark.parametrize("what", ["events", "changes"])
@pytest.mark.parametrize("raw", [n for n in HOSTILE_NUMBERS if n.isascii()] + ["²", "¹²³"])
def test_a_hostile_last_event_id_is_a_400(what, raw):
    # "²" travels as the single latin-1 byte 0xB2, as the review sent it.
    header = [(b"last-event-id", raw.encode("latin-1"))]

    answer = in_process(f"/live/harbour/{what}", headers=header)

    assert answer[0] == 400
    assert error(answer)["code"] == "validation_error"


def test_a_superscript_before_on_the_page_is_handed_to_django_which_refuses_it(serve, newsroom):
    server = serve()
    slug = newsroom.blog.slug
    assert ask(server, f"/live/{slug}")[0] == 200  # rendered: the edge could serve it

    for raw in ["%C2%B2", "%D9%A1", "9" * 5000, "-1", "0"]:
        status, _headers, body = ask(server, f"/live/{slug}?before={raw}")

        assert status == 400, (raw, body[:200])
        assert b"before must be the id of an entry" in body


def test_hostile_numbers_on_a_real_server_are_400s(serve, newsroom):
    server = serve()
    slug = newsroom.blog.slug

    answers = [
        ask(server, f"/live/{slug}/events?since=%C2%B2")[0],
        ask(server, f"/live/{slug}/changes?since={'9' * 5000}")[0],
        ask(server, f"/live/{slug}/events", {"Last-Event-ID": "²"})[0],
        ask(server, f"/live/{slug}/changes", {"Last-Event-ID": "²"})[0],
    ]

    assert answers == [400, 400, 400, 400]


# Query values: any text, percent-encoded as UTF-8. Header values: what HTTP can carry.
query_values = st.one_of(
    st.text(max_size=30),
    st.from_regex(r"\A[0-9]{0,25}\Z"),
    st.sampled_from(HOSTILE_NUMBERS),
)
header_values = st.one_of(
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"))
    .map(str.strip)
    .filter(lambda text: len(text) <= 40),
    st.from_regex(r"\A[0-9]{1,25}\Z"),
)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_since_before_or_last_event_id_gets_a_5xx_from_the_edge(fuzzed_server, data):
    server, live, ended = fuzzed_server
    route = data.draw(st.sampled_from(["page", "changes", "events"]), label="route")
    headers: dict[str, str] = {}
    if route == "page":
        path = f"/live/{live}?before={quote(data.draw(query_values, label='before'))}"
    else:
        # An ended blog's stream closes after catching up: no fuzzed request stays open.
        path = f"/live/{ended}/{route}"
        if data.draw(st.booleans(), label="as header"):
            headers["Last-Event-ID"] = data.draw(header_values, label="Last-Event-ID")
        else:
            path += f"?since={quote(data.draw(query_values, label='since'))}"

    status, answer_headers, body = ask(server, path, headers)

    assert status < 500, (path, headers, body[:300])
    if status == 400 and route != "page":
        assert answer_headers["content-type"] == "application/json"


@pytest.fixture
def fuzzed_server(serve, newsroom: Newsroom) -> tuple[Server, str, str]:
    """One server for every example: a live blog and an ended one, limits off."""
    make = Factory()
    ended = make.blog(newsroom.editor, title="Ended Live Updates")
    make.entry(ended, newsroom.editor)
    services.end_coverage(newsroom.editor, ended)
    server = serve(rate_limit_stream="off", rate_limit_changes="off")
    return server, newsroom.blog.slug, ended.slug


# --- hosts ----------------------------------------------------------------------------------


def test_every_edge_route_refuses_a_host_that_is_not_allowed(serve, newsroom):
    server = serve(metrics_token="m" + "0123456789abcdefghijklmnopqrstuvwxyz")
    slug = newsroom.blog.slug
    routes = [
        f"/live/{slug}",
        f"/live/{slug}/changes",
        f"/live/{slug}/events?since=0",
        "/healthz",
        "/readyz",
        "/metrics",
    ]
    assert ask(server, f"/live/{slug}")[0] == 200  # the page is now in the edge's cache

    for path in routes:
        answer = ask(server, path, {"Host": "evil.example"})

        assert answer[0] == 400, (path, answer[2][:200])
        found = error(answer)
        assert found["code"] == "validation_error"
        assert "must name a host this site answers to" in found["message"]
        assert "'evil.example'" in found["message"]


def test_the_edge_answers_allowed_hosts_and_loopback_probes(settings):
    settings.ALLOWED_HOSTS = ["news.example"]

    assert in_process("/healthz", headers=[(b"host", b"news.example")])[0] == 200
    assert in_process("/healthz", headers=[(b"host", b"127.0.0.1:8000")])[0] == 200
    assert in_process("/healthz", headers=[(b"host", b"localhost")])[0] == 200
    assert in_process("/healthz", headers=[(b"host", b"evil.example")])[0] == 400
    # Probe names are for the operations paths only: a page or feed needs the site's name.
    assert in_process("/live/harbour/changes", headers=[(b"host", b"127.0.0.1")])[0] == 400
    # Past the host check, the (bad) since is what is refused.
    past = in_process("/live/harbour/changes", b"since=x", [(b"host", b"news.example:443")])
    assert error(past)["message"].startswith("since must be")
    assert in_process("/healthz", headers=[(b"host", b"news.example@evil.example")])[0] == 400


# --- readiness ------------------------------------------------------------------------------


def test_readyz_tells_only_operators_which_host_failed(serve):
    token = "scrape-" + "0123456789abcdefghijklmnopqrstuvwxyz"
    port = free_port()
    server = serve(
        broker="redis",
        redis_url=f"redis://127.0.0.1:{port}/0",
        trusted_proxy_count="1",
        metrics_token=token,
    )
    outsider = {"X-Forwarded-For": "203.0.113.9"}  # as nginx on this machine would pass it on

    public = ask(server, "/readyz", outsider)
    operator = ask(server, "/readyz")
    bearer = ask(server, "/readyz", {**outsider, "Authorization": f"Bearer {token}"})

    assert [public[0], operator[0], bearer[0]] == [503, 503, 503]
    assert str(port).encode() not in public[2]
    assert json.loads(public[2])["checks"]["broker"].startswith("not answering")
    assert json.loads(public[2])["checks"]["database"] == "ok"
    assert str(port).encode() in operator[2]
    assert str(port).encode() in bearer[2]
