"""The extraction record (``../shared/spec/output.md``): the one shape every consumer reads.

Plain dataclasses with ``to_dict``/``from_dict``; nothing else in the project defines this shape.
``from_dict`` trusts its input (records this program made); records from elsewhere (``kg build
--records FILE``) go through :func:`parse_record`, which checks every field, and
:func:`check_offsets` once the article's length is known.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

ENTITY_TYPES = ("Official", "Person", "Organization", "Meeting", "Policy", "Place")
RELATION_TYPES = ("attended", "presided", "addressed", "convened", "emphasised", "directed")


@dataclass
class Doc:
    id: str
    path: str
    title: str | None = None
    published: str | None = None
    source: str | None = None
    url: str | None = None
    authors: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)


@dataclass
class Entity:
    id: str
    type: str
    name: str
    aliases: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    mentions: list[list[int]] = field(default_factory=list)


@dataclass
class Relation:
    type: str
    source: str
    target: str
    evidence: list[int] | None = None


@dataclass
class Record:
    doc: Doc
    entities: list[Entity] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Record":
        return cls(
            doc=Doc(**data["doc"]),
            entities=[Entity(**e) for e in data.get("entities", [])],
            relations=[Relation(**r) for r in data.get("relations", [])],
        )

    def entity(self, entity_id: str) -> Entity:
        for e in self.entities:
            if e.id == entity_id:
                return e
        raise KeyError(entity_id)


# ------------------------------------------------------------------------------ untrusted records

class RecordError(ValueError):
    """A record that does not have the spec's shape; ``str()`` names the field and what is wrong."""


def _need(ok: bool, message: str) -> None:
    if not ok:
        raise RecordError(message)


def _str_list(value: Any, what: str) -> list[str]:
    _need(isinstance(value, list) and all(isinstance(x, str) for x in value), f"{what} must be a list of strings")
    return list(value)


def _span(value: Any, what: str) -> list[int]:
    _need(isinstance(value, list) and len(value) == 2 and all(type(x) is int for x in value)
          and 0 <= value[0] <= value[1], f"{what} must be [start, end] with 0 <= start <= end, not {value!r}")
    return list(value)


_DOC_FIELDS = {f.name for f in fields(Doc)}


def parse_record(data: Any) -> tuple[Record, list[str]]:
    """A record from untrusted JSON, every field checked (:class:`RecordError` says which is wrong),
    and the types it names that this version does not know.

    As the spec asks of consumers, entities and relations of unknown types are left out (a later
    extractor may add types); a relation must name entities of the same record.
    """
    _need(isinstance(data, dict), "not a JSON object")
    _need(isinstance(data.get("doc"), dict), "no 'doc' object")
    d = data["doc"]
    odd = sorted(set(d) - _DOC_FIELDS)
    _need(not odd, f"doc has unknown field(s) {', '.join(map(repr, odd))}")
    _need(isinstance(d.get("id"), str) and bool(d["id"]), "doc.id must be a non-empty string")
    _need(isinstance(d.get("path"), str), "doc.path must be a string")
    for key in ("title", "published", "source", "url"):
        _need(d.get(key) is None or isinstance(d[key], str), f"doc.{key} must be a string or null")
    doc = Doc(id=d["id"], path=d["path"], title=d.get("title"), published=d.get("published"),
              source=d.get("source"), url=d.get("url"), authors=_str_list(d.get("authors", []), "doc.authors"),
              editors=_str_list(d.get("editors", []), "doc.editors"))
    entities, relations = data.get("entities", []), data.get("relations", [])
    _need(isinstance(entities, list), "entities must be a list")
    _need(isinstance(relations, list), "relations must be a list")
    record = Record(doc=doc)
    unknown: list[str] = []
    ids: set[str] = set()
    left_out: set[str] = set()
    for n, e in enumerate(entities, start=1):
        _need(isinstance(e, dict), f"entity {n} is not an object")
        eid = e.get("id")
        _need(isinstance(eid, str) and bool(eid), f"entity {n} has no id")
        _need(eid not in ids and eid not in left_out, f"entity id {eid!r} is used twice")
        _need(isinstance(e.get("type"), str), f"entity {eid} has no type")
        _need(isinstance(e.get("name"), str) and bool(e["name"].strip()), f"entity {eid} has no name")
        mentions = e.get("mentions", [])
        _need(isinstance(mentions, list), f"entity {eid}: mentions must be a list")
        entity = Entity(id=eid, type=e["type"], name=e["name"], aliases=_str_list(e.get("aliases", []), f"entity {eid} aliases"),
                        titles=_str_list(e.get("titles", []), f"entity {eid} titles"),
                        mentions=[_span(m, f"entity {eid} mention") for m in mentions])
        if entity.type not in ENTITY_TYPES:
            unknown.append(entity.type)
            left_out.add(eid)
            continue
        ids.add(eid)
        record.entities.append(entity)
    for n, r in enumerate(relations, start=1):
        _need(isinstance(r, dict), f"relation {n} is not an object")
        _need(isinstance(r.get("type"), str), f"relation {n} has no type")
        for end in ("source", "target"):
            _need(r.get(end) in ids or r.get(end) in left_out,
                  f"relation {n} ({r['type']}) names {end} {r.get(end)!r}, which is not an entity of this record")
        evidence = r.get("evidence")
        relation = Relation(type=r["type"], source=r["source"], target=r["target"],
                            evidence=None if evidence is None else _span(evidence, f"relation {n} evidence"))
        if relation.type not in RELATION_TYPES:
            unknown.append(relation.type)
            continue
        if relation.source in left_out or relation.target in left_out:
            continue
        record.relations.append(relation)
    return record, sorted(set(unknown))


def check_offsets(record: Record, text_length: int) -> None:
    """Every mention and evidence span lies inside the article (``text_length`` characters)."""
    for e in record.entities:
        for s, t in e.mentions:
            _need(t <= text_length, f"entity {e.id} mention [{s}, {t}] is past the end of the article "
                                    f"({text_length} characters)")
    for n, r in enumerate(record.relations, start=1):
        if r.evidence and r.evidence[1] > text_length:
            raise RecordError(f"relation {n} ({r.type}) evidence {r.evidence} is past the end of the article "
                              f"({text_length} characters)")
