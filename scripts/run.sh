#!/usr/bin/env bash
# The main job: executes every notebook in notebooks/ headless with the project's
# GoNB kernel, on the pure-Go backend unless GOMLX_BACKEND says otherwise, into out/
# as executed .ipynb and .html. NEURALART_QUICK=1 selects the small settings.
# While a notebook runs it prints each cell as it starts and the cell's own output lines
# (NEURALART_PROGRESS=0 for one line per notebook), and before each notebook how long its
# last run took.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
ensure_setup
cd "$REPO"

export NEURALART_PROGRESS="${NEURALART_PROGRESS:-1}"
echo "==> executing notebooks/*.ipynb into out/ (GOMLX_BACKEND=$GOMLX_BACKEND, NEURALART_QUICK=${NEURALART_QUICK:-0})"
failed=()
for notebook in notebooks/*.ipynb; do
	if execute_notebook "$notebook" out; then
		jupyter nbconvert --to html --output-dir out "out/$(basename "$notebook")" >/dev/null 2>&1 ||
			echo "warning: could not render out/$(basename "$notebook" .ipynb).html" >&2
	else
		failed+=("$notebook")
	fi
done
if ((${#failed[@]})); then
	echo "failed: ${failed[*]}" >&2
	exit 1
fi
echo "all notebooks ran: results in out/ (open the .html files in a browser)"
