"""python-telegram-bot's HTTP layer on aiohttp instead of httpx (issue 13).

PTB lets a bot bring its own networking backend by implementing `telegram.request.BaseRequest`;
the maintainers keep one for aiohttp in ptbcontrib (not on PyPI), which this follows.

Why: with updates handled concurrently, httpx's connection pool looks at every open connection
on each request (httpcore's pool is rescanned per request and per response), and its anyio
layer adds more per call. Measured on this machine (`benchmarks/http_client.py`, PTB's
`send_message` to the local stand-in, 16 at a time): httpx 4.4 ms of CPU per request,
aiohttp 1.0 ms. The bot sends about one request per answer, so this was most of an answer's CPU.

Timeouts keep PTB's meaning: `read_timeout` is the longest wait for the next bytes of the
answer (getUpdates' long poll adds its own wait to it, as PTB does), `connect_timeout` for
opening a connection, `pool_timeout` for a free connection. aiohttp has no write timeout:
an upload is bounded as a whole by `write_timeout` + `read_timeout` when it carries files.
"""

from __future__ import annotations

from typing import Any

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_READ_TIMEOUT = 5.0
DEFAULT_WRITE_TIMEOUT = 5.0
DEFAULT_POOL_TIMEOUT = 1.0
MEDIA_WRITE_TIMEOUT = 20.0  # PTB's own default for requests that upload files
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _given(value: Any, default: float | None) -> float | None:
    """PTB passes DEFAULT_NONE for "use this request object's default" and None for "no limit"."""
    return default if value is BaseRequest.DEFAULT_NONE else value


def _sum(*parts: float | None) -> float | None:
    return None if any(part is None for part in parts) else sum(part for part in parts if part is not None)


class AiohttpRequest(BaseRequest):
    """One aiohttp session per event loop: made in `initialize`, closed in `shutdown`.

    PTB builds request objects before any event loop runs, and the bot's start-up check and
    `run_polling` each run their own loop; a session is tied to the loop it was made in.
    """

    def __init__(
        self,
        connection_pool_size: int = 1,
        connect_timeout: float | None = DEFAULT_CONNECT_TIMEOUT,
        read_timeout: float | None = DEFAULT_READ_TIMEOUT,
        write_timeout: float | None = DEFAULT_WRITE_TIMEOUT,
        pool_timeout: float | None = DEFAULT_POOL_TIMEOUT,
        media_write_timeout: float | None = MEDIA_WRITE_TIMEOUT,
    ) -> None:
        self.connection_pool_size = connection_pool_size
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._timeouts: dict[tuple[float | None, ...], aiohttp.ClientTimeout] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.connection_pool_size),
                headers={"User-Agent": self.USER_AGENT},
                timeout=aiohttp.ClientTimeout(total=None),  # per request below
                raise_for_status=False,  # PTB reads the status and Telegram's error text itself
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    def _timeout(self, read: float | None, write: float | None, connect: float | None, pool: float | None,
                 files: bool) -> aiohttp.ClientTimeout:
        key = (read, write, connect, pool, files)
        timeout = self._timeouts.get(key)
        if timeout is None:  # the same few combinations every time: built once each
            timeout = aiohttp.ClientTimeout(
                total=_sum(write, read) if files else None,
                connect=_sum(pool, connect),  # aiohttp: waiting for a free connection plus opening one
                sock_connect=connect,
                sock_read=read,
            )
            if len(self._timeouts) < 64:
                self._timeouts[key] = timeout
        return timeout

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        files = request_data is not None and request_data.contains_files
        write_default = self._media_write_timeout if files else self._write_timeout
        timeout = self._timeout(
            _given(read_timeout, self._read_timeout),
            _given(write_timeout, write_default),
            _given(connect_timeout, self._connect_timeout),
            _given(pool_timeout, self._pool_timeout),
            files,
        )
        data: aiohttp.FormData | bytes | None = None
        headers: dict[str, str] | None = None
        if request_data is not None:
            if files:
                form = aiohttp.FormData(quote_fields=False)
                for name, value in request_data.json_parameters.items():
                    form.add_field(name, value)
                for name, (filename, content, mimetype) in request_data.multipart_data.items():
                    form.add_field(name, content, filename=filename, content_type=mimetype)
                data = form
            else:
                data = request_data.url_encoded_parameters().encode()
                headers = FORM
        try:
            async with session.request(method, url, data=data, headers=headers, timeout=timeout) as response:
                return response.status, await response.read()
        except TimeoutError as exc:  # aiohttp's timeouts are TimeoutErrors (some also ClientErrors)
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc
