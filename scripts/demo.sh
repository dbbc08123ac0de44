#!/usr/bin/env bash
# Set up (scripts/setup.sh) and run the main job on the bundled sample articles in data/samples:
# extraction records in out/records.jsonl and the built graph (RDF, SPARQL store, HTML) in out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/kg extract data/samples -o out/records.jsonl
if .venv/bin/kg build --help >/dev/null 2>&1; then
  .venv/bin/kg build data/samples --out out
fi
