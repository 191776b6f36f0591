"""The websocket side of the ASGI application: origin check, who is connecting (session or
personal access token), then the live consumer."""

from urllib.parse import urlsplit

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from django.conf import settings
from django.http.request import validate_host
from django.urls import path

from cultivate.live.consumers import LiveConsumer

websocket_urlpatterns = [
    path("ws/live/<int:event_id>/", LiveConsumer.as_asgi()),
]


def header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


class OriginCheck:
    """Browsers always send Origin: refuse pages of other sites (cross-site websocket
    hijacking). Clients that send none are not browsers and must authenticate themselves."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        origin = header(scope, b"origin")
        if origin is not None and not self.allowed(origin, header(scope, b"host") or ""):
            await send({"type": "websocket.close", "code": 4003})
            return
        return await self.app(scope, receive, send)

    @staticmethod
    def allowed(origin: str, host: str) -> bool:
        parts = urlsplit(origin)
        if not parts.netloc:
            return False
        site = urlsplit(getattr(settings, "SITE_URL", "") or "")
        if site.netloc and parts.netloc == site.netloc:
            return True
        return parts.netloc == host and validate_host(parts.hostname or "",
                                                      settings.ALLOWED_HOSTS)


class BearerTokenAuth:
    """`Authorization: Bearer cul_...` signs an API client in, as on the HTTP API."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        auth = header(scope, b"authorization") or ""
        if auth.lower().startswith("bearer "):
            user = await database_sync_to_async(_user_for_token)(auth[7:].strip())
            if user is None:
                await send({"type": "websocket.close", "code": 4401})
                return
            scope = dict(scope, user=user)
        return await self.app(scope, receive, send)


def _user_for_token(token):
    from cultivate.people.actions import user_for_token

    return user_for_token(token)


class KeepUser:
    """Leave a user set by the token alone; otherwise the session decides."""

    def __init__(self, app):
        self.session_app = AuthMiddlewareStack(app)
        self.app = app

    async def __call__(self, scope, receive, send):
        if "user" in scope:
            return await self.app(scope, receive, send)
        return await self.session_app(scope, receive, send)


websocket_application = OriginCheck(BearerTokenAuth(KeepUser(URLRouter(websocket_urlpatterns))))
