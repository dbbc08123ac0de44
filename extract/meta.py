"""What a page says about itself: dates, 来源, bylines (记者/作者) and editors (责任编辑/审核…).

Pure functions over a text and a range; the cue words come from ``extract/rules/furniture.json``
(extend it, or point ``ZHENGWU_KG_FURNITURE`` at a JSON file whose lists are added to it).
"""
from __future__ import annotations

import json
import os
import re
import unicodedata
from functools import lru_cache
from importlib.resources import files

BUNDLED_CUES = files("extract") / "rules" / "furniture.json"  # package data (importlib.resources)


@lru_cache(maxsize=None)
def cues() -> dict:
    """The merged cue lists (bundled file plus the optional user file)."""
    merged = json.loads(BUNDLED_CUES.read_text(encoding="utf-8"))
    extra = os.environ.get("ZHENGWU_KG_FURNITURE")
    if extra:
        with open(extra, encoding="utf-8") as fh:
            for key, value in json.load(fh).items():
                if isinstance(value, list):
                    merged[key] = list(dict.fromkeys([*merged.get(key, []), *value]))
                else:
                    merged[key] = value
    return merged


def _alt(words: list[str]) -> str:
    """A regex alternation, longest words first so 责任编辑 wins over 编辑."""
    return _alt_cached(tuple(words))


@lru_cache(maxsize=256)
def _alt_cached(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


# ---------------------------------------------------------------- dates
_FULL_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d\d)\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?"
    r"(?:(?:\s*|T)(?:星期.|周.)?\s*(\d{1,2})\s*[:：时]\s*(\d{2}))?"
)
_MONTH_DAY = re.compile(r"(?<![\d年])(\d{1,2})月(\d{1,2})日")
_URL_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)[-/_]?(0[1-9]|1[0-2])[-/_]?(0[1-9]|[12]\d|3[01])(?!\d)")
_URL_MONTH = re.compile(r"/((?:19|20)\d\d)(0[1-9]|1[0-2])/")


def _iso(y: str | None, mo: str, d: str, h: str | None = None, mi: str | None = None) -> str | None:
    m, dd = int(mo), int(d)
    if not (1 <= m <= 12 and 1 <= dd <= 31):
        return None
    day = f"{m:02d}-{dd:02d}"
    base = f"{y}-{day}" if y else f"--{day}"
    if y and h is not None and mi is not None and int(h) < 24 and int(mi) < 60:
        return f"{base}T{int(h):02d}:{mi}"
    return base


def parse_date(text: str) -> str | None:
    """First full date in ``text`` as 'YYYY-MM-DD' or 'YYYY-MM-DDTHH:MM' (with its time)."""
    for m in _FULL_DATE.finditer(text):
        iso = _iso(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5))
        if iso:
            return iso
    return None


def parse_month_day(text: str) -> str | None:
    """A date without a year (1月29日) as '--MM-DD'."""
    for m in _MONTH_DAY.finditer(text):
        iso = _iso(None, m.group(1), m.group(2))
        if iso:
            return iso
    return None


def url_date(url: str | None) -> str | None:
    """A date inside a URL (/2023-09-26/, t20230926_1021.html, /202309/26/...)."""
    if not url:
        return None
    for m in _URL_DATE.finditer(url):
        iso = _iso(m.group(1), m.group(2), m.group(3))
        if iso:
            return iso
    return None


def labelled_date(text: str) -> str | None:
    """A date written after a publication label (发布时间：…, 日期：…)."""
    labels = [w for w in cues()["meta_labels"] if "时间" in w or "日期" in w]
    for m in re.finditer(rf"(?:{_alt(labels)})\s*[:：]?\s*", text):
        iso = parse_date(text[m.end(): m.end() + 40])
        if iso and _FULL_DATE.match(text, m.end()):
            return iso
    return None


# ---------------------------------------------------------------- plain metadata values
# Metadata a file states about itself (a jsonl line's fields, a 来源 label) is untrusted text: it is
# kept as one plain line of bounded length, and a source only when it can be a publisher's name,
# because resolution reads places out of sources (泽川日报 → 泽川) and names relative bodies after them.
META_LIMITS = {"title": 500, "source": 40, "published": 64, "url": 2048}
_PUBLISHER_PUNCT = set(" ·・-—–_&.()（）《》")
_URL_FORBIDDEN = re.compile(r"[\s<>\"'`\\{}|^]")


