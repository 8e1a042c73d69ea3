#!/usr/bin/env bash
# bench.sh: the engine of `make bench`. Runs every worker sweep of the
# project COUNT times, writes bench/results/<time>/ (raw.txt, benchstat.txt,
# report.md, speedup.svg), points bench/results/latest at it, and prints the
# report. Settings come from the environment (the Makefile passes them):
#   GO (go), COUNT (10), BENCHTIME (1s, the CPU-bound sweeps),
#   FLAGS_N (32 codes per op) and FLAGS_DELAY (50ms) for the download sweep,
#   FLAGS_BENCHTIME (1x: each op of the download sweep takes up to N x DELAY).
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
COUNT=${COUNT:-10}
BENCHTIME=${BENCHTIME:-1s}
FLAGS_N=${FLAGS_N:-32}
FLAGS_DELAY=${FLAGS_DELAY:-50ms}
FLAGS_BENCHTIME=${FLAGS_BENCHTIME:-1x}

stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=bench/results/$stamp
mkdir -p "$out"
raw=$out/raw.txt

# Configuration lines (benchfmt "key: value") that describe the whole run.
{
	echo "goversion: $($GO env GOVERSION)"
	echo "gomaxprocs: ${GOMAXPROCS:-$(nproc)}"
	echo "cores: $(nproc)"
	echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo -dirty)"
	echo "count: $COUNT"
} >"$raw"

# suite LABEL PACKAGE BENCH-REGEXP BENCHTIME [TEST-BINARY-FLAGS...]
suites=(
	"arcfour jobs|./arcfour|^BenchmarkJobs\$|$BENCHTIME"
	"sha jobs|./sha|^BenchmarkJobs\$|$BENCHTIME"
	"primes map|./primes|^BenchmarkMap\$|$BENCHTIME"
	"primes tasks|./primes|^BenchmarkTask\$|10x"
	"qsort sort many|./qsort|^BenchmarkSortMany\$|$BENCHTIME"
	"flag downloads, delay $FLAGS_DELAY|./flags|^BenchmarkDownload\$/^delay=$FLAGS_DELAY\$|$FLAGS_BENCHTIME|-download.n=$FLAGS_N -download.delay=$FLAGS_DELAY"
)
start=$(date +%s)
i=0
for s in "${suites[@]}"; do
	i=$((i + 1))
	IFS='|' read -r label pkg regex btime extra <<<"$s"
	t0=$(date +%s)
	printf 'bench [%d/%d] %-32s ' "$i" "${#suites[@]}" "$label"
	# Packages go before the test binary's own flags (-download.*): after an
	# unknown flag, go test passes everything on to the test binary.
	# shellcheck disable=SC2086
	"$GO" test "$pkg" -run '^$' -bench "$regex" -count "$COUNT" -benchtime "$btime" $extra 2>&1 |
		tee -a "$raw" |
		while IFS= read -r line; do
			case "$line" in
			Benchmark*) printf '.' ;;
			"--- FAIL"*|FAIL*|panic*) printf '\n  %s' "$line" ;;
			esac
		done
	if grep -q '^FAIL' "$raw"; then
		echo
		echo "bench: a benchmark failed; see $raw" >&2
		exit 1
	fi
	printf ' %ds\n' "$(($(date +%s) - t0))"
done
ln -sfn "$stamp" bench/results/latest

# benchstat, one table per sweep family, columns by worker count.
{
	for pkg in arcfour sha qsort; do
		"$GO" tool benchstat -col /workers -filter "pkg:github.com/futuresbench/futures/$pkg /workers:/.+/" "$raw"
		echo
	done
	"$GO" tool benchstat -col /workers -filter ".name:Map" "$raw"
	echo
	"$GO" tool benchstat -col /concurrency -filter ".name:Download" "$raw"
} >"$out/benchstat.txt" 2>&1

"$GO" run ./cmd/benchreport -format markdown -svg "$out/speedup.svg" "$raw" >"$out/report.md"
echo
"$GO" run ./cmd/benchreport "$raw"
echo
echo "bench: done in $(($(date +%s) - start))s; results in $out (bench/results/latest):"
echo "  raw.txt  benchstat.txt  report.md  speedup.svg"
