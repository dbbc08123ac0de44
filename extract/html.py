"""The article inside an HTML page, as a view whose characters map into the raw HTML source.

A small tokenizer walks the source (comments, tags, raw-text elements, character references) and
keeps each visible character with its source offset; a character reference (``&ldquo;``,
``&#x4e2d;``) becomes one character mapped to the reference's ``&``. Text is cut into blocks at
block-level tags. The article container is the element whose blocks carry the most prose
(readability-style: a block's weight goes to its parent and half to its grandparent), helped by
``content/article/zoom/detail`` class names and hurt by ``nav/footer/share/related`` ones. Script,
style, nav, header, footer and aside are dropped. Metadata comes from ``<meta>`` tags
(ArticleTitle, PubDate, ContentSource, author, og:*), ``<title>`` and the page's 发布时间/来源 text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.entities import html5

from extract import furniture
from extract.charview import is_traditional, normalise_spaces, simplified_text, strip_pinyin, to_simplified
from extract.document import DocMeta
from extract.meta import clean_name, find_authors, find_editors, parse_date, url_date
from extract.textview import TextView


class NoBodyError(ValueError):
    """The page has no article text."""


_TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9:_-]*)((?:\s+[^\s=/>]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)\s*(/?)\s*>",
    re.S,
)
_ATTR = re.compile(r"([^\s=/>]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+)))?", re.S)
_SPECIAL = re.compile(r"<!--.*?(?:-->|$)|<!\[CDATA\[.*?\]\]>|<![^>]*>|<\?[^>]*>", re.S)
_REF = re.compile(r"&(#[0-9]{1,7};?|#[xX][0-9a-fA-F]{1,6};?|[a-zA-Z][a-zA-Z0-9]{1,31};?)")

RAW_TEXT = {"script", "style", "textarea", "title", "xmp", "noscript", "template", "iframe", "noframes"}
DROP = {"script", "style", "nav", "header", "footer", "aside", "noscript", "template", "iframe", "select",
        "button", "svg", "head", "form", "object", "canvas", "map"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
        "track", "wbr"}
BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "td", "th",
         "section", "article", "header", "footer", "nav", "aside", "blockquote", "pre", "dd", "dt", "dl",
         "center", "hr", "main", "figure", "figcaption", "body", "html", "tbody", "thead", "caption"}
POSITIVE = re.compile(r"content|article|zoom|detail|text|main|body|news_?con|txt|conn?|zw|正文", re.I)
NEGATIVE = re.compile(r"nav|menu|foot|header|top-?bar|share|crumb|related|relate|copyright|sidebar|side|"
                      r"toolbar|print|comment|login|search|banner|advert|\bad\b|links?|recommend|hot|rank|"
                      r"info|font|tool|bottom|pager|page-?nav", re.I)
_WS = " \t\r\n\f"


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    start: int
    parent: "Element | None"
    score: float = 0.0
    dropped: bool = False

    @property
    def label(self) -> str:
        return f"{self.attrs.get('class', '')} {self.attrs.get('id', '')}"

    def ancestors(self):
        e: Element | None = self
        while e is not None:
            yield e
            e = e.parent


@dataclass
class Block:
    element: Element
    chars: list[str] = field(default_factory=list)
    origin: list[int] = field(default_factory=list)
    link_chars: int = 0
    dropped: bool = False

    def view(self) -> TextView:
        """The block's text, whitespace runs collapsed and its ends trimmed."""
        text: list[str] = []
        origin: list[int] = []
        for c, o in zip(self.chars, self.origin):
            if c in _WS:
                if not text or text[-1] == " ":
                    continue
                c = " "
            text.append(c)
            origin.append(o)
        while text and text[-1] in " \u00a0\u3000":
            text.pop()
            origin.pop()
        lead = 0
        while lead < len(text) and text[lead] in " \u00a0\u3000":
            lead += 1
        text, origin = text[lead:], origin[lead:]
        end = origin[-1] + 1 if origin else (self.origin[0] if self.origin else 0)
        return TextView("".join(text), tuple(origin) + (end,))


