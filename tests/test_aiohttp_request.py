"""The bot's HTTP layer (bot/aiohttp_request.py) against the local Bot API stand-in: what PTB sends
arrives as Telegram would read it, files included, and failures become PTB's own errors."""

from __future__ import annotations

import asyncio
import socket

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.request import RequestData

from bot.aiohttp_request import AiohttpRequest
from tests.fakes.http_bot_api import BotApiStandIn

TOKEN = "424242:TEST-not-a-real-token"


@pytest.fixture
def stand_in():
    with BotApiStandIn() as api:
        yield api


def bot_on(api: BotApiStandIn, request: AiohttpRequest) -> Bot:
    return Bot(TOKEN, base_url=api.base_url, request=request, get_updates_request=AiohttpRequest())


async def test_a_message_with_buttons_arrives_as_sent_and_the_answer_is_read(stand_in):
    bot = bot_on(stand_in, AiohttpRequest(connection_pool_size=8))
    async with bot:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Ja & nee", callback_data="k:1")]])
        sent = await bot.send_message(3001, "Hallo <b>buurt</b> é ☕", parse_mode=ParseMode.HTML, reply_markup=keyboard)
    [call] = [c for c in stand_in.calls if c.method == "sendMessage"]
    assert call.params["chat_id"] == 3001
    assert call.text == "Hallo <b>buurt</b> é ☕"
    assert call.params["parse_mode"] == "HTML"
    assert call.reply_markup == {"inline_keyboard": [[{"text": "Ja & nee", "callback_data": "k:1"}]]}
    assert sent.chat.id == 3001 and sent.text == "Hallo <b>buurt</b> é ☕"


async def test_many_at_once_share_the_pool_and_all_arrive(stand_in):
    bot = bot_on(stand_in, AiohttpRequest(connection_pool_size=4))
    async with bot:
        await asyncio.gather(*(bot.send_message(4000 + i, f"bericht {i}") for i in range(40)))
    assert sorted(c.chat_id for c in stand_in.calls if c.method == "sendMessage") == list(range(4000, 4040))


async def test_a_file_is_uploaded_with_its_name_and_caption(stand_in):
    bot = bot_on(stand_in, AiohttpRequest())
    async with bot:
        await bot.send_document(3002, InputFile(b"%PDF-1.4 inbreng", filename="inbreng.pdf"), caption="Inbreng & wensen")
    [call] = [c for c in stand_in.calls if c.method == "sendDocument"]
    assert call.files["document"] == ("inbreng.pdf", b"%PDF-1.4 inbreng")
    assert call.text == "Inbreng & wensen"
    assert call.chat_id == 3002


async def test_telegram_refusing_becomes_ptbs_error(stand_in):
    bot = bot_on(stand_in, AiohttpRequest())
    async with bot:
        stand_in.refuse = lambda call: (400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"})
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(3003, "hallo")


async def test_no_answer_in_time_is_timed_out(stand_in):
    bot = bot_on(stand_in, AiohttpRequest(read_timeout=0.3))
    async with bot:
        stand_in.stall = lambda call: call.method == "sendMessage"
        with pytest.raises(TimedOut):
            await bot.send_message(3004, "hallo")
        stand_in.stall = None
        with pytest.raises(TimedOut):  # a timeout given per call wins over the default
            stand_in.stall = lambda call: call.method == "sendMessage"
            await bot.send_message(3004, "hallo", read_timeout=0.2)


async def test_nobody_listening_is_a_network_error():
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError, match="aiohttp"):
            await request.do_request(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe", "POST", RequestData())
    finally:
        await request.shutdown()


async def test_not_initialized_says_so():
    with pytest.raises(RuntimeError, match="not initialized"):
        await AiohttpRequest().do_request("http://127.0.0.1:9/x", "POST")


def test_one_request_object_serves_one_event_loop_after_another(stand_in):
    """The start-up check and run_polling each run their own loop with the same request object."""
    request = AiohttpRequest()
    bot = bot_on(stand_in, request)

    async def hello(chat_id: int) -> None:
        async with bot:
            await bot.send_message(chat_id, "hallo")

    asyncio.run(hello(3005))
    asyncio.run(hello(3006))
    assert [c.chat_id for c in stand_in.calls if c.method == "sendMessage"] == [3005, 3006]
