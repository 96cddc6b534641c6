"""First contact: greeting, help, language, users recorded, command menus."""

from __future__ import annotations

from sqlalchemy import select

from bot.i18n import available_languages, language_name
from storage.models import User
from tests.fakes import updates
from tests.fakes.updates import RESIDENT, RESIDENT_EN


async def test_start_greets_in_dutch_with_main_keyboard(bot):
    calls = bot.replies(await bot.send(updates.command("start")))
    assert len(calls) == 1  # one answer: the welcome with the main keyboard and the language links
    assert calls[0].chat_id == RESIDENT["id"]
    assert calls[0].text.startswith("Hallo Fatima! 👋")
    assert "Ik ben Knooppunt" in calls[0].text
    assert calls[0].params["parse_mode"] == "HTML"
    keyboard = calls[0].reply_markup["keyboard"]
    assert keyboard[0][0] == {"text": "📍 Wat is er dichtbij?", "request_location": True}
    assert "❓ Hulp" in calls[0].buttons()


async def test_start_greets_in_english_for_english_telegram(bot):
    [reply] = bot.replies(await bot.send(updates.command("start", sender=RESIDENT_EN)))
    assert reply.text.startswith("Hello John! 👋")
    assert "Another language? Tap yours:\nNederlands /nl\nTürkçe /tr" in reply.text
    assert "English /en" not in reply.text  # the language it is already in
    assert "📍 What is nearby?" in reply.buttons()


async def test_unsupported_language_falls_back_to_default(bot):
    sender = updates.user(1011, "Yuki", "ja")
    [reply] = bot.replies(await bot.send(updates.command("start", sender=sender)))
    assert reply.text.startswith("Hallo Yuki! 👋")


async def test_first_start_offers_every_language_named_in_itself_until_one_is_chosen(bot):
    [welcome] = bot.replies(await bot.send(updates.command("start")))
    links = welcome.text.split("Andere taal? Tik op je taal:\n")[1].splitlines()
    assert links == [f"{language_name(code)} /{code}" for code in available_languages() if code != "nl"]
    assert "/ar" in links[2] and "العربية" in links[2]
    await bot.send(updates.callback("lang:en"))
    calls = bot.replies(await bot.send(updates.command("start")))
    assert len(calls) == 1 and calls[0].text.endswith("Another language? Choose /language.")
    assert "Tap yours" not in calls[0].text


async def test_tapping_a_language_link_answers_once_in_that_language_and_sticks(bot):
    """The greeting's "Türkçe /tr" is a command link: one tap, one answer with the Turkish keyboard."""
    await bot.send(updates.command("start"))
    [answer] = bot.replies(await bot.send(updates.command("tr")))
    assert answer.text == "Dil artık: Türkçe.\nNe yapmak istediğini aşağıdan seç."
    assert answer.reply_markup["keyboard"][0][0]["request_location"] is True
    async with bot.session_factory() as session:
        assert (await session.get(User, RESIDENT["id"])).language == "tr"
    [again] = bot.replies(await bot.send(updates.command("start")))
    assert again.text.startswith("Merhaba Fatima!")
    assert again.text.endswith("/dil seç.")  # chosen: the short pointer to /dil, no links


async def test_user_name_is_escaped(bot):
    sender = updates.user(1010, "<b>Bob</b> & co", "nl")
    reply = bot.replies(await bot.send(updates.command("start", sender=sender)))[0]
    assert "Hallo &lt;b&gt;Bob&lt;/b&gt; &amp; co!" in reply.text


async def test_first_contact_records_user_once(bot):
    await bot.send(updates.command("start"))
    await bot.send(updates.command("help"))
    async with bot.session_factory() as session:
        users = (await session.scalars(select(User))).all()
    assert [(u.id, u.first_name, u.language) for u in users] == [(RESIDENT["id"], "Fatima", None)]
    assert users[0].first_seen_at.tzinfo is not None
    assert users[0].last_seen_at >= users[0].first_seen_at


async def test_help_and_hulp_list_commands(bot):
    for name in ("help", "hulp"):
        [reply] = bot.replies(await bot.send(updates.command(name)))
        assert "<b>Zo werkt Knooppunt</b>" in reply.text
        assert "/taal – Kies je taal / Choose your language" in reply.text
        assert "/start – Begin hier" in reply.text


