"""Rate limits: a reconnect storm, a polling flood, an API loop or password guessing from one
client is answered 429 with Retry-After, and the limit lifts once its window has passed.

Time is a fake clock everywhere: nothing here sleeps.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from bulletin.errors import BulletinError, RateLimited
from bulletin.ratelimit import (
    Limiter,
    Rate,
    SharedLimiter,
    address_key,
    client_address,
    parse_rate,
)
from bulletin.realtime.edge import Edge
from bulletin.throttling import RateLimitMiddleware
from tests import loops
from tests.api.support import Api


@dataclass
class FakeClock:
    now: float = 1_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def _limits(settings: Any, **rates: Rate | None) -> None:
    settings.BULLETIN = {
        **settings.BULLETIN,
        **{f"RATE_LIMIT_{name.upper()}": rate for name, rate in rates.items()},
    }


# --- rates and addresses --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "rate"),
    [
        ("60/10s", Rate(60, 10)),
        ("20/m", Rate(20, 60)),
        ("1000/h", Rate(1000, 3600)),
        ("5/2m", Rate(5, 120)),
        (" OFF ", None),
    ],
)
def test_rates_are_written_as_a_count_per_time(raw, rate):
    assert parse_rate(raw) == rate


@pytest.mark.parametrize("raw", ["", "60", "0/10s", "60/0s", "60/10", "sixty/m", "-1/s"])
def test_a_bad_rate_says_what_was_expected_and_what_came(raw):
    with pytest.raises(ValueError, match="expected a count per time such as 60/10s"):
        parse_rate(raw)


def test_the_client_address_trusts_forwarded_for_only_as_far_as_our_proxies():
    assert client_address("10.0.0.2", "198.51.100.7", 0) == "10.0.0.2"
    assert client_address("10.0.0.2", "6.6.6.6, 198.51.100.7", 1) == "198.51.100.7"
    assert client_address("10.0.0.2", "6.6.6.6, 198.51.100.7, 10.0.0.9", 2) == "198.51.100.7"
    assert client_address("10.0.0.2", "198.51.100.7", 2) == "10.0.0.2"  # skipped a proxy
    assert client_address("10.0.0.2", "not-an-address", 1) == "10.0.0.2"
    assert client_address(None, None, 0) is None


def test_ipv6_clients_are_counted_by_their_64_network():
    one = address_key("2001:db8:1:2:aaaa::1")
    other_device = address_key("2001:db8:1:2:bbbb::7")

    assert one == other_device == "2001:db8:1:2::/64"
    assert address_key("2001:db8:1:3::1") != one
    assert address_key("198.51.100.7") == "198.51.100.7"


def test_rate_limited_is_part_of_the_one_error_hierarchy():
    error = RateLimited.after(2.2, "too many things")

    assert isinstance(error, BulletinError)
    assert (error.status, error.retry_after) == (429, 3)
    assert error.as_dict() == {
        "error": {"code": "rate_limited", "message": "too many things; try again in 3 s"}
    }


# --- the per-process token bucket -----------------------------------------------------------


def test_a_bucket_lets_a_burst_through_then_refuses_until_it_refills():
    clock = FakeClock()
    limiter = Limiter(Rate(3, 30), clock=clock)

    assert [limiter.hit("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = limiter.hit("a")
    assert wait == pytest.approx(10.0)  # one request back every 30/3 s
    assert limiter.hit("b") == 0.0  # another client is not affected

    clock.advance(10)
    assert limiter.hit("a") == 0.0
    assert limiter.hit("a") > 0


def test_a_bucket_is_full_again_after_the_whole_window():
    clock = FakeClock()
    limiter = Limiter(Rate(3, 30), clock=clock)
    for _ in range(4):
        limiter.hit("a")

    clock.advance(30)

    assert [limiter.hit("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.hit("a") > 0


def test_wait_looks_without_taking():
    clock = FakeClock()
    limiter = Limiter(Rate(1, 10), clock=clock)

    assert limiter.wait("a") == 0.0
    limiter.hit("a")
    assert limiter.wait("a") == pytest.approx(10.0)
    assert limiter.wait("a") == pytest.approx(10.0)
    assert len(limiter) == 1


def test_buckets_that_filled_up_again_are_forgotten():
    clock = FakeClock()
    limiter = Limiter(Rate(5, 10), clock=clock)
    for n in range(100):
        limiter.hit(f"reader-{n}")
    assert len(limiter) == 100

    clock.advance(10)
    limiter.hit("latecomer")

    assert len(limiter) == 1


def test_memory_stays_bounded_under_a_flood_of_addresses():
    clock = FakeClock()
    limiter = Limiter(Rate(5, 10), clock=clock, max_keys=50)

    for n in range(1000):
        assert limiter.hit(f"198.51.{n // 256}.{n % 256}") == 0.0
        assert len(limiter) <= 50


# --- the edge: live streams and the changes feed --------------------------------------------


async def _app(scope: Any, receive: Any, send: Any) -> None:
    raise AssertionError(f"{scope['path']} reached Django")


def _call(edge: Edge, path: str, address: str, **headers: str) -> tuple[int, dict[str, str], Any]:
    scope = {
        "type": "http",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": (address, 50000),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def call() -> None:
        await edge(scope, receive, send)

    loops.run(call)
    head = {k.decode(): v.decode() for k, v in sent[0]["headers"]}
    body = b"".join(message.get("body", b"") for message in sent[1:])
    return sent[0]["status"], head, json.loads(body) if body else None


@pytest.mark.parametrize(
    ("what", "setting", "kind"),
    [
        ("events", "stream", "live-stream connections"),
        ("changes", "changes", "polls of the changes feed"),
    ],
)
def test_the_edge_refuses_a_storm_from_one_address_and_lets_it_back_after_the_window(
    transactional_db, settings, what, setting, kind
):
    _limits(settings, **{setting: Rate(3, 10)})
    clock = FakeClock()
    edge = Edge(_app, clock=clock)
    path = f"/live/no-such-blog/{what}"

    answers = [_call(edge, path, "203.0.113.5")[0] for _ in range(3)]
    refused = _call(edge, path, "203.0.113.5")
    neighbour = _call(edge, path, "203.0.113.6")
    clock.advance(10)
    later = _call(edge, path, "203.0.113.5")

    assert answers == [404, 404, 404]  # admitted (no such blog), each one counted
    status, headers, body = refused
    assert status == 429
    assert headers["retry-after"] == "4"
    assert headers["content-type"] == "application/json"
    assert body == {
        "error": {
            "code": "rate_limited",
            "message": f"too many {kind} from this address: at most 3 per 10 s; try again in 4 s",
        }
    }
    assert neighbour[0] == 404
    assert later[0] == 404


def test_behind_trusted_proxies_the_edge_counts_the_forwarded_client(transactional_db, settings):
    _limits(settings, stream=Rate(1, 10))
    settings.BULLETIN = {**settings.BULLETIN, "TRUSTED_PROXY_COUNT": 1}
    edge = Edge(_app, clock=FakeClock())
    path = "/live/no-such-blog/events"

    first = _call(edge, path, "127.0.0.1", **{"X-Forwarded-For": "198.51.100.1"})
    second = _call(edge, path, "127.0.0.1", **{"X-Forwarded-For": "198.51.100.2"})
    again = _call(edge, path, "127.0.0.1", **{"X-Forwarded-For": "6.6.6.6, 198.51.100.1"})

    assert (first[0], second[0], again[0]) == (404, 404, 429)


def test_a_limit_set_to_off_is_not_counted(transactional_db, settings):
    _limits(settings, stream=None)
    edge = Edge(_app, clock=FakeClock())

    answers = {_call(edge, "/live/no-such-blog/events", "203.0.113.5")[0] for _ in range(50)}

    assert answers == {404}


# --- Django: the API, feeds and sign-in -----------------------------------------------------


@pytest.fixture
def fake_clocks(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """Both clocks of the middleware (per-process buckets and shared windows) made fake."""
    clock = FakeClock(now=1_800_000_000.0)  # a whole number of minutes: windows line up
    monkeypatch.setattr(RateLimitMiddleware, "clock", staticmethod(clock))
    monkeypatch.setattr(RateLimitMiddleware, "wall_clock", staticmethod(clock))
    return clock


def test_api_reads_over_the_limit_get_429_in_the_one_error_shape(
    make, client, settings, fake_clocks
):
    _limits(settings, api_read=Rate(2, 60))
    blog = make.blog()
    api = Api(client)

    answers = [api.get(f"/blogs/{blog.slug}").status_code for _ in range(2)]
    refused = api.get(f"/blogs/{blog.slug}")
    fake_clocks.advance(30)
    after_half_the_window = api.get(f"/blogs/{blog.slug}")

    assert answers == [200, 200]
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/json"
    assert refused["Retry-After"] == "30"
    assert refused.json() == {
        "error": {
            "code": "rate_limited",
            "message": "too many API reads from this address: at most 2 per 60 s; "
            "try again in 30 s",
        }
    }
    assert after_half_the_window.status_code == 200


def test_api_writes_are_counted_per_token(make, client, settings, fake_clocks):
    _limits(settings, api_write=Rate(2, 60))
    blog = make.blog()
    owner = make.owner_of(blog)
    first, second = Api(client, make.token(owner)), Api(client, make.token(owner))
    path = f"/blogs/{blog.slug}/entries"

    made = [first.post(path, {"headline": f"Update {n}"}).status_code for n in range(2)]
    refused = first.post(path, {"headline": "One too many"})
    other_token = second.post(path, {"headline": "From the other integration"})
    reads = first.get(f"/blogs/{blog.slug}")

    assert made == [201, 201]
    assert refused.status_code == 429
    assert refused.json()["error"]["message"].startswith(
        "too many API writes with this token: at most 2 per 60 s; try again in "
    )
    assert other_token.status_code == 201
    assert reads.status_code == 200  # reads have their own limit


def test_made_up_tokens_count_against_the_address_but_a_working_token_goes_on(
    make, client, settings, fake_clocks
):
    _limits(settings, api_read=Rate(3, 60))
    blog = make.blog()
    owner = make.owner_of(blog)
    good = Api(client, make.token(owner))

    before = good.get(f"/blogs/{blog.slug}")
    guesses = [Api(client, f"blt_guess{n}").get("/blogs").status_code for n in range(4)]
    still_good = good.get(f"/blogs/{blog.slug}")
    new_token = Api(client, make.token(owner)).get(f"/blogs/{blog.slug}")
    fake_clocks.advance(20)
    guess_later = Api(client, "blt_guess9").get("/blogs")

    assert before.status_code == 200
    assert guesses == [401, 401, 401, 429]
    assert (
        Api(client, "blt_guess8")
        .get("/blogs")
        .json()["error"]["message"]
        .startswith(
            "too many API requests with unknown tokens from this address: at most 3 per 60 s"
        )
    )
    assert still_good.status_code == 200
    assert new_token.status_code == 429  # not known to work yet: the address's count applies
    assert guess_later.status_code == 401


def test_feeds_over_the_limit_get_429_with_retry_after(make, client, settings, fake_clocks):
    _limits(settings, feeds=Rate(2, 60))
    blog = make.blog()

    answers = [client.get(f"/live/{blog.slug}/feed.{kind}").status_code for kind in ("atom", "rss")]
    refused = client.get(f"/live/{blog.slug}/feed.json")
    page = client.get(f"/live/{blog.slug}")

    assert answers == [200, 200]
    assert refused.status_code == 429
    assert refused["Retry-After"] == "30"
    assert refused.content.decode().startswith("too many feed requests from this address")
    assert page.status_code == 200  # the page itself is not limited here


def _sign_in(client: Client, username: str) -> Any:
    return client.post("/desk/login/", {"username": username, "password": "wrong-password-1"})


def test_the_sign_in_limit_is_shared_by_every_worker_through_the_cache(make, settings, fake_clocks):
    _limits(settings, signin=Rate(3, 60))
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Two clients: two middleware instances, as two worker processes would have.
    one, two = Client(), Client()
    elsewhere = Client(REMOTE_ADDR="198.51.100.9")

    answers = [
        _sign_in(one, "ada").status_code,
        _sign_in(two, "bob").status_code,
        one.post("/desk/password-reset/", {"email": "ada@example.com"}).status_code,
    ]
    refused = _sign_in(two, "cy")
    other_address = _sign_in(elsewhere, "ada")
    fake_clocks.advance(60)
    next_window = _sign_in(one, "dee")

    assert answers == [200, 200, 302]  # wrong passwords show the form again; reset redirects
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "Too many sign-in requests" in refused.content.decode()
    assert refused["Content-Security-Policy"]  # the refusal is a desk page like any other
    assert other_address.status_code == 200
    assert next_window.status_code == 200


def test_a_broken_shared_cache_lets_sign_in_through(db, caplog):
    limiter = SharedLimiter("signin", Rate(1, 60), cache_alias="no-such-cache")

    assert [limiter.hit("198.51.100.9") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert "signin not limited" in caplog.text


def test_the_shared_limit_counts_in_fixed_windows(db):
    clock = FakeClock(now=1_800_000_000.0)
    limiter = SharedLimiter("test", Rate(2, 10), clock=clock)

    assert [limiter.hit("k") for _ in range(2)] == [0.0, 0.0]
    clock.advance(4)
    assert limiter.hit("k") == pytest.approx(6.0)
    clock.advance(6)
    assert limiter.hit("k") == 0.0
