"""Exports for research tools: tables for pandas/R (Parquet, CSV) and the entity graph for Gephi.

    careers_rows = careers(graph)                      # kg.careers: one row per spell
    write_careers(graph, "careers.csv")                # or .parquet (format by extension)
    write_tables(graph, "tables/")                     # entities, relations, posts, careers, ... .parquet
    write_graphml(graph, "graph.graphml"); write_gexf(graph, "graph.gexf")   # networkx writers

Plain functions: a graph in, rows (lists of dicts, one key per column) or a networkx graph out;
the writers write whole or not at all (a temp file beside the target, then a rename:
``kg.io.atomic_writer``). Column meanings: docs/careers.md ("Exports and network measures").
pyarrow is needed for Parquet only, networkx for GraphML/GEXF and the measures.
"""
from __future__ import annotations

import csv
import os
import re
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from kg.careers import COLUMNS as CAREER_COLUMNS, careers, protocol_orders
from kg.graph import POST_PARSE_FIELDS, Graph, Node
from kg.io import atomic_writer, check_output_dir, check_output_file
from kg.measures import MEASURES, measures_of

if TYPE_CHECKING:
    import networkx as nx
    import pyarrow as pa


class ExportError(ValueError):
    """An export that cannot be made as asked (message: ``PATH: reason``)."""


# ----------------------------------------------------------------------------------- the columns

STRING, INT, FLOAT, STRINGS = "string", "int64", "double", "list<string>"

ENTITY_COLUMNS: dict[str, str] = {
    "iri": STRING, "type": STRING, "label": STRING, "pinyin": STRING, "aliases": STRINGS, "context": STRING,
    "date": STRING, "n_articles": INT, "first_seen": STRING, "last_seen": STRING, "titles": STRINGS,
    "degree": INT, "weighted_degree": INT, "betweenness": FLOAT, "community": INT,
}
RELATION_COLUMNS: dict[str, str] = {
    "type": STRING, "source": STRING, "target": STRING, "source_label": STRING, "target_label": STRING,
    "article": STRING, "start": INT, "end": INT, "sentence": STRING, "date": STRING, "order": INT,
}
POST_COLUMNS: dict[str, str] = {
    "official": STRING, "name": STRING, "title": STRING, "article": STRING, "date": STRING, "org": STRING,
    **{f: STRING for f in POST_PARSE_FIELDS},
}
ARTICLE_COLUMNS: dict[str, str] = {
    "iri": STRING, "doc_id": STRING, "path": STRING, "title": STRING, "published": STRING, "source": STRING,
    "url": STRING, "authors": STRINGS, "editors": STRINGS,
}
CAREER_TYPES: dict[str, str] = {c: (INT if c in ("spell", "n_articles") else STRING) for c in CAREER_COLUMNS}
PROTOCOL_COLUMNS: dict[str, str] = {
    "meeting": STRING, "meeting_label": STRING, "article": STRING, "date": STRING, "official": STRING,
    "name": STRING, "order": INT,
}


# --------------------------------------------------------------------------------- rows of a graph

def _day(value: str | None) -> str | None:
    return value[:10] if value else None


def _seen(graph: Graph, node: Node) -> tuple[str | None, str | None, int]:
    """First and last date the node was reported (its posts' and mentions' article dates, a
    meeting's own date) and how many articles it comes from."""
    articles = {m.article for m in node.mentions} | {p.article for p in node.posts}
    dates = [d for a in articles if (d := _day(getattr(graph.articles.get(a), "published", None)))]
    dates += [d for p in node.posts if (d := _day(p.date))]
    if node.date:
        dates.append(node.date[:10])
    return (min(dates) if dates else None), (max(dates) if dates else None), len(articles)


def titles_of(node: Node) -> list[str]:
    """The official's distinct titles, in the order they were first reported (undated last)."""
    first: dict[str, str] = {}
    for p in node.posts:
        d = _day(p.date) or "9999"
        if p.title not in first or d < first[p.title]:
            first[p.title] = d
    return sorted(first, key=lambda t: (first[t], t))


def entity_rows(graph: Graph, measures: dict[str, dict] | None = None) -> list[dict]:
    """One row per entity (``ENTITY_COLUMNS``); the co-attendance measures for officials in the
    network (``None`` for everyone else)."""
    measures = measures_of(graph) if measures is None else measures
    rows = []
    for n in graph.nodes.values():
        first, last, n_articles = _seen(graph, n)
        m = measures.get(n.iri) or {}
        rows.append({"iri": n.iri, "type": n.type, "label": n.label, "pinyin": n.pinyin,
                     "aliases": list(n.aliases), "context": n.context, "date": n.date, "n_articles": n_articles,
                     "first_seen": first, "last_seen": last, "titles": titles_of(n),
                     **{k: m.get(k) for k in MEASURES}})
    return rows


