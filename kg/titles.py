"""Parse a title as written (市委副书记, 常务副县长, 县人大常委会主任) into what careers research codes.

A title names, left to right, a place (九江市, or a bare 市/县/区 that means the article's own unit),
an organ (委 → 党委, 人大常委会, 政协, 公安局…), modifiers (党组, 常务, 副, 代) and a position (书记,
市长, 主任…). ``parse_title`` reads them against the article's place (a path of administrative
units, from :func:`context_path` or :func:`context_of_article`) and adds the jurisdiction (resolved to
the division table: full name, level, adcode), the rank (级别) convention fixes for that post at that
unit, and an English gloss. The word lists are data (``extract/rules/titles.json``); the conventions
are written up in ``docs/careers.md``. Plain data in, plain data out.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from typing import Sequence

from extract.lexicons import load_json
from kg.places import CITY, COUNTY, PROVINCE, Division, Divisions, divisions

PINYIN = re.compile(r"[(（][a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹ]+[)）]")
LEVEL_OF_RANK = {PROVINCE: "province", CITY: "prefecture", COUNTY: "county"}
SPECIAL_MUNICIPALITIES = ("11", "12", "31")  # 北京 天津 上海: their counties and districts rank 正厅
NO_RANK_PREFIXES = ("50",)  # 重庆: practice differs between its counties' secretaries and heads
NO_RANK_UNITS = ("120116",)  # 天津滨海新区 (a sub-provincial new area)
TOWNSHIP_END = ("街道", "镇", "乡", "苏木")
TOWNSHIP_NAME = re.compile(r"([\u4e00-\u9fff]{2,6}?(?:街道|镇|乡))(?=办事处|党工委|党委|人民政府|政府|人大|委)")


@dataclass(frozen=True)
class Unit:
    """One administrative unit on an article's place path (province → prefecture → county → township)."""

    name: str
    level: str  # province / prefecture / county / township
    label: str  # the full path, 江西省九江市
    code: str = ""  # adcode (township: empty)
    within: str = ""  # the adcode of the unit above a township (ranks differ in 北京, 上海, 天津)


@dataclass(frozen=True)
class TitleParse:
    """What a title says: ``jurisdiction`` is the unit's full path, empty when the title names none."""

    title: str
    jurisdiction: str = ""
    level: str = ""
    code: str = ""
    organ: str = ""
    position: str = ""
    modifier: str = ""
    rank: str = ""
    gloss: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


@lru_cache(maxsize=1)
def rules() -> dict:
    return load_json("titles.json")


def simplify(title: str) -> str:
    """Simplified characters, no inline pinyin (縣長(zhǎng) → 县长)."""
    import zhconv

    return zhconv.convert(PINYIN.sub("", title), "zh-cn").strip()


# ------------------------------------------------------------------------------ place paths

def _unit(d: Division, table: Divisions, name: str | None = None) -> Unit:
    label = table.path_label(d)
    if name and name != d.name:
        label = label[: len(label) - len(d.name)] + name  # 平果县 → 平果市 (renamed since the table)
    return Unit(name or d.name, LEVEL_OF_RANK[d.rank], label, d.code)


def _division_at(text: str, table: Divisions, within: Sequence[Unit] = ()) -> tuple[Division | None, int, str]:
    """The division ``text`` starts with: (division, length consumed, name as written)."""
    found, n = table.prefix(text, short=True)
    if not found:
        return None, 0, ""
    if text[:n] not in table.by_full and text[0] in "省市县区州旗":
        return None, 0, ""  # 市中|级人民法院: a bare prefix, not the short name 市中 (市中区)
    codes = [u.code for u in within if u.code]
    inside = [d for d in found if any(d.code.startswith(c.rstrip("0")[:max(2, len(c.rstrip("0")))]) for c in codes)]
    d = (inside or found)[0]
    name = text[:n]
    if name not in table.by_full and text[n:n + 1] in "市县区州旗盟" and text[n + 1:n + 2] != "委" \
            or name not in table.by_full and text[n:n + 2] in ("市委", "县委", "区委", "州委") and d.name[-1] != text[n]:
        # 平果市 where the table still has 平果县, 那曲市 where it has 那曲地区: the unit, renamed
        return d, n + 1, name + text[n]
    return d, n, d.name if name in table.by_full or name != d.name else name


