"""URLs are named, never built by hand.

Every route has a name in its ``urls.py``; Python reverses it (``reverse()``, or
``bulletin.links.absolute_reverse`` for a URL that leaves the site) and templates use
``{% url %}``. The scans below fail when a module, a template or a script writes a site path
such as ``/desk/…`` or ``/live/…`` itself. The few code paths that must match raw paths before
Django routes them (the realtime edge, middleware prefixes) are listed in ``ALLOWED`` with
the reason, and the tests at the end check that they agree with ``reverse()``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from bulletin import cache_policy, outage, throttling
from bulletin.api import middleware as api_middleware
from bulletin.blogs.fields import RESERVED_SLUGS
from bulletin.realtime import edge

SRC = Path(__file__).resolve().parents[1] / "src" / "bulletin"

# A site path: one of the site's top-level folders, not inside a longer word, host or path
# ("https://host/live/…" and "reader/live.js" are not site paths).
SITE_PATH = re.compile(r"(?<![\w.\-/])/(desk|live|api|media|admin|static|accounts)(?![\w.\-])")

# (file under src/bulletin, the text) -> why that text may spell a site path out.
ALLOWED: dict[tuple[str, str], str] = {
    ("settings.py", "/static/"): "STATIC_URL itself: what {% static %} and static() build on",
    ("settings.py", "/media/"): "MEDIA_URL itself: what media URLs and {% get_media_prefix %} use",
    ("config.py", "(served at /media/;"): "a setting's help text",
    ("config.py", "(/live/{slug}/changes)"): "a setting's help text",
    (
        "realtime/edge.py",
        r"^/live/([a-z0-9]+(?:-[a-z0-9]+)*)/(events|changes)$",
    ): "the edge matches raw paths before Django (checked against reverse() below)",
    (
        "realtime/edge.py",
        r"^/live/([a-z0-9]+(?:-[a-z0-9]+)*)$",
    ): "the edge matches raw paths before Django (checked against reverse() below)",
    (
        "throttling.py",
        r"^/live/[a-z0-9]+(?:-[a-z0-9]+)*/feed\.(?:atom|rss|json)$",
    ): "middleware matching raw paths (checked against reverse() below)",
    ("throttling.py", "/api/v1/"): "a middleware's prefix (checked against reverse() below)",
    ("api/middleware.py", "/api/v1/"): "a middleware's prefix (checked against reverse() below)",
    ("cache_policy.py", "/api/"): "a middleware's prefix (checked against reverse() below)",
    ("cache_policy.py", "/desk/"): "a middleware's prefix (checked against reverse() below)",
    ("outage.py", "/api/"): "a middleware's prefix (checked against reverse() below)",
    (
        "desk/templates/desk/blog_form.html",
        "<span>/live/</span>",
    ): "words on the form: the label in front of the address field, not a link",
}

SLUGS = ["storm", "storm-halloway", "a1-b2-c3", "x"]

# What templates may hold: tags that build URLs themselves, and comments.
_TEMPLATE_NOT_PATHS = re.compile(
    r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{%\s*(url|static)\s[^%]*%}|{#.*?#}", re.DOTALL
)
_JS_COMMENT = re.compile(r"^\s*//.*$|/\*.*?\*/", re.MULTILINE | re.DOTALL)


def _unexplained(name: str, text: str) -> bool:
    """Whether ``text`` in file ``name`` spells out a site path that ALLOWED does not explain."""
    for allowed_in, allowed in ALLOWED:
        if allowed_in == name:
            text = text.replace(allowed, "")
    return SITE_PATH.search(text) is not None


_ROUTE_DECLARATIONS = frozenset({"get", "post", "put", "patch", "delete", "api_operation"})


def _not_urls(tree: ast.AST) -> set[int]:
    """Docstrings, and the paths of Ninja route declarations (``@router.post("/blogs/…")``),
    which declare a route relative to the API's root rather than build a URL."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _ROUTE_DECLARATIONS
            and node.args
        ):
            found.update(id(part) for part in ast.walk(node.args[0]))
    return found


def _name(path: Path) -> str:
    return path.relative_to(SRC).as_posix()


def _python_paths(name: str, source: str) -> list[str]:
    """String literals (and the literal parts of f-strings) spelling out a site path."""
    tree = ast.parse(source, name)
    not_urls = _not_urls(tree)
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in not_urls
        and _unexplained(name, node.value)
    ]


def _template_paths(path: Path) -> list[str]:
    text = _TEMPLATE_NOT_PATHS.sub("", path.read_text())
    return [line.strip() for line in text.splitlines() if _unexplained(_name(path), line)]


def _script_paths(path: Path) -> list[str]:
    text = _JS_COMMENT.sub("", path.read_text())
    return [line.strip() for line in text.splitlines() if _unexplained(_name(path), line)]


