"""The rule data in ``extract/rules/`` (titles, suffixes, cue words), loaded once.

The files are package data, read through :mod:`importlib.resources`, so they are found wherever the
package is installed (a wheel, an editable clone). Users extend the lexicons by pointing
``$ZHENGWU_KG_LEXICONS`` at a folder of their own files with the same names: lists there are
appended to the bundled ones (or, in a clone, by editing ``extract/rules/`` itself).
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

# the bundled lexicons (a Traversable: use ``/``, ``read_text``, ``read_bytes``, ``iterdir``, ``is_file``)
BUNDLED: Traversable = files("extract") / "rules"


def _merge(base: dict, extra: dict) -> dict:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, list) and isinstance(out.get(key), list):
            out[key] = out[key] + [v for v in value if v not in out[key]]
        else:
            out[key] = value
    return out


def _load_json(name: str) -> dict:
    data = json.loads((BUNDLED / name).read_text(encoding="utf-8"))
    extra_dir = os.environ.get("ZHENGWU_KG_LEXICONS")
    if extra_dir and (Path(extra_dir) / name).exists():
        data = _merge(data, json.loads((Path(extra_dir) / name).read_text(encoding="utf-8")))
    return data


@lru_cache(maxsize=None)
def load_json(name: str) -> dict:
    """One rule file by name (``titles.json``), bundled lists extended by ``$ZHENGWU_KG_LEXICONS``."""
    return _load_json(name)


def _load_lines(name: str) -> list[str]:
    sources: list[Traversable | Path] = [BUNDLED / name]
    extra_dir = os.environ.get("ZHENGWU_KG_LEXICONS")
    if extra_dir and (Path(extra_dir) / name).exists():
        sources.append(Path(extra_dir) / name)
    out: list[str] = []
    for f in sources:
        for line in f.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#") and line not in out:
                out.append(line)
    return out


def longest_first(words: list[str]) -> list[str]:
    return sorted(set(words), key=lambda w: (-len(w), w))


@dataclass(frozen=True)
class Lexicons:
    officials: dict
    persons: dict
    organizations: dict
    meetings: dict
    policies: dict
    cues: dict
    surnames: tuple[str, ...]


@lru_cache(maxsize=1)
def load() -> Lexicons:
    return Lexicons(
        officials=_load_json("officials.json"),
        persons=_load_json("persons.json"),
        organizations=_load_json("organizations.json"),
        meetings=_load_json("meetings.json"),
        policies=_load_json("policies.json"),
        cues=_load_json("cues.json"),
        surnames=tuple(_load_lines("surnames.txt")),
    )
