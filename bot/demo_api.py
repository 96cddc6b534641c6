"""A local stand-in of the Telegram Bot API, in the bot's own process, for the demo (no token).

It plugs into python-telegram-bot as its HTTP layer (a BaseRequest), so the real Application runs
unchanged: the Updater long-polls getUpdates, the real Bot serialises every call. It keeps each
chat's messages (so edits and button presses refer to real messages) and tells listeners about
every call, so any front end can show the conversation: the terminal (bot/demo.py) today, a
browser page tomorrow. Nothing here reaches the network.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT_USER = {"id": 7000000, "is_bot": True, "first_name": "Knooppunt", "username": "knooppunt_demo_bot"}
LONG_POLL_CAP = 1.0  # seconds a getUpdates waits at most, so stopping is quick
MESSAGE_METHODS = {
    "sendMessage", "sendVenue", "sendLocation", "sendPhoto", "sendDocument", "copyMessage", "forwardMessage",
}


@dataclass
class Call:
    """One Bot API call the bot made, with the message it produced (for send and edit methods)."""

    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str | None, bytes]] = field(default_factory=dict)
    message: dict[str, Any] | None = None

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None and str(value).lstrip("-").isdigit() else None


def _decode(value: Any) -> Any:
    """PTB sends strings as they are and every other value JSON-encoded."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class LocalBotApi(BaseRequest):
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.listeners: list[Callable[[Call], None]] = []
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}  # (chat_id, message_id) -> message
        self._updates: asyncio.Queue[dict] | None = None
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)

    # -- BaseRequest ----------------------------------------------------------------------------------
    @property
    def read_timeout(self) -> float:
        return LONG_POLL_CAP + 1

    async def initialize(self) -> None:
        if self._updates is None:
            self._updates = asyncio.Queue()

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, read_timeout: Any = None,
        write_timeout: Any = None, connect_timeout: Any = None, pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        params = {key: _decode(value) for key, value in (request_data.parameters if request_data else {}).items()}
        files: dict[str, tuple[str | None, bytes]] = {}
        if request_data and request_data.contains_files:
            for name, value in (request_data.multipart_data or {}).items():
                files[name] = (value[0], value[1]) if isinstance(value, tuple) else (None, value)
        if api_method == "getUpdates":
            return 200, json.dumps({"ok": True, "result": await self._get_updates(params)}).encode()
        call = Call(api_method, params, files)
        result = self._answer(call)
        self.calls.append(call)
        for listener in list(self.listeners):
            listener(call)
        return 200, json.dumps({"ok": True, "result": result}).encode()

    # -- what a person does ---------------------------------------------------------------------------
    def push(self, update: dict) -> None:
        assert self._updates is not None, "initialize() first"
        self._updates.put_nowait({**update, "update_id": next(self._update_ids)})

    def send_text(self, user: dict, chat: dict, text: str) -> None:
        """A person types `text` (commands get their entity, as Telegram adds it)."""
        message = self._incoming(user, chat, text=text)
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        self.push({"message": message})

    def send_location(self, user: dict, chat: dict, latitude: float, longitude: float) -> None:
        self.push({"message": self._incoming(user, chat, location={"latitude": latitude, "longitude": longitude})})

    def press(self, user: dict, chat_id: int, message_id: int, data: str) -> None:
        """A person taps an inline button of one of the bot's messages."""
        message = self.messages.get((chat_id, message_id))
        self.push({
            "callback_query": {
                "id": str(next(self._callback_ids)), "from": user, "chat_instance": f"demo{chat_id}",
                "data": data, **({"message": message} if message else {}),
            }
        })

    def _incoming(self, user: dict, chat: dict, **content: Any) -> dict:
        return {"message_id": next(self._message_ids), "date": int(time.time()), "chat": chat, "from": user, **content}

    # -- what the bot does ----------------------------------------------------------------------------
    async def _get_updates(self, params: dict[str, Any]) -> list[dict]:
        assert self._updates is not None
        timeout = min(float(params.get("timeout") or 0), LONG_POLL_CAP)
        found = []
        try:
            found.append(await asyncio.wait_for(self._updates.get(), timeout=max(timeout, 0.01)))
        except TimeoutError:
            return []
        while not self._updates.empty():
            found.append(self._updates.get_nowait())
        return found

    def _answer(self, call: Call) -> Any:
        method, params = call.method, call.params
        if method == "getMe":
            return {**BOT_USER, "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}
        if method in MESSAGE_METHODS:
            call.message = self._store(params, method, message_id=next(self._message_ids))
            return call.message
        if method.startswith("edit") and "message_id" in params:
            key = (int(params["chat_id"]), int(params["message_id"]))
            old = self.messages.get(key, {})
            call.message = self._store({**_content_of(old), **params}, method, message_id=key[1], date=old.get("date"))
            return call.message
        if method == "getChat":
            chat_id = int(params["chat_id"])
            return {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup", "title": "Groep"}
        if method == "getChatMember":
            return {"status": "administrator", "user": {"id": int(params["user_id"]), "is_bot": False, "first_name": "?"},
                    "can_be_edited": False, "is_anonymous": False, "can_manage_chat": True, "can_delete_messages": True,
                    "can_manage_video_chats": True, "can_restrict_members": True, "can_promote_members": False,
                    "can_change_info": True, "can_invite_users": True, "can_post_stories": False, "can_edit_stories": False,
                    "can_delete_stories": False}
        if method == "deleteMessage":
            self.messages.pop((int(params["chat_id"]), int(params["message_id"])), None)
        return True

    def _store(self, params: dict[str, Any], method: str, message_id: int, date: int | None = None) -> dict[str, Any]:
        chat_id = int(params.get("chat_id", 0))
        message: dict[str, Any] = {
            "message_id": message_id, "date": date or int(time.time()), "from": BOT_USER,
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup", **({} if chat_id > 0 else {"title": "Groep"})},
        }
        for key in ("text", "caption"):
            if key in params:
                message[key] = params[key]
        if method == "sendVenue" or "venue" in params:
            venue = params.get("venue") or {
                "location": {"latitude": float(params["latitude"]), "longitude": float(params["longitude"])},
                "title": params["title"], "address": params["address"],
            }
            message["venue"], message["location"] = venue, venue["location"]
        elif method == "sendLocation" or "location" in params:
            message["location"] = params.get("location") or {"latitude": float(params["latitude"]), "longitude": float(params["longitude"])}
        if method == "sendDocument" or "document" in params:
            message["document"] = params.get("document") if isinstance(params.get("document"), dict) else {
                "file_id": f"doc{message_id}", "file_unique_id": f"u{message_id}"
            }
        if method == "sendPhoto" or ("photo" in params and isinstance(params.get("photo"), list)):
            message["photo"] = [{"file_id": f"photo{message_id}", "file_unique_id": f"p{message_id}", "width": 1, "height": 1}]
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        self.messages[(chat_id, message_id)] = message
        return message


def _content_of(message: dict[str, Any]) -> dict[str, Any]:
    """The parts of a stored message an edit keeps unless it replaces them; the inline keyboard is
    not one of them (an edit without reply_markup removes it, as on Telegram)."""
    return {key: message[key] for key in ("text", "caption", "venue", "location", "document", "photo") if key in message}
