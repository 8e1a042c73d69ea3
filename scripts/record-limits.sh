#!/usr/bin/env bash
# record-limits.sh: records internal/limits' workloads, whose limit is known
# by construction, into testdata/limits/: quiet.txt on the machine as it is,
# and busy.txt beside one CPU hog (a shell loop on one core). package bench's
# tests hold the report's verdicts on them to the limits the workloads were
# built with. Settings: COUNT (6), BENCHTIME (200ms), GO (go), SITES (300ms:
# the sites pass of package sweep, in the first round).
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
COUNT=${COUNT:-6}
BENCHTIME=${BENCHTIME:-200ms}
bin=$(mktemp -d)
hog=
trap '[ -n "$hog" ] && kill "$hog" 2>/dev/null; rm -rf "$bin"' EXIT
"$GO" test -c -o "$bin/limits.test" ./internal/limits
record() { # record FILE
	{
		echo "cores: $(nproc)"
		echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
		for round in $(seq "$COUNT"); do
			# The sites pass (package sweep) in the first round only, long
			# enough (SITES, 300ms) for the CPU profile's growth to stand
			# out of its sampling noise.
			sites=off
			[ "$round" = 1 ] && sites=${SITES:-300ms}
			SWEEP_SITES=$sites SWEEP_ROTATE=$round GOMAXPROCS=$(nproc) "$bin/limits.test" -test.run='^$' -test.bench=. \
				-test.benchtime="$BENCHTIME" -test.count=1 | grep -v '^PASS$'
		done
	} >"$1.tmp"
	mv "$1.tmp" "$1"
	echo "wrote $1"
}
mode=${1:-both}
if [ "$mode" = quiet ] || [ "$mode" = both ]; then
	record testdata/limits/quiet.txt
fi
if [ "$mode" = busy ] || [ "$mode" = both ]; then
	sh -c 'while :; do :; done' &
	hog=$!
	record testdata/limits/busy.txt
	kill "$hog"
	hog=
fi
