"""Find named people: officials with their titles, and other persons (reporters, experts, workers).

The genre writes officials as TITLE(、TITLE)* NAME(、NAME)* (市委副书记、市长克克; 副市长祁丽萍、包晓东),
as GROUP-LABEL NAME、NAME (市领导郑军、林常伦), or as NAME POST (习近平总书记). Later mentions repeat
the name or use surname + post (钱书记). Names are found by three general checks, no name list:
a surname (``surnames.txt``, compound ones first) or a ``·``-joined transliteration; the name ends at
a word boundary of the segmenter; and what follows is punctuation, a cue word or a post.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from extract.analysis import PUNCT, Analysis, Mention
from extract.lexicons import Lexicons, longest_first
from extract.ner import (PARTICLES, model_allows_name, model_ends_word, model_opens_no_name, model_person_at, model_person_ends,
                         model_reads_person, model_rejects_name, model_starts_word, model_word)
from extract.wordlist import freq_of, is_common_word, is_function_word, tag_of, verb_like

HAN = re.compile(r"[\u4e00-\u9fff]")
MINORITY = re.compile(r"[\u4e00-\u9fff]{1,8}(?:·[\u4e00-\u9fff]{1,8}){1,3}")
TITLE_STOP_CHARS = PUNCT | set("0123456789")
# the last character of an organisation or place word; a "name" ending in one is not a name
NOT_NAME_END = set("委部局会组办院厅府区县市省州镇乡村处科室队站所社团协联党")
MAX_TITLE = 26
NOT_AFTER_POST = set("会台团处室")
LONE_FUNCTION_CHARS = set("会要在副前后上下中内外等将把被让向对由为是有了的也还又都就和及与或并从到")
LIST_SEPARATORS = ("、", "以及", "和", "及", "与")
LIST_ENDERS = ("等", "出席", "参加", "列席", "分别", "先后", "陪同", "一同", "同志", "在", "也")
SPLIT_OFF = set("等和及与在为说就对向将把被到也还又已并则率同作")
BYLINE_NEXT = re.compile(r"[ \u3000]+|[ \u3000]*[、，,][ \u3000]*")
BYLINE_AFTER = set(" \u3000、，,）)")
# a parenthesised signature of one to three names that closes a paragraph
SIGNATURE = re.compile(r"[（(]((?:[\u4e00-\u9fff·]{2,8}[ \u3000、]?){1,3})[）)][ \u3000]*(?=\n|$)")
# 国际在线广西频道消息(何宁)：, 本报讯（柯长海）: the reporter named in the dispatch's opening
DISPATCH_SIGNATURE = re.compile(r"(?:消息|讯|电)[（(]((?:[\u4e00-\u9fff·]{2,8}[ \u3000、]?){1,3})[）)]")
# 张地委 祁国彪 王湘琳 摄 closing a line or a caption: the photographers
PHOTO_CREDIT = re.compile(r"(?:(?<=[。\n ])|^)((?:[\u4e00-\u9fff·]{2,4}[ \u3000、]+){0,3}[\u4e00-\u9fff·]{2,4})[ \u3000]*摄(?=[ \u3000]*(?:\n|$|）|\)))")
# a post in a school, hospital, company or research body (not its party post): a Person's title
NON_PUBLIC_POST = re.compile(r"(?:学院|大学|学校|中学|小学|医院|公司|集团|银行|研究院|研究所|商会|协会)"
                             r"(?!.*(?:书记|党委|党组|纪委))")
APPOINTMENT = re.compile(r"(?:决定任命|任命|免去|提名|选举|补选|同意|接受)")
REPORT_AFTER = re.compile(r"关于|报告|讲话|重要|了|出(?!席)|工作|专题|动员|总结|交流|说明|表态|典型|发言")
NOT_NAME_START = set("们的了着过之其该此")
LIST_CLAUSE_PUNCT = set("，。；：！？\n")
MAX_LIST_CLAUSE = 400
# what may stand between an untitled name list and its cue verb
LIST_TAIL = re.compile(r"(?:等|等人|等同志|等领导|等代表|等委员|同志|代表|委员"
                       r"|(?:等|以及)[^，。；、]{1,24}?(?:成员|领导|同志|负责人|负责同志|代表|委员|干部))?"
                       r"(?:[和及以][^，。；、]{1,14}?)?"
                       r"(?:先后|分别|一同|也|还|均|应邀|共同)?"
                       r"(?:在(?:主席台|主会场|分会场|会场)[^，。；]{0,6}?)?")


# surnames that are also conjunctions, prepositions or parts of words (和, 区, 于…): before a
# common two-character word they open no name
FUNCTION_SURNAMES = frozenset("和与及同区对向于从")
# a sitting's ordinal inside a title (第一次大会执行主席)
ORDINAL_IN_TITLE = re.compile(r"第[一二三四五六七八九十0-9]{1,3}次")


@dataclass
class PeopleRules:
    posts: list[str]
    post_re: re.Pattern
    group_labels: list[str]
    after_name_posts: list[str]
    person_roles: list[str]
    byline_roles: list[str]
    followers: list[str]
    title_stop_tokens: set[str]
    compound_surnames: set[str]
    surnames: set[str]
    generic_roles: set[str]
    list_cues: list[str]

    def __post_init__(self) -> None:
        self.follower_re = re.compile("|".join(map(re.escape, self.followers)))
        self.post_end_re = re.compile("(?:" + "|".join(map(re.escape, self.posts)) + ")$")
        self.long_follower_re = re.compile("|".join(re.escape(f) for f in self.followers if len(f) >= 2))
        self.list_cue_re = re.compile("|".join(map(re.escape, self.list_cues)))

    @classmethod
    def from_lexicons(cls, lex: Lexicons) -> "PeopleRules":
        posts = longest_first(lex.officials["posts"])
        surn = set(lex.surnames)
        return cls(
            posts=posts,
            post_re=re.compile("|".join(map(re.escape, posts))),
            group_labels=longest_first(lex.officials["group_labels"]),
            after_name_posts=longest_first(lex.officials["after_name_posts"]),
            person_roles=longest_first(lex.persons["roles"]),
            byline_roles=longest_first(lex.persons["byline_roles"]),
            followers=longest_first(
                lex.cues["name_followers"] + posts + lex.cues["attend"] + lex.cues["preside"]
                + lex.cues["address"] + lex.cues["speech"] + lex.cues["convene"]),
            title_stop_tokens=set(lex.cues.get("title_stop_tokens", [])) | {
                "受", "由", "是", "在", "和", "及", "与", "同", "对", "向", "为", "经", "请", "邀请", "陪同",
                "带领", "代表", "会同", "特别是", "其中", "包括", "以及", "以", "将", "把", "让", "被",
                "给", "跟", "随", "等", "了", "的", "会上", "会后", "同志", "看望", "会见", "慰问",
                "听取", "出席", "参加", "主持", "列席", "讲话", "强调", "指出", "要求", "并", "就", "原",
                "前", "新任", "一行", "又", "也", "还", "贯彻", "落实", "学习", "深入", "精神"},
            generic_roles=set(lex.persons.get("generic_roles", [])),
            list_cues=longest_first(lex.cues["attend"] + lex.cues["preside"] + lex.cues["address"]
                                    + lex.cues.get("list_cues", [])),
            compound_surnames={s for s in surn if len(s) == 2},
            surnames={s for s in surn if len(s) == 1},
        )


class PeopleFinder:
    """Pipeline component: adds Official and Person mentions to the analysis."""

    name = "people"

    def __init__(self, lex: Lexicons) -> None:
        from extract.places import divisions

        self.rules = PeopleRules.from_lexicons(lex)
        self.modifiers = set(lex.officials.get("post_modifiers", [])) | {"常务", "执行", "名誉"}
        self.divisions = {n for n, full in divisions().items() if n == full}

    def __call__(self, a: Analysis) -> Analysis:
        self.find_byline_persons(a)
        self.find_role_persons(a)
        self.find_titled_officials(a)
        self.find_group_officials(a)
        self.find_name_post_officials(a)
        self.find_listed_officials(a)
        self.find_appointed_officials(a)
        self.find_repeats(a)
        return a

    def find_appointed_officials(self, a: Analysis) -> None:
        """任命冯晓岚为…副区长, 免去X的…职务, 接受贺立辞去…职务: people appointed to, removed from
        or resigning a post are officials."""
        text = a.text
        for m in APPOINTMENT.finditer(text):
            pos = m.end()
            end = self.name_at(a, pos, strict=True)
            if end is None or a.taken(pos, end):
                continue
            if text.startswith(("为", "同志为", "的", "同志的", "辞去", "同志辞去", "担任"), end):
                a.add(Mention(pos, end, "Official", text[pos:end], role="appointed"))

    # -- names -----------------------------------------------------------------
    def follower_at(self, text: str, pos: int, a: Analysis | None = None) -> bool:
        """What may follow a name: punctuation, a cue word, or (given the analysis) a verb."""
        if pos >= len(text) or text[pos] in PUNCT:
            return True
        if self.rules.follower_re.match(text, pos) is not None:
            return True
        if a is not None and a.at_boundary(pos):
            end = pos + 1
            while end < len(text) and not a.at_boundary(end):
                end += 1
            return verb_like(text[pos:end])
        return False

    def name_at(self, a: Analysis, pos: int, strict: bool = True) -> int | None:
        """End of a personal name starting at ``pos``, or None."""
        text = a.text
        if text[pos:pos + 1] in NOT_NAME_START:
            return None  # 委员们|以饱满: a particle opens no name
        m = MINORITY.match(text, pos)
        if m:
            # the last part's end is uncertain (艾则孜·吐尔洪出席): shorten until a follower
            last_dot = text.rfind("·", pos, m.end())
            ends = [e for e in range(last_dot + 3, m.end() + 1)
                    if self.follower_at(text, e, a) or model_opens_no_name(a, e)]
            model = [e for e in ends if model_reads_person(a, pos, e)]
            if model:
                return model[0]  # 努尔别克·托合塔尔|经营: where the model ends the name
            at_word_end = [e for e in ends if a.at_boundary(e)]
            return (at_word_end or ends or [None])[0]
        surname_len = 0
        if text[pos:pos + 2] in self.rules.compound_surnames:
            surname_len = 2
        elif text[pos:pos + 1] in self.rules.surnames:
            surname_len = 1
        if not surname_len:
            return self.transliterated_at(a, pos) if strict else None
        if text.startswith("某", pos + surname_len) and not HAN.match(text[pos + surname_len + 1:pos + surname_len + 2] or "。") \
                or text.startswith(("某某", "某，", "某、"), pos + surname_len):
            return pos + surname_len  # 职工王某: the surname is all the name there is
        candidates = []
        for given in (2, 1):
            end = pos + surname_len + given
            piece = text[pos:end]
            if given == 2 and text[pos] in FUNCTION_SURNAMES and is_common_word(text[pos + surname_len:end]):
                continue  # 楼组长|和居民代表, 居民|区队伍: a conjunction or a word before a common noun
            if end > len(text) or not all(HAN.match(c) for c in piece):
                continue
            if piece[-1] in NOT_NAME_END and given == 1 and surname_len == 1:
                continue
            if given == 1 and piece[-1] in PARTICLES:
                continue  # 居民|区的|自治: a particle is no given name
            if self.rules.post_end_re.search(piece):
                continue
            if not self.follower_at(text, end, a):
                continue
            if is_function_word(piece) or self.rules.long_follower_re.match(text, pos):
                continue  # 强调, 出席: a cue word, not a name
            if given == 2 and piece[-1] in SPLIT_OFF and (a.at_boundary(end - 1) or model_starts_word(a, end - 1)
                                                          or piece[-1] == "作" and REPORT_AFTER.match(text, end)):
                continue  # 欧阳军|等, 韦明远|作讲话: the segmenter or the model split a function character off
            candidates.append((a.at_boundary(end), given == 2, end))
        if not candidates:
            model = model_person_at(a, pos)
            if model is not None:
                return model  # 副总理李岚清|今天: the model reads the name where no follower ends it
            return self.transliterated_at(a, pos) if strict else None
        candidates.sort(reverse=True)
        best = candidates[0]
        if strict and not best[0] and len(candidates) > 1:
            return candidates[0][2]
        return best[2]

    def transliterated_at(self, a: Analysis, pos: int) -> int | None:
        """额尔敦巴雅尔, 斯琴塔娜: a Mongolian or Tibetan name written without ·, where a title or
        group label already says a name follows: 2–6 characters up to a word end and a follower,
        made of no common word, post or organisation ending."""
        from extract.spans import token_start
        from extract.wordlist import freq_of, tag_of

        text = a.text
        for end in range(pos + 2, min(len(text), pos + 6) + 1):
            piece = text[pos:end]
            if not all(HAN.match(c) for c in piece):
                return None
            if not (a.at_boundary(end) and self.follower_at(text, end)):
                continue
            if piece[-1] in NOT_NAME_END or self.rules.post_re.search(piece) or is_common_word(piece):
                return None
            j = end
            while j > pos:
                t0 = max(token_start(a, j, pos), pos)
                token = text[t0:j]
                if len(token) == 1 and token in LONE_FUNCTION_CHARS:
                    return None
                tag = tag_of(token) or ""
                if len(token) >= 2 and (freq_of(token) >= 300 and not tag.startswith("nr") or tag.startswith(("ns", "nz"))):
                    return None  # a common word or a place (武夷|岩茶) is no transliterated name
                j = t0
            return end
        return None

    def name_list_at(self, a: Analysis, pos: int, loose: bool = True) -> list[tuple[int, int]]:
        """``NAME(、NAME)*`` starting at pos (the list stops before an item that is a title)."""
        out = []
        text = a.text
        end = self.name_at(a, pos, strict=loose)
        while end is not None:
            out.append((pos, end))
            sep = next((w for w in LIST_SEPARATORS if text.startswith(w, end)), None)
            if sep is None or self.title_chain_at(a, end + len(sep)):
                break
            nxt = end + len(sep)
            while nxt < len(text) and text[nxt] in " \u3000":
                nxt += 1  # 秦望舒、 严文博: a stray space after the separator
            nend = self.name_at(a, nxt, strict=loose)
            if nend is None or sep != "、" and not self._ends_list(text, nend):
                break  # 和/及 join names only inside a list that ends like one (…等出席)
            if sep != "、" and is_common_word(text[nxt:nend]):
                break  # …、魏岳林以及全体在家的县级领导: a word after 以及 ends the list
            pos, end = nxt, nend
        return out

    def _ends_list(self, text: str, end: int) -> bool:
        return end >= len(text) or text[end] in PUNCT or text.startswith(LIST_ENDERS, end)

    # -- titles ----------------------------------------------------------------
    def title_start(self, a: Analysis, post_start: int, floor: int) -> int:
        """Walk left from a post over the organisation part of a title (市人大常委会|主任)."""
        text = a.text
        pos = post_start
        while pos > floor and post_start - pos < MAX_TITLE:
            prev = pos - 1
            if text[prev] in TITLE_STOP_CHARS:
                break
            # the token ending at pos
            tstart = prev
            while tstart > floor and not a.at_boundary(tstart):
                tstart -= 1
            token = text[tstart:pos]
            if a.taken(tstart, pos, ("Official", "Person")):
                break  # another person's name: 游建中和县政协副主席程雯
            if pos == post_start and model_person_ends(a, pos) is not None:
                break  # 普罗迪|总理: the model reads a name before the post (a title after the name)
            if token in self.rules.title_stop_tokens or any(
                    token.endswith(s) and len(token) > len(s) and s in ("受", "由", "是", "在", "陪同")
                    for s in self.rules.title_stop_tokens):
                break
            ordinal = ORDINAL_IN_TITLE.search(text, max(floor, pos - 8), pos)
            if ordinal and ordinal.end() == pos:
                pos = ordinal.start()  # 第一次|大会执行主席, 第二次全体会议执行主席: the sitting is part of the title
                continue
            if len(token) == 1 and token not in "省市县区州盟旗乡镇村副代委部局厅办组党":
                break
            pos = tstart
        # a conjunction glued to the title's first word by the segmenter (和|县政协 read as 和县)
        if pos > 0 and text[pos] in "和及与" and a.taken(pos - 3 if pos >= 3 else 0, pos, ("Official",)):
            pos += 1
        # a division name cut by the walk (东|乌珠穆沁旗委): take it whole
        for k in range(1, 4):
            if pos - k < floor or text[pos - k] in TITLE_STOP_CHARS:
                break
            if any(text[pos - k:pos + j] in self.divisions for j in range(1, 8)):
                pos -= k
                break
        return pos

    def titles_ending_at(self, a: Analysis, end: int) -> list[tuple[int, int]]:
        """Title chain ``T1、T2…`` whose last title ends exactly at ``end`` (left to right)."""
        text = a.text
        chain: list[tuple[int, int]] = []
        cur_end = end
        while True:
            found = None
            for post in self.rules.posts:
                if text.endswith(post, 0, cur_end):
                    found = post
                    break
            if not found:
                break
            post_start = cur_end - len(found)
            start = self.title_start(a, post_start, 0)
            title = text[start:cur_end]
            if any(title.endswith(g) for g in self.rules.group_labels):
                break
            chain.append((start, cur_end))
            if start >= 1 and text[start - 1] == "、":
                cur_end = start - 1
                continue
            break
        chain.reverse()
        return chain

    def title_chain_at(self, a: Analysis, pos: int) -> bool:
        """Does a TITLE(、TITLE)* NAME start at pos?"""
        text = a.text
        for m in self.rules.post_re.finditer(text, pos, min(len(text), pos + MAX_TITLE)):
            if any(c in "，。；、" for c in text[pos:m.start()]):
                return False
            if text[m.end():m.end() + 1] in NOT_AFTER_POST:
                continue
            if self.name_at(a, m.end()) is not None:
                return True
            if m.end() < len(text) and text[m.end()] == "、":
                return self.title_chain_at(a, m.end() + 1)
        return False

    # -- finders ---------------------------------------------------------------
    def find_titled_officials(self, a: Analysis) -> None:
        text = a.text
        for m in self.rules.post_re.finditer(text):
            if a.taken(m.start(), m.end()) or text[m.end():m.end() + 1] in NOT_AFTER_POST:
                continue  # 委员会, 主席台, 主席团, 书记处: the post is part of a longer word
            names = self.name_list_at(a, m.end())
            if not names and text.startswith(("：", ":"), m.end()):
                names = self.name_list_at(a, m.end() + 1, loose=False)  # 大会执行主席：郑弟祥、龚德汉…: a heading and its list
            if not names:
                continue
            chain = self.titles_ending_at(a, m.end())
            if not chain:
                continue
            titles = [text[s:e] for s, e in chain]
            if all(self.is_person_role(t) or NON_PUBLIC_POST.search(t) for t in titles) \
                    and any(self.is_person_role(t) for t in titles[-1:]):
                continue  # 董事长贺立: a Person (the role finder takes it); 集团党委书记、董事长 is official
            lead = chain[0][0]
            if all(NON_PUBLIC_POST.search(t) or self.is_person_role(t) for t in titles):
                # 纺织学院院长汤若愚, 发展规划处处长 of a college: posts in schools, hospitals and
                # companies make Persons; their party posts (…集团党委书记) stay official
                for s0, e0 in names:
                    a.add(Mention(s0, e0, "Person", text[s0:e0], titles=list(titles), role="title", lead=lead))
                for s0, e0 in chain:
                    a.add(Mention(s0, e0, "_Title", text[s0:e0], role="title"))
                continue
            names = [(s, e) for s, e in names if not model_rejects_name(a, s, e)]
            if not names:
                continue  # 总理|满意地|说, 总理|周二晚: the model reads no name after the title
            for s, e in names:
                a.add(Mention(s, e, "Official", text[s:e], titles=list(titles), role="title", lead=lead))
            for s, e in chain:
                a.add(Mention(s, e, "_Title", text[s:e], role="title"))

    def find_group_officials(self, a: Analysis) -> None:
        text = a.text
        for label in self.rules.group_labels:
            start = 0
            while (i := text.find(label, start)) >= 0:
                start = i + len(label)
                if a.taken(i, start):
                    continue
                names = [(s, e) for s, e in self.name_list_at(a, start) if not is_common_word(text[s:e])]
                for s, e in names:
                    a.add(Mention(s, e, "Official", text[s:e], role="group", lead=i))
                if names:
                    a.add(Mention(i, start, "_Title", label, role="group"))

    def find_name_post_officials(self, a: Analysis) -> None:
        """习近平总书记, 欧阳振邦书记: a name right before a post (the post is a title)."""
        text = a.text
        known = {m.name for m in a.mentions if m.type == "Official"}
        for post in self.rules.after_name_posts:
            start = 0
            while (q := text.find(post, start)) >= 0:
                start = q + len(post)
                if a.taken(q - 1, q):
                    continue
                best = None
                model = model_person_ends(a, q)
                if model is not None and not self.rules.post_re.search(text[model:q]) and not a.taken(model, q):
                    best = model  # 普罗迪|总理, 拉特纳亚克|议长: the model reads the name (no surname)
                for n in (4, 3, 2):
                    s = q - n
                    if s < 0:
                        continue
                    cand = text[s:q]
                    if not all(HAN.match(c) or c == "·" for c in cand) or cand[-1] in NOT_NAME_END:
                        continue
                    if cand in known:
                        best = s
                        break
                    surname_len = 2 if cand[:2] in self.rules.compound_surnames else 1
                    given = cand[surname_len:]
                    if (a.at_boundary(s) and a.at_boundary(q) and (s == 0 or text[s - 1] in PUNCT or a.at_boundary(s))
                            and self.name_at(a, s, strict=False) == q and best is None
                            and not self.rules.post_re.search(cand)
                            and not (len(given) >= 2 and freq_of(given) >= 1000 and not (tag_of(given) or "").startswith("nr"))):
                        # (党组织书记: 组织 is a word, not a given name)
                        best = s
                if best is not None and text[best:q] not in known and (
                        text[best:q] in self.modifiers or is_common_word(text[best:q])):
                    continue  # 主席团常务|主席: a modifier of the post, not a name
                if best is None or a.taken(best, q) or not model_allows_name(a, best, q):
                    continue  # 国家|主席: the model reads no name there
                title = [] if post in ("同志",) else [post]
                a.add(Mention(best, q, "Official", text[best:q], titles=title, role="name-post"))
                a.add(Mention(q, start, "_Title", post, role="name-post"))

    def find_listed_officials(self, a: Analysis) -> None:
        """蒋文渊、钱铮、宁可欣和大会主席团成员在主席台就座; 宋知秋、祁丽萍等代表先后发言: names
        without a title that open a clause whose verb is an attendance, chair or speech cue.

        Reports name officials this way when their posts are known to readers (rostrum lists,
        delegates speaking in turn). The whole clause must be the list: names joined by 、/和,
        then at most a short tail (等, 等代表, 和大会主席团成员, 在主席台) before the cue. A
        name is a surname-initial name or a ·-joined one, or one the NER model proposes as a person.
        """
        text = a.text
        ner_people = {(s, e) for s, e, t in getattr(a, "ner", []) if t == "Person"}
        last_punct = -1  # where the clause of the current cue starts, found in one forward sweep
        scanned = 0
        for m in self.rules.list_cue_re.finditer(text):
            cue = m.start()
            while scanned < cue:
                if text[scanned] in LIST_CLAUSE_PUNCT:
                    last_punct = scanned
                scanned += 1
            j = last_punct + 1
            if cue - j > MAX_LIST_CLAUSE:
                continue
            while j < cue and text[j] in " \u3000\t":
                j += 1
            if a.taken(j, j + 1):
                continue  # a titled official or another mention opens the clause
            names = self.cued_name_list(a, j, cue, ner_people)
            if not names or not LIST_TAIL.fullmatch(text[names[-1][1]:cue]):
                continue
            for s, e in names:
                if not a.taken(s, e):
                    a.add(Mention(s, e, "Official", text[s:e], role="listed"))

    def cued_name_list(self, a: Analysis, pos: int, limit: int, ner_people: set[tuple[int, int]]) -> list[tuple[int, int]]:
        """NAME(、NAME)* from pos, each a rule name or a model person, none a common word."""
        text = a.text
        out: list[tuple[int, int]] = []
        while pos < limit:
            end = self.name_at(a, pos, strict=True)
            model_end = next((e for s, e in ner_people if s == pos), None)
            if model_end is not None and (end is None or model_end > end and "·" in text[pos:model_end]):
                end = model_end
            if end is None or end > limit or not self.plain_name(a, pos, end, (pos, end) in ner_people):
                return out if out else []
            out.append((pos, end))
            sep = re.match(r"[ \u3000]*(、|和|及)[ \u3000]*", text[end:limit])
            if sep is None:
                break
            nxt = end + sep.end()
            if self.name_at(a, nxt, strict=True) is None and not any(s == nxt for s, _ in ner_people):
                break
            pos = nxt
        return out

    @staticmethod
    def model_allows_role_name(a: Analysis, s: int, e: int) -> bool:
        """After a role (研究员白露) the rules' evidence is strong: the model only vetoes a name that
        ends inside one of its words or opens with a verb or function word."""
        if not model_ends_word(a, e):
            return False
        first = model_word(a, s)
        return first is None or first[0] != s or first[2] not in ("v", "vd", "p", "d", "u", "c")

    def plain_name(self, a: Analysis, s: int, e: int, model_says: bool) -> bool:
        """A name found without a title: whole words, no common word (印发), no place (海林市)."""
        from extract.places import place_names

        name = a.text[s:e]
        if is_common_word(name) or name in place_names() or name[-1] in NOT_NAME_END:
            return False
        if model_says:
            return True
        if not model_ends_word(a, e):
            return False
        first = model_word(a, s)
        if first is not None and first[0] == s and first[1] - s >= 2 and first[2] in ("v", "vn", "vd", "p", "d", "a", "ad"):
            return False  # 印发|给与会代表: the model reads a verb where the name would begin
        head = name[:2]
        if freq_of(head) >= 500 and not (tag_of(head) or "").startswith("nr"):
            return False
        return a.at_boundary(s) and a.at_boundary(e)

    def is_person_role(self, title: str) -> bool:
        return any(title.endswith(r) for r in self.rules.person_roles)

    def find_byline_persons(self, a: Analysis) -> None:
        """记者 宁可欣, 全媒记者刘诗诗, 通讯员 左佳: reporters and editors are Persons."""
        text = a.text
        for role in self.rules.byline_roles:
            start = 0
            while (i := text.find(role, start)) >= 0:
                start = i + len(role)
                pos = start
                while pos < len(text) and text[pos] in " \u3000：:":
                    pos += 1
                end = self.name_at(a, pos, strict=False)
                if end is None:
                    # 阿依努尔·哈力克 报道 / 吴　凡: a name that only a space ends
                    m = re.match(r"[\u4e00-\u9fff·]{2,12}", text[pos:])
                    if m and (pos + m.end() >= len(text) or text[pos + m.end()] in " \u3000）)\n"):
                        end = pos + m.end()
                if end is not None and not a.taken(pos, end) and model_allows_name(a, pos, end):
                    a.add(Mention(pos, end, "Person", text[pos:end], role="byline", lead=i))
                    self.byline_more(a, end, i)
        self.find_signatures(a)

    def byline_more(self, a: Analysis, end: int, lead: int) -> None:
        """记者 卜文轩 梁书恒 邵华, 记者闵晓东、范启明: more names after a byline's first one."""
        text = a.text
        while True:
            m = BYLINE_NEXT.match(text, end)
            if not m:
                return
            pos = m.end()
            if text.startswith(tuple(self.rules.byline_roles + self.rules.person_roles), pos):
                return  # 记者 牛嘉禾 通讯员 把文斌: the next role's own name follows
            nxt = self.name_at(a, pos, strict=False)
            if nxt is None or a.taken(pos, nxt) or not text[nxt:nxt + 1] in BYLINE_AFTER and not text.startswith(("报道", "摄"), nxt):
                return
            a.add(Mention(pos, nxt, "Person", text[pos:nxt], role="byline", lead=lead))
            end = nxt

    def find_signatures(self, a: Analysis) -> None:
        """（柯长海 卜文）, (沈一鸣) closing a paragraph, 消息(何宁) opening a dispatch: the reporters who
        signed the story; 张地委 祁国彪 摄 closing a line or caption: the photographers."""
        text = a.text
        for m in [*SIGNATURE.finditer(text), *DISPATCH_SIGNATURE.finditer(text), *PHOTO_CREDIT.finditer(text)]:
            for n in re.finditer(r"[\u4e00-\u9fff·]{2,8}", m.group(1)):
                s, e = m.start(1) + n.start(), m.start(1) + n.end()
                if self.name_at(a, s, strict=False) == e and not a.taken(s, e) and not is_common_word(text[s:e]):
                    a.add(Mention(s, e, "Person", text[s:e], role="byline"))

    def find_role_persons(self, a: Analysis) -> None:
        """教授郁文澜, 种粮大户孟庆丰, 董事长贺立: a non-official role right before a name."""
        text = a.text
        for role in self.rules.person_roles:
            start = 0
            while (i := text.find(role, start)) >= 0:
                start = i + len(role)
                chain = self.titles_ending_at(a, i - 1) if text[i - 1:i] == "、" else []
                if chain and not all(NON_PUBLIC_POST.search(text[s0:e0]) for s0, e0 in chain):
                    # 集团党委书记、董事长苗立新: the official post before the role decides
                    titles = [text[s0:e0] for s0, e0 in chain] + [role]
                    for s, e in self.name_list_at(a, start):
                        if not a.taken(s, e):
                            a.add(Mention(s, e, "Official", text[s:e], titles=titles, role="title", lead=chain[0][0]))
                    continue
                for s, e in self.name_list_at(a, start, loose=role not in self.rules.generic_roles):
                    head = text[s:s + 2]
                    if freq_of(head) >= 2000 and not (tag_of(head) or "").startswith("nr"):
                        continue  # 游客|权益的: a common word, not surname + given name
                    if not a.taken(s, e) and not is_common_word(text[s:e]) and self.model_allows_role_name(a, s, e):
                        a.add(Mention(s, e, "Person", text[s:e], role="role", lead=i))

    def find_repeats(self, a: Analysis) -> None:
        """Later mentions: the same name again, or surname + post (钱书记)."""
        text = a.text
        people = [m for m in a.mentions if m.type in ("Official", "Person")]
        names = sorted({(m.name, m.type) for m in people}, key=lambda x: -len(x[0]))
        for name, typ in names:
            start = 0
            while (i := text.find(name, start)) >= 0:
                start = i + len(name)
                if not a.taken(i, start):
                    a.add(Mention(i, start, typ, name, role="repeat"))
        for m in [m for m in people if m.type == "Official" and m.titles]:
            surname = m.name[:2] if m.name[:2] in self.rules.compound_surnames else m.name[0]
            for title in m.titles:
                for post in sorted(self.rules.posts, key=len):  # the head post: 镇党委书记 -> 书记
                    if title.endswith(post):
                        short = surname + post.lstrip("副")
                        s = 0
                        while (i := text.find(short, s)) >= 0:
                            s = i + len(short)
                            if not a.taken(i, i + len(surname)) and not (i > 0 and HAN.match(text[i - 1]) and a.taken(i - 1, i)):
                                a.add(Mention(i, s, "Official", m.name, role="surname-post"))
                        break
