"""Write a resolved graph as CSV files for ``neo4j-admin database import full``.

Why: for millions of rows the offline importer is far faster than any Bolt load. The files hold
exactly the rows of ``neo4j_model`` (same labels, types, properties and ``kg_hash``), so a database
built by the importer looks to a later ``kg load neo4j`` like one it loaded itself. The export
directory is written whole in a temporary sibling and renamed into place (never half-written).
"""
from __future__ import annotations

import os
import shlex
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loaders.neo4j_loader import schema_statements
from loaders.neo4j_model import ENTITY_LABEL, Model, NodeSet, RelSet

#: array delimiters tried in order; the first that appears in no array element is used
DELIMITER_CHOICES = (";", "|", "\u001f")


class CsvExportError(Exception):
    """The graph cannot be written as import CSV (message is one line)."""


@dataclass(frozen=True)
class CsvExport:
    out_dir: Path
    files: list[str]
    command: str
    array_delimiter: str


def _column_type(values: list[Any]) -> str:
    sample = [v for v in values if v is not None]
    if sample and all(isinstance(v, list) for v in sample):
        items = [i for v in sample for i in v]
        if items and all(isinstance(i, int) and not isinstance(i, bool) for i in items):
            return "long[]"
        return "string[]"
    if sample and all(isinstance(v, int) and not isinstance(v, bool) for v in sample):
        return "long"
    return "string"


def _columns(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    names: list[str] = []
    for row in rows:
        for k in row["props"]:
            if k not in names:
                names.append(k)
    return [(k, _column_type([r["props"].get(k) for r in rows])) for k in names]


def _array_delimiter(model: Model) -> str:
    items: set[str] = set()
    for s in [*model.nodes, *model.relationships]:
        for row in s.rows:
            for v in row["props"].values():
                if isinstance(v, list):
                    items.update(str(i) for i in v)
    for d in DELIMITER_CHOICES:
        if not any(d in i for i in items):
            return d
    raise CsvExportError("every candidate array delimiter occurs inside an array value")


def _cell(value: Any, delim: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return delim.join(str(v) for v in value)
    return str(value)


def _field(value: str | None) -> str:
    # None is an empty, unquoted field (no property); every present value is quoted, so an empty
    # string, or an array holding one empty string, stays a value (RFC 4180: quotes are doubled).
    if value is None:
        return ""
    return '"' + value.replace('"', '""') + '"'


def _write(path: Path, header: list[str], rows: list[list[str | None]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(_field(h) for h in header) + "\n")
        for row in rows:
            fh.write(",".join(_field(v) for v in row) + "\n")


def _node_file(ns: NodeSet, out: Path, delim: str) -> tuple[str, str]:
    cols = [(k, t) for k, t in _columns(ns.rows) if k != "iri"]
    header = [f"iri:ID({ns.merge_label})"] + [f"{k}:{t}" for k, t in cols] + ["kg_hash:string"]
    rows = [[r["key"]] + [_cell(r["props"].get(k), delim) for k, _ in cols] + [r["hash"]] for r in ns.rows]
    name = f"nodes_{ns.label}.csv"
    _write(out / name, header, rows)
    labels = ns.label if ns.label == ns.merge_label else f"{ENTITY_LABEL}:{ns.label}"
    return name, f"--nodes={labels}={name}"


def _rel_file(rs: RelSet, out: Path, delim: str) -> tuple[str, str]:
    cols = _columns(rs.rows)
    header = [f":START_ID({rs.source_label})", f":END_ID({rs.target_label})"] \
        + [f"{k}:{t}" for k, t in cols] + ["kg_hash:string"]
    rows = [[r["source"], r["target"]] + [_cell(r["props"].get(k), delim) for k, _ in cols] + [r["hash"]]
            for r in rs.rows]
    name = f"rels_{rs.type}.csv"
    _write(out / name, header, rows)
    return name, f"--relationships={rs.type}={name}"


def _has_newlines(model: Model) -> bool:
    for s in [*model.nodes, *model.relationships]:
        for row in s.rows:
            for v in row["props"].values():
                for i in (v if isinstance(v, list) else [v]):
                    if isinstance(i, str) and ("\n" in i or "\r" in i):
                        return True
    return False


def import_command(args: list[str], delim: str, multiline: bool, database: str = "neo4j") -> str:
    """The exact ``neo4j-admin`` command line for these files (run from inside the export folder)."""
    d = delim if delim in (";", "|") else f"U+{ord(delim):04X}"
    # The database name goes first: --nodes/--relationships take a variable number of files and
    # would swallow a trailing name.
    # (--schema is not used: Community's record-format importer refuses schema changes; the
    # constraints are applied after the import from schema.cypher.)
    parts = ["neo4j-admin", "database", "import", "full", database, f"--array-delimiter={d}"]
    if multiline:
        parts.append("--multiline-fields=true")
    parts += args
    return " ".join(shlex.quote(p) for p in parts)


def _write_all(model: Model, out: Path) -> tuple[list[str], str, str]:
    delim = _array_delimiter(model)
    files, args = [], []
    for ns in model.nodes:
        name, arg = _node_file(ns, out, delim)
        files.append(name)
        args.append(arg)
    for rs in model.relationships:
        name, arg = _rel_file(rs, out, delim)
        files.append(name)
        args.append(arg)
    (out / "schema.cypher").write_text(
        "".join(s + ";\n" for s in schema_statements()), encoding="utf-8")
    files.append("schema.cypher")
    command = import_command(args, delim, _has_newlines(model))
    readme = (
        "zhengwu-kg export for neo4j-admin (an offline import into an empty database, Neo4j 5.26+).\n"
        "Stop the database, then run from inside this folder:\n\n"
        f"{command}\n\n"
        "Add --overwrite-destination=true to replace an existing database. Then start the server\n"
        "and create the constraints and indexes with `cypher-shell -f schema.cypher` (or run\n"
        "`kg load neo4j BUILD_DIR`, which creates them and finds every imported row unchanged).\n"
        "The model is described in docs/neo4j.md of zhengwu-kg.\n")
    (out / "README.txt").write_text(readme, encoding="utf-8")
    files.append("README.txt")
    return files, command, delim


def export_csv(model: Model, out_dir: str | Path) -> CsvExport:
    """Write the import files into ``out_dir``, replacing it atomically if it exists."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise CsvExportError(f"{out}: exists and is not a directory")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        files, command, delim = _write_all(model, tmp)
        os.chmod(tmp, 0o755)
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            os.replace(out, old / out.name)
            os.replace(tmp, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return CsvExport(out_dir=out, files=files, command=command, array_delimiter=delim)
