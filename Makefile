# Makefile for the futures harness. `make test` is what CI runs; `make bench`
# is the main job. Everything comes through go.mod: only Go is needed.

GO        ?= go
# The knobs of make bench and make bench-ab (cmd/benchrun reads them from
# the environment; unset, its defaults hold):
# COUNT: a fixed number of rounds (at least 6 for a confidence interval).
#   Unset, make bench looks at its suites after rounds 6, 12 and 20 and
#   stops measuring those whose verdict is settled (bench-ab: 6 rounds).
# BUDGET (2m): the measuring time make bench may take: past round 6 it
#   measures the suites still undecided only while the next look fits.
# BENCHTIME (150ms): go test -benchtime of the CPU-bound sweeps (1s, 20x).
# GRAIN_BENCHTIME (20ms): of the pool's granularity sweep.
# FLAGS_N (16), FLAGS_DELAY (20ms): codes per op and server delay of the
#   download sweep.
# SUITES: the suites, by id, comma-separated (default all:
#   arcfour,sha,primes,qsort,grain,downloads,downloads1).
# THRESHOLD (5%): the smallest change bench-ab and bench-compare fail on.
THRESHOLD ?= 5%
# FUZZTIME: how long `make fuzz` runs each fuzz target.
FUZZTIME  ?= 10s

RESULTS   := bench/results

# The knobs go to cmd/benchrun in the environment: exported, never pasted
# into a shell line, so that a value (a revision, a path) is passed as it
# is, whatever characters it holds.
export GO COUNT BUDGET BENCHTIME GRAIN_BENCHTIME FLAGS_N FLAGS_DELAY SUITES THRESHOLD OLD NEW

# benchrun builds cmd/benchrun and runs it with $(1): built, not go run, as
# go run turns every failing status into 1, and bench-ab's 1 (a
# regression) must stay apart from its 3 (the machine changed).
define benchrun
@bin=$$(mktemp -d) && trap 'rm -rf "$$bin"' EXIT && "$$GO" build -o "$$bin/benchrun" ./cmd/benchrun && "$$bin/benchrun" $(1)
endef

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
## the pool's grain, flag downloads against a delaying server) in rounds
## until each is settled or the budget is spent (or COUNT rounds), writes
## bench/results/<time>/{raw.txt,benchstat.txt,report.md,report.html,
## speedup.svg,profiles/} and bench/results/latest, and prints the report.
bench:
	$(call benchrun,bench)

## bench-ab: measure two commits interleaved and gate NEW against OLD:
## make bench-ab OLD=<rev> NEW=<rev> (OLD defaults to HEAD, NEW to the
## working tree) [SUITES=arcfour,sha] [COUNT=6] [THRESHOLD=5%].
bench-ab:
	$(call benchrun,ab)

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
