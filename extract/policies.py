"""Policies: quoted names (“…” and 《…》), policy-suffixed names and well-known policy names.

A quoted phrase is a policy unless its context says otherwise (…称号, 题为《…》). A policy word
written right after the quotes joins the name (“两山”转化机制). Unquoted names are the lexicon's
known policies and names ending in an unquoted suffix (…长制, …负责制, …三年行动).
"""
from __future__ import annotations

import re

from extract.analysis import Analysis, Mention
from extract.lexicons import Lexicons, longest_first
from extract.spans import STOP_WORDS, walk_left

NAME_ENDERS = ("的", "为", "和", "与", "及", "中", "上", "等", "落", "取得", "成果", "工作")
QUOTED = re.compile(r"“([^“”\n]{2,40})”|《([^《》\n]{2,80})》")


# the rules and plans a meeting adopts: 选举办法(草案), 实施方案, 湿地保护条例, 议事规则（草案）
DOCUMENT = re.compile(r"(?P<kind>(?:表决|选举|补选)?办法|条例|实施方案|工作方案|行动方案|方案|规定|细则|规则|议程|名单)"
                      r"(?:[（(](?:草案|讨论稿|征求意见稿|试行|修订草案)[）)])?")
# what the title of a document (《…》 a law, rules, a plan, a decision) ends in; other titles in 《》
# are books, articles, shows and exhibitions
DOCUMENT_TITLE = re.compile(r"(?:法|条例|办法|规定|细则|规则|规程|决定|决议|意见|通知|纲要|规划|计划|方案|报告|议案|"
                            r"建议|准则|制度|守则|章程|公约|条约|协定|宣言|声明|名单|议程|清单|标准|指南|"
                            r"政策|措施|机制|公报|白皮书)[^《》]{0,12}$")
DOCUMENT_VERBS = ("通过", "通过了", "审议", "审议了", "表决", "讨论", "印发", "出台", "制定", "修订", "修改",
                  "学习", "审议通过", "表决通过", "讨论通过", "作说明", "就", "《", "听取", "听取了")
# a title inside a title: 《…关于修改〈…条例〉的决定》, 《…关于批准<…条例>的决定》
NESTED_TITLE = re.compile(r"[〈<＜]([^〈〉<>＜＞《》]{2,60})[〉>＞]")
DECISION_ON = re.compile(r"关于(?:修改|批准|废止|修订)[〈<＜][^《》]*的(?:决定|决议)$")
# what a quoted sentence holds and a name does not: degree adverbs and sentence-final particles
QUOTED_CLAUSE = re.compile(r"很|非常|已经|怎么|[吗呢啦吧]$")
# the ends of a body's name (a quoted one is a body: “防汛救灾领导小组”, “旅行者集团”)
BODY_ENDS = ("领导小组", "工作组", "委员会", "集团", "公司", "协会", "联合会", "办公室", "指挥部")
# the verbs that open a list of documents (审议通过了A，B，C)
LIST_VERBS = re.compile(r"(?:审议|通过|表决|听取)")


