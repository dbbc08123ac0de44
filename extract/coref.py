"""Group mentions into entities within one article.

People by name (an Official mention makes the name an Official); organisations and meetings by
name, then short forms onto the full form when the short one keeps the long one's administrative
prefix and last word and its middle is a subsequence of the long one's (市指挥部, 市防控指挥部 ->
市疫情防控工作指挥部; 省会议 -> 全省…会议); policies by name or quoted core (两山 -> 两山转化机制);
places by the division they name (遵义 = 遵义市). Bare meeting references (会议) are left to the
relation component, which knows which meeting is in context.
"""
from __future__ import annotations

import re

from extract.analysis import Analysis, EntityDraft, Mention
from extract.places import SHORTEN, divisions

ORG_TAILS = ("指挥部", "领导小组", "委员会", "常委会", "政府", "中心", "局", "委", "办", "部", "院", "厅", "组", "会", "社", "公司")
MEETING_TAILS = ("会议", "大会", "会", "学习")
# …会议结束后，X随即召开 (the end of the look-back before a meeting's first mention)
OPENED_AFTER_CLOSE = re.compile(r"(?:结束后|会后)[^。；\n]{0,20}(?:召开|举行)了?$")


# what a meeting's name may write differently in a headline and the body (spaces, 、 between quoted
# slogan words): left out when comparing names
MEETING_KEY_DROP = re.compile(r"[ \u3000、，,]")


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(c in it for c in short)


def _tail(name: str, tails: tuple[str, ...]) -> str | None:
    for t in sorted(tails, key=len, reverse=True):
        if name.endswith(t):
            return t
    return None


def is_short_form(short: str, long: str, tails: tuple[str, ...]) -> bool:
    """市防控指挥部 is a short form of 市疫情防控工作指挥部; 市委 is not one of 市发改委;
    县纪委监委 is one of 华容县纪委监委 (the long form names the county)."""
    if len(short) >= len(long) or short == long:
        return False
    if short[0] in "省市县区州旗盟" and long.endswith(short[1:]) and long[-len(short)] == short[0] \
            and long[: -len(short) + 1] and long[: -len(short) + 1] in _place_names():
        return True
    tail = _tail(long, tails)
    if not tail or not short.endswith(tail):
        return False
    if short.startswith("全") and long.startswith("全"):
        short, long = short[1:], long[1:]  # 全省会议 / 全省…视频会议
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
        place_names = {m.name for m in mentions if m.type == "Place"}
        by_key: dict[tuple[str, str], int] = {}
        for m in mentions:
            typ = m.type
            if typ == "Person" and m.name in official_names:
                typ = m.type = "Official"
            # 第 32 次 = 第32次; “迎挑战 寻突破” (a headline) = “迎挑战、寻突破” (the body)
            key_name = MEETING_KEY_DROP.sub("", m.name) if typ == "Meeting" else m.name
            if typ == "Place":
                key_name = self._place_key(m.name, place_names)
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

    def _place_key(self, name: str, in_article: set[str]) -> str:
        """A short place name written in full elsewhere in the article is that place (海南 beside
        海南省 is the province, whatever else the division table calls 海南; 长三角 = 长三角地区)."""
        for suffix in SHORTEN:
            full = name + suffix
            if full in in_article:
                return self.places.get(full, full)
        return self.places.get(name, name)

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
                bare = lambda n: re.sub(r"[（(][^）)]{1,8}[）)]$", "", n)  # …建议（讨论稿）
                if bare(ej.name) == bare(ei.name) and ej.name != ei.name and len(ej.name) <= len(ei.name):
                    self._merge(a, i, j)
                    continue
                if ej.name in names_i or (len(ej.name) >= 2 and ei.name.startswith(ej.name)
                                         and len(ei.name) - len(ej.name) <= 4) or (
                        len(ej.name) >= 4 and len(ei.name) > len(ej.name) and ei.name.endswith(ej.name)
                        and (ej.name[-2:] in ("方案", "条例", "规定", "办法", "意见", "规划", "纲要", "计划") or len(ej.name) >= 6)):
                    self._merge(a, i, j)
                    continue
                if abbreviates(ej.name, ei.name):
                    self._merge(a, i, j)  # 青万工程 = 青山绿水万家富裕工程

    def _merge_meeting_suffixes(self, a: Analysis) -> None:
        """第十八次会议 (a headline) is the 市五届人大常委会第十八次会议 of the body (``same_meeting``)."""
        idx = [i for i, e in enumerate(a.entities) if e.type == "Meeting"]
        idx.sort(key=lambda i: -len(a.entities[i].name))
        for i in idx:
            for j in idx:
                long, short = a.entities[i], a.entities[j]
                if i != j and long.type == "Meeting" and short.type == "Meeting" and len(short.name) <= len(long.name) \
                        and same_meeting(short.name, long.name) and not opened_after_close(a, short, long):
                    self._merge(a, i, j)


CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def cn_number(s: str) -> int | None:
    """十八 -> 18, 六 -> 6, 68 -> 68, 二〇二四 -> 2024."""
    if s.isdigit():
        return int(s)
    if "十" not in s and "百" not in s:
        if all(c in CN_DIGITS for c in s):
            return int("".join(str(CN_DIGITS[c]) for c in s))
        return None
    total, cur = 0, 0
    for c in s:
        if c in CN_DIGITS:
            cur = CN_DIGITS[c]
        elif c == "十":
            total += (cur or 1) * 10
            cur = 0
        elif c == "百":
            total += (cur or 1) * 100
            cur = 0
        else:
            return None
    return total + cur


def meeting_signature(name: str) -> tuple[int | None, int | None]:
    """(届, 次) numbers of a meeting's name: 市政协六届常委会第十二次会议 -> (6, 12)."""
    import re

    def num(unit: str) -> int | None:
        m = re.search(r"第?([0-9零〇一二两三四五六七八九十百]+)" + unit, name)
        return cn_number(m.group(1)) if m else None

    return num("届"), num("次")


def same_meeting(short: str, long: str) -> bool:
    """Do two names in one article name one meeting?

    The short one is a suffix of the long one (第十八次会议), a short form of it (省会议,
    全省会议), or both carry the same session and sitting numbers (县十八届人大四次会议 =
    安溪县第十八届人民代表大会第四次会议).
    """
    if short == long:
        return True
    tail = _tail(short, MEETING_TAILS) or ""
    if long.endswith(short) and len(short) - len(tail) >= 2:
        return True
    if is_short_form(short, long, MEETING_TAILS) or _without_division_suffix(short, long):
        return True
    s_sig, l_sig = meeting_signature(short), meeting_signature(long)
    if s_sig[1] is not None and s_sig[1] == l_sig[1] and (s_sig[0] is None or s_sig[0] == l_sig[0]) \
            and _tail(long, MEETING_TAILS) == tail and set(_core(short)) <= set(_core(long)):
        return True
    return False


def _without_division_suffix(short: str, long: str) -> bool:
    """华容脱贫攻坚工作推进会议 (a headline) = 华容县脱贫攻坚工作推进会议: the long name with the
    县/市/区 of its place name left out."""
    if len(long) != len(short) + 1:
        return False
    k = next((i for i, (x, y) in enumerate(zip(short, long)) if x != y), len(short))
    if long[k] not in "省市县区旗州" or long[:k] + long[k + 1:] != short:
        return False
    return any(long[j:k + 1] in _place_names() for j in range(max(0, k - 8), k - 1))


def abbreviates(short: str, long: str) -> bool:
    """Is ``short`` a policy's abbreviation of ``long``: the same first character and policy word at
    the end, the rest picked from the long name in order (青万工程, 青山绿水万家富裕工程)?"""
    tail = short[-2:]
    if len(short) < 4 or len(long) < len(short) + 3 or short[0] != long[0] or not long.endswith(tail):
        return False
    if tail not in ("工程", "行动", "战略", "机制", "制度", "活动", "计划", "体系", "改革"):
        return False
    return _subsequence(short[1:-2], long[1:-2])


def opened_after_close(a: Analysis, short: EntityDraft, long: EntityDraft) -> bool:
    """全省…视频调度会结束后，云岚市随即召开视频调度会: a meeting opened (召开/举行) right after the
    longer one is closed is another meeting of the same kind, not that one (bounded look-back)."""
    if not short.mentions or not long.mentions or short.name == long.name:
        return False
    first = min(m.start for m in short.mentions)
    if min(m.start for m in long.mentions) > first:
        return False
    before = a.text[max(0, first - 40):first]
    return bool(OPENED_AFTER_CLOSE.search(before))


ABBREVIATIONS = (("人民代表大会", "人大"), ("政治协商会议", "政协"), ("常务委员会", "常委会"), ("人民政府", "政府"))


def _core(name: str) -> str:
    """A meeting name without numbers, with the usual abbreviations: what must agree besides them."""
    import re

    for full, short in ABBREVIATIONS:
        name = name.replace(full, short)
    return re.sub(r"第?[0-9零〇一二两三四五六七八九十百]+[届次年]", "", name)


def _place_names() -> frozenset[str]:
    from extract.places import place_names

    return place_names()
