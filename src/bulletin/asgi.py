"""The ASGI application uvicorn serves.

The hot read and push paths (SSE, change feeds) will be answered by ``bulletin.realtime.edge``
in front of Django; everything else goes to Django.
"""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bulletin.settings")

application = get_asgi_application()
