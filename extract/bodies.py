"""Find meetings and organisations: names that end in a meeting kind or an organisation suffix.

Meetings come first (an organisation inside a meeting's name is part of that name), then
organisations outside titles and meetings. Both walk left from their last word
(:func:`extract.spans.walk_left`). A bare kind (会议, 大会) is a reference to the meeting in context;
``ORG 召开会议`` names the meeting after its organiser (市委常委会会议); ``市、县指挥部`` gives the
elided ``市指挥部`` its own mention.
"""
from __future__ import annotations

import bisect
import re

from extract.analysis import PUNCT, Analysis, Mention
from extract.lexicons import Lexicons, longest_first
from extract.ner import GENERIC_INSTITUTIONS, model_body_start
from extract.spans import MEETING_NAME_STOPS, all_matches, trim_left, walk_left
from extract.wordlist import is_common_word, is_function_word

ORDINAL_GAP = re.compile(r"[第0-9一二三四五六七八九十百零〇两次届年]+")
_N = "[0-9一二三四五六七八九十百零〇两]+"
# the formal name of a congress or CPPCC session or a party plenum, written in full:
# 中国人民政治协商会议新疆维吾尔自治区第十三届委员会第四次会议, 吉林省第十三届人民代表大会第一次会议,
# 中国共产党乌审旗第十六届委员会第十一次全体会议 (its place part is found by walking left from 第)
FORMAL_SESSION = re.compile(
    "第" + _N + "届(?:[\u4e00-\u9fff]{0,10}?)(?:委员会|人民代表大会(?:常务委员会)?)"
    "(?:常务委员会)?第" + _N + "次(?:全体)?(?:[（(]扩大[）)])?会议")
# party congresses and plenums named by number: 党的二十大, 党的二十届三中全会, 省第十三次党代会,
# 十九届四中全会; 省委十二届八次全委(扩大)会议
NUMBERED_PARTY_MEETING = re.compile(
    "(?:党的|中共)?" + _N + "届" + _N + "中全会"
    "|党的" + _N + "大"
    "|(?:[省市县区州旗]|全国)?第" + _N + "次(?:党代会|党员代表大会)"
    "|[省市县区州旗盟]委" + _N + "届" + _N + "次全(?:委|体)?(?:[（(]扩大[）)])?(?:会议|全会|会)?")
INSIDE_LONGER_NAME = re.compile(r"精神[^，。；、“”]{0,24}?(?:开班式|报告会|研讨班|宣讲团|座谈会|学习会|会议)")
# one sitting of a session (第三次全体会议, 第一、二次全体会议, 闭幕大会) refers to the session in context
SITTING = re.compile("第" + _N + "(?:、" + _N + ")*次全体会议|(?:开幕|闭幕)(?:大会|会)|全体会议")
SITTING_AT_END = re.compile("(?<![\u4e00-\u9fff])(?:" + SITTING.pattern + ")$|(?<=[，。；、\n在了持])(?:" + SITTING.pattern + ")$")


CONGRESS_TERM = re.compile("第" + _N + "届人民代表大会$")
BOOK_TITLE = re.compile(r"《[^《》\n]{1,120}》")


