#!/usr/bin/env bash
# record-limits.sh: records internal/limits' workloads, whose limit is known
# by construction, into testdata/limits/: quiet.txt on the machine as it is,
# and busy.txt beside one CPU hog (a shell loop on one core). package bench's
# tests hold the report's verdicts on them to the limits the workloads were
# built with. Settings: COUNT (6), BENCHTIME (200ms), GO (go), SITES
# (runs:COUNT: the sites passes of package sweep, in the first round, with
# the budget of the COUNT rounds, as by default).
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
			# The sites passes (package sweep) in the first round only,
			# with the budget of all the rounds (runs:COUNT).
			sites=off
			[ "$round" = 1 ] && sites=${SITES:-runs:$COUNT}
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
