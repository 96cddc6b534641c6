"""What Telegram would refuse: checks applied to every Bot API call the bot makes in a test."""

from __future__ import annotations

from domain.htmltext import is_valid_telegram_html, utf16_len
from tests.fakes.bot_api import ApiCall

TEXT_LIMIT, CAPTION_LIMIT, CALLBACK_DATA_BYTES, CALLBACK_ANSWER_LIMIT = 4096, 1024, 64, 200
BUTTON_LIMIT = 100  # a button's text (inline and reply keyboards) has a practical limit of 100


def problems(call: ApiCall) -> list[str]:
    """Reasons Telegram would reject `call`; empty when it is fine."""
    found = []
    params = call.params
    html = params.get("parse_mode") == "HTML"
    for key, limit in (("text", TEXT_LIMIT), ("caption", CAPTION_LIMIT)):
        value = params.get(key)
        if value is None:
            continue
        if key == "text" and call.method in ("sendMessage", "editMessageText") and not str(value).strip():
            found.append(f"{call.method}: empty text")
        if utf16_len(str(value)) > limit:
            found.append(f"{call.method}: {key} of {utf16_len(str(value))} UTF-16 units > {limit}")
        if html and not is_valid_telegram_html(str(value)):
            found.append(f"{call.method}: {key} is not valid Telegram HTML: {str(value)[:300]!r}")
    if call.method == "answerCallbackQuery" and utf16_len(str(params.get("text") or "")) > CALLBACK_ANSWER_LIMIT:
        found.append("answerCallbackQuery: text > 200")
    markup = call.reply_markup or {}
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= CALLBACK_DATA_BYTES:
                found.append(f"callback_data {data!r} is {len(data.encode())} bytes")
            if not button.get("text"):
                found.append("inline button without text")
    for row in markup.get("keyboard", []):
        for button in row:
            text = button["text"] if isinstance(button, dict) else button
            if not text or len(text) > BUTTON_LIMIT:
                found.append(f"keyboard button text {text!r}")
    return found
