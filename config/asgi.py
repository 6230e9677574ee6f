"""ASGI entry point served by daphne: HTTP goes to Django, WebSockets to the Channels consumers."""
from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")  # unconfigured: refuses to start
django_asgi_app = get_asgi_application()  # before importing consumers: it sets up the app registry

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from media_server.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Twilio's media stream sends no Origin header and is authenticated by its
        # signature, so origin checks belong to each consumer, not to this router.
        "websocket": AuthMiddlewareStack(URLRouter(websocket_urlpatterns)),
    }
)
