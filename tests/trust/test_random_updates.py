"""Hypothesis throws random updates at the real Application: no handler raises, and every message
the bot sends is one Telegram would accept (limits, Telegram's HTML only, user text escaped)."""

from __future__ import annotations

import asyncio
import itertools
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import handlers
from bot.app import build_application
from bot.places_cli import import_records
from domain.places_csv import read_places
from tests.conftest import ADMIN_ID
from tests.directory_data import PLACES_CSV
from tests.fakes.bot_api import BOT_ID, BOT_USERNAME, FakeBotAPI
from tests.harness import BotHarness
from tests.trust.telegram_rules import problems

MARK = "<u>ZQX</u>"  # user text that would become markup if it were not escaped
TRICKY = ["\u202e", "\u200f", "\u200b", "\u200d", "\ufeff", "\u0000", "‮", "𝕂", "👩‍👩‍👧", "ﷺ", "&amp;", "&", "<", ">", "<b>", "</i>", "<a href='x'>", MARK, "\n", "@" + BOT_USERNAME]
_ids = itertools.count(10_000_000)

users = st.sampled_from([1001, 1002, 2001, 3001, ADMIN_ID]).flatmap(
    lambda user_id: st.builds(
        lambda name, language: {"id": user_id, "is_bot": False, "first_name": name, "language_code": language},
        st.one_of(
            st.just("Fatima"), st.text(min_size=1, max_size=64), st.just(MARK + "&<>"),
            st.lists(st.sampled_from(TRICKY), min_size=1, max_size=6).map(lambda parts: "".join(parts)[:64]),
        ),
        st.sampled_from(["nl", "en", "tr", "ar", None]),
    )
)
# What residents ask the directory: postcodes (known, unknown, malformed), buurt names, addresses,
# and questions up to and past the length a question is read to.
postcodes = st.builds(lambda digits, letters, space: f"{digits}{' ' if space else ''}{letters}",
                      st.integers(1000, 9999).map(str) | st.sampled_from(["3021", "3024", "3026", "3027", "0000"]),
                      st.sampled_from(["", "AB", "ab", "ZZ", "SA", "1"]), st.booleans())
buurten = st.sampled_from(["Spangen", "Bospolder", "Tussendijken", "Oud-Mathenesse", "Nieuwe Westen", "Middelland",
                           "Delfshaven", "Schiemond", "Witte Dorp", "Historisch Delfshaven", "spangen", "BOSPOLDER"])
directory_questions = st.one_of(
    postcodes,
    buurten,
    st.builds(lambda what, where: f"{what} {where}",
              st.sampled_from(["buurthuiskamer", "taalcafé open nu", "waar is een speeltuin", "koffie met Arabisch",
                               "wheelchair accessible food bank near", "iets met rolstoel in", MARK]),
              postcodes | buurten | st.sampled_from(["Gravin Zwaluwstraat 77", "Schiedamseweg 10a", "mij", "de buurt"])),
    st.integers(250, 4096).map(lambda n: ("waar kan ik koffie drinken bij Spangen 3027 ‮ " * 200)[:n]),
)
texts = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(TRICKY) | st.text(max_size=5), max_size=30).map("".join),
    st.integers(4000, 4096).map(lambda n: ("Ab ﷺ‮ " * 1000)[:n]),  # at the length limit
    st.sampled_from(["buurthuiskamer 3026", "3021 AB", "koffie", "morgen", "Delfshaven", "zondag 14:00"]),
    directory_questions,
)


def command_names() -> list[str]:
    names = {item.command for item in handlers.all_commands()}
    names |= {"start", "help", "hulp", "taal", "language", "mydata", "forgetme", "stop", "terug", "cancel", "onbekend"}
    return sorted(names)


commands = st.builds(
    lambda name, mention, args: f"/{name}" + (f"@{BOT_USERNAME}" if mention else "") + (f" {args}" if args else ""),
    st.sampled_from(command_names()),
    st.booleans(),
    st.one_of(st.just(""), texts.map(lambda t: t[:300]), st.sampled_from(["1", "0", "-5", "99999999999", "act-1", "inv-abc"])),
)
chats = st.sampled_from(["private", "group", "supergroup"])


def chat_of(kind: str, sender: dict) -> dict:
    if kind == "private":
        return {"id": sender["id"], "type": "private", "first_name": sender["first_name"]}
    return {"id": -1001234567890 if kind == "supergroup" else -4242, "type": kind, "title": "Buurt <groep>"}


def message(sender: dict, chat: str, **fields) -> dict:
    return {"message_id": next(_ids), "date": int(time.time()), "chat": chat_of(chat, sender), "from": sender, **fields}


@st.composite
def text_updates(draw) -> dict:
    sender, chat = draw(users), draw(chats)
    text = draw(st.one_of(commands, texts))
    if not text:
        text = "."
    body = message(sender, chat, text=text)
    if text.startswith("/"):
        body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    key = draw(st.sampled_from(["message", "message", "message", "edited_message"]))
    if key == "edited_message":
        body["edit_date"] = int(time.time())
    return {"update_id": next(_ids), key: body}