def relation_rows(graph: Graph) -> list[dict]:
    """One row per statement of a relation (provenance): where and when it was said, and for
    ``attended`` the official's place in the article's list of attendees (``order``)."""
    rows = []
    label = {iri: n.label for iri, n in graph.nodes.items()}
    for e in graph.edges:
        head = {"type": e.type, "source": e.source, "target": e.target,
                "source_label": label.get(e.source), "target_label": label.get(e.target)}
        if not e.provenance:
            rows.append({**head, "article": None, "start": None, "end": None, "sentence": None, "date": None,
                         "order": None})
        for p in e.provenance:
            date = p.date or getattr(graph.articles.get(p.article), "published", None)
            rows.append({**head, "article": p.article, "start": p.start, "end": p.end, "sentence": p.sentence,
                         "date": date, "order": p.order})
    return rows


def post_rows(graph: Graph) -> list[dict]:
    """One row per title of an official in an article, as written and as parsed (``kg.titles``)."""
    rows = []
    for n in graph.nodes.values():
        for p in n.posts:
            rows.append({"official": n.iri, "name": n.label, "title": p.title, "article": p.article,
                         "date": p.date, "org": p.org, **{f: getattr(p, f) for f in POST_PARSE_FIELDS}})
    return rows


def article_rows(graph: Graph) -> list[dict]:
    return [{"iri": a.iri, "doc_id": a.doc_id, "path": a.path, "title": a.title, "published": a.published,
             "source": a.source, "url": a.url, "authors": list(a.authors), "editors": list(a.editors)}
            for a in graph.articles.values()]


# table name → (rows of a graph, column types); `kg export tables` writes each as NAME.parquet
TABLES: dict[str, tuple[Callable[[Graph], list[dict]], dict[str, str]]] = {
    "entities": (entity_rows, ENTITY_COLUMNS),
    "relations": (relation_rows, RELATION_COLUMNS),
    "posts": (post_rows, POST_COLUMNS),
    "careers": (careers, CAREER_TYPES),
    "protocol_order": (protocol_orders, PROTOCOL_COLUMNS),
    "articles": (article_rows, ARTICLE_COLUMNS),
}


# ---------------------------------------------------------------------------------- table files

def _pyarrow():
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ExportError("Parquet needs pyarrow, which is not installed: "
                          "pip install 'zhengwu-kg[research]' (or pip install pyarrow)") from None
    return pa, pq


def arrow_schema(columns: dict[str, str]) -> "pa.Schema":
    pa, _ = _pyarrow()
    kinds = {STRING: pa.string(), INT: pa.int64(), FLOAT: pa.float64(), STRINGS: pa.list_(pa.string())}
    return pa.schema([pa.field(name, kinds[kind]) for name, kind in columns.items()])


def arrow_table(rows: list[dict], columns: dict[str, str]) -> "pa.Table":
    """``rows`` as a pyarrow Table with exactly ``columns`` (in that order, those types)."""
    pa, _ = _pyarrow()
    schema = arrow_schema(columns)
    return pa.Table.from_pylist([{c: r.get(c) for c in columns} for r in rows], schema=schema)


def write_parquet(rows: list[dict], columns: dict[str, str], path: str | os.PathLike) -> Path:
    _, pq = _pyarrow()
    table = arrow_table(rows, columns)
    with atomic_writer(path, "wb") as fh:
        pq.write_table(table, fh)
    return Path(path)


def write_csv(rows: list[dict], columns: tuple[str, ...] | list[str], path: str | os.PathLike) -> Path:
    """UTF-8 CSV with a header, ``columns`` in that order (``None`` written as an empty field)."""
    with atomic_writer(path, "w") as fh:
        w = csv.writer(fh)
        w.writerow(columns)
        for r in rows:
            w.writerow(["" if r.get(c) is None else r.get(c) for c in columns])
    return Path(path)


def table_format(path: str | os.PathLike) -> str:
    """``csv`` or ``parquet``, from the file name."""
    name = str(path).lower()
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    raise ExportError(f"{path}: the output must end in .csv or .parquet")


def write_careers(graph: Graph, path: str | os.PathLike) -> tuple[Path, int]:
    """``kg.careers.careers(graph)`` as CSV or Parquet (by extension); returns the path and the rows."""
    fmt = table_format(path)
    if fmt == "parquet":
        _pyarrow()  # before the work
    check_output_file(path)
    rows = careers(graph)
    if fmt == "csv":
        return write_csv(rows, CAREER_COLUMNS, path), len(rows)
    return write_parquet(rows, CAREER_TYPES, path), len(rows)


def write_tables(graph: Graph, folder: str | os.PathLike, names: tuple[str, ...] | None = None) -> dict[str, int]:
    """Every table of :data:`TABLES` as ``folder/NAME.parquet``; returns the row count of each.
    The tables are made first, then written (each file atomically)."""
    _pyarrow()
    check_output_dir(folder)
    names = tuple(TABLES) if names is None else names
    measures = measures_of(graph)
    tables = {}
    for name in names:
        make, columns = TABLES[name]
        rows = make(graph, measures) if make is entity_rows else make(graph)
        tables[name] = (arrow_table(rows, columns), len(rows))
    _, pq = _pyarrow()
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    for name, (table, _) in tables.items():
        with atomic_writer(out / f"{name}.parquet", "wb") as fh:
            pq.write_table(table, fh)
    return {name: n for name, (_, n) in tables.items()}


# ------------------------------------------------------------------------------- GraphML and GEXF

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    """``value`` without the characters XML 1.0 cannot hold at all (control characters, lone
    surrogates); <, & and quotes are the writer's to escape."""
    return _NOT_XML.sub("", value)


def _put(attrs: dict, key: str, value: Any) -> None:
    """Set an attribute unless it is empty (GraphML and GEXF writers reject None)."""
    if value is None or value == "":
        return
    attrs[key] = xml_text(value) if isinstance(value, str) else value


def entity_network(graph: Graph, measures: dict[str, dict] | None = None) -> "nx.MultiDiGraph":
    """The entity graph for Gephi and friends: one node per entity (key = IRI), one edge per
    (type, source, target) — key ``e0``, ``e1``, … — with ``type``, ``weight`` (statements),
    ``n_articles``, ``first_date`` and ``last_date``. Node attributes: ``label``, ``type``,
    ``pinyin``, ``aliases`` and ``titles`` ("|"-joined), ``context``, ``date``, ``first_seen``,
    ``last_seen``, ``n_articles`` and, for officials in the co-attendance network, ``degree``,
    ``weighted_degree``, ``betweenness``, ``community``. Empty values are left out."""
    import networkx as nx

    measures = measures_of(graph) if measures is None else measures
    G = nx.MultiDiGraph()
    for n in graph.nodes.values():
        first, last, n_articles = _seen(graph, n)
        attrs: dict[str, Any] = {}
        _put(attrs, "label", n.label)
        _put(attrs, "type", n.type)
        _put(attrs, "pinyin", n.pinyin)
        _put(attrs, "aliases", "|".join(n.aliases))
        _put(attrs, "titles", "|".join(titles_of(n)))
        _put(attrs, "context", n.context)
        _put(attrs, "date", n.date)
        _put(attrs, "first_seen", first)
        _put(attrs, "last_seen", last)
        attrs["n_articles"] = n_articles
        for k, v in (measures.get(n.iri) or {}).items():
            _put(attrs, k, float(v) if k == "betweenness" else v)
        G.add_node(xml_text(n.iri), **attrs)
    grouped: dict[tuple[str, str, str], list] = {}
    for e in graph.edges:
        grouped.setdefault(e.key, []).extend(e.provenance or [None])
    for i, ((etype, source, target), provs) in enumerate(grouped.items()):
        dates = [d for p in provs if p is not None
                 and (d := _day(p.date or getattr(graph.articles.get(p.article), "published", None)))]
        attrs = {"type": xml_text(etype), "weight": len(provs),
                 "n_articles": len({p.article for p in provs if p is not None})}
        _put(attrs, "first_date", min(dates) if dates else None)
        _put(attrs, "last_date", max(dates) if dates else None)
        G.add_edge(xml_text(source), xml_text(target), key=f"e{i}", **attrs)
    return G


def write_graphml(graph: Graph, path: str | os.PathLike) -> tuple[Path, int, int]:
    """:func:`entity_network` as GraphML (``nx.write_graphml``); returns the path, nodes, edges."""
    import networkx as nx

    check_output_file(path)
    G = entity_network(graph)
    with atomic_writer(path, "wb") as fh:
        nx.write_graphml(G, fh, encoding="utf-8")
    return Path(path), G.number_of_nodes(), G.number_of_edges()


def gexf_network(G: "nx.MultiDiGraph") -> "nx.MultiDiGraph":
    """GEXF's edge ``type`` is the edge's direction (directed/undirected/mutual): the relation
    goes into ``relation`` and the edge's ``label`` instead; edge ids are the keys."""
    H = G.copy()
    for _, _, key, data in H.edges(keys=True, data=True):
        relation = data.pop("type")
        data["relation"] = relation
        data["label"] = relation
        data["id"] = key
    return H


def write_gexf(graph: Graph, path: str | os.PathLike) -> tuple[Path, int, int]:
    """:func:`entity_network` as GEXF 1.2 (``nx.write_gexf``); returns the path, nodes, edges."""
    import networkx as nx

    check_output_file(path)
    G = gexf_network(entity_network(graph))
    with atomic_writer(path, "wb") as fh:
        nx.write_gexf(G, fh, encoding="utf-8")
    return Path(path), G.number_of_nodes(), G.number_of_edges()


# ----------------------------------------------------------------------------------------- stats

def stats(graph: Graph, top: int = 10, meetings: int = 5) -> dict:
    """A researcher's summary of a built graph (``kg stats``): counts by type, articles and their
    date range, officials with posts, spells and changes, the co-attendance network and its most
    central officials, the most attended meetings."""
    from kg.measures import presence, summary

    node_types: dict[str, int] = defaultdict(int)
    for n in graph.nodes.values():
        node_types[n.type] += 1
    edge_types: dict[str, int] = defaultdict(int)
    statements = 0
    for e in graph.edges:
        edge_types[e.type] += 1
        statements += len(e.provenance)
    dates = sorted(d for a in graph.articles.values() if (d := _day(a.published)))
    spells = careers(graph)
    measures = measures_of(graph)
    label = {iri: n.label for iri, n in graph.nodes.items()}

    def ranked(key: str) -> list[dict]:
        order = sorted(measures.items(), key=lambda kv: (-kv[1][key], label[kv[0]], kv[0]))[:top]
        return [{"iri": iri, "label": label[iri], "context": graph.nodes[iri].context, key: m[key]}
                for iri, m in order]

    at = presence(graph)
    busiest = sorted(at.items(), key=lambda kv: (-len(kv[1]), graph.nodes[kv[0]].date or "", label[kv[0]]))[:meetings]
    return {
        "nodes": sum(node_types.values()),
        "node_types": dict(sorted(node_types.items(), key=lambda kv: (-kv[1], kv[0]))),
        "edges": len(graph.edges),
        "statements": statements,
        "edge_types": dict(sorted(edge_types.items(), key=lambda kv: (-kv[1], kv[0]))),
        "articles": len(graph.articles),
        "undated_articles": len(graph.articles) - len(dates),
        "first_date": dates[0] if dates else None,
        "last_date": dates[-1] if dates else None,
        "officials": node_types.get("Official", 0),
        "officials_with_posts": sum(1 for n in graph.nodes.values() if n.type == "Official" and n.posts),
        "spells": len(spells),
        "changes": sum(1 for r in spells if r["change"]),
        "coattendance": summary(graph, measures),
        "top_degree": ranked("degree"),
        "top_betweenness": ranked("betweenness"),
        "top_meetings": [{"iri": m, "label": label[m], "date": graph.nodes[m].date, "officials": len(o)}
                         for m, o in busiest],
    }


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal (CJK characters take two)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def stats_text(s: dict) -> str:
    """:func:`stats` as a few lines of plain text."""
    def counts(d: dict) -> str:
        return ", ".join(f"{v:,} {k}" for k, v in d.items()) or "none"

    def who(r: dict) -> str:
        return r["label"] + (f" ({r['context']})" if r.get("context") else "")

    c = s["coattendance"]
    span = f"{s['first_date']} … {s['last_date']}" if s["first_date"] else "no dates"
    lines = [
        f"entities:   {s['nodes']:,} ({counts(s['node_types'])})",
        f"relations:  {s['edges']:,} ({counts(s['edge_types'])}); {s['statements']:,} statements",
        f"articles:   {s['articles']:,}, {span}" + (f" ({s['undated_articles']:,} undated)" if s["undated_articles"] else ""),
        f"officials:  {s['officials']:,}, {s['officials_with_posts']:,} with posts; "
        f"{s['spells']:,} spells, {s['changes']:,} changes",
        f"co-attendance network: {c['officials']:,} officials, {c['links']:,} links "
        f"({c['shared_meetings']:,} shared meetings), density {c['density']:.4f}, "
        f"{c['communities']:,} communities (largest {c['largest_community']:,}); betweenness {c['betweenness']}",
    ]
    for key, title in (("degree", "by degree (officials met at meetings)"), ("betweenness", "by betweenness")):
        rows = s[f"top_{key}"]
        if rows:
            lines.append(f"top officials {title}:")
            width = max(_width(who(r)) for r in rows)
            for i, r in enumerate(rows, 1):
                value = f"{r[key]:.4f}" if key == "betweenness" else f"{r[key]:,}"
                lines.append(f"  {i:>2}. {who(r)}{' ' * (width - _width(who(r)))}  {value}")
    if s["top_meetings"]:
        lines.append("most attended meetings (officials present):")
        for i, m in enumerate(s["top_meetings"], 1):
            lines.append(f"  {i:>2}. {m['label']}" + (f" ({m['date']})" if m["date"] else "") + f"  {m['officials']}")
    return "\n".join(lines)
