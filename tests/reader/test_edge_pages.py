"""A rendered page is answered by the edge from memory, over a real server."""

from __future__ import annotations

import urllib.error
import urllib.request

from tests.realtime.conftest import api_publish, newsroom, serve  # noqa: F401 (fixtures)


def _get(url: str, **headers: str) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), ""


def test_a_page_rendered_once_is_then_served_by_the_edge_and_follows_new_entries(
    newsroom,  # noqa: F811
    serve,  # noqa: F811
):
    server = serve()
    url = f"{server.base}/live/{newsroom.blog.slug}"
    api_publish(server, newsroom, "First update")

    first = _get(url)
    second = _get(url)
    not_modified = _get(url, **{"If-None-Match": second[1]["etag"]})
    api_publish(server, newsroom, "Second update")
    after_change = _get(url)

    assert first[0] == 200
    assert "x-bulletin-cache" not in first[1]  # rendered by Django
    assert second[1]["x-bulletin-cache"] == "hit"
    assert second[2] == first[2]
    assert not_modified[0] == 304
    assert "Second update" in after_change[2]
