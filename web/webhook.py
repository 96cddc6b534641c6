"""The Telegram webhook endpoint: secret and size are checked before the body is read.

Telegram's updates are small; a post without the secret is refused from its headers alone, and
a body is read in chunks and abandoned past MAX_BODY, so hostile posts cost no memory (issue 12).
An update that cannot be read is logged by size (and update_id if any), never in full.
"""

from __future__ import annotations

import json
import logging
import secrets

from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response
from telegram import Update
from telegram.ext import Application

logger = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024  # 1 MB; Telegram's updates are a few KB
SECRET_HEADER = "x-telegram-bot-api-secret-token"


class BodyTooLarge(Exception):
    pass


async def read_limited(request: Request, limit: int = MAX_BODY) -> bytes:
    """The body, streamed, stopping as soon as it passes `limit` bytes."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def is_json(content_type: str | None) -> bool:
    """application/json, with or without parameters such as charset=utf-8."""
    return (content_type or "").split(";", 1)[0].strip().lower() == "application/json"


def webhook_endpoint(application: Application, secret: str):  # noqa: ANN201 - a Starlette endpoint
    expected = secret.encode()

    async def telegram_webhook(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not secrets.compare_digest(given, expected):
            return PlainTextResponse("Forbidden", status_code=403)
        if not is_json(request.headers.get("content-type")):
            return PlainTextResponse("Expected application/json", status_code=415)
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            return PlainTextResponse("Too large", status_code=413)
        try:
            body = await read_limited(request)
        except BodyTooLarge:
            return PlainTextResponse("Too large", status_code=413)
        except ClientDisconnect:
            return PlainTextResponse("Gone", status_code=400)
        data = None
        try:
            data = json.loads(body)
            update = Update.de_json(data, application.bot)
            if update is None:
                raise ValueError("empty update")
        except Exception:  # noqa: BLE001 - anything unreadable: say so briefly, never log the content
            update_id = data.get("update_id") if isinstance(data, dict) else None
            logger.warning("Webhook: an update that cannot be read was skipped (%d bytes, update_id %s)", len(body), update_id)
            return PlainTextResponse("Bad update", status_code=400)
        await application.update_queue.put(update)
        return Response(status_code=200)

    return telegram_webhook
