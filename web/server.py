"""Run the bot and the web server in one event loop (python-telegram-bot's customwebhookbot recipe).

`python -m bot` calls `run()`: polling (or the webhook) and uvicorn serving `web.app.create_app`.
uvicorn owns SIGINT/SIGTERM: on either it stops serving, then the bot stops cleanly.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
from urllib.parse import urlparse

import uvicorn
from telegram import Update
from telegram.ext import Application

from bot.config import ConfigError, Settings

logger = logging.getLogger("bot")


def webhook_path(settings: Settings) -> str:
    return "/" + urlparse(settings.webhook_url or "").path.strip("/")


def bind(settings: Settings) -> socket.socket:
    """The listening socket, bound before anything starts, so a taken port is one clear line."""
    try:
        infos = socket.getaddrinfo(settings.web_listen, settings.web_port, type=socket.SOCK_STREAM)
        family = infos[0][0]
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((settings.web_listen, settings.web_port))
        sock.listen(2048)  # connections wait in the backlog until uvicorn serves, instead of being refused
    except OSError as exc:
        raise ConfigError("WEB_LISTEN", f"cannot listen on {settings.web_listen}:{settings.web_port} ({exc.strerror or exc})") from None
    sock.set_inheritable(True)
    return sock


def run(application: Application, settings: Settings, sock: socket.socket | None = None) -> None:
    sock = sock or bind(settings)
    asyncio.run(_serve(application, settings, sock))


def _web_server(application: Application, settings: Settings) -> uvicorn.Server:
    from web.app import create_app

    webhook = settings.bot_mode == "webhook"
    app = create_app(application, settings, webhook_path=webhook_path(settings) if webhook else None)
    return uvicorn.Server(
        uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", server_header=False, proxy_headers=True)
    )


async def _serve(application: Application, settings: Settings, sock: socket.socket) -> None:
    webhook = settings.bot_mode == "webhook"
    # Until uvicorn serves, a signal is remembered (and the server not started); uvicorn handles it while
    # serving and re-raises it once stopped, which lands here too, so the bot then stops cleanly.
    stopping: list[int] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda signum, _frame: stopping.append(signum))
    host, port = sock.getsockname()[:2]
    async with application:
        if application.post_init:
            await application.post_init(application)
        if webhook:  # ready to take Telegram's posts before asking for them
            server = _web_server(application, settings)
            await application.bot.set_webhook(
                settings.webhook_url, secret_token=settings.webhook_secret, allowed_updates=Update.ALL_TYPES
            )
        else:
            await application.updater.start_polling(allowed_updates=Update.ALL_TYPES, bootstrap_retries=-1)
        await application.start()
        if not webhook:  # residents first: the pages come up once the bot polls
            server = _web_server(application, settings)
        mode = f"webhooks on {webhook_path(settings)}" if webhook else "polling"
        logger.info("Knooppunt runs (%s)%s", mode, f"; public address {settings.public_url}" if settings.public_url else "")
        print(f"Knooppunt web server listens on http://{host}:{port}/", flush=True)
        try:
            if not stopping:
                await server.serve(sockets=[sock])
        finally:
            if application.updater.running:
                await application.updater.stop()
            await application.stop()
    if application.post_shutdown:
        await application.post_shutdown(application)
