"""Articles in, extraction records out: the library behind ``kg extract``.

    >>> from kg.pipeline import extract_text
    >>> record = extract_text("市委书记王明主持召开会议。")

``extract_file``/``iter_records`` read files (``extract.read``), normalise and segment the body,
run the components of ``extract.components`` and turn the analysis into a ``kg.record.Record``
whose offsets point into the text exactly as decoded from the file.

Every document gets a time budget (``doc_timeout`` seconds, default ``$ZHENGWU_KG_DOC_TIMEOUT`` or
120; 0 = none): a document whose extraction takes longer becomes an ``ExtractError`` ("PATH:
extraction took longer than N s") and the batch goes on (:func:`time_budget`).
"""
from __future__ import annotations

import contextlib
import hashlib
import math
import os
import re
import signal
import threading
import time
from dataclasses import dataclass
from typing import Iterable, Iterator

from extract.analysis import Analysis
from extract.components import build_pipeline
from extract.document import DocMeta, Document
from extract.ner import ner_name
from extract.normalize import normalize
from extract.read import ReadError, document_from_text, iter_documents, read_path
from extract.segment import get_segmenter
from extract.textview import TextView
from kg.record import Doc, Entity, Record, Relation


@dataclass
class ExtractError:
    """A file (or jsonl line) that produced no record, and why."""

    path: str
    reason: str
    timed_out: bool = False  # over the time budget: another run with more time may succeed

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


DEFAULT_DOC_TIMEOUT = 120.0
DOC_TIMEOUT_ENV = "ZHENGWU_KG_DOC_TIMEOUT"


class DocTimeout(Exception):
    """One document's extraction ran past its time budget (raised inside the extraction)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(timeout_reason(seconds))
        self.seconds = seconds


def timeout_reason(seconds: float) -> str:
    """The error line's reason for a document over budget (the same from every executor)."""
    return f"extraction took longer than {seconds:g} s (see --doc-timeout)"


def doc_timeout_default() -> float:
    """120 s, or ``$ZHENGWU_KG_DOC_TIMEOUT`` (set by ``--doc-timeout``, so worker processes see it)."""
    value = os.environ.get(DOC_TIMEOUT_ENV)
    if not value:
        return DEFAULT_DOC_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        raise ValueError(f"{DOC_TIMEOUT_ENV}={value!r} is not a number of seconds") from None
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"{DOC_TIMEOUT_ENV}={value!r} is not a number of seconds from 0 up")
    return seconds


RETRY = 0.25  # seconds between further DocTimeouts once the budget is spent


