"""Turn a file's bytes into text, deciding the encoding from the bytes themselves.

Order: a byte-order mark (UTF-8/UTF-16/UTF-32) → UTF-16 without BOM (NUL-byte pattern or, failing
that, a text that reads as CJK) → strict UTF-8 → a declared ``charset=`` (HTML) → GB18030 (a
superset of GBK/GB2312) and Big5. When both Chinese legacy encodings decode the bytes, the one
whose text looks like real Chinese wins (charset-normalizer's coherence, backed by a simple
common-character measure). Decoding is always strict: offsets later point into exactly this text.
"""
from __future__ import annotations

import re

# U+FEFF is stripped by the BOM-aware codecs, so offsets start at the first real character.
_BOMS: list[tuple[bytes, str]] = [
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
]

_CHARSET_DECL = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)

# The 500 most frequent characters of modern written Chinese, simplified and traditional forms.
# Used only to tell GB18030-decoded text from Big5-decoded text of the same bytes: the wrong
# decoding of Chinese bytes gives rare characters and symbols.
_COMMON = set(
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年"
    "过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她"
    "本前开但因只从想实日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问"
    "很最重并物手应战向头文体政美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次"
    "度门任常先海通教儿原东声提立及比员解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何"
    "电数安少报才结反受目太量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社便空决治展"
    "马科司五基眼书非则听白却界达光放强即像难且权思王象完设式色路记南品住告类求据程北边死张该交规"
    "万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根干造言联持组每济车亲极林服快办"
    "议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流备兵连调深商算质团集百需价花党华城"
    "石级整府离况亚请技际约示复病息究线似官火断精满支视消越器容照须九增研写称企八功吗包片史委乎查"
    "轻易早曾除农找装广显吧阿李标谈吃图念六引历首医局突专费号尽另周较注语仅考落青随选列武红响虽推"
    "势参希古众构房半节土投某案黑维革划敌致陈律足态护七兴派孩验责营星够章音跟志底站严巴例防族供效"
    "续施留讲型料终答紧黄绝奇察母京段依批群项故按河米围江织害斗双境客纪采举杀攻父苏密低朝友诉止细"
    "們這個來為國說時會對發後過學現動麼經還進沒於當從兩關點業將間問開實無與長機當種體種員頭見給軍"
    "邊難變題氣聲話義員區決達術計書類親條幾結報總電數傳領帶導運議轉單遠歷鬥醫專論據調區黨華團權"
    "讓識嗎認級圖選聯許設護區縣鄉鎮會議強調縣長書記幹部組織區書記"
)


class DecodeError(ValueError):
    """The bytes are not text in any encoding we read; ``reason`` says why."""


def _looks_like_text(text: str) -> bool:
    """False when control characters (other than tab/CR/LF/FF) make up more than 1% of the text."""
    if not text:
        return True
    bad = sum(1 for c in text if (ord(c) < 32 and c not in "\t\r\n\f") or 0x7F <= ord(c) < 0xA0)
    return bad <= len(text) * 0.01


def _cjk_score(text: str) -> float:
    """Share of CJK characters that are common ones: high for the right decoding."""
    cjk = [c for c in text if "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" or "\U00020000" <= c]
    if not cjk:
        return 0.0
    return sum(1 for c in cjk if c in _COMMON) / len(cjk)


def _readable(text: str) -> float:
    """Share of characters that plain text is made of: ASCII, CJK, CJK punctuation, full-width forms."""
    if not text:
        return 0.0
    ok = sum(
        1
        for c in text
        if (" " <= c <= "~") or c in "\t\r\n" or "\u3000" <= c <= "\u303f" or "\u4e00" <= c <= "\u9fff"
        or "\uff00" <= c <= "\uffef" or c in "\u00a0\u00b7\u2014\u2018\u2019\u201c\u201d\u2026\u30fb"
    )
    return ok / len(text)


def _nul_utf16(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without BOM when the bytes hold NULs (ASCII, CR/LF, digits): the endianness that reads."""
    if len(data) < 2 or len(data) % 2:
        return None
    best: tuple[float, str, str] | None = None
    for enc in ("utf-16-le", "utf-16-be"):
        text = _try(data, enc)
        if text is None:
            continue
        score = _readable(text)
        if score >= 0.9 and (best is None or score > best[0]):
            best = (score, text, enc)
    return (best[1], best[2]) if best else None


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _utf16_plausible(data: bytes) -> tuple[str, str] | None:
    """UTF-16 with no NULs at all (pure CJK text): accept only if it reads as common Chinese."""
    if len(data) < 4 or len(data) % 2:
        return None
    best: tuple[float, str, str] | None = None
    for enc in ("utf-16-le", "utf-16-be"):
        text = _try(data, enc)
        if text is None or not _looks_like_text(text):
            continue
        score = _cjk_score(text)
        if score >= 0.3 and (best is None or score > best[0]):
            best = (score, text, enc)
    return (best[1], best[2]) if best else None


def _choose(data: bytes, candidates: list[tuple[str, str]]) -> tuple[str, str]:
    """Pick among decodings of the same bytes; charset-normalizer first, common-char share second."""
    if len(candidates) == 1:
        return candidates[0]
    scores = {enc: _cjk_score(text) for text, enc in candidates}
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data, cp_isolation=[enc for _, enc in candidates]).best()
    except Exception:  # noqa: BLE001 - the library is only an adviser
        best = None
    if best is not None:
        name = best.encoding.replace("_", "-").lower()
        for text, enc in candidates:
            if enc.replace("_", "-").lower() == name and scores[enc] >= max(scores.values()) - 0.1:
                return text, enc
    return max(candidates, key=lambda c: scores[c[1]])


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Return ``(text, encoding)`` or raise :class:`DecodeError` with a reason for a human."""
    if not data:
        raise DecodeError("empty file")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            text = _try(data, enc)
            if text is None:
                raise DecodeError(f"starts with a {enc.upper()} byte-order mark but is not valid {enc.upper()}")
            return text, enc
    if b"\x00" in data:
        u16 = _nul_utf16(data)
        if u16 and _looks_like_text(u16[0]):
            return u16
        raise DecodeError("binary file (contains NUL bytes), not text")
    text = _try(data, "utf-8")
    if text is not None:
        if not _looks_like_text(text):
            raise DecodeError("binary file (control characters), not text")
        return text, "utf-8"
    u16 = _utf16_plausible(data)
    if u16:
        return u16
    candidates: list[tuple[str, str]] = []
    if declared is None:
        m = _CHARSET_DECL.search(data[:4096])
        declared = m.group(1).decode("ascii").lower() if m else None
    if declared and declared.replace("-", "") not in ("utf8",):
        dec = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs"}.get(declared, declared)
        text = _try(data, dec)
        if text is not None and _looks_like_text(text):
            return text, dec
    for enc in ("gb18030", "big5hkscs"):
        text = _try(data, enc)
        if text is not None and _looks_like_text(text):
            candidates.append((text, enc))
    if not candidates:
        raise DecodeError("undecodable bytes: not UTF-8, UTF-16, GB18030/GBK or Big5")
    text, enc = _choose(data, candidates)
    if _cjk_score(text) < 0.15 and sum(1 for c in text if ord(c) > 0x7F) > 20:
        raise DecodeError("undecodable bytes: no encoding gives readable Chinese text")
    return text, enc
