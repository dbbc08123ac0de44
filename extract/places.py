"""Places: administrative divisions from cpca's table, towns and villages, and geographic names.

The division names (and their short forms: 湖北 for 湖北省, 陆良 for 陆良县) come from the
administrative-division table that the ``cpca`` package ships (``resources/adcodes.csv``), read
directly so that cpca's heavy import is not needed. Towns (…镇/乡/街道), villages (…村) and
rivers, lakes and mountains (…江/河/湖/山/岭) are found by suffix at word boundaries.
"""
from __future__ import annotations

import csv
import importlib.util
import re
from functools import lru_cache
from pathlib import Path

from extract.analysis import PUNCT, Analysis, Mention
from extract.wordlist import _words, is_common_word, is_function_word

SHORTEN = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市", "地区", "盟",
           "自治州", "自治县", "自治旗", "县", "区", "旗", "林区")
LOCAL_SUFFIX = re.compile(r"[\u4e00-\u9fff]{1,4}(?:镇|乡|街道|村|苏木|嘎查|社区)")
GEO_SUFFIX = re.compile(r"[\u4e00-\u9fff]{1,4}(?:江|河|湖|山|岭|湿地|草原|大堤)")
SUFFIX_WORDS = {"湿地", "村", "镇", "乡", "街道", "江", "河", "湖", "山", "岭", "苏木", "嘎查", "社区", "草原", "大堤"}
# an item of a list of waters: the previous item ends in a water suffix too (青溪河、南湖分洪河)
LISTED_WATER = re.compile(r"(?<=[河江湖渠])、([\u4e00-\u9fff]{3,6}?[河江湖渠])(?=[、和及等]|[\u4e00-\u9fff]{0,4}[，。；])")
NOT_LOCAL_HEAD = set("对向从把被给驻进入出回在下上新逐每全各本该此农乡城山贫困村镇一二三四五六七八九十两几多个大小强名古圩集")


