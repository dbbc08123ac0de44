"""Where a name that ends in a known suffix begins: walk left over whole words until a stop.

Organisations (…局, …指挥部), meetings (…会议, …调度会) and unquoted policies (…三年行动) are found by
their last word; their first word is found by walking left, one segmenter token at a time, until
punctuation, a stop word (verbs and function words that precede names: 召开, 会同, 要求, 在 …), or
a one-character token that cannot be part of a name.
"""
from __future__ import annotations

import re

from extract.analysis import PUNCT, Analysis

# （市、区） in 县（市、区）疫情防控工作指挥部 is part of the name
ADMIN_PAREN = re.compile(r"[（(][省市县区州旗、]{1,6}[）)]$")
# the space in 第 32 次 / 第32 次 (some pages type them): part of a meeting's name
ORDINAL_SPACE = re.compile(r"第 [0-9０-９]|[0-9０-９] [次届]")
# （扩大） in 市委理论学习中心组（扩大）会议 is part of a meeting's name
ENLARGED_PAREN = re.compile(r"[（(]扩大[）)]$")
NUMERAL_CHARS = set("0123456789一二三四五六七八九十百零〇两第次届年月季度期号")

STOP_WORDS = frozenset("""
召开 举行 祝贺 感谢 离不开 任命 辞去 免去 选举 当选 总结 主持 主持召开 组织召开 出席 参加 列席 收听 收看 收听收看 传达 传达学习 开好 开成 办好 贯彻 落实 贯彻落实 筹办 承办
要求 强调 指出 督促 会同 配合 协同 联合 代表 陪同 带领 走进 来到 深入 到 在 于 从 向 对 把 将 让 以 为 由 经 是
的 了 着 和 与 及 或 并 等 也 还 就 听取 审议 通过 表决 研究 部署 推进 推动 开展 加强 做好 抓好 确保 实施 坚持 全面
深化 健全 完善 建立 制定 争取 支持 指导 帮助 组织 围绕 结合 按照 根据 通报 汇报 作了 作 与会 会上 会后 随后 当天
同时 其中 包括 以及 特别是 要 需 应 必须 务必 切实 认真 进一步 扎实 持续 积极 加快 严格 压实 各 有关 相关
受 委托 分别 先后 一行 同志 主要 负责 负责同志 负责人 领导 前往 赴 赶赴 看望 慰问 会见 调研 察看 检查 督导
肯定 充分肯定 表扬 表彰 批评 责成 授予
""".split())

# what ends a meeting's name when walking left: the verbs that hold or attend it, prepositions and
# particles; not the verbs inside names (全面深化改革委员会, 推动…发展座谈会, 学习贯彻…研讨班)
MEETING_NAME_STOPS = frozenset("""
召开 举行 主持 主持召开 组织召开 出席 参加 列席 收听 收看 收听收看 传达 传达学习 开好 开成 办好 筹办 承办
听取 审议 通过 表决 参会 与会 会上 会后 随后 当天 同时 其中 包括 以及 要 需 应 必须 务必
在 于 从 向 对 把 将 让 以 为 由 经 是 的 了 着 和 与 及 或 并 等 也 还 就 受 委托 分别 先后 同志 一行
贯彻 落实 贯彻落实 抓好 做好 开展 研究 要求 强调 指出 督促 部署 安排 领会 学好 用好 宣传 分工
祝贺 预祝 庆贺 感谢 欢迎 离不开 任命 辞去 免去 选举 当选 总结 宣布 主持人 有关 相关 各 作 作了 围绕 结合
做 做了 到 统一到 落实到 莅临 应邀 邀 今后 各项 各类 历次
""".split())
_STOP_RE = re.compile("|".join(map(re.escape, sorted(STOP_WORDS, key=len, reverse=True))))
# nouns 代表 opens (代表资格, 代表名额): there it is part of a name, not a verb that ends the walk
DEPUTY_NOUNS = ("资格", "名额", "选举", "联络", "工作委员会", "工作室")
SINGLE_OK = set("省市县区州盟旗乡镇村") | NUMERAL_CHARS
COUNT_TOKEN = re.compile(r"[0-9０-９]+[年名个位人项家]|^[0-9０-９]{3,}$")


def token_start(a: Analysis, end: int, floor: int = 0) -> int:
    """Start of the segmenter token that ends at ``end``."""
    pos = end - 1
    while pos > floor and not a.at_boundary(pos):
        pos -= 1
    return max(pos, floor)