def _attrs(raw: str) -> dict[str, str]:
    out = {}
    for m in _ATTR.finditer(raw):
        value = m.group(2) if m.group(2) is not None else m.group(3) if m.group(3) is not None else m.group(4) or ""
        out[m.group(1).lower()] = unescape(value)
    return out


def unescape(s: str) -> str:
    return "".join(c for c, _ in _decode_refs(s, 0))


def _decode_refs(s: str, base: int):
    """Yield (char, source offset) for a text run, character references decoded."""
    i = 0
    for m in _REF.finditer(s):
        for k in range(i, m.start()):
            yield s[k], base + k
        ref = m.group(1)
        out = None
        if ref.startswith("#"):
            try:
                code = int(ref[2:].rstrip(";"), 16) if ref[1] in "xX" else int(ref[1:].rstrip(";"))
                out = chr(code) if 0 < code < 0x110000 and not 0xD800 <= code < 0xE000 else "\ufffd"
            except ValueError:
                out = None
        else:
            name = ref if ref.endswith(";") else ref
            out = html5.get(name) or (html5.get(name + ";") if not name.endswith(";") and name.lower() in
                                      ("amp", "lt", "gt", "quot", "nbsp", "copy", "reg") else None)
        if out is None:
            for k in range(m.start(), m.end()):
                yield s[k], base + k
        else:
            for c in out:
                yield c, base + m.start()
        i = m.end()
    for k in range(i, len(s)):
        yield s[k], base + k


@dataclass
class Page:
    blocks: list[Block]
    metas: list[tuple[dict[str, str], int]]  # attributes and the tag's offset
    title: tuple[str, int] | None  # <title> text and offset of its first char
    links: list[dict[str, str]]


def parse(src: str) -> Page:
    """Tokenize the source into blocks of visible text (with offsets) and head metadata."""
    root = Element("#root", {}, 0, None)
    stack: list[Element] = [root]
    blocks: list[Block] = [Block(root)]
    metas: list[tuple[dict[str, str], int]] = []
    links: list[dict[str, str]] = []
    title: tuple[str, int] | None = None
    link_depth = 0
    pos = 0
    n = len(src)

    def new_block(el: Element) -> None:
        if blocks[-1].chars:
            blocks.append(Block(el))
        else:
            blocks[-1].element = el

    def dropped() -> bool:
        return any(e.dropped for e in stack)

    while pos < n:
        lt = src.find("<", pos)
        if lt < 0:
            lt = n
        if lt > pos:
            if not dropped():
                b = blocks[-1]
                for c, o in _decode_refs(src[pos:lt], pos):
                    b.chars.append(c)
                    b.origin.append(o)
                    if link_depth and c not in _WS:
                        b.link_chars += 1
            pos = lt
            continue
        if lt >= n:
            break
        m = _SPECIAL.match(src, lt)
        if m:
            pos = m.end()
            continue
        m = _TAG.match(src, lt)
        if not m:
            # a stray '<' is text
            if not dropped():
                blocks[-1].chars.append("<")
                blocks[-1].origin.append(lt)
            pos = lt + 1
            continue
        closing, tag, raw_attrs, self_closing = m.group(1), m.group(2).lower(), m.group(3), m.group(4)
        pos = m.end()
        if closing:
            if tag == "a" and link_depth:
                link_depth -= 1
            for k in range(len(stack) - 1, 0, -1):
                if stack[k].tag == tag:
                    del stack[k:]
                    break
            if tag in BLOCK:
                new_block(stack[-1])
            continue
        attrs = _attrs(raw_attrs)
        if tag == "meta":
            metas.append((attrs, lt))
        elif tag == "link":
            links.append(attrs)
        if tag in RAW_TEXT:
            end = re.compile(rf"</{tag}\s*>", re.I).search(src, pos)
            inner_end = end.start() if end else n
            if tag == "title" and title is None:
                title = (src[pos:inner_end], pos)
            pos = end.end() if end else n
            continue
        if tag in VOID or self_closing:
            if tag in ("br", "hr"):
                new_block(stack[-1])
            continue
        if tag in ("p", "li") and stack[-1].tag == tag:
            stack.pop()
        el = Element(tag, attrs, lt, stack[-1])
        label = el.label
        el.dropped = tag in DROP or bool(
            label.strip() and NEGATIVE.search(label) and not POSITIVE.search(label) and tag not in ("body", "html")
        )
        stack.append(el)
        if tag == "a":
            link_depth += 1
        if tag in BLOCK:
            new_block(el)
    return Page([b for b in blocks if b.chars], metas, title, links)


