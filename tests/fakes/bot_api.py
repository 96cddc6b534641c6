"""A fake Telegram Bot API for tests: records every call and can answer with Telegram's errors.

It plugs into python-telegram-bot as its HTTP layer (a BaseRequest), so the real Bot, its
serialisation and its error mapping are all exercised; only the network is replaced.
"""

from __future__ import annotations

import json
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

BOT_ID = 7000001
BOT_USERNAME = "knooppunt_test_bot"
SEND_METHODS = {
    "sendMessage", "sendVenue", "sendLocation", "sendPhoto", "sendDocument", "copyMessage",
    "forwardMessage", "sendMediaGroup", "sendPoll",
}


@dataclass
class ApiCall:
    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str | None, bytes]] = field(default_factory=dict)

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None and str(value).lstrip("-").isdigit() else None

    @property
    def text(self) -> str:
        return self.params.get("text") or self.params.get("caption") or self.params.get("question") or ""

    @property
    def reply_markup(self) -> dict | None:
        markup = self.params.get("reply_markup")
        return json.loads(markup) if isinstance(markup, str) else markup

    def buttons(self) -> list[str]:
        """Texts of all buttons (inline or reply keyboard), row by row flattened."""
        markup = self.reply_markup or {}
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        return [button["text"] if isinstance(button, dict) else button for row in rows for button in row]

    def inline_buttons(self) -> list[dict]:
        markup = self.reply_markup or {}
        return [button for row in markup.get("inline_keyboard", []) for button in row]

    def callback_data(self, button_text_part: str) -> str:
        """callback_data of the first inline button whose text contains `button_text_part`."""
        for button in self.inline_buttons():
            if button_text_part in button["text"]:
                return button["callback_data"]
        raise AssertionError(f"no inline button containing {button_text_part!r} in {self.buttons()}")


@dataclass
class Fault:
    method: str | None  # None: any method
    kind: str  # retry_after | bad_request | forbidden | timeout | server_error | network | chat_migrated
    value: Any = None


