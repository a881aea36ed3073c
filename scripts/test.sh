#!/usr/bin/env bash
# Runs every test: gofmt, go vet, go test ./... (its -json events summarised by
# scripts/testreport), GoMLX's own graph tests on the pure-Go backend
# (scripts/gomlx-peer-tests.sh), a short fuzzing run of each fuzz target, and every
# notebook executed headless in quick mode (failing on any error output or on a
# missing promised output). Sets up first when needed (CI starts bare).
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

echo "==> go test ./... (log: $logs/go-test.log, events: $logs/go-test.json)"
# The library finds MNIST in the module cache by itself; asking it once here
# says where, and fails early when it cannot.
if mnist_dir=$(go run ./scripts/mnistdir); then
	export NEURALART_MNIST=$mnist_dir
	echo "MNIST files: $mnist_dir"
else
	fail 1
	named "MNIST files not found (go run ./scripts/mnistdir)"
fi
go build -o "$logs/testreport" ./scripts/testreport || exit 1
go test -count=1 -timeout 10m -json ./... 2>&1 | tee "$logs/go-test.json" |
	"$logs/testreport" -log "$logs/go-test.log" -failures "$logs/go-failures.txt" -first "$logs/first-failure.txt" |
	tee "$logs/go-test-report.txt"
go_status=${PIPESTATUS[0]}
# The counts are the report's last line: "go test: N passed, M failed, K skipped in Ts".
read -r go_passed go_failed < <(awk '/^go test: / { print $3, $5 }' "$logs/go-test-report.txt" | tail -n 1)
pass "${go_passed:-0}"
fail "${go_failed:-0}"
while read -r line; do named "$line"; done <"$logs/go-failures.txt"
if [ "$go_status" != 0 ] && [ "${go_failed:-0}" = 0 ]; then
	# The go command failed before any test could (a bad pattern, go.mod errors).
	fail 1
	named "go test exited with status $go_status ($logs/go-test.log)"
fi

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