class MeetingFinder:
    """Pipeline component: Meeting mentions (named, built from organiser + kind, and bare)."""

    name = "meetings"

    def __init__(self, lex: Lexicons) -> None:
        m = lex.meetings
        self.kinds = longest_first(m["kinds"])
        self.kind_re = re.compile("|".join(map(re.escape, self.kinds)))
        self.bare = set(m["bare_references"])
        self.not_names = set(m["not_names"])
        self.event_verbs = longest_first(m["event_verbs"])
        self.determiners = longest_first(m.get("determiners", []))
        self.not_followed_by = tuple(longest_first(m.get("not_followed_by", [])))

    def __call__(self, a: Analysis) -> Analysis:
        text = a.text
        self.find_formal(a)
        # where kinds overlap (专题学习|会), the one that ends last ends the name
        # (the chosen kinds never overlap, so a sorted list of them and bisect keep this linear)
        matches = sorted(all_matches(self.kind_re, text), key=lambda m: (-m[1], m[0]))
        chosen: list[tuple[int, int, str]] = []  # sorted by start
        for m in matches:
            i = bisect.bisect_left(chosen, m)
            if i > 0 and chosen[i - 1][1] > m[0] or i < len(chosen) and chosen[i][0] < m[1]:
                continue
            chosen.insert(i, m)
        # 人民代表大会|第四次|会议: a kind followed by an ordinal and another kind is part of its name
        starts = [c[0] for c in chosen]
        kept = []
        for m in chosen:
            j = bisect.bisect_left(starts, m[1])
            if not any(ORDINAL_GAP.fullmatch(text[m[1]:c[0]]) for c in chosen[j:j + 8] if c[0] - m[1] <= 8):
                kept.append(m)
        chosen = kept
        for start, end, kind in sorted(chosen):
            if kind == "会议精神":
                end -= 2
                kind = "会议"
            if a.taken(start, end) or not a.at_boundary(end) and text[end:end + 1] not in PUNCT \
                    and not text.startswith(("上的", "上发表", "上讲话", "上强调", "上指出", "上作"), end):
                continue  # (在中央经济工作会议|上的讲话: the segmenter reads 会议上 as one word)
            if text.startswith(self.not_followed_by, end) and not text.startswith(("精神",), end):
                continue  # 会议中心, 联席会议办公室, 联席会议召集人: part of another name
            if INSIDE_LONGER_NAME.match(text, end) and any(
                    p.end() == end for p in NUMBERED_PARTY_MEETING.finditer(text, max(0, start - 12), end)):
                continue  # 党的十九届四中全会|精神宣讲团报告会: part of a longer meeting's name
            sitting = SITTING_AT_END.search(text, max(0, start - 14), end)
            if sitting and sitting.end() == end and not a.taken(sitting.start(), end):
                a.add(Mention(sitting.start(), end, "Meeting", text[sitting.start():end], role="bare"))
                continue  # 第一、二次全体会议: the session in context, not a meeting of its own
            name_start = walk_left(a, start, max_len=40, allow_quotes=True, stops=MEETING_NAME_STOPS,
                                   stop_at_counts=False)
            at = text.rfind("在", max(0, name_start - 5), name_start)
            if at >= 0 and name_start < start and text.startswith(("上", "时"), end) \
                    and not any(c in PUNCT for c in text[at:name_start]) and not a.taken(at + 1, name_start) \
                    and text[at + 1:name_start] not in MEETING_NAME_STOPS:
                name_start = at + 1  # 在|庆祝…大会上, 在|全面推动…座谈会上: the verb opens the name
            name = text[name_start:end]
            before = text[name_start - 1:name_start]
            if before == "的" and name_start < start:
                continue  # a fragment of a longer description (…感染的肺炎疫情防控工作会议)
            if before == "、" and len(name) - len(kind) == 1 and name[0] in "省市县区":
                name_start = start  # 省、市会议: a coordination, not a name
            det = next((d for d in self.determiners if name.startswith(d) or text.endswith(d, 0, name_start)), None)
            if CONGRESS_TERM.search(name) and not re.match("第?" + _N + "次", text[end:end + 6]):
                a.add(Mention(name_start, end, "_Skip", name, role="congress-term"))
                continue  # 吉林省第十三届人民代表大会|代表名额: the congress of a term, not one of its sessions
            if name in self.not_names or det or SITTING.fullmatch(name):
                a.add(Mention(start, end, "Meeting", kind, role="bare"))
                continue  # 本次大会, 此次座谈会: the meeting in context
            if re.match(r"(召开|举行)", text[end:end + 2]) and self.kind_re.search(text, end + 2, min(len(text), end + 24)) \
                    and not any(c in "，。；" for c in text[end:end + 6]):
                # 市…联席会议召开全体会议: a standing body that holds meetings, not a meeting
                a.add(Mention(name_start, end, "Organization", name, role="body-named-meeting"))
                continue
            if name_start == start or name == kind:
                a.add(Mention(start, end, "Meeting", kind, role="bare"))
                continue
            joined = [x for x in a.overlapping(name_start, start)]
            if joined and all(x.type == "Meeting" and x.start >= name_start for x in joined) \
                    and text[joined[-1].end:joined[-1].end + 1] == "暨":
                for x in joined:  # …宣讲团报告会暨市委理论学习中心组（扩大）会议: one meeting of two names
                    a.remove(x)
            a.add(Mention(name_start, end, "Meeting", name, role="named"))
        self.join_held_together(a)
        return a

    @staticmethod
    def join_held_together(a: Analysis) -> None:
        """主持召开A会前学习暨…、B会议暨C会议: meetings held as one, named one after the other as the
        object of one 召开/举行, are one meeting (the first name stands for all)."""
        text = a.text
        named = [m for m in a.mentions if m.type == "Meeting" and m.role == "named"]
        named.sort(key=lambda m: m.start)
        for first, second in zip(named, named[1:]):
            between = text[first.end:second.start]
            if not between or len(between) > 40 or any(c in "，。；！？：\n" for c in between):
                continue
            if not (text.endswith(("召开", "举行"), 0, first.start) and ("暨" in between or between.endswith("、"))):
                continue
            if "暨" not in between and not any("暨" in text[x.start:x.end] for x in (first, second)):
                continue  # 召开A、B: two meetings, unless one of them is itself a joint one
            second.aliases = [*second.aliases, second.name]
            second.name = first.name


    def find_formal(self, a: Analysis) -> None:
        """Formal session names and numbered party meetings, before the kinds split them (the
        会议 inside 中国人民政治协商会议 is not where the name ends)."""
        text = a.text
        for m in FORMAL_SESSION.finditer(text):
            start = walk_left(a, m.start(), max_len=30, extra_stops=frozenset({"召开", "举行", "出席", "的", "关于"}))
            a.add(Mention(start, m.end(), "Meeting", text[start:m.end()], role="named"))
        for m in NUMBERED_PARTY_MEETING.finditer(text):
            end = m.end()
            if INSIDE_LONGER_NAME.match(text, end):
                continue  # …党的二十届三中全会精神专题研讨班开班式: part of a longer meeting's name
            if text.startswith("精神", end) or not a.at_boundary(end) and text[end:end + 1] not in PUNCT:
                if not text.startswith("精神", end):
                    continue
            a.add(Mention(m.start(), end, "Meeting", text[m.start():end], role="named"))