@contextlib.contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raise :class:`DocTimeout` inside the block once it has run ``seconds`` (None/0: no limit).

    Why two mechanisms: in the main thread of a process (``kg extract``, ``kg build`` and its
    worker processes) ``SIGALRM`` from ``setitimer`` interrupts even a blocking call; the previous
    handler and timer are restored afterwards. Elsewhere (a Dask worker runs tasks in threads, where
    signals cannot be handled) a timer thread raises the exception in the extracting thread with
    ``PyThreadState_SetAsyncExc``. Both take effect between Python bytecodes, so one long call into
    C (a single regex match) finishes first; extraction calls into C in small pieces. Past the
    budget the exception is raised again every ``RETRY`` seconds, in case code inside swallowed it.
    """
    if not seconds or seconds <= 0:
        yield
        return
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        with _alarm_budget(seconds):
            yield
    else:
        with _thread_budget(seconds):
            yield


@contextlib.contextmanager
def _alarm_budget(seconds: float) -> Iterator[None]:
    active = [True]

    def on_alarm(signum, frame):  # noqa: ARG001 - signal handler signature
        if active[0]:
            raise DocTimeout(seconds)
        signal.setitimer(signal.ITIMER_REAL, 0)  # an alarm that arrives as the block ends: stop them

    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, on_alarm)
    old_delay, old_interval = signal.setitimer(signal.ITIMER_REAL, seconds, RETRY)
    try:
        yield
    finally:
        try:
            active[0] = False
        finally:  # runs even if a repeated alarm lands on the line above
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
            if old_delay:  # someone else's timer was running: give it back what is left of it
                left = old_delay - (time.monotonic() - started)
                signal.setitimer(signal.ITIMER_REAL, max(left, 0.001), old_interval)


@contextlib.contextmanager
def _thread_budget(seconds: float) -> Iterator[None]:
    import ctypes

    target = ctypes.c_ulong(threading.get_ident())
    lock = threading.Lock()
    stop = threading.Event()
    fired = [False]

    def watch() -> None:
        delay = seconds
        for _ in range(40):  # the budget, then ten seconds of repeats at most
            if stop.wait(delay):
                return
            with lock:
                if stop.is_set():
                    return
                fired[0] = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(target, ctypes.py_object(_ThreadTimeout))
            delay = RETRY

    watcher = threading.Thread(target=watch, name="kg-doc-timeout", daemon=True)
    watcher.start()
    try:
        yield
    except _ThreadTimeout:
        stop.set()
        raise DocTimeout(seconds) from None
    finally:
        stop.set()
        with lock:  # an exception being sent now is sent before this; clear it if still pending
            if fired[0]:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(target, None)


class _ThreadTimeout(Exception):
    """Raised asynchronously in a thread over budget (turned into DocTimeout by _thread_budget)."""


class Extractor:
    """A segmenter plus the component pipeline; build once, call per document."""

    def __init__(self, segmenter: str = "pkuseg", ner: str | None = None) -> None:
        self.segmenter = get_segmenter(segmenter)
        self.ner = ner_name(ner)
        self.pipeline = build_pipeline(ner=self.ner)

    def analyse(self, doc: Document) -> Analysis:
        view = normalize(doc.body)
        a = Analysis(doc, view, self.segmenter.boundaries(view.text))
        for _name, component in self.pipeline:
            a = component(a)
        return a

    def extract(self, doc: Document, timeout: float | None = None) -> Record:
        """The record of ``doc``; :class:`DocTimeout` after ``timeout`` seconds (None: the default
        budget, :func:`doc_timeout_default`; 0: none)."""
        with time_budget(doc_timeout_default() if timeout is None else timeout):
            return to_record(self.analyse(doc))


def doc_id(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def as_written(doc: Document, view: TextView, start: int, end: int) -> str:
    """The text of ``view[start:end]`` as the document writes it.

    The view is normalised for matching (``(`` → ``（``, ``:`` → ``：``, ``・`` → ``·``: extract/normalize.py),
    so its text is not what the article says. When the span's characters sit side by side in the
    decoded text, that is the text; otherwise (tags, entities or pinyin glosses in between) it is the
    body as read, before normalisation (one character for one: the same offsets)."""
    a, b = view.span(start, end)
    origin = view.origin
    if b - a == end - start and all(origin[i] == a + (i - start) for i in range(start, end)):
        return doc.text[a:b]
    return doc.body.text[start:end]


def _entity_name(a: Analysis, ent) -> str:
    """An entity's record name: verbatim when the name is the text of one of its mentions (a name
    built from parts, such as a meeting named from its organiser, stays as built)."""
    for m in sorted(ent.mentions, key=lambda m: m.start):
        if a.view.text[m.start:m.end] == ent.name:
            return as_written(a.doc, a.view, m.start, m.end)
    return ent.name


def _title_as_written(a: Analysis, ent, title: str) -> str:
    """A title as the page writes it (spec: titles are kept as written): on a traditional page with
    inline pinyin, 縣長(zhǎng) where the view reads 县长. The title's occurrence nearest one of the
    entity's mentions is the one read; a title the view does not hold verbatim stays as built."""
    from extract.charview import gloss_end, plain_text

    text = a.view.text
    starts = [m.start for m in ent.mentions]
    best, pos, seen = None, text.find(title), 0
    while pos >= 0 and seen < 64:  # (bounded: a title recurs a handful of times in an article)
        gap = min(abs(pos - s) for s in starts) if starts else 0
        if best is None or gap < best[0]:
            best = (gap, pos)
        pos, seen = text.find(title, pos + 1), seen + 1
    if best is None:
        return title
    s0, e0 = a.view.span(best[1], best[1] + len(title))
    written = a.doc.text[s0:gloss_end(a.doc.text, e0)]  # (the last character's gloss is written too)
    return written if written != title and plain_text(written) == title else title


def _byline_people(doc: Document) -> list[tuple[str, tuple[int, int]]]:
    """(name, span) of every byline name (记者/作者/编辑) the page states, each read at its own span.

    A name comes from the text at its span, not from its place in ``meta.authors`` (that list holds
    each name once, the spans list every occurrence, and an HTML ``<meta name=author>`` has no span),
    and becomes a Person only if it is one of the page's names and looks like a personal name."""
    from extract.charview import simplified_text
    from extract.meta import clean_name, looks_like_person_name

    meta = doc.meta
    out: list[tuple[str, tuple[int, int]]] = []
    for names, spans in ((meta.authors, meta.author_spans), (meta.editors, meta.editor_spans)):
        known = set(names)
        for s, e in spans:
            if not (0 <= s < e <= len(doc.text)):
                continue
            written = "".join(doc.text[s:e].split())  # 吴　凡 → 吴凡: the spacer is layout; · stays as written
            clean = simplified_text(clean_name(written))
            if (clean_name(written) in known or clean in known) and looks_like_person_name(clean):
                out.append((written, (s, e)))
    return out