class FakeBotAPI(BaseRequest):
    def __init__(self, username: str = BOT_USERNAME) -> None:
        self.calls: list[ApiCall] = []
        self.username = username
        self._faults: deque[Fault] = deque()
        self._message_id = 1000
        self.polls: dict[tuple[int, int], dict[str, Any]] = {}  # (chat id, message id) -> the poll sent there

    # -- BaseRequest --------------------------------------------------------------------------
    @property
    def read_timeout(self) -> float:
        return 1.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        files: dict[str, tuple[str | None, bytes]] = {}
        if request_data and request_data.contains_files:
            for name, value in (request_data.multipart_data or {}).items():
                files[name] = (value[0], value[1]) if isinstance(value, tuple) else (None, value)
        fault = self._take_fault(api_method)
        if fault is not None:
            return self._fail(fault)
        self.calls.append(ApiCall(api_method, params, files))
        return 200, json.dumps({"ok": True, "result": self._result(api_method, params)}).encode()

    # -- scripting faults ---------------------------------------------------------------------
    def fail_next(self, kind: str, method: str | None = None, value: Any = None, times: int = 1) -> None:
        """Make the next `times` calls (of `method`, or any) fail like Telegram would."""
        for _ in range(times):
            self._faults.append(Fault(method, kind, value))

    def _take_fault(self, api_method: str) -> Fault | None:
        for fault in self._faults:
            if fault.method in (None, api_method) and api_method != "getMe":
                self._faults.remove(fault)
                return fault
        return None

    def _fail(self, fault: Fault) -> tuple[int, bytes]:
        if fault.kind == "timeout":
            raise TimedOut("fake timeout")
        if fault.kind == "network":
            raise NetworkError("fake connection reset")
        body: dict[str, Any] = {"ok": False}
        if fault.kind == "retry_after":
            status, body["description"] = 429, f"Too Many Requests: retry after {fault.value or 1}"
            body["parameters"] = {"retry_after": fault.value or 1}
        elif fault.kind == "bad_request":
            status, body["description"] = 400, f"Bad Request: {fault.value or 'something is wrong'}"
        elif fault.kind == "forbidden":
            status, body["description"] = 403, fault.value or "Forbidden: bot was blocked by the user"
        elif fault.kind == "chat_migrated":
            status, body["description"] = 400, "Bad Request: group chat was upgraded to a supergroup chat"
            body["parameters"] = {"migrate_to_chat_id": fault.value}
        else:
            status, body["description"] = int(fault.value or 500), "Internal Server Error"
        body["error_code"] = status
        return status, json.dumps(body).encode()

    # -- answers ------------------------------------------------------------------------------
    def _result(self, api_method: str, params: dict[str, Any]) -> Any:
        if api_method == "getMe":
            return {
                "id": BOT_ID, "is_bot": True, "first_name": "Knooppunt", "username": self.username,
                "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False,
            }
        if api_method == "getUpdates":
            return []
        if api_method in SEND_METHODS or (api_method.startswith("edit") and "inline_message_id" not in params):
            return self._message(api_method, params)
        if api_method == "stopPoll":
            poll = self.polls.get((int(params["chat_id"]), int(params["message_id"])))
            if poll is None:
                return None  # Telegram: Bad Request (the fault is scripted with fail_next when a test needs it)
            poll["is_closed"] = True
            return poll
        if api_method == "getChat":
            chat_id = int(params["chat_id"])
            return {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup", "title": "Groep"}
        return True

    @property
    def last_message_id(self) -> int:
        """The id of the message the bot sent last (to press a button on that very message)."""
        return self._message_id

    def _message(self, api_method: str, params: dict[str, Any]) -> dict[str, Any]:
        if api_method.startswith("edit"):
            message_id = int(params.get("message_id", 0))
        else:
            self._message_id += 1
            message_id = self._message_id
        chat_id = int(params.get("chat_id", 0))
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup", "title": None if chat_id > 0 else "Groep"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Knooppunt", "username": self.username},
        }
        if "text" in params:
            message["text"] = params["text"]
        if "caption" in params:
            message["caption"] = params["caption"]
        if api_method == "sendVenue":
            location = {"latitude": float(params["latitude"]), "longitude": float(params["longitude"])}
            message["venue"] = {"location": location, "title": params["title"], "address": params["address"]}
            message["location"] = location
        if api_method == "sendDocument":
            message["document"] = {"file_id": f"doc{message_id}", "file_unique_id": f"u{message_id}"}
        if api_method == "sendPhoto":
            message["photo"] = [{"file_id": f"photo{message_id}", "file_unique_id": f"p{message_id}", "width": 1, "height": 1}]
        if api_method == "sendPoll":
            options = params["options"]
            options = json.loads(options) if isinstance(options, str) else options
            message["poll"] = {
                "id": f"poll{message_id}", "question": params["question"], "total_voter_count": 0, "is_closed": False,
                "options": [{"text": o["text"] if isinstance(o, dict) else str(o), "voter_count": 0, "persistent_id": f"o{i}"}
                            for i, o in enumerate(options)],
                "allows_revoting": True, "members_only": False,
                "is_anonymous": params.get("is_anonymous", True) not in (False, "false", "False"), "type": "regular",
                "allows_multiple_answers": params.get("allows_multiple_answers", False) in (True, "true", "True"),
            }
            self.polls[(chat_id, message_id)] = message["poll"]
        if isinstance(params.get("reply_markup"), dict) and "inline_keyboard" in params["reply_markup"]:
            message["reply_markup"] = params["reply_markup"]
        return message

    # -- what the user saw --------------------------------------------------------------------
    def sent(self, chat_id: int | None = None, method: str | None = None) -> list[ApiCall]:
        """Messages sent (and edited) to a chat, in order."""
        return [
            call for call in self.calls
            if (call.method in SEND_METHODS or call.method.startswith("edit"))
            and (chat_id is None or call.chat_id == chat_id)
            and (method is None or call.method == method)
        ]

    def texts(self, chat_id: int | None = None) -> list[str]:
        return [call.text for call in self.sent(chat_id) if call.text]

    def of(self, method: str) -> list[ApiCall]:
        return [call for call in self.calls if call.method == method]

    def clear(self) -> None:
        self.calls.clear()
