#!/usr/bin/env bash
# Set up (scripts/setup.sh) and run the whole test suite, real-server and browser tests included.
# Extra arguments go to pytest, e.g. `scripts/test.sh -m "not slow"` to skip the slow ones locally.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m pytest -ra "$@"
