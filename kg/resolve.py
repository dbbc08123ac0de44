"""Cross-article resolution: extraction records in, one resolved :class:`~kg.graph.Graph` out.

A pure function of plain data (no files, no globals besides the read-only division table):

    graph = resolve(records, texts={doc_id: article_text}, base_iri="https://example.org/id/")

Who is the same as whom (the *resolution key* of each entity):

- Official / Person: name + jurisdiction. The jurisdiction comes from the official's titles
  (湖北省委书记 → 湖北省; 市委书记 → the article's city; 县长 → its county; 总书记 → national) and,
  for people without a titled post (市领导X, reporters), from the article itself: its source
  (随州日报 → 随州市), its places, and the places its organisations and meetings are named after.
  Two 张伟 in different cities stay two; the same 张伟 in two articles of one city is one node.
- Organization: normalised full name. Relative names (市委, 市指挥部, 县疫情防控工作领导小组) are
  qualified with the article's division at that level (随州市委); aliases join the same node.
- Meeting: normalised (qualified) name + date (the last 月/日 date stated before the meeting's
  first mention, with the article's year; else the article date).
- Policy: normalised name (quotes, brackets, spaces and traditional characters do not count).
- Place: the administrative division (武汉 = 武汉市), else the normalised name.

IRIs are ``{base_iri}{type}/{first 16 hex of sha256(key)}``: the same input gives the same IRIs on
every run and machine. Each relation keeps every statement of it (article, evidence offsets and the
evidence sentence's text); each official's titles become one :class:`Post` per (title, article),
dated by the article, so a career can be read back as a timeline.

Article texts are not part of the record (its shape is fixed by the spec), so the evidence sentence
text comes from ``texts``: a mapping ``doc.id -> text`` or a callable ``Doc -> text | None``
(``kg build`` passes the texts it read). Without a text, the sentence is empty and the meeting date
is the article date; offsets are kept either way.
"""
from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from json.encoder import encode_basestring as _json_string  # C-accelerated: the string part of json.dumps
from typing import Callable, Iterable, Mapping

from kg.graph import POST_PARSE_FIELDS, Article, Edge, Graph, Mention, Node, Post, Provenance
from kg.pinyin import person_pinyin, place_pinyin
from kg.titles import context_of_article, parse_titles
from kg.places import CITY, COUNTY, MUNICIPALITIES, PROVINCE, Division, Divisions, divisions, short_names
from kg.record import Doc, Entity, Record

DEFAULT_BASE_IRI = "https://w3id.org/zhengwu-kg/id/"

TOWN = 3
NATIONAL = -1

# What each relation may join (annotation.md); statements outside it are not facts of the graph.
SIGNATURES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "attended": (frozenset({"Official", "Organization"}), frozenset({"Meeting"})),
    "presided": (frozenset({"Official"}), frozenset({"Meeting"})),
    "addressed": (frozenset({"Official"}), frozenset({"Meeting"})),
    "convened": (frozenset({"Organization"}), frozenset({"Meeting"})),
    "emphasised": (frozenset({"Official", "Meeting"}), frozenset({"Policy"})),
    "directed": (frozenset({"Official", "Meeting", "Organization"}), frozenset({"Organization"})),
}
NODE_SLUGS = {"Official": "official", "Person": "person", "Organization": "organization", "Meeting": "meeting",
              "Policy": "policy", "Place": "place"}

TextSource = Mapping[str, str] | Callable[[Doc], "str | None"] | None

_NATIONAL = ("中共中央", "党中央", "中央", "国务院", "国家", "全国", "总书记", "国家主席", "总理", "副总理",
             "国务委员")
_LEVEL_PREFIXES = (("全省", PROVINCE), ("全市", CITY), ("全州", CITY), ("全县", COUNTY), ("全区", COUNTY),
                   ("省", PROVINCE), ("市", CITY), ("州", CITY), ("盟", CITY), ("县", COUNTY), ("区", COUNTY),
                   ("旗", COUNTY), ("街道", TOWN), ("镇", TOWN), ("乡", TOWN), ("村", TOWN))