def _prose_weight(text: str) -> float:
    """How much a block reads like article prose: its Chinese characters plus a bonus per clause."""
    cjk = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    return cjk + 10 * sum(text.count(p) for p in "，。；,;！？") if cjk >= 10 else 0.0


def _container(blocks: list[Block], views: list[TextView]) -> Element | None:
    scores: dict[int, float] = {}
    elements: dict[int, Element] = {}
    for b, v in zip(blocks, views):
        if b.dropped:
            continue
        visible = len(v.text.replace(" ", ""))
        if not visible or b.link_chars > visible * 0.5:
            continue
        w = _prose_weight(v.text)
        if not w:
            continue
        # the element holding the block (a <p> inherits its parent's container)
        el = b.element
        holder = el.parent if el.tag in ("p", "span", "font", "strong", "b", "li", "td") and el.parent else el
        for share, e in ((1.0, holder), (0.5, holder.parent)):
            if e is None or e.tag == "#root":
                continue
            scores[id(e)] = scores.get(id(e), 0.0) + share * w
            elements[id(e)] = e
    if not scores:
        return None
    for key, e in elements.items():
        if POSITIVE.search(e.label):
            scores[key] *= 1.25
    best = max(scores, key=scores.__getitem__)
    return elements[best]


def _clean_title(raw: str) -> str:
    """``<title>`` without its column/site suffixes: 'Headline_政务要闻_汉中市人民政府' → 'Headline'."""
    t = re.sub(r"\s+", " ", unescape(raw)).strip()
    parts = re.split(r"\s*(?:_|\||｜| - | – | — |--)\s*", t)
    return parts[0].strip() if len(parts) > 1 and len(parts[0]) >= 4 else t


def _meta_value(metas, *names: str) -> tuple[str, int] | None:
    wanted = [n.lower() for n in names]
    for name in wanted:
        for attrs, offset in metas:
            key = (attrs.get("name") or attrs.get("property") or attrs.get("itemprop") or "").lower()
            if key == name and attrs.get("content", "").strip():
                return attrs["content"].strip(), offset
    return None


