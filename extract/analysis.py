"""The working state of one article as it passes through the extraction components.

Components (``extract/components.py`` lists them in order) read and add to an ``Analysis``:
mentions first, then entities grouped from mentions, then relations. All offsets here are into
``view.text`` (the normalised article body); ``view.span`` turns them into original offsets.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from extract.document import Document
from extract.textview import TextView

PUNCT = set("，。、；：！？“”‘’（）《》〈〉【】「」『』—…·,.;:!?()[]\"' \u3000\t\r\n▲△●○■□◆◇★☆▼▽►◎※")
CLAUSE_END = set("。；！？\n")
SENTENCE_END = set("。！？\n")


@dataclass
class Mention:
    start: int
    end: int
    type: str
    name: str
    titles: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    role: str = ""  # how it was found: title, group, byline, known, bare, ellipsis, quoted ...
    entity: int | None = None  # index into Analysis.entities once grouped
    lead: int | None = None  # where the mention's title or role begins (市委书记|陈瑞峰)

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)


@dataclass
class EntityDraft:
    type: str
    name: str
    aliases: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)


@dataclass
class RelationDraft:
    type: str
    source: int  # entity index
    target: int
    evidence: tuple[int, int]  # view offsets of the sentence


@dataclass
class Analysis:
    doc: Document
    view: TextView
    bounds: set[int]
    mentions: list[Mention] = field(default_factory=list)
    entities: list[EntityDraft] = field(default_factory=list)
    relations: list[RelationDraft] = field(default_factory=list)
    jurisdiction: dict[str, str] = field(default_factory=dict)  # 省/市/县 -> full place name

    def __post_init__(self) -> None:
        self.text = self.view.text
        self.paragraphs = _split(self.text, {"\n"})
        self.sentences = _split(self.text, SENTENCE_END)
        self._sentence_starts = [s for s, _ in self.sentences]

    # -- spans -----------------------------------------------------------------
    # Mentions added with ``add`` never overlap, so they are kept sorted by start in
    # ``_starts``/``_by_start`` and an overlap test is a binary search, not a scan.
    def taken(self, start: int, end: int, types: tuple[str, ...] | None = None) -> bool:
        """Does ``[start, end)`` overlap a mention already found (of those types)?"""
        starts = self.__dict__.setdefault("_starts", [])
        by_start = self.__dict__.setdefault("_by_start", [])
        i = bisect.bisect_left(starts, end) - 1
        while i >= 0:
            m = by_start[i]
            if m.end <= start:
                break
            if types is None or m.type in types:
                return True
            i -= 1
        return False

    def add(self, mention: Mention) -> Mention | None:
        if mention.end <= mention.start or self.taken(mention.start, mention.end):
            return None
        starts = self.__dict__.setdefault("_starts", [])
        by_start = self.__dict__.setdefault("_by_start", [])
        i = bisect.bisect_left(starts, mention.start)
        starts.insert(i, mention.start)
        by_start.insert(i, mention)
        self.mentions.append(mention)
        return mention

    def overlapping(self, start: int, end: int) -> list[Mention]:
        """Mentions added with ``add`` (helper spans included) that overlap ``[start, end)``, in text
        order: a binary search like ``taken``, so callers stay linear in the text."""
        starts = self.__dict__.setdefault("_starts", [])
        by_start = self.__dict__.setdefault("_by_start", [])
        i = bisect.bisect_left(starts, end) - 1
        out = []
        while i >= 0 and by_start[i].end > start:
            out.append(by_start[i])
            i -= 1
        return out[::-1]

    def remove(self, mention: Mention) -> None:
        """Take a mention back (a longer name found later contains it)."""
        starts = self.__dict__.setdefault("_starts", [])
        by_start = self.__dict__.setdefault("_by_start", [])
        for i, m in enumerate(by_start):
            if m is mention:
                del by_start[i]
                del starts[i]
                break
        self.mentions = [m for m in self.mentions if m is not mention]

    def mentions_between(self, start: int, end: int) -> list[Mention]:
        """Entity mentions starting in ``[start, end)``, in text order."""
        starts = self.__dict__.setdefault("_starts", [])
        by_start = self.__dict__.setdefault("_by_start", [])
        i = bisect.bisect_left(starts, start)
        j = bisect.bisect_left(starts, end)
        return [m for m in by_start[i:j] if not m.type.startswith("_")]

    def sentence_of(self, pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(self._sentence_starts, pos) - 1
        return self.sentences[max(i, 0)] if self.sentences else (0, len(self.text))

    def sentences_in(self, start: int, end: int) -> list[tuple[int, int]]:
        """Sentences starting in ``[start, end)``."""
        i = bisect.bisect_left(self._sentence_starts, start)
        j = bisect.bisect_left(self._sentence_starts, end)
        return self.sentences[i:j]

    def at_boundary(self, pos: int) -> bool:
        return pos in self.bounds

    def sorted_mentions(self) -> list[Mention]:
        return sorted(self.mentions, key=lambda m: (m.start, -m.end))

    def entity_mentions(self) -> list[Mention]:
        """Mentions of real entity types (helper spans such as titles start with ``_``)."""
        return [m for m in self.sorted_mentions() if not m.type.startswith("_")]


def _split(text: str, ends: set[str]) -> list[tuple[int, int]]:
    """Split into non-empty pieces ending after an end char (the end char stays in the piece)."""
    out: list[tuple[int, int]] = []
    start = 0
    for i, c in enumerate(text):
        if c in ends:
            if text[start:i + 1].strip():
                out.append((start, i + 1))
            start = i + 1
    if text[start:].strip():
        out.append((start, len(text)))
    return out
