#!/usr/bin/env bash
# bench-ab.sh: the engine of `make bench-ab`. Measures two commits of the
# project interleaved on this machine and gates NEW against OLD with
# benchreport compare, so that whatever the machine does in the meantime
# hits both alike.
#
#   OLD  a revision (default HEAD)
#   NEW  a revision, or empty for the working tree, uncommitted changes
#        included (the default)
#   SUITES, COUNT, BENCHTIME, ...: as make bench (suites.sh)
#   THRESHOLD (5%): the smallest change that counts
#
# Each side is built from its own tree (a git worktree of the revision, or
# the working tree itself), every package's test binary once. Then COUNT
# rounds run every suite on both sides in alternation, A B in odd rounds
# and B A in even ones (ABBA: a drift within a round falls on both sides
# alike), suite by suite; the canary (internal/canary, from the working
# tree, the same binary for both) opens and closes every round on both
# sides. Writes
# bench/results/ab-<time>/ (old.txt, new.txt, compare.txt) and exits with
# benchreport compare's status: 0 no regression, 1 a regression, 2 a usage
# error (an unknown revision, a suite a side lacks), 3 cannot judge: the
# canary moved between the two sides even interleaved, and corrected for
# it nothing is worse (benchreport -h).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/suites.sh

OLD=${OLD:-HEAD}
NEW=${NEW:-}
THRESHOLD=${THRESHOLD:-5%}

usage() {
	echo "bench-ab: $*" >&2
	exit 2
}
git rev-parse --is-inside-work-tree >/dev/null 2>&1 || usage "not in a git work tree: OLD and NEW are revisions"
resolve() { # resolve REV: its commit, or exit 2
	git rev-parse --verify --quiet "$1^{commit}" || usage "unknown revision '$1' (want a commit, a branch or a tag)"
}
old_commit=$(resolve "$OLD")
if [ -n "$NEW" ]; then
	new_commit=$(resolve "$NEW")
	new_label=$(git rev-parse --short "$new_commit")
else
	new_label="$(git rev-parse --short HEAD)$(git diff --quiet HEAD 2>/dev/null || echo -dirty)"
fi
old_label=$(git rev-parse --short "$old_commit")

stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=bench/results/ab-$stamp
tmp=$(mktemp -d)
measuring=0
rounds_done=0
cleanup() {
	for t in "$tmp/old" "$tmp/new"; do
		[ -d "$t" ] && git worktree remove --force "$t" >/dev/null 2>&1
	done
	rm -rf "$tmp"
	git worktree prune >/dev/null 2>&1 || true
	[ "$measuring" = 1 ] || rm -rf "$out"
}
trap cleanup EXIT
interrupted() {
	trap - INT TERM
	echo
	if [ "$rounds_done" = 0 ]; then
		measuring=0
		echo "bench-ab: interrupted before the first round ended: nothing kept" >&2
	else
		echo "bench-ab: interrupted after round $rounds_done of $COUNT; the runs so far are in $out (not gated)" >&2
	fi
	exit "$1"
}
trap 'interrupted 130' INT
trap 'interrupted 143' TERM

git worktree add --detach -q "$tmp/old" "$old_commit"
old_tree=$tmp/old
new_tree=.
if [ -n "$NEW" ]; then
	git worktree add --detach -q "$tmp/new" "$new_commit"
	new_tree=$tmp/new
fi

bin=$tmp/bin
mkdir -p "$bin/old" "$bin/new" "$bin/canary" "$out"
echo "bench-ab: OLD $OLD ($old_label) against NEW ${NEW:-the working tree} ($new_label), $COUNT rounds"
# Every package's test binary, per side, from its own tree; the canary's
# from the working tree for both.
pkgs=$(for s in "${suites[@]}"; do IFS='|' read -r _ pkg _ <<<"$s"; echo "$pkg"; done | grep -vx ./internal/canary | sort -u)
for side in old new; do
	tree=$old_tree
	[ "$side" = new ] && tree=$new_tree
	for pkg in $pkgs; do
		[ -d "$tree/$pkg" ] || usage "$(echo "$side" | tr a-z A-Z) has no package $pkg: choose SUITES that both sides have"
		(cd "$tree" && "$GO" test -c -o "$bin/$side/$(basename "$pkg").test" "$pkg")
	done
done
"$GO" test -c -o "$bin/canary/canary.test" ./internal/canary
"$GO" build -o "$bin/sweepbudget" ./internal/sweepbudget
"$GO" build -o "$bin/benchreport" ./cmd/benchreport

for side in old new; do
	label=$old_label
	[ "$side" = new ] && label=$new_label
	{
		config_lines "$label"
		echo "interleaved: ab"
	} >"$out/$side.txt"
done

steps=$(count_steps 2)
start=$(date +%s)
step=0
measuring=1
for round in $(seq "$COUNT"); do
	order="old new"
	[ $((round % 2)) = 0 ] && order="new old"
	for s in "${suites[@]}"; do
		IFS='|' read -r label pkg regex spec procs extra <<<"$s"
		for side in $order; do
			tree=$old_tree test=$bin/$side/$(basename "$pkg").test
			[ "$side" = new ] && tree=$new_tree
			if [ "$pkg" = ./internal/canary ]; then
				tree=. test=$bin/canary/canary.test
			fi
			for p in $procs; do
				step=$((step + 1))
				progress bench-ab "$step" "$steps" "$round" "$side $label" "$p" "$start"
				if ! run_suite "$tree/$pkg" "$test" "$regex" "$spec" "$p" "$extra" "$round" "$out/$side.txt"; then
					echo
					echo "bench-ab: $label ($side) at GOMAXPROCS=$p failed; see $out/$side.txt" >&2
					exit 1
				fi
			done
		done
	done
	rounds_done=$round
done
progress_done bench-ab "$steps" "$start"

status=0
"$bin/benchreport" compare -threshold "$THRESHOLD" "$out/old.txt" "$out/new.txt" >"$out/compare.txt" 2>&1 || status=$?
cat "$out/compare.txt"
echo "bench-ab: exit $status; old.txt, new.txt and compare.txt in $out"
exit "$status"
