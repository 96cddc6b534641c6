"""Fuzzed updates for the real process (issue 12): odd text, edge ids, forged buttons, updates the
library cannot read. Every text holds SECRET so a test can prove no message text reaches the log.

Used by tests/test_reliability_e2e.py (a few hundred) and benchmarks/fuzz.py (2,000).
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from tests.fakes import updates

SECRET = "geheimbericht"
EDGE_IDS = ["0", "1", "-1", "2147483647", "2147483648", "-2147483649", "99999999999999999999", "²", "٣", "", "1e9", " 7"]
BUTTONS = ["ac:o:", "ac:r:", "ac:x:", "ac:i:", "ac:p:", "ac:e:", "ac:k:", "ac:K:", "ac:h:", "lnk:", "ag:N:{}:0", "ag:w:week:",
           "ag:B:{}:0", "an:ok:", "an:no:", "adm:n:", "adm:ren:", "adm:cr:1:", "own:v:", "own:l:", "own:ok:", "apr:ok:",
           "chg:no:", "lang:", "dir:m:", "ae:{}:title", "pi:", "bn:", "reg:net:", "dg:lang:",
           "vm:ok:", "vm:no:", "vm:in:{}:", "vs:o:", "vs:s:", "vs:A:", "vs:W:", "vs:a:", "vs:w:", "vs:l:{}:0:", "vp:n:", "vi:b:"]
DEEP_LINKS = ["act-", "inv-", "", "x-", "act", "stem-"]
COMMANDS = ["start", "hulp", "help", "agenda", "dichtbij", "zoek", "taal", "mijn", "beheer", "activiteit", "bericht",
            "koppel", "digest_tijd", "privacy", "stop", "terug", "overslaan", "onbekend", "idee", "stem", "voortgang"]
ODD_TEXT = ["\u202eطرح سؤال", "zero\u200bwidth\u200d", "😀" * 50, "a" * 4096, "<b>&amp;</b>", "3024 AB", "3024",
            "Spangen", "buurthuiskamer bij mij in de buurt", "speeltuin nu open", "\x00\x01", "' OR 1=1 --", "%s%s%n",
            "ＢｏＴｕ", "\n\n\n", "İstanbul ıi", "where can I find a community living room near 3021?"]
UNREADABLE = [
    lambda text: {"message": {"message_id": 1, "date": "gisteren", "chat": {"id": 4001, "type": "private"}, "text": text}},
    lambda text: {"message": {"message_id": 2, "date": 1, "chat": {"id": 4001, "type": "private"}, "text": text, "entities": [{"type": "bold"}]}},
    lambda text: {"callback_query": {"id": "9", "from": {"id": 4001}, "chat_instance": "x", "data": text}},
    lambda text: {"message": text},
    lambda text: {"message": {"message_id": 3, "date": 1, "chat": {"id": 4001, "type": "private"}, "location": {"latitude": text}}},
]


def fuzzed_updates(count: int, seed: int = 12) -> Iterator[dict]:
    rng = random.Random(seed)
    people = [updates.user(4000 + index, f"Fuzz{index}", rng.choice(["nl", "en", "tr", None])) for index in range(40)]
    for index in range(count):
        person = rng.choice(people)
        text = f"{rng.choice(ODD_TEXT)} {SECRET}{index}"
        edge = rng.choice(EDGE_IDS)
        kind = rng.randrange(10)
        if kind == 0:
            yield rng.choice(UNREADABLE)(text)
        elif kind == 1:
            yield updates.command("start", rng.choice(DEEP_LINKS) + edge, sender=person)
        elif kind == 2:
            button = rng.choice(BUTTONS)
            data = (button.format(edge) if "{}" in button else button + edge)[:64]
            press = updates.callback(data, sender=person)
            if rng.random() < 0.15:  # a press without its message
                del press["callback_query"]["message"]
                press["callback_query"]["inline_message_id"] = "inline-1"
            yield press
        elif kind == 3:
            yield updates.command(rng.choice(COMMANDS), rng.choice(["", edge, text]), sender=person)
        elif kind == 4:
            yield updates.location(rng.uniform(-90, 90), rng.uniform(-180, 180), sender=person)
        elif kind == 5:
            yield updates.location(51.91 + rng.uniform(-0.02, 0.02), 4.45 + rng.uniform(-0.03, 0.03), sender=person)
        elif kind == 6:
            yield updates.edited_message(text, sender=person)
        elif kind == 7:
            yield {"channel_post": {"message_id": index, "date": 1, "chat": {"id": -100999, "type": "channel", "title": "k"}, "text": text}}
        elif kind == 8:
            yield updates.message(text, sender=person, chat=updates.group_chat())
        else:
            yield updates.message(text, sender=person)


def run_fuzz(count: int, workdir, seed: int = 12, timeout: float = 600.0) -> dict:  # noqa: ANN001 - a pathlib.Path
    """Push `count` fuzzed updates into `python -m bot` on the stand-in, then one /start; return figures."""
    import asyncio
    import time

    from storage.migrate import upgrade_database
    from tests.fakes.http_bot_api import BotApiStandIn
    from tests.test_e2e_process import start_bot, stop_bot

    database = workdir / "fuzz.db"
    asyncio.run(upgrade_database(f"sqlite+aiosqlite:///{database}"))
    sentinel = updates.user(4999, "Laatste", "nl")
    with BotApiStandIn() as api:
        process = start_bot(api, database)
        try:
            api.wait_for(lambda c: c.method == "getUpdates", timeout=60)
            started = time.monotonic()
            for update in fuzzed_updates(count, seed):
                api.push_update(update)
            api.push_update(updates.command("start", sender=sentinel))
            api.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == sentinel["id"], timeout=timeout)
            elapsed = time.monotonic() - started
            probe = time.monotonic()
            api.push_update(updates.command("start", sender=sentinel))
            api.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == sentinel["id"], count=2, timeout=60)
            answer_after = time.monotonic() - probe
        finally:
            code, output = stop_bot(process)
    return {
        "updates": count,
        "exit_code": code,
        "seconds": round(elapsed, 1),
        "start_answered_after_s": round(answer_after, 2),
        "tracebacks": output.count("Traceback"),
        "text_in_log": output.count(SECRET),
        "skipped_unreadable": output.count("Skipped update"),
        "error_lines": sum(1 for line in output.splitlines() if " ERROR " in line or "CRITICAL" in line),
        "bot_calls": len(api.calls),
        "output": output,
    }
