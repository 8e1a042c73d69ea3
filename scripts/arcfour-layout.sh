#!/usr/bin/env bash
# arcfour-layout.sh: arcfour against crypto/rc4 in two builds whose code
# layout differs (the second links an extra function ahead of the cipher's:
# -tags layoutshift), in place and out of place, 1 KiB to 1 MiB. A speed that
# holds in one layout only is an accident of where the linker put the loop.
# COUNT rounds (8) alternate the two binaries, one sample of every benchmark
# each, and benchstat gives the ratio per build. `make bench-arcfour` runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
COUNT=${COUNT:-8}
BENCHTIME=${BENCHTIME:-200ms}
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
"$GO" test -c -o "$bin/plain.test" ./arcfour
"$GO" test -c -tags layoutshift -o "$bin/shifted.test" ./arcfour
for b in plain shifted; do
	if [ "$b" = plain ]; then other=shifted; else other=plain; fi
	addr() { "$GO" tool nm "$bin/$1.test" | awk '/arcfour\.xorKeyStream(\.abi0)?$/ {print $1; exit}'; }
	echo "$b build: xorKeyStream at 0x$(addr "$b")" >&2
	: >"$out/$b.txt"
done
for round in $(seq "$COUNT"); do
	printf '\rarcfour-layout: round %d/%d ' "$round" "$COUNT" >&2
	for b in plain shifted; do
		(cd arcfour && "$bin/$b.test" -test.run '^$' -test.bench '^BenchmarkXORKeyStream$' \
			-test.count 1 -test.benchtime "$BENCHTIME") >>"$out/$b.txt"
	done
done
echo >&2
for b in plain shifted; do
	echo "== $b build (time per op; vs base: arcfour against crypto_rc4)"
	"$GO" tool benchstat -col '/impl@(crypto_rc4 arcfour)' -filter '.unit:sec/op' "$out/$b.txt" | sed -n '/sec\/op/,$p'
	echo
done
echo "raw results: $out/plain.txt $out/shifted.txt"
