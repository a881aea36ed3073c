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
	[ -x "$REPO/bin/gonb" ] && [ -x "$REPO/bin/goimports" ] && [ -x "$REPO/bin/gopls" ] && [ -x "$REPO/bin/nbcheck" ] &&
		[ -f "$REPO/.jupyter/kernels/neuralart/kernel.json" ] && [ -f "$REPO/go.work" ] &&
		jupyter_present
}

# jupyter_present reports whether Jupyter, with nbconvert and kernelspec, is installed.
jupyter_present() {
	command -v jupyter >/dev/null 2>&1 && jupyter nbconvert --version >/dev/null 2>&1 &&
		jupyter kernelspec --version >/dev/null 2>&1
}

ensure_setup() {
	setup_done || "$REPO/scripts/setup.sh"
}

# execute_notebook NOTEBOOK OUTDIR [nbcheck flags...]: runs the notebook headless with the
# project's kernel into OUTDIR/NAME.ipynb, then prints its report line (time, cells, images)
# and fails naming the cell of the first error. Each run gets an empty TMPDIR, so nothing a
# notebook left in its temporary directory (checkpoints it would resume from, say) carries
# over from an earlier run.
execute_notebook() {
	local notebook=$1 outdir=$2
	shift 2
	local start=$SECONDS log scratch
	log="$outdir/$(basename "$notebook" .ipynb).log"
	mkdir -p "$outdir"
	# Outside the repository: GoNB makes its own go.work in TMPDIR.
	scratch=$(mktemp -d "${TMPDIR:-/tmp}/neuralart-$(basename "$notebook" .ipynb).XXXXXX")
	if ! TMPDIR="$scratch" jupyter nbconvert --to notebook --execute --allow-errors --ExecutePreprocessor.kernel_name=neuralart \
		--ExecutePreprocessor.timeout=3600 --output-dir "$outdir" "$notebook" >"$log" 2>&1; then
		echo "FAIL: $notebook: jupyter nbconvert failed; its log, $log, ends with:" >&2
		tail -n 20 "$log" >&2
		rm -rf "$scratch"
		return 1
	fi
	rm -rf "$scratch"
	nbcheck -took "$((SECONDS - start))s" "$@" "$outdir/$(basename "$notebook")"
}