_TITLE_MODIFIERS = ("常务副", "副", "代", "原", "时任", "前")
_QUOTES = "“”\"'‘’《》〈〉「」『』【】"
_DOTS = {"・": "·", "•": "·", "‧": "·", "･": "·", "．": "·"}
_DATE_MD = re.compile(r"(\d{1,2})月(\d{1,2})日")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")
_TAG = re.compile(r"<[^>]*>")
_MEDIA = ("日报社", "日报", "晚报", "都市报", "报社", "新闻网", "新闻", "融媒体中心", "广播电视台", "电视台",
          "发布", "网", "报")
_LEVEL_CHARS = {"省": PROVINCE, "市": CITY, "州": CITY, "县": COUNTY, "区": COUNTY}
_PLACE_HEAD = re.compile(r"^(?:中共)?([\u4e00-\u9fff]{2,4}?)([省市州县区])")
_PLACE_BODY = re.compile(r"^(?:中共)?([\u4e00-\u9fff]{2,4}?)([省市州县区])(?:委|人民政府|政府|人大|政协)")


_NOT_PLACES = frozenset("人民 光明 经济 中国 法治 工人 农民 科技 解放军 中国青年 学习 求是 新华 央视 环球 参考 健康 检察 "
                        "人民法院 中国纪检监察 中国妇女 中国县域经济 证券 金融 国际商".split())


def place_stem(name: str, *, strict: bool = False) -> tuple[str, int | None] | None:
    """A place a name starts with that the division table may not know: 云岚日报 → 云岚,
    云岚市人民政府办公室 → (云岚, city). ``strict`` (for body names) needs 委/政府/人大/政协 after it."""
    m = (_PLACE_BODY if strict else _PLACE_HEAD).match(name)
    if m:
        return m.group(1), _LEVEL_CHARS[m.group(2)]
    if not strict:
        for suffix in _MEDIA:
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                stem = name[: -len(suffix)]
                return None if stem in _NOT_PLACES else (stem, None)
    return None


def normalise(name: str) -> str:
    """Comparable form of a name: NFKC, simplified characters, no whitespace, one kind of ·."""
    s = unicodedata.normalize("NFKC", name)
    s = "".join(_DOTS.get(c, c) for c in s if not c.isspace())
    try:
        import zhconv

        s = zhconv.convert(s, "zh-cn")
    except ImportError:  # pragma: no cover - zhconv is a core dependency
        pass
    return s


def plain_titles(e: Entity) -> list[str]:
    """An official's titles as resolution compares them: a record keeps them as written (縣長(zhǎng)
    on a traditional page with pinyin), the graph's posts and the career tables hold 县长."""
    from extract.charview import plain_text

    return [plain_text(t) for t in e.titles]


def normalise_policy(name: str) -> str:
    return "".join(c for c in normalise(name) if c not in _QUOTES)


def base_of(base_iri: str) -> str:
    """The base IRI entity IRIs are made under: ends in ``/`` or ``#`` (one is added)."""
    return base_iri if base_iri.endswith(("/", "#")) else base_iri + "/"


def stable_hash(parts: Iterable[str]) -> str:
    """First 16 hex digits of sha256 over the JSON list of ``parts`` (written out here: the same bytes
    as ``json.dumps(list(parts), ensure_ascii=False)``, without its per-call overhead; IRIs depend on it)."""
    text = "[" + ", ".join(_json_string(p) for p in parts) + "]"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]



def article_iri(base_iri: str, doc_id: str) -> str:
    return f"{base_iri}article/{stable_hash(['Article', doc_id])}"


def post_iri(base_iri: str, official: str, title: str, article: str) -> str:
    """The IRI of one Post (official, title, article); the RDF mapping and loaders share it."""
    return f"{base_iri}post/{stable_hash(['Post', official, title, article])}"


def iso_date(published: str | None) -> str | None:
    """2020-1-29 20:28 → 2020-01-29; --01-29 stays; anything else → None."""
    if not published:
        return None
    m = _ISO.match(published.strip())
    if m:
        return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    m = re.match(r"^--(\d{2})-(\d{2})", published.strip())
    return f"--{m.group(1)}-{m.group(2)}" if m else None


