"""The HTML page as a file: self-contained, UTF-8, data escaped, written atomically; and `kg viz`."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kg.cli import main
from viz.render import render_html, script_json, write_html
from viz.views import whole_view
from viz_support import XSS_ALIAS, XSS_LABEL, XSS_SENTENCE, XSS_TITLE, sample_graph


class Collect(HTMLParser):
    """Every tag with its attributes, and the text of each <script> element (by id)."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: dict[str, str] = {}
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "script":
            self._in = attrs.get("id") or f"script{len(self.scripts)}"
            self.scripts[self._in] = ""

    def handle_endtag(self, tag):
        if tag == "script":
            self._in = None

    def handle_data(self, data):
        if self._in:
            self.scripts[self._in] += data


@pytest.fixture(scope="module")
def html() -> str:
    return render_html(whole_view(sample_graph()))


def test_page_is_self_contained(html):
    doc = Collect()
    doc.feed(html)
    for tag, attrs in doc.tags:
        for name in ("src", "href", "srcset", "action", "data"):
            assert name not in attrs or not re.match(r"\s*(https?:)?//", attrs[name] or ""), (tag, attrs)
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert not re.search(r"jsdelivr|cdnjs|unpkg|cloudflare|googleapis", html, re.I)
    assert "bootstrap" not in html.lower() and "tom-select" not in html.lower()
    assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", html, re.I)
    assert "new vis.Network(" in doc.scripts["script5"]  # our page code, after vis-network itself
    assert "@version 9.1.2" in doc.scripts["script4"][:400]  # vis-network, inlined from pyvis's copy
    assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html
    html.encode("utf-8")  # no lone surrogates


def test_data_blocks_round_trip_and_cannot_break_out(html):
    doc = Collect()
    doc.feed(html)
    # each data block is exactly one script element: nothing inside closed it early
    assert {"kg-nodes", "kg-edges", "kg-options", "kg-page"} <= set(doc.scripts)
    assert sum(1 for t, _ in doc.tags if t == "script") == 6
    page = json.loads(doc.scripts["kg-page"])
    nodes = json.loads(doc.scripts["kg-nodes"])
    names = [n["name"] for n in page["nodeInfo"]]
    assert XSS_LABEL in names and "陈立新" in names
    assert XSS_LABEL in [n["label"] for n in nodes]
    assert any(XSS_ALIAS in n["aliases"] for n in page["nodeInfo"])
    assert XSS_TITLE in [a["title"] for a in page["articles"]]
    assert any(ev[0] == XSS_SENTENCE for e in page["edgeInfo"] for ev in e["evidence"])
    # the raw markup never holds the hostile strings as markup
    for bad in ("<script>window.__pwned", "</script><script>", "<img src=x", "<b onmouseover"):
        assert bad not in html
    assert "陈立新" in html  # UTF-8 text, not \u escapes


def test_no_vis_title_html_anywhere(html):
    """vis-network renders string titles as HTML, so the page must not hand it any."""
    doc = Collect()
    doc.feed(html)
    assert all("title" not in n for n in json.loads(doc.scripts["kg-nodes"]))
    assert all("title" not in e for e in json.loads(doc.scripts["kg-edges"]))
    js = doc.scripts["script5"]
    assert "innerHTML" not in js and "insertAdjacentHTML" not in js and "document.write" not in js


