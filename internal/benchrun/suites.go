package benchrun

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/futuresbench/futures/sweep"
)

// Suite is one sweep of make bench: a package's benchmarks, measured once
// a round in one process per GOMAXPROCS setting.
type Suite struct {
	ID    string // the name SUITES chooses it by
	Label string // as the progress line says it
	Pkg   string // the package, relative to the module's root: ./arcfour
	Bench string // go test -bench's regexp
	// Benchtime is go test -benchtime; Scaled divides it among the counts
	// of a worker sweep as among four (ScaleBenchtime).
	Benchtime string
	Scaled    bool
	Procs     []int    // the GOMAXPROCS settings, one process each
	Flags     []string // more test binary flags
	Canary    bool     // the machine's reference, opening and closing every round
	// Benchstat are the arguments of its table in benchstat.txt (before
	// the file); suites with the same arguments share one table.
	Benchstat []string
}

// Binary is the name of the suite's test binary.
func (s Suite) Binary() string { return testBinary(s.Pkg) }

// testBinary is the name of a package's test binary.
func testBinary(pkg string) string { return path.Base(pkg) + ".test" }

// Table returns make bench's suites for these knobs on a machine whose
// processes get all GOMAXPROCS: every CPU-bound sweep and the pool download
// sweep once with GOMAXPROCS=1 (goroutines take turns on one thread, as
// Python threads do under the GIL) and once with every core (in parallel,
// like a process pool). One process per setting: go test -cpu 1,N measures
// the first sample of a sub-benchmark at the wrong setting (golang/go#49980).
func Table(k Knobs, all int) []Suite {
	both := []int{1, all}
	if all == 1 {
		both = []int{1}
	}
	delay := k.FlagsDelay.String()
	download := []string{"-download.n=" + strconv.Itoa(k.FlagsN), "-download.delay=" + delay}
	// benchstat's tables: columns by worker count, rows by benchmark and
	// GOMAXPROCS (the -N suffix; none for 1), time and CPU time per op.
	units := " .unit:(sec/op OR cpu-sec/op)"
	workers := func(pkg string) []string {
		return []string{"-col", "/workers", "-filter", "pkg:/\\/" + pkg + "$/ /workers:/.+/" + units}
	}
	flags := []string{"-col", "/concurrency", "-filter", "pkg:/\\/flags$/" + units}
	suites := []Suite{
		{ID: "arcfour", Label: "arcfour jobs", Pkg: "./arcfour", Bench: "^BenchmarkJobs$", Benchtime: k.Benchtime, Scaled: true, Procs: both, Benchstat: workers("arcfour")},
		{ID: "sha", Label: "sha jobs", Pkg: "./sha", Bench: "^BenchmarkJobs$", Benchtime: k.Benchtime, Scaled: true, Procs: both, Benchstat: workers("sha")},
		{ID: "primes", Label: "primes map", Pkg: "./primes", Bench: "^BenchmarkMap$", Benchtime: k.Benchtime, Scaled: true, Procs: both, Benchstat: workers("primes")},
		{ID: "qsort", Label: "qsort sort many", Pkg: "./qsort", Bench: "^BenchmarkSortMany$", Benchtime: k.Benchtime, Scaled: true, Procs: both, Benchstat: workers("qsort")},
		// The grain sweep: executors by task size, at every core.
		{ID: "grain", Label: "pool grain (where futures pay off)", Pkg: "./pool", Bench: "^BenchmarkGrain$", Benchtime: k.GrainBenchtime, Scaled: true, Procs: []int{all},
			Benchstat: []string{"-col", "/exec", "-row", "/work", "-filter", fmt.Sprintf(".name:Grain /workers:%d .unit:sec/op", all)}},
		{ID: "downloads", Label: "flag downloads, delay " + delay, Pkg: "./flags", Bench: "^BenchmarkDownload$/^delay=" + delay + "$", Benchtime: k.FlagsBenchtime, Procs: []int{all}, Flags: download, Benchstat: flags},
		// At GOMAXPROCS=1 the downloads suite already runs at 1.
		{ID: "downloads1", Label: "pool downloads, one at a time", Pkg: "./flags", Bench: "^BenchmarkDownload$/^delay=" + delay + "$/^n=/^mode=pool$", Benchtime: k.FlagsBenchtime, Procs: []int{1}, Flags: download, Benchstat: flags},
	}
	if all == 1 {
		suites = slices.DeleteFunc(suites, func(s Suite) bool { return s.ID == "downloads1" })
	}
	return suites
}