async def test_help_button_shows_help(bot):
    [reply] = bot.replies(await bot.say("❓ Hulp"))
    assert "Zo werkt Knooppunt" in reply.text


async def test_help_in_group_with_botname(bot):
    group = updates.group_chat()
    [reply] = bot.replies(await bot.send(updates.command("help", chat=group, mention=True)))
    assert reply.chat_id == group["id"]
    assert "Zo werkt Knooppunt" in reply.text
    assert "/start" not in reply.text  # private-only commands are not offered in groups
    assert reply.reply_markup is None


async def test_start_in_group_points_to_private_chat(bot):
    group = updates.group_chat()
    [reply] = bot.replies(await bot.send(updates.command("start", chat=group, mention=True)))
    assert "privébericht" in reply.text
    assert "@knooppunt_test_bot" in reply.text


async def test_language_switch_is_stored_and_used(bot):
    [offer] = bot.replies(await bot.send(updates.command("taal")))
    assert offer.text == "In welke taal wil je berichten krijgen?"
    assert offer.buttons() == ["✅ Nederlands", "English", "Türkçe", "العربية", "Polski", "Português"]
    calls = await bot.press(offer.callback_data("English"))
    assert calls[0].method == "answerCallbackQuery"
    texts = bot.reply_texts(calls)
    assert texts == ["The language is now: English.", "Choose below what you want to do."]
    async with bot.session_factory() as session:
        assert (await session.get(User, RESIDENT["id"])).language == "en"
    [reply] = bot.replies(await bot.send(updates.command("start")))
    assert reply.text.startswith("Hello Fatima!")


async def test_forged_language_callback_changes_nothing(bot):
    await bot.send(updates.command("start"))
    calls = await bot.press("lang:xx")
    assert bot.reply_texts(calls) == ["Deze taal ken ik niet. Kies opnieuw met /taal."]
    async with bot.session_factory() as session:
        assert (await session.get(User, RESIDENT["id"])).language is None


async def test_command_menus_set_per_language_and_scope(bot):
    calls = bot.api.of("setMyCommands")
    scopes = {(c.params["scope"]["type"], c.params.get("language_code")) for c in calls}
    assert scopes == {
        (scope, language)
        for scope in ("all_private_chats", "all_group_chats")
        for language in (None, *available_languages())
    }
    english_private = next(
        c for c in calls if c.params["scope"]["type"] == "all_private_chats" and c.params.get("language_code") == "en"
    )
    assert {"command": "start", "description": "Start here"} in english_private.params["commands"]
    english_names = {c["command"] for c in english_private.params["commands"]}
    assert {"language", "near", "search", "events", "register", "mine", "reminders", "mydata", "forgetme", "event",
            "announce", "help", "digest_empty", "digest_language", "digest_time", "admin"} <= english_names
    assert not english_names & {"taal", "dichtbij", "zoek", "aanmelden", "mijn", "hulp", "digest_leeg", "beheer"}
    dutch_private = next(
        c for c in calls if c.params["scope"]["type"] == "all_private_chats" and c.params.get("language_code") == "nl"
    )
    assert {"aanmelden", "digest_leeg", "digest_taal", "hulp"} <= {c["command"] for c in dutch_private.params["commands"]}
    english_groups = next(
        c for c in calls if c.params["scope"]["type"] == "all_group_chats" and c.params.get("language_code") == "en"
    )
    assert {"link", "unlink", "digest_empty"} <= {c["command"] for c in english_groups.params["commands"]}


def test_every_english_menu_name_is_a_command_the_bot_answers(bot):
    from telegram.ext import CommandHandler, ConversationHandler

    from handlers import all_commands

    handlers = [h for group in bot.app.handlers.values() for h in group]
    handlers += [h for c in handlers if isinstance(c, ConversationHandler) for h in c.entry_points]
    answered = {name for h in handlers if isinstance(h, CommandHandler) for name in h.commands}
    for item in all_commands():
        assert item.audience in ("resident", "volunteer", "coordinator", "admin")
        assert item.command in answered and item.name("en") in answered, item


async def test_error_is_reported_calmly_without_internals(bot, monkeypatch):
    import handlers.core.start

    async def broken(update, context):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(handlers.core.start, "help_lines", lambda *a: (_ for _ in ()).throw(RuntimeError("secret internals")))
    calls = await bot.send(updates.command("help"))
    assert [c.text for c in bot.replies(calls) if c.chat_id == RESIDENT["id"]] == ["Sorry, er ging iets mis. Probeer het later nog eens."]
    assert not any("secret" in c.text for c in bot.replies(calls))  # the admins' notice names the kind only


