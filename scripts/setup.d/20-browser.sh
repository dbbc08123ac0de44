#!/usr/bin/env bash
# Headless browser for the viz tests (tests/test_viz_*.py) and bench/bench_viz.py: Debian's
# chromium driven by the Playwright python package (in the test extra) through executable_path,
# plus a CJK font so Chinese labels render as glyphs, not boxes. Never `playwright install`
# (browser downloads are not reachable here). Idempotent: skips fast when everything is present.
set -euo pipefail

have_font() { fc-list 2>/dev/null | grep -qiE 'WenQuanYi|Noto Sans CJK|Noto Serif CJK'; }

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v fc-list >/dev/null 2>&1 || missing+=(fontconfig)
if ! have_font; then missing+=(fonts-wqy-microhei); fi
# WenQuanYi draws third-tone pinyin vowels as blanks; the page puts DejaVu Sans before it for Latin
fc-list 2>/dev/null | grep -q 'DejaVu Sans' || missing+=(fonts-dejavu-core)

if [ ${#missing[@]} -eq 0 ]; then
  echo "20-browser: chromium and a CJK font already present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "20-browser: need root (or sudo) to install: ${missing[*]}" >&2; exit 1
  fi
fi
echo "20-browser: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
command -v fc-cache >/dev/null 2>&1 && fc-cache -f >/dev/null 2>&1 || true
[ -x /usr/bin/chromium ] || { echo "20-browser: /usr/bin/chromium still missing after install" >&2; exit 1; }
have_font || { echo "20-browser: no CJK font found after install" >&2; exit 1; }
echo "20-browser: done"
