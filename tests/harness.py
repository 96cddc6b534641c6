"""Drive the production Application with fake updates and see what the user would see."""

from __future__ import annotations

import os
from typing import Any

from telegram import Update
from telegram.ext import Application

from tests.fakes import updates
from tests.fakes.bot_api import ApiCall, FakeBotAPI


def transcript_lines(label: str, calls: list[ApiCall]) -> list[str]:
    """What the person saw after doing `label`, as lines: messages, edits, pop-ups and buttons."""
    lines = [f">> {label}"]
    for call in calls:
        if call.method == "answerCallbackQuery" and call.params.get("text"):
            lines.append(f"   (popup) {call.params['text']}")
        elif call.method.startswith(("send", "edit")):
            lines.append(f"   [{call.chat_id}] {call.method}: {call.text or call.params.get('title', '')}")
            if call.buttons():
                lines.append(f"      buttons: {call.buttons()}")
    return lines


def show_transcript(label: str, calls: list[ApiCall]) -> list[ApiCall]:
    """With KP_TRANSCRIPT=1 (and pytest -s), print what the person saw: for reading a flow as they would."""
    if os.environ.get("KP_TRANSCRIPT"):
        print("\n" + "\n".join(transcript_lines(label, calls)))
    return calls


class BotHarness:
    def __init__(self, application: Application, api: FakeBotAPI) -> None:
        self.app = application
        self.api = api
        # After each update the outbox is drained, as the worker would at once: the calls an
        # update caused include the notices it queued. Tests that script outbox faults turn it off.
        self.auto_drain = True

    @property
    def session_factory(self):  # noqa: ANN201
        return self.app.bot_data.session_factory

    async def drain(self, rounds: int = 100) -> list[ApiCall]:
        """Let the outbox worker send every row that is due now (by the app's clock); return the calls."""
        from handlers.core.outbox import drain_once

        before = len(self.api.calls)
        for _ in range(rounds):
            if not await drain_once(self.app):
                break
        return self.api.calls[before:]

    async def send(self, payload: dict[str, Any]) -> list[ApiCall]:
        """Process one update; return the Bot API calls it caused."""
        before = len(self.api.calls)
        await self.app.process_update(Update.de_json(payload, self.app.bot))
        if self.auto_drain:
            await self.drain()
        return self.api.calls[before:]

    async def say(self, text: str, sender: dict = updates.RESIDENT, chat: dict | None = None) -> list[ApiCall]:
        return await self.send(updates.message(text, sender, chat))

    async def press(self, data: str, sender: dict = updates.RESIDENT, chat: dict | None = None, message_id: int = 500) -> list[ApiCall]:
        return await self.send(updates.callback(data, sender, chat, message_id))

    @staticmethod
    def replies(calls: list[ApiCall]) -> list[ApiCall]:
        """The messages among `calls` (sent or edited), leaving out answerCallbackQuery etc."""
        return [call for call in calls if call.method.startswith(("send", "edit", "copy", "forward"))]

    @classmethod
    def reply_texts(cls, calls: list[ApiCall]) -> list[str]:
        return [call.text for call in cls.replies(calls)]