// Canary is the suite of internal/canary: a fixed workload whose time moves
// with the machine alone, which benchreport compare reads before judging
// anything else. It opens and closes every round, one at a time: twice a
// round gives its median an interval half as wide.
func Canary(k Knobs) Suite {
	return Suite{ID: "canary", Label: "canary (the machine's reference)", Pkg: "./internal/canary", Bench: "^BenchmarkCanary$", Benchtime: k.CanaryBenchtime, Procs: []int{1}, Canary: true,
		Benchstat: []string{"-filter", "pkg:/\\/internal\\/canary$/"}}
}

// IDs are the suites' ids.
func IDs(suites []Suite) []string {
	ids := make([]string, len(suites))
	for i, s := range suites {
		ids[i] = s.ID
	}
	return ids
}

// Choose returns the suites of the table at all GOMAXPROCS that ids
// (comma-separated; empty: all) names, in the table's order; an id no
// table has is a usage error. An id the machine drops (downloads1 on one
// core) is left out quietly.
func Choose(k Knobs, all int, ids string) ([]Suite, error) {
	table := Table(k, all)
	known := IDs(Table(k, 2))
	if ids == "" {
		return table, nil
	}
	want := strings.Split(ids, ",")
	for _, w := range want {
		if !slices.Contains(known, w) {
			return nil, fmt.Errorf("unknown suite %q in SUITES (want some of: %s)", w, strings.Join(known, ","))
		}
	}
	var out []Suite
	for _, s := range table {
		if slices.Contains(want, s.ID) {
			out = append(out, s)
		}
	}
	return out, nil
}

// baseCounts is the number of counts a sweep's benchtime is set for.
const baseCounts = 4

// ScaleBenchtime divides a worker sweep's benchtime among the counts
// sweep.CountsFor(procs) gives as it would be among baseCounts (1, 2, 3, 4
// on 2 cores), so that GOMAXPROCS=64 make bench costs about what make bench
// costs on 2 cores; never below 1x or 10ms.
func ScaleBenchtime(benchtime string, procs int) string {
	counts := len(sweep.CountsFor(procs))
	if counts <= baseCounts {
		return benchtime
	}
	if n, ok := strings.CutSuffix(benchtime, "x"); ok {
		i, _ := strconv.Atoi(n)
		return strconv.Itoa(max(1, i*baseCounts/counts)) + "x"
	}
	d, _ := time.ParseDuration(benchtime)
	return max(10*time.Millisecond, d*baseCounts/time.Duration(counts)).String()
}

// ParseBenchtime checks a -benchtime: a positive duration, or Nx with N >= 1.
func ParseBenchtime(s string) error {
	if n, ok := strings.CutSuffix(s, "x"); ok {
		if i, err := strconv.Atoi(n); err == nil && i >= 1 {
			return nil
		}
	} else if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return nil
	}
	return fmt.Errorf("benchtime %q: want a duration (500ms) or a count of ops (20x)", s)
}

// SitesWindow is SWEEP_SITES for the one round that takes package
// sweep's sites passes: "runs:count", so that the passes of that round
// spend 5% of the wall time of all count rounds of each sweep, at the
// points the verdict reads (sweep decides where and how long, one op at
// least). benchtime no longer sets it; it is kept for the callers.
func SitesWindow(benchtime string, count int) string {
	_ = benchtime
	if count < 1 {
		return "off"
	}
	return "runs:" + strconv.Itoa(count)
}