# a term written before a body (十二届自治区政协): 第十二届 alone (第十二届人民政府) stays a fragment
LEADING_TERM = re.compile(_N + "届(?=[省市县区州旗盟自])")
# 在(1月4日)X委员会上的(重要)讲话: the body's sitting, not the body
SITTING_BEFORE = re.compile(r"在(?:\d{1,2}月\d{1,2}日)?(?:中共)?$")
SITTING_AFTER = re.compile(r"上(?:关于[^，。；“”]{1,40}?)?(?:的)?(?:重要)?(?:讲话|发言|指示)")
# what follows a venue: 在X召开/举行/开幕, 在X分会场
VENUE_AFTER = re.compile(r"(?:隆重|胜利|顺利)?(?:召开|举行|开幕|闭幕|开班|分会场|主会场|会议室|大礼堂|礼堂|报告厅)")
# 决策部署 (a decision, not a 署), 常务委员会 or 第十二届委员会 alone (a committee of a body named elsewhere)
NOT_BODY_TAILS = ("部署", "东部", "西部", "南部", "北部", "中部", "全部", "内部", "外部", "局部")
NOT_BODY_NAMES = re.compile("^(?:常务委员会|专门委员会|[^第]{0,3}审查委员会|.{0,12}第" + _N + "届(?:委员会)?(?:常务委员会)?)$")


# a kind of body written with its alternatives (党工委(党委), 党委(党组)): bodies of every unit, a collective
ALTERNATIVE_KIND = re.compile(r"(?:党委|党组|党工委|委员会|政府|管委会)[（(](?:党委|党组|党工委|委员会|政府|管委会)[）)]$")


# a department listed after a prefixed one (…局、水利局、建设局): two to six characters and a
# one-character kind, before the next item or the list's end
LISTED_SIBLING = re.compile(r"[\u4e00-\u9fff]{2,6}?[局委办厅署院](?=[、，。；和及等]|作|汇报|发言|分别|负责)")


# a newspaper or magazine named in title marks (the marks are no part of its name)
PUBLICATION = re.compile(r"《([\u4e00-\u9fff]{1,10}?(?:日报|晚报|时报|画报|周报|报|周刊|杂志))》")


