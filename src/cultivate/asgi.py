"""The ASGI entry point served by uvicorn.

Plain HTTP is handed to the WSGI application in one thread hop (a2wsgi) instead of running
Django's mixed sync/async middleware stack under ASGI, which hops threads about 15 times per
request (docs/architecture.md, docs/benchmarks.md). Websockets (later issues) get their own
route here, through channels.
"""

import os

from a2wsgi import WSGIMiddleware

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cultivate.settings")

from cultivate.wsgi import application as wsgi_application  # noqa: E402

http_application = WSGIMiddleware(wsgi_application, workers=int(os.environ.get("WEB_THREADS", "8")))


async def application(scope, receive, send):
    if scope["type"] == "http":
        await http_application(scope, receive, send)
    elif scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    else:  # websockets arrive with the live features; refuse politely until then
        await send({"type": "websocket.close", "code": 1000})
