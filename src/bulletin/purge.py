"""Ask the CDN in front of Bulletin to drop its copies of an entry that left the public stream.

This is the one outbound HTTP request Bulletin makes (docs/security.md), and only to the URLs
an operator set in ``BULLETIN_CDN_PURGE_URLS``; no URL that an editor, a reader or an entry
supplies ever reaches it. After every removal (delete, unpublish, takedown) each purge URL
gets one ``POST`` with the keys of the answers that could still show the entry
(:mod:`bulletin.surrogate`) in ``Surrogate-Key`` and ``Cache-Tag`` and as JSON
``{"keys": [...]}``.

A purge runs in a thread of its own with a short timeout: a slow or absent CDN must never hold
a publish or a takedown, and its failures are logged, never raised (the CDN's copies then
expire on their own, after ``max-age``).
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from bulletin import config, surrogate
from bulletin.blogs.events import Removal

logger = logging.getLogger("bulletin.purge")

TIMEOUT_SECONDS = 5.0


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A purge endpoint has no reason to redirect; following one would let it send this
    # server's request to an address nobody configured.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(_NoRedirects())


def _where(url: str) -> str:
    # Logs name the host only: a purge URL may carry a token in its path or query.
    return urlsplit(url).hostname or "an invalid URL"


def purge_removed(sender: object, removal: Removal, **kwargs: object) -> None:
    """Receiver of ``entry_removed``: purge the blog's and the entry's keys, if purging is on."""
    urls = config.current.CDN_PURGE_URLS
    if urls:
        start_purge(urls, surrogate.keys_for(removal.blog_id, removal.entry_id))


def start_purge(urls: Sequence[str], keys: Sequence[str]) -> list[threading.Thread]:
    """Purge ``keys`` at every URL, each in a background thread; returns the threads."""
    threads = [
        threading.Thread(target=purge, args=(url, keys), name="bulletin-cdn-purge", daemon=True)
        for url in urls
    ]
    for thread in threads:
        thread.start()
    return threads


def purge(url: str, keys: Sequence[str], timeout: float = TIMEOUT_SECONDS) -> bool:
    """POST one purge request; True when the CDN answered 2xx. Never raises."""
    if urlsplit(url).scheme not in {"http", "https"}:
        # The setting is checked at start-up; this keeps file: and friends out for good.
        logger.warning("CDN purge URL for %s is not http(s): not called", _where(url))
        return False
    request = urllib.request.Request(  # noqa: S310  (http or https, checked above)
        url,
        data=json.dumps({"keys": list(keys)}).encode(),
        method="POST",
        headers={"Content-Type": "application/json", **surrogate.headers(keys)},
    )
    try:
        with _opener().open(request, timeout=timeout) as response:
            status = int(response.status)
    except urllib.error.HTTPError as error:
        status = error.code
    except Exception as error:  # a purge must never break the caller
        logger.warning("CDN purge of %s at %s failed: %s", " ".join(keys), _where(url), error)
        return False
    if not 200 <= status < 300:
        logger.warning("CDN purge of %s at %s answered %s", " ".join(keys), _where(url), status)
        return False
    logger.info("CDN purged %s at %s", " ".join(keys), _where(url))
    return True
