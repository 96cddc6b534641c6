"""Who an activity is for: the agenda's "for children" filter."""

from __future__ import annotations

from domain.gazetteer import normalize_text

CHILDREN_CATEGORIES = frozenset({"speeltuin", "huiswerkbegeleiding"})
CHILDREN_WORDS = frozenset({
    "kind", "kinderen", "kids", "kinder", "jeugd", "jongeren", "tieners", "peuters", "kleuters", "baby", "babys",
    "ouder en kind", "children", "kinderactiviteit", "kindermiddag", "kinderdisco", "speelmiddag",
})


def is_for_children(category: str | None, *texts: str | None) -> bool:
    """An activity of a playground or homework club, or one whose title or description names children."""
    if category in CHILDREN_CATEGORIES:
        return True
    words = set(normalize_text(" ".join(t for t in texts if t)).split())
    return bool(words & CHILDREN_WORDS) or any(w.startswith("kinder") for w in words)
