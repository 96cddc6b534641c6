"""Issue 12.7: the webhook checks the secret and the size before it reads a body (the real process)."""

from __future__ import annotations

import http.client
import json
import threading
import time

import pytest

from tests.fakes import updates
from tests.fakes.http_bot_api import BotApiStandIn
from tests.test_e2e_process import TOKEN, stop_bot
from tests.trust.test_webhook import HOOK_PATH, SECRET, free_port, post_update, start_webhook_bot

MB = 1024 * 1024
CHUNK = b"x" * (256 * 1024)


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def big_post(port: int, size: int, headers: dict[str, str], chunked: bool) -> int | None:
    """Send `size` bytes as fast as the server takes them; the status, or None if it hung up first."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.putrequest("POST", f"/{HOOK_PATH}")
        for key, value in headers.items():
            connection.putheader(key, value)
        if chunked:
            connection.putheader("Transfer-Encoding", "chunked")
        else:
            connection.putheader("Content-Length", str(size))
        connection.endheaders()
        sent = 0
        while sent < size:
            piece = CHUNK[: min(len(CHUNK), size - sent)]
            connection.send(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
            sent += len(piece)
        if chunked:
            connection.send(b"0\r\n\r\n")
        return connection.getresponse().status
    except (BrokenPipeError, ConnectionResetError):
        try:
            return connection.getresponse().status
        except Exception:  # noqa: BLE001 - the server closed after answering early
            return None
    finally:
        connection.close()


def parallel_posts(port: int, pid: int, headers: dict[str, str], chunked: bool) -> tuple[list[int | None], float]:
    """Five parallel 100 MB posts; returns their statuses and the highest RSS seen meanwhile."""
    results: list[int | None] = []
    peak = [rss_mb(pid)]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], rss_mb(pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    workers = [threading.Thread(target=lambda: results.append(big_post(port, 100 * MB, headers, chunked))) for _ in range(5)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    done.set()
    sampler.join()
    return results, peak[0]


@pytest.mark.e2e
def test_hostile_posts_cost_no_memory_and_bad_updates_are_not_logged(tmp_path):
    port = free_port()
    with BotApiStandIn() as api:
        process = start_webhook_bot(api, tmp_path, port)
        try:
            api.wait_for(lambda call: call.method == "setWebhook")
            assert post_update(port, updates.command("start", sender=updates.RESIDENT), SECRET) == 200
            api.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == updates.RESIDENT["id"])
            baseline = rss_mb(process.pid)
            json_type = {"Content-Type": "application/json"}

            # Without the secret: refused from the headers, Content-Length or chunked.
            statuses, peak = parallel_posts(port, process.pid, json_type, chunked=False)
            assert set(statuses) <= {403, None} and 403 in statuses, statuses
            assert peak - baseline < 50, f"RSS rose {peak - baseline:.1f} MB"
            statuses, peak_chunked = parallel_posts(port, process.pid, json_type, chunked=True)
            assert set(statuses) <= {403, None}, statuses
            assert peak_chunked - baseline < 50, f"RSS rose {peak_chunked - baseline:.1f} MB"
            # With the secret but too large: 413, by the header or while streaming.
            signed = {**json_type, "X-Telegram-Bot-Api-Secret-Token": SECRET}
            statuses, peak_signed = parallel_posts(port, process.pid, signed, chunked=True)
            assert set(statuses) <= {413, None} and 413 in statuses, statuses
            assert peak_signed - baseline < 50, f"RSS rose {peak_signed - baseline:.1f} MB"
            assert big_post(port, 2 * MB, signed, chunked=False) == 413
            print(f"\nwebhook RSS: baseline {baseline:.1f} MB; peak +{peak - baseline:.1f} (Content-Length), "
                  f"+{peak_chunked - baseline:.1f} (chunked), +{peak_signed - baseline:.1f} (with secret, chunked) MB")

            # charset=utf-8 is fine; an unreadable update with the right secret is refused and not logged.
            body = json.dumps(updates.command("hulp", sender=updates.RESIDENT)).encode()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("POST", f"/{HOOK_PATH}", body=body,
                               headers={**signed, "Content-Type": "application/json; charset=utf-8"})
            assert connection.getresponse().status == 200
            api.wait_for(lambda c: c.method == "sendMessage" and "Zo werkt Knooppunt" in c.text)
            secret_words = "geheime-tekst-van-een-bewoner"
            for bad in (b'{"update_id": 77, "message": "' + secret_words.encode() + b'"}', b"not json " + secret_words.encode()):
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                connection.request("POST", f"/{HOOK_PATH}", body=bad, headers=signed)
                assert connection.getresponse().status == 400
            assert post_update(port, updates.command("start", sender=updates.RESIDENT_EN), SECRET) == 200
            api.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == updates.RESIDENT_EN["id"])
        finally:
            code, output = stop_bot(process)
        assert code == 0, output
        assert "geheime-tekst" not in output
        assert "update_id 77" in output
        assert TOKEN not in output and SECRET not in output
