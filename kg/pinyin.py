"""Hanyu pinyin (with tone marks) for people's and places' names, for the ``@zh-Latn-pinyin`` labels.

Readers who do not read Chinese follow the graph by these. Names are romanised the way
publications write them: surname and given name as two capitalised words (欧阳振邦 → Ōuyáng
Zhènbāng), ·-separated transliterated names word by word, and a place's generic suffix apart
(随州市 → Suízhōu Shì). Surnames read differently from the common reading are fixed by a table.
"""
from __future__ import annotations

from pypinyin import Style, lazy_pinyin

COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 令狐 慕容 诸葛 东方 皇甫 尉迟 公孙 长孙 宇文 司徒 夏侯 轩辕 端木 独孤 南宫 西门 百里 "
    "呼延 万俟 申屠 澹台 公冶 太史 钟离 闻人 赫连 拓跋 第五 单于 司空 濮阳 淳于 东郭 左丘 谷梁".split())

# Surnames whose reading as a name differs from pypinyin's default reading of the character.
SURNAME_READINGS = {
    "单": "shàn", "解": "xiè", "仇": "qiú", "区": "ōu", "朴": "piáo", "查": "zhā", "曾": "zēng",
    "盖": "gě", "缪": "miào", "覃": "qín", "乐": "yuè", "翟": "zhái", "种": "chóng", "那": "nā",
    "召": "shào", "秘": "bì", "繁": "pó", "折": "shé", "纪": "jǐ", "宿": "sù", "燕": "yān",
    "葛": "gě", "沈": "shěn", "薄": "bó", "柏": "bǎi", "贲": "bēn", "郗": "xī", "冼": "xiǎn",
    "句": "gōu", "员": "yùn", "黑": "hè", "尉迟": "yùchí", "万俟": "mòqí", "单于": "chányú",
    "长孙": "zhǎngsūn", "钭": "tǒu", "栗": "lì", "阎": "yán", "褚": "chǔ", "郜": "gào",
}

PLACE_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "地区", "街道", "省", "市", "县", "区",
                  "镇", "乡", "村", "盟", "旗")

_DOTS = "·・•‧･."


_VOWEL_START = set("aāáǎàoōóǒòeēéěè")


def _syllables(text: str) -> str:
    """Syllables joined into one word, with the apostrophe before a/o/e (Xī'ān, Tǔ'ěrhóng)."""
    out = ""
    for syl in lazy_pinyin(text, style=Style.TONE, errors="default"):
        if out and syl[:1].lower() in _VOWEL_START and out[-1:].isalpha():
            out += "'"
        out += syl
    return out


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:]


def _has_han(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf" for c in text)


def person_pinyin(name: str) -> str | None:
    """欧阳振邦 → Ōuyáng Zhènbāng; 单玉梅 → Shàn Yùméi; 艾则孜·吐尔洪 → Àizézī Tǔ'ěrhóng."""
    name = "".join(name.split())
    if not name or not _has_han(name):
        return None
    for dot in _DOTS:
        if dot in name:
            return " ".join(_cap(_syllables(p)) for p in name.split(dot) if p)
    surname = name[:2] if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else name[:1]
    given = name[len(surname):]
    sur = SURNAME_READINGS.get(surname) or _syllables(surname)
    return _cap(sur) + (" " + _cap(_syllables(given)) if given else "")


def place_pinyin(name: str) -> str | None:
    """随州市 → Suízhōu Shì; 武汉 → Wǔhàn."""
    name = "".join(name.split())
    if not name or not _has_han(name):
        return None
    for suffix in PLACE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return _cap(_syllables(name[: -len(suffix)])) + " " + _cap(_syllables(suffix))
    return _cap(_syllables(name))