# ---------------------------------------------------------------------------------------- context

@dataclass(frozen=True)
class Ctx:
    """A jurisdiction: ``key`` goes into resolution keys, ``label`` is for humans.

    ``division`` is set for a division of the table; ``stem`` for a place the table does not know
    (云岚 of 云岚日报), which still qualifies relative names (市委 → 云岚市委).
    """

    key: str
    label: str | None
    division: Division | None = None
    stem: str | None = None


NATIONAL_CTX = Ctx("CN", "中国")


def _level_prefix(text: str) -> tuple[str, int] | None:
    for prefix, level in _LEVEL_PREFIXES:
        if text.startswith(prefix) and len(text) > len(prefix):
            return prefix, level
    return None


class ArticleContext:
    """Where an article is from, at each level, scored from its source, places and names."""

    def __init__(self, record: Record, table: Divisions) -> None:
        self.table = table
        self.source = normalise(record.doc.source) if record.doc.source else None
        raw: list[tuple[list[Division], float]] = []
        self.own_rank: int | None = None
        self.stem: str | None = None
        self.stem_rank: int | None = None
        source_stem = place_stem(self.source) if self.source else None
        if self.source:
            found, _ = table.prefix(self.source, short=True)
            if found:
                raw.append((found, 3.0))
                self.own_rank = found[0].rank
                source_stem = None
        if source_stem is None:
            # the source names no place, or a division of the table: weigh the article's own names.
            # (When the source names a place the table lacks — 泽川日报 — that place is the article's
            # home, and a stray place name in the text must not move the article elsewhere.)
            for e in record.entities:
                name = normalise(e.name)
                if e.type == "Place":
                    found = table.lookup(name)
                    full = name in table.by_full
                    raw.append((found, float(max(1, len(e.mentions))) * (1.0 if full else 0.5)))
                elif e.type in ("Organization", "Meeting"):
                    raw.append((table.prefix(name)[0], 1.0))
                elif e.type == "Official":
                    for t in plain_titles(e):
                        raw.append((table.prefix(_strip_modifiers(normalise(t)))[0], 1.0))
        unique = [(ds[0], w) for ds, w in raw if len(ds) == 1]
        ambiguous = [(ds, w) for ds, w in raw if len(ds) > 1]
        self.scores: dict[Division, float] = defaultdict(float)
        for d, w in unique:
            self.scores[d] += w
        province = self._best(PROVINCE, None)
        for ds, w in ambiguous:  # 朝阳区: keep the one in the article's province, if exactly one is
            inside = [d for d in ds if province is not None and d.province_code == province.code]
            if len(inside) == 1:
                self.scores[inside[0]] += w
        if self.own_rank is None and self.scores:
            top = max(self.scores.items(), key=lambda kv: (kv[1], -kv[0].rank, kv[0].code))
            self.own_rank = top[0].rank
        self.province = self._best(PROVINCE, None)
        self.city = self._best(CITY, self.province)
        if self.city is None and self.province is not None and self.province.code[:2] in MUNICIPALITIES:
            self.city = self.province
        self.county = self._best(COUNTY, self.city or self.province)
        # no division the table knows: fall back on the place the source and bodies are named after
        if not self.scores:
            votes: dict[tuple[str, int | None], float] = defaultdict(float)
            if source_stem:
                votes[source_stem] += 3.0
            for e in record.entities:
                if e.type in ("Organization", "Meeting") and (found := place_stem(normalise(e.name), strict=True)):
                    votes[found] += 1.0
            if votes:
                by_stem: dict[str, float] = defaultdict(float)
                for (stem, _), w in votes.items():
                    by_stem[stem] += w
                self.stem = max(by_stem.items(), key=lambda kv: (kv[1], [-ord(c) for c in kv[0]]))[0]
                ranks = [r for (stem, r) in votes if stem == self.stem and r is not None]
                self.stem_rank = min(ranks) if ranks else None

    def _best(self, rank: int, within: Division | None) -> Division | None:
        agg: dict[Division, float] = defaultdict(float)
        for d, w in self.scores.items():
            if d.rank < rank:
                continue
            p = self.table.parent(d, rank)
            if p is None or p.rank != rank:
                continue
            if within is not None and not self._inside(p, within):
                continue
            agg[p] += w
        if not agg:
            return None
        return max(agg.items(), key=lambda kv: (kv[1], [-ord(c) for c in kv[0].code]))[0]

    def _inside(self, d: Division, outer: Division) -> bool:
        return self.table.parent(d, outer.rank) == outer

    def _division_ctx(self, d: Division) -> Ctx:
        return Ctx(d.code, self.table.path_label(d), d)

    def _fallback(self, level: int | None) -> Ctx:
        lvl = "" if level is None else str(level)
        if self.stem:
            own = self.stem_rank if self.stem_rank is not None else CITY
            if level is None or level == own:
                return Ctx(f"place:{self.stem}", self.stem, None, self.stem)
            return Ctx(f"place:{self.stem}|{lvl}", None)
        if self.source:
            return Ctx(f"source:{self.source}|{lvl}", self.source)
        return Ctx(f"|{lvl}", None)

    def at(self, level: int | None) -> Ctx:
        """The jurisdiction a name of ``level`` refers to in this article."""
        if level == NATIONAL:
            return NATIONAL_CTX
        if level is None:
            level = self.own_rank
            if level is None:
                return self._fallback(None)
        if level == PROVINCE and self.province:
            return self._division_ctx(self.province)
        if level == CITY and self.city:
            return self._division_ctx(self.city)
        if level in (COUNTY, TOWN) and self.county:
            return self._division_ctx(self.county)
        above = self.city if level in (COUNTY, TOWN) else self.province if level == CITY else None
        if above is not None:
            return Ctx(f"{above.code}|{level}", self.table.path_label(above), None)
        return self._fallback(level)

    def level_of(self, text: str) -> tuple[int | None, Division | None, str | None]:
        """(level, named division, relative prefix) of a title or name."""
        if text.startswith(_NATIONAL):
            return NATIONAL, None, None
        found, _ = self.table.prefix(text)
        if found:
            d = found[0]
            if len(found) > 1 and self.province is not None:
                inside = [x for x in found if x.province_code == self.province.code]
                d = inside[0] if inside else d
            return d.rank, d, None
        lp = _level_prefix(text)
        if lp:
            return lp[1], None, lp[0]
        return None, None, None

    def qualify(self, name: str) -> tuple[str, str | None, Ctx | None]:
        """(key name, qualified label or None, context) for an organisation or meeting name.

        市委 → 随州市委 in a 随州 article; names that carry their place (or are national) stay.
        """
        level, division, prefix = self.level_of(name)
        if prefix is None:
            return name, None, (self._division_ctx(division) if division else
                                NATIONAL_CTX if level == NATIONAL else None)
        ctx = self.at(level)
        d = ctx.division
        if d is None and ctx.stem:
            label = ctx.stem + name
            return label, label, ctx
        if d is None:
            return f"{name}@{ctx.key}", None, ctx
        if prefix.startswith("全"):
            shorts = sorted(short_names(d.name), key=len)
            label = (shorts[0] if shorts else d.name) + name
        else:
            label = d.name + name[len(prefix):]
        return label, label, ctx


