# Shared by the scripts in this directory: paths, the Jupyter environment and timing.
# shellcheck shell=bash
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export REPO
export PATH="$REPO/bin:$PATH"
export JUPYTER_PATH="$REPO/.jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
# Notebooks run on the pure-Go backend unless the user picks another.
# Go 1.26's SIMD experiment lets pkg/backend multiply matrices with an AVX2 kernel,
# 3-8x faster than without (see docs/architecture.md); the code checks the CPU at run time.
case ",${GOEXPERIMENT:-}," in *,simd,*) ;; *) export GOEXPERIMENT="${GOEXPERIMENT:+$GOEXPERIMENT,}simd" ;; esac
# Jupyter's Python debugger warns about frozen modules on every start; it is noise here.
export PYDEVD_DISABLE_FILE_VALIDATION=1
export GOMLX_BACKEND="${GOMLX_BACKEND:-neuralart}"

# step "description" command...: runs a command, printing what it does and how long it took.
step() {
	local what=$1
	shift
	local start=$SECONDS
	printf '==> %s\n' "$what"
	"$@" || {
		printf 'FAILED: %s\n' "$what" >&2
		return 1
	}
	printf '    done in %ds\n' $((SECONDS - start))
}

# setup_done reports whether scripts/setup.sh has already installed everything.
setup_done() {
	local tool
	for tool in gonb goimports gopls nbcheck; do [ -x "$REPO/bin/$tool" ] || return 1; done
	[ -f "$REPO/.jupyter/kernels/neuralart/kernel.json" ] && [ -f "$REPO/go.work" ] && jupyter_present
}

# jupyter_present reports whether Jupyter, with nbconvert and kernelspec, is installed.
jupyter_present() {
	command -v jupyter >/dev/null 2>&1 && jupyter nbconvert --version >/dev/null 2>&1 &&
		jupyter kernelspec --version >/dev/null 2>&1
}

ensure_setup() {
	setup_done || "$REPO/scripts/setup.sh"
}

# jupyter_python prints the Python interpreter that runs `jupyter` (its script's #! line),
# the one that has nbconvert and nbclient.
jupyter_python() {
	local shebang
	shebang=$(sed -n '1s/^#! *//p' "$(command -v jupyter)")
	# shellcheck disable=SC2086 # split "#!/usr/bin/env python3" into its words
	set -- $shebang
	case $1 in */env) echo "${2:-python3}" ;; "") echo python3 ;; *) echo "$1" ;; esac
}

# execute_notebook NOTEBOOK OUTDIR [nbcheck flags...]: runs the notebook headless with the
# project's kernel into OUTDIR/NAME.ipynb (scripts/lib/execute_notebook.py: nbconvert's executor,
# the same output file), then prints its report line (time, cells, images) and fails naming the
# cell of the first error. With NEURALART_PROGRESS=1 it first says how long the notebook's last
# run took (kept in OUTDIR/.run-times, per mode and backend) and then prints each cell as it
# starts and the cell's own output lines as they arrive; otherwise those go to OUTDIR/NAME.log.
# Each run gets an empty TMPDIR, so nothing a notebook left in its temporary directory
# (checkpoints it would resume from, say) carries over from an earlier run.
execute_notebook() {
	local notebook=$1 outdir=$2
	shift 2
	local start=$SECONDS name log scratch times key last status=0
	name=$(basename "$notebook" .ipynb)
	log="$outdir/$name.log"
	times="$outdir/.run-times"
	key="$name quick=${NEURALART_QUICK:-0} backend=${GOMLX_BACKEND:-auto}"
	mkdir -p "$outdir"
	if [ "${NEURALART_PROGRESS:-0}" = 1 ]; then
		last=$(grep -F "$key " "$times" 2>/dev/null | tail -n 1 | awk '{print $NF}')
		printf '==> %s (last run: %s)\n' "$notebook" "${last:-none recorded}"
	fi
	# Outside the repository: GoNB makes its own go.work in TMPDIR.
	scratch=$(mktemp -d "${TMPDIR:-/tmp}/neuralart-$name.XXXXXX")
	# No browser runs the widgets of a headless run: interactive cells render
	# their defaults at once instead of probing for a front-end.
	local headless=NEURALART_HEADLESS=1
	if [ "${NEURALART_PROGRESS:-0}" = 1 ]; then
		env "$headless" TMPDIR="$scratch" "$(jupyter_python)" "$REPO/scripts/lib/execute_notebook.py" "$notebook" "$outdir" 2>"$log" || status=$?
	else
		env "$headless" TMPDIR="$scratch" "$(jupyter_python)" "$REPO/scripts/lib/execute_notebook.py" --quiet "$notebook" "$outdir" >"$log" 2>&1 || status=$?
	fi
	rm -rf "$scratch"
	if [ "$status" != 0 ]; then
		echo "FAIL: $notebook: executing it failed; its log, $log, ends with:" >&2
		tail -n 20 "$log" >&2
		return 1
	fi
	{ grep -vF "$key " "$times" 2>/dev/null; printf '%s %ds\n' "$key" $((SECONDS - start)); } >"$times.new" && mv "$times.new" "$times"
	nbcheck -took "$((SECONDS - start))s" "$@" "$outdir/$name.ipynb"
}