@st.composite
def other_updates(draw) -> dict:
    sender = draw(users)
    kind = draw(st.sampled_from(["location", "photo", "channel_post", "unknown", "my_chat_member", "contact", "sticker", "reply"]))
    update: dict = {"update_id": next(_ids)}
    if kind == "location":
        near = st.tuples(st.floats(51.89, 51.93), st.floats(4.40, 4.48))  # Delfshaven
        anywhere = st.tuples(st.floats(-90, 90), st.floats(-180, 180))
        out_of_range = st.tuples(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6)) | st.sampled_from([(90.0001, 0.0), (0.0, -180.5), (1e300, -1e300)])
        latitude, longitude = draw(st.one_of(near, anywhere, out_of_range))
        update["message"] = message(sender, draw(chats), location={"latitude": latitude, "longitude": longitude})
    elif kind == "photo":
        fields = {"photo": [{"file_id": "AgAC", "file_unique_id": "u1", "width": 10, "height": 10}]}
        if draw(st.booleans()):
            fields["caption"] = draw(texts)[:1024] or "x"
        update["message"] = message(sender, draw(chats), **fields)
    elif kind == "channel_post":
        channel = {"id": -1009876543210, "type": "channel", "title": "Kanaal"}
        update["channel_post"] = {"message_id": next(_ids), "date": int(time.time()), "chat": channel, "sender_chat": channel, "text": draw(st.one_of(commands, texts)) or "."}
    elif kind == "unknown":
        update[draw(st.sampled_from(["future_update_kind", "business_message_v9"]))] = {"x": draw(texts)}
    elif kind == "my_chat_member":
        bot_user = {"id": BOT_ID, "is_bot": True, "first_name": "Knooppunt", "username": BOT_USERNAME}
        old, new = draw(st.sampled_from([("left", "member"), ("member", "left"), ("member", "kicked"), ("kicked", "member")]))
        update["my_chat_member"] = {
            "chat": chat_of(draw(st.sampled_from(["group", "supergroup"])), sender), "from": sender, "date": int(time.time()),
            "old_chat_member": {"user": bot_user, "status": old, "until_date": 0},
            "new_chat_member": {"user": bot_user, "status": new, "until_date": 0},
        }
    elif kind == "contact":
        update["message"] = message(sender, "private", contact={"phone_number": "+31600000000", "first_name": "X"})
    elif kind == "sticker":
        update["message"] = message(sender, draw(chats), sticker={
            "file_id": "s", "file_unique_id": "s", "type": "regular", "width": 1, "height": 1, "is_animated": False, "is_video": False,
        })
    else:
        original = message({"id": BOT_ID, "is_bot": True, "first_name": "Knooppunt"}, "private", text="…")
        original["chat"] = chat_of("private", sender)
        update["message"] = message(sender, "private", text=draw(texts) or ".", reply_to_message=original)
    return update


@st.composite
def callback_updates(draw) -> dict:
    sender = draw(users)
    prefixes = ["", "lang:", "fgt:ok:", "fgt:no:", "apr:ok:", "apr:no:", "act:", "rsvp:", "grp:", "dir:", "dir:m:", "dir:c:", "dir:f:", "dir:f:l:", "dir:v:", "dir:v:p3024:", "dir:i:", "dir:k:", "dir:l:", "own:", "net:"]
    data = draw(st.sampled_from(prefixes)) + draw(st.one_of(st.text(max_size=20), st.integers(-5, 10**12).map(str)))
    data = data.encode()[:64].decode(errors="ignore") or "x"
    chat = chat_of(draw(chats), sender)
    bot_message = {"message_id": draw(st.integers(1, 10**6)), "date": int(time.time()), "chat": chat,
                   "from": {"id": BOT_ID, "is_bot": True, "first_name": "Knooppunt", "username": BOT_USERNAME}, "text": "…"}
    return {"update_id": next(_ids), "callback_query": {"id": str(next(_ids)), "from": sender, "chat_instance": "ci", "message": bot_message, "data": data}}


any_update = st.one_of(text_updates(), text_updates(), other_updates(), callback_updates())


def run_property(settings_, strategy, examples: int) -> None:
    """One Application for all examples; an extra error handler turns any handler exception into a failure."""
    api = FakeBotAPI()
    errors: list[BaseException] = []

    async def record_error(_update: object, context) -> None:
        errors.append(context.error)

    with asyncio.Runner() as runner:
        # Places to find, so directory answers render real cards, pins and paging buttons.
        runner.run(import_records(settings_.database_url, read_places(PLACES_CSV.encode())))
        application = build_application(settings_, request=api, rate_limiter=False)
        application.add_error_handler(record_error)
        runner.run(application.initialize())
        runner.run(application.post_init(application))
        harness = BotHarness(application, api)

        @settings(max_examples=examples, deadline=None, database=None, derandomize=False,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
        @given(batch=strategy)
        def check(batch: list[dict]) -> None:
            for update in batch:
                before = len(api.calls)
                errors.clear()
                runner.run(harness.send(update))
                assert errors == [], f"handler raised {errors[0]!r} on {update}"
                for call in api.calls[before:]:
                    assert problems(call) == [], (problems(call), update)
                    assert MARK not in str(call.params.get("text", "")) + str(call.params.get("caption", "")), "unescaped user text"

        try:
            check()
        finally:
            runner.run(application.shutdown())
            runner.run(application.post_shutdown(application))


def test_every_command_with_hostile_input(settings):
    """Deterministic sweep: every command, in private and in a group, from a user with a hostile name and args."""
    hostile = {"id": 1001, "is_bot": False, "first_name": MARK + " & <b>", "language_code": "nl"}
    batch = []
    for name in command_names():
        for chat in ("private", "supergroup"):
            for args in ("", MARK + " ‮&amp;<", "x" * 4000):
                text = f"/{name}@{BOT_USERNAME} {args}".strip()
                body = message(hostile, chat, text=text, entities=[{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}])
                batch.append({"update_id": next(_ids), "message": body})
    run_property(settings, st.just(batch), examples=1)


def test_random_single_updates(settings):
    run_property(settings, any_update.map(lambda update: [update]), examples=200)


def test_random_sequences_of_updates(settings):
    """Short conversations: a command followed by random answers and button presses."""
    run_property(settings, st.lists(any_update, min_size=2, max_size=6), examples=50)
