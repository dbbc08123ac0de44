"""Policies: quoted names (“…” and 《…》), policy-suffixed names and well-known policy names.

A quoted phrase is a policy unless its context says otherwise (…称号, 题为《…》). A policy word
written right after the quotes joins the name (“两山”转化机制). Unquoted names are the lexicon's
known policies and names ending in an unquoted suffix (…长制, …负责制, …三年行动).
"""
from __future__ import annotations

import re

from extract.analysis import Analysis, Mention
from extract.lexicons import Lexicons, longest_first
from extract.spans import walk_left

QUOTED = re.compile(r"“([^“”\n]{2,40})”|《([^《》\n]{2,80})》")


class PolicyFinder:
    """Pipeline component: Policy mentions."""

    name = "policies"

    def __init__(self, lex: Lexicons) -> None:
        p = lex.policies
        self.attach = longest_first(p["attach_suffixes"])
        self.known = longest_first(p["known"])
        self.unquoted = longest_first(p["unquoted_suffixes"])
        self.unquoted_re = re.compile("|".join(map(re.escape, self.unquoted)))
        self.not_before = p["not_policy_contexts"]
        self.not_after = p["not_policy_after"]

    def __call__(self, a: Analysis) -> Analysis:
        text = a.text
        for m in QUOTED.finditer(text):
            inner = m.group(1) or m.group(2)
            s, e = m.start() + 1, m.end() - 1
            if a.taken(s, e):
                continue
            before = text[max(0, m.start() - 3):m.start()]
            after = text[m.end():m.end() + 4]
            if any(before.endswith(w) for w in self.not_before) or any(after.startswith(w) for w in self.not_after):
                continue
            if m.group(2) and re.search(r"[看谈论]", inner[:3]) and "“" in inner:
                continue  # a talk's title (《从“千万工程”看…》), not a document
            if m.group(1) and re.fullmatch(r"[\d\s.%]+|[a-zA-Z\s]+", inner):
                continue
            name = inner
            for suffix in self.attach:
                if text.startswith(suffix, m.end()):
                    name = inner + suffix
                    break
            a.add(Mention(s, e, "Policy", name, aliases=[inner] if name != inner else [], role="quoted"))
        for word in self.known:
            pos = 0
            while (i := text.find(word, pos)) >= 0:
                pos = i + len(word)
                if not a.taken(i, pos):
                    a.add(Mention(i, pos, "Policy", word, role="known"))
        for m in self.unquoted_re.finditer(text):
            if a.taken(m.start(), m.end()) or not a.at_boundary(m.end()):
                continue
            start = walk_left(a, m.start(), max_len=14)
            if start == m.start() and len(m.group()) <= 3:
                continue
            name = text[start:m.end()]
            if not a.taken(start, m.end()) and len(name) >= 3:
                a.add(Mention(start, m.end(), "Policy", name, role="suffix"))
        return a