def test_script_json_escapes():
    text = script_json({"a": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><!-- & \u2028"}


def test_page_counts_and_legend(html):
    doc = Collect()
    doc.feed(html)
    page = json.loads(doc.scripts["kg-page"])
    assert len(json.loads(doc.scripts["kg-nodes"])) == 13
    assert len(json.loads(doc.scripts["kg-edges"])) == 15
    assert {t["type"]: t["count"] for t in page["nodeTypes"]} == {
        "Official": 5, "Person": 1, "Organization": 2, "Meeting": 2, "Policy": 2, "Place": 1}
    assert sum(r["count"] for r in page["relTypes"]) == 15
    assert page["dateRange"] == ["2023-03-14", "2024-09-12"]
    options = json.loads(doc.scripts["kg-options"])
    assert options["physics"]["enabled"] is False
    assert "WenQuanYi Micro Hei" in options["nodes"]["font"]["face"]


def test_write_html_is_atomic(tmp_path):
    target = tmp_path / "page.html"
    write_html("<p>old</p>", target)

    with pytest.raises(TypeError):
        write_html(object(), target)  # type: ignore[arg-type]  # fails while writing
    assert target.read_text(encoding="utf-8") == "<p>old</p>"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"], "no temp file left behind"


def _build_dir(tmp_path: Path) -> Path:
    d = tmp_path / "build"
    d.mkdir()
    (d / "graph.json").write_text(json.dumps(sample_graph().to_dict(), ensure_ascii=False), encoding="utf-8")
    return d


def test_cli_writes_each_view(tmp_path, capsys):
    d = _build_dir(tmp_path)
    for view, extra in (("whole", []), ("ego", ["--focus", "陈立新", "--depth", "2"]),
                        ("coattendance", [])):
        out = tmp_path / f"{view}.html"
        assert main(["viz", str(d), "-o", str(out), "--view", view, *extra]) == 0
        assert out.stat().st_size > 500_000  # vis-network is inside
    doc = Collect()
    doc.feed((tmp_path / "ego.html").read_text(encoding="utf-8"))
    page = json.loads(doc.scripts["kg-page"])
    assert page["view"] == "ego" and page["nodeInfo"][page["focus"]]["name"] == "陈立新"


def test_cli_max_nodes_says_what_it_left_out(tmp_path):
    d = _build_dir(tmp_path)
    out = tmp_path / "small.html"
    assert main(["viz", str(d), "-o", str(out), "--max-nodes", "5"]) == 0
    doc = Collect()
    doc.feed(out.read_text(encoding="utf-8"))
    page = json.loads(doc.scripts["kg-page"])
    assert len(page["nodeInfo"]) == 5
    assert page["omitted"]["nodes"] == 8 and page["omitted"]["total_nodes"] == 13


@pytest.mark.parametrize("args,message", [
    (["{missing}", "-o", "{out}"], "graph.json: not found"),
    (["{bad}", "-o", "{out}"], "not valid JSON"),
    (["{dir}", "-o", "{out}", "--view", "ego"], "needs --focus"),
    (["{dir}", "-o", "{out}", "--view", "ego", "--focus", "张三"], "no node is named '张三'"),
    (["{dir}", "-o", "{txt}"], "must be an .html file"),
])
def test_cli_errors_are_one_clear_line(tmp_path, capsys, args, message):
    d = _build_dir(tmp_path)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "graph.json").write_text("{not json", encoding="utf-8")
    subst = {"missing": tmp_path / "nope", "bad": bad, "dir": d, "out": tmp_path / "o.html",
             "txt": tmp_path / "o.txt"}
    status = main(["viz", *[a.format(**{k: str(v) for k, v in subst.items()}) for a in args]])
    err = capsys.readouterr().err.strip()
    assert status != 0
    assert message in err and err.startswith("kg viz:") and len(err.splitlines()) == 1
    assert not (tmp_path / "o.html").exists()


def test_heading_with_hostile_focus_is_escaped():
    """The ego view's heading names the focus: it goes through HTML escaping, not into markup."""
    from viz.views import ego_view
    from viz_support import BASE

    html = render_html(ego_view(sample_graph(), f"{BASE}policy/p2", depth=1))
    assert "<script>window.__pwned" not in html
    doc = Collect()
    doc.feed(html)
    assert sum(1 for t, _ in doc.tags if t == "script") == 6  # nothing injected
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "&lt;script&gt;" in title


def test_empty_graph_renders():
    from kg.graph import Graph

    html = render_html(whole_view(Graph(base_iri="https://example.org/")))
    doc = Collect()
    doc.feed(html)
    assert json.loads(doc.scripts["kg-nodes"]) == [] and json.loads(doc.scripts["kg-edges"]) == []
    assert json.loads(doc.scripts["kg-page"])["dateRange"] is None


def test_layout_is_the_same_in_every_process():
    """Positions must not depend on Python's per-process string hashing (PYTHONHASHSEED)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = ("import json, networkx as nx; from viz.layout import layout\n"
            "G = nx.Graph()\n"
            "for i in range(60): G.add_edge(f'hub{i % 7}', f'node{i}'); G.add_edge(f'node{i}', f'node{(i * 5) % 60}')\n"
            "G.add_edges_from((f'x{i}', f'x{i + 1}') for i in range(5))\n"
            "print(json.dumps({str(k): [round(float(c), 3) for c in v] for k, v in sorted(layout(G).items())}))")
    root = Path(__file__).resolve().parents[1]
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(runs) == 1
