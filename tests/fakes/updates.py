"""Builders of realistic Telegram update payloads (as Telegram sends them as JSON)."""

from __future__ import annotations

import itertools
import time
from typing import Any

from tests.fakes.bot_api import BOT_ID, BOT_USERNAME

_update_ids = itertools.count(1)
_message_ids = itertools.count(1)


def user(user_id: int, first_name: str = "Fatima", language_code: str | None = "nl", **extra: Any) -> dict:
    data = {"id": user_id, "is_bot": False, "first_name": first_name, **extra}
    if language_code is not None:
        data["language_code"] = language_code
    return data


RESIDENT = user(1001, "Fatima", "nl")
RESIDENT_EN = user(1002, "John", "en")
RESIDENT_TR = user(1003, "Ayşe", "tr")


def private_chat(of_user: dict) -> dict:
    return {"id": of_user["id"], "type": "private", "first_name": of_user["first_name"]}


def group_chat(chat_id: int = -1001234567890, title: str = "Netwerk Buurthuiskamers", forum: bool = False) -> dict:
    chat = {"id": chat_id, "type": "supergroup", "title": title}
    if forum:
        chat["is_forum"] = True
    return chat


def _base_message(sender: dict, chat: dict | None, **fields: Any) -> dict:
    return {
        "message_id": next(_message_ids),
        "date": int(time.time()),
        "chat": chat or private_chat(sender),
        "from": sender,
        **fields,
    }


def message(text: str, sender: dict = RESIDENT, chat: dict | None = None, **fields: Any) -> dict:
    """A text message; a leading /command gets its bot_command entity, as Telegram sends it."""
    body = _base_message(sender, chat, text=text, **fields)
    if text.startswith("/"):
        command = text.split()[0]
        body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return {"update_id": next(_update_ids), "message": body}


def command(name: str, args: str = "", sender: dict = RESIDENT, chat: dict | None = None, mention: bool = False) -> dict:
    text = f"/{name}" + (f"@{BOT_USERNAME}" if mention else "") + (f" {args}" if args else "")
    return message(text, sender, chat)


def location(latitude: float, longitude: float, sender: dict = RESIDENT, chat: dict | None = None) -> dict:
    body = _base_message(sender, chat, location={"latitude": latitude, "longitude": longitude})
    return {"update_id": next(_update_ids), "message": body}


def photo(sender: dict = RESIDENT, chat: dict | None = None, caption: str | None = None, file_id: str = "AgACphoto1") -> dict:
    sizes = [{"file_id": file_id, "file_unique_id": file_id + "u", "width": 800, "height": 600}]
    fields: dict[str, Any] = {"photo": sizes}
    if caption:
        fields["caption"] = caption
    return {"update_id": next(_update_ids), "message": _base_message(sender, chat, **fields)}


def edited_message(text: str, sender: dict = RESIDENT) -> dict:
    body = _base_message(sender, None, text=text, edit_date=int(time.time()))
    return {"update_id": next(_update_ids), "edited_message": body}


def callback(data: str, sender: dict = RESIDENT, chat: dict | None = None, message_id: int = 500, message_text: str = "…") -> dict:
    """A button press on a message the bot sent earlier."""
    bot_message = {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": chat or private_chat(sender),
        "from": {"id": BOT_ID, "is_bot": True, "first_name": "Knooppunt", "username": BOT_USERNAME},
        "text": message_text,
    }
    return {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": str(next(_update_ids)),
            "from": sender,
            "chat_instance": "ci-1",
            "message": bot_message,
            "data": data,
        },
    }


def my_chat_member(chat: dict, by: dict, old: str = "left", new: str = "member") -> dict:
    """The bot's own membership in a chat changed (added, removed, promoted)."""
    bot_user = {"id": BOT_ID, "is_bot": True, "first_name": "Knooppunt", "username": BOT_USERNAME}
    return {
        "update_id": next(_update_ids),
        "my_chat_member": {
            "chat": chat,
            "from": by,
            "date": int(time.time()),
            "old_chat_member": {"user": bot_user, "status": old},
            "new_chat_member": {"user": bot_user, "status": new},
        },
    }


def poll_answer(poll_id: str, voter: dict, option_ids: list[int]) -> dict:
    """Someone answered (or, with no options, took back) a non-anonymous poll the bot sent."""
    body = {"poll_id": poll_id, "user": voter, "option_ids": option_ids, "option_persistent_ids": [f"o{i}" for i in option_ids]}
    return {"update_id": next(_update_ids), "poll_answer": body}


def poll_totals(poll: dict, counts: list[int], voters: int | None = None, closed: bool = False) -> dict:
    """Telegram's new totals of a poll the bot sent (`poll` as the fake Bot API recorded it)."""
    options = [{**option, "voter_count": count} for option, count in zip(poll["options"], counts, strict=True)]
    body = {**poll, "options": options, "total_voter_count": sum(counts) if voters is None else voters, "is_closed": closed}
    return {"update_id": next(_update_ids), "poll": body}