def plain_text(value: object, limit: int) -> str | None:
    """``value`` as one plain line: a string (or integer), control and format characters and lone
    surrogates turned into spaces, runs of whitespace made one space; None when empty or a list,
    object, bool. Longer than ``limit`` characters: cut to ``limit``."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    raw = str(value)[: 8 * limit + 64]  # bounded work, whatever the field's size
    text = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in raw)
    text = " ".join(text.split())
    return text[:limit] or None


def publisher_name(value: object) -> str | None:
    """A source that can be the name of a paper, site or agency (新华社, 泽川日报, CCTV-13):
    letters, digits, spaces and ·-&.()（）《》, at most 40 characters; anything else (markup,
    quotes, query text, a paragraph) is no source at all."""
    if isinstance(value, str) and len(value) > 4 * META_LIMITS["source"]:
        return None
    text = plain_text(value, 4 * META_LIMITS["source"])
    if text is None or len(text) > META_LIMITS["source"]:
        return None
    if not all(c.isalnum() or c in _PUBLISHER_PUNCT for c in text) or not any(c.isalnum() for c in text):
        return None
    return text


def plain_url(value: object) -> str | None:
    """An http(s) URL (or one without a scheme) of at most 2048 characters, else None."""
    if not isinstance(value, str) or len(value) > META_LIMITS["url"]:
        return None
    text = value.strip()
    if not text or _URL_FORBIDDEN.search(text) or any(unicodedata.category(c)[0] == "C" for c in text):
        return None
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", text)
    if scheme and scheme.group(1).lower() not in ("http", "https"):
        return None
    return text


def given_meta(obj: dict) -> dict[str, str]:
    """The metadata fields of a jsonl article (title, url, published, source), each plain and bounded
    (see :data:`META_LIMITS`); fields that are not plain values are left out."""
    out: dict[str, str] = {}
    for key, clean in (("title", lambda v: plain_text(v, META_LIMITS["title"])),
                       ("published", lambda v: plain_text(v, META_LIMITS["published"])),
                       ("source", publisher_name), ("url", plain_url)):
        value = clean(obj.get(key))
        if value:
            out[key] = value
    return out


# ---------------------------------------------------------------- source
_STOP = r"\s|\||｜|【|】|\[|\]|（|）|\(|\)|，|,|。|;|；"


def find_source(text: str) -> tuple[str, tuple[int, int]] | None:
    """The value after 来源：/来自： (stops at whitespace, a separator or a bracket)."""
    for m in re.finditer(rf"(?:{_alt(cues()['source_labels'])})\s*[:：]\s*", text):
        v = re.match(rf"(?:(?!{_STOP}).)+", text[m.end():])
        if v:
            value = v.group(0)
            # a following label written without a space (来源:X作者:Y) ends the value
            cut = re.search(rf"(?:{_alt(cues()['meta_labels'] + cues()['editor_labels'])})[:：]", value)
            if cut:
                value = value[: cut.start()]
            value = value.strip("：:·-— ")
            if value and publisher_name(value) == value:  # 来源：<script>… names no source
                return value, (m.end(), m.end() + len(value))
    return None


# ---------------------------------------------------------------- people in bylines
_NAME_CHAR = r"[\u3400-\u9fff·・•]"
_SPACE = "[ \u3000\u00a0]"


def clean_name(name: str) -> str:
    """A byline name as a clean string: no spaces (吴　凡 → 吴凡), ・ and • written as ·."""
    return re.sub(r"[\s\u3000\u00a0]", "", name).replace("・", "·").replace("•", "·")


_PERSON_NAME = re.compile(r"[\u3400-\u9fff]{2,4}|[\u3400-\u9fff]+(?:·[\u3400-\u9fff]+)+")


# what pages write in an author field that is nobody (作者：本站, 来源：本网, 佚名)
NOT_AUTHORS = frozenset({"本站", "本网", "本报", "本台", "本刊", "佚名", "管理员", "小编", "网管", "编辑部", "本站编辑", "不详"})


def looks_like_person_name(name: str) -> bool:
    """A byline name as :func:`_names_at` reads them: 2–4 Chinese characters, or up to 12 joined
    by · (阿依古丽·买买提); what else a page calls its author does not become a Person."""
    return bool(_PERSON_NAME.fullmatch(name)) and len(name.replace("·", "")) <= 12 and name not in NOT_AUTHORS


_LABEL_ENDERS = " \u3000\u00a0)）】]|、,，;；:：\r\n"
_ROLE_ENDERS = " \u3000\u00a0)）】]|、\r\n"


def _names_at(text: str, pos: int, end: int, stop_words: list[str], enders: str = _LABEL_ENDERS) -> list[tuple[int, int]]:
    """Names starting at ``pos``: runs of name characters, separated by 、 or spaces.

    A single character followed by one space and one or two characters is one name written
    with a spacer (吴　凡). A run must end at a delimiter, so prose (记者从会上获悉) gives nothing.
    """
    out: list[tuple[int, int]] = []
    stop = re.compile(rf"(?:{_alt(stop_words)})") if stop_words else None
    i = pos
    while i < end:
        while i < end and re.match(_SPACE, text[i]):
            i += 1
        m = re.compile(rf"{_NAME_CHAR}+").match(text, i, end)
        if not m:
            break
        s, e = m.span()
        # a run that is itself a label or role (通讯员, 审核：, 报道) ends the list of names
        if (stop and stop.match(text, s, end)) or text[e:e + 1] in (":", "："):
            break
        # a label or role glued to the name ends it (刘诗诗报道, 张三摄)
        if stop:
            for k in range(s + 1, e):
                if k - s >= 2 and stop.match(text, k, end) and e - k <= 4:
                    e = k
                    break
        # 吴　凡: one char, one spacer, one or two chars, then a delimiter
        if e - s == 1:
            m2 = re.compile(rf"{_SPACE}({_NAME_CHAR}{{1,2}})(?={_SPACE}|[)）】\]|、,，;；:：]|$|\r|\n)").match(text, e, end)
            if m2:
                e = m2.end()
        name = clean_name(text[s:e])
        after = text[e: e + 1] if e < end else ""
        delimited = e >= end or after in enders or bool(stop and stop.match(text, e, end))
        if not delimited or not (2 <= len(name.replace("·", "")) <= 12) or "·" in name[:1] + name[-1:]:
            break
        if len(name) > 4 and "·" not in name:
            break
        out.append((s, e))
        i = e
        if i < end and text[i] == "、":
            i += 1
            continue
        # another name after a space only when it is followed by a delimiter too (记者 张三 李四)
        if i < end and re.match(_SPACE, text[i]):
            continue
        break
    return out


@lru_cache(maxsize=64)
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def find_editors(text: str, start: int = 0, end: int | None = None) -> list[tuple[str, tuple[int, int]]]:
    """Names after 责任编辑/编辑/审核/校对… followed by a colon."""
    end = len(text) if end is None else end
    c = cues()
    labels = c["editor_labels"]
    stops = labels + c["meta_labels"] + c["source_labels"] + c["reporter_roles"] + c["byline_words"]
    out = []
    for m in _compiled(rf"(?<![\u4e00-\u9fff])(?:{_alt(labels)})\s*[:：]\s*").finditer(text, start, end):
        line_end = text.find("\n", m.end())
        line_end = end if line_end < 0 else min(line_end, end)
        for s, e in _names_at(text, m.end(), line_end, stops):
            out.append((clean_name(text[s:e]), (s, e)))
    return out


def find_authors(text: str, start: int = 0, end: int | None = None) -> list[tuple[str, tuple[int, int]]]:
    """Names after 作者： and after reporter roles (记者 X, 全媒记者X, 通讯员 Y, 实习生 Z)."""
    end = len(text) if end is None else end
    c = cues()
    stops = c["editor_labels"] + c["meta_labels"] + c["source_labels"] + c["reporter_roles"] + c["byline_words"]
    out = []
    pat = rf"(?:(?<![\u4e00-\u9fff])(?:{_alt(c['author_labels'] + c['reporter_roles'])})\s*[:：/]\s*|(?:{_alt(c['reporter_roles'])}){_SPACE}*)"
    for m in _compiled(pat).finditer(text, start, end):
        line_end = text.find("\n", m.end())
        line_end = end if line_end < 0 else min(line_end, end)
        # after a role (记者 X) the name must be closed by a space, bracket or another role, so
        # prose such as 记者了解到， gives nothing; after a label (作者：X) any delimiter will do
        enders = _LABEL_ENDERS if re.search("[:：/]", m.group(0)) else _ROLE_ENDERS
        for s, e in _names_at(text, m.end(), line_end, stops, enders):
            out.append((clean_name(text[s:e]), (s, e)))
    return out


_PAPER = re.compile(r"^([\u4e00-\u9fff]{2,12}?(?:日报|晚报|时报|商报|都市报|报))(?=[\s|｜]|数字报|讯|$)")
_PAPER_XUN = re.compile(r"([\u4e00-\u9fff]{2,10}?(?:日报|晚报|时报|报))(?:社)?讯")


def masthead_source(line: str) -> str | None:
    """A newspaper named at the start of a header line (遵义日报  2022年08月31日  第01版)."""
    m = _PAPER.match(line)
    return m.group(1) if m else None


def byline_source(opening: str) -> str | None:
    """The paper of a '随州日报讯' dateline (本报讯 names none)."""
    m = _PAPER_XUN.search(opening)
    if m and not m.group(1).startswith("本"):
        return m.group(1)
    return None
