#!/usr/bin/env bash
# Runs the side-by-side benchmarks of docs/architecture.md in one window: the Go
# benchmarks of the eight workloads (Gatys step 128px and 256px, MNIST GAN step,
# DCGAN 64x64 step, TransformerNet and AdaIN at 256px and 512px) on the pure-Go
# backend built with GOEXPERIMENT=simd, each in
# its own test process (for its peak RSS), and the same work in PyTorch
# (scripts/bench/torch_cpu.py, Debian's python3-torch) just before each, then
# prints one table. Absolute times on a shared machine swing 2-4x: read the ratios.
#
#   NEURALART_BENCH="gatys128 mnistgan"  the workloads (default: all eight, gatys128 gatys256
#     mnistgan dcgan64 transformernet256 transformernet512 adain256 adain512; adain* are AdaIN
#     stylisations, pkg/adain's BenchmarkAdaIN; transformernet* are TransformerNet stylisations,
#     pkg/transformernet's BenchmarkTransformerNet)
#   NEURALART_BENCH_COUNT=3   runs of each Go benchmark (one step each; the table has the median)
#   NEURALART_BENCH_THREADS=N PyTorch's threads (default: the number of CPUs, as Go uses)
#   NEURALART_BENCH_TORCH=0   skip PyTorch
set -uo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$REPO"
workloads=${NEURALART_BENCH:-gatys128 gatys256 mnistgan dcgan64 transformernet256 transformernet512 adain256 adain512}
count=${NEURALART_BENCH_COUNT:-3}
threads=${NEURALART_BENCH_THREADS:-$(nproc)}
logs=out/bench
mkdir -p "$logs"

# go_bench WORKLOAD: the package and -bench pattern of a workload; empty if unknown.
go_bench() {
	case $1 in
	gatys128) echo "./pkg/style ^BenchmarkGatysStep\$/^128px\$" ;;
	gatys256) echo "./pkg/style ^BenchmarkGatysStep\$/^256px\$" ;;
	mnistgan) echo "./pkg/gan ^BenchmarkMNISTGANStep\$" ;;
	dcgan64) echo "./pkg/gan ^BenchmarkDCGANStep64\$" ;;
	adain256) echo "./pkg/adain ^BenchmarkAdaIN\$/^256px\$" ;;
	adain512) echo "./pkg/adain ^BenchmarkAdaIN\$/^512px\$" ;;
	transformernet256) echo "./pkg/transformernet ^BenchmarkTransformerNet\$/^256px\$" ;;
	transformernet512) echo "./pkg/transformernet ^BenchmarkTransformerNet\$/^512px\$" ;;
	esac
}
# torch_line WORKLOAD: the start of torch_cpu.py's output line for a workload.
torch_line() {
	case $1 in
	gatys128) echo "gatys adam step 128px:" ;;
	gatys256) echo "gatys adam step 256px:" ;;
	mnistgan) echo "mnist gan step (article generator)" ;;
	dcgan64) echo "dcgan step 64x64" ;;
	adain256) echo "adain 256px:" ;;
	adain512) echo "adain 512px:" ;;
	transformernet256) echo "transformernet 256px:" ;;
	transformernet512) echo "transformernet 512px:" ;;
	esac
}
for w in $workloads; do
	[ -n "$(go_bench "$w")" ] || {
		echo "unknown workload $w in NEURALART_BENCH; known: gatys128 gatys256 mnistgan dcgan64 adain256 adain512 transformernet256 transformernet512" >&2
		exit 2
	}