def test_every_route_is_named() -> None:
    unnamed = []

    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":
                    walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif not pattern.name:
                unnamed.append(prefix + str(pattern.pattern))

    walk(get_resolver().url_patterns, "/")
    assert unnamed == []


def test_no_python_module_builds_a_site_path_by_hand() -> None:
    found = [
        f"{_name(path)}: {value!r}"
        for path in sorted(SRC.rglob("*.py"))
        if "migrations" not in path.parts
        for value in _python_paths(_name(path), path.read_text())
    ]
    assert found == [], "use reverse() or bulletin.links.absolute_reverse, not a path"


def test_no_template_builds_a_site_path_by_hand() -> None:
    found = [
        f"{_name(path)}: {line}"
        for path in sorted(SRC.glob("*/templates/**/*"))
        if path.is_file()
        for line in _template_paths(path)
    ]
    assert found == [], "use {% url %} (or {% get_media_prefix %}), not a path"


def test_no_script_builds_a_site_path_by_hand() -> None:
    # Scripts take their URLs from data attributes that templates fill with {% url %}.
    found = [
        f"{_name(path)}: {line}"
        for path in sorted(SRC.glob("*/static/**/*.js"))
        for line in _script_paths(path)
    ]
    assert found == []


def test_the_scans_catch_a_path_built_by_hand_but_not_a_docstring() -> None:
    source = 'def f(slug):\n    """Answers /desk/x/."""\n    return f"/desk/{slug}/"\n'
    assert _python_paths("desk/views/made_up.py", source) == ["/desk/"]
    assert _python_paths("settings.py", 'MEDIA_URL = "/media/"') == []
    assert SITE_PATH.search('href="/live/{{ blog.slug }}"')
    assert SITE_PATH.search("`${base}/api/v1/blogs`")
    assert not SITE_PATH.search("https://live.example/live/x {% static 'reader/live.js' %}")
    route = '@router.post("/blogs/{slug}/live")\ndef go_live(request, slug): ...\n'
    assert _python_paths("api/blogs.py", route) == []


# --- the raw-path matchers agree with the URL patterns -----------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_the_edge_answers_the_stream_and_changes_paths_django_names(slug: str) -> None:
    for name, kind in (("reader:events", "events"), ("reader:changes", "changes")):
        match = edge.ROUTE.match(reverse(name, args=[slug]))
        assert match is not None
        assert match.groups() == (slug, kind)
    page = edge.PAGE_ROUTE.match(reverse("reader:live", args=[slug]))
    assert page is not None
    assert page.group(1) == slug


@pytest.mark.parametrize("slug", SLUGS)
def test_the_edge_leaves_every_other_reader_path_to_django(slug: str) -> None:
    others = [
        reverse("reader:entry", args=[slug, 7]),
        reverse("reader:embed", args=[slug]),
        *(reverse(f"reader:feed-{kind}", args=[slug]) for kind in ("atom", "rss", "json")),
    ]
    for path in others:
        assert not edge.ROUTE.match(path), path
        assert not edge.PAGE_ROUTE.match(path), path


@pytest.mark.parametrize("slug", SLUGS)
def test_feed_throttling_matches_the_feed_routes_only(slug: str) -> None:
    for kind in ("atom", "rss", "json"):
        assert throttling.FEED_PATH.match(reverse(f"reader:feed-{kind}", args=[slug]))
    assert not throttling.FEED_PATH.match(reverse("reader:live", args=[slug]))


def test_middleware_prefixes_are_where_the_api_and_the_desk_are() -> None:
    api_root = reverse("api-v1:api-root")
    assert api_root == api_middleware.API_PREFIX == throttling.API_PREFIX
    assert api_root.startswith(cache_policy.API_PREFIX)
    assert api_root.startswith(outage.API_PREFIX)
    assert reverse("desk") == cache_policy.DESK_PREFIX
    assert reverse("login").startswith(cache_policy.DESK_PREFIX)
    assert reverse("desk-blog", args=["storm"]).startswith(cache_policy.DESK_PREFIX)


def test_media_urls_are_served_where_media_url_says() -> None:
    assert reverse("media", args=["2026/ab.jpg"]) == f"{settings.MEDIA_URL}2026/ab.jpg"


def test_the_desk_pages_names_are_reserved_as_blog_slugs() -> None:
    # A blog called "login" would have its desk at /desk/login/, the sign-in page.
    under_desk = [
        pattern
        for pattern in get_resolver().url_patterns
        if isinstance(pattern, URLResolver) and str(pattern.pattern) == "desk/"
    ]
    first_words = {
        str(pattern.pattern).split("/")[0]
        for resolver in under_desk
        for pattern in resolver.url_patterns
    }
    fixed = {word for word in first_words if word and not word.startswith("<")}
    assert fixed == RESERVED_SLUGS
