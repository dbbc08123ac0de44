"""Read article files into :class:`~extract.document.Document` objects.

``.txt`` (any encoding :mod:`extract.decode` detects), ``.html``/``.htm`` (one article per page) and
``.jsonl`` (one article per line: ``text`` plus optional ``title``, ``url``, ``published``,
``source``, each kept only as a plain string of bounded length, a source only if it can be a
publisher's name: :func:`extract.meta.given_meta`). Every problem is a :class:`ReadError` naming the file (and line) and one reason; when
reading many paths the errors come out in the stream so the other files are still read.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterable, Iterator

from extract.decode import DecodeError, decode_bytes
from extract.document import DocMeta, Document
from extract.charview import compose, normalise_spaces, prepare
from extract.meta import given_meta

SUFFIXES = (".txt", ".html", ".htm", ".jsonl")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_BYTES_ENV = "ZHENGWU_KG_MAX_BYTES"


class ReadError(Exception):
    """A file (or one jsonl line) that cannot be read; ``str()`` is ``"PATH: reason"``."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def max_bytes_default() -> int:
    """20 MB, or ``$ZHENGWU_KG_MAX_BYTES`` when set."""
    value = os.environ.get(MAX_BYTES_ENV)
    return int(value) if value else DEFAULT_MAX_BYTES


def _human(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n} bytes"


def _read_bytes(path: str, max_bytes: int | None) -> bytes:
    """The file's bytes; refused from its size alone when it is over the limit."""
    limit = max_bytes_default() if max_bytes is None else max_bytes
    try:
        size = os.stat(path).st_size
    except OSError as exc:
        raise ReadError(path, f"cannot open: {exc.strerror or exc}") from None
    if os.path.isdir(path):
        raise ReadError(path, "is a folder, not a file")
    if size > limit:
        raise ReadError(path, f"file too large: {_human(size)}, over the {_human(limit)} limit (set {MAX_BYTES_ENV} to raise it)")
    if size == 0:
        raise ReadError(path, "empty file")
    try:
        with open(path, "rb") as fh:
            return fh.read(limit + 1)
    except OSError as exc:
        raise ReadError(path, f"cannot read: {exc.strerror or exc}") from None


def _decode(path: str, data: bytes) -> tuple[str, str]:
    try:
        return decode_bytes(data)
    except DecodeError as exc:
        raise ReadError(path, str(exc)) from None


# ---------------------------------------------------------------- documents
def document_from_text(text: str, path: str, *, encoding: str = "utf-8", line: int | None = None,
                       given: dict | None = None) -> Document:
    """Build a Document from decoded plain text (furniture removed, metadata read)."""
    from extract import furniture

    given = given or {}
    full = prepare(text)
    body, meta, _ = furniture.extract(full.text, title_hint=given.get("title"))
    if full.text != text:  # pinyin removed or simplified: map everything back to the original
        body = compose(full, body)
        meta.author_spans = [full.span(s, e) for s, e in meta.author_spans]
        meta.editor_spans = [full.span(s, e) for s, e in meta.editor_spans]
    for key in ("url", "published", "source"):
        if given.get(key):
            setattr(meta, key, str(given[key]))
    if given.get("published"):  # '2024-04-10 19:20' → '2024-04-10T19:20'; other forms kept as given
        from extract.meta import parse_date

        meta.published = parse_date(str(given["published"])) or str(given["published"])
    if meta.published is None:
        from extract.meta import url_date

        meta.published = url_date(meta.url) or furniture.text_date(body)
    if not body.text.strip():
        raise ReadError(f"{path}:{line}" if line else path, "no article text")
    return Document(path=path, text=text, body=normalise_spaces(body), meta=meta, encoding=encoding, line=line)


def _read_html(path: str, text: str, encoding: str) -> Document:
    from extract import html

    try:
        body, meta = html.extract(text)
    except html.NoBodyError as exc:
        raise ReadError(path, str(exc)) from None
    return Document(path=path, text=text, body=body, meta=meta, encoding=encoding)


def _jsonl_items(path: str, text: str, encoding: str) -> Iterator[Document | ReadError]:
    pos = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        pos += len(raw) + 1
        if not raw.strip():
            continue
        where = f"{path}:{number}"
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield ReadError(where, f"not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(obj, dict):
            yield ReadError(where, "not a JSON object")
            continue
        body = obj.get("text")
        if not isinstance(body, str) or not body.strip():
            yield ReadError(where, "no 'text' field with the article")
            continue
        given = given_meta(obj)  # plain, bounded strings: they are untrusted (extract/meta.py)
        try:
            yield document_from_text(body, path, encoding=encoding, line=number, given=given)
        except ReadError as exc:
            yield exc


def iter_path(path: str, *, max_bytes: int | None = None) -> Iterator[Document | ReadError]:
    """Documents (or errors) of one file; a jsonl file's bad lines are errors among its documents."""
    path = str(path)
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        yield ReadError(path, f"unsupported file type '{suffix or '(none)'}' (expected .txt, .html, .htm or .jsonl)")
        return
    try:
        data = _read_bytes(path, max_bytes)
        text, encoding = _decode(path, data)
        if not text.strip():
            raise ReadError(path, "empty file (only whitespace)")
        if suffix == ".jsonl":
            yield from _jsonl_items(path, text, encoding)
        elif suffix in (".html", ".htm"):
            yield _read_html(path, text, encoding)
        else:
            yield document_from_text(text, path, encoding=encoding)
    except ReadError as exc:
        yield exc


def read_path(path: str, *, max_bytes: int | None = None) -> list[Document]:
    """All documents of one file; raises the first :class:`ReadError` (for jsonl, after reading all
    lines, so use :func:`iter_path` or :func:`iter_documents` to keep the good lines of a bad file)."""
    docs: list[Document] = []
    errors: list[ReadError] = []
    for item in iter_path(path, max_bytes=max_bytes):
        (errors if isinstance(item, ReadError) else docs).append(item)
    if errors:
        raise errors[0]
    return docs


def expand_paths(paths: Iterable[str]) -> Iterator[str | ReadError]:
    """Files named, and readable files inside folders (recursive, sorted); a missing path is an error,
    and so is a folder that cannot be listed (``os.walk`` alone would skip it without a word)."""
    for p in paths:
        p = str(p)
        if os.path.isdir(p):
            found = []
            unreadable: list[ReadError] = []

            def note(exc: OSError) -> None:
                where = exc.filename if exc.filename is not None else p
                unreadable.append(ReadError(str(where), f"cannot read folder: {exc.strerror or exc}"))

            for root, dirs, files in os.walk(p, onerror=note):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                for name in files:
                    if name.lower().endswith(SUFFIXES) and not name.startswith("."):
                        found.append(os.path.join(root, name))
            yield from sorted(found)
            yield from unreadable
        elif os.path.exists(p):
            yield p
        else:
            yield ReadError(p, "no such file or folder")


def iter_documents(paths: Iterable[str], *, max_bytes: int | None = None) -> Iterator[Document | ReadError]:
    """Every document of every path, errors in the stream in place of what could not be read."""
    for p in expand_paths(paths):
        if isinstance(p, ReadError):
            yield p
        else:
            yield from iter_path(p, max_bytes=max_bytes)


__all__ = ["ReadError", "read_path", "iter_path", "iter_documents", "expand_paths", "document_from_text", "DocMeta"]
