"""HTML reading: body found among page parts, offsets into the raw source, metadata."""
from __future__ import annotations

from pathlib import Path

import pytest

from extract import html
from extract.read import ReadError, read_path

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data" / "samples" / "yunlan-2024-01-16-yingshang-portal.html"
DEV08 = REPO.parent / "shared" / "corpus" / "dev" / "dev-08-hanzhong-portal.html"

TABLE_PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>县委常委会召开会议</title></head><body>
<table><tr><td class="nav"><a href="/">首页</a> | <a href="/x">新闻</a> | <a href="/y">公告</a></td></tr>
<tr><td><font size=4><b>县委常委会召开会议</b></font><br>发布日期：2022年3月5日&nbsp;&nbsp;信息来源：示例县融媒体中心<br><br>
&nbsp;&nbsp;&nbsp;&nbsp;3月4日，县委常委会召开会议，县委书记陈小刚主持会议并讲话。县委副书记、县长吴小敏等出席会议。<br>
&nbsp;&nbsp;&nbsp;&nbsp;会议强调，要深入实施&#x201c;乡村振兴战略&#x201D;，县农业农村局要抓好春耕生产，确保粮食安全。<br>
（责任编辑：王小二）</td></tr>
<tr><td>Copyright 2022 示例县人民政府 ICP备0000号 联系人：孙小丽</td></tr></table></body></html>"""

ARTICLE_PAGE = """<!doctype html><html><head><title>市长王小明调研重点项目 - 示例网</title>
<script>var s = "<p>不是正文，市长出席会议并讲话。</p>";</script><style>p { color: red }</style></head><body>
<header><a href="/">示例网</a></header>
<div id="side"><ul><li><a href="/1">李小华出席全市大会并讲话，强调要抓好落实</a></li>
<li><a href="/2">赵小强调研企业，要求各部门优化服务</a></li></ul></div>
<!-- a comment: 周小末出席会议 -->
<article><h2>市长王小明调研重点项目</h2><p>5月3日，市委副书记、市长王小明到重点项目现场调研，副市长刘小芳陪同。</p>
<p>王小明强调，要坚持&ldquo;项目为王&rdquo;，加快推进建设进度&#8230;市发改委要做好协调&amp;服务。</p></article>
<footer>版权所有 联系人：孙小丽 电话：0000-1111111</footer></body></html>"""


def check_offsets(src: str, body) -> int:
    n = 0
    for i, c in enumerate(body.text):
        o = body.origin[i]
        if c == "\n":
            continue
        if src[o] == "&":  # a character reference maps to its '&'
            end = src.index(";", o)
            assert html.unescape(src[o:end + 1]) in (c, "\u00a0") or c == " "
        else:
            assert src[o] == c or (c == " " and src[o] in " \t\r\n\u3000\u00a0"), (i, c, src[o])
        n += 1
    return n


def test_sample_portal_page():
    [doc] = read_path(str(SAMPLE))
    src = SAMPLE.read_text(encoding="utf-8")
    assert doc.text == src
    body = doc.body.text
    assert body.startswith("全市优化营商环境大会召开\n1月16日，全市优化营商环境大会召开。")
    assert "树牢“人人都是营商环境”的理念" in body  # &ldquo; &rdquo; decoded
    for furniture_text in ("无障碍", "当前位置", "分享到", "相关阅读", "邓慧敏带队", "方志远", "ICP", "var pv"):
        assert furniture_text not in body
    assert "编辑" not in body  # the byline goes to metadata, not to the body
    m = doc.meta
    assert m.title == "全市优化营商环境大会召开"
    assert m.published == "2024-01-16T17:05"
    assert m.source == "云岚市人民政府办公室"
    assert m.url == "http://www.yunlan.example/zwdt/202401/t20240116_3301.html"
    assert m.editors == ["叶知秋", "骆一鸣"] and m.authors == []
    assert [src[s:e] for s, e in m.editor_spans] == ["叶知秋", "骆一鸣"]
    assert check_offsets(src, doc.body) > 250
    # a quote's character reference maps to its '&' in the source
    i = body.index("“无事不扰”")
    assert src[doc.body.origin[i]: doc.body.origin[i] + 7] == "&ldquo;"


def test_generic_article_element_and_dropped_parts():
    body, meta = html.extract(ARTICLE_PAGE)
    assert body.text == (
        "市长王小明调研重点项目\n5月3日，市委副书记、市长王小明到重点项目现场调研，副市长刘小芳陪同。\n"
        "王小明强调，要坚持“项目为王”，加快推进建设进度…市发改委要做好协调&服务。"
    )
    assert meta.title == "市长王小明调研重点项目"  # the headline beats the cut <title>
    assert meta.published == "--05-03"  # no page date: the text's month-day
    check_offsets(ARTICLE_PAGE, body)


def test_table_layout_with_br_paragraphs_and_declared_gb2312(tmp_path):
    path = tmp_path / "table.htm"
    path.write_bytes(TABLE_PAGE.encode("gb2312"))
    [doc] = read_path(str(path))
    assert doc.encoding == "gb18030"
    assert doc.text == TABLE_PAGE
    lines = doc.body.text.split("\n")
    assert lines[0] == "县委常委会召开会议"
    assert lines[1].startswith("3月4日，县委常委会召开会议")  # &nbsp; indentation trimmed
    assert "“乡村振兴战略”" in lines[2]
    assert "孙小丽" not in doc.body.text and "首页" not in doc.body.text
    assert doc.meta.published == "2022-03-05" and doc.meta.source == "示例县融媒体中心"
    assert doc.meta.editors == ["王小二"]
    check_offsets(TABLE_PAGE, doc.body)


def test_traditional_html_with_pinyin():
    src = ("<html><head><meta name='ArticleTitle' content='縣長(zhǎng)主持召開會議'></head><body><div class='content'>"
           "<p>3月1日，縣委副書記、縣長(zhǎng)李小龍主持召開縣政府常務會議，副縣長王小虎出席會議。</p>"
           "<p>會議強調，要打好污染防治攻堅戰(zhàn)，縣生態環境局要加強巡查。</p></div></body></html>")
    body, meta = html.extract(src)
    assert meta.title == "县长主持召开会议"
    assert "县长李小龙主持召开县政府常务会议" in body.text
    assert "攻坚战，县生态环境局要加强巡查" in body.text
    i = body.text.index("县长李小龙")
    assert src[body.origin[i]: body.origin[i] + 2] == "縣長"
    assert src[body.origin[i + 2]] == "李"  # the pinyin between 長 and 李 is skipped


@pytest.mark.parametrize("src", [
    "<html><body><nav><a href='/'>首页</a></nav><div class='footer'>版权所有 ICP备0000号</div></body></html>",
    "<html><head><title>只有标题</title></head><body></body></html>",
    "<html><body><script>document.write('市长出席会议并讲话，会议强调要抓好落实工作。')</script></body></html>",
])
def test_no_body(tmp_path, src):
    with pytest.raises(html.NoBodyError):
        html.extract(src)
    path = tmp_path / "x.html"
    path.write_text(src, encoding="utf-8")
    with pytest.raises(ReadError) as exc:
        read_path(str(path))
    assert "no body text" in exc.value.reason and exc.value.path == str(path)


@pytest.mark.skipif(not DEV08.exists(), reason="../shared corpus not present")
def test_dev_portal_page():
    [doc] = read_path(str(DEV08))
    assert doc.meta.title == "全市秋冬季森林防火和地质灾害防治工作会议召开"
    assert doc.meta.published == "2023-09-26T17:20"
    assert doc.meta.editors == ["罗佳"]
    assert "我市启动2023年国家网络安全宣传周活动" not in doc.body.text  # related links
    assert "汉中市大数据中心" not in doc.body.text  # footer
    assert check_offsets(doc.text, doc.body) > 500
