"""Text helpers for Telegram's HTML parse mode.

Telegram rejects a whole message when its HTML is malformed or longer than 4096 UTF-16 code
units, so everything the bot sends is escaped, validated and split here, in one place.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

TELEGRAM_LIMIT = 4096
ELLIPSIS = "…"

# Tags Telegram accepts, with the attributes each may (or must) carry.
_ALLOWED_ATTRS: dict[str, frozenset[str]] = {
    "b": frozenset(), "strong": frozenset(), "i": frozenset(), "em": frozenset(),
    "u": frozenset(), "ins": frozenset(), "s": frozenset(), "strike": frozenset(),
    "del": frozenset(), "tg-spoiler": frozenset(), "pre": frozenset(),
    "a": frozenset({"href"}), "code": frozenset({"class"}), "span": frozenset({"class"}),
    "blockquote": frozenset({"expandable"}), "tg-emoji": frozenset({"emoji-id"}),
}
_REQUIRED_ATTRS = {"a": "href", "span": "class", "tg-emoji": "emoji-id"}

_TOKEN = re.compile(r"<[^<>]*>|&[#A-Za-z0-9]+;|[^<>&]+|[<>&]")
_OPEN_TAG = re.compile(r"<([a-z][a-z-]*)((?:\s+[a-z][a-z-]*(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'))?)*)\s*>")
_CLOSE_TAG = re.compile(r"</([a-z][a-z-]*)\s*>")
_ATTR = re.compile(r"([a-z][a-z-]*)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'))?")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});")


def escape(text: str | None) -> str:
    """Escape user text for HTML mode; Telegram only needs &, < and > escaped. None is ""."""
    return html.escape(text or "", quote=False)


def escape_attr(value: str) -> str:
    """Escape a value for use inside a double-quoted attribute such as href."""
    return html.escape(value, quote=True)


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji often counts as 2)."""
    return len(text.encode("utf-16-le")) // 2


def truncate(text: str, limit: int) -> str:
    """Shorten plain user text to at most ``limit`` characters, cutting between words.

    Apply it before escaping, so an entity like ``&amp;`` is never cut in half.
    """
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS)]
    space = cut.rfind(" ")
    if space > 0:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


@dataclass(frozen=True)
class _Atom:
    """A piece of HTML that is never cut: a tag, an entity or one character."""

    raw: str
    open_tag: str | None = None  # tag name when this opens a tag
    close_tag: str | None = None  # tag name when this closes a tag


def _atoms(text: str) -> list[_Atom]:
    atoms: list[_Atom] = []
    for token in _TOKEN.findall(text):
        if (m := _OPEN_TAG.fullmatch(token)) is not None:
            atoms.append(_Atom(token, open_tag=m.group(1)))
        elif (m := _CLOSE_TAG.fullmatch(token)) is not None:
            atoms.append(_Atom(token, close_tag=m.group(1)))
        elif token.startswith("&") and len(token) > 1:
            atoms.append(_Atom(token))
        else:
            atoms.extend(_Atom(ch) for ch in token)
    return atoms


_Stack = tuple[tuple[str, str], ...]  # (tag name, raw opening tag), outermost first


def _push_pop(stack: _Stack, atom: _Atom) -> _Stack:
    if atom.open_tag is not None:
        return (*stack, (atom.open_tag, atom.raw))
    if atom.close_tag is not None and stack and stack[-1][0] == atom.close_tag:
        return stack[:-1]
    return stack


def _closers(stack: _Stack) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))


def _reopeners(stack: _Stack) -> str:
    return "".join(raw for _, raw in stack)


