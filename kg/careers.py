"""Careers: who held which post, when — the table researchers code by hand (CPED-like).

Each official's posts (one per title per article, parsed by ``kg.titles``) are merged into spells:
one spell per (jurisdiction, organ, position, modifier), first and last seen on the articles'
dates. A spell that starts after another of the same official ended is a change, and says which
(代市长 → 市长 is a confirmation, 副市长 → 常务副市长 a step up, the same post in another unit a move).
Plain data in (``kg.graph.Graph``), plain rows out: ``kg export careers`` writes them as CSV or
Parquet; docs/careers.md documents the columns.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from kg.graph import Graph
from kg.titles import rules

COLUMNS = ("official", "name", "pinyin", "spell", "title", "jurisdiction", "adcode", "level", "organ",
           "position", "modifier", "rank", "gloss", "first_seen", "last_seen", "n_articles", "articles",
           "change", "previous")


@dataclass
class Spell:
    official: str
    key: tuple[str, str, str, str]  # (unit, organ, position, modifier)
    titles: Counter = field(default_factory=Counter)
    dates: list[str] = field(default_factory=list)
    articles: set[str] = field(default_factory=set)
    parse: dict = field(default_factory=dict)

    @property
    def first(self) -> str | None:
        return min(self.dates) if self.dates else None

    @property
    def last(self) -> str | None:
        return max(self.dates) if self.dates else None


def _spell_key(p) -> tuple[str, str, str, str]:
    unit = p.code or p.jurisdiction or ""
    if not (p.position or p.organ):
        return (unit, "", p.title, "")  # an unparsed title is its own post
    return (unit, p.organ or "", p.position or "", p.modifier or "")


def spells_of(graph: Graph, official: str) -> list[Spell]:
    """The official's spells in order of first appearance (undated ones last)."""
    node = graph.nodes[official]
    by_key: dict[tuple, Spell] = {}
    for p in node.posts:
        key = _spell_key(p)
        s = by_key.setdefault(key, Spell(official, key))
        s.titles[p.title] += 1
        if p.date:
            s.dates.append(p.date[:10])
        s.articles.add(p.article)
        if not s.parse:
            s.parse = {f: getattr(p, f) or "" for f in ("jurisdiction", "code", "level", "organ", "position",
                                                        "modifier", "rank", "gloss")}
    return sorted(by_key.values(), key=lambda s: (s.first is None, s.first or "", s.last or "", s.key))


def describe_change(prev: Spell, cur: Spell) -> str:
    """What moving from ``prev`` to ``cur`` was, in a few words (empty if they are unrelated)."""
    pu, po, pp, pm = prev.key
    cu, co, cp, cm = cur.key
    pmods, cmods = set(filter(None, pm.split("+"))), set(filter(None, cm.split("+")))
    if (pu, po, pp) == (cu, co, cp):
        if "代" in pmods and "代" not in cmods:
            return "confirmed (代 → 正)"
        if "副" in pmods and "副" in cmods and "常务" in cmods - pmods:
            return "became executive deputy"
        if "副" in pmods and "副" not in cmods:
            return "promoted (副 → 代)" if "代" in cmods else "promoted (副 → 正)"
        if "副" in cmods and "副" not in pmods:
            return "demoted (正 → 副)"
        return "changed modifier"
    if (po, pp, pm) == (co, cp, cm) and pu != cu:
        return "moved to another unit"
    ranks = rules()["ranks"]
    pr, cr = prev.parse.get("rank"), cur.parse.get("rank")
    if pr in ranks and cr in ranks and pr != cr:
        return "promoted" if ranks.index(cr) < ranks.index(pr) else "moved down"
    if pu == cu:
        return "new post in the same unit"
    return "new post"


def careers(graph: Graph) -> list[dict]:
    """One row per spell (see ``COLUMNS``), officials in label order, spells in time order."""
    rows: list[dict] = []
    doc_of = {a.iri: a.doc_id for a in graph.articles.values()}
    officials = sorted((n for n in graph.nodes.values() if n.type == "Official" and n.posts),
                       key=lambda n: (n.label, n.iri))
    for node in officials:
        spells = spells_of(graph, node.iri)
        for i, s in enumerate(spells, 1):
            before = [x for x in spells[: i - 1] if x.last and s.first and x.last < s.first]
            prev = max(before, key=lambda x: (x.last, x.first)) if before else None
            title = s.titles.most_common(1)[0][0]
            rows.append({
                "official": node.iri, "name": node.label, "pinyin": node.pinyin or "", "spell": i,
                "title": title, "jurisdiction": s.parse.get("jurisdiction", ""), "adcode": s.parse.get("code", ""),
                "level": s.parse.get("level", ""), "organ": s.parse.get("organ", ""),
                "position": s.parse.get("position", ""), "modifier": s.parse.get("modifier", ""),
                "rank": s.parse.get("rank", ""), "gloss": s.parse.get("gloss", ""),
                "first_seen": s.first or "", "last_seen": s.last or "", "n_articles": len(s.articles),
                "articles": ";".join(sorted(doc_of.get(a, a) for a in s.articles)),
                "change": describe_change(prev, s) if prev else "",
                "previous": prev.titles.most_common(1)[0][0] if prev else "",
            })
    return rows


def protocol_orders(graph: Graph) -> list[dict]:
    """Every (meeting, article, official, order) of the attended statements: who stood where."""
    out = []
    for e in graph.edges:
        if e.type != "attended":
            continue
        for p in e.provenance:
            if p.order:
                out.append({"meeting": e.target, "meeting_label": graph.nodes[e.target].label,
                            "article": p.article, "date": p.date or "", "official": e.source,
                            "name": graph.nodes[e.source].label, "order": p.order})
    by = defaultdict(list)
    for r in out:
        by[(r["meeting"], r["article"])].append(r)
    return [r for k in sorted(by) for r in sorted(by[k], key=lambda r: r["order"])]
