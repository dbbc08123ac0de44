"""Find the article inside a scraped plain-text page, and read what the page says about it.

Each line is classified from general features — cue words from ``extract/rules/furniture.json``
(share buttons, navigation, related links, footers), separator density (``首页 | 时政 | …``),
link-list shape (``· headline   2024-11-18``), date/label lines (发布时间/来源) and sentence shape
(long lines with sentence punctuation are prose). The body is the longest run of prose lines that
no furniture line interrupts; the headline block just above it is kept as the body's first
paragraph. Nothing is fitted to one site: extend the lexicon for new portals.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from extract.document import DocMeta
from extract.meta import (
    _alt,
    cues,
    find_authors,
    find_editors,
    find_source,
    byline_source,
    labelled_date,
    masthead_source,
    parse_date,
    parse_month_day,
)
from extract.textview import TextView

BLANK, FURNITURE, META, PROSE, SHORT = "blank", "furniture", "meta", "prose", "short"

_SENT_PUNCT = "。！？；!?;"
_CLAUSE_PUNCT = "，,、：:"
_SEPARATORS = re.compile(r"\s[|｜>›»/]\s?|\s?[|｜]\s|>>|＞|\|")
_LINK_BULLET = re.compile(r"^[·•▪◆◇►▶■□○●\-—*]\s*")
_CRUMB = re.compile(r"\s>\s|>>|›|»|＞|&gt;")
_TRAILING_DATE = re.compile(r"(?:(?:19|20)\d\d[-/.年])?\d{1,2}[-/.月]\d{1,2}日?\s*\]?\)?$")
_WS = " \t\u3000\u00a0\r"
HAN_RUN = re.compile(r"[\u4e00-\u9fff]{6,}")


@dataclass
class Line:
    start: int  # offset of the first non-space char
    end: int  # offset after the last non-space char
    text: str
    kind: str = BLANK


def split_lines(text: str) -> list[Line]:
    """Lines with their trimmed extents (CR, spaces, NBSP and full-width spaces trimmed)."""
    out = []
    pos = 0
    for raw in text.split("\n"):
        s, e = pos, pos + len(raw)
        while s < e and text[s] in _WS:
            s += 1
        while e > s and text[e - 1] in _WS:
            e -= 1
        out.append(Line(s, e, text[s:e]))
        pos += len(raw) + 1
    return out


def _has_cue(line: str, words: list[str]) -> bool:
    return any(w in line for w in words)


def classify(line: str) -> str:
    """One of blank / furniture / meta / prose / short, from the line alone."""
    c = cues()
    if not line:
        return BLANK
    n = len(line)
    limit = c.get("max_furniture_line", 60)
    if _has_cue(line, c["anywhere"]):
        return FURNITURE
    sentence_like = sum(line.count(p) for p in _SENT_PUNCT) + sum(line.count(p) for p in _CLAUSE_PUNCT)
    labels = c["meta_labels"] + c["source_labels"] + c["editor_labels"]
    if _LINK_BULLET.match(line) and "。" not in line:
        return FURNITURE  # · headline of a related article
    if n < 100 and re.search(rf"(?:{_alt(labels)})\s*[:：]", line) and line.count("。") == 0:
        return META
    if n < 80 and _TRAILING_DATE.search(line) and "。" not in line and _TRAILING_DATE.search(line).start() >= 6:
        return FURNITURE  # headline   2024-11-18: a link list entry
    if n < 80 and parse_date(line) and line.count("。") == 0 and line.count("，") + line.count(",") <= 1:
        return META
    # a sentence of some length is prose even with a footer word in it (…先进承办单位。)
    prose_like = line[-1] in "。！？" and (sentence_like >= 3 or n >= 24)
    if n < limit and not prose_like and _has_cue(line, c["share"] + c["nav"] + c["related"] + c["footer"]):
        return FURNITURE
    seps = len(_SEPARATORS.findall(line))
    if seps >= 2 and n < 120 and "。" not in line:
        return FURNITURE
    if _CRUMB.search(line) and n < 60 and not any(p in line for p in _SENT_PUNCT):
        return FURNITURE  # breadcrumb: 示例网 > 时政
    if n <= 12 and any(line.endswith(s) for s in c["masthead_suffixes"]):
        return FURNITURE
    if re.search(r"\d{3,4}-\d{7,8}|1[3-9]\d{9}|@\w+\.\w+", line) and n < limit and "。" not in line:
        return FURNITURE  # phone numbers and e-mail addresses
    if (n >= 30 and any(p in line for p in _SENT_PUNCT)) or (n >= 6 and line[-1] in "。！？" and sentence_like >= 1 and "：" not in line[:8]) or (
        n >= 50 and sentence_like >= 2
    ) or (n >= 16 and line.count("，") + line.count(",") >= 2 and HAN_RUN.search(line)):
        return PROSE  # (the last: a sentence cut off by the excerpt's end, 李健指出，近年来，…交出了来之)
    return SHORT


def _body_run(lines: list[Line]) -> tuple[int, int] | None:
    """Line indexes [first, last] of the run of prose with the most prose characters."""
    best: tuple[int, int, int] | None = None
    i = 0
    while i < len(lines):
        if lines[i].kind != PROSE:
            i += 1
            continue
        j = i
        last = i
        weight = 0
        while j < len(lines) and lines[j].kind in (PROSE, SHORT, BLANK):
            if lines[j].kind == PROSE:
                last = j
                weight += len(lines[j].text)
            j += 1
        if best is None or weight > best[0]:
            best = (weight, i, last)
        i = j
    return (best[1], best[2]) if best else None


def _headline(lines: list[Line], first_body: int) -> list[int]:
    """Indexes of the headline lines: the first block of short lines above the date/source line
    (or, without one, the first block of short lines above the body).

    A block of one or two lines is the headline (引题 + 主题); with three or more, the first line
    is the headline and the rest are subtitles. All of them stay in the body view.
    """
    blocks: list[list[int]] = []
    cur: list[int] = []
    for k in range(first_body):
        if lines[k].kind == SHORT and 4 <= len(lines[k].text) <= 64:
            cur.append(k)
        elif cur:
            blocks.append(cur)
            cur = []
    if cur:
        blocks.append(cur)
    # the headline normally sits right above the date/source line; a block followed by one wins
    for block in blocks:
        k = block[-1] + 1
        while k < first_body and lines[k].kind == BLANK:
            k += 1
        if k < first_body and lines[k].kind == META:
            return block
    return blocks[0] if blocks else []


def _title_text(lines: list[Line], block: list[int]) -> str | None:
    if not block:
        return None
    chosen = block if len(block) <= 2 else block[:1]
    return " ".join(lines[k].text for k in chosen)


def extract(text: str, *, title_hint: str | None = None) -> tuple[TextView, DocMeta, list[int]]:
    """Return the body view, the page's metadata, and the line indexes kept in the body.

    ``title_hint`` (e.g. a jsonl ``title``) replaces the headline search when given.
    """
    lines = split_lines(text)
    for ln in lines:
        ln.kind = classify(ln.text)
    run = _body_run(lines)
    meta = DocMeta()
    if run is None:
        keep = [k for k, ln in enumerate(lines) if ln.kind in (PROSE, SHORT)]
        head: list[int] = []
        first, last = (keep[0], keep[-1]) if keep else (len(lines), -1)
    else:
        first, last = run
        head = _headline(lines, first)
        keep = head + [k for k in range(first, last + 1) if lines[k].kind in (PROSE, SHORT)]
    if title_hint:
        meta.title = title_hint.strip()
        # the hint's own line, if the text carries it, still opens the body
        for k in range(first):
            if lines[k].text and lines[k].text in (title_hint.strip(),) and k not in keep:
                keep.insert(0, k)
    else:
        meta.title = _title_text(lines, head)
    if not keep:
        # a text of one or two lines (a single sentence, a PD line) is its own body, whatever
        # cue words it holds: nothing around it is page furniture
        written = [k for k, ln in enumerate(lines) if ln.text.strip()]
        if 0 < len(written) <= 2 and any(len(lines[k].text) >= 8 for k in written):
            keep = written
    keep_set = set(keep)
    body = TextView.join([TextView.identity(lines[k].text, lines[k].start) for k in keep], "\n") if keep else TextView("", (0,))
    fill_meta(text, lines, keep_set, first, meta)
    return body, meta, keep


def fill_meta(text: str, lines: list[Line], body_lines: set[int], first_body: int, meta: DocMeta) -> None:
    """Fill published/source/authors/editors from lines outside the body and the body's byline."""
    outside = [k for k in range(len(lines)) if k not in body_lines and lines[k].text]
    header = [k for k in outside if k < first_body]
    if meta.published is None:
        for group in (header, outside):
            for k in group:
                meta.published = labelled_date(lines[k].text)
                if meta.published:
                    break
            if meta.published:
                break
    if meta.published is None:
        for k in header:
            meta.published = parse_date(lines[k].text)
            if meta.published:
                break
    if meta.source is None:
        for k in header + [k for k in outside if k >= first_body]:
            found = find_source(lines[k].text)
            if found:
                meta.source = found[0]
                break
    if meta.source is None:
        for k in header:
            meta.source = masthead_source(lines[k].text)
            if meta.source:
                break
    if meta.source is None:
        prose = [k for k in sorted(body_lines) if lines[k].kind == PROSE]
        if prose:
            meta.source = byline_source(lines[prose[0]].text[:40])
    authors: list[tuple[str, tuple[int, int]]] = []
    editors: list[tuple[str, tuple[int, int]]] = []
    for k in outside:
        ln = lines[k]
        authors += find_authors(text, ln.start, ln.end)
        editors += find_editors(text, ln.start, ln.end)
    # the body's byline: the opening of its first prose paragraph and bracketed groups
    for k in sorted(body_lines):
        ln = lines[k]
        if ln.kind != PROSE:
            continue
        if k == min(j for j in body_lines if lines[j].kind == PROSE):
            authors += find_authors(text, ln.start, min(ln.end, ln.start + 60))
        for m in re.finditer(r"[(（][^()（）]{2,60}[)）]", ln.text):
            s = ln.start + m.start()
            if s >= ln.start + 60 or k != min(j for j in body_lines if lines[j].kind == PROSE):
                authors += find_authors(text, s, ln.start + m.end())
            editors += find_editors(text, s, ln.start + m.end())
    _put_people(meta, authors, editors)


def _put_people(meta: DocMeta, authors, editors) -> None:
    seen_spans: set[tuple[int, int]] = set()
    for name, span in authors:
        if span in seen_spans:
            continue
        seen_spans.add(span)
        if name not in meta.authors:
            meta.authors.append(name)
        meta.author_spans.append(span)
    for name, span in editors:
        if span in seen_spans:
            continue
        seen_spans.add(span)
        if name not in meta.editors:
            meta.editors.append(name)
        meta.editor_spans.append(span)


def text_date(body: TextView) -> str | None:
    """The fallback date: a full date in the body, else a month-day ('--MM-DD')."""
    return parse_date(body.text) or parse_month_day(body.text)
