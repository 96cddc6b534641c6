"""`python -m bot` serves the web pages next to polling, prints where, and WEB_ENABLED=false turns it off."""

from __future__ import annotations

import re
import time
import urllib.request

import pytest

from tests.fakes.http_bot_api import BotApiStandIn
from tests.test_e2e_process import start_bot, stop_bot
from tests.trust.test_webhook import free_port


def get(url: str) -> tuple[int, bytes, dict]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read(), dict(response.headers)


@pytest.mark.e2e
def test_polling_and_the_web_server_run_together(tmp_path):
    port = free_port()
    with BotApiStandIn() as api:
        process = start_bot(api, tmp_path / "knooppunt.db", WEB_PORT=str(port), PUBLIC_URL="https://gids.example.nl")
        try:
            api.wait_for(lambda call: call.method == "getUpdates")
            deadline = time.monotonic() + 15
            while True:
                try:
                    status, body, headers = get(f"http://127.0.0.1:{port}/")
                    break
                except OSError:
                    assert time.monotonic() < deadline
                    time.sleep(0.1)
            assert status == 200 and b"<h1>Buurtplekken in Delfshaven</h1>" in body
            assert "set-cookie" not in {key.lower() for key in headers}
            status, body, _headers = get(f"http://127.0.0.1:{port}/data/places.json")
            assert status == 200 and b'"license":"CC BY 4.0"' in body
        finally:
            code, output = stop_bot(process)
        assert code == 0, output
        assert f"listens on http://127.0.0.1:{port}/" in output


@pytest.mark.e2e
def test_web_enabled_false_means_polling_only(tmp_path):
    with BotApiStandIn() as api:
        process = start_bot(api, tmp_path / "knooppunt.db", WEB_ENABLED="false")
        try:
            api.wait_for(lambda call: call.method == "getUpdates")
        finally:
            code, output = stop_bot(process)
        assert code == 0, output
        assert not re.search(r"listens on http", output)
