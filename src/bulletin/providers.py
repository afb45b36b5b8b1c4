"""The embed providers Bulletin knows, by key, with the name readers see.

A table of its own, depending on nothing, because both the settings (which check oEmbed
endpoint keys when the server starts) and the embeds (which recognise URLs) read it.
"""

from __future__ import annotations

PROVIDER_NAMES = {
    "youtube": "YouTube",
    "vimeo": "Vimeo",
    "x": "X",
    "bluesky": "Bluesky",
    "instagram": "Instagram",
    "tiktok": "TikTok",
    "facebook": "Facebook",
    "telegram": "Telegram",
    "link": "Link",
}
