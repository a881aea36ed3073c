#!/usr/bin/env bash
# Installs everything the notebooks and tests need, idempotently:
# Jupyter (the distribution's packages), gonb, goimports and gopls (built into bin/
# from the versions pinned in scripts/tools/go.mod), go.work, and the project's GoNB
# kernel spec in a project-local Jupyter data directory (.jupyter/).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$REPO"

command -v go >/dev/null || {
	echo "Go is not installed: get Go 1.26 or newer from https://go.dev/dl/ and run this again." >&2
	exit 1
}

install_jupyter() {
	local packages=(jupyter-nbconvert python3-nbclient jupyter-core jupyter-client jupyter-notebook)
	if ! command -v apt-get >/dev/null 2>&1; then
		cat >&2 <<-MSG
			apt-get not found: this script installs Jupyter on Debian/Ubuntu only.
			Install these yourself, then run scripts/setup.sh again:
			  - Jupyter with nbconvert and nbclient, e.g. 'pip install notebook nbconvert nbclient'
			    or on macOS 'brew install jupyterlab';
		MSG
		return 1
	fi
	local sudo=()
	if [ "$(id -u)" != 0 ]; then
		command -v sudo >/dev/null || {
			echo "Installing Jupyter needs root: run as root, or install sudo, or run: apt-get install ${packages[*]}" >&2
			return 1
		}
		sudo=(sudo)
	fi
	"${sudo[@]}" apt-get update -qq
	DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
}

build_tools() {
	mkdir -p bin
	# The notebook tools are a module of their own (see scripts/tools/go.mod); the
	# repository's go.work, which lists only the library, must not apply to it.
	(cd scripts/tools && GOWORK=off go build -o "$REPO/bin/" tool) &&
		go build -o bin/ ./scripts/nbcheck
}

write_go_work() {
	[ -f go.work ] || go work init .
}

install_kernel() {
	local dir=.jupyter/kernels/neuralart go_dir
	go_dir=$(dirname "$(command -v go)")
	mkdir -p "$dir" .jupyter/logs
	# GOEXPERIMENT (simd added by lib/common.sh): GoNB builds every cell with it, so
	# the notebooks get the AVX2 matrix products however Jupyter was started.
	sed -e "s|@REPO@|$REPO|g" -e "s|@PATH@|$REPO/bin:$go_dir:$(go env GOPATH)/bin:/usr/local/bin:/usr/bin:/bin|g" \
		-e "s|@GOEXPERIMENT@|$GOEXPERIMENT|g" kernels/neuralart/kernel.json.in >"$dir/kernel.json.tmp"
	if grep -q '@[A-Z]*@' "$dir/kernel.json.tmp" || ! python3 -m json.tool "$dir/kernel.json.tmp" >/dev/null; then
		echo "$dir/kernel.json.tmp: kernels/neuralart/kernel.json.in was not filled in into valid JSON" >&2
		return 1
	fi
	mv "$dir/kernel.json.tmp" "$dir/kernel.json"
	# The whole list first: grep -q stops reading at its match, and jupyter then
	# dies of a broken pipe, which pipefail would report as a missing kernel.
	local kernels
	kernels=$(jupyter kernelspec list) && grep -q '^ *neuralart ' <<<"$kernels" || {
		echo "Jupyter does not see the neuralart kernel in $REPO/.jupyter" >&2
		return 1
	}
}

start=$SECONDS
if jupyter_present; then echo "==> Jupyter: already installed"; else step "Jupyter from the distribution's packages" install_jupyter; fi
step "gonb, goimports, gopls (versions pinned in scripts/tools/go.mod) and nbcheck into bin/" build_tools
step "go.work" write_go_work
step "GoNB kernel spec 'Go (neuralart)' into .jupyter/" install_kernel
echo "setup finished in $((SECONDS - start))s"
