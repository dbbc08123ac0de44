"""Normalise the body view for segmentation and matching, one character for one character.

Half-width punctuation glued to Chinese text confuses pkuseg (``冯伟,市`` becomes one token), so
ASCII punctuation becomes its full-width form; odd spaces become plain spaces; ``・`` and ``•``
become ``·`` (the name separator of Uyghur, Kazakh and foreign names). Offsets are unchanged.
"""
from __future__ import annotations

from extract.textview import TextView

TABLE = {
    ",": "，", ";": "；", "!": "！", "?": "？", "(": "（", ")": "）",
    "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ", "\u200b": " ",
    "「": "“", "」": "”", "『": "‘", "』": "’",
    "・": "·", "•": "·", "‧": "·", "･": "·", "\u30fb": "·",
}


def normalize(view: TextView) -> TextView:
    text = view.text
    chars = []
    quote_open = False
    for i, c in enumerate(text):
        if c == "\n":
            quote_open = False
        if c == '"':  # straight quotes pair up within a paragraph: “…”
            chars.append("”" if quote_open else "“")
            quote_open = not quote_open
        elif c == ":" and not (i > 0 and text[i - 1].isdigit() and i + 1 < len(text) and text[i + 1].isdigit()):
            chars.append("：")
        else:
            chars.append(TABLE.get(c, c))
    return TextView("".join(chars), view.origin)
