# Makefile for the futures harness. `make test` is what CI runs; `make bench`
# is the main job. Everything comes through go.mod: only Go is needed.

GO        ?= go
# COUNT: runs of every benchmark (benchstat wants at least 10 for a confident median).
COUNT     ?= 10
# BENCHTIME: go test -benchtime for every benchmark (e.g. 1s, 20x).
BENCHTIME ?= 1s
# BENCH: which benchmarks `make bench` runs (a go test -bench pattern).
BENCH     ?= .
# PKGS: the packages `make bench` runs.
PKGS      ?= ./...
# FUZZTIME: how long `make fuzz` runs each fuzz target.
FUZZTIME  ?= 10s

RESULTS   := bench/results
STAMP     := $(shell date -u +%Y%m%dT%H%M%SZ)
OUT       := $(RESULTS)/$(STAMP)

.PHONY: all test fmt-check vet gotest bench fuzz clean compare-nginx

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

## bench: run the benchmarks COUNT times into bench/results/<time>/raw.txt and
## compare the worker sweeps with benchstat (columns are worker counts).
bench:
	@mkdir -p $(OUT)
	@echo "bench: go test -bench '$(BENCH)' -count $(COUNT) -benchtime $(BENCHTIME) $(PKGS) > $(OUT)/raw.txt"
	$(GO) test -run '^$$' -bench '$(BENCH)' -count $(COUNT) -benchtime $(BENCHTIME) $(PKGS) | tee $(OUT)/raw.txt | grep --line-buffered -E '^(pkg:|ok|FAIL|---)' 
	@ln -sfn $(STAMP) $(RESULTS)/latest
	$(GO) tool benchstat -col /workers $(OUT)/raw.txt | tee $(OUT)/benchstat.txt

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
