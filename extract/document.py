"""The article as read from a file: its exact decoded text, its metadata and its body view."""
from __future__ import annotations

from dataclasses import dataclass, field

from extract.textview import TextView


@dataclass
class DocMeta:
    """What the page says about itself (``doc`` of the record, minus ``id`` and ``path``)."""

    title: str | None = None
    published: str | None = None
    source: str | None = None
    url: str | None = None
    authors: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    # spans (original offsets) of the names above, so extractors can type them as Persons
    author_spans: list[tuple[int, int]] = field(default_factory=list)
    editor_spans: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Document:
    """One article. ``text`` is exactly what was decoded from the file (HTML source for HTML);
    ``body`` is the cleaned article body as a view whose offsets map back into ``text``."""

    path: str
    text: str
    body: TextView
    meta: DocMeta
    encoding: str = "utf-8"
    line: int | None = None  # 1-based line for articles read from .jsonl

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path