def context_path(path: str, table: Divisions | None = None) -> list[Unit]:
    """江西省九江市 → [江西省, 九江市]; 上海市虹口区欧阳路街道 → [上海市, 虹口区, 欧阳路街道]."""
    table = table or divisions()
    units: list[Unit] = []
    rest = simplify(path)
    while rest:
        d, n, name = _division_at(rest, table, units)
        if d is None:
            if rest.endswith(TOWNSHIP_END) and units:
                units.append(Unit(rest, "township", units[-1].label + rest, "", units[-1].code))
            break
        units.append(_unit(d, table, name))
        rest = rest[n:]
    return units


def context_of_article(province: Division | None, city: Division | None, county: Division | None,
                       table: Divisions | None = None, stem: str | None = None, stem_rank: int | None = None
                       ) -> list[Unit]:
    """The place path of an article from the divisions resolution found for it; a place the table
    does not know (云岚 of 云岚日报) is a unit of its own, without a code."""
    table = table or divisions()
    out: list[Unit] = []
    for d in (province, city, county):
        if d is not None and all(u.code != d.code for u in out):
            out.append(_unit(d, table))
    if not out and stem:
        rank = CITY if stem_rank is None else stem_rank
        name = stem + {PROVINCE: "省", CITY: "市", COUNTY: "县"}.get(rank, "市")
        out.append(Unit(name, LEVEL_OF_RANK.get(rank, "prefecture"), name))
    return out


def _nearest(context: Sequence[Unit], kind: str) -> Unit | None:
    """The nearest unit of a bare prefix's kind on the path, most specific first (市 = any city)."""
    for u in reversed(context):
        if kind in ("省", "自治区") and u.level == "province" and not u.name.endswith("市"):
            return u
        if kind == "市" and u.name.endswith("市"):
            return u
        if kind in ("州", "盟") and u.level == "prefecture" and u.name.endswith(kind):
            return u
        if kind in ("县", "区", "旗") and u.level == "county" and u.name.endswith(kind):
            return u
        if kind in ("镇", "乡", "街道") and u.level == "township" and u.name.endswith(kind):
            return u
    return None


# ------------------------------------------------------------------------------------ parsing

def _split_position(t: str, r: dict) -> tuple[str, str, list[str]]:
    """(rest, position, modifiers) of a simplified title."""
    position = next((p for p in sorted(r["positions"], key=len, reverse=True) if t.endswith(p)), "")
    rest = t[: len(t) - len(position)]
    mods: list[str] = []
    names = r["modifier_names"]
    changed = True
    while changed and rest:
        changed = False
        for m in sorted(r["modifiers"], key=len, reverse=True):
            if rest.endswith(m) and not (m == "代" and rest.endswith("时代")):
                mods.append(names.get(m, m))
                rest = rest[: -len(m)]
                changed = True
                break
    if rest.startswith("原") and len(rest) > 1:
        mods.append("原")
        rest = rest[1:]
    return rest, position, mods


def _organ(o: str, position: str, r: dict) -> str:
    organs = r["organs"]
    if not o:
        if position in r["government_heads"]:
            return "政府"
        return r["implied_organs"].get(position, "")
    if o in organs:
        return organs[o]
    for p in sorted(r["parent_prefixes"], key=len, reverse=True):
        if o.startswith(p) and len(o) > len(p):
            inner = o[len(p):]
            if inner in organs and organs[inner] in ("党委办公室", "政府办公室"):
                return organs[inner]
            o = inner
            break
    if position == "部长" and not o.endswith("部") and o + "部" in r["party_departments"]:
        o += "部"  # 组织部长
    return r["organ_renames"].get(o, o)


def parse_title(title: str, context: Sequence[Unit] = (), table: Divisions | None = None) -> TitleParse:
    """Parse one title against the article's place path (``context``; may be empty)."""
    return _parse(title, context, table)[0]


@lru_cache(maxsize=1 << 16)
def _parse_cached(title: str, context: tuple[Unit, ...]) -> tuple[TitleParse, Unit | None, tuple[str, ...]]:
    """The same title in the same place parses the same (a corpus repeats them: 市委书记 of one city)."""
    p, unit, mods = _parse(title, context, None)
    return p, unit, tuple(mods)


