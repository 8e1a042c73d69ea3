# suites.sh, sourced by bench.sh and bench-ab.sh: the knobs, the suites
# of make bench, the SUITES selection, and the canary. Settings come from
# the environment (the Makefile passes them):
#   GO (go), COUNT (6), BENCHTIME (500ms, the CPU-bound sweeps),
#   GRAIN_BENCHTIME (50ms, the pool's granularity sweep),
#   FLAGS_N (32 codes per op) and FLAGS_DELAY (50ms) for the download sweep,
#   FLAGS_BENCHTIME (1x: each op of the download sweep takes up to N x DELAY),
#   CANARY_BENCHTIME (200ms), SUITES (comma-separated ids, default all).
# After it: suites (LABEL|PACKAGE|BENCH-REGEXP|BENCHTIME|GOMAXPROCS
# SETTINGS|TEST-BINARY-FLAGS, the chosen ones, the canary first and last),
# ALL, and the functions both scripts run a round with: benchtime,
# config_lines, count_steps, progress, run_suite (they need
# $bin/sweepbudget).

. scripts/sites.sh
GO=${GO:-go}
COUNT=${COUNT:-6}
BENCHTIME=${BENCHTIME:-500ms}
GRAIN_BENCHTIME=${GRAIN_BENCHTIME:-50ms}
FLAGS_N=${FLAGS_N:-32}
FLAGS_DELAY=${FLAGS_DELAY:-50ms}
FLAGS_BENCHTIME=${FLAGS_BENCHTIME:-1x}

ALL=${GOMAXPROCS:-$(nproc)}
# The chapter's two executors: every CPU-bound sweep and the pool download
# sweep run once with GOMAXPROCS=1 (goroutines take turns on one thread, as
# Python threads do under the GIL) and once with every core (in parallel,
# like a process pool). One process per setting: go test -cpu 1,N measures
# the first sample of a sub-benchmark at the wrong setting (golang/go#49980).
BOTH="1 $ALL"
[ "$ALL" = 1 ] && BOTH=1

# suite ID|LABEL|PACKAGE|BENCH-REGEXP|BENCHTIME|GOMAXPROCS SETTINGS|TEST-BINARY-FLAGS
suites=(
	"arcfour|arcfour jobs|./arcfour|^BenchmarkJobs\$|@sweep|$BOTH"
	"sha|sha jobs|./sha|^BenchmarkJobs\$|@sweep|$BOTH"
	"primes|primes map|./primes|^BenchmarkMap\$|@sweep|$BOTH"
	"qsort|qsort sort many|./qsort|^BenchmarkSortMany\$|@sweep|$BOTH"
	"grain|pool grain (where futures pay off)|./pool|^BenchmarkGrain\$|@grain|$ALL"
	"downloads|flag downloads, delay $FLAGS_DELAY|./flags|^BenchmarkDownload\$/^delay=$FLAGS_DELAY\$|$FLAGS_BENCHTIME|$ALL|-download.n=$FLAGS_N -download.delay=$FLAGS_DELAY"
	"downloads1|pool downloads, one at a time|./flags|^BenchmarkDownload\$/^delay=$FLAGS_DELAY\$/^n=/^mode=pool\$|$FLAGS_BENCHTIME|1|-download.n=$FLAGS_N -download.delay=$FLAGS_DELAY"
)
# SUITES (comma-separated ids, default all) chooses suites by id; at
# GOMAXPROCS=1 the downloads suite already runs at 1, so downloads1 goes.
ids=()
for s in "${suites[@]}"; do ids+=("${s%%|*}"); done
want=${SUITES:-$(IFS=,; echo "${ids[*]}")}
IFS=, read -r -a wanted <<<"$want"
for w in "${wanted[@]}"; do
	if ! printf '%s\n' "${ids[@]}" | grep -qx -- "$w"; then
		echo "$(basename "$0" .sh): unknown suite '$w' in SUITES (want some of: $(IFS=,; echo "${ids[*]}"))" >&2
		exit 2
	fi
