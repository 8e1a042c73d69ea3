#!/usr/bin/env bash
# bench.sh: the engine of `make bench`. Runs every worker sweep of the
# project COUNT times, writes bench/results/<time>/ (raw.txt, benchstat.txt,
# report.md, report.html, speedup.svg), points bench/results/latest at it,
# and prints the report. Its settings are in suites.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

# The suites, SUITES, the knobs and benchtime(): shared with bench-ab.sh.
. scripts/suites.sh

# finish [NOTE] writes benchstat.txt, report.md, report.html and
# speedup.svg from raw.txt (each complete or absent), NOTE at the top of
# the reports.
finish() {
	local note=${1:-}
	# benchstat, one table per package's sweeps, columns by worker count,
	# rows by benchmark and GOMAXPROCS (the -N suffix; none for 1).
	local module units name
	module=$("$GO" list -m)
	units='.unit:(sec/op OR cpu-sec/op)'
	{
		for pkg in $(for s in "${suites[@]}"; do IFS='|' read -r _ pkg _ <<<"$s"; echo "$pkg"; done | awk '!seen[$0]++'); do
			name=$(basename "$pkg")
			case $name in
			canary) "$GO" tool benchstat -filter "pkg:$module/internal/canary" "$raw" ;;
			pool) "$GO" tool benchstat -col /exec -row /work -filter ".name:Grain /workers:$ALL .unit:sec/op" "$raw" ;;
			flags) "$GO" tool benchstat -col /concurrency -filter "pkg:$module/flags $units" "$raw" ;;
			*) "$GO" tool benchstat -col /workers -filter "pkg:$module/$name /workers:/.+/ $units" "$raw" ;;
			esac
			echo
		done
	} >"$out/benchstat.txt.tmp" 2>&1
	mv "$out/benchstat.txt.tmp" "$out/benchstat.txt"
	"$bin/benchreport" -format markdown -note "$note" -svg "$out/speedup.svg" -html "$out/report.html" "$raw" >"$out/report.md.tmp"
	mv "$out/report.md.tmp" "$out/report.md"
	echo
	"$bin/benchreport" -note "$note" "$raw"
	# make's own hints, read from the model (json), not from its words:
	# the report speaks of go test's flags, make bench of its knobs.
	"$bin/benchreport" -format json "$raw" >"$out/report.json.tmp" || true
	if grep -q '"kind": "\(busy\|lowShare\|pastBest\)"' "$out/report.json.tmp"; then
		echo "bench: disturbed points above: run again on a quieter machine with more rounds (make bench COUNT=20)"
	fi
	if grep -q '"runs": [1-5],' "$out/report.json.tmp"; then
		echo "bench: no intervals with fewer than 6 rounds (make bench COUNT=6 or more)"
	fi
	rm -f "$out/report.json.tmp"
}

stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=bench/results/$stamp
raw=$out/raw.txt
# The test binaries and benchreport are built into bin. A failed build
# leaves no folder. Ctrl-C (or SIGTERM) keeps the rounds measured to the
# end: raw.txt is cut back to the last complete round (every suite measured
# as often), and the folder's report says "interrupted after round k of N";
# latest is not moved. Interrupted before the first round ends, the folder
# goes.
bin=$(mktemp -d)
measuring=0
rounds_done=0
raw_good=0
trap 'rm -rf "$bin"; [ "$measuring" = 1 ] || rm -rf "$out"' EXIT
interrupted() {
	local code=$1
	trap - INT TERM
	echo
	if [ "$rounds_done" = 0 ]; then
		rm -rf "$out"
		echo "bench: interrupted before the first round ended: nothing kept" >&2
		exit "$code"
	fi
	truncate -s "$raw_good" "$raw"
	local note="interrupted after round $rounds_done of $COUNT (the rounds after it were not measured; latest still points to the last complete run)"
	[ "$rounds_done" = "$COUNT" ] && note="interrupted while writing the report, after all $COUNT rounds (latest still points to the last complete run)"
	finish "$note"
	echo "bench: interrupted after round $rounds_done of $COUNT; kept in $out" >&2
	exit "$code"
}
trap 'interrupted 130' INT
trap 'interrupted 143' TERM
mkdir -p "$out"
# The sites pass runs in the first round and keeps its profiles here.
export SITES_DIR="$PWD/$out/profiles"

# Configuration lines (benchfmt "key: value") that describe the whole run.
config_lines "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo -dirty)" >"$raw"

# Each package's test binary is built once; then COUNT rounds each run every
# suite once, at every setting, so that the samples of one worker count are
# spread over the whole run instead of taken back to back: a burst of load
# disturbs one sample of many counts, not many samples of one count.
for pkg in $(for s in "${suites[@]}"; do IFS='|' read -r _ pkg _ <<<"$s"; echo "$pkg"; done | sort -u); do
	"$GO" test -c -o "$bin/$(basename "$pkg").test" "$pkg"
done
# A sweep has more counts at a larger GOMAXPROCS (at most 16): its
# benchtime is divided among them as among 4, so that GOMAXPROCS=64 make
# bench costs about what make bench costs on 2 cores (internal/sweepbudget).
"$GO" build -o "$bin/sweepbudget" ./internal/sweepbudget
"$GO" build -o "$bin/benchreport" ./cmd/benchreport

steps=$(count_steps 1)
start=$(date +%s)
step=0
measuring=1
for round in $(seq "$COUNT"); do
	for s in "${suites[@]}"; do
		IFS='|' read -r label pkg regex spec procs extra <<<"$s"
		for p in $procs; do
			step=$((step + 1))
			progress bench "$step" "$steps" "$round" "$label" "$p" "$start"
			if ! run_suite "$pkg" "$bin/$(basename "$pkg").test" "$regex" "$spec" "$p" "$extra" "$round" "$raw"; then
				echo
				echo "bench: $label at GOMAXPROCS=$p failed; see $raw" >&2
				exit 1
			fi
		done
	done
	rounds_done=$round
	raw_good=$(stat -c %s "$raw")
done
progress_done bench "$steps" "$start"

finish
ln -sfn "$stamp" bench/results/latest
echo
echo "bench: done in $(($(date +%s) - start))s; results in $out (bench/results/latest):"
echo "  raw.txt  benchstat.txt  report.md  report.html  speedup.svg  profiles/ (go tool pprof, go tool trace)"
