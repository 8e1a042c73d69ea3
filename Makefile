# Makefile for the futures harness. `make test` is what CI runs; `make bench`
# is the main job. Everything comes through go.mod: only Go is needed.

GO        ?= go
# COUNT: runs of every benchmark (at least 6 for a confidence interval).
COUNT     ?= 6
# BENCHTIME: go test -benchtime of the CPU-bound sweeps (e.g. 1s, 20x).
BENCHTIME ?= 500ms
# GRAIN_BENCHTIME: go test -benchtime of the pool's granularity sweep.
GRAIN_BENCHTIME ?= 50ms
# FLAGS_N, FLAGS_DELAY: codes per op and server delay of the download sweep.
FLAGS_N     ?= 32
FLAGS_DELAY ?= 50ms
# SUITES: the suites `make bench` runs, by id, comma-separated (default all:
# arcfour,sha,primes,qsort,grain,downloads,downloads1).
SUITES ?=
# THRESHOLD: the smallest change `make bench-compare` fails on (every unit).
THRESHOLD ?= 5%
# FUZZTIME: how long `make fuzz` runs each fuzz target.
FUZZTIME  ?= 10s

RESULTS   := bench/results

# The scripts read their settings from the environment: exported, never
# pasted into a shell line, so that a value (a revision, a path) is passed
# as it is, whatever characters it holds.
export GO COUNT BENCHTIME GRAIN_BENCHTIME FLAGS_N FLAGS_DELAY SUITES THRESHOLD OLD NEW

.PHONY: all test fmt-check vet gotest bench bench-ab bench-compare bench-arcfour fuzz clean compare-nginx

all: test

## test: gofmt check, go vet, and every test with the race detector in shuffled order.
test: fmt-check vet gotest

## fmt-check: fail if any file is not gofmt-ed.
fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

## vet: go vet on every package.
vet:
	$(GO) vet ./...

## gotest: go test -race -shuffle=on on every package.
gotest:
	$(GO) test -race -shuffle=on -count=1 ./...

## bench: the main job. Runs every worker sweep (arcfour, sha, primes, qsort,
## flag downloads against a delaying flagstest server) COUNT times, writes
## bench/results/<time>/{raw.txt,benchstat.txt,report.md,speedup.svg} and
## bench/results/latest, and prints the scaling report.
bench:
	./scripts/bench.sh

## bench-ab: measure two commits interleaved and gate NEW against OLD:
## make bench-ab OLD=<rev> NEW=<rev> (OLD defaults to HEAD, NEW to the
## working tree) [SUITES=arcfour,sha] [COUNT=6] [THRESHOLD=5%].
bench-ab:
	@bash scripts/bench-ab.sh

## bench-compare: compare two results folders (or raw files) with benchstat's
## statistics; exits as benchreport compare does: 1 on a regression over
## THRESHOLD, 3 when the machine changed between the runs.
bench-compare:
	@test -n "$$OLD" -a -n "$$NEW" || { echo "usage: make bench-compare OLD=dir NEW=dir [THRESHOLD=5%]"; exit 2; }
	@# Built, not go run: go run turns every failing status into 1, and a CI
	@# script must tell 1 (a regression) from 3 (the machine changed).
	@bin=$$(mktemp -d) && trap 'rm -rf "$$bin"' EXIT && "$$GO" build -o "$$bin/benchreport" ./cmd/benchreport && \
		"$$bin/benchreport" compare -threshold "$$THRESHOLD" -- "$$OLD" "$$NEW"

## bench-arcfour: arcfour against crypto/rc4 in two builds whose code layout
## differs (scripts/arcfour-layout.sh), 8 interleaved rounds each.
bench-arcfour:
	./scripts/arcfour-layout.sh

## fuzz: run every fuzz target for FUZZTIME each.
fuzz:
	@for pkg in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "fuzz: $$pkg $$f"; \
			$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done

## compare-nginx: cmd/flagserver's request rate against nginx over loopback
## with wrk (needs: apt-get install nginx-light wrk). Not part of `make test`.
compare-nginx:
	./scripts/compare-nginx.sh

## clean: remove benchmark results and the test cache.
clean:
	rm -rf $(RESULTS)
	$(GO) clean -testcache
