#!/usr/bin/env bash
# Set up everything zhengwu-kg needs on a fresh machine: a virtualenv with the package and all its
# extras, the pkuseg segmentation model (fetched once from PyPI's pkuseg==0.0.25 sdist, cached),
# then each scripts/setup.d/*.sh (system packages and test tooling: browser, fonts, Jena, Neo4j).
#   scripts/setup.sh          everything (what the tests need)
#   scripts/setup.sh --core   only the virtualenv and the model (what `kg build` needs)
# Safe to re-run: every step skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
core_only=0
[ "${1:-}" = "--core" ] && core_only=1
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv ($("$PY" --version))"
  "$PY" -m venv .venv
fi
echo "setup: installing zhengwu-kg (editable) with all extras into .venv"
.venv/bin/python -m pip install -q --upgrade pip setuptools wheel numpy
.venv/bin/python -m pip install -q -e ".[all]"
echo "setup: $(.venv/bin/kg --version) installed; checking the segmentation model"
.venv/bin/kg setup
[ "$core_only" = 1 ] && exit 0
for step in scripts/setup.d/*.sh; do
  [ -e "$step" ] || continue
  echo "setup: $step"
  bash "$step"
done