def parse_titles(titles: Sequence[str], context: Sequence[Unit] = (), table: Divisions | None = None) -> list[TitleParse]:
    """Parse one official's titles as listed together (省委常委、宣传部部长; 市政协党组书记、主席).

    A title that names no unit takes the unit of the title before it in the list, and its body too
    when it names none (主席 after 市政协党组书记 is the 市政协's chair); its rank follows."""
    out: list[TitleParse] = []
    prev: tuple[TitleParse, Unit | None] | None = None
    r = rules()
    context = tuple(context)
    for title in titles:
        p, unit, mods = _parse_cached(title, context) if table is None or table is divisions() else \
            _parse(title, context, table)
        mods = list(mods)
        if prev is not None and not p.jurisdiction and not p.level and prev[0].jurisdiction \
                and prev[0].level != "national" and p.organ not in ("大会主席团", "代表团", "人大"):
            organ = p.organ or (prev[0].organ if prev[0].organ in ("政协", "人大常委会", "政府", "党委") else "")
            unit = prev[1]
            p = replace(p, jurisdiction=prev[0].jurisdiction, level=prev[0].level, code=prev[0].code, organ=organ)
            p = replace(p, rank=_rank(p, unit, mods, r), gloss=gloss(p, unit))
        out.append(p)
        if p.jurisdiction:
            prev = (p, unit)
    return out


def _parse(title: str, context: Sequence[Unit] = (), table: Divisions | None = None
           ) -> tuple[TitleParse, Unit | None, list[str]]:
    table = table or divisions()
    r = rules()
    t = simplify(title)
    rest, position, mods = _split_position(t, r)
    unit: Unit | None = None
    level = ""
    national = False
    zone = ""
    enterprise = any(w in rest for w in r["enterprise_words"])  # a company's or college's own name: no unit
    o = rest
    if not enterprise and o.startswith(tuple(r["national_prefixes"])):
        national = True
        for p in sorted(r["national_prefixes"], key=len, reverse=True):
            if o.startswith(p):
                o = o[len(p):] if len(o) > len(p) and p not in ("中共中央", "党中央") else o
                break
    elif not enterprise:
        d, n, name = _division_at(o, table, context)
        if d is not None:
            unit = _unit(d, table, name)
            o = o[n:]
            if o[:1] == unit.name[-1:] and o[1:2] == "委" and unit.name[-1] in "县区":
                o = o[1:]  # 兴县|县委: the level character repeated before 委
        elif town := TOWNSHIP_NAME.match(o):
            county = next((u for u in reversed(context) if u.level == "county"), None)
            if county is not None:  # 西长安街街道办事处: a township under the article's county
                unit = Unit(town.group(1), "township", county.label + town.group(1), "", county.code)
                o = o[town.end():]
        else:
            kind = next((k for k in r["level_prefixes"] if o.startswith(k) and not o.startswith("市场")), None)
            if kind is not None:
                o = o[len(kind):]
                unit = _nearest(context, kind)
                if unit is None:
                    level = _kind_level(kind)
    if not national and not enterprise and unit is None and not level and position in r["government_heads"] \
            and o in ("", "政府", "人民政府"):
        kind = r["government_heads"][position]
        unit = _nearest(context, kind)
        if unit is None:
            level = _kind_level(kind)
    if not national and not enterprise and unit is None and not level and o.endswith("厅"):
        unit = next((u for u in context if u.level == "province"), None)  # a 厅 is provincial
    if position in r["national_positions"]:
        national = True
    if unit is None and not level and not enterprise and position == "部长" and o.endswith("部") \
            and o not in r["party_departments"] and not o.startswith("委"):
        national = True  # 水利部部长: a State Council ministry
    if not enterprise:
        for z in r["development_zones"]:
            if o.startswith(z) and len(o) > len(z):
                zone, o = z, o[len(z):]
                if unit is None:
                    unit = next((u for u in reversed(context) if u.level == "county"), None)
                break
    organ = rest if enterprise else _organ(o, position, r)
    modifier = "+".join(m for m in r["modifier_order"] if m in mods)
    if national:
        jurisdiction, level, code = "中华人民共和国", "national", "CN"
    elif unit is not None:
        jurisdiction, level, code = unit.label + zone, ("" if zone else unit.level), unit.code
    else:
        jurisdiction, code = "", ""
    parse = TitleParse(title, jurisdiction, level, code, organ, position, modifier)
    unit = unit if not zone else None
    rank = _rank(parse, unit, mods, r)
    return TitleParse(title, jurisdiction, level, code, organ, position, modifier, rank, gloss(parse, unit)), unit, mods


def _kind_level(kind: str) -> str:
    return {"省": "province", "自治区": "province", "市": "", "州": "prefecture", "盟": "prefecture",
            "县": "county", "区": "county", "旗": "county", "镇": "township", "乡": "township",
            "街道": "township"}.get(kind, "")