def _strip_modifiers(title: str) -> str:
    for m in _TITLE_MODIFIERS:
        if title.startswith(m) and len(title) > len(m):
            return title[len(m):]
    return title


def official_context(titles: list[str], actx: ArticleContext) -> Ctx:
    """Most specific jurisdiction any title names; the article's own level without one."""
    best: tuple[int, Ctx] | None = None
    for t in titles:
        level, division, _ = actx.level_of(_strip_modifiers(normalise(t)))
        if level is None:
            continue
        ctx = actx._division_ctx(division) if division else actx.at(level)
        rank = level if level != NATIONAL else -1
        if best is None or rank > best[0]:
            best = (rank, ctx)
    return best[1] if best else actx.at(None)


# ------------------------------------------------------------------------------------- text help

def _text_for(texts: TextSource, doc: Doc) -> str | None:
    if texts is None:
        return None
    if callable(texts):
        return texts(doc)
    return texts.get(doc.id)


def clean_sentence(raw: str) -> str:
    """Evidence text for display: HTML tags and entities removed, whitespace collapsed."""
    if "<" in raw or "&" in raw:
        raw = html.unescape(_TAG.sub("", raw))
    return re.sub(r"\s+", " ", raw).strip()


_ENDS = "。！？!?\n"


def sentence_around(text: str, pos: int) -> tuple[int, int]:
    start = max((text.rfind(c, 0, pos) for c in _ENDS), default=-1) + 1
    ends = [i for i in (text.find(c, pos) for c in _ENDS) if i >= 0]
    end = min(ends) + 1 if ends else len(text)
    return start, end