@lru_cache(maxsize=1)
def divisions() -> dict[str, str]:
    """Every division name and short form -> its full name."""
    spec = importlib.util.find_spec("cpca")
    out: dict[str, str] = {}
    if spec is None or not spec.submodule_search_locations:
        return out
    path = Path(list(spec.submodule_search_locations)[0]) / "resources" / "adcodes.csv"
    with open(path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            full, code = row["name"], row["adcode"]
            out.setdefault(full, full)
            county = code[4:6] != "00"
            for suffix in SHORTEN:
                if full.endswith(suffix) and len(full) - len(suffix) >= 2:
                    short = full[: -len(suffix)]
                    entry = _words().get(short)
                    if county and entry and not entry[1].startswith("ns") and (
                            entry[0] >= 3000 or entry[0] >= 100 and entry[1] in ("n", "a", "v", "vn", "b", "d", "ad")):
                        break  # 富裕县, 会同县: the short form is a common word first
                    out.setdefault(short, full)
                    # 巴里坤哈萨克自治县 -> 巴里坤
                    m = re.match(r"(.{2,}?)(?:[\u4e00-\u9fff]{1,4}族)+$", short)
                    if m:
                        out.setdefault(m.group(1), full)
                    break
    for bad in ("城区", "郊区", "矿区", "新区", "市辖区", "东区", "西区", "南区", "北区", "中区", "和平", "新华", "城关", "长安", "白云", "红旗", "向阳", "前进", "胜利", "工农", "人民", "解放", "新城", "开发", "高新", "朝阳", "永安", "东风", "建设"):
        out.pop(bad, None)
    return out


@lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """Every division name, full and short (built once: callers test membership per mention)."""
    return frozenset(divisions())


def model_reads_place(a: Analysis, s: int, e: int) -> bool:
    """Does the statistical model (when it ran) leave ``[s, e)`` a word of its own that is no verb or
    adjective? A short division name is often a word (新建, 惠民) or the head of a longer name."""
    from extract.ner import model_word

    if not getattr(a, "ner_words", None):
        return True
    first, last = model_word(a, s), model_word(a, e - 1)
    if first is None or last is None:
        return True
    if first[0] < s or last[1] > e:
        return first[2] == "LOC" and first == last and a.text[e:last[1]] in ("市", "县", "区", "省")
    return first[2] not in ("v", "vn", "vd", "a", "ad", "an", "d")


def model_says_place(a: Analysis, s: int, e: int) -> bool:
    """Does the model (when it ran) read ``[s, e)`` as a place of its own (LOC)?"""
    from extract.ner import model_word

    if not getattr(a, "ner_words", None):
        return True
    first = model_word(a, s)
    return first is None or first[2] == "LOC" and first[0] == s and first[1] == e


class PlaceFinder:
    """Pipeline component: Place mentions outside other names."""

    name = "places"

    def __init__(self, lex) -> None:
        self.names = divisions()
        self.by_len = sorted(self.names, key=len, reverse=True)
        self.first_chars = {n[0] for n in self.names}

    def __call__(self, a: Analysis) -> Analysis:
        text = a.text
        self.find_listed_waters(a)
        i = 0
        n = len(text)
        while i < n:
            if text[i] in self.first_chars and a.at_boundary(i):
                for length in (9, 8, 7, 6, 5, 4, 3, 2):
                    cand = text[i:i + length]
                    if len(cand) == length and cand in self.names and a.at_boundary(i + length) \
                            and not a.taken(i, i + length):
                        entry = _words().get(cand)
                        if entry and entry[0] >= 1000 and not entry[1].startswith("ns"):
                            continue  # 和平, 新华: words first, districts second
                        if cand[0] in "和及与" and i > 0 and text[i - 1] not in PUNCT:
                            continue  # 县委和县政府: a conjunction, not 和县
                        if length <= 3 and not model_reads_place(a, i, i + length):
                            continue  # 新建|项目, 为民|惠民, 青溪撇洪河: a word, or part of a longer name
                        if entry and entry[0] >= 100 and self.names[cand] != cand and not model_says_place(a, i, i + length):
                            continue  # 温泉|开发: a short form the dictionary knows as no place needs the model's LOC
                        a.add(Mention(i, i + length, "Place", cand, role="division"))
                        i += length - 1
                        break
            i += 1
        self.find_suffixed(a)
        return a

    def find_listed_waters(self, a: Analysis) -> None:
        """青溪河、南湖分洪河、东湖北港河: in a list of waters, an item that opens with a place name
        and ends in a water suffix is one name (the canal named after the lake), not the lake."""
        text = a.text
        for m in LISTED_WATER.finditer(text):
            s, e = m.start(1), m.end(1)
            if not a.at_boundary(e) or a.taken(s, e):
                continue
            head = text[s:s + 2]
            if not (head in self.names or (_words().get(head) or (0, ""))[1].startswith("ns")):
                continue
            a.add(Mention(s, e, "Place", text[s:e], role="geo"))

    def find_suffixed(self, a: Analysis) -> None:
        """马街镇, 余村, 鄱阳湖, 秦岭: the word before a place suffix, checked against the dictionary.

        The candidate is the segmenter's token when it ends in the suffix (鄱阳湖), else the token
        before plus the suffix (余|村). A dictionary word that is not a place name (农村, 乡村) is not.
        """
        from extract.spans import token_start

        text = a.text
        for regex, role in ((LOCAL_SUFFIX, "local"), (GEO_SUFFIX, "geo")):
            for m in regex.finditer(text):
                e = m.end()
                if not (a.at_boundary(e) or text[e:e + 1] in PUNCT):
                    continue
                t0 = token_start(a, e)
                token = text[t0:e]
                if len(token) >= 2 and token not in SUFFIX_WORDS:
                    start = t0
                else:
                    start = token_start(a, t0)
                    if t0 - start > 3 or t0 == start:
                        continue
                cand = text[start:e]
                if not (2 <= len(cand) <= 7) or cand[0] in NOT_LOCAL_HEAD or a.taken(start, e):
                    continue
                if any(cand[:-len(sfx)] in SUFFIX_WORDS for sfx in SUFFIX_WORDS if cand.endswith(sfx)):
                    continue  # 苏木镇, 嘎查村: kinds of places, not places
                if not all("\u4e00" <= c <= "\u9fff" for c in cand):
                    continue
                entry = _words().get(cand)
                if entry and not entry[1].startswith(("ns", "nr" if role == "geo" else "ns")):
                    continue
                head_entry = _words().get(text[start:t0]) if t0 > start else None
                if head_entry and not head_entry[1].startswith(("ns", "nr", "nz")) and (
                        head_entry[0] > 200 or head_entry[1] in ("v", "d", "p", "c", "a", "vn", "ad")):
                    continue  # 加强|村, 督促|镇: a common word before the suffix
                if len(token) >= 2 and token == cand and is_function_word(cand[:-1]):
                    continue  # 督促镇 read as one word
                if role == "local" and not entry:
                    # a village or town is named in a list or as a destination, not mid-phrase
                    prev, nxt = text[start - 1:start], text[e:e + 1]
                    if not (prev in PUNCT or prev in "在到至赴、和与及" or nxt in PUNCT or nxt in "、等和与及"):
                        continue
                if role == "geo" and not entry:
                    # a river, lake or grassland is a known place plus its suffix (锡林郭勒草原), a
                    # place-tagged word plus it (黄海|湿地), or a name in a list (涪江、安昌河)
                    head = text[start:t0] if t0 > start else cand[:-1]
                    head_tag = (_words().get(head) or (0, ""))[1]
                    nxt = text[e:e + 1]
                    if not (head in self.names or head_tag.startswith("ns")
                            or len(cand) >= 3 and (nxt in PUNCT or nxt in "、等和与及")):
                        continue
                a.add(Mention(start, e, "Place", cand, role=role))
