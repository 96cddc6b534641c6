"""`python -m bot demo`: try Knooppunt in the terminal, without a token or Telegram.

The real Application (bot.app.build_application, the production factory, every handler) runs
against bot.demo_api.LocalBotApi on a temporary SQLite database filled with bot.demo_data. You
chat as a resident, a volunteer or a coordinator (`/als vrijwilliger`); the bot's messages are
shown as text, with inline buttons numbered (type the number), reply-keyboard buttons lettered
(type the letter), map pins and files written out readably.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import logging
import re
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.demo_api import Call, LocalBotApi
from bot.demo_data import GROUP, HOME, PERSONAS, RESIDENT, Persona

HELP = """\
Zo werkt de demo (al het andere gaat als bericht naar de bot):
  1, 2, …        druk op knop 1, 2, … onder het laatste bericht met knoppen
  a, b, …        druk op toets a, b, … van het toetsenbord onder het tekstveld
  /als bewoner | vrijwilliger | coordinator   wissel van persoon (ook: /as resident|volunteer|coordinator)
  /groep TEKST   zeg TEKST in de Telegram-groep van het netwerk, bijvoorbeeld: /groep /digest_voorbeeld
  /locatie [3027 | 51.91,4.44]                deel een locatie (zonder iets: een straat in Spangen)
  /wie           wie ben ik, en wie zijn er nog
  /demo          deze uitleg        /klaar (of Ctrl-D)   stop de demo