def _visible(chunk: str) -> str:
    return html.unescape(re.sub(r"<[^<>]*>", "", chunk))


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split HTML into messages of at most ``limit`` UTF-16 units, preferring whole lines.

    A cut goes after the last line that fits; a line longer than the limit is cut at its last
    fitting space, and a word longer than the limit between two characters. A cut never falls
    inside a tag or entity; tags open at the cut are closed and reopened in the next message.
    The newline or space at a cut is dropped. The raw HTML is counted (never less than what
    Telegram counts after parsing), so every chunk is safe to send.
    """
    if utf16_len(text) <= limit:
        return [text] if _visible(text).strip() else []
    atoms = _atoms(text)
    chunks: list[str] = []
    start = 0
    stack_at_start: _Stack = ()
    while start < len(atoms):
        head = _reopeners(stack_at_start)
        length, stack = utf16_len(head), stack_at_start
        line_cut = space_cut = any_cut = None  # (end, next start, stack at end)
        i = start
        while i < len(atoms) and length + utf16_len(_closers(stack)) <= limit:
            atom = atoms[i]
            if i > start and atoms[i - 1].open_tag is None:
                any_cut = (i, i, stack)
            if atom.raw == "\n":
                line_cut = (i, i + 1, stack)
            elif atom.raw == " ":
                space_cut = (i, i + 1, stack)
            length += utf16_len(atom.raw)
            stack = _push_pop(stack, atom)
            i += 1
        cut: tuple[int, int, _Stack] | None
        if i == len(atoms) and length + utf16_len(_closers(stack)) <= limit:
            cut = (i, i, stack)
        else:
            cut = line_cut or space_cut or any_cut
            if cut is None:
                raise ValueError(f"limit {limit} is too small for the tags that must be reopened")
        end, next_start, stack_at_end = cut
        chunk = head + "".join(a.raw for a in atoms[start:end]) + _closers(stack_at_end)
        if _visible(chunk).strip():
            chunks.append(chunk)
        start, stack_at_start = next_start, stack_at_end
    return chunks


def _check_attrs(name: str, attr_text: str) -> bool:
    attrs: dict[str, str | None] = {}
    for m in _ATTR.finditer(attr_text):
        value = m.group(2) if m.group(2) is not None else m.group(3)
        if m.group(1) in attrs or (value is not None and not _entities_ok(value)):
            return False
        attrs[m.group(1)] = value
    if not set(attrs) <= _ALLOWED_ATTRS[name]:
        return False
    if name in _REQUIRED_ATTRS and not attrs.get(_REQUIRED_ATTRS[name]):
        return False
    if name == "span":
        return attrs["class"] == "tg-spoiler"
    if name == "code" and "class" in attrs:
        return (attrs["class"] or "").startswith("language-")
    if name == "blockquote" and "expandable" in attrs:
        return attrs["expandable"] is None
    return True


def _entities_ok(text: str) -> bool:
    return all(_ENTITY.match(text, m.start()) for m in re.finditer("&", text))


def is_valid_telegram_html(text: str) -> bool:
    """True when Telegram would accept ``text`` in HTML parse mode.

    Only Telegram's tags, properly nested and closed; ``<``, ``>`` and ``&`` in text must be
    escaped; entities are the four named ones or numeric. Nothing may be nested in ``code``,
    ``pre`` may only hold a ``code``, and links and blockquotes cannot be nested.
    """
    stack: list[str] = []
    for token in _TOKEN.findall(text):
        if token.startswith("</"):
            m = _CLOSE_TAG.fullmatch(token)
            if m is None or not stack or stack[-1] != m.group(1):
                return False
            stack.pop()
        elif token.startswith("<"):
            m = _OPEN_TAG.fullmatch(token)
            if m is None or m.group(1) not in _ALLOWED_ATTRS or not _check_attrs(m.group(1), m.group(2)):
                return False
            name = m.group(1)
            if stack and (stack[-1] == "code" or (stack[-1] == "pre" and name != "code")):
                return False
            if name in ("a", "blockquote") and name in stack:
                return False
            stack.append(name)
        elif token.startswith("&"):
            if _ENTITY.fullmatch(token) is None:
                return False
        elif token == ">":
            return False
    return not stack