def meeting_date(entity: Entity, text: str | None, published: str | None) -> str | None:
    """The date a report gives a meeting (1月29日 + the article's year); else the article date.

    The last 月/日 date before the end of the sentence of the meeting's first mention; when the first
    mention comes before any date (a headline), the first date in the 300 characters after it.
    """
    pub = iso_date(published)
    if text and entity.mentions:
        first = min(m[0] for m in entity.mentions)
        _, end = sentence_around(text, first)
        found = list(_DATE_MD.finditer(text, max(0, first - 400), end))
        if not found:
            later = _DATE_MD.search(text, end, end + 300)
            found = [later] if later else []
        if found:
            month, day = int(found[-1].group(1)), int(found[-1].group(2))
            if 1 <= month <= 12 and 1 <= day <= 31:
                if pub and pub[:4].isdigit():
                    year = int(pub[:4])
                    if month > int(pub[5:7]) + 1:  # a December meeting reported in January
                        year -= 1
                    return f"{year:04d}-{month:02d}-{day:02d}"
                return f"--{month:02d}-{day:02d}"
    return pub


# ------------------------------------------------------------------------------------ union-find

class _Union:
    def __init__(self) -> None:
        self.parent: dict[tuple, tuple] = {}

    def find(self, k: tuple) -> tuple:
        self.parent.setdefault(k, k)
        while self.parent[k] != k:
            self.parent[k] = self.parent[self.parent[k]]
            k = self.parent[k]
        return k

    def union(self, a: tuple, b: tuple) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _entity_keys(e: Entity, actx: ArticleContext, text: str | None, published: str | None,
                 table: Divisions) -> tuple[tuple, list[tuple], str, str | None, str | None]:
    """(key, alias keys, label, context label, date) of one entity."""
    name = normalise(e.name)
    if e.type in ("Official", "Person"):
        ctx = official_context(plain_titles(e), actx) if e.type == "Official" else actx.at(None)
        return (e.type, name, ctx.key), [], e.name, ctx.label, None
    if e.type == "Place":
        found = table.lookup(name)
        if len(found) > 1 and actx.province is not None:
            found = [d for d in found if d.province_code == actx.province.code] or found
        if len(found) == 1:
            d = found[0]
            return ("Place", d.code), [], d.name, table.path_label(d), None
        return ("Place", name), [], e.name, None, None
    if e.type == "Policy":
        return (("Policy", normalise_policy(e.name)), [("Policy", normalise_policy(a)) for a in e.aliases],
                e.name, None, None)
    # Organization, Meeting: qualified names; meetings also by date
    date = meeting_date(e, text, published) if e.type == "Meeting" else None
    keyname, label, ctx = actx.qualify(name)
    extra = (date or "",) if e.type == "Meeting" else ()
    aliases = [(e.type, actx.qualify(normalise(a))[0]) + extra for a in e.aliases]
    return (e.type, keyname) + extra, aliases, label or e.name, ctx.label if ctx else None, date


def canonical_key(keys: Iterable[tuple]) -> tuple:
    """The key a node of several keys is named after: the fullest name, then the least key."""
    return min(keys, key=lambda k: (-len(k[1]), k))