Probeer: /start, "waar is een buurthuiskamer bij mij in de buurt?", /agenda, /zoek koffie;
als vrijwilliger /mijn of /activiteit; als coördinator /beheer of /groep /digest_voorbeeld."""
ROLE_WORDS = {
    "bewoner": "bewoner", "resident": "bewoner", "vrijwilliger": "vrijwilliger", "volunteer": "vrijwilliger",
    "coordinator": "coordinator", "coördinator": "coordinator",
}
_TAG = re.compile(r"<[^>]+>")


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo", help="try the bot in the terminal: no token, sample Delfshaven data, a temporary database",
        description="Chat with the real bot in this terminal as a resident, a volunteer or a coordinator. "
        "Nothing is sent to Telegram; the sample data lives in a temporary database that is deleted afterwards.",
    )
    parser.set_defaults(func=cmd_demo, needs_token=False, demo=True)


def cmd_demo(_args: argparse.Namespace, settings: Settings) -> int:
    if settings.log_level != "DEBUG":
        logging.getLogger().setLevel(logging.WARNING)  # the chat is the output; LOG_LEVEL=DEBUG shows everything
    with tempfile.TemporaryDirectory(prefix="knooppunt-demo-") as folder:
        return asyncio.run(run_demo(settings, Path(folder)))


# -- showing what the bot sends ------------------------------------------------------------------------


def plain(text: str, bold: bool) -> str:
    """Telegram HTML as terminal text: <b> in bold (on a terminal), links as 'text (url)', the rest plain."""
    text = re.sub(r'<a href="([^"]+)">(.*?)</a>', lambda m: m.group(2) if m.group(1) in m.group(2) else f"{m.group(2)} ({m.group(1)})", text)
    if bold:
        text = re.sub(r"<b>(.*?)</b>", "\033[1m\\1\033[0m", text, flags=re.S)
    return html.unescape(_TAG.sub("", text))


class Screen:
    """Writes the conversation to a text stream; remembers the buttons a number or letter picks."""

    def __init__(self, out, folder: Path) -> None:  # noqa: ANN001 - a text stream
        self.out = out
        self.bold = out.isatty()
        self.folder = folder
        self.persona: Persona = RESIDENT
        self.inline: dict[str, tuple[int, int, dict]] = {}  # number -> (chat, message, button)
        self.inline_message: tuple[int, int] | None = None
        self.reply_keys: dict[str, dict] = {}  # letter -> keyboard button
        self.waiting: dict[int, list[Call]] = {}  # messages for someone else, shown when you switch to them

    def write(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def on_call(self, call: Call) -> None:
        chat = call.chat_id
        if call.method == "answerCallbackQuery":
            if call.params.get("text"):
                self.write(f"   (melding) {call.params['text']}")
            return
        if call.message is None and call.method != "deleteMessage":
            return  # setMyCommands, sendChatAction, …
        if chat is not None and chat > 0 and chat != self.persona.user["id"]:
            self.waiting.setdefault(chat, []).append(call)
            name = next((p.label.split(",")[0] for p in PERSONAS if p.user["id"] == chat), str(chat))
            self.write(f"   (bericht voor {name}; /als … om het te zien)")
            return
        self.show(call)

    def show(self, call: Call) -> None:
        chat = call.chat_id
        where = "GROEP" if chat is not None and chat < 0 else "BOT"
        if call.method == "deleteMessage":
            self.write(f"   [{where}] (bericht verwijderd)")
            return
        message = call.message or {}
        edited = call.method.startswith("edit")
        head = f"[{where}{' — bewerkt' if edited else ''}]"
        body = message.get("text") or message.get("caption") or ""
        lines = [head]
        if "venue" in message:
            venue = message["venue"]
            lat, lon = venue["location"]["latitude"], venue["location"]["longitude"]
            lines.append(f"📍 {venue['title']} — {venue['address']}  ({lat:.5f}, {lon:.5f})")
            lines.append(f"   kaart: https://www.openstreetmap.org/?mlat={lat:.5f}&mlon={lon:.5f}#map=18/{lat:.5f}/{lon:.5f}")
        elif "location" in message:
            lat, lon = message["location"]["latitude"], message["location"]["longitude"]
            lines.append(f"📍 kaartpunt ({lat:.5f}, {lon:.5f}) https://www.openstreetmap.org/?mlat={lat:.5f}&mlon={lon:.5f}")
        if call.files:
            lines.extend(self._files(call))
        elif "photo" in message:
            lines.append("🖼 (foto)")
        if body:
            lines.append(plain(body, self.bold))
        markup = call.params.get("reply_markup") if isinstance(call.params.get("reply_markup"), dict) else None
        if markup and "inline_keyboard" in markup:
            lines.extend(self._inline(chat, message["message_id"], markup["inline_keyboard"]))
        elif edited and self.inline_message == (chat, message.get("message_id")):
            self.inline, self.inline_message = {}, None  # its buttons are gone
        if markup and "keyboard" in markup:
            lines.extend(self._keyboard(markup["keyboard"]))
        elif markup and markup.get("remove_keyboard"):
            self.reply_keys = {}
        self.write("\n".join(lines))
        self.write()

    def _inline(self, chat: int, message_id: int, rows: list[list[dict]]) -> list[str]:
        self.inline, self.inline_message = {}, (chat, message_id)
        shown = []
        for row in rows:
            cells = []
            for button in row:
                number = str(len(self.inline) + 1)
                self.inline[number] = (chat, message_id, button)
                link = f" → {button['url']}" if "url" in button else ""
                cells.append(f"[{number}] {button['text']}{link}")
            shown.append("   " + "   ".join(cells))
        return shown

    def _keyboard(self, rows: list[list[Any]]) -> list[str]:
        self.reply_keys = {}
        cells = []
        for row in rows:
            for button in row:
                button = button if isinstance(button, dict) else {"text": button}
                letter = chr(ord("a") + len(self.reply_keys))
                self.reply_keys[letter] = button
                cells.append(f"({letter}) {button['text']}")
        return ["   toetsenbord: " + "   ".join(cells)]

    def _files(self, call: Call) -> list[str]:
        shown = []
        for name, (filename, data) in call.files.items():
            path = self.folder / Path(filename or name).name
            path.write_bytes(data)
            shown.append(f"📎 bestand {path.name} ({len(data)} bytes), bewaard als {path}")
            if path.suffix in (".ics", ".json", ".csv", ".txt"):
                text = data.decode("utf-8", errors="replace").splitlines()
                shown.extend(f"   | {line}" for line in text[:8])
                if len(text) > 8:
                    shown.append(f"   | … ({len(text) - 8} regels meer)")
        return shown


# -- the loop ------------------------------------------------------------------------------------------


async def run_demo(settings: Settings, folder: Path, stdin=None, stdout=None) -> int:  # noqa: ANN001 - text streams
    from telegram import Update

    from bot.app import build_application, send_weekly_overviews
    from bot.demo_data import ADMIN_IDS, seed
    from storage.migrate import upgrade_database

    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    database_url = f"sqlite+aiosqlite:///{folder / 'demo.db'}"
    await upgrade_database(database_url)
    demo_settings = Settings(
        token="123456:demo-no-real-token", database_url=database_url, data_dir=folder, admin_ids=ADMIN_IDS,
        timezone=settings.timezone, default_language=settings.default_language, log_level=settings.log_level,
        flood_limit=settings.flood_limit,
    )
    api = LocalBotApi()
    application = build_application(demo_settings, request=api, rate_limiter=False)  # the production factory
    world = await seed(application.bot_data.session_factory, datetime.now(timezone.utc), settings.timezone)
    screen = Screen(stdout, folder)
    api.listeners.append(screen.on_call)
    screen.write(f"Knooppunt demo — {len(PERSONAS)} mensen, 8 buurtplekken, {world.activities} activiteiten, 1 groep; "
                 "niets gaat naar Telegram.")
    screen.write(HELP)
    screen.write(f"\nJe bent nu: {screen.persona.label}.\n")
    async with application:
        await application.post_init(application)
        await application.updater.start_polling(poll_interval=0, timeout=1, allowed_updates=Update.ALL_TYPES)
        await application.start()
        await send_weekly_overviews(application)  # the coordinator's, whatever day the demo runs
        await _settle(api)  # what the bot does by itself at start comes before the prompt
        try:
            await _conversation(api, screen, stdin)
        finally:
            await application.updater.stop()
            await application.stop()
    await application.post_shutdown(application)
    screen.write("Demo gestopt; de tijdelijke database is weggegooid.")
    return 0


async def _conversation(api: LocalBotApi, screen: Screen, stdin) -> None:  # noqa: ANN001
    loop = asyncio.get_running_loop()
    while True:
        prompt = f"{screen.persona.key}> "
        screen.out.write(prompt)
        screen.out.flush()
        line = await loop.run_in_executor(None, stdin.readline)
        if not line:
            screen.write()
            return
        text = line.strip()
        if not text:
            continue
        if text in ("/klaar", "/quit", "/exit"):
            return
        await _handle(api, screen, text)
        await _settle(api)


async def _settle(api: LocalBotApi, quiet_for: float = 0.4, at_most: float = 8.0) -> None:
    """Wait until the bot has answered (no new calls for a moment), so the prompt comes after it."""
    waited, seen = 0.0, -1
    while waited < at_most:
        await asyncio.sleep(quiet_for)
        waited += quiet_for
        if len(api.calls) == seen:
            return
        seen = len(api.calls)


async def _handle(api: LocalBotApi, screen: Screen, text: str) -> None:
    user = screen.persona.user
    private = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
    command, _, rest = text.partition(" ")
    if command in ("/demo", "/?"):
        screen.write(HELP)
    elif command in ("/als", "/as"):
        _switch(screen, rest.strip().lower())
    elif command == "/wie":
        screen.write(f"Je bent {screen.persona.label}. Anderen: " + "; ".join(p.label for p in PERSONAS if p is not screen.persona))
    elif command == "/groep":
        if not rest.strip():
            screen.write("Wat zeg je in de groep? Bijvoorbeeld: /groep /digest_voorbeeld")
        else:
            api.send_text(user, GROUP, rest.strip())
    elif command == "/locatie":
        point = _point(rest.strip())
        if point is None:
            screen.write("Geef een postcode (3027) of lengte- en breedtegraad (51.91,4.44).")
        else:
            api.send_location(user, private, *point)
    elif text in screen.inline:
        chat, message_id, button = screen.inline[text]
        if "callback_data" in button:
            api.press(user, chat, message_id, button["callback_data"])
        else:
            screen.write(f"(een link: {button.get('url', '?')})")
    elif text in screen.reply_keys:
        button = screen.reply_keys[text]
        if button.get("request_location"):
            api.send_location(user, private, *HOME)
        else:
            api.send_text(user, private, button["text"])
    elif text.isdigit():
        screen.write(f"Er is geen knop {text} (meer). De knoppen staan onder het laatste bericht met knoppen.")
    else:
        api.send_text(user, private, text)


def _switch(screen: Screen, word: str) -> None:
    key = ROLE_WORDS.get(word)
    if key is None:
        screen.write("Kies: /als bewoner, /als vrijwilliger of /als coordinator")
        return
    screen.persona = next(p for p in PERSONAS if p.key == key)
    screen.inline, screen.inline_message, screen.reply_keys = {}, None, {}
    screen.write(f"Je bent nu: {screen.persona.label}.")
    for call in screen.waiting.pop(screen.persona.user["id"], []):
        screen.show(call)


def _point(text: str) -> tuple[float, float] | None:
    from domain.gazetteer import lookup_postcode, pc4_index

    if not text:
        return HOME
    match = re.fullmatch(r"(-?\d+(?:\.\d+)?)\s*[, ]\s*(-?\d+(?:\.\d+)?)", text)
    if match:
        return float(match.group(1)), float(match.group(2))
    if text[:4] in pc4_index():
        found = lookup_postcode(text[:4])
        return found.lat, found.lon
    return None