class PolicyFinder:
    """Pipeline component: Policy mentions."""

    name = "policies"

    def __init__(self, lex: Lexicons) -> None:
        p = lex.policies
        self.attach = longest_first(p["attach_suffixes"])
        self.known = longest_first(p["known"])
        self.unquoted = longest_first(p["unquoted_suffixes"])
        self.unquoted_re = re.compile("|".join(map(re.escape, self.unquoted)))
        self.suffix_names = longest_first(p.get("suffix_names", []))
        self.suffix_name_re = re.compile("|".join(map(re.escape, self.suffix_names))) if self.suffix_names else None
        self.suffix_min = p.get("suffix_name_min_length", 6)
        self.not_openers = tuple(longest_first(p.get("not_policy_openers", [])))
        self.not_before = p["not_policy_contexts"]
        self.metaphors = frozenset(p.get("metaphor_stoplist", []))
        self.not_after = p["not_policy_after"]

    def __call__(self, a: Analysis) -> Analysis:
        text = a.text
        for m in QUOTED.finditer(text):
            inner = m.group(1) or m.group(2)
            s, e = m.start() + 1, m.end() - 1
            if m.group(2) and DOCUMENT_TITLE.search(inner):
                held = a.overlapping(s, e)
                if held and all(s <= x.start and x.end <= e and x.type == "Meeting" for x in held):
                    for x in held:  # 《…第十二次全体会议表决办法》: the meeting is part of the document's title
                        a.remove(x)
            in_meeting = False
            if a.taken(s, e):
                held = a.overlapping(s, e)
                if not (m.group(1) and held and all(x.type == "Meeting" and x.start < s and e < x.end for x in held)):
                    continue
                in_meeting = True  # 全市“三提三争”工作动员大会: the campaign a meeting is named after
            before = text[max(0, m.start() - 3):m.start()]
            after = text[m.end():m.end() + 4]
            if any(before.endswith(w) for w in self.not_before) or any(after.startswith(w) for w in self.not_after):
                continue
            if m.group(2) and (before.endswith(("题为", "题目为")) or re.search(r"[看谈论]", inner[:3]) and "“" in inner):
                a.add(Mention(m.start(), m.end(), "_Skip", inner, role="talk-title"))
                continue  # a talk's title (题为《从“千万工程”看…》), not a document
            document = bool(m.group(2) and inner.startswith("关于") and DOCUMENT_TITLE.search(inner))
            if "‘" in inner or len(inner) > 20 and re.search(r"(推动|推进|实现|促进|加快|助力)", inner) and not document:
                continue  # a theme sentence, not a name (the inner ‘…’ may be one); 《关于加快…的议案》 is a document
            if m.group(1) and re.fullmatch(r"[\d\s.%]+|[a-zA-Z\s]+", inner):
                continue
            if m.group(1) and inner in self.metaphors:
                continue  # “必修课”, “先手棋”: a quoted metaphor, not a policy's name (spec: optional)
            if m.group(2) and not DOCUMENT_TITLE.search(inner):
                continue  # 《毛泽东、邓小平、江泽民新闻宣传思想研究》: a book or a show, not a document
            if m.group(1) and (inner[-1] in "。！？…" or "，" in inner and len(inner) > 12
                               or len(inner) >= 8 and QUOTED_CLAUSE.search(inner)):
                continue  # a quoted sentence someone said, not a name (“目前两国关系很好”)
            if m.group(1) and not in_meeting and inner.endswith(BODY_ENDS) and len(inner) >= 4 \
                    and not text.startswith(tuple(self.attach), m.end()):
                continue  # “防汛救灾领导小组”: a body in quotes is a body, not a policy
            if in_meeting:
                if len(inner) >= 4 and not re.search(r"[，。！？…]", inner):  # not “五一”国际劳动节
                    a.mentions.append(Mention(s, e, "Policy", inner, role="in-meeting"))
                continue
            name = inner
            for suffix in self.attach:
                if text.startswith(suffix, m.end()):
                    name = inner + suffix
                    a.add(Mention(m.end(), m.end() + len(suffix), "_Title", suffix, role="policy-tail"))
                    break
            else:
                # “菜篮子”市长负责制: a policy word a few characters on, with nothing between but words
                tail = re.match(r"[\u4e00-\u9fff]{1,4}?(?:" + "|".join(map(re.escape, self.attach)) + ")", text[m.end():m.end() + 8])
                if tail and a.at_boundary(m.end() + tail.end()) and not re.search(r"[的和与及等要在]", tail.group()):
                    name = inner + tail.group()
                    a.add(Mention(m.end(), m.end() + tail.end(), "_Title", tail.group(), role="policy-tail"))
            nested = NESTED_TITLE.search(inner) if m.group(2) else None
            if nested and DECISION_ON.search(inner) and DOCUMENT_TITLE.search(nested.group(1)):
                # 《…关于修改〈云岚市湿地保护条例〉的决定》: the decision is about the law it names, and
                # the law is the policy (decided here: the gold marks the decision optional)
                ns, ne = s + nested.start(1), s + nested.end(1)
                a.add(Mention(ns, ne, "Policy", nested.group(1), role="quoted"))
                continue
            a.add(Mention(s, e, "Policy", name, aliases=[inner] if name != inner else [], role="quoted"))
        self.find_inner_quotes(a)
        for word in self.known:
            pos = 0
            while (i := text.find(word, pos)) >= 0:
                pos = i + len(word)
                inner = a.overlapping(i, pos)
                if inner and all(i <= x.start and x.end <= pos and x.role in ("repeat", "name-post", "ner")
                                 for x in inner):
                    for x in inner:  # 习近平|新时代中国特色社会主义思想: the name is part of the policy's
                        a.remove(x)
                if not a.taken(i, pos):
                    a.add(Mention(i, pos, "Policy", word, role="known"))
        for m in self.unquoted_re.finditer(text):
            if a.taken(m.start(), m.end()) or not a.at_boundary(m.end()):
                continue
            start = walk_left(a, m.start(), max_len=14, allow_and=0)
            if start == m.start() and len(m.group()) <= 3:
                continue
            name = text[start:m.end()]
            if not a.taken(start, m.end()) and len(name) >= 3:
                a.add(Mention(start, m.end(), "Policy", name, role="suffix"))
        self.find_suffix_names(a)
        self.find_documents(a)
        self.find_repeats(a)
        return a

    def find_documents(self, a: Analysis) -> None:
        """通过大会选举办法(草案), 审议…关于…人选表决办法（草案）, 表决通过…湿地保护条例: the rules and
        plans a meeting adopts, named without quotes after the verb that adopts them. Their names may
        hold a meeting's or a body's name (…第五次会议选举办法), which then is part of the document's."""
        from extract.spans import MEETING_NAME_STOPS

        text = a.text
        for m in DOCUMENT.finditer(text):
            end = m.end()
            start = walk_left(a, m.start("kind"), max_len=60, allow_and=0,
                              stops=MEETING_NAME_STOPS - {"选举", "当选", "总结"}, stop_at_counts=False)
            before = text[max(0, start - 4):start]
            if end - start < 6 or not (before.endswith(DOCUMENT_VERBS) or self.listed_document(a, start)):
                continue
            kind = m.group("kind")
            if kind in ("方案", "规定") and end == m.end("kind"):
                continue  # a plan is a document when adopted as a draft (…方案（草案）), not any plan
            inner = a.overlapping(start, end)
            if any(x.start < start or x.end > end or x.type in ("Official", "Person", "Policy") for x in inner):
                continue
            for x in inner:
                a.remove(x)
            # lists and agendas (…候选人名单（草案）, …会议议程（草案）) a meeting adopts are no policies
            # (decided here: the gold marks them optional); the span is claimed so that nothing in it is
            # taken for a body or a meeting of its own
            policy = kind not in ("议程", "名单")
            a.add(Mention(start, end, "Policy" if policy else "_Skip", text[start:end], role="document"))

    @staticmethod
    def listed_document(a: Analysis, start: int) -> bool:
        """审议通过了A（草案），B（草案）、C实施方案: a document further along a list whose clause opens
        with a verb that adopts or hears documents (bounded look-back, so linear)."""
        text = a.text
        if text.endswith("关于", 0, start):
            start -= 2  # ，关于…表决办法（草案）
        if start == 0 or text[start - 1] not in "，、":
            return False
        clause = text[max(0, start - 160):start]
        cut = max(clause.rfind(c) for c in "。；！？\n")
        clause = clause[cut + 1:]
        return bool(LIST_VERBS.search(clause))

    def find_suffix_names(self, a: Analysis) -> None:
        """深入实施旅游强市战略, 扎实开展村庄清洁行动: a long name ending in a policy word, after a verb."""
        from extract.spans import token_start
        from extract.wordlist import in_dictionary, verb_like

        if self.suffix_name_re is None:
            return
        text = a.text
        for m in self.suffix_name_re.finditer(text):
            end = m.end()
            if a.taken(m.start(), end) or not (text[end:end + 1] in "，。；、”）" or text.startswith(NAME_ENDERS, end)):
                continue  # a policy name ends its phrase (…上级政策机遇 is no name)
            start = walk_left(a, m.start(), max_len=16, allow_and=0)
            name = text[start:end]
            if len(name) < self.suffix_min or name.startswith(self.not_openers) or in_dictionary(name):
                continue
            before = text[token_start(a, start):start]
            if start == 0 or not (verb_like(before) or before in STOP_WORDS):
                continue
            if a.taken(start, end) or re.search(r"[局委办厅府]|中央|关于", name):
                continue  # 市财政局…, 党中央关于…改革: a body and what it does, not a name
            a.add(Mention(start, end, "Policy", name, role="suffix-name"))

    def find_inner_quotes(self, a: Analysis) -> None:
        """‘千万工程’ inside a quoted theme sentence."""
        for m in re.finditer(r"‘([^‘’\n]{2,20})’", a.text):
            if not a.taken(m.start(1), m.end(1)):
                a.add(Mention(m.start(1), m.end(1), "Policy", m.group(1), role="quoted"))

    def find_repeats(self, a: Analysis) -> None:
        """A policy named again without quotes (千万工程; 主题教育 for “不忘初心、牢记使命”主题教育)."""
        text = a.text
        names: set[str] = set()
        for m in a.mentions:
            if m.type == "Policy":
                names.add(m.name)
                names.update(m.aliases)
                for suffix in self.attach:
                    if len(suffix) >= 4 and m.name.endswith(suffix) and m.name != suffix:
                        names.add(suffix)
        owners: dict[str, str] = {}
        for m in a.mentions:
            if m.type == "Policy":
                for n in (m.name, *m.aliases):
                    owners.setdefault(n, m.name)
        for name in sorted(names, key=len, reverse=True):
            if len(name) < 3:
                continue
            pos = 0
            while (i := text.find(name, pos)) >= 0:
                pos = i + len(name)
                if not a.taken(i, pos) and (a.at_boundary(i) or text[i - 1:i] in "“‘《"):
                    owner = owners.get(name) or next((n for n in owners if n.endswith(name)), name)
                    a.add(Mention(i, pos, "Policy", owner, role="repeat"))
