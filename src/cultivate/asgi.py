"""The ASGI entry point served by uvicorn.

Plain HTTP is handed to the WSGI application in one thread hop (a2wsgi) instead of running
Django's mixed sync/async middleware stack under ASGI, which hops threads about 15 times per
request (docs/architecture.md, docs/benchmarks.md). Websockets go to Django Channels
(cultivate.live.routing), which runs on this event loop.
"""

import asyncio
import os

from a2wsgi import WSGIMiddleware

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cultivate.settings")

from cultivate.wsgi import application as wsgi_application  # noqa: E402  (sets Django up)

http_application = WSGIMiddleware(wsgi_application, workers=int(os.environ.get("WEB_THREADS", "8")))

from cultivate.core.realtime import remember_server_loop  # noqa: E402
from cultivate.core.warmup import warm_up  # noqa: E402
from cultivate.live.routing import websocket_application  # noqa: E402


async def application(scope, receive, send):
    if scope["type"] == "http":
        await http_application(scope, receive, send)
    elif scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                remember_server_loop()
                if os.environ.get("CULTIVATE_WARM_UP", "1") != "0":
                    await asyncio.to_thread(warm_up)  # before this worker takes requests
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    elif scope["type"] == "websocket":
        await websocket_application(scope, receive, send)
