"""A local HTTP stand-in of the Bot API, for running `python -m bot` as a real process.

It listens on 127.0.0.1 (a free port), serves getMe, deleteWebhook, getUpdates (long polling
that respects `offset`) and answers every other method like tests.fakes.bot_api.FakeBotAPI does,
recording each call. Point the bot at it with TELEGRAM_API_BASE_URL=<stand_in.base_url>.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from tests.fakes.bot_api import ApiCall, FakeBotAPI

LONG_POLL_CAP = 1.0  # seconds a getUpdates waits at most, so the bot can stop quickly


def _decode(value: str) -> Any:
    """PTB sends strings as-is and every other value JSON-encoded."""
    try:
        return json.loads(value)
    except ValueError:
        return value


class BotApiStandIn:
    def __init__(self, port: int = 0, reject_token: bool = False) -> None:
        self.fake = FakeBotAPI()
        self.reject_token = reject_token  # answer getMe with 401 Unauthorized, as Telegram does for a revoked token
        self.calls: list[ApiCall] = []
        self._updates: list[dict] = []
        self._next_update_id = 1
        self._changed = threading.Condition()
        self.stall: Callable[[ApiCall], bool] | None = None  # return True to leave a call unanswered
        # Return (status, body) to refuse one call (e.g. a 429 for one chat only), None to answer it.
        self.refuse: Callable[[ApiCall], tuple[int, dict] | None] | None = None
        # Every getUpdates caller gets every update from its own offset (several bot processes each
        # receive each update, as when Telegram delivers a webhook again): nothing is dropped.
        self.redeliver = False
        self._outage_until = 0.0  # monotonic time until which every call but getUpdates fails
        self._outage_kind = "502"
        self.refused: list[ApiCall] = []  # calls answered with an outage error
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes; with Nagle's algorithm the second waits for the
            # client's delayed ACK (~40 ms), which would cap a sequential bot at ~25 requests/s.
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:  # noqa: N802
                self._serve(b"")

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                self._serve(self.rfile.read(length))

            def _serve(self, body: bytes) -> None:
                method = self.path.rstrip("/").rsplit("/", 1)[-1].split("?")[0]
                params, files = stand_in._parse(self.headers.get("Content-Type", ""), body)
                status, payload = stand_in._answer(method, params, files)
                if status is None:  # a dropped connection: no answer at all
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client that hung up mid-answer (the bot stopping): nothing to report

        self._server = Server(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # -- lifecycle ----------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/bot"

    def __enter__(self) -> BotApiStandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with self._changed:
            self.stall = None
            self._changed.notify_all()
        self._server.shutdown()
        self._server.server_close()

    # -- scripting ----------------------------------------------------------------------------
    def push_update(self, update: dict) -> int:
        """Queue an update for the bot's next getUpdates; returns its update_id."""
        with self._changed:
            update = {**update, "update_id": self._next_update_id}
            self._next_update_id += 1
            self._updates.append(update)
            self._changed.notify_all()
            return update["update_id"]

    def outage(self, seconds: float, kind: str = "502") -> None:
        """For `seconds`, every call except getUpdates fails: "502" (Bad Gateway) or "drop" (the
        connection closes without an answer, like a reset); "mixed" alternates both."""
        with self._changed:
            self._outage_until = time.monotonic() + seconds
            self._outage_kind = kind

    def wait_for(self, predicate: Callable[[ApiCall], bool], timeout: float = 15.0, count: int = 1) -> list[ApiCall]:
        """Block until `count` recorded calls match; raise AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [call for call in self.calls if predicate(call)]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    methods = [call.method for call in self.calls][-20:]
                    raise AssertionError(f"timed out waiting for {count} matching call(s); last calls: {methods}")
                self._changed.wait(remaining)

    def sent_texts(self, chat_id: int) -> list[str]:
        with self._changed:
            return [call.text for call in self.calls if call.chat_id == chat_id and call.text]

    # -- internals ----------------------------------------------------------------------------
    @staticmethod
    def _parse(content_type: str, body: bytes) -> tuple[dict[str, Any], dict[str, tuple[str | None, bytes]]]:
        files: dict[str, tuple[str | None, bytes]] = {}
        if not body:
            return {}, files
        if content_type.startswith("application/json"):
            return json.loads(body), files
        if content_type.startswith("multipart/form-data"):
            message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
            params: dict[str, Any] = {}
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                payload = part.get_payload(decode=True) or b""
                if part.get_filename():
                    files[name] = (part.get_filename(), payload)
                else:
                    params[name] = _decode(payload.decode())
            return params, files
        return {key: _decode(value) for key, value in parse_qsl(body.decode(), keep_blank_values=True)}, files

    def _answer(self, method: str, params: dict[str, Any], files: dict) -> tuple[int, dict]:
        if method == "getUpdates":
            return 200, {"ok": True, "result": self._get_updates(params)}
        if method == "getMe" and self.reject_token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        call = ApiCall(method, params, files)
        with self._changed:
            if method != "getMe" and time.monotonic() < self._outage_until:
                self.refused.append(call)
                kind = self._outage_kind
                if kind == "mixed":
                    kind = "drop" if len(self.refused) % 2 else "502"
                if kind == "drop":
                    return None, {}
                return 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}
            if self.stall is not None and self.stall(call):
                while self.stall is not None:  # hang like a dead network until the test lets go
                    self._changed.wait(0.5)
            refused = self.refuse(call) if self.refuse is not None else None
            if refused is not None:
                self.refused.append(call)
                return refused
            fault = self.fake._take_fault(method)
            if fault is None:
                self.calls.append(call)
            self._changed.notify_all()
        if fault is not None:
            status, body = self.fake._fail(fault)
            return status, json.loads(body)
        return 200, {"ok": True, "result": self.fake._result(method, params)}

    def _get_updates(self, params: dict[str, Any]) -> list[dict]:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), LONG_POLL_CAP)
        deadline = time.monotonic() + timeout
        with self._changed:
            self.calls.append(ApiCall("getUpdates", params))
            self._changed.notify_all()
            while True:
                if not self.redeliver:
                    self._updates = [update for update in self._updates if update["update_id"] >= offset]
                due = [update for update in self._updates if update["update_id"] >= offset]
                if due or time.monotonic() >= deadline:
                    return due
                self._changed.wait(max(deadline - time.monotonic(), 0.01))
