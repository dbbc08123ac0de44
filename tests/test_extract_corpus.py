"""Quality on the shared seed and dev corpora, measured by ../shared/eval/score.py (skips without it)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from extract_support import ROOT, entity, extractor, need_shared, rels  # noqa: F401
from kg.pipeline import extract_file


@pytest.fixture(scope="module")
def corpus_scores(tmp_path_factory):
    shared = need_shared()
    out = tmp_path_factory.mktemp("records")
    scores = {}
    folders = {"dev": shared / "corpus" / "dev", "seed": shared / "corpus" / "seed"}
    # our own held-out sets (tests/heldout*), written without looking at the rules
    folders.update({p.name: p for p in sorted(ROOT.glob("tests/heldout*")) if p.is_dir()})
    for name, folder in folders.items():
        records = out / f"{name}.jsonl"
        subprocess.run([sys.executable, "-m", "kg.cli", "extract", str(folder), "-o", str(records)],
                       check=True, cwd=ROOT, capture_output=True)
        res = subprocess.run([sys.executable, str(shared / "eval" / "score.py"), str(folder),
                              str(records), "--json"], check=True, capture_output=True, text=True)
        scores[name] = json.loads(res.stdout)
    return scores


@pytest.mark.parametrize("corpus", ["dev", "seed", "heldout", "heldout2"])
def test_corpus_quality_targets(corpus_scores, corpus):
    rows = corpus_scores[corpus]
    assert rows["ALL entities"]["f"] >= 0.90, rows["ALL entities"]
    assert rows["ALL relations"]["f"] >= 0.80, rows["ALL relations"]
    assert rows["Official"]["f"] >= 0.95, rows["Official"]
    assert rows["Official titles"]["f"] >= 0.90, rows["Official titles"]


def test_seed_article_record(extractor):
    shared = need_shared()
    path = shared / "corpus" / "seed" / "suizhou-2020-01-29.txt"
    [r] = extract_file(str(path))
    text = path.read_text(encoding="utf-8")
    assert r.doc.title.startswith("陈瑞峰")
    assert r.doc.published == "2020-01-29T20:28" and r.doc.source == "随州日报"
    assert r.doc.authors == ["刘诗诗"] and r.doc.editors == ["隋意"]
    meetings = [e for e in r.entities if e.type == "Meeting"]
    assert len(meetings) == 2
    tv = entity(r, "全省疫情防控调度工作电视电话会议", "Meeting")
    dispatch = next(m for m in meetings if m is not tv)
    hq = entity(r, "市指挥部", "Organization")
    assert ("attended", hq.name, tv.name) in rels(r)
    attendees = {s for t, s, o in rels(r, "attended") if o == dispatch.name}
    assert attendees >= {"克克", "冯伟", "郑军", "林常伦", "吴丕华", "张卫", "熊桢", "李国寿", "吴超明", "郑晓峰"}
    emphasised = {o for t, s, o in rels(r, "emphasised") if s == dispatch.name}
    for policy in ("一断三不断", "守土有责、守土担责、守土尽责", "不忘初心、牢记使命", "访议解"):
        assert any(policy in p for p in emphasised), (policy, emphasised)
    # nothing from the page footer (ICP lines, phone numbers, 光明左使(刘先生))
    footer_start = text.index("随州日报-新媒体矩阵")
    for e in r.entities:
        if e.type != "Person":
            assert all(s < footer_start for s, _ in e.mentions), e
    assert not any("刘先生" in e.name or "光明" in e.name for e in r.entities)


def test_every_mention_points_into_the_decoded_text(extractor):
    shared = need_shared()
    for path in sorted((shared / "corpus" / "dev").glob("dev-*")):
        if path.name.endswith(".gold.json"):
            continue
        gold = json.loads(path.with_name(path.name.split(".")[0] + ".gold.json").read_text(encoding="utf-8"))
        text = path.read_bytes().decode(gold.get("encoding", "utf-8"))
        for r in extract_file(str(path)):
            for e in r.entities:
                for s, t in e.mentions:
                    piece = text[s:t].replace("\u3000", "").replace(" ", "")
                    assert piece and (piece[0] == e.name[0] or e.type != "Official" or e.name[0] in piece), (path.name, e.name, piece)
            for rel in r.relations:
                s, t = rel.evidence
                assert 0 <= s < t <= len(text)
