"""The ASGI application uvicorn serves: the realtime edge in front of Django.

Live streams and the polling feed are answered by :mod:`bulletin.realtime.edge` without
Django's middleware; every other request goes to Django.
"""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bulletin.settings")

django_application = get_asgi_application()

from bulletin.realtime.edge import Edge  # noqa: E402  (needs Django set up first)

application = Edge(django_application)
