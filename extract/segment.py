"""Word segmentation through spaCy's Chinese pipeline (pkuseg by default, jieba or char on request).

Extractors use segmentation for one thing: where words begin and end, so that a name or an
organisation never ends in the middle of a word. ``Segmenter.boundaries(text)`` returns the set of
character offsets at which a token starts or ends.
"""
from __future__ import annotations

import os
import sys
from functools import lru_cache

from extract.model_store import ModelMissing, missing_message, spacy_pipeline_dir

SEGMENTERS = ("pkuseg", "jieba", "char")
CHUNK = 100_000  # characters per segmenter call within one very long line


class Segmenter:
    """One loaded spaCy ``Chinese`` pipeline; load once per process (pkuseg takes a few seconds)."""

    def __init__(self, name: str = "pkuseg", auto_fetch: bool = False) -> None:
        if name not in SEGMENTERS:
            raise ValueError(f"unknown segmenter {name!r}; choose one of {', '.join(SEGMENTERS)}")
        self.name = name
        import spacy
        from spacy.lang.zh import Chinese

        if name == "pkuseg":
            path = spacy_pipeline_dir()
            if not (path / "config.cfg").exists():
                if not auto_fetch:
                    raise ModelMissing(missing_message())
                print("kg: the pkuseg model is not cached yet; fetching it once (see `kg setup`)",
                      file=sys.stderr)
                from extract.model_store import fetch_pkuseg_model

                fetch_pkuseg_model()
            self.nlp = spacy.load(path)
        else:
            self.nlp = Chinese.from_config({"nlp": {"tokenizer": {"segmenter": name}}})

    def tokens(self, text: str) -> list[tuple[int, int]]:
        """``[start, end)`` of every token (whitespace tokens included).

        Long texts are segmented line by line (spaCy refuses texts over ``nlp.max_length``, and
        no word crosses a line), so memory stays flat whatever the article's length.
        """
        out: list[tuple[int, int]] = []
        pos = 0
        for line in text.splitlines(keepends=True):
            if line.strip():
                for chunk_start in range(0, len(line), CHUNK):
                    chunk = line[chunk_start:chunk_start + CHUNK]
                    base = pos + chunk_start
                    out.extend((base + t.idx, base + t.idx + len(t.text)) for t in self.nlp.make_doc(chunk))
            pos += len(line)
        return out

    def boundaries(self, text: str) -> set[int]:
        out = {0, len(text)}
        for start, end in self.tokens(text):
            out.add(start)
            out.add(end)
        return out


@lru_cache(maxsize=4)
def get_segmenter(name: str = "pkuseg", auto_fetch: bool | None = None) -> Segmenter:
    """The process-wide segmenter of that name (workers load theirs once).

    A missing pkuseg model is fetched on first use with a message, unless ``auto_fetch`` is False
    or ``$ZHENGWU_KG_NO_FETCH`` is set, in which case ``ModelMissing`` says how to get it.
    """
    if auto_fetch is None:
        auto_fetch = not os.environ.get("ZHENGWU_KG_NO_FETCH")
    return Segmenter(name, auto_fetch=auto_fetch)
