"""The workbench of `kg serve` in a real headless Chromium (Debian's, driven by Playwright), against a
real server on 127.0.0.1 with every other request aborted: the page loads with no request leaving
it, no console error and no CSP violation; a cookbook tab runs and shows Chinese rows; an entity
link opens its page with evidence sentences and its ego network; hostile labels stay text; a
rebuild under the running server is what the next query sees.

Screenshots go to tests/artifacts/ (gitignored); docs/img/workbench.png comes from
scripts/screenshot-workbench.py."""
from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from _kg_builds import Server, samples_build
from viz_support import ARTIFACTS, BASE, XSS_LABEL, XSS_SENTENCE, chromium
from workbench_support import hostile_build, open_served, outside, records_build

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def samples_server():
    server = Server(samples_build(), "--workers", "2")
    yield server
    server.stop()


def wait_js(target, expression: str, arg=None, timeout: float = 30.0) -> None:
    """Poll ``expression`` (a JS function of ``arg``) in a page or frame until it is truthy. Not
    Playwright's wait_for_function: that evaluates its predicate with eval(), which our CSP refuses."""
    deadline = time.monotonic() + timeout
    while not target.evaluate(expression, arg):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        time.sleep(0.05)


def open_workbench(browser, server: Server):
    page, log = open_served(browser, server.url + "/")
    wait_js(page, "() => window.kgWorkbench && document.querySelectorAll('.tabsList .tab').length > 1")
    return page, log


def ego_frame(page):
    """The entity page's ego-network frame, once its graph is drawn."""
    page.locator("#kg-ego-frame").scroll_into_view_if_needed()
    deadline = time.monotonic() + 30
    while (frame := next((f for f in page.frames if "/entity/ego?iri=" in f.url), None)) is None:
        assert time.monotonic() < deadline, "no ego frame"
        page.wait_for_timeout(100)
    wait_js(frame, "() => window.kgReady === true")
    return frame


def run_tab(page, name: str | None = None, query: str | None = None) -> list[list[str]]:
    """Select tab ``name`` (or stay), optionally set its query, run it, and return the table's rows."""
    if name:
        page.click(f".tabsList a[role=tab]:has-text('{name}')")
        wait_js(page, "n => kgWorkbench.yasgui.getTab().getName() === n", name)
    if query is not None:
        page.evaluate("q => { kgWorkbench.yasgui.getTab().setQuery(q); }", query)
    page.evaluate("window.__drawn = false; kgWorkbench.yasgui.getTab().getYasr().once('drawn', () => { window.__drawn = true; })")
    page.click(".tabPanel.active .yasqe_queryButton")
    wait_js(page, "() => window.__drawn === true")
    return page.eval_on_selector_all(
        ".tabPanel.active .yasr table.dataTable tbody tr",
        "trs => trs.map(tr => Array.from(tr.querySelectorAll('td')).map(td => td.innerText.trim()))")


def clean(page, log, origin: str) -> None:
    assert outside(log, origin) == [] and log.blocked == []
    assert log.errors == []
    assert page.evaluate("window.__csp") == []


def shoot(page, name: str, full_page: bool = False) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"workbench-{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def test_the_workbench_loads_offline_without_errors(browser, samples_server):
    page, log = open_workbench(browser, samples_server)
    names = page.eval_on_selector_all(".tabsList a[role=tab] span", "els => els.map(e => e.textContent)")
    cookbook = sorted(p.stem for p in (Path(__file__).resolve().parents[1] / "loaders" / "queries").glob("*.rq"))
    assert names == ["example", *cookbook]
    assert page.evaluate("kgWorkbench.endpoint") == samples_server.url + "/sparql"
    assert page.evaluate("kgWorkbench.yasgui.getTab().getYasqe().getPrefixesFromQuery().zw") == \
        "https://w3id.org/zhengwu-kg/ontology#"
    fonts = page.evaluate("getComputedStyle(document.querySelector('.yasgui')).fontFamily")
    assert "WenQuanYi Micro Hei" in fonts and "Noto Sans CJK SC" in fonts
    zh = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    assert "WenQuanYi Micro Hei" in zh or "Noto Sans CJK SC" in zh, "no CJK font: Chinese would be boxes"
    # typing a prefixed name adds our PREFIX line (our prefixes are known to the editor), with no request
    page.evaluate("() => { kgWorkbench.yasgui.getTab().setQuery('SELECT * WHERE { ?s a '); }")
    page.click(".tabPanel.active .CodeMirror")
    page.keyboard.press("Control+End")
    page.keyboard.type("official:")
    wait_js(page, "() => kgWorkbench.yasgui.getTab().getYasqe().getValue().includes('PREFIX official:')")
    page.wait_for_timeout(300)
    clean(page, log, samples_server.url)
    page.context.close()


def test_a_shared_link_opens_its_query_against_this_endpoint_only(browser, samples_server):
    from urllib.parse import urlencode

    link = urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "tabTitle": "shared",
                      "endpoint": "https://elsewhere.example/sparql"})
    page, log = open_served(browser, f"{samples_server.url}/#{link}")
    wait_js(page, "() => window.kgWorkbench && document.querySelectorAll('.tabsList .tab').length > 1")
    assert page.evaluate("kgWorkbench.yasgui.getTab().getName()") == "shared"
    assert page.evaluate("kgWorkbench.yasgui.getTab().getEndpoint()") == samples_server.url + "/sparql"
    rows = run_tab(page)
    assert len(rows) == 1 and rows[0][1].endswith("xsd:integer")
    clean(page, log, samples_server.url)
    page.context.close()


