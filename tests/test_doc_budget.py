"""The per-document time budget (``--doc-timeout``): an article that takes too long becomes one error
line, the batch goes on, the other records are written, and a build does not cache the timeout."""
from __future__ import annotations

import json
import signal
import threading
import time
from pathlib import Path

import pytest

import kg.parallel
import kg.pipeline
from extract.analysis import Analysis
from kg.pipeline import DocTimeout, ExtractError, Extractor, extract_document, time_budget
from kg.record import Record

ARTICLE = "市委书记王明主持召开会议。市领导李华、赵强出席会议。\n"
SLOW_MARK = "慢慢慢"


class Slow:
    """A component that never finishes on articles holding SLOW_MARK (while ``on`` is set)."""

    on = True

    def __call__(self, a: Analysis) -> Analysis:
        give_up = time.monotonic() + 20  # without a budget the test fails instead of hanging
        while self.on and SLOW_MARK in a.text and time.monotonic() < give_up:
            sum(range(1000))  # pure Python work: the budget must stop it
        return a


@pytest.fixture(scope="module")
def slow_extractor() -> Extractor:
    ex = Extractor("char", ner="none")  # no model to load: the test stays fast
    ex.pipeline.insert(0, ("slow", Slow()))
    return ex


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (src / "b-slow.txt").write_text(SLOW_MARK + ARTICLE, encoding="utf-8")
    (src / "c.txt").write_text(ARTICLE.replace("王明", "周平"), encoding="utf-8")
    return src


def _doc(text: str, path: str = "x.txt"):
    from extract.read import document_from_text

    return document_from_text(text, path)


def test_a_slow_document_is_stopped_and_the_previous_alarm_handler_is_back(slow_extractor):
    def mine(signum, frame):  # noqa: ARG001
        pass

    previous = signal.signal(signal.SIGALRM, mine)
    try:
        started = time.monotonic()
        result = extract_document(slow_extractor, _doc(SLOW_MARK + ARTICLE, "slow.txt"), 0.3)
        assert time.monotonic() - started < 5
        assert isinstance(result, ExtractError) and result.timed_out
        assert str(result) == "slow.txt: extraction took longer than 0.3 s (see --doc-timeout)"
        assert signal.getsignal(signal.SIGALRM) is mine
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
        assert isinstance(extract_document(slow_extractor, _doc(ARTICLE), 0.3), Record)
    finally:
        signal.signal(signal.SIGALRM, previous)


class Swallowing:
    """Slow code that swallows the first exception it gets (``except Exception: pass``) and goes on."""

    def __call__(self, a: Analysis) -> Analysis:
        give_up = time.monotonic() + 20
        if SLOW_MARK in a.text:
            try:
                while time.monotonic() < give_up:
                    sum(range(1000))
            except Exception:  # noqa: BLE001 - what the test is about
                pass
            while time.monotonic() < give_up:
                sum(range(1000))
        return a


@pytest.mark.parametrize("in_thread", [False, True])
def test_a_swallowed_timeout_is_raised_again(in_thread):
    ex = Extractor("char", ner="none")
    ex.pipeline.insert(0, ("swallowing", Swallowing()))
    out: list = []
    run = lambda: out.append(extract_document(ex, _doc(SLOW_MARK + ARTICLE), 0.3))  # noqa: E731
    started = time.monotonic()
    if in_thread:
        t = threading.Thread(target=run)
        t.start()
        t.join(30)
    else:
        run()
    assert time.monotonic() - started < 5
    assert isinstance(out[0], ExtractError) and out[0].timed_out


def test_budget_zero_means_no_limit():
    with time_budget(0):
        time.sleep(0.05)
    with time_budget(None):
        time.sleep(0.05)


def test_the_budget_also_works_outside_the_main_thread(slow_extractor):
    """Dask runs tasks in worker threads, where signals cannot be used."""
    out: list = []
    t = threading.Thread(target=lambda: out.append(extract_document(slow_extractor, _doc(SLOW_MARK + ARTICLE), 0.3)))
    started = time.monotonic()
    t.start()
    t.join(10)
    assert not t.is_alive() and time.monotonic() - started < 5
    assert isinstance(out[0], ExtractError) and out[0].timed_out


def test_a_thread_that_finishes_in_time_is_not_hit_later():
    outcome: list = []

    def work() -> None:
        try:
            with time_budget(0.2):
                pass
            time.sleep(0.5)  # past the budget: nothing may be raised here
            outcome.append("done")
        except BaseException as exc:  # noqa: BLE001 - the test reports it
            outcome.append(exc)

    t = threading.Thread(target=work)
    t.start()
    t.join(5)
    assert outcome == ["done"]


def test_kg_extract_goes_on_after_a_slow_document(slow_extractor, articles, tmp_path, monkeypatch, capsys):
    from kg.cli import main

    monkeypatch.setattr(kg.pipeline, "default_extractor", lambda *a, **k: slow_extractor)
    monkeypatch.delenv("ZHENGWU_KG_DOC_TIMEOUT", raising=False)
    out = tmp_path / "records.jsonl"
    started = time.monotonic()
    code = main(["extract", str(articles), "-o", str(out), "--doc-timeout", "0.5"])
    assert time.monotonic() - started < 10
    err = capsys.readouterr().err.splitlines()
    assert code == 1
    assert f"kg extract: {articles / 'b-slow.txt'}: extraction took longer than 0.5 s (see --doc-timeout)" in err
    paths = [Path(json.loads(line)["doc"]["path"]).name for line in out.read_text(encoding="utf-8").splitlines()]
    assert paths == ["a.txt", "c.txt"]  # the other files' records are written


def test_a_build_does_not_cache_a_timeout_and_the_next_build_retries_it(slow_extractor, articles, tmp_path, monkeypatch):
    from kg.scale import build_scaled

    monkeypatch.setenv("ZHENGWU_KG_DOC_TIMEOUT", "0.5")
    monkeypatch.setenv("ZHENGWU_KG_NO_FORK", "1")
    monkeypatch.setattr(kg.parallel, "_extractor", slow_extractor)  # the in-process worker's extractor
    out = tmp_path / "out"
    errors: list[str] = []
    first = build_scaled([str(articles)], out, segmenter="char", progress=False, on_error=errors.append)
    assert first.articles == 2
    assert errors == [f"{articles / 'b-slow.txt'}: extraction took longer than 0.5 s (see --doc-timeout)"]

    Slow.on = False  # the same file, now fast enough (as with a larger --doc-timeout)
    try:
        second = build_scaled([str(articles)], out, segmenter="char", progress=False)
    finally:
        Slow.on = True
    assert second.articles == 3 and not second.errors
    assert second.stats.extracted_files == 1 and second.stats.cached_files == 2


def test_doc_timeout_option_and_environment(monkeypatch):
    from kg.cli import build_parser

    monkeypatch.setenv("ZHENGWU_KG_DOC_TIMEOUT", "abc")
    with pytest.raises(ValueError, match="ZHENGWU_KG_DOC_TIMEOUT"):
        kg.pipeline.doc_timeout_default()
    monkeypatch.delenv("ZHENGWU_KG_DOC_TIMEOUT")
    assert kg.pipeline.doc_timeout_default() == 120
    with pytest.raises(SystemExit):
        build_parser().parse_args(["extract", "x", "--doc-timeout", "-1"])
    assert build_parser().parse_args(["build", "x", "--out", "o", "--doc-timeout", "0"]).doc_timeout == 0


def test_doc_timeout_is_an_exception_with_the_seconds():
    err = DocTimeout(2.5)
    assert err.seconds == 2.5 and "2.5 s" in str(err)