class OrganizationFinder:
    """Pipeline component: Organization mentions outside titles, names and meetings."""

    name = "organizations"

    def __init__(self, lex: Lexicons) -> None:
        o = lex.organizations
        self.suffixes = longest_first(o["suffixes"])
        self.suffix_re = re.compile("|".join(map(re.escape, self.suffixes)))
        self.single = set(o["single_char_suffixes"])
        self.standalone = longest_first(o["standalone"])
        self.not_org = set(o["not_org_words"])
        self.collective = tuple(longest_first(o["collective_prefixes"]))
        # words such as 干部, 格局, 大局 end no body's name, however long the name before them
        self.not_org_tails = tuple(w for w in self.not_org if len(w) >= 2 and w[0] in "干全内格布大")
        self.admin_prefixes = longest_first(o["admin_prefixes"])
        self.venues = longest_first(o["venue_suffixes"])
        self.and_joinable = set(o["and_joinable_suffixes"])
        self.places: set[str] = set()
        posts = longest_first(lex.officials["posts"])
        modifiers = longest_first(lex.officials["post_modifiers"])
        self.post_re = re.compile("(?:" + "|".join(map(re.escape, modifiers)) + ")?(?:"
                                  + "|".join(map(re.escape, posts)) + ")")

    def __call__(self, a: Analysis) -> Analysis:
        from extract.places import place_names

        self.places = place_names()
        text = a.text
        if "《" in text:
            for m in PUBLICATION.finditer(text):
                if not a.taken(m.start(1), m.end(1)):  # 《费加罗报》, 《天津日报》: a newspaper is a body
                    a.add(Mention(m.start(1), m.end(1), "Organization", m.group(1), role="publication"))
        candidates: list[tuple[int, int, str]] = []
        for start, end, suffix in all_matches(self.suffix_re, text):
            if not a.at_boundary(end) and text[end:end + 1] not in PUNCT:
                continue
            if a.taken(start, end) or any(text.startswith(v, start) or text.endswith(v, 0, end) for v in self.venues):
                continue
            if len(suffix) == 1 and is_common_word(text[start:end + 1]) and not is_function_word(text[end:end + 1]):
                continue  # 办好, 局面, 部署: the suffix character starts another word (not 局|要)
            name_start = walk_left(a, start, max_len=24, allow_and=6 if suffix in self.and_joinable else 0)
            if text[end:end + 1] in "（(":
                close = text.find("）", end, end + 8)
                inner = text[end + 1:close] if close > 0 else ""
                if inner and self.suffix_re.search(inner) and not any(c in PUNCT for c in inner):
                    end = close + 1  # 市疫情防控工作领导小组（指挥部）
            if a.taken(name_start, end):
                while name_start < start and a.taken(name_start, end):
                    name_start += 1  # an official's name may sit just left
                name_start = trim_left(a, name_start, start)
            checked = model_body_start(a, name_start, start, end)
            if checked is None:
                continue  # 举办, 部署: the model reads the suffix inside a verb
            name_start = checked
            while name_start < start and text[name_start] == "暨":
                name_start += 1  # 会前学习|暨理论学习中心组: 暨 joins two names
            lead = LEADING_TERM.match(text, name_start, start)
            if lead:
                name_start = lead.end()  # 表彰十二届|自治区政协优秀提案: the term is no part of the body's name
            name = text[name_start:end]
            if a.taken(name_start, end) or not self.acceptable(name, suffix):
                continue
            if self.titles_a_person(a, end) or suffix == "主席团" and self.post_re.match(text, end):
                continue  # 集团党委书记、董事长周文, 推选大会主席团常务主席: part of a title
            if text[name_start - 1:name_start] == "在" and VENUE_AFTER.match(text, end):
                continue  # 在友谊宾馆隆重召开, 在县防指指挥中心分会场: a place the meeting is held in
            candidates.append((name_start, end, suffix))
        for word in self.standalone:
            pos = 0
            while (i := text.find(word, pos)) >= 0:
                pos = i + len(word)
                if text.startswith(("书记", "常委", "副书记", "会议中心", "会议室", "礼堂", "大厦", "宾馆", "机关", "代表",
                                    "委员", "候补委员", "工作报告"), pos) or self.post_re.match(text, pos) \
                        or text[i - 1:i] == "全":
                    continue  # 市委书记, 市政协副主席 (titles), 市委委员61人, 区政府工作报告, 全县人大工作
                if not a.at_boundary(pos) and text[pos:pos + 1] not in PUNCT:
                    continue
                if self.named_holder(a, pos):
                    continue  # 市委韦明远书记: the body of a title written after the name
                j = walk_left(a, i, max_len=8)
                s = j if j < i and text[j:i] in self.places else i  # 陆良县委
                candidates.append((s, pos, word))
        # the longest name wins where candidates overlap (县委组织部 over 县委); a body named only
        # inside a document's title (《吉林省人民代表大会常务委员会关于…的决定》) is part of that title
        titled = [(m.start(), m.end()) for m in BOOK_TITLE.finditer(text)]
        for s, e, _ in sorted(set(candidates), key=lambda c: (-(c[1] - c[0]), c[0])):
            if any(ts < s and e < te for ts, te in titled):
                continue
            if not a.taken(s, e):
                if SITTING_AFTER.match(text, e) and SITTING_BEFORE.search(text, max(0, s - 12), s):
                    # 在1月4日中共云岚省委常务委员会上的讲话: a sitting of the body, a meeting
                    a.add(Mention(s, e, "Meeting", text[s:e] + "会议", aliases=[text[s:e]], role="named"))
                    continue
                a.add(Mention(s, e, "Organization", text[s:e], role="suffix"))
        self.add_elided(a)
        self.add_listed_siblings(a)
        return a

    def named_holder(self, a: Analysis, end: int) -> bool:
        """Is the body at ``end`` followed by a person's name and then a post (市委|韦明远|书记)?"""
        held = [m for m in a.overlapping(end, end + 1) if m.type in ("Official", "Person") and m.start == end]
        return bool(held) and bool(self.post_re.match(a.text, held[0].end))

    def titles_a_person(self, a: Analysis, end: int) -> bool:
        """Is the body at ``end`` followed by a post and, a few characters on (、董事长), by the name
        of the person who holds it? (bounded look-ahead)"""
        text = a.text
        m = self.post_re.match(text, end)
        if not m:
            return False
        for pos in range(m.end(), min(len(text), m.end() + 10)):
            if a.taken(pos, pos + 1, ("Official", "Person")):
                return True
            if text[pos] in PUNCT and text[pos] != "、":
                return False
        return False

    def acceptable(self, name: str, suffix: str) -> bool:
        if any(name.endswith(p) for p in ("常委", "委员", "主任", "书记", "主席")):
            return False  # a title, not a body (盟委常委)
        if len(name) <= len(suffix) and suffix not in ("党中央", "国务院"):
            return False
        if "会场" in name[:-1]:
            return False  # 镇应急中心分会场部: a venue, whatever character ends it
        if suffix in GENERIC_INSTITUTIONS and name[:-len(suffix)] in self.places:
            return False  # 江西学校食堂事故: a school somewhere in a province, not one named school
        if name in self.not_org or name.endswith(self.not_org_tails) or name.endswith(NOT_BODY_TAILS):
            return False
        if name.startswith(self.collective) or NOT_BODY_NAMES.match(name):
            return False
        if name[:1] in "（(" or ALTERNATIVE_KIND.search(name):
            return False  # 各县(市、区)人大常委会, 各开发区党工委(党委), 各部门党委(党组): a collective
        if is_common_word(name):
            return False
        if suffix in self.single or len(suffix) == 1:
            head = name[: len(name) - len(suffix)]
            if not (any(head.startswith(p) for p in self.admin_prefixes)
                    or any(head[:n] in self.places for n in range(2, min(len(head), 9) + 1))
                    or re.search(r"^[^和与及]{2,6}?(街道|镇|苏木)", head)):
                return False
        return True

    def add_listed_siblings(self, a: Analysis) -> None:
        """县农业农村局、水利局、建设局作交流发言: bodies listed after one with its division's prefix
        share that prefix (the spec's name is the fullest form; each is named as written here)."""
        text = a.text
        for m in [x for x in a.mentions if x.type == "Organization" and x.role == "suffix"]:
            if not m.name.startswith(("省", "市", "县", "区", "镇", "乡")) and not any(
                    m.name[:n] in self.places for n in range(2, min(len(m.name), 8))):
                continue
            end = m.end
            while text[end:end + 1] == "、":
                sib = LISTED_SIBLING.match(text, end + 1)
                if sib is None or a.taken(sib.start(), sib.end()) or not a.at_boundary(sib.end()) \
                        or is_common_word(sib.group()) or sib.group() in self.not_org:
                    break
                a.add(Mention(sib.start(), sib.end(), "Organization", sib.group(), role="listed"))
                end = sib.end()

    def add_elided(self, a: Analysis) -> None:
        """市、县（市、区）疫情防控工作指挥部: the 市 stands for 市疫情防控工作指挥部."""
        text = a.text
        for m in list(a.mentions):
            if m.type != "Organization" or m.start < 2 or text[m.start - 1] != "、":
                continue
            lead = text[m.start - 2]
            if lead not in "省市县区" or m.name[0] not in "省市县区":
                continue
            rest = re.sub(r"^[省市县区][（(][^）)]*[）)]", "", m.name)
            rest = rest[1:] if rest == m.name else rest
            a.add(Mention(m.start - 2, m.start - 1, "Organization", lead + rest, role="elided"))