def test_a_cookbook_tab_runs_and_shows_chinese_rows(browser, samples_server):
    page, log = open_workbench(browser, samples_server)
    rows = run_tab(page, "co-attendance")
    assert len(rows) > 10
    text = page.inner_text(".tabPanel.active .yasr_results")
    assert "林晓峰" in text and "韩立新" in text and "official:" in text  # IRIs shown with our prefixes
    font = page.evaluate("getComputedStyle(document.querySelector('.tabPanel.active .yasr td .nonIri')).fontFamily")
    assert "WenQuanYi Micro Hei" in font
    # our entities link to their page here; every other IRI (xsd:integer) became text
    links = page.eval_on_selector_all(".tabPanel.active .yasr_results a",
                                      "as => as.map(a => [a.getAttribute('href'), a.dataset.kg || ''])")
    entity_links = [h for h, kind in links if kind == "entity"]
    assert entity_links and all(h.startswith("/entity?iri=https%3A%2F%2Fw3id.org%2Fzhengwu-kg%2Fid%2Fofficial%2F")
                                for h in entity_links)
    assert [h for h, kind in links if kind != "entity"] == []
    assert page.eval_on_selector_all(".tabPanel.active .kg-plain-iri", "s => s.length") > 0
    shoot(page, "co-attendance")
    # another tab, with posts and jurisdictions
    rows = run_tab(page, "official-posts-timeline")
    assert any("市委书记" in cell for row in rows for cell in row)
    clean(page, log, samples_server.url)
    page.context.close()


def test_an_entity_link_opens_its_page_with_evidence_and_ego_network(browser, samples_server):
    page, log = open_workbench(browser, samples_server)
    run_tab(page, "co-attendance")
    first = page.locator(".tabPanel.active .yasr_results a.kg-entity-link").first
    iri = first.get_attribute("title")
    with page.expect_navigation():
        first.click()
    assert page.url.startswith(samples_server.url + "/entity?iri=")
    assert page.locator("code.kg-iri").inner_text() == iri
    label = page.inner_text("#kg-label")
    assert "林晓峰" in label and "Lín Xiǎofēng" in label
    sentences = page.eval_on_selector_all("#kg-relations .kg-sentence", "qs => qs.map(q => q.innerText)")
    assert len(sentences) >= 5 and all("。" in s or "，" in s for s in sentences)
    assert any("林晓峰" in s for s in sentences)
    assert page.locator("#kg-posts td.kg-post-title").count() > 0
    frame = ego_frame(page)
    counts = frame.evaluate("kgView.counts()")
    assert counts["nodes"] >= 2 and counts["edges"] >= 1
    assert frame.evaluate("kgView.page.nodeInfo[kgView.page.focus].iri") == iri
    assert frame.evaluate("window.__csp") == []
    shoot(page, "entity", full_page=True)
    # a link on the entity page opens another entity page
    page.evaluate("() => window.scrollTo(0, 0)")
    target = page.locator("#kg-relations a").first
    href = target.get_attribute("href")
    target.click()
    deadline = time.monotonic() + 30
    while page.url != f"{samples_server.url}/{href}" or page.locator("#kg-label").count() != 1:
        assert time.monotonic() < deadline, page.url
        page.wait_for_timeout(100)
    assert "/entity?iri=" in page.url and page.locator("#kg-label").count() == 1
    clean(page, log, samples_server.url)
    page.context.close()


def test_hostile_labels_stay_text_on_entity_pages_and_in_the_ego_network(browser):
    server = Server(hostile_build(), "--workers", "1")
    try:
        page, log = open_served(browser, f"{server.url}/entity?iri={BASE}official/chen")
        assert XSS_SENTENCE in page.inner_text("#kg-relations")
        assert XSS_LABEL in page.inner_text("#kg-relations")
        assert page.locator("main img, main b, main script").count() == 0
        frame = ego_frame(page)
        frame.evaluate("kgView.runSearch('坏')")
        page.wait_for_timeout(300)
        assert page.evaluate("window.__pwned") is None and frame.evaluate("window.__pwned") is None
        assert frame.locator("#kg-details img, #kg-details b").count() == 0
        clean(page, log, server.url)
        page.context.close()
    finally:
        server.stop()


def test_a_rebuild_during_serving_is_picked_up(browser, tmp_path):
    out = records_build(tmp_path / "out", ("a", "b", "c"))
    server = Server(out, "--workers", "2")
    try:
        page, log = open_workbench(browser, server)
        query = ("PREFIX zw: <https://w3id.org/zhengwu-kg/ontology#>\nPREFIX dcterms: <http://purl.org/dc/terms/>\n"
                 "SELECT ?id ?title WHERE { ?a a zw:Article ; dcterms:identifier ?id ; dcterms:title ?title } ORDER BY ?id")
        rows = run_tab(page, None, query)
        assert [r[1] for r in rows] == ['doc-a', 'doc-b', 'doc-c']
        records_build(out, ("a", "b", "c", "d"))  # kg build into the folder being served
        rows = run_tab(page, None, query)
        assert [r[1] for r in rows] == ['doc-a', 'doc-b', 'doc-c', 'doc-d']
        assert "市委常委会召开会议" in page.inner_text(".tabPanel.active .yasr_results")
        clean(page, log, server.url)
        page.context.close()
    finally:
        server.stop()
