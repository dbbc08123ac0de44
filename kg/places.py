"""China's administrative divisions (province / city / county), read from ``cpca``'s table.

Resolution needs to know that 随州 and 随州市 are one place, that 随州市 lies in 湖北省, and which
division a relative name (市委, 县长) refers to. The table is the maintained one shipped in the
``cpca`` package (``cpca/resources/adcodes.csv``); it is read as a plain CSV without importing
``cpca`` itself (whose import builds a pandas-backed matcher we do not need).
"""
from __future__ import annotations

import csv
import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PROVINCE, CITY, COUNTY = 0, 1, 2
MUNICIPALITIES = ("11", "12", "31", "50")  # 北京 天津 上海 重庆: province-level cities

# Longest first; the ethnic part of 自治州/自治县 names is removed separately.
_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县",
             "地区", "林区", "新区", "省", "市", "县", "区", "盟", "旗")
_PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
_ETHNIC = sorted(("蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 "
                  "东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 "
                  "俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各族").split(),
                 key=len, reverse=True)


def _strip_ethnic(stem: str) -> str:
    """恩施土家族苗族 → 恩施; 巴里坤哈萨克 → 巴里坤 (the peoples an autonomous area is named for)."""
    changed = True
    while changed:
        changed = False
        for people in _ETHNIC:
            for tail in (people + "族", people):
                if stem.endswith(tail) and len(stem) - len(tail) >= 2:
                    stem = stem[: -len(tail)]
                    changed = True
                    break
            if changed:
                break
    return stem


@dataclass(frozen=True)
class Division:
    """One administrative division; ``code`` is the 6-digit adcode (PPCCDD)."""

    code: str
    name: str

    @property
    def rank(self) -> int:
        if self.code.endswith("0000"):
            return PROVINCE
        if self.code.endswith("00"):
            return CITY
        return COUNTY

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"

    @property
    def city_code(self) -> str:
        return self.code[:4] + "00"


def short_names(name: str) -> set[str]:
    """Forms a text may use for ``name``: 湖北省 → 湖北; 恩施土家族苗族自治州 → 恩施."""
    out = set()
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            stem = name[: -len(suffix)]
            if suffix.startswith("自治"):
                stem = _strip_ethnic(stem)
                if suffix in ("自治州", "自治县"):
                    out.add(stem + suffix[-1])  # 巴里坤县, 恩施州
            out.add(stem)
            break
    out.discard(name)
    return out


def _table_path() -> Path:
    spec = importlib.util.find_spec("cpca")  # locate without executing cpca/__init__
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the cpca package is not installed (pip install cpca): its division table is needed")
    return Path(list(spec.submodule_search_locations)[0]) / "resources" / "adcodes.csv"


class Divisions:
    """Name → division look-ups over the whole table."""

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        self.by_code: dict[str, Division] = {}
        self.by_full: dict[str, list[Division]] = {}
        self.by_short: dict[str, list[Division]] = {}
        for code, name in rows:
            d = Division(code[:6], name)
            if d.code in self.by_code:
                continue
            self.by_code[d.code] = d
            if name in _PLACEHOLDERS:
                continue
            self.by_full.setdefault(name, []).append(d)
            for s in short_names(name):
                self.by_short.setdefault(s, []).append(d)
        self._max_len = max((len(n) for n in self.by_full), default=0)

    def lookup(self, name: str) -> list[Division]:
        """Divisions called ``name``: full names first; a short name prefers the higher level."""
        if name in self.by_full:
            return sorted(self.by_full[name], key=lambda d: d.code)
        cands = self.by_short.get(name, [])
        if not cands:
            return []
        top = min(d.rank for d in cands)
        return sorted((d for d in cands if d.rank == top), key=lambda d: d.code)

    def prefix(self, text: str, *, short: bool = False) -> tuple[list[Division], int]:
        """The longest division name ``text`` starts with (full names; short ones if asked)."""
        for n in range(min(len(text), self._max_len), 1, -1):
            head = text[:n]
            if head in self.by_full:
                return self.lookup(head), n
            if short and head in self.by_short:
                return self.lookup(head), n
        return [], 0

    def parent(self, d: Division, rank: int) -> Division | None:
        """``d``'s ancestor (or itself) at ``rank``; a municipality is its own city."""
        if rank >= d.rank:
            return d
        if rank == PROVINCE:
            return self.by_code.get(d.province_code)
        city = self.by_code.get(d.city_code)
        if city is None or city.name in _PLACEHOLDERS:
            return self.by_code.get(d.province_code) if d.code[:2] in MUNICIPALITIES else None
        return city

    def path_label(self, d: Division) -> str:
        """湖北省随州市 for 随州市: the names from the province down, for humans."""
        parts = [d.name]
        for rank in range(d.rank - 1, -1, -1):
            p = self.parent(d, rank)
            if p is not None and p.name not in parts and p is not d:
                parts.insert(0, p.name)
        return "".join(parts)


@lru_cache(maxsize=1)
def divisions() -> Divisions:
    with _table_path().open(encoding="utf-8", newline="") as fh:
        rows = [(r["adcode"], r["name"]) for r in csv.DictReader(fh)]
    return Divisions(rows)
