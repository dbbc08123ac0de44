"""Is a string a common word of the language rather than a personal name?

Weakly evidenced names (one found only after 群众 or 焊工) are checked against jieba's general
dictionary: a frequent entry tagged as anything but a person name (``nr*``) is a word (代表, 成长,
满意度), not a person. Strongly evidenced names (after an official title) are never checked.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

MIN_FREQ = 20


@lru_cache(maxsize=1)
def _words() -> dict[str, tuple[int, str]]:
    import importlib.util

    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = Path(list(spec.submodule_search_locations)[0]) / "dict.txt"
    out: dict[str, tuple[int, str]] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) == 3 and 2 <= len(parts[0]) <= 4:
                out[parts[0]] = (int(parts[1]), parts[2])
    return out


def is_common_word(s: str) -> bool:
    entry = _words().get(s)
    return bool(entry and entry[0] >= MIN_FREQ and not entry[1].startswith("nr"))


def tag_of(s: str) -> str | None:
    """jieba's part-of-speech tag for a dictionary word (n, v, ns, nr …), or None."""
    entry = _words().get(s)
    return entry[1] if entry else None


def freq_of(s: str) -> int:
    entry = _words().get(s)
    return entry[0] if entry else 0


FUNCTION_TAGS = ("v", "d", "p", "c", "u", "r", "ad")


def is_function_word(s: str) -> bool:
    """A verb, adverb, preposition, conjunction… : such a word does not open a name."""
    tag = tag_of(s)
    return bool(tag) and tag in FUNCTION_TAGS and freq_of(s) >= 50


def verb_like(s: str) -> bool:
    """A verb or preposition (交谈, 分享, 了解, 向): what often follows a person's name."""
    entry = _words().get(s)
    return bool(entry) and entry[1] in ("v", "vn", "vd", "p") and entry[0] >= 50


def in_dictionary(s: str) -> bool:
    return len(s) >= 2 and s in _words()