async def test_unknown_deep_link_gets_the_normal_greeting(bot):
    reply = bot.replies(await bot.send(updates.command("start", "zzz-123")))[0]
    assert reply.text.startswith("Hallo Fatima! 👋")


async def test_deep_link_is_routed_by_prefix(bot, monkeypatch):
    from handlers.core import common

    seen = []

    async def open_thing(update, context, payload):
        seen.append(payload)
        await update.effective_message.reply_text(f"thing {payload}")

    monkeypatch.setitem(common.DEEP_LINKS, "thing", open_thing)
    texts = bot.reply_texts(await bot.send(updates.command("start", "thing-42")))
    assert seen == ["42"] and texts == ["thing 42"]


async def test_telegram_error_on_reply_is_handled_and_the_user_told(bot):
    bot.api.fail_next("bad_request", "sendMessage", "message is too long")
    calls = await bot.send(updates.command("help"))
    assert [c.text for c in bot.replies(calls) if c.chat_id == RESIDENT["id"]] == ["Sorry, er ging iets mis. Probeer het later nog eens."]


async def test_blocked_user_is_not_messaged_again(bot):
    bot.api.fail_next("forbidden", "sendMessage")
    assert bot.replies(await bot.send(updates.command("start"))) == []
    # The next update is served normally.
    reply = bot.replies(await bot.send(updates.command("start")))[0]
    assert reply.text.startswith("Hallo Fatima!")


async def test_production_build_uses_the_rate_limiter(settings, api):
    from telegram.ext import AIORateLimiter

    from bot.app import build_application

    application = build_application(settings, request=api)
    try:
        assert isinstance(application.bot.rate_limiter, AIORateLimiter)
        assert application.bot.defaults.tzinfo.key == "Europe/Amsterdam"
    finally:
        await application.bot_data.engine.dispose()


def test_command_menu_per_language_uses_its_own_aliases_and_words(bot):
    calls = bot.api.of("setMyCommands")

    def private_menu(language):
        call = next(c for c in calls if c.params["scope"]["type"] == "all_private_chats" and c.params.get("language_code") == language)
        return {c["command"]: c["description"] for c in call.params["commands"]}

    turkish, arabic, polish, portuguese = (private_menu(code) for code in ("tr", "ar", "pl", "pt"))
    assert turkish["dil"] == "Dilini seç / Kies je taal" and turkish["yardim"] == "Bu bot ne yapabilir?"
    assert arabic["language"] == "اختر لغتك / Kies je taal" and arabic["events"] == "ماذا يحدث في الحي؟"
    assert "jezyk" in polish and "pomoc" in polish and "idioma" in portuguese and "ajuda" in portuguese
    assert not {"taal", "hulp", "dichtbij"} & set(turkish)


async def test_turkish_aliases_answer(bot):
    sender = updates.user(1012, "Ayşe", "tr")
    [offer] = bot.replies(await bot.send(updates.command("dil", sender=sender)))
    assert offer.text == "Mesajları hangi dilde almak istersin?"
    [help_reply] = bot.replies(await bot.send(updates.command("yardim", sender=sender)))
    assert help_reply.text.startswith("<b>Knooppunt nasıl çalışır</b>") and "/dil – Dilini seç" in help_reply.text


async def test_a_language_link_tapped_halfway_a_conversation_asks_its_question_again_in_that_language(bot):
    """The greeting's /tr tapped late, while registering: the language changes, the registration stays."""
    await bot.send(updates.command("start"))
    await bot.send(updates.command("aanmelden"))
    switched, asked_again = bot.replies(await bot.send(updates.command("tr")))
    assert switched.text.startswith("Dil artık: Türkçe.\n")
    assert "Kies hieronder" not in switched.text and "Ne yapmak istediğini" not in switched.text
    assert "/stop" in switched.text  # still busy: answer the question below, or stop
    assert "80" in asked_again.text  # the name question again (at most 80 characters), now in Turkish
    assert "Hoe heet" not in asked_again.text
    [next_question] = bot.replies(await bot.send(updates.message("Buurtkeuken Spangen")))
    assert "Aşağıdan seç" in next_question.text  # the registration went on, in Turkish
