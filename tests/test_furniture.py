"""Furniture removal and page metadata on plain-text pages, traditional pages with pinyin."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from extract import furniture, meta
from extract.read import document_from_text, read_path

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "data" / "samples"
SHARED = REPO.parent / "shared" / "corpus"

PAGE = """示例新闻网
首页 | 时政 | 民生 | 县区 | 专题 | 视频
当前位置：首页 > 时政 > 正文
区委理论学习中心组举行集体学习
2022-08-09 16:05  来源：示例日报  浏览量：873
【字号：大 中 小】 分享到：微信 微博

　　示例日报讯（记者 钱小川 通讯员 李小桥）8月8日，区委理论学习中心组举行集体学习。区委书记郑小禾主持会议并讲话。
　　区委副书记、区长冯小溪，区领导褚小岩、卫小松参加学习。
　　郑小禾强调，要坚持“一线工作法”，区发改局要抓好项目储备，区财政局要保障资金需求。

(编辑:蒋小雨  审核:沈　峰)
【返回顶部】  【打印】  【关闭】
相关新闻:
· 韩小东调研区重点项目建设                  2022-08-05
· 杨小林走访慰问困难群众                    2022-08-03
上一篇:区政协召开常委会议
下一篇:区人大常委会开展执法检查
主办:中共示例区委宣传部  承办:示例日报社
新闻热线:0000-3333333  广告:朱小鹏 13900000000
示ICP备00000000号-1  示公网安备 00000000000003号
"""


def test_body_and_meta_of_a_scraped_page():
    doc = document_from_text(PAGE, "page.txt")
    lines = doc.body.text.split("\n")
    assert lines[0] == "区委理论学习中心组举行集体学习"  # the headline opens the body
    assert lines[1].startswith("示例日报讯（记者 钱小川 通讯员 李小桥）8月8日")
    assert lines[-1].startswith("郑小禾强调")
    for name in ("韩小东", "杨小林", "朱小鹏", "蒋小雨", "沈", "首页", "分享到", "ICP", "上一篇"):
        assert name not in doc.body.text
    m = doc.meta
    assert m.title == "区委理论学习中心组举行集体学习"
    assert m.published == "2022-08-09T16:05"
    assert m.source == "示例日报"
    assert m.authors == ["钱小川", "李小桥"]
    assert m.editors == ["蒋小雨", "沈峰"]  # a full-width spacer inside a name is cleaned
    assert [PAGE[s:e] for s, e in m.editor_spans] == ["蒋小雨", "沈\u3000峰"]  # the span is as written
    assert [PAGE[s:e] for s, e in m.author_spans] == ["钱小川", "李小桥"]


def test_line_classes():
    c = furniture.classify
    assert c("首页 | 时政 | 民生 | 县区 | 专题") == furniture.FURNITURE
    assert c("· 韩小东调研区重点项目建设                  2022-08-05") == furniture.FURNITURE
    assert c("示ICP备00000000号-1") == furniture.FURNITURE
    assert c("新闻热线:0000-3333333") == furniture.FURNITURE
    assert c("2022-08-09 16:05  来源：示例日报") == furniture.META
    assert c("(编辑:蒋小雨  审核:沈　峰)") == furniture.META
    assert c("区委理论学习中心组举行集体学习") == furniture.SHORT
    assert c("会议还研究了其他事项。") == furniture.PROSE
    long_line = "区委书记郑小禾主持会议并讲话，强调要抓好项目建设，区发改局要抓好项目储备。" * 2
    assert c(long_line) == furniture.PROSE
    # a cue word inside a long prose line does not make it furniture
    assert c("会议强调，要把“打印”“分享”等便民服务延伸到基层，市大数据局要牵头抓好平台建设和运维保障工作。") == furniture.PROSE


def test_headline_rules():
    two = "示例网 > 时政\n某某在示例县调研时强调\n坚决扛起发展责任 做大做强特色产业\n2021-01-02 08:00 来源：示例报\n\n" \
          "　　本报讯（记者 甲小乙）1月1日，市委书记某某到示例县调研，县委书记丙小丁陪同。某某强调，要抓好特色产业发展。\n"
    assert document_from_text(two, "a.txt").meta.title == "某某在示例县调研时强调 坚决扛起发展责任 做大做强特色产业"
    three = "示例网 > 时政\n市委常委会召开会议\n传达学习全国两会精神\n某某主持并讲话\n2021-03-02 08:00 来源：示例报\n\n" \
            "　　本报讯（记者 甲小乙）3月1日，市委常委会召开会议，市委书记某某主持会议并讲话。会议强调，要抓好贯彻落实。\n"
    slogan = "让党的声音传入千家万户\n示例网 | 首页 | 时政\n市政府召开常务会议\n发布时间：2024-05-06 09:30  来源：示例日报\n\n" \
             "　　本报讯（记者 甲小乙）5月5日，市长某某主持召开市政府常务会议，副市长丙小丁出席会议。\n"
    doc = document_from_text(slogan, "s.txt")
    assert doc.meta.title == "市政府召开常务会议"  # the block above the date line, not the slogan
    assert "千家万户" not in doc.body.text
    doc = document_from_text(three, "b.txt")
    assert doc.meta.title == "市委常委会召开会议"  # the rest are subtitles
    assert doc.body.text.startswith("市委常委会召开会议\n传达学习全国两会精神\n某某主持并讲话\n本报讯")


@pytest.mark.parametrize("line,want", [
    ("发布时间:2020-1-29 20:28", "2020-01-29T20:28"),
    ("2024-11-21 09:36:12    来源:盐城", "2024-11-21T09:36"),
    ("遵义日报  2022年08月31日  第01版:要闻", "2022-08-31"),
    ("时间：2019/07/12", "2019-07-12"),
])
def test_dates(line, want):
    assert meta.parse_date(line) == want


def test_date_fallbacks():
    assert meta.parse_month_day("　　本报讯 1月29日，会议召开。") == "--01-29"
    assert meta.url_date("http://x.example/zwdt/202309/t20230922_1021.html") == "2023-09-22"
    assert meta.url_date("http://x.example/2023-09/26/content_1.html") == "2023-09-26"
    assert meta.url_date(None) is None
    doc = document_from_text("　　本报讯（记者 甲小乙）3月5日，市委书记某某主持召开会议，会议强调要抓好落实，确保各项工作取得实效。", "c.txt")
    assert doc.meta.published == "--03-05" and doc.meta.title is None


def test_bylines():
    text = "哈密日报全媒体记者 阿依・努尔 报道：会议召开。"
    assert [n for n, _ in meta.find_authors(text)] == ["阿依·努尔"]
    assert [n for n, _ in meta.find_authors("（全媒记者刘小诗）1月29日")] == ["刘小诗"]
    assert [n for n, _ in meta.find_authors("记者了解到，会议将于明天召开。")] == []
    assert [n for n, _ in meta.find_authors("记者从会上获悉，今年将新建学校三所。")] == []
    assert [n for n, _ in meta.find_editors("（责任编辑：隋小意    新闻热线：0000-1111111）")] == ["隋小意"]
    assert [n for n, _ in meta.find_editors("(编辑:龙小燕  校对:杨柳)")] == ["龙小燕", "杨柳"]


def test_lexicon_is_extensible(tmp_path, monkeypatch):
    """A user cue file adds to the bundled lists without touching code."""
    line = "欢迎关注示例号矩阵官方账号"
    assert furniture.classify(line) == furniture.SHORT
    extra = tmp_path / "more.json"
    extra.write_text(json.dumps({"footer": ["示例号矩阵"]}, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("ZHENGWU_KG_FURNITURE", str(extra))
    meta.cues.cache_clear()
    try:
        assert furniture.classify(line) == furniture.FURNITURE
        assert "ICP" in meta.cues()["footer"]
    finally:
        monkeypatch.delenv("ZHENGWU_KG_FURNITURE")
        meta.cues.cache_clear()


def test_traditional_sample_with_pinyin():
    path = SAMPLES / "yunlan-2024-09-12-anquan-traditional.txt"
    [doc] = read_path(str(path))
    raw = path.read_text(encoding="utf-8")
    assert doc.text == raw and "市長(zhǎng)" in raw
    assert "市委副书记、市长韩立新主持会议" in doc.body.text  # simplified, pinyin gone
    assert "(" not in doc.body.text.replace("（", "")
    assert "打好安全生产攻坚战。" in doc.body.text
    i = doc.body.text.index("市长韩立新")
    assert raw[doc.body.origin[i]: doc.body.origin[i] + 2] == "市長"
    assert raw[doc.body.origin[i + 2]] == "韓"  # 韩 maps past the pinyin to 韓
    s, e = doc.body.span(i, i + 5)
    assert raw[s:e] == "市長(zhǎng)韓立新"  # an original span keeps the text as written
    assert doc.meta.title == "全市安全生产工作会议召开"
    assert doc.meta.source == "云岚日报" and doc.meta.authors == ["贺晨"] and doc.meta.editors == ["叶知秋"]
    assert [raw[s:e] for s, e in doc.meta.editor_spans] == ["葉知秋"]


def test_ordinary_brackets_and_simplified_text_untouched():
    text = ("　　本报讯（记者 甲小乙）5月5日，市政务服务(APP)上线。市长某某主持召开会议，会议强调，"
            "要坚持“稳中求进”，市大数据局要抓好平台运维，著名企业代表出席会议。")
    doc = document_from_text(text, "d.txt")
    assert doc.body.text == text.lstrip("\u3000")  # nothing converted, (APP) kept


SAMPLE_FURNITURE = {
    "yunlan-2023-03-14-changweihui.txt": ["许国平", "陈海涛", "青石县春季农业生产", "云岚工匠"],
    "yunlan-2025-02-26-quanhui.txt": ["唐敏走访", "枫林区重点工业项目", "青石县召开春耕"],
}


@pytest.mark.parametrize("name,absent", sorted(SAMPLE_FURNITURE.items()))
def test_sample_furniture_names_never_reach_body(name, absent):
    [doc] = read_path(str(SAMPLES / name))
    for text in absent:
        assert text not in doc.body.text
    assert "ICP" not in doc.body.text and "0000-" not in doc.body.text


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared corpus not present")
def test_corpus_furniture():
    dev07 = read_path(str(SHARED / "dev" / "dev-07-yancheng-epaper-boilerplate.txt"))[0]
    for name in ("孟广涛", "单丽君", "射阳县", "ycnews", "盐城报业传媒集团"):
        assert name not in dev07.body.text
    assert dev07.body.text.startswith("全市生态环境保护督察整改推进会召开\n本报讯")
    seed = read_path(str(SHARED / "seed" / "suizhou-2020-01-29.txt"))[0]
    for name in ("刘先生", "光明左使", "随州论坛", "新闻热线", "隋意"):
        assert name not in seed.body.text
    assert seed.body.text.split("\n")[0] == "陈瑞峰:织密织牢疫情防控网络 坚决遏制疫情向农村扩散"
    assert "陈瑞峰强调" in seed.body.text and "“访议解”党员联户" in seed.body.text
