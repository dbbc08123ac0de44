"""The extraction pipeline, in order: one place that says which components run and when.

Like a spaCy pipeline, each component is a callable that takes the ``Analysis`` and returns it;
a user can replace one by name (``build_pipeline(replace={"places": MyPlaces(lex)})``).
Order matters: the statistical NER proposals first (the rules may read them), people next (their
titles are not organisations), meetings before organisations (市委常委会 inside 市委常委会会议 is
part of the meeting's name), quoted policies before organisations, then places, then the NER
proposals no rule claimed, then grouping into entities, then relations. ``ner="none"`` leaves
both NER components out.
"""
from __future__ import annotations

from typing import Callable

from extract.analysis import Analysis
from extract.bodies import MeetingFinder, OrganizationFinder
from extract.coref import Coreference
from extract.lexicons import Lexicons, load
from extract.ner import NerMentions, NerProposals, ner_name
from extract.people import PeopleFinder
from extract.places import PlaceFinder
from extract.policies import PolicyFinder
from extract.relations import RelationFinder

Component = Callable[[Analysis], Analysis]

PIPELINE = [
    ("ner", NerProposals),
    ("people", PeopleFinder),
    ("meetings", MeetingFinder),
    ("policies", PolicyFinder),
    ("organizations", OrganizationFinder),
    ("places", PlaceFinder),
    ("ner-mentions", NerMentions),
    ("coreference", Coreference),
    ("relations", RelationFinder),
]


NER_COMPONENTS = ("ner", "ner-mentions")


def build_pipeline(lex: Lexicons | None = None, replace: dict[str, Component] | None = None,
                   ner: str | None = None) -> list[tuple[str, Component]]:
    lex = lex or load()
    replace = replace or {}
    skip = NER_COMPONENTS if ner_name(ner) == "none" else ()
    return [(name, replace.get(name) or factory(lex)) for name, factory in PIPELINE if name not in skip]
