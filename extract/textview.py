"""A text derived from an article's decoded text, remembering where each character came from.

Every cleaning step (HTML tag stripping, entity decoding, furniture removal, traditional→simplified
conversion, inline-pinyin removal, punctuation normalisation) produces a new ``TextView`` whose
``origin`` maps each of its characters back to an offset in the original decoded text. Extractors
work on views; the record only ever holds original offsets, via :meth:`TextView.span`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class TextView:
    """``text[i]`` came from ``original[origin[i]]``; ``origin`` has one extra end sentinel."""

    text: str
    origin: tuple[int, ...]

    @classmethod
    def identity(cls, text: str, start: int = 0) -> "TextView":
        return cls(text, tuple(range(start, start + len(text) + 1)))

    def __len__(self) -> int:
        return len(self.text)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` of the view's ``[start, end)`` (end maps past the last char)."""
        if end <= start:
            o = self.origin[start]
            return (o, o)
        return (self.origin[start], self.origin[end - 1] + 1)

    def slice(self, start: int, end: int) -> "TextView":
        return TextView(self.text[start:end], self.origin[start:end] + (self.origin[end - 1] + 1 if end > start else self.origin[start],))

    def map_chars(self, table: dict[str, str]) -> "TextView":
        """Replace characters one for one (same length), e.g. full-width punctuation or t→s."""
        return TextView("".join(table.get(c, c) for c in self.text), self.origin)

    def replace_pieces(self, pieces: Iterable[tuple[int, int, str]]) -> "TextView":
        """Rewrite non-overlapping view ranges ``(start, end, new)``; new chars map to ``start``.

        An empty ``new`` deletes the range. Pieces must be sorted by start.
        """
        out: list[str] = []
        origin: list[int] = []
        pos = 0
        for start, end, new in pieces:
            if start < pos:
                raise ValueError("pieces overlap or are not sorted")
            out.append(self.text[pos:start])
            origin.extend(self.origin[pos:start])
            out.append(new)
            origin.extend([self.origin[start]] * len(new))
            pos = end
        out.append(self.text[pos:])
        origin.extend(self.origin[pos:len(self.text)])
        origin.append(self.origin[len(self.text)])
        return TextView("".join(out), tuple(origin))

    @classmethod
    def join(cls, views: Iterable["TextView"], sep: str = "\n") -> "TextView":
        """Concatenate views; each separator char maps to the end of the view before it."""
        text: list[str] = []
        origin: list[int] = []
        views = list(views)
        for i, v in enumerate(views):
            text.append(v.text)
            origin.extend(v.origin[: len(v.text)])
            if i < len(views) - 1 and sep:
                text.append(sep)
                origin.extend([v.origin[len(v.text)]] * len(sep))
        end = views[-1].origin[len(views[-1].text)] if views else 0
        origin.append(end)
        return cls("".join(text), tuple(origin))
