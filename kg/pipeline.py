"""Articles in, extraction records out: the library behind ``kg extract``.

    >>> from kg.pipeline import extract_text
    >>> record = extract_text("市委书记王明主持召开会议。")

``extract_file``/``iter_records`` read files (``extract.read``), normalise and segment the body,
run the components of ``extract.components`` and turn the analysis into a ``kg.record.Record``
whose offsets point into the text exactly as decoded from the file.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Iterable, Iterator

from extract.analysis import Analysis
from extract.components import build_pipeline
from extract.document import DocMeta, Document
from extract.ner import ner_name
from extract.normalize import normalize
from extract.read import ReadError, document_from_text, iter_documents, read_path
from extract.segment import get_segmenter
from kg.record import Doc, Entity, Record, Relation


@dataclass
class ExtractError:
    """A file (or jsonl line) that produced no record, and why."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


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

    def extract(self, doc: Document) -> Record:
        return to_record(self.analyse(doc))


def doc_id(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def to_record(a: Analysis) -> Record:
    doc, view = a.doc, a.view
    meta: DocMeta = doc.meta
    record = Record(doc=Doc(id=doc_id(doc.text), path=doc.where if doc.line else doc.path, title=meta.title,
                            published=meta.published, source=meta.source, url=meta.url,
                            authors=list(meta.authors), editors=list(meta.editors)))
    ids: dict[int, str] = {}
    for i, ent in enumerate(a.entities):
        if ent.type.startswith("_") or not ent.mentions:
            continue
        spans = sorted({view.span(m.start, m.end) for m in ent.mentions})
        ids[i] = f"e{len(ids) + 1}"
        titles = [t for t in ent.titles] if ent.type == "Official" else []
        record.entities.append(Entity(id=ids[i], type=ent.type, name=ent.name,
                                      aliases=[x for x in ent.aliases if x != ent.name],
                                      titles=titles, mentions=[list(s) for s in spans]))
    # bylines and editors the page names outside the body are Persons too
    names = {e.name for e in record.entities if e.type in ("Person", "Official")}
    for name, span in [*zip(meta.authors, meta.author_spans), *zip(meta.editors, meta.editor_spans)]:
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


def extract_text(text: str, path: str = "<text>", *, segmenter: str = "pkuseg", ner: str | None = None) -> Record:
    """The record of one article given as text (furniture removed, metadata read as for files)."""
    return default_extractor(segmenter, ner).extract(document_from_text(text, path))


def extract_file(path: str, *, segmenter: str = "pkuseg", ner: str | None = None) -> list[Record]:
    """The records of one file (one per article; a .jsonl file holds many). Raises ReadError."""
    ex = default_extractor(segmenter, ner)
    return [ex.extract(doc) for doc in read_path(path)]


def iter_records(paths: Iterable[str], *, segmenter: str = "pkuseg", ner: str | None = None) -> Iterator[Record | ExtractError]:
    """Records of every article under ``paths``; a bad file yields an ExtractError and the rest go on."""
    ex: Extractor | None = None
    for item in iter_documents(paths):
        if isinstance(item, ReadError):
            yield ExtractError(item.path, item.reason)
            continue
        if ex is None:
            ex = default_extractor(segmenter, ner)
        try:
            yield ex.extract(item)
        except Exception as err:  # an extractor bug must not stop the batch
            yield ExtractError(item.where, f"extraction failed: {type(err).__name__}: {err}")
