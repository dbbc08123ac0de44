#!/usr/bin/env bash
# Reproduce kg/static/yasgui/ (the SPARQL editor of `kg serve`'s workbench page) from the npm registry.
#
# Run at development time only, by whoever upgrades YASGUI; the files it writes are committed and
# ship in the wheel as package data, so `kg serve` never fetches anything (docs/workbench.md).
#
#   scripts/vendor-yasgui.sh            # @zazuko/yasgui at the pinned version below
#
# What it does:
#   1. `npm pack` the pinned @zazuko/yasgui tarball and check it against the pinned sha512 integrity
#      (the registry's own `dist.integrity` when this version was vendored);
#   2. copy build/yasgui.min.js and build/yasgui.min.css out of it, with the trailing
#      `sourceMappingURL` comment removed (the 3.6 MB source map is not shipped; the comment would only
#      make a browser's developer tools ask our server for it);
#   3. `npm install` the same version into a scratch folder (no scripts run) to read the licences of
#      the packages its bundle is built from, and write LICENSE (YASGUI's MIT licence: the package
#      declares MIT in package.json but ships no licence file) and THIRD-PARTY-LICENSES.txt;
#   4. write VERSION (name, version, integrity, sha256 of the shipped files).
# Needs node/npm and python3. Nothing outside kg/static/yasgui/ is changed.
set -euo pipefail

PACKAGE="@zazuko/yasgui"
VERSION="4.6.2"
INTEGRITY="sha512-Zw45KdPoAE1KRaAoxIHdQqeJxvaVG1oQdntw0hy0ktX35Zu8ZccuOLrXCLwR+GU+0xMzLw8Mjw6BkSZV2vUuQw=="

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/kg/static/yasgui"
command -v npm >/dev/null || { echo "vendor-yasgui: npm not found (apt-get install npm)" >&2; exit 1; }
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

echo "vendor-yasgui: fetching $PACKAGE@$VERSION"
(cd "$TMP" && npm pack --silent "$PACKAGE@$VERSION" >/dev/null)
TARBALL="$(ls "$TMP"/*.tgz)"
GOT="sha512-$(openssl dgst -sha512 -binary "$TARBALL" | base64 -w0)"
if [ "$GOT" != "$INTEGRITY" ]; then
  echo "vendor-yasgui: $TARBALL has integrity $GOT, expected $INTEGRITY" >&2
  exit 1
fi
mkdir -p "$TMP/pkg"
tar -xzf "$TARBALL" -C "$TMP/pkg"

echo "vendor-yasgui: reading the licences of its dependencies (npm install --ignore-scripts)"
mkdir -p "$TMP/deps"
(cd "$TMP/deps" && npm init -y >/dev/null && \
  npm install --silent --ignore-scripts --no-audit --no-fund --omit=dev "$PACKAGE@$VERSION" >/dev/null)

mkdir -p "$DEST"
python3 - "$TMP/pkg/package" "$TMP/deps/node_modules" "$DEST" "$PACKAGE" "$VERSION" "$INTEGRITY" <<'PY'
import hashlib, json, re, sys
from pathlib import Path

pkg, modules, dest, name, version, integrity = sys.argv[1:]
pkg, modules, dest = Path(pkg), Path(modules), Path(dest)

def strip_map(text: str) -> str:
    return re.sub(r"\n?//# sourceMappingURL=\S+\s*$", "\n", text)

for f in ("yasgui.min.js", "yasgui.min.css"):
    text = (pkg / "build" / f).read_text(encoding="utf-8")
    (dest / f).write_text(strip_map(text) if f.endswith(".js") else text, encoding="utf-8", newline="")

meta = json.loads((pkg / "package.json").read_text(encoding="utf-8"))
authors = [meta.get("author") or ""] + [c.get("name", "") for c in meta.get("contributors", [])]
(dest / "LICENSE").write_text(f"""The MIT License (MIT)

{name} {version} ({meta.get('homepage', '')}): "license": "{meta['license']}" in its package.json;
the package ships no licence file. Authors: {', '.join(a for a in authors if a)}.

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
THE SOFTWARE.

Third-party code inside yasgui.min.js and yasgui.min.css: THIRD-PARTY-LICENSES.txt.
""", encoding="utf-8")

parts = [f"Packages {name} {version} depends on at run time (npm install --omit=dev of that version), whose\n"
         "code its bundle contains, with their licences. Type-only packages (@types/*) are left out.\n"]
for pj in sorted(modules.glob("**/package.json")):
    d = pj.parent
    rel = d.relative_to(modules).as_posix()
    if "/node_modules/" not in "/" + rel + "/" and rel.count("/") > (1 if rel.startswith("@") else 0):
        continue  # a package.json inside a package's own folders (dist/, es/), not a package
    try:
        info = json.loads(pj.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        continue
    if not info.get("name") or not info.get("version") or info["name"].startswith("@types/"):
        continue
    lic = info.get("license") or info.get("licenses") or "UNKNOWN"
    if isinstance(lic, list):
        lic = " OR ".join(x.get("type", "?") if isinstance(x, dict) else str(x) for x in lic)
    elif isinstance(lic, dict):
        lic = lic.get("type", "?")
    files = sorted(p for p in d.iterdir() if p.is_file() and re.match(r"(?i)^(licen[cs]e|copying|notice)", p.name))
    parts.append("=" * 78 + f"\n{info['name']} {info['version']} — {lic}\n" + "=" * 78)
    for f in files:
        parts.append(f.read_text(encoding="utf-8", errors="replace").strip() + "\n")
    if not files:
        parts.append("(no licence file in the package; licence as declared above)\n")
(dest / "THIRD-PARTY-LICENSES.txt").write_text("\n".join(parts), encoding="utf-8")

sums = {f: hashlib.sha256((dest / f).read_bytes()).hexdigest() for f in ("yasgui.min.js", "yasgui.min.css")}
(dest / "VERSION").write_text(f"{name} {version}\nintegrity {integrity}\n" +
                              "".join(f"sha256 {h}  {f}\n" for f, h in sums.items()), encoding="utf-8")
PY
du -b "$DEST"/* | sort -k2
echo "vendor-yasgui: wrote $DEST"
