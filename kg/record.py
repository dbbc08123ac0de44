"""The extraction record (``../shared/spec/output.md``): the one shape every consumer reads.

Plain dataclasses with ``to_dict``/``from_dict``; nothing else in the project defines this shape.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
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
