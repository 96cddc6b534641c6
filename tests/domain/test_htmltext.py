import html
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.htmltext import escape, escape_attr, is_valid_telegram_html, split_message, truncate, utf16_len


def visible(chunk: str) -> str:
    return html.unescape(re.sub(r"<[^<>]*>", "", chunk))


def test_escape_only_what_telegram_needs():
    assert escape('Koffie & thee <gratis> "welkom"') == 'Koffie &amp; thee &lt;gratis&gt; "welkom"'
    assert escape_attr('https://x.nl/?a=1&b="2"') == "https://x.nl/?a=1&amp;b=&quot;2&quot;"


def test_utf16_len_counts_emoji_as_two():
    assert utf16_len("abc") == 3
    assert utf16_len("😀") == 2
    assert utf16_len("é") == 1


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Kom langs bij de buurtkamer", 100, "Kom langs bij de buurtkamer"),
        ("Kom langs bij de buurtkamer", 15, "Kom langs bij…"),
        ("Kom langs bij de buurtkamer", 14, "Kom langs…"),
        ("Buurtkamerbijeenkomst", 10, "Buurtkame…"),
        ("Precies", 7, "Precies"),
    ],
)
def test_truncate_cuts_on_word_boundary(text, limit, expected):
    assert truncate(text, limit) == expected
    assert len(truncate(text, limit)) <= limit


@pytest.mark.parametrize(
    "text",
    [
        "plain text",
        "<b>bold</b> <strong>s</strong> <i>i</i> <em>e</em> <u>u</u> <ins>i</ins>",
        "<s>s</s> <strike>s</strike> <del>d</del> <tg-spoiler>x</tg-spoiler>",
        '<span class="tg-spoiler">secret</span>',
        '<a href="https://t.me/bot?start=a_1&amp;x=2">link</a>',
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
        "<code>x &lt; y</code>",
        '<pre><code class="language-python">print(1)</code></pre>',
        "<blockquote>quote\nmore</blockquote>",
        "<blockquote expandable>long quote</blockquote>",
        "<b>bold <i>and italic <u>and under</u></i></b>",
        "&lt; &gt; &amp; &quot; &#128512; &#x1F600;",
        "",
    ],
)
def test_valid_telegram_html(text):
    assert is_valid_telegram_html(text)


@pytest.mark.parametrize(
    "text",
    [
        "a < b",
        "a > b",
        "Koffie & thee",
        "&nbsp;",
        "<b>unclosed",
        "closed</b>",
        "<b><i>crossed</b></i>",
        "<div>not allowed</div>",
        "<a>no href</a>",
        '<a href="x" target="_blank">extra attribute</a>',
        '<span class="other">x</span>',
        "<span>x</span>",
        "<b class=\"x\">x</b>",
        "<code><b>no tags in code</b></code>",
        "<pre><b>only code in pre</b></pre>",
        "<blockquote><blockquote>nested</blockquote></blockquote>",
        '<a href="a&b">raw ampersand in attribute</a>',
        "<B>upper</B>",
        "<b",
        '<a href="x"><a href="y">nested link</a></a>',
    ],
)
def test_invalid_telegram_html(text):
    assert not is_valid_telegram_html(text)


def test_split_short_message_is_untouched():
    assert split_message("<b>Hallo</b>\nwereld") == ["<b>Hallo</b>\nwereld"]


def test_split_empty_message_gives_nothing():
    assert split_message("") == []


def test_split_on_whole_lines():
    text = "\n".join(f"regel {n:02d}" for n in range(10))  # 8 characters a line
    assert split_message(text, 30) == [
        "regel 00\nregel 01\nregel 02",
        "regel 03\nregel 04\nregel 05",
        "regel 06\nregel 07\nregel 08",
        "regel 09",
    ]


def test_split_counts_utf16_units():
    text = "😀😀😀\n😀😀😀"  # 6 units a line
    assert split_message(text, 12) == ["😀😀😀", "😀😀😀"]
    assert split_message(text, 13) == [text]


def test_split_long_line_at_space_and_reopens_tags():
    text = '<b>een twee <a href="https://x.nl">drie vier</a> vijf</b>'
    chunks = split_message(text, 42)
    assert chunks == [
        "<b>een twee</b>",
        '<b><a href="https://x.nl">drie</a></b>',
        '<b><a href="https://x.nl">vier</a></b>',
        "<b>vijf</b>",
    ]
    assert split_message("<b>abcdefghij</b>", 11) == ["<b>abcd</b>", "<b>efgh</b>", "<b>ij</b>"]
    assert all(is_valid_telegram_html(c) for c in chunks)


def test_split_never_cuts_an_entity():
    text = "&amp;" * 10
    chunks = split_message(text, 12)
    assert chunks == ["&amp;&amp;", "&amp;&amp;", "&amp;&amp;", "&amp;&amp;", "&amp;&amp;"]


def test_split_blockquote_spanning_lines():
    text = "<blockquote>aaa\nbbb\nccc</blockquote>"
    chunks = split_message(text, 32)
    assert chunks == ["<blockquote>aaa\nbbb</blockquote>", "<blockquote>ccc</blockquote>"]


def test_split_refuses_limit_smaller_than_tags():
    with pytest.raises(ValueError):
        split_message('<a href="https://example.org/very/long">x y z</a>', 20)


# --- property tests -------------------------------------------------------------------------

_words = st.text(alphabet=st.sampled_from(list("abcdeé&<>😀 ")), min_size=1, max_size=25).map(escape)
_simple = ["b", "i", "u", "s", "tg-spoiler"]


def _wrap(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    plain = st.tuples(st.sampled_from(_simple), st.lists(children, min_size=1, max_size=3)).map(
        lambda t: f"<{t[0]}>{''.join(t[1])}</{t[0]}>"
    )
    link = _words.map(lambda w: f'<a href="https://t.me/x?a=1&amp;b=2">{w}</a>')
    return plain | link


_inline = st.recursive(_words, _wrap, max_leaves=6)
_code = _words.map(lambda w: f"<code>{w}</code>")
_line = st.lists(_inline | _code, max_size=5).map("".join)
_quote = st.lists(_line, min_size=1, max_size=4).map(lambda ls: "<blockquote>" + "\n".join(ls) + "</blockquote>")
_message = st.lists(_line | _quote, min_size=1, max_size=40).map("\n".join)


@settings(max_examples=300, deadline=None)
@given(_message, st.integers(min_value=150, max_value=500))
def test_split_properties(text, limit):
    assert is_valid_telegram_html(text)
    chunks = split_message(text, limit)
    assert all(utf16_len(c) <= limit for c in chunks)
    assert all(is_valid_telegram_html(c) for c in chunks)
    assert all(visible(c).strip() for c in chunks)
    # Only the newline or space at each cut may go missing: all other text stays, in order.
    assert re.sub(r"\s", "", "".join(visible(c) for c in chunks)) == re.sub(r"\s", "", visible(text))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("abc 😀")), min_size=1, max_size=40), min_size=1, max_size=30),
       st.integers(min_value=80, max_value=300))
def test_split_plain_lines_rejoin_exactly(lines, limit):
    lines = [line for line in lines if line.strip() == line and line]
    text = "\n".join(lines)
    chunks = split_message(text, limit)
    assert "\n".join(chunks) == text