def to_record(a: Analysis) -> Record:
    """The record of an analysed document: names as written, offsets into the decoded text, and the
    page's metadata as plain values (a source only if it can be a publisher's name)."""
    from extract.meta import looks_like_person_name, publisher_name

    doc, view = a.doc, a.view
    meta: DocMeta = doc.meta
    record = Record(doc=Doc(id=doc_id(doc.text), path=doc.where if doc.line else doc.path, title=meta.title,
                            published=meta.published, source=publisher_name(meta.source), url=meta.url,
                            authors=[n for n in meta.authors if looks_like_person_name(n)],
                            editors=[n for n in meta.editors if looks_like_person_name(n)]))
    ids: dict[int, str] = {}
    for i, ent in enumerate(a.entities):
        if ent.type.startswith("_") or not ent.mentions:
            continue
        spans = sorted({view.span(m.start, m.end) for m in ent.mentions})
        ids[i] = f"e{len(ids) + 1}"
        titles = [_title_as_written(a, ent, t) for t in ent.titles] if ent.type == "Official" else []
        name = _entity_name(a, ent)
        aliases = [x for x in ent.aliases if x not in (ent.name, name)]
        if re.sub(r"\W", "", name) != re.sub(r"\W", "", ent.name):
            aliases.insert(0, ent.name)  # 韓立新 as written, 韩立新 the clean name (spec: an alias)
        record.entities.append(Entity(id=ids[i], type=ent.type, name=name, aliases=aliases,
                                      titles=titles, mentions=[list(s) for s in spans]))
    # bylines and editors the page names outside the body are Persons too
    names = {e.name for e in record.entities if e.type in ("Person", "Official")}
    for name, span in _byline_people(doc):
        if any(list(span) in e.mentions for e in record.entities if e.type in ("Person", "Official")):
            continue  # the body's own mention of the name
        if name in names:
            for e in record.entities:
                if e.name == name and list(span) not in e.mentions:
                    e.mentions.append(list(span))
                    e.mentions.sort()
            continue
        names.add(name)
        record.entities.append(Entity(id=f"e{len(record.entities) + 1}", type="Person", name=name,
                                      mentions=[list(span)]))
    for r in a.relations:
        if r.source in ids and r.target in ids:
            record.relations.append(Relation(type=r.type, source=ids[r.source], target=ids[r.target],
                                             evidence=list(view.span(*r.evidence))))
    return record


_default: Extractor | None = None


def default_extractor(segmenter: str = "pkuseg", ner: str | None = None) -> Extractor:
    """The process-wide Extractor; ``ner`` defaults to ``$ZHENGWU_KG_NER`` or ``lac``."""
    global _default
    ner = ner_name(ner)
    if _default is None or _default.segmenter.name != segmenter or _default.ner != ner:
        _default = Extractor(segmenter, ner)
    return _default


def extract_text(text: str, path: str = "<text>", *, segmenter: str = "pkuseg", ner: str | None = None,
                 doc_timeout: float | None = None) -> Record:
    """The record of one article given as text (furniture removed, metadata read as for files).
    Raises DocTimeout past ``doc_timeout`` seconds (default: :func:`doc_timeout_default`)."""
    return default_extractor(segmenter, ner).extract(document_from_text(text, path), doc_timeout)


def extract_file(path: str, *, segmenter: str = "pkuseg", ner: str | None = None,
                 doc_timeout: float | None = None) -> list[Record]:
    """The records of one file (one per article; a .jsonl file holds many). Raises ReadError, or
    DocTimeout when an article takes longer than ``doc_timeout`` seconds."""
    ex = default_extractor(segmenter, ner)
    return [ex.extract(doc, doc_timeout) for doc in read_path(path)]


def extract_document(ex: Extractor, doc: Document, doc_timeout: float | None = None) -> Record | ExtractError:
    """One document's record, or the one-line error that replaces it (over budget, extractor bug),
    so that a batch always goes on to the next document."""
    try:
        return ex.extract(doc, doc_timeout)
    except DocTimeout as err:
        return ExtractError(doc.where, str(err), timed_out=True)
    except Exception as err:  # an extractor bug must not stop the batch
        return ExtractError(doc.where, f"extraction failed: {type(err).__name__}: {err}")


def iter_records(paths: Iterable[str], *, segmenter: str = "pkuseg", ner: str | None = None,
                 doc_timeout: float | None = None) -> Iterator[Record | ExtractError]:
    """Records of every article under ``paths``; a bad file yields an ExtractError and the rest go on.

    ``doc_timeout``: seconds each document may take (None: :func:`doc_timeout_default`; 0: none).
    """
    budget = doc_timeout_default() if doc_timeout is None else doc_timeout
    ex: Extractor | None = None
    for item in iter_documents(paths):
        if isinstance(item, ReadError):
            yield ExtractError(item.path, item.reason)
            continue
        if ex is None:
            ex = default_extractor(segmenter, ner)
        yield extract_document(ex, item, budget)
