"""A worker warms itself before it accepts requests: the database pool opens, the URL
configuration and views import, and the main pages render once (templates compile, caches
fill), so no visitor waits for a cold worker. Apps add the paths of their main pages.

It is also a start-up check: a main page that does not answer 2xx or 3xx is logged as an
error with its path and status."""

import logging
import time
from collections.abc import Callable

from django.conf import settings

logger = logging.getLogger("cultivate.warmup")

# Each returns paths worth rendering once (reading the database is fine; no writes).
PATHS: list[Callable[[], list[str]]] = [lambda: ["/", "/accounts/login/", "/healthz"]]


def warm_up() -> dict[str, int]:
    """Render every main page once, anonymously; returns path -> status."""
    from django.db import connection
    from django.test import Client

    started = time.perf_counter()
    connection.ensure_connection()
    client = Client(HTTP_HOST=_a_served_host(), raise_request_exception=False)
    statuses = {}
    for paths in PATHS:
        try:
            found = paths()
        except Exception:  # a registry entry must not stop the start
            logger.exception("warm-up: could not list paths from %s", paths)
            continue
        for path in found:
            statuses[path] = status = client.get(path, secure=settings.SECURE_SSL_REDIRECT
                                                 ).status_code
            if status >= 400:
                logger.error("warm-up: %s answered %s", path, status)
    connection.close()  # give the connection back before serving
    logger.info("warm-up: %d pages in %.2f s", len(statuses), time.perf_counter() - started)
    return statuses


def _a_served_host() -> str:
    named = [h.lstrip(".") for h in settings.ALLOWED_HOSTS if h not in ("*", "")]
    return named[0] if named else "localhost"
