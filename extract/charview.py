"""Character-level clean-up of views: inline pinyin out, traditional → simplified, odd spaces.

Every step keeps the view's ``origin``, so offsets still point into the text as decoded:
conversion is one character for one character, and removed pinyin simply has no characters left
in the view. Punctuation is kept as written (NLP does its own normalisation).
"""
from __future__ import annotations

import re
from functools import lru_cache

from extract.textview import TextView

_PY = "a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńňǹḿ"
_PINYIN = re.compile(rf"[(（]\s*[{_PY}]+[1-5]?(?:[\s'’]+[{_PY}]+[1-5]?)*\s*[)）]")
_TONED = re.compile(r"[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ]|[a-z][1-5]")
SPACES = {"\u00a0": " ", "\u3000": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ", "\u202f": " "}


def _is_cjk(c: str) -> bool:
    return "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff"


def strip_pinyin(view: TextView) -> TextView:
    """Drop pinyin glosses written right after Chinese characters: 戰(zhàn) → 戰, 縣長(zhǎng) → 縣長.

    A gloss needs a tone mark or tone number, so ordinary bracketed Latin text (e.g. (APP)) stays.
    """
    pieces = [(start, end, "") for start, end in glosses(view.text)]
    return view.replace_pieces(pieces) if pieces else view


def _is_gloss(text: str, m: re.Match) -> bool:
    """Is the bracketed Latin at ``m`` a pinyin gloss (right after a Chinese character, toned)?"""
    return m.start() > 0 and _is_cjk(text[m.start() - 1]) and _TONED.search(m.group(0)) is not None


def glosses(text: str) -> list[tuple[int, int]]:
    """(start, end) of every pinyin gloss in ``text``: 縣長(zhǎng) → the span of (zhǎng)."""
    return [m.span() for m in _PINYIN.finditer(text) if _is_gloss(text, m)]


@lru_cache(maxsize=65536)
def _char_to_simplified(c: str) -> str:
    import zhconv

    s = zhconv.convert(c, "zh-cn")
    return s if len(s) == 1 else c


def simplified_text(text: str) -> str:
    """``text`` in simplified characters with exactly the same length (punctuation untouched).

    zhconv converts by phrases (better choices for ambiguous characters); if that changes the
    length of a line, the line is converted character by character instead.
    """
    import zhconv

    out = []
    for line in text.split("\n"):
        conv = zhconv.convert(line, "zh-cn")
        if len(conv) != len(line):
            conv = "".join(_char_to_simplified(c) for c in line)
        # only Chinese characters change; punctuation (「」 etc.) stays as written
        out.append("".join(b if _is_cjk(a) else a for a, b in zip(line, conv)))
    return "\n".join(out)


def is_traditional(text: str) -> bool:
    """True when converting to simplified changes at least 3 characters and 2% of the Chinese ones."""
    cjk = sum(1 for c in text if _is_cjk(c))
    if not cjk:
        return False
    changed = sum(1 for a, b in zip(text, simplified_text(text)) if a != b)
    return changed >= 3 and changed >= cjk * 0.02


def to_simplified(view: TextView) -> TextView:
    """The view in simplified characters, one for one (origin unchanged)."""
    return TextView(simplified_text(view.text), view.origin)


def normalise_spaces(view: TextView) -> TextView:
    """NBSP, full-width and other odd spaces → ' ' (same length)."""
    return view.map_chars(SPACES)


def compose(outer: TextView, inner: TextView) -> TextView:
    """``inner`` is a view of ``outer.text``; return it as a view of ``outer``'s original."""
    return TextView(inner.text, tuple(outer.origin[o] for o in inner.origin))


def prepare(text: str) -> TextView:
    """The whole decoded text, pinyin glosses removed and, if traditional, simplified."""
    view = strip_pinyin(TextView.identity(text))
    if is_traditional(view.text):
        view = to_simplified(view)
    return view


@lru_cache(maxsize=65536)
def plain_text(text: str) -> str:
    """``text`` as the view reads it: pinyin glosses out, simplified characters (縣長(zhǎng) → 县长).

    What a title written on a traditional page with inline pinyin compares as (a record keeps the
    title as written; resolution and the career tables use this form). Cached: titles recur."""
    if not any(_is_cjk(c) for c in text):
        return text
    kept, last = [], 0
    for start, end in glosses(text):
        kept.append(text[last:start])
        last = end
    kept.append(text[last:])
    return simplified_text("".join(kept))


def gloss_end(text: str, pos: int) -> int:
    """The end of a pinyin gloss written at ``pos`` right after a Chinese character (縣長|(zhǎng)),
    else ``pos``."""
    m = _PINYIN.match(text, pos)
    return m.end() if m and _is_gloss(text, m) else pos
