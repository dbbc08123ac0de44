"""Extraction stays linear on hostile input: a text made of one cue word repeated.

A text of 会议会议会议… or 强调强调… once took time quadratic in its length (issue "Hostile
clients", item 6). Each word here is repeated to N and to 4N characters; the time must grow about
4×, not 16×. Times are the best of two runs, measured in this process as a ratio, so a slow or
loaded machine does not fail the test (speed itself is measured by ``bench/``, not here).
"""
from __future__ import annotations

import time

import pytest

from kg.pipeline import default_extractor
from extract.read import document_from_text

pytestmark = pytest.mark.slow

WORDS = ["会议", "强调", "出席", "市委书记", "主持召开", "作报告", "、", "张三", "中美", "“两山”", "局", "在",
         "受市委委托", "主持会议。", "市委书记张三出席。"]
N = 4000


def _seconds(text: str) -> float:
    ex = default_extractor()
    best = float("inf")
    for _ in range(2):
        t0 = time.perf_counter()
        ex.extract(document_from_text(text, "hostile.txt"))
        best = min(best, time.perf_counter() - t0)
    return best


def _repeat(word: str, n: int) -> str:
    return (word * (n // len(word) + 1))[:n]


@pytest.mark.parametrize("word", WORDS)
def test_time_grows_linearly_with_repetitions(word):
    default_extractor()  # the model loads outside the timing
    small, large = _seconds(_repeat(word, N)), _seconds(_repeat(word, 4 * N))
    assert large / max(small, 1e-3) < 8, f"{word!r}: {small:.2f}s for {N} chars, {large:.2f}s for {4 * N}"


# The issue's own probe: 10⁵ repetitions of each cue and meeting word, against a normal text of the
# same length (our own sample articles repeated). A quadratic pass would take tens of minutes here.
CUE_WORDS = ["会议", "强调", "出席", "主持", "召开"]
REPETITIONS = 100_000
MAX_RATIO = 100


def _normal_text(n: int) -> str:
    from pathlib import Path

    samples = sorted((Path(__file__).resolve().parent.parent / "data" / "samples").glob("*.txt"))
    base = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in samples[:3])
    return (base * (n // len(base) + 1))[:n]


@pytest.mark.parametrize("word", CUE_WORDS)
def test_a_hundred_thousand_repetitions_within_a_ratio_of_a_normal_text(word):
    hostile = word * REPETITIONS
    normal = _normal_text(len(hostile))
    ex = default_extractor()
    t0 = time.perf_counter()
    ex.extract(document_from_text(normal, "normal.txt"))
    t_normal = time.perf_counter() - t0
    t0 = time.perf_counter()
    ex.extract(document_from_text(hostile, "hostile.txt"))
    t_hostile = time.perf_counter() - t0
    assert t_hostile / max(t_normal, 0.05) < MAX_RATIO, f"{word!r}: {t_hostile:.1f}s vs {t_normal:.1f}s"