def node_iri(base_iri: str, key: tuple) -> str:
    """A node's IRI from its canonical key: BASE + the type's slug + "/" + a hash of the key."""
    return f"{base_iri}{NODE_SLUGS[key[0]]}/{stable_hash(key)}"


def _choose_label(labels: list[str]) -> str:
    """The fullest written form; ties by frequency, then code point order (deterministic)."""
    counts: dict[str, int] = defaultdict(int)
    for label in labels:
        counts[label] += 1
    return sorted(counts, key=lambda s: (-len(s), -counts[s], s))[0]


# --------------------------------------------------------------------------------------- resolve
#
# Resolution runs in two steps so that a re-run need not redo the first for articles it has seen:
# :func:`article_fragment` derives, from one record and its text alone, everything the merge needs
# (keys, labels, dates, evidence sentences: plain tuples, cheap to pickle); :func:`merge` joins the
# fragments of all articles into the graph. ``resolve`` = ``merge(article_fragment(…) for …)``.

# One entity of one article: (type, key, alias keys, label, normalised names, context label, date,
# mentions ((start, end), …), pinyin of the label or None)
Occurrence = tuple
# One relation statement: (type, source occurrence index, target occurrence index, start, end, sentence,
# protocol order: the source's place among the target meeting's attendees in the article, or None)
Statement = tuple


@dataclass
class Fragment:
    """What one article contributes to resolution (see :func:`article_fragment`)."""

    article: Article
    date: str | None  # the article's date, ISO
    occurrences: list[Occurrence]
    posts: list[tuple]  # (occurrence index, title, org-name candidates, parse: POST_PARSE_FIELDS values)
    statements: list[Statement]

    def to_plain(self) -> tuple:
        """Builtin types only (for ``marshal``: the fragment store loads 20,000 of these in a second)."""
        a = self.article
        return ((a.iri, a.doc_id, a.path, a.title, a.published, a.source, a.url, tuple(a.authors), tuple(a.editors)),
                self.date, tuple(self.occurrences), tuple(self.posts), tuple(self.statements))

    @classmethod
    def from_plain(cls, t: tuple, path: str | None = None) -> "Fragment":
        return cls(article_from_plain(t[0], path), t[1], t[2], t[3], t[4])


def article_from_plain(a: tuple, path: str | None = None) -> Article:
    """The :class:`Article` of a fragment's plain article tuple (``path`` replacing its own)."""
    return Article(a[0], a[1], a[2] if path is None else path, a[3], a[4], a[5], a[6], list(a[7]), list(a[8]))


def article_fragment(rec: Record, text: str | None, base_iri: str = DEFAULT_BASE_IRI,
                     table: Divisions | None = None) -> Fragment:
    """Everything resolution derives from one record (and its text) on its own."""
    base_iri = base_of(base_iri)
    table = table or divisions()
    d = rec.doc
    a_iri = article_iri(base_iri, d.id)
    article = Article(iri=a_iri, doc_id=d.id, path=d.path, title=d.title, published=d.published, source=d.source,
                      url=d.url, authors=list(d.authors), editors=list(d.editors))
    actx = ArticleContext(rec, table)
    places = context_of_article(actx.province, actx.city, actx.county, table, actx.stem, actx.stem_rank)
    occurrences: list[Occurrence] = []
    index: dict[str, int] = {}
    posts: list[tuple] = []
    for e in rec.entities:
        if e.type not in NODE_SLUGS:
            continue  # a consumer ignores types it does not know (output.md)
        key, alias_keys, label, ctx_label, date = _entity_keys(e, actx, text, d.published, table)
        pinyin = person_pinyin(label) if e.type in ("Official", "Person") else \
            place_pinyin(label) if e.type == "Place" else None
        index[e.id] = len(occurrences)
        if e.type == "Official":
            titles = plain_titles(e)
            for title, parsed in zip(titles, parse_titles(titles, places, table)):
                t = normalise(title)
                posts.append((len(occurrences), title, tuple(dict.fromkeys((t, actx.qualify(t)[0]))),
                              tuple(getattr(parsed, f) or None for f in POST_PARSE_FIELDS)))
        names = tuple(dict.fromkeys(n for n in (normalise(x) for x in (e.name, *e.aliases)) if n))
        occurrences.append((e.type, key, tuple(alias_keys), label, names, ctx_label, date,
                            tuple((int(m[0]), int(m[1])) for m in e.mentions if len(m) >= 2), pinyin))
    statements: list[Statement] = []
    sentences: dict[tuple[int, int], str] = {}
    for r in rec.relations:
        sig = SIGNATURES.get(r.type)
        src, dst = index.get(r.source), index.get(r.target)
        if sig is None or src is None or dst is None:
            continue
        if occurrences[src][0] not in sig[0] or occurrences[dst][0] not in sig[1]:
            continue
        first = next(iter(occurrences[src][7]), None)
        if r.evidence and len(r.evidence) >= 2:
            start, end = int(r.evidence[0]), int(r.evidence[1])
        elif text is not None and first is not None:
            start, end = sentence_around(text, first[0])
        else:
            start = end = first[0] if first is not None else 0
        sentence = sentences.get((start, end))
        if sentence is None:
            sentence = sentences[(start, end)] = clean_sentence(text[start:end]) if text is not None else ""
        statements.append((r.type, src, dst, start, end, sentence))
    return Fragment(article, iso_date(d.published), occurrences, posts, protocol_orders(statements, occurrences))


