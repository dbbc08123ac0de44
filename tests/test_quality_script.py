"""bench/quality.py scores a gold folder through the shared scorer, reading only its articles."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))


def test_a_sets_readme_and_index_are_no_articles(tmp_path):
    import quality

    if not quality.SCORE.exists():
        pytest.skip("../shared/eval/score.py is absent")
    folder = tmp_path / "set"
    folder.mkdir()
    (folder / "a01.txt").write_text("3月5日，县委书记王成明主持召开县委常委会会议。\n", encoding="utf-8")
    (folder / "a01.gold.json").write_text(json.dumps({
        "doc": {"title": None, "published": None, "source": None, "authors": [], "editors": []},
        "entities": [{"id": "p1", "type": "Official", "name": "王成明", "titles": ["县委书记"], "mentions": ["王成明"]},
                     {"id": "m1", "type": "Meeting", "name": "县委常委会会议", "mentions": ["县委常委会会议"]}],
        "relations": [["presided", "p1", "m1"]]}, ensure_ascii=False), encoding="utf-8")
    (folder / "README.md").write_text("# a set\n", encoding="utf-8")
    (folder / "INDEX.tsv").write_text("file\turl\na01.txt\thttp://example.org/\n", encoding="utf-8")
    res = quality.score_gold("set", folder, tmp_path, "lac", verbose=False)
    assert res["records"] == 1 and res["failed"] == 0
    assert res["rows"]["Official"]["f"] == 1.0
