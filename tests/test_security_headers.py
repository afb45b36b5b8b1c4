"""Every page carries the same strict Content-Security-Policy and security headers, whether
Django renders it or the edge serves it from its page cache."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bulletin import security
from bulletin.blogs import embeds
from tests.realtime.conftest import api_publish, newsroom, serve  # noqa: F401 (fixtures)
from tests.test_config import GOOD_SECRET

SRC = Path(__file__).resolve().parents[1] / "src" / "bulletin"


def _policy(header: str) -> dict[str, list[str]]:
    """A CSP header as directive → sources (order of directives does not matter)."""
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def _security_headers(headers: dict[str, str]) -> dict[str, str]:
    lowered = {name.lower(): value for name, value in headers.items()}
    return {name: lowered[name] for name in security.SECURITY_HEADERS if name in lowered}


def _get(url: str, **headers: str) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers)


# --- the policy itself ----------------------------------------------------------------------


def test_the_policy_allows_no_inline_script_or_style_and_frames_only_embed_providers():
    policy = _policy(security.content_security_policy())

    assert policy == {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "https:"],
        "connect-src": ["'self'"],
        "frame-src": [
            "https://www.youtube-nocookie.com",
            "https://player.vimeo.com",
            "https://platform.twitter.com",
            "https://embed.bsky.app",
            "https://www.instagram.com",
            "https://www.tiktok.com",
            "https://www.facebook.com",
            "https://t.me",
        ],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
    }
    assert "unsafe" not in security.content_security_policy()


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://youtu.be/dQw4w9WgXcQ",
        "https://vimeo.com/76979871",
        "https://x.com/nws/status/1751234567890123456",
        "https://bsky.app/profile/news.bsky.social/post/3kabcdef",
        "https://www.instagram.com/p/C2abcDEF/",
        "https://www.tiktok.com/@newsroom/video/7321234567890123456",
        "https://www.facebook.com/cityfire/posts/pfbid02abc",
        "https://t.me/citynews/4821",
    ],
)
def test_every_embed_frame_url_is_on_a_host_the_policy_allows(url):
    frame_url = embeds.recognise(url).frame_url
    parts = urlsplit(frame_url)

    assert (
        f"{parts.scheme}://{parts.netloc}"
        in _policy(security.content_security_policy())["frame-src"]
    )


_INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>"),
    re.compile(r"<style\b"),
    re.compile(r"\sstyle="),
    re.compile(r"\son[a-z]+="),
    re.compile(r"javascript:", re.IGNORECASE),
]


def test_no_template_holds_inline_script_style_or_event_handlers():
    found = [
        f"{path.relative_to(SRC)}: {match.group(0)}"
        for path in sorted(SRC.glob("**/templates/**/*.html"))
        for pattern in _INLINE
        for match in pattern.finditer(path.read_text())
    ]

    assert found == []


# --- Django-rendered pages ------------------------------------------------------------------


def _assert_strict_page_headers(response) -> None:
    assert response["Content-Security-Policy"] == security.content_security_policy()
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Permissions-Policy"] == security.PERMISSIONS_POLICY
    assert "camera=()" in response["Permissions-Policy"]
    assert "interest-cohort=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_live_page_entry_permalink_and_home_carry_the_policy_and_deny_framing(make, client):
    blog = make.blog()
    entry = make.entry(blog, headline="Ferries suspended")

    for path in ("/", f"/live/{blog.slug}", f"/live/{blog.slug}/e/{entry.pk}"):
        response = client.get(path)
        assert response.status_code == 200, path
        _assert_strict_page_headers(response)


@pytest.mark.django_db
def test_desk_pages_sign_in_and_api_docs_carry_the_same_policy(make, client):
    blog = make.blog()
    _assert_strict_page_headers(client.get("/desk/login/"))
    _assert_strict_page_headers(client.get("/desk/password-reset/"))
    # The API docs (Swagger UI) run from files: the same policy covers them.
    _assert_strict_page_headers(client.get("/api/v1/docs"))

    client.force_login(make.owner_of(blog))
    for path in ("/desk/", f"/desk/{blog.slug}/", f"/desk/{blog.slug}/settings"):
        response = client.get(path)
        assert response.status_code == 200, path
        _assert_strict_page_headers(response)


@pytest.mark.django_db
def test_the_admin_keeps_the_strict_policy_too(make, client):
    client.force_login(make.staff())
    response = client.get("/admin/")

    assert response.status_code == 200
    _assert_strict_page_headers(response)


def test_the_embed_page_may_be_framed_by_the_embed_origins_and_keeps_the_rest_of_the_policy(
    make, client, settings
):
    settings.BULLETIN = {
        **settings.BULLETIN,
        "EMBED_ORIGINS": ["https://news.example", "https://radio.example"],
    }
    blog = make.blog()

    response = client.get(f"/live/{blog.slug}/embed")

    policy = _policy(response["Content-Security-Policy"])
    assert policy["frame-ancestors"] == ["https://news.example", "https://radio.example"]
    del policy["frame-ancestors"]
    expected = _policy(security.content_security_policy())
    del expected["frame-ancestors"]
    assert policy == expected
    assert not response.has_header("X-Frame-Options")
    assert response["Permissions-Policy"] == security.PERMISSIONS_POLICY


def test_an_empty_embed_origins_list_lets_no_site_frame_the_embed_page(make, client, settings):
    settings.BULLETIN = {**settings.BULLETIN, "EMBED_ORIGINS": []}
    blog = make.blog()

    response = client.get(f"/live/{blog.slug}/embed")

    assert _policy(response["Content-Security-Policy"])["frame-ancestors"] == ["'none'"]


# --- the edge's cached pages ----------------------------------------------------------------


def test_django_rendered_and_edge_cached_live_pages_carry_identical_security_headers(
    newsroom,  # noqa: F811
    serve,  # noqa: F811
):
    server = serve()
    url = f"{server.base}/live/{newsroom.blog.slug}"
    api_publish(server, newsroom, "First update")

    rendered = _get(url)
    cached = _get(url)
    not_modified = _get(url, **{"If-None-Match": cached[1]["etag"]})

    assert "x-bulletin-cache" not in {name.lower() for name in rendered[1]}
    assert cached[1]["x-bulletin-cache"] == "hit"
    assert not_modified[0] == 304
    django_headers = _security_headers(rendered[1])
    assert set(django_headers) == set(security.SECURITY_HEADERS) - {"strict-transport-security"}
    assert _security_headers(cached[1]) == django_headers
    assert _security_headers(not_modified[1]) == django_headers
    assert "script-src 'self'" in django_headers["content-security-policy"]


def test_in_production_both_add_hsts_to_pages_served_over_https(
    newsroom,  # noqa: F811
    serve,  # noqa: F811
):
    server = serve(
        mode="production",
        secret_key=GOOD_SECRET,
        site_url="https://news.example",
        allowed_hosts="127.0.0.1",
    )
    url = f"{server.base}/live/{newsroom.blog.slug}"
    api_publish(server, newsroom, "First update")

    rendered = _get(url, **{"X-Forwarded-Proto": "https"})
    cached = _get(url, **{"X-Forwarded-Proto": "https"})
    plain = _get(url)

    assert cached[1]["x-bulletin-cache"] == "hit"
    assert _security_headers(cached[1]) == _security_headers(rendered[1])
    assert _security_headers(rendered[1])["strict-transport-security"] == (
        "max-age=31536000; includeSubDomains"
    )
    assert "strict-transport-security" not in _security_headers(plain[1])


def test_the_live_stream_and_the_changes_feed_carry_the_security_headers_too(
    newsroom,  # noqa: F811
    serve,  # noqa: F811
):
    server = serve()
    page = _get(f"{server.base}/live/{newsroom.blog.slug}")
    changes = _get(f"{server.base}/live/{newsroom.blog.slug}/changes")

    assert changes[0] == 200
    assert _security_headers(changes[1]) == _security_headers(page[1])
