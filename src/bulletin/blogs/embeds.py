"""Recognise embeddable URLs offline, by pattern, and describe how to show them.

No network request is made here: a URL from a known provider becomes a provider embed, shown
as a card with the words the journalist quoted (author, handle, text, date) and the provider's
own player or widget loaded only after the reader clicks; anything else becomes a link card
whose title and description the editor fills in. (Filling a card from the provider's oEmbed
answer, where the operator allows it, is :mod:`bulletin.blogs.oembed`.)
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from urllib.parse import parse_qs, quote, urlsplit

from bulletin.errors import ValidationFailed

MAX_URL = 1000
# Embeds one entry may carry (placed in its text or shown after it).
MAX_EMBEDS = 10
# What the journalist (or the provider's oEmbed answer) says about the post: the card's words.
CARD_FIELDS = ("title", "description", "author", "handle", "date")


@dataclass(frozen=True)
class Embed:
    provider: str  # "youtube", "vimeo", "x", "bluesky", ..., or "link"
    url: str
    id: str = ""
    # Where an iframe may point (privacy-friendly hosts), empty when the provider has none.
    frame_url: str = ""
    title: str = ""
    description: str = ""  # a post's text, or a link card's description
    author: str = ""  # the post's author as named on it
    handle: str = ""  # their account name (@handle), as the provider shows it
    date: str = ""  # when it was posted: ISO 8601 date, or date and time in UTC

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("youtube", re.compile(r"^(?:www\.|m\.)?youtube\.com/(?:shorts|live|embed)/([\w-]{6,20})")),
    ("youtube", re.compile(r"^youtu\.be/([\w-]{6,20})")),
    ("vimeo", re.compile(r"^(?:www\.)?vimeo\.com/(?:video/)?(\d{3,12})")),
    ("x", re.compile(r"^(?:www\.|mobile\.)?(?:x|twitter)\.com/\w{1,15}/status/(\d{5,25})")),
    ("bluesky", re.compile(r"^bsky\.app/profile/([\w.:-]+/post/[\w]+)")),
    ("instagram", re.compile(r"^(?:www\.)?instagram\.com/(?:p|reel|tv)/([\w-]{5,40})")),
    ("tiktok", re.compile(r"^(?:www\.)?tiktok\.com/@[\w.-]+/video/(\d{5,25})")),
    (
        "facebook",
        re.compile(r"^(?:www\.|m\.)?facebook\.com/([\w.-]+/(?:posts|videos)/[\w.-]+)"),
    ),
    ("facebook", re.compile(r"^fb\.watch/([\w-]+)")),
    ("telegram", re.compile(r"^t\.me/([\w]{4,40}/\d{1,12})")),
]


def _youtube_watch_id(host: str, path: str, query: str) -> str | None:
    if host.removeprefix("www.").removeprefix("m.") == "youtube.com" and path == "/watch":
        ids = parse_qs(query).get("v", [])
        if ids and re.fullmatch(r"[\w-]{6,20}", ids[0]):
            return ids[0]
    return None


# Every host an embed's iframe may load from: the pages' CSP frame-src is exactly this list.
# Nothing loads from them until the reader clicks "Load" on that embed.
YOUTUBE_FRAME_ORIGIN = "https://www.youtube-nocookie.com"
VIMEO_FRAME_ORIGIN = "https://player.vimeo.com"
X_FRAME_ORIGIN = "https://platform.twitter.com"
BLUESKY_FRAME_ORIGIN = "https://embed.bsky.app"
INSTAGRAM_FRAME_ORIGIN = "https://www.instagram.com"
TIKTOK_FRAME_ORIGIN = "https://www.tiktok.com"
FACEBOOK_FRAME_ORIGIN = "https://www.facebook.com"
TELEGRAM_FRAME_ORIGIN = "https://t.me"
FRAME_ORIGINS = (
    YOUTUBE_FRAME_ORIGIN,
    VIMEO_FRAME_ORIGIN,
    X_FRAME_ORIGIN,
    BLUESKY_FRAME_ORIGIN,
    INSTAGRAM_FRAME_ORIGIN,
    TIKTOK_FRAME_ORIGIN,
    FACEBOOK_FRAME_ORIGIN,
    TELEGRAM_FRAME_ORIGIN,
)


def _frame_url(provider: str, ident: str) -> str:
    """The provider's own player or post widget, built from the id alone (never from a URL
    the writer typed, so that no frame can point anywhere but the provider)."""
    if provider == "youtube":
        return f"{YOUTUBE_FRAME_ORIGIN}/embed/{ident}"
    if provider == "vimeo":
        return f"{VIMEO_FRAME_ORIGIN}/video/{ident}?dnt=1"
    if provider == "x":
        return f"{X_FRAME_ORIGIN}/embed/Tweet.html?id={ident}&dnt=true"
    if provider == "bluesky":
        actor, _, post = ident.partition("/post/")
        return f"{BLUESKY_FRAME_ORIGIN}/embed/{actor}/app.bsky.feed.post/{post}"
    if provider == "instagram":
        return f"{INSTAGRAM_FRAME_ORIGIN}/p/{ident}/embed/"
    if provider == "tiktok":
        return f"{TIKTOK_FRAME_ORIGIN}/embed/v2/{ident}"
    if provider == "facebook" and "/" in ident:  # a fb.watch short link has no widget
        plugin = "video" if "/videos/" in ident else "post"
        address = quote(f"https://www.facebook.com/{ident}", safe="")
        return f"{FACEBOOK_FRAME_ORIGIN}/plugins/{plugin}.php?href={address}"
    if provider == "telegram":
        return f"{TELEGRAM_FRAME_ORIGIN}/{ident}?embed=1"
    return ""


def recognise(
    url: str,
    *,
    title: str = "",
    description: str = "",
    author: str = "",
    handle: str = "",
    date: str = "",
) -> Embed:
    """Describe ``url`` as an embed; raise ValidationFailed for anything not http(s)."""
    url = url.strip()
    if len(url) > MAX_URL:
        raise ValidationFailed.on(
            "embed_url", f"must be at most {MAX_URL} characters, got {len(url)}"
        )
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise ValidationFailed.on(
            "embed_url", f"must be a valid URL ({exc}), got {url[:80]!r}"
        ) from None
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValidationFailed.on("embed_url", f"must be an http(s) URL, got {url[:80]!r}")
    host = parts.netloc.lower()
    card = {
        "title": title,
        "description": description,
        "author": author,
        "handle": handle,
        "date": date,
    }
    watch_id = _youtube_watch_id(host, parts.path, parts.query)
    if watch_id:
        return Embed("youtube", url, watch_id, _frame_url("youtube", watch_id), **card)
    target = host + parts.path
    for provider, pattern in _PATTERNS:
        match = pattern.match(target)
        if match:
            ident = match.group(1)
            return Embed(provider, url, ident, _frame_url(provider, ident), **card)
    return Embed("link", url, "", "", **card)


def again(stored: dict[str, str]) -> Embed:
    """Recognise a stored (or imported) embed again from its URL, keeping its card's words:
    the provider, id and frame URL are never taken from the stored copy."""
    return recognise(stored.get("url", ""), **{name: stored.get(name, "") for name in CARD_FIELDS})
