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
