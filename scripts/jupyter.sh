#!/usr/bin/env bash
# Opens Jupyter on notebooks/ with the project's GoNB kernel, "Go (neuralart)".
# Extra arguments go to Jupyter, e.g. scripts/jupyter.sh --no-browser --port 8899.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
ensure_setup
cd "$REPO/notebooks"
exec jupyter notebook "$@"
