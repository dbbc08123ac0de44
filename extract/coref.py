"""Group mentions into entities within one article.

People by name (an Official mention makes the name an Official); organisations and meetings by
name, then short forms onto the full form when the short one keeps the long one's administrative
prefix and last word and its middle is a subsequence of the long one's (市指挥部, 市防控指挥部 ->
市疫情防控工作指挥部; 省会议 -> 全省…会议); policies by name or quoted core (两山 -> 两山转化机制);
places by the division they name (遵义 = 遵义市). Bare meeting references (会议) are left to the
relation component, which knows which meeting is in context.
"""
from __future__ import annotations

from extract.analysis import Analysis, EntityDraft, Mention
from extract.places import divisions

ORG_TAILS = ("指挥部", "领导小组", "委员会", "常委会", "政府", "中心", "局", "委", "办", "部", "院", "厅", "组", "会", "社", "公司")
MEETING_TAILS = ("会议", "大会", "会", "学习")


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(c in it for c in short)


def _tail(name: str, tails: tuple[str, ...]) -> str | None:
    for t in sorted(tails, key=len, reverse=True):
        if name.endswith(t):
            return t
    return None


def is_short_form(short: str, long: str, tails: tuple[str, ...]) -> bool:
    """市防控指挥部 is a short form of 市疫情防控工作指挥部; 市委 is not one of 市发改委."""
    if len(short) >= len(long) or short == long:
        return False
    tail = _tail(long, tails)
    if not tail or not short.endswith(tail):
        return False
    lead = short[0]
    if lead not in "省市县区州":
        return False
    long_body = long[1:] if long[0] == lead else (long[2:] if long[:2] == "全" + lead else None)
    if long_body is None:
        return False
    s_mid, l_mid = short[1:len(short) - len(tail)], long_body[:len(long_body) - len(tail)]
    if tails is MEETING_TAILS:
        return _subsequence(s_mid, l_mid)
    if not s_mid:
        return len(tail) >= 2  # 市指挥部 for 市…指挥部, but 市委 is no short form of 市发改委
    return _subsequence(s_mid, l_mid)


class Coreference:
    """Pipeline component: fills ``Analysis.entities`` and sets each mention's ``entity``."""

    name = "coreference"

    def __init__(self, lex=None) -> None:
        self.places = divisions()

    def __call__(self, a: Analysis) -> Analysis:
        mentions = [m for m in a.entity_mentions() if m.role != "bare"]
        official_names = {m.name for m in mentions if m.type == "Official"}
        by_key: dict[tuple[str, str], int] = {}
        for m in mentions:
            typ = m.type
            if typ == "Person" and m.name in official_names:
                typ = m.type = "Official"
            key_name = m.name
            if typ == "Place":
                key_name = self.places.get(m.name, m.name)
            key = (typ, key_name)
            if key not in by_key:
                by_key[key] = len(a.entities)
                a.entities.append(EntityDraft(typ, m.name))
            ent = a.entities[by_key[key]]
            self._attach(ent, m, by_key[key])
        self._merge_short_forms(a, "Organization", ORG_TAILS)
        self._merge_short_forms(a, "Meeting", MEETING_TAILS)
        self._merge_meeting_suffixes(a)
        self._merge_policies(a)
        return a

    @staticmethod
    def _attach(ent: EntityDraft, m: Mention, index: int) -> None:
        m.entity = index
        ent.mentions.append(m)
        for t in m.titles:
            if t not in ent.titles:
                ent.titles.append(t)
        for alias in m.aliases:
            if alias not in ent.aliases and alias != ent.name:
                ent.aliases.append(alias)
        if ent.type in ("Organization", "Meeting", "Policy", "Place") and len(m.name) > len(ent.name):
            if ent.name not in ent.aliases:
                ent.aliases.append(ent.name)
            ent.name = m.name
        elif m.name != ent.name and m.name not in ent.aliases:
            ent.aliases.append(m.name)

    def _merge(self, a: Analysis, keep: int, drop: int) -> None:
        src, dst = a.entities[drop], a.entities[keep]
        for m in src.mentions:
            self._attach(dst, m, keep)
        for alias in [src.name, *src.aliases]:
            if alias != dst.name and alias not in dst.aliases:
                dst.aliases.append(alias)
        src.mentions = []
        src.type = "_merged"

    def _merge_short_forms(self, a: Analysis, typ: str, tails: tuple[str, ...]) -> None:
        idx = [i for i, e in enumerate(a.entities) if e.type == typ]
        idx.sort(key=lambda i: -len(a.entities[i].name))
        for i in idx:
            long = a.entities[i]
            if long.type != typ:
                continue
            for j in idx:
                short = a.entities[j]
                if i != j and short.type == typ and is_short_form(short.name, long.name, tails):
                    self._merge(a, i, j)

    def _merge_policies(self, a: Analysis) -> None:
        idx = [i for i, e in enumerate(a.entities) if e.type == "Policy"]
        for i in idx:
            for j in idx:
                ei, ej = a.entities[i], a.entities[j]
                if i == j or ei.type != "Policy" or ej.type != "Policy":
                    continue
                names_i = {ei.name, *ei.aliases}
                if ej.name in names_i or (len(ej.name) >= 2 and ei.name.startswith(ej.name)
                                         and len(ei.name) - len(ej.name) <= 4):
                    self._merge(a, i, j)

    def _merge_meeting_suffixes(self, a: Analysis) -> None:
        """第十八次会议 (a headline) is the 市五届人大常委会第十八次会议 of the body."""
        idx = [i for i, e in enumerate(a.entities) if e.type == "Meeting"]
        idx.sort(key=lambda i: -len(a.entities[i].name))
        for i in idx:
            for j in idx:
                long, short = a.entities[i], a.entities[j]
                if i == j or long.type != "Meeting" or short.type != "Meeting":
                    continue
                if len(short.name) >= 4 and long.name.endswith(short.name) and len(short.name) < len(long.name):
                    tail = _tail(short.name, MEETING_TAILS) or ""
                    if len(short.name) - len(tail) >= 2:
                        self._merge(a, i, j)