done
[ -x /usr/bin/time ] || {
	echo "bench.sh needs /usr/bin/time for peak RSS: apt-get install time" >&2
	exit 1
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs, GOEXPERIMENT=$GOEXPERIMENT, GOMLX_BACKEND=$GOMLX_BACKEND"

# PyTorch (Debian's, with OpenBLAS) when present: sgemm once, for how fast the machine
# is now, then each workload just before its Go benchmark, so both share the window.
torch_log=$logs/torch.log
: >"$torch_log"
torch=1
if [ "${NEURALART_BENCH_TORCH:-1}" = 0 ]; then
	torch=0 torch_note="PyTorch skipped (NEURALART_BENCH_TORCH=0)"
elif ! /usr/bin/python3 -c 'import torch, torchvision' 2>/dev/null; then
	torch=0 torch_note="PyTorch skipped: /usr/bin/python3 cannot import torch and torchvision; install them with: apt-get install python3-torch python3-torchvision"
fi
# run_torch WORKLOAD...: appends torch_cpu.py's lines for the workloads to the log.
run_torch() {
	[ "$torch" = 1 ] || return 0
	echo "==> PyTorch ($threads threads) $*: scripts/bench/torch_cpu.py (log: $torch_log)"
	/usr/bin/python3 scripts/bench/torch_cpu.py "$threads" "$@" >>"$torch_log" 2>&1 || {
		echo "FAIL: PyTorch $*; $torch_log ends with:" >&2
		tail -n 5 "$torch_log" >&2
	}
}
run_torch sgemm
if [ "$torch" = 1 ]; then
	torch_note="PyTorch: $(head -n1 "$torch_log"), $(grep '^sgemm 2048' "$torch_log")"
	# Debian's reference BLAS (libblas3 alone) makes PyTorch's matrix products and
	# transposed convolutions ~30x slower: not the anchor the ratios are meant against.
	if grep -q '^blas:.*/blas/libblas' "$torch_log"; then
		torch_note="$torch_note
WARNING: PyTorch runs on the reference BLAS ($(grep -m1 '^blas:' "$torch_log")); install OpenBLAS for a fair anchor: apt-get install libopenblas0-pthread"
	fi
fi

# Go: one test binary per package, one process per workload.
bins=$(mktemp -d "${TMPDIR:-/tmp}/neuralart-bench.XXXXXX")
trap 'rm -rf "$bins"' EXIT
declare -A go_ms go_rss
for w in $workloads; do
	read -r pkg pattern <<<"$(go_bench "$w")"
	bin=$bins/$(basename "$pkg").test
	if [ ! -x "$bin" ]; then
		go test -c -o "$bin" "$pkg" || {
			echo "FAIL: go test -c $pkg" >&2
			exit 1
		}
	fi
	run_torch "$w"
	log=$logs/go-$w.log
	echo "==> Go $w: $pkg -bench '$pattern' -count $count (log: $log; load average $(cut -d' ' -f1 /proc/loadavg))"
	# -benchtime 1x: one timed step per run, after the compilation (which the
	# benchmark keeps out of the timing); the process's peak RSS covers them all.
	(cd "$pkg" && /usr/bin/time -f 'maxrss_kb %M' "$bin" -test.run '^$' -test.bench "$pattern" \
		-test.benchtime 1x -test.count "$count" -test.timeout 60m) >"$log" 2>&1 || {
		echo "FAIL: Go $w; $log ends with:" >&2
		tail -n 15 "$log" >&2
		continue
	}
	# The median of the runs' ns/op.
	go_ms[$w]=$(awk '/^Benchmark/ { for (i = 2; i < NF; i++) if ($(i + 1) == "ns/op") print $i / 1e6 }' "$log" |
		sort -g | awk '{ v[NR] = $1 } END { if (NR) printf "%.0f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
	go_rss[$w]=$(awk '$1 == "maxrss_kb" { printf "%.2f", $2 / 1024 / 1024 }' "$log")
done

echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$torch_note"
printf '%-22s %12s %14s %10s %14s\n' workload "Go (ms)" "PyTorch (ms)" "Go/PyTorch" "Go peak RSS"
status=0
for w in $workloads; do
	go=${go_ms[$w]:-} torch_ms=""
	[ -s "$torch_log" ] && torch_ms=$(grep -F "$(torch_line "$w")" "$torch_log" | tail -n1 | awk '{ print $(NF - 1) }')
	ratio=""
	[ -n "$go" ] && [ -n "$torch_ms" ] && ratio=$(awk -v g="$go" -v t="$torch_ms" 'BEGIN { printf "%.1fx", g / t }')
	[ -n "$go" ] || status=1
	printf '%-22s %12s %14s %10s %14s\n' "$w" "${go:-FAILED}" "${torch_ms:--}" "${ratio:--}" "${go_rss[$w]:+${go_rss[$w]} GB}"
done
exit "$status"