def protocol_orders(statements: list[Statement], occurrences: list[Occurrence]) -> list[Statement]:
    """Number each meeting's attendees in the order the article lists them (排名: protocol order).

    The order is that of each attendee's first mention inside its attendance statement's sentence
    (the sentences in article order): 市委书记X出席… 市领导Y、Z出席 gives X 1, Y 2, Z 3."""
    def first_in(occ: Occurrence, start: int, end: int) -> int:
        inside = [s for s, _ in occ[7] if start <= s < end]
        return min(inside) if inside else min((s for s, _ in occ[7]), default=start)

    by_meeting: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for i, st in enumerate(statements):
        if st[0] == "attended":
            by_meeting[st[2]].append((first_in(occurrences[st[1]], st[3], st[4]), st[1], i))
    order: dict[int, int] = {}
    for items in by_meeting.values():
        seen: dict[int, int] = {}
        for _, src, i in sorted(items):
            seen.setdefault(src, len(seen) + 1)
            order[i] = seen[src]
    return [(*st[:6], order.get(i)) for i, st in enumerate(statements)]


def resolve(records: Iterable[Record], texts: TextSource = None, base_iri: str = DEFAULT_BASE_IRI) -> Graph:
    """Merge per-article records into one graph with stable IRIs (see the module docstring)."""
    base_iri = base_of(base_iri)
    table = divisions()
    return merge((article_fragment(rec, _text_for(texts, rec.doc), base_iri, table) for rec in records), base_iri)


