#!/usr/bin/env bash
# Set up what the main job needs (scripts/setup.sh --core) and run it on the bundled sample
# articles in data/samples: the records in out/records.jsonl, and the built graph (graph.json, RDF,
# the Oxigraph SPARQL store, graph.html) in out/. No server is needed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --core
echo "demo: kg extract data/samples -o out/records.jsonl"
.venv/bin/kg extract data/samples -o out/records.jsonl
echo "demo: $(wc -l < out/records.jsonl) records; kg build data/samples --out out"
.venv/bin/kg build data/samples --out out
echo
echo "Built out/ from data/samples. Try:"
echo "  .venv/bin/kg query out 'SELECT ?name WHERE { ?o a <https://w3id.org/zhengwu-kg/ontology#Official> ; <http://www.w3.org/2004/02/skos/core#prefLabel> ?name . FILTER(lang(?name) = \"zh\") } LIMIT 10'"
echo "  .venv/bin/kg serve out     # the workbench (YASGUI) at http://127.0.0.1:7878/, SPARQL at /sparql"
echo "  open out/graph.html"
