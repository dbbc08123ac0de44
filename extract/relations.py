"""Relations from cue words, read sentence by sentence with the meeting in context.

- Which meeting: a meeting becomes the one in context when the text holds it (…会议召开; X召开/举行
  …; 主持召开…; 收听收看/出席/参加 …); 会后 and the like close it. A bare 会议/大会/座谈会 means the
  meeting in context. ``ORG 召开会议`` and ``ORG 就…进行调度`` build a meeting named after the
  organiser.
- Who: the cue verbs (``cues.json``) split a sentence into predicate blocks; the officials written
  since the previous block are the subjects of the next (市委副书记…郜明远,…褚晓梅…出席会议; 主持会议
  并讲话 shares its subject). 受X委托 keeps X out.
- Speech: an official, a meeting (会议强调) or a pronoun before 强调/指出/要求… opens a speech that
  lasts to the next speaker or the end of the paragraph; policies named inside it are emphasised
  by the speaker, and bodies told what to do inside it (X要…, 要求X…) are directed by the speaker.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from extract.bodies import SITTING
from extract.analysis import PUNCT, Analysis, EntityDraft, Mention, RelationDraft
from extract.lexicons import Lexicons, longest_first

COLLECTIVE_AFTER = ("各", "有关", "相关", "所属", "下属", "直属", "部分")  # 州政府各部门: the departments attend
CLAUSE_PUNCT = set("，；：。！？\n")
# 听取(了)…X(所作的|关于…的)报告/汇报/说明/述职: the officials named inside reported to the meeting
HEARD = re.compile(r"听取(?:了)?[^。；]{1,160}?(?:报告|汇报|说明|述职|发言|通报)")
NOUN_DEMANDS = ("提", "总", "新", "工作", "部署", "纪律", "相关", "具体", "有关", "各项", "目标", "任务", "基本")
SPEECH_AT_MEETING = re.compile(r"(?:上|时|期间)(?:、在[^。；]{0,60}?(?:上|时|期间)){0,6}(?:关于[^，。；“”]{1,40}?)?(?:发表)?的(?:重要)?(?:讲话|致辞|发言|重要指示)")
NON_MEETING_OBJECTS = ("调研", "考察", "活动", "检查", "视察", "慰问", "走访", "督导", "培训", "劳动", "义务")


def clause_start(text: str, pos: int, floor: int, cap: int) -> int:
    """Start of the clause holding ``pos`` (after the last clause punctuation), looking back at most
    ``cap`` characters: every caller needs only a short lead-in, and an unbounded look-back would
    make a long text without punctuation quadratic."""
    j = pos
    limit = max(floor, pos - cap)
    while j > limit and text[j - 1] not in CLAUSE_PUNCT:
        j -= 1
    return j


def _inside(spans: list[tuple[int, int]], pos: int) -> bool:
    """Is ``pos`` inside one of the sorted, disjoint ``spans``?"""
    i = bisect.bisect_right(spans, pos, key=lambda sp: sp[1])
    return i < len(spans) and spans[i][0] <= pos


def next_start(cues: list, cue, default: int) -> int:
    """Start of the first cue at or after ``cue.end`` (cues are sorted by start)."""
    i = bisect.bisect_left(cues, cue.end, key=lambda c: c.start)
    return cues[i].start if i < len(cues) else default


@dataclass
class Cue:
    start: int
    end: int
    kind: str  # attend preside address convene speech
    word: str


class RelationFinder:
    """Pipeline component: fills ``Analysis.relations``; resolves bare meeting references."""

    name = "relations"

    def __init__(self, lex: Lexicons) -> None:
        c = lex.cues
        self.groups = {
            "attend": c["attend"], "preside": c["preside"], "address": c["address"],
            "convene": c["convene"], "speech": c["speech"],
        }
        words = []
        for kind, ws in self.groups.items():
            words += [(w, kind) for w in ws]
        # 主持召开 is both preside and convene-like (it names the meeting): keep it as preside
        kind_of: dict[str, str] = {}
        for w, k in words:
            kind_of.setdefault(w, k)
        kind_of["主持召开"] = "preside"
        self.kind_of = kind_of
        self.cue_re = re.compile("|".join(map(re.escape, longest_first(list(kind_of)))))
        self.cue_ahead_re = re.compile("(?=(" + self.cue_re.pattern + "))")
        self.directive = longest_first(c["directive_markers"])
        self.directive_verbs = longest_first(c["directive_verbs"])
        self.companion = c["companion_only"]
        self.after_meeting = longest_first(lex.meetings["after_meeting_cues"])
        self.event_verbs = longest_first(lex.meetings["event_verbs"])
        self.pronouns = c["pronouns"]
        self.address_not_after = c.get("address_not_after", [])
        self.body_reports = set(c.get("report_by_body", []))
        self.address_patterns = re.compile("|".join(f"(?:{x})" for x in c.get("address_patterns", []))) \
            if c.get("address_patterns") else None

    # -- helpers ---------------------------------------------------------------
    def cues_in(self, a: Analysis, s: int, e: int) -> list[Cue]:
        text = a.text
        out = []
        taken_until = s
        # overlapping search: in 买买提出席 the 提出 inside the name must not hide 出席
        for m in self.cue_ahead_re.finditer(text, s, e):
            word = m.group(1)
            st, en = m.start(), m.start() + len(word)
            kind = self.kind_of[word]
            if st < taken_until or en > e:
                continue
            if a.taken(st, en, ("Official", "Person", "Organization", "Policy", "_Title", "Place")):
                continue
            if word in ("部署", "讲话", "安排") and any(text.endswith(w, 0, st) for w in self.address_not_after):
                continue  # 安排部署, 重要讲话: nouns, not someone speaking
            if word in ("部署", "安排") and a.taken(st - 1, st, ("Meeting", "Organization")):
                continue  # 落实省第十二次党代会部署: the meeting's or body's plan, a noun
            if word.startswith("作") and not (a.at_boundary(st) or a.taken(st - 1, st, ("Official", "Person", "_Title"))):
                continue  # 工作|动员大会: the 作 of 工作 opens no report
            if kind == "address" and word == "讲话" and (text.startswith("精神", en) or text[st - 1:st] in ("的", "、")
                                                       or text[st - 2:st] == "重要" or text.startswith(("和文件", "等"), en)):
                continue  # 会议、讲话和文件精神: the noun, not someone speaking
            if kind == "speech":
                if text[st - 1:st] in ("的", "等", "按", "照"):
                    continue
                if word == "要求" and text.endswith(NOUN_DEMANDS, 0, st):
                    continue  # 总要求, 部署要求, 纪律要求: the noun, not someone demanding
                if word == "说" and text[st - 1:st] in ("来", "话", "是", "所", "听", "小", "传", "学"):
                    continue
                if word == "提出" and text.startswith("要求", en):
                    kind = "address"
            if kind == "attend" and text.startswith(NON_MEETING_OBJECTS, en):
                continue
            if kind == "convene" and text[st - 2:st] == "主持":
                continue
            out.append(Cue(st, en, kind, word))
            taken_until = en
        return self._with_address_patterns(a, out, s, e)

    def _with_address_patterns(self, a: Analysis, cues: list[Cue], s: int, e: int) -> list[Cue]:
        """作政府工作报告, 作关于…的说明, 代表常委会报告工作: address cues with an object inside.
        A pattern replaces the word cues it covers (作…报告 holds 报告, not a separate cue)."""
        if self.address_patterns is None:
            return cues
        text = a.text
        extra = []
        for m in self.address_patterns.finditer(text, s, e):
            st, en = m.start(), m.end()
            if a.taken(st, st + 1, ("Official", "Person", "Organization", "_Title", "Place")):
                continue
            if text[st - 1:st] in ("的", "所") or text.startswith(("作为", "作用", "作风"), st):
                continue
            starts_word = a.at_boundary(st) or a.taken(st - 1, st, ("Official", "Person", "_Title"))
            if text[st] == "作" and not (starts_word and (a.at_boundary(st + 1) or text.startswith(("作了", "作出"), st))):
                continue  # 工作|会议上的讲话: the 作 of 工作 opens no report
            if re.match(r"作(?:了|出)?的", text[st:st + 3]) or re.search(r"、在|在[^，。；]*[上时]", m.group()):
                continue  # 作出的重要指示、在…上的讲话: a relayed instruction, not someone reporting here
            extra.append(Cue(st, en, "address", m.group()))
        if not extra:
            return cues
        kept, k = [], 0
        for c in cues:  # both lists are sorted by start: one sweep
            while k < len(extra) and extra[k].end <= c.start:
                k += 1
            if not (k < len(extra) and extra[k].start <= c.start < extra[k].end):
                kept.append(c)
        return sorted(kept + extra, key=lambda c: c.start)

    def meeting_after(self, a: Analysis, pos: int, limit: int) -> Mention | None:
        """A meeting mention right after a cue (allowing 了, 在…, a few words)."""
        for m in a.mentions_between(pos, min(limit, pos + 31)):
            if m.type == "Meeting":
                between = a.text[pos:m.start]
                if any(c in "，。；" for c in between):
                    return None
                return m
        return None

    def new_meeting(self, a: Analysis, name: str, mention: Mention) -> int:
        for i, e in enumerate(a.entities):
            if e.type == "Meeting" and (e.name == name or name in e.aliases):
                mention.entity = i
                e.mentions.append(mention)
                return i
        a.entities.append(EntityDraft("Meeting", name, aliases=[mention.name] if mention.name != name else []))
        idx = len(a.entities) - 1
        mention.entity = idx
        a.entities[idx].mentions.append(mention)
        return idx

    def is_clause_subject(self, a: Analysis, m: Mention, floor: int) -> bool:
        """Is the mention written at the start of its clause (after its title)?"""
        start = m.lead if m.lead is not None else m.start
        j = clause_start(a.text, start, floor, 16)
        lead_in = a.text[j:start].strip()
        return lead_in in ("", "会上", "随后", "同时", "最后", "此外", "会议期间", "调研期间") or lead_in.endswith(("会上", "期间"))

    # -- main ------------------------------------------------------------------
    def __call__(self, a: Analysis) -> Analysis:
        rels: dict[tuple[str, int, int], tuple[int, int]] = {}

        def relate(kind: str, src: int | None, tgt: int | None, ev: tuple[int, int]) -> None:
            if src is None or tgt is None or src == tgt:
                return
            rels.setdefault((kind, src, tgt), ev)

        chair_speeches: list[tuple[int, int, tuple[int, int]]] = []  # (official, meeting in context, evidence)
        heard: list[tuple[int, int, tuple[int, int]]] = []  # officials whose reports the meeting heard
        current: int | None = None  # meeting entity in context
        closed = False  # 会后…: the meeting in context ended and no new one was named yet
        last_official: int | None = None
        delegated = [(m.start(), m.end()) for m in re.finditer(r"受[^，。；]{1,30}?委托", a.text)]
        named_meetings = [m for m in a.entity_mentions() if m.type == "Meeting" and m.role != "bare" and m.entity is not None]
        named_i = 0

        for ps, pe in a.paragraphs:
            speaker: int | None = None
            speaker_type = ""
            for ss, se in a.sentences_in(ps, pe):
                sent = a.text[ss:se]
                ev = (ss, se)
                if any(sent.startswith(c) or sent.lstrip("，").startswith(c) for c in self.after_meeting) \
                        or "结束后" in sent[:12] or re.match(r"^[^，。；]{1,8}会后", sent):
                    current = None
                    closed = True
                while named_i < len(named_meetings) and named_meetings[named_i].start < ss:
                    named_i += 1  # (one pointer over the named meetings: linear in the text)
                if current is None and not closed and named_i:
                    current = named_meetings[named_i - 1].entity  # the meeting the report has named last
                cues = self.cues_in(a, ss, se)
                ments = a.mentions_between(ss, se)
                # 1. meetings the sentence establishes
                for m in ments:
                    if m.type != "Meeting" or m.role == "bare":
                        continue
                    before = a.text[max(ss, m.start - 8):m.start]
                    after = a.text[m.end:m.end + 24]
                    if re.match(r"^(的)?(决定|议案|通知|筹备|报告|方案|预备)", after) or "关于" in before:
                        continue  # 关于召开…会议的决定: a document about the meeting, not the meeting held
                    if re.search(r"(召开|举行|主持召开|收听收看|出席|参加|列席|组织|开展)(了)?$", before) \
                            or re.search(r"组织(?=[^，。；]{2,12}$)", m.name) or re.match(
                            r"^(（[^）]*）)?(在[^，。]{0,14})?(隆重)?(召开|举行|开幕)", after) or re.search(r"(召开|举行)(了)?[^，。；]{0,14}$", before):
                        current = m.entity
                # built meetings: ORG 召开会议 / ORG 就…进行调度
                for cue in cues:
                    if cue.kind != "convene":
                        continue
                    mt = self.meeting_after(a, cue.end, next_start(cues, cue, se))
                    clause = max(a.text.rfind(c, ss, cue.start) for c in "，；：")
                    subjects = [m for m in ments if m.type == "Organization" and m.end <= cue.start
                                and m.start > clause and not self._blocked(a, m, cue, cues)]
                    if mt is not None and mt.role == "bare" and mt.entity is None:
                        if current is not None and SITTING.fullmatch(mt.name) and not subjects:
                            mt.entity = current  # 举行第一次全体会议: a sitting of the session in context
                            a.entities[current].mentions.append(mt)
                        elif subjects:  # 张家口代表团…举行全体会议: that body's own meeting
                            short = subjects[-1].name
                            current = self.new_meeting(a, short + mt.name, mt)
                        elif current is None:
                            current = self.new_meeting(a, mt.name, mt)
                        else:
                            mt.entity = current
                    if mt is not None and a.text.endswith("关于", 0, cue.start):
                        continue  # 关于召开…会议的决定: a document about a meeting to come
                    if mt is not None and mt.entity is not None:
                        current = mt.entity
                        for s in subjects:
                            relate("convened", s.entity, mt.entity, ev)
                for verb in self.event_verbs:
                    m = re.search(r"进行" + verb + r"(?=[。，；])", sent)
                    if m and current is None:
                        orgs = [x for x in ments if x.type == "Organization" and x.start < ss + m.start()]
                        if orgs:
                            org = orgs[0]
                            full = a.entities[org.entity].name
                            pos = ss + m.start() + 2
                            mt = Mention(pos, pos + len(verb), "Meeting", verb, role="bare")
                            if a.add(mt) is None:
                                a.mentions.append(mt)
                            current = self.new_meeting(a, full + verb + "会议", mt)
                            relate("convened", org.entity, current, ev)
                # 听取了市委常委、统战部部长陶立言关于人事变动情况的说明: the official heard addressed it
                if current is not None:
                    for hm in HEARD.finditer(sent):
                        for m in a.mentions_between(ss + hm.start(), ss + hm.end()):
                            if m.type == "Official" and m.entity is not None:
                                heard.append((m.entity, current, ev))
                # 2. predicate blocks
                new_speaker = False
                prev_subjects: list[Mention] = []
                block_start = ss
                prev_end = ss
                for cue in cues:
                    subj = [m for m in ments if block_start <= m.start < cue.start
                            and m.type in ("Official", "Person", "Organization", "Meeting")
                            and not self._is_object(a, m)
                            and not _inside(delegated, m.start)
                            and not (m.type == "Organization" and a.text.startswith(COLLECTIVE_AFTER, m.end))]
                    between = a.text[prev_end:cue.start]
                    people = [m for m in subj if m.type in ("Official", "Person")]
                    if not people and not [m for m in subj if m.type == "Organization"] and prev_subjects and not any(c in "，；" for c in between):
                        subj = prev_subjects
                    nxt = next_start(cues, cue, se)
                    target_m = self.meeting_after(a, cue.end, nxt)
                    if target_m is None:
                        # 大会由X主持: the meeting named before the cue, in the passive
                        target_m = next((m for m in ments if m.type == "Meeting" and block_start <= m.start < cue.start
                                         and a.text.startswith("由", m.end)), None)
                        if target_m is not None and target_m.role == "bare" and target_m.entity is None:
                            big = self._session_for(a, target_m, current)
                            if big is not None:
                                target_m.entity = big
                                a.entities[big].mentions.append(target_m)
                    target = target_m.entity if target_m is not None and target_m.entity is not None else current
                    if target_m is not None and target_m.role == "bare" and target_m.entity is None:
                        if "召开" in cue.word or current is None and cue.kind in ("preside", "attend", "address"):
                            # 主持召开座谈会: a new meeting, named by its kind when nothing else names it
                            current = self.new_meeting(a, target_m.name, target_m)
                        else:
                            target_m.entity = current
                            if current is not None:
                                a.entities[current].mentions.append(target_m)
                        target = target_m.entity
                    if cue.kind in ("attend", "preside", "address"):
                        if cue.kind == "preside" and target_m is not None and target_m.entity is not None:
                            current = target_m.entity
                            target = current
                        for m in subj:
                            if m.entity is None:
                                continue
                            etype = a.entities[m.entity].type
                            if etype == "Official":
                                relate({"attend": "attended", "preside": "presided", "address": "addressed"}[cue.kind],
                                       m.entity, target, ev)
                                last_official = m.entity
                            elif etype == "Organization" and (cue.kind == "attend" or cue.kind == "address"
                                                              and cue.word in self.body_reports and not people):
                                # 市财政局、市统计局分别介绍交流了经验: a body that reports at a meeting attends it
                                relate("attended", m.entity, target, ev)
                    if cue.kind == "speech":
                        sp = self._speaker(a, cue, subj, ss, last_official, current)
                        if sp is not None:
                            new_speaker = True
                            speaker, speaker_type = sp
                            if speaker_type == "Official":
                                last_official = speaker
                                if current is not None:
                                    chair_speeches.append((speaker, current, ev))
                            self._speech(a, cue.end, pe, speaker, speaker_type, relate, cues_after=cue)
                    prev_subjects = subj if subj else prev_subjects
                    block_start = cue.end
                    prev_end = cue.end
                # sentences inside an open speech with no new speaker (a speech word whose speaker
                # is not named, 落实“三个赋予”总要求, continues the speech in course)
                if speaker is not None and not new_speaker:
                    if not any(c.kind in ("attend", "preside") for c in cues):
                        self._speech(a, ss, se, speaker, speaker_type, relate, cues_after=None, whole=True)
                    else:
                        speaker = None
        # the chair whose remarks are reported (X强调 at a meeting X chairs) addressed it
        for official, meeting, ev in chair_speeches:
            if ("presided", official, meeting) in rels or ("attended", official, meeting) in rels \
                    and self.delegate_speech(a, official, ev):
                relate("addressed", official, meeting, ev)
        self._reported_speeches(a, relate)
        for official, meeting, ev in heard:
            relate("addressed", official, meeting, ev)
        rels = self._merge_same_meetings(a, rels)
        rels = self._merge_headline_meetings(a, rels)
        for (kind, src, tgt), ev in rels.items():
            a.relations.append(RelationDraft(kind, src, tgt, ev))
        return a

    @staticmethod
    def delegate_speech(a: Analysis, official: int, ev: tuple[int, int]) -> bool:
        """欧阳丽代表说, 韦明远委员表示: a deputy or member speaking in a delegation's or group's
        discussion addressed it."""
        sent = a.text[ev[0]:ev[1]]
        name = a.entities[official].name
        return bool(re.search(re.escape(name) + r"(?:代表|委员)(?:说|表示|认为|指出|建议)", sent))

    def _reported_speeches(self, a: Analysis, relate) -> None:
        """传达学习习近平总书记在中央全面深化改革委员会第四次会议上的重要讲话: X addressed Y."""
        text = a.text
        for m in a.entity_mentions():
            if m.type != "Meeting" or m.entity is None or m.role == "bare" or text[m.start - 1:m.start] != "在":
                continue
            if not SPEECH_AT_MEETING.match(text, m.end):
                continue
            pos = m.start - 1
            title = next((t for t in a.overlapping(pos - 1, pos) if t.type == "_Title" and t.end == pos), None)
            if title is not None:
                pos = title.start
            speaker = next((p for p in a.overlapping(pos - 1, pos)
                            if p.type == "Official" and p.end == pos and p.entity is not None), None)
            if speaker is None:
                # 习近平总书记视察江苏重要指示和在…座谈会上的重要讲话: the speaker named earlier in
                # the sentence, with no other official between
                ss, _ = a.sentence_of(m.start)
                before = [p for p in a.mentions_between(ss, m.start) if p.type in ("Official", "Person")]
                if before and before[-1].type == "Official" and before[-1].entity is not None \
                        and text[before[-1].end:m.start].count("在") <= 6:
                    speaker = before[-1]
            if speaker is not None:
                relate("addressed", speaker.entity, m.entity, a.sentence_of(m.start))
                # 传达学习沈晓明、毛伟明在…会议上的讲话: every name of the list spoke
                prev = speaker
                while True:
                    earlier = [p for p in a.mentions_between(max(0, prev.start - 12), prev.start)
                               if p.type == "Official" and p.entity is not None and text[p.end:prev.start] in ("、", "和")]
                    if not earlier:
                        break
                    prev = earlier[-1]
                    relate("addressed", prev.entity, m.entity, a.sentence_of(m.start))

    @staticmethod
    def _session_for(a: Analysis, bare: Mention, current: int | None) -> int | None:
        """The meeting a bare 大会 means: the one in context when it is a 大会 or a congress or CPPCC
        session, else the last such meeting named before (a 会议 held during it is never 大会)."""
        def big(i: int) -> bool:
            name = a.entities[i].name
            return name.endswith("大会") or bool(re.search(r"(人民代表大会|人大|政协|政治协商会议).*第?[一二三四五六七八九十0-9]+次会议$", name))

        if bare.name != "大会":
            return current
        if current is not None and big(current):
            return current
        named = [m.entity for m in a.mentions_between(max(0, bare.start - 3000), bare.start)
                 if m.type == "Meeting" and m.entity is not None
                 and m.role != "bare" and big(m.entity)]
        return named[-1] if named else current

    def _merge_same_meetings(self, a: Analysis, rels: dict) -> dict:
        """Meetings built while reading (专题会议, 党委会议) that name one already known."""
        from extract.coref import opened_after_close, same_meeting

        remap: dict[int, int] = {}
        idx = sorted((i for i, e in enumerate(a.entities) if e.type == "Meeting" and e.mentions),
                     key=lambda i: -len(a.entities[i].name))
        for i in idx:
            for j in idx:
                if i == j or i in remap or j in remap:
                    continue
                long, short = a.entities[i], a.entities[j]
                if len(short.name) <= len(long.name) and same_meeting(short.name, long.name) \
                        and not opened_after_close(a, short, long):
                    self._absorb(a, i, j)
                    remap[j] = i
        return self._remap(rels, remap)

    @staticmethod
    def _absorb(a: Analysis, keep: int, drop: int) -> None:
        src, dst = a.entities[drop], a.entities[keep]
        for m in src.mentions:
            m.entity = keep
            dst.mentions.append(m)
        for alias in [src.name, *src.aliases]:
            if alias not in dst.aliases and alias != dst.name:
                dst.aliases.append(alias)
        src.mentions = []
        src.type = "_merged"

    @staticmethod
    def _remap(rels: dict, remap: dict[int, int]) -> dict:
        if not remap:
            return rels
        out: dict = {}
        for (kind, src, tgt), ev in rels.items():
            src, tgt = remap.get(src, src), remap.get(tgt, tgt)
            if src != tgt:
                out.setdefault((kind, src, tgt), ev)
        return out

    def _merge_headline_meetings(self, a: Analysis, rels: dict) -> dict:
        """A headline's meeting (专题学习会) is the body's meeting with the same convener."""
        if not a.paragraphs:
            return rels
        hs, he = a.paragraphs[0]
        conveners: dict[int, set[int]] = {}
        for (kind, src, tgt) in rels:
            if kind == "convened":
                conveners.setdefault(tgt, set()).add(src)
        remap: dict[int, int] = {}
        for h, ent in enumerate(a.entities):
            if ent.type != "Meeting" or not ent.mentions or not all(hs <= m.start < he for m in ent.mentions):
                continue
            for b, other in enumerate(a.entities):
                if b != h and other.type == "Meeting" and other.mentions and conveners.get(h) \
                        and conveners.get(h) & conveners.get(b, set()) and any(m.start >= he for m in other.mentions):
                    self._absorb(a, b, h)
                    remap[h] = b
                    break
        return self._remap(rels, remap)

    @staticmethod
    def _is_object(a: Analysis, m: Mention) -> bool:
        """聚焦习近平总书记在…上的重要讲话, 学习贯彻X…: a person named as the object of a verb
        inside the clause is not the clause's subject."""
        from extract.spans import token_start
        from extract.wordlist import verb_like

        if m.type not in ("Official", "Person"):
            return False
        start = m.lead if m.lead is not None else m.start
        if start == 0 or a.text[start - 1] in CLAUSE_PUNCT or a.text[start - 1] in "、和及与":
            return False
        word = a.text[token_start(a, start):start]
        return len(word) >= 2 and verb_like(word) and word not in ("会上", "同时", "随后", "出席", "参加")

    def _blocked(self, a: Analysis, m: Mention, cue: Cue, cues: list[Cue]) -> bool:
        """Is there another cue between the organisation and this convene cue?"""
        return any(m.end <= c.start < cue.start for c in cues if c is not cue)

    def _speaker(self, a: Analysis, cue: Cue, subj: list[Mention], ss: int, last_official: int | None,
                 current: int | None) -> tuple[int, str] | None:
        text = a.text
        cands = [m for m in subj if m.entity is not None and m.type in ("Official", "Person", "Meeting")]
        for m in reversed(cands):
            if m.type != "Meeting" and (cue.start - m.end > 80 or any(c in CLAUSE_PUNCT for c in text[m.end:cue.start])):
                continue  # 习近平总书记…发表重要讲话，给我们…提要求: the cue is in another clause
            if m.type == "Meeting" or self.is_clause_subject(a, m, ss):
                ent = a.entities[m.entity]
                return m.entity, ent.type
        # bare meeting words and pronouns as speakers
        j = clause_start(text, cue.start, ss, 12)
        lead = text[j:cue.start]
        if re.match(r"^(会议|大会|会上|座谈会|全会)(还|也|同时|进一步|再次)?$", lead) or lead.startswith(("会议", "大会")) and len(lead) <= 6:
            if current is not None:
                return current, "Meeting"
        if lead.startswith(tuple(self.pronouns)):
            # 张壮雄充分肯定了…。他说…: the official opening an earlier sentence of this paragraph
            opener = self._paragraph_subject(a, ss)
            if opener is not None:
                return opener, "Official"
            if last_official is not None:
                return last_official, "Official"
        return None

    @staticmethod
    def _paragraph_subject(a: Analysis, ss: int) -> int | None:
        """The last official that opens a sentence of the paragraph before ``ss`` (bounded look-back)."""
        text = a.text
        para = text.rfind("\n", max(0, ss - 400), ss) + 1 if ss else 0
        found = None
        for m in a.mentions_between(max(para, ss - 400), ss):
            if m.type != "Official" or m.entity is None:
                continue
            k = m.lead if m.lead is not None else m.start
            while k > para and text[k - 1] in " \u3000\t":
                k -= 1
            if k == para or text[k - 1] in "。！？；":
                found = m.entity
        return found

    def _speech(self, a: Analysis, start: int, end: int, speaker: int, speaker_type: str, relate,
                cues_after: Cue | None, whole: bool = False) -> None:
        """Policies emphasised and bodies directed from ``start`` to the next speaker or ``end``."""
        if speaker_type not in ("Official", "Meeting"):
            return
        text = a.text
        # the scope ends at the next speech cue with its own subject
        stop = end
        if not whole:
            para_cues = self._paragraph_speech_cues(a, start, end)
            for c in para_cues[bisect.bisect_left(para_cues, start, key=lambda c: c.start):]:
                if c.start >= end:
                    break
                if c.kind == "speech":
                    j = clause_start(text, c.start, start, 40)
                    lead = text[j:c.start]
                    if lead and (lead.startswith(("会议", "大会", "他", "她")) or any(
                            m.type in ("Official", "Person") for m in a.mentions_between(j, c.start))):
                        stop = j
                        break
        # a later cue of the same speaker whose scope ends where the last one did adds nothing new
        done = a.__dict__.setdefault("_speech_done", {})
        if done.get((speaker, stop), end + 1) <= start:
            return
        done[(speaker, stop)] = start
        ev_of = a.sentence_of
        for m in a.mentions_between(start, stop):
            if m.entity is None:
                continue
            ent = a.entities[m.entity]
            if ent.type == "Policy":
                relate("emphasised", speaker, m.entity, ev_of(m.start))
            elif ent.type == "Organization" and self._is_directed(a, m, start):
                relate("directed", speaker, m.entity, ev_of(m.start))

    def _paragraph_speech_cues(self, a: Analysis, start: int, end: int) -> list[Cue]:
        """The speech cues of the paragraph ending at ``end``, found once per paragraph."""
        cache = a.__dict__.setdefault("_para_speech_cues", {})
        if end not in cache:
            ps = next((p0 for p0, p1 in a.paragraphs if p0 <= start < p1), start)
            cache[end] = [c for c in self.cues_in(a, ps, end) if c.kind == "speech"]
        return cache[end]

    def _is_directed(self, a: Analysis, m: Mention, scope_start: int) -> bool:
        """X要… / X、Y要… / 要求X… / 督促X… at the start of a clause."""
        text = a.text
        before = text[max(0, m.start - 6):m.start]
        if any(before.endswith(w) for w in self.companion) or before.endswith("由"):
            return False
        if any(before.endswith(w) for w in self.directive_verbs):
            return True  # 要求县农业农村局… (the verb may be the speech cue itself)
        # the second body of a list after 督促/要求: 督促县水利局、县应急管理局落实…
        prev = [x for x in a.mentions_between(max(0, m.start - 30), m.start) if x.type == "Organization"]
        if prev and text[prev[-1].end:m.start] in ("、", "和", "及", "与", "以及") \
                and any(text.endswith(w, 0, prev[-1].start) for w in self.directive_verbs):
            return True
        # the org must open its clause, possibly after other coordinated bodies
        j = clause_start(text, m.start, scope_start, 60)
        lead = text[j:m.start]
        if lead and not re.fullmatch(r"[^，。；]*[、和及与]", lead) and not any(lead.endswith(w) for w in ("要求", "督促")):
            return False
        # …then the directive marker after the coordinated list
        k = m.end
        tail = text[k:k + 40]
        mm = re.match(r"^(?:[、和及与](?:[^，。；要]{1,24}?))*?(要(?![求素点])|务必|必须|应当|负责(?![人同])|牵头|抓紧|需)", tail)
        return bool(mm)  # (不是 …的部署要求, …相关负责人参加: a noun, not an order)