def extract(src: str) -> tuple[TextView, DocMeta]:
    """The body view (headline first) and the page's metadata; :class:`NoBodyError` if no body."""
    page = parse(src)
    views = [strip_pinyin(b.view()) for b in page.blocks]
    traditional = is_traditional("\n".join(v.text for v in views))
    if traditional:
        views = [to_simplified(v) for v in views]
    for b, v in zip(page.blocks, views):
        b.dropped = any(e.dropped for e in b.element.ancestors())
    container = _container(page.blocks, views)
    if container is None:
        raise NoBodyError("HTML page has no body text (no paragraph of article prose found)")
    inside = [any(e is container for e in b.element.ancestors()) for b in page.blocks]
    meta = DocMeta()
    kinds = [furniture.classify(v.text) if v.text else furniture.BLANK for v in views]

    body_idx = [
        i for i, (b, v) in enumerate(zip(page.blocks, views))
        if inside[i] and not b.dropped and v.text and kinds[i] in (furniture.PROSE, furniture.SHORT)
        and b.link_chars <= len(v.text) * 0.5
    ]
    first_inside = next((i for i, x in enumerate(inside) if x), 0)

    # metadata from <meta> and <title>
    title = _meta_value(page.metas, "ArticleTitle", "og:title", "twitter:title", "title", "headline")
    page_title = _clean_title(page.title[0]) if page.title else None
    meta.title = title[0] if title else page_title
    pub = _meta_value(page.metas, "PubDate", "publishdate", "pubdate", "article:published_time",
                      "og:release_date", "publish_date", "date", "dc.date", "firstpublishedtime")
    if pub:
        meta.published = parse_date(pub[0])
    src_meta = _meta_value(page.metas, "ContentSource", "source", "og:source", "article:source", "dc.source")
    if src_meta:
        meta.source = src_meta[0]
    url = _meta_value(page.metas, "og:url", "url")
    canonical = next((ln.get("href") for ln in page.links if "canonical" in ln.get("rel", "").lower()), None)
    meta.url = url[0] if url else canonical

    # the headline: a heading before (or at the top of) the container, preferring the meta title
    head: list[int] = []
    for i in range(len(page.blocks)):
        if i >= first_inside and not inside[i]:
            break
        tag = page.blocks[i].element.tag
        v = views[i].text
        if not v or i in body_idx or page.blocks[i].link_chars > len(v) * 0.5:
            continue
        if (meta.title and v.strip() == meta.title.strip()) or (tag in ("h1", "h2") and 4 <= len(v) <= 80):
            head = [i]
            if meta.title and v.strip() == meta.title.strip():
                break
    heading = views[head[0]].text.strip() if head else None
    if heading is None and body_idx and kinds[body_idx[0]] == furniture.SHORT and len(views[body_idx[0]].text) <= 64:
        heading = views[body_idx[0]].text.strip()  # a headline inside the container
    if not title and heading and (meta.title is None or meta.title in heading or heading in meta.title):
        meta.title = heading  # the page's own headline beats a cut-down <title>

    # page text cues (发布时间, 来源, 编辑) from blocks that are not body
    lines = [furniture.Line(v.origin[0] if v.text else 0, v.origin[len(v.text) - 1] + 1 if v.text else 0, v.text, k)
             for v, k in zip(views, kinds)]
    body_set = set(body_idx) | set(head)
    text_meta = DocMeta()
    first_body = body_idx[0] if body_idx else len(lines)
    _fill_from_blocks(src, lines, views, body_set, first_body, text_meta)
    meta.published = meta.published or text_meta.published
    meta.source = meta.source or text_meta.source
    auth = _meta_value(page.metas, "author", "article:author", "Author")
    if auth and re.fullmatch(r"[\u4e00-\u9fff·・]{2,12}", clean_name(auth[0])):
        meta.authors.append(clean_name(auth[0]))
    for name in text_meta.authors:
        if name not in meta.authors:
            meta.authors.append(name)
    meta.author_spans = text_meta.author_spans
    meta.editors = text_meta.editors
    meta.editor_spans = text_meta.editor_spans
    if meta.published is None:
        meta.published = url_date(meta.url)

    if traditional:
        meta.title = _clean_str(meta.title)
        meta.source = _clean_str(meta.source)
    keep = head + body_idx
    if not body_idx:
        raise NoBodyError("HTML page has no body text")
    body = normalise_spaces(TextView.join([views[i] for i in keep], "\n"))
    if meta.published is None:
        meta.published = furniture.text_date(body)
    return body, meta


def _clean_str(s: str | None) -> str | None:
    return simplified_text(strip_pinyin(TextView.identity(s)).text) if s else s


def _fill_from_blocks(src: str, lines, views, body_set, first_body, meta: DocMeta) -> None:
    """Run the plain-text metadata reader over the page's blocks (views map into ``src``)."""
    # Build a text copy where each block's characters sit at their source offsets, so the
    # byline finders (which work on a text and offsets) report source spans.
    canvas = [" "] * (len(src) + 1)
    for v in views:
        for c, o in zip(v.text, v.origin):
            if o < len(canvas):
                canvas[o] = c
        if v.text and v.origin[len(v.text) - 1] + 1 < len(canvas):
            canvas[v.origin[len(v.text) - 1] + 1] = "\n"
    flat = "".join(canvas)
    furniture.fill_meta(flat, lines, body_set, first_body, meta)
    _ = (find_authors, find_editors)  # the finders run inside fill_meta