done
chosen=()
for s in "${suites[@]}"; do
	id=${s%%|*}
	[ "$ALL" = 1 ] && [ "$id" = downloads1 ] && continue
	printf '%s\n' "${wanted[@]}" | grep -qx -- "$id" && chosen+=("${s#*|}")
done
suites=("${chosen[@]}")

# The canary (internal/canary) opens and closes every round, one at a time:
# a fixed workload whose time moves with the machine alone, which
# benchreport compare reads before judging anything else; twice a round
# gives its median an interval half as wide.
CANARY_BENCHTIME=${CANARY_BENCHTIME:-200ms}
canary="canary (the machine's reference)|./internal/canary|^BenchmarkCanary\$|$CANARY_BENCHTIME|1"
suites=("$canary" "${suites[@]}" "$canary")

# A sweep has more counts at a larger GOMAXPROCS (at most 16): its
# benchtime is divided among them as among 4, so that GOMAXPROCS=64 make
# bench costs about what make bench costs on 2 cores (internal/sweepbudget).
benchtime() { # benchtime SPEC GOMAXPROCS
	case $1 in
	@sweep) GOMAXPROCS=$2 "$bin/sweepbudget" "$BENCHTIME" ;;
	@grain) GOMAXPROCS=$2 "$bin/sweepbudget" "$GRAIN_BENCHTIME" ;;
	*) echo "$1" ;;
	esac
}

# config_lines COMMIT: the benchfmt configuration lines ("key: value") that
# describe a whole run.
config_lines() {
	echo "goversion: $($GO env GOVERSION)"
	echo "gomaxprocs: $ALL"
	echo "cores: $(nproc)"
	echo "commit: $1"
	echo "count: $COUNT"
}

# count_steps SIDES: how many test-binary runs the rounds make, SIDES
# binaries a setting (1 for make bench, 2 for bench-ab).
count_steps() {
	local n=0 s procs
	for s in "${suites[@]}"; do
		IFS='|' read -r _ _ _ _ procs _ <<<"$s"
		n=$((n + $1 * COUNT * $(wc -w <<<"$procs")))
	done
	echo "$n"
}

# progress NAME STEP STEPS ROUND WHAT GOMAXPROCS START: a progress line,
# redrawn in place on a terminal, a line a step in a log.
progress() {
	local cr='' nl='\n'
	if [ -t 1 ]; then cr='\r' nl=''; fi
	# shellcheck disable=SC2059
	printf "${cr}%s: %3d%% [%d/%d] round %d/%d: %-40s GOMAXPROCS=%-4s %4ds $nl" \
		"$1" $((100 * ($2 - 1) / $3)) "$2" "$3" "$4" "$COUNT" "$5" "$6" $(($(date +%s) - $7))
}

# progress_done NAME STEPS START: the last progress line.
progress_done() {
	local cr=''
	if [ -t 1 ]; then cr='\r'; fi
	printf "${cr}%s: 100%% [%d/%d] measured in %ds%*s\n" "$1" "$2" "$2" $(($(date +%s) - $3)) 40 ''
}

# run_suite DIR TEST REGEX SPEC GOMAXPROCS EXTRA ROUND OUT: runs one suite's
# test binary at one setting, in DIR (its package's folder, as go test runs
# it), appending to OUT; fails if the binary does, or OUT reports a failure.
run_suite() {
	local btime sites=off
	btime=$(benchtime "$4" "$5")
	# The sites pass (package sweep) in the first round only, where
	# SITES_DIR names the folder to keep the profiles in (make bench).
	if [ -n "${SITES_DIR:-}" ] && [ "$7" = 1 ]; then
		sites=$(sites_window "$btime" "$COUNT")
	fi
	# shellcheck disable=SC2086
	(cd "$1" && SWEEP_SITES=$sites SWEEP_PROFILES=${SITES_DIR:-} SWEEP_ROTATE=$(($7 - 1)) GOMAXPROCS=$5 "$2" -test.run '^$' -test.bench "$3" \
		-test.count 1 -test.benchtime "$btime" -test.benchmem $6) >>"$8" 2>&1 &&
		! grep -q '^--- FAIL\|^FAIL\|^panic' "$8"
}
