"""Bulletin fetches no URL it is given (docs/security.md, "No outbound requests"): no code
under src/ imports an HTTP client, so an embed, link or image URL can never make the server
call an address of an attacker's choosing.

The exceptions: ``bulletin/purge.py``, which posts purge keys to the URLs an operator set
in ``BULLETIN_CDN_PURGE_URLS`` (never to a URL from a request or an entry), may import
``urllib.request``; ``bulletin/blogs/oembed.py``, which asks only the oEmbed endpoints an
operator listed, off by default and with the safeguards of docs/security.md, may import
``http.client``. Nothing else may."""

from __future__ import annotations

import ast
from pathlib import Path

import bulletin

# Modules that open connections to arbitrary URLs. Redis, the database drivers and Django's
# SMTP backend connect only to what the settings name, and are not listed.
HTTP_CLIENTS = {
    "aiohttp",
    "http.client",
    "httpx",
    "pycurl",
    "requests",
    "urllib.request",
    "urllib3",
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


# The only modules that may call out, and exactly what each may import for that.
PURGE_MODULE = "purge.py"
PURGE_CLIENT = {"urllib.request"}
OEMBED_MODULE = "blogs/oembed.py"
OEMBED_CLIENT = {"http.client"}


def _http_clients(path: Path) -> set[str]:
    return {
        name
        for name in _imports(path)
        if any(name == client or name.startswith(f"{client}.") for client in HTTP_CLIENTS)
    }


def test_no_module_of_bulletin_imports_an_http_client_but_the_cdn_purge_and_oembed():
    source = Path(bulletin.__file__).parent
    found = {
        f"{path.relative_to(source)}: {name}"
        for path in source.rglob("*.py")
        if path.relative_to(source).as_posix() not in {PURGE_MODULE, OEMBED_MODULE}
        for name in _http_clients(path)
    }
    assert found == set(), "outbound HTTP needs the safeguards in docs/security.md"


def test_the_cdn_purge_calls_out_with_urllib_request_only():
    purge = Path(bulletin.__file__).parent / PURGE_MODULE
    assert _http_clients(purge) == PURGE_CLIENT
    # It takes its URLs from the operator's setting, never from an argument a request fills.
    assert "config.current.CDN_PURGE_URLS" in purge.read_text()


def test_oembed_calls_out_with_http_client_only_and_only_to_the_operators_endpoints():
    oembed = Path(bulletin.__file__).parent / OEMBED_MODULE
    assert _http_clients(oembed) == OEMBED_CLIENT
    text = oembed.read_text()
    assert "config.current" in text
    assert "OEMBED_ENDPOINTS" in text


def test_the_check_sees_an_http_client_import(tmp_path: Path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import httpx\nfrom urllib import request\nfrom urllib.request import urlopen\n"
    )
    assert {"httpx", "urllib.request", "urllib.request.urlopen"} <= _imports(sample)
