"""Arabic reads right to left: every Dutch name, postcode, time and number inside it is isolated.

The translator does it in one place (bot.i18n.IsolatingText), so this renders EVERY Arabic template
that has placeholders with Latin-script values, as the code does (`_(...).format(...)`).
"""

from __future__ import annotations

import re

from bot.i18n import FSI, PDI, get_translator, isolate, load_catalog

PLACEHOLDER = re.compile(r"\{([a-z_0-9]*)\}")
LATIN_VALUES = ("De Kroon", "3024 AB", "14:00", "Spangen", "12", "Pijlstraat 1, 3024 AB", "buurthuis.nl")


def _arabic_templates():
    for message in load_catalog("ar"):
        if not message.id:
            continue
        source = message.id[-1] if isinstance(message.id, tuple) else message.id
        if PLACEHOLDER.search(source):
            yield message


def test_every_arabic_template_isolates_every_latin_value():
    translator = get_translator("ar")
    checked = 0
    for message in _arabic_templates():
        for value in LATIN_VALUES:
            if isinstance(message.id, tuple):
                rendered_all = [translator.ngettext(message.id[0], message.id[1], n) for n in (0, 1, 2, 5, 11, 100)]
            else:
                rendered_all = [translator.gettext(message.id)]
            for template in rendered_all:
                names = set(PLACEHOLDER.findall(template))
                rendered = template.format(**dict.fromkeys(names, value))
                inside_href = {name for name in names if f'href="{{{name}}}"' in template}
                for name in names - inside_href:
                    assert FSI + value + PDI in rendered, f"{message.id!r}: {{{name}}} not isolated in {rendered!r}"
                if inside_href:
                    assert f'href="{value}"' in rendered, "a link target stays a plain URL"
                checked += 1
    assert checked > 100


def test_arabic_words_and_other_languages_are_left_alone():
    assert isolate("فاطمة") == "فاطمة"
    assert isolate("") == ""
    assert isolate(FSI + "x" + PDI) == FSI + "x" + PDI  # never twice
    assert get_translator("tr").gettext("Hallo {name}! 👋").format(name="Fatima") == "Merhaba Fatima! 👋"
    assert get_translator("nl").gettext("Hallo {name}! 👋").format(name="Fatima") == "Hallo Fatima! 👋"


async def test_arabic_user_sees_isolated_postcode_in_a_real_reply(bot):
    from tests.fakes import updates

    sender = updates.user(1201, "Fatima", "ar")
    [text] = bot.reply_texts(await bot.send(updates.message("buurthuiskamer 1000", sender=sender)))
    assert FSI + "1000" + PDI in text
    assert text.count(FSI) == text.count(PDI)