# --------------------------------------------------------------------------------------- rank

def _step(rank: str, n: int, r: dict) -> str:
    order = r["ranks"]
    i = order.index(rank) + n
    return order[i] if 0 <= i < len(order) else ""


def _top_rank(level: str, unit: Unit | None, r: dict) -> str:
    """The rank of a unit's top posts (书记, 市长, 人大主任, 政协主席)."""
    code = unit.code if unit else ""
    if code.startswith(NO_RANK_PREFIXES) and level in ("county", "township") or code in NO_RANK_UNITS:
        return ""
    if level == "province":
        return "正部"
    if level == "prefecture":
        return "副部" if unit and unit.name in r["deputy_sub_provincial_cities"] else "正厅"
    if level == "county":
        if code[:2] in SPECIAL_MUNICIPALITIES:
            return "正厅"
        parent = divisions().by_code.get(code[:4] + "00") if code else None
        if unit and unit.name.endswith("区") and parent is not None and parent.name in r["deputy_sub_provincial_cities"]:
            return "副厅"
        return "正处"
    if level == "township":
        return "正处" if (unit.within if unit else "")[:2] in SPECIAL_MUNICIPALITIES else "正科"
    return ""


def _rank(p: TitleParse, unit: Unit | None, mods: list[str], r: dict) -> str:
    deputy = "副" in mods
    fixed = r["fixed_ranks"]
    key = ("副" if deputy else "") + p.position
    if key in fixed:
        return fixed[key]
    if p.level == "national":
        if p.position == "部长" and p.organ.endswith("部") and p.organ not in r["party_departments"]:
            return "副部" if deputy else "正部"  # a State Council minister
        return ""
    if "党组" in mods or not p.level or p.position == "秘书长":
        return ""
    if unit is None and p.jurisdiction:
        return ""
    top = _top_rank(p.level, unit, r) if unit is not None else {
        "province": "正部", "prefecture": "正厅", "county": "正处", "township": "正科"}.get(p.level, "")
    if not top:
        return ""
    organ, pos = p.organ, p.position
    heads = r["government_heads"]
    if (organ == "党委" and pos == "书记" or organ == "政府" and pos in heads
            or organ == "人大常委会" and pos == "主任" or organ == "政协" and pos == "主席"
            or organ == "办事处" and pos == "主任"):
        return _step(top, 1, r) if deputy else top
    if organ == "党委" and pos == "常委":
        return _step(top, 1, r)
    if pos in ("局长", "厅长"):
        return _step(top, 3 if deputy else 2, r)
    if organ == "法院" and pos == "院长" or organ == "检察院" and pos == "检察长":
        return _step(top, 2 if deputy else 1, r)
    if organ == "纪委监委" and pos == "主任" and deputy:
        return _step(top, 2, r)
    if organ in ("组织部", "宣传部") and pos == "部长" and p.jurisdiction and not deputy:
        return _step(top, 1, r)
    return ""


# -------------------------------------------------------------------------------------- gloss

def gloss(p: TitleParse, unit: Unit | None = None) -> str:
    """A standard English gloss: "Deputy Party Secretary, Jiujiang Municipal Party Committee"."""
    from pypinyin import lazy_pinyin

    g = rules()["glosses"]
    post = g["positions"].get(p.position, p.position)
    mods = p.modifier.split("+") if p.modifier else []
    if "副" in mods:
        post = ("Vice " if post in ("Mayor", "Governor", "Chair", "Premier", "President", "Chairman") else "Deputy ") + post
    if "常务" in mods:
        post = "Executive " + post
    if "代" in mods:
        post = "Acting " + post
    if "党组" in mods:
        post += " of the Party Leadership Group"
    if "原" in mods:
        post = "Former " + post
    organ = g["organs"].get(p.organ, p.organ)
    if p.level == "national":
        where = "National" if p.organ not in ("党中央", "国务院") else ""
    elif unit is not None:
        stem = re.sub(r"(维吾尔|壮族|回族)?(自治区|自治州|自治县|省|市|县|区|旗|盟|镇|乡|街道)$", "", unit.name)
        where = "".join(w.capitalize() for w in [" ".join(lazy_pinyin(stem)).replace(" ", "")]) + " " + \
            g["levels"].get(unit.level, "")
    else:
        where = ""
    body = " ".join(x for x in (where.strip(), organ) if x)
    return f"{post}, {body}" if body else post