def merge(fragments: Iterable[Fragment], base_iri: str = DEFAULT_BASE_IRI) -> Graph:
    """Join article fragments (in input order) into one graph: the cross-article half of resolution."""
    base_iri = base_of(base_iri)
    graph = Graph(base_iri=base_iri)
    union = _Union()
    kept: list[Fragment] = []
    for frag in fragments:
        a = frag.article
        if a.iri in graph.articles:  # the same article given twice is one article
            continue
        graph.articles[a.iri] = a
        kept.append(frag)
        for occ in frag.occurrences:
            key = occ[1]
            union.find(key)
            if occ[0] in ("Organization", "Meeting", "Policy"):
                for ak in occ[2]:
                    union.union(key, ak)

    # one IRI per component, named after its fullest primary key
    root_of = {key: union.find(key) for key in union.parent}
    members: dict[tuple, list[tuple[str, Occurrence]]] = defaultdict(list)
    for frag in kept:
        a_iri = frag.article.iri
        for occ in frag.occurrences:
            members[root_of[occ[1]]].append((a_iri, occ))
    iri_of_root: dict[tuple, str] = {}
    for root, occs in members.items():
        iri_of_root[root] = node_iri(base_iri, canonical_key({o[1] for _, o in occs}))
    iri_of = {key: iri_of_root[root] for key, root in root_of.items() if root in iri_of_root}

    # nodes
    for root, occs in members.items():
        node = node_from_occurrences(iri_of_root[root], occs)
        graph.nodes[node.iri] = node

    # posts: one per (official, title, article), dated by the article; org when the title names one
    org_names: dict[str, str] = {}
    for frag in kept:
        for occ in frag.occurrences:
            if occ[0] == "Organization":
                for k in [occ[1], *occ[2]]:
                    if "@" not in k[1] and len(k[1]) >= 2:
                        org_names.setdefault(k[1], iri_of[occ[1]])
    post_org: dict[tuple[str, ...], str | None] = {}
    posts: dict[str, set[tuple]] = defaultdict(set)
    for frag in kept:
        for i, title, candidates, *parsed in frag.posts:
            org = post_org.get(candidates, post_org)
            if org is post_org:
                org = post_org[candidates] = _post_org(candidates, org_names)
            fields = tuple(parsed[0]) if parsed else (None,) * len(POST_PARSE_FIELDS)
            posts[iri_of[frag.occurrences[i][1]]].add((title, frag.article.iri, frag.date, org, fields))
    for official, items in posts.items():
        graph.nodes[official].posts = [Post(t, a, d, o, *fields) for t, a, d, o, fields in
                                       sorted(items, key=lambda p: (p[2] or "", p[0], p[1]))]

    # edges with every statement of them
    edges: dict[tuple[str, str, str], list[tuple]] = defaultdict(list)
    for frag in kept:
        occs, a_iri, date = frag.occurrences, frag.article.iri, frag.date or ""
        for rtype, src, dst, start, end, sentence, *order in frag.statements:
            edges[(rtype, iri_of[occs[src][1]], iri_of[occs[dst][1]])].append(
                (a_iri, start, end, sentence, date, order[0] if order else None))
    graph.edges = [Edge(t, s, o, [Provenance(a, b, e, sent, d or None, n) for a, b, e, sent, d, n in
                                  (sorted(set(p), key=lambda x: x[:5]) if len(p) > 1 else p)])
                   for (t, s, o), p in sorted(edges.items())]

    graph.nodes = dict(sorted(graph.nodes.items()))
    graph.articles = dict(sorted(graph.articles.items()))
    return graph


def node_from_occurrences(iri: str, occs: list[tuple[str, Occurrence]]) -> Node:
    """One node from its (article IRI, occurrence) pairs in input order (merge and the partitioned
    merge, kg/partitioned.py, share it): the fullest label, every other name an alias, the least
    context and date, the label's pinyin, every mention."""
    node_type = occs[0][1][1][0]
    label = _choose_label([o[3] for _, o in occs])
    names = {n for _, o in occs for n in o[4]} | {o[3] for _, o in occs}
    names.discard(label)
    names.discard("")
    node = Node(iri=iri, type=node_type, label=label, aliases=sorted(names))
    contexts = {o[5] for _, o in occs if o[5]}
    node.context = min(contexts) if contexts else None
    dates = {o[6] for _, o in occs if o[6]}
    node.date = min(dates) if dates else None
    if node_type in ("Official", "Person", "Place"):
        node.pinyin = next((o[8] for _, o in occs if o[3] == label), None)
    spans = {(a, s, e) for a, o in occs for s, e in o[7]}
    node.mentions = [Mention(a, s, e) for a, s, e in sorted(spans)]
    return node


def _post_org(candidates: Iterable[str], org_names: Mapping[str, str]) -> str | None:
    """The organisation a title names: the longest known org name the (qualified) title starts with."""
    best: tuple[int, str] | None = None
    for cand in candidates:
        for n in range(len(cand) - 1, 1, -1):
            hit = org_names.get(cand[:n])
            if hit:
                if best is None or n > best[0]:
                    best = (n, hit)
                break
    return best[1] if best else None
