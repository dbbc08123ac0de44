#!/usr/bin/env python3
"""Screenshots of `kg serve`'s workbench for the docs: docs/img/workbench.png (a cookbook tab run on
the sample articles, Chinese results) and docs/img/workbench-entity.png (an entity page).

    .venv/bin/python scripts/screenshot-workbench.py [--out docs/img] [--build DIR]

Builds data/samples into a temporary folder (or uses --build DIR), serves it on a free loopback
port, and drives Debian's headless Chromium with Playwright (as the browser tests do: requests to
anything but the server are aborted). Each PNG must stay under 300 KB.
"""
from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
MAX_BYTES = 300 * 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    ap.add_argument("--build", type=Path, help="a kg build folder (default: build data/samples now)")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="kg-shot-") as tmp:
        build = args.build
        if build is None:
            build = Path(tmp) / "samples"
            subprocess.run([sys.executable, "-m", "kg.cli", "build", str(ROOT / "data" / "samples"), "--out", str(build),
                            "--no-progress"], cwd=ROOT, check=True)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", str(build), "--port", str(port)], cwd=ROOT)
        try:
            for _ in range(300):
                try:
                    urllib.request.urlopen(url + "/", timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.2)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
                context = browser.new_context(viewport={"width": 1280, "height": 860})
                context.route("**/*", lambda r: r.continue_() if r.request.url.startswith((url, "data:"))
                              else r.abort())
                page = context.new_page()
                page.goto(url + "/")
                page.wait_for_selector(".tabsList a[role=tab]")
                page.click(".tabsList a[role=tab]:has-text('official-posts-timeline')")
                page.evaluate("() => { kgWorkbench.yasgui.getTab().getYasqe().setSize(null, 190); }")
                page.click(".tabPanel.active .yasqe_queryButton")
                page.wait_for_selector(".tabPanel.active .yasr table.dataTable tbody tr")
                page.wait_for_timeout(300)
                shots = {"workbench.png": page.screenshot()}
                # an entity page: 林晓峰 (the first of the co-attendance tab), its relations and ego network
                page.click(".tabsList a[role=tab]:has-text('co-attendance')")
                page.click(".tabPanel.active .yasqe_queryButton")
                page.wait_for_selector(".tabPanel.active .yasr table.dataTable tbody tr")
                page.locator(".tabPanel.active .yasr a.kg-entity-link").first.click()
                page.wait_for_selector("#kg-relations")
                page.locator("#kg-ego-frame").scroll_into_view_if_needed()
                for _ in range(300):
                    frame = next((f for f in page.frames if "/entity/ego" in f.url), None)
                    if frame is not None and frame.evaluate("() => window.kgReady === true"):
                        break
                    page.wait_for_timeout(100)
                page.evaluate("() => document.getElementById('kg-relations').scrollIntoView()")
                page.wait_for_timeout(500)
                shots["workbench-entity.png"] = page.screenshot()
                browser.close()
        finally:
            server.terminate()
            server.wait(10)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, png in shots.items():
        if len(png) > MAX_BYTES:
            print(f"{name}: {len(png)} bytes, over {MAX_BYTES}", file=sys.stderr)
            return 1
        (args.out / name).write_bytes(png)
        print(f"{args.out / name}: {len(png) // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