def walk_left(a: Analysis, head_start: int, *, max_len: int = 24, extra_stops: frozenset[str] = frozenset(),
              allow_and: int = 20, allow_quotes: bool = False, stops: frozenset[str] = STOP_WORDS,
              stop_at_counts: bool = True) -> int:
    """The start of a name whose last word begins at ``head_start``.

    ``stops`` are the words that end the walk (meetings use the shorter ``MEETING_NAME_STOPS``:
    their names hold verbs, 全面推动长江经济带发展座谈会); ``stop_at_counts`` ends it at a count
    (165名, 2024年), which bodies' names never hold but meetings' may (庆祝…成立100周年大会)."""
    text = a.text
    pos = head_start
    limit = max(0, head_start - max_len)
    if not a.at_boundary(pos):  # the last word's first character sits inside a token (组织|部)
        inner = pos
        while inner > limit and not a.at_boundary(inner):
            inner -= 1
        pos = inner
    while pos > limit:
        prev = text[pos - 1]
        if prev in "）)":
            m = ADMIN_PAREN.search(text, max(0, pos - 8), pos)
            if m and m.end() == pos:
                pos = m.start()
                continue
            if stops is MEETING_NAME_STOPS:
                m = ENLARGED_PAREN.search(text, max(0, pos - 4), pos)
                if m:
                    pos = m.start()
                    continue
            break
        if prev == " " and not stop_at_counts and ORDINAL_SPACE.match(text[pos - 2:pos + 1]):
            pos -= 1  # 第 32 次常务会议: pages that type spaces around an ordinal's number
            continue
        if prev in "”" and allow_quotes:
            q = text.rfind("“", max(0, pos - 16), pos)
            if q >= 0:
                pos = q
                continue
            break
        if prev in PUNCT:
            break
        start = token_start(a, pos, limit)
        token = text[start:pos]
        if a.taken(start, pos, ("Official", "Person")) or stop_at_counts and COUNT_TOKEN.search(token):
            break  # 任命袁清和为…政府, 总结2024年县政协, 165名政协委员: a name or a count ends the walk
        if len(token) >= 2 and token[0] in "和及与" and token[1] in SINGLE_OK and start > limit:
            pos = start + 1  # 旧县镇|和县|住建局: the segmenter glued 和 to 县
            break
        if token == "的" and stops is MEETING_NAME_STOPS and text[start - 1:start] == "党" \
                and re.match("[一二三四五六七八九十]+[届大]", text[pos:pos + 5]):
            pos = start - 1  # 省委|党的|十九届四中全会精神宣讲团报告会: 党的 + a number is part of the name
            continue
        if token == "代表" and text.startswith(DEPUTY_NOUNS, pos):
            pos = start  # …人大常委会代表资格审查委员会: 代表 is a noun here, not the verb 代表…报告
            continue
        if token in stops or token in extra_stops:
            # 和/与/及 inside a name (市自然资源和规划局) unless what follows starts a new name
            if allow_and and token in ("和", "与") and text[pos:pos + 1] not in SINGLE_OK and 0 < head_start - pos <= allow_and:
                pos = start
                continue
            break
        pos = start
    return trim_left(a, pos, head_start, extra_stops)


# one-character words that open a clause, never a body's name (而|纪委, 同|村委会, 刚出|医院, 电|法国…组委会)
OPENERS_NO_NAME_HOLDS = frozenset("而同在从上出来电到对向把被将为是又也还就才再却暨")


def trim_left(a: Analysis, pos: int, head_start: int, extra_stops: frozenset[str] = frozenset()) -> int:
    """Drop what cannot open a name: a verb or adverb (叮嘱|合作社), a stop word glued on (会同市)."""
    from extract.wordlist import is_function_word

    text = a.text

    while pos < head_start and text[pos] == "暨":
        pos += 1  # 暨 joins two names and opens none, also when the segmenter glues it on (暨理论|学习)
    while pos < head_start:
        end = pos + 1
        while end < head_start and not a.at_boundary(end):
            end += 1
        if end <= head_start and (is_function_word(text[pos:end]) or text[pos:end] in OPENERS_NO_NAME_HOLDS):
            pos = end
        else:
            break
    # a stop word glued to the name by the segmenter (会同市 as one token) is not part of it
    m = _STOP_RE.match(text, pos)
    word = m.group() if m else next((w for w in sorted(extra_stops, key=len, reverse=True) if text.startswith(w, pos)), "")
    if word and pos + len(word) < head_start:
        pos += len(word)
    return pos


def all_matches(regex, text: str):
    """Every position's longest match of an alternation regex (overlapping: 专题学习会 holds
    专题学习 and 学习会), as ``(start, end, word)``."""
    import re as _re

    ahead = _re.compile("(?=(" + regex.pattern + "))")
    for m in ahead.finditer(text):
        yield m.start(), m.start() + len(m.group(1)), m.group(1)
