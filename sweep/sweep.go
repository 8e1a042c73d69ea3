// Package sweep runs a benchmark over a range of worker counts, named the way
// cmd/benchreport and `benchstat -col /workers` read them:
//
//	func BenchmarkMine(b *testing.B) {
//		sweep.Workers(b, func(b *testing.B, workers int) {
//			for b.Loop() {
//				pool.Collect(b.Context(), workers, inputs, fn)
//			}
//		})
//	}
//
// runs BenchmarkMine/workers=1, workers=2, ... over [Counts]: 1, GOMAXPROCS,
// the counts around it, 2×GOMAXPROCS, and a geometric series between them, so
// that a sweep's cost grows with the logarithm of the core count (at most 16
// counts at any GOMAXPROCS; 1, 2, 3, 4 on 2 cores).
//
// Each sub-benchmark also reports metrics beside its time ([Measure] lists
// them all; the first three are):
//
//   - cpu-sec/op: the CPU time (user + system, the whole process, from
//     getrusage) spent per op. A workload that got slower costs more CPU per
//     op; a machine that was busy makes the time per op rise while the CPU per
//     op does not, and cmd/benchreport uses this to name disturbed points.
//   - preempts/op: the involuntary context switches per op (getrusage):
//     the kernel took a CPU from a thread of the process that could run,
//     because something else wanted it. A machine that got busier raises
//     it; code that got slower by waiting more does not.
//   - gomaxprocs: GOMAXPROCS while it ran, so that a sample measured at
//     another setting than its name says (golang/go#49980, with go test -cpu)
//     is caught by cmd/benchreport instead of being averaged in.
//
// After a sweep's timed samples, once a process, a sites pass runs the
// points the verdict reads (GOMAXPROCS, workers=1 and the largest count)
// once more, untimed and unreported, whole ops, within 5% of the sweep's
// wall time, with the CPU (at 1000 Hz), mutex, block and allocs profiles
// and an execution trace on, and prints where the time went ([Sites]) in
// a line after the results, where cmd/benchreport finds it: the site of
// what limits the sweep, as a call path (the critical section of a lock
// and the CPU spent spinning on it, the sites that allocate, the
// functions whose CPU grew, what ran beside the workers, where goroutines
// waited), and the idle core time of the timed ops split into a serial
// part, the tail of one long task, workers blocked and goroutines
// runnable, each with its site ([Idle]). [EnvSites] sets its length or
// turns it off; [EnvProfiles] keeps the profiles as files for go tool
// pprof and go tool trace.
//
// To measure the chapter's two executors, run the same sweep once with
// GOMAXPROCS=1 (goroutines take turns on one thread, as Python threads do
// under the GIL) and once with all cores (in parallel, like a process pool):
// one process per setting, never go test -cpu 1,N.
package sweep

import (
	"flag"
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// MaxCounts is the most worker counts [Counts] returns.
const MaxCounts = 16

// Counts returns the worker counts of a sweep at the current GOMAXPROCS.
func Counts() []int { return CountsFor(runtime.GOMAXPROCS(0)) }

// CountsFor returns the worker counts of a sweep on procs cores, ascending:
// 1, procs-1, procs, procs+1 and top = max(2×procs, 4), with as many counts of
// a geometric series from 1 to top as fit in [MaxCounts] (ratio √2, or 2, 4,
// ... where √2 would give too many).
func CountsFor(procs int) []int {
	procs = max(procs, 1)
	top := max(2*procs, 4)
	fixed := []int{1, procs - 1, procs, procs + 1, top}
	for ratio := math.Sqrt2; ; ratio *= ratio {
		set := map[int]bool{}
		for _, c := range fixed {
			if c >= 1 {
				set[c] = true
			}
		}
		for x := 1.0; x < float64(top); x *= ratio {
			set[int(math.Round(x))] = true
		}
		if top <= 4 {
			for c := 1; c <= top; c++ {
				set[c] = true
			}
		}
		if len(set) <= MaxCounts {
			counts := make([]int, 0, len(set))
			for c := range set {
				counts = append(counts, c)
			}
			slices.Sort(counts)
			return counts
		}
	}
}

// Workers runs fn as sub-benchmarks of b named workers=N, one for each of
// [Counts], each reporting cpu-sec/op and gomaxprocs beside its time.
func Workers(b *testing.B, fn func(b *testing.B, workers int)) {
	Over(b, "workers", Counts(), fn)
}

// Over runs fn as sub-benchmarks of b named key=N for each N of counts, each
// reporting cpu-sec/op and gomaxprocs beside its time. It is [Workers] for
// sweeps over another key (the flag downloads sweep concurrency=N).
//
// With a -benchtime of iterations (20x), a first untimed and unreported run
// warms the process up. The counts run in ascending order, or, where the environment variable
// SWEEP_ROTATE holds a number r, starting r places further along (wrapping
// around): `make bench` sets it to the round number, so that the first
// sub-benchmark of each process, which pays for a cold process (page faults
// on fresh memory, a heap still growing), is not always the same count.
func Over(b *testing.B, key string, counts []int, fn func(b *testing.B, n int)) {
	if r, err := strconv.Atoi(os.Getenv("SWEEP_ROTATE")); err == nil && len(counts) > 0 {
		r = (r%len(counts) + len(counts)) % len(counts)
		counts = append(slices.Clone(counts[r:]), counts[:r]...)
	}
	if len(counts) > 0 && shortBenchtime() {
		// A process's first sub-benchmark pays for the cold process (page
		// faults on fresh memory, a heap still growing): with a benchtime
		// of a few iterations that is a tenth of a sample or more. One
		// untimed, unreported run first; a skipped sub-benchmark prints no
		// result line.
		b.Run("warmup", func(b *testing.B) {
			fn(b, counts[0])
			b.SkipNow()
		})
	}
	start := time.Now()
	opTime := map[int]time.Duration{}
	for _, n := range counts {
		b.Run(fmt.Sprintf("%s=%d", key, n), func(b *testing.B) {
			Measure(b, func(b *testing.B) { fn(b, n) })
			if b.N > 0 {
				opTime[n] = b.Elapsed() / time.Duration(b.N)
			}
		})
	}
	// The sites passes come after the timed samples, which they cannot
	// move, and their lines after the results.
	passes(b, key, counts, opTime, time.Since(start), fn)
}

// procStart is about when the test binary started: where -test.timeout
// counts from (testing starts its alarm in M.Run, a moment later).
var procStart = time.Now()

// timeoutLeft is what is left of the test binary's -test.timeout, ok
// false where none is set (0, or not a test binary).
func timeoutLeft() (time.Duration, bool) {
	f := flag.Lookup("test.timeout")
	if f == nil {
		return 0, false
	}
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return 0, false
	}
	d, ok := g.Get().(time.Duration)
	if !ok || d <= 0 {
		return 0, false
	}
	return max(d-time.Since(procStart), 0), true
}

// fitTimeout is the window w at a point whose op takes op, cut so that it
// and the points after it (points, this one among them) fit in half of
// left, what is left of -test.timeout, each at least one op: a pass
// EnvSites sets is never stopped once it runs, and a timeout's panic
// waits for it. cut says whether w was shortened.
func fitTimeout(w window, op, left time.Duration, points int) (window, bool) {
	share := left / 2 / time.Duration(max(points, 1))
	switch {
	case w.d > 0 && w.d > share:
		return window{d: max(share, min(op, w.d), time.Nanosecond)}, true
	case w.n > 0 && op > 0 && time.Duration(w.n)*op > share:
		return window{n: max(int(share/op), 1)}, true
	}
	return w, false
}

// passes runs the sites passes of a sweep: at every point for the window
// EnvSites sets, or as planPasses plans them.
func passes(b *testing.B, key string, counts []int, opTime map[int]time.Duration, timed time.Duration, fn func(b *testing.B, n int)) {
	w, set, off, runs := envWindow()
	if off {
		return
	}
	benchPkg := callerPkg()
	run := func(n int, w window) *Sites {
		name := fmt.Sprintf("%s=%d", key, n)
		t0 := time.Now()
		sites := sitesPass(b, name, benchPkg, w, func(b *testing.B) { fn(b, n) })
		if sites != nil {
			sites.PassWall, sites.SweepWall = time.Since(t0).Seconds(), timed.Seconds()
			printSites(sites, printedName(b.Name()+"/"+name))
		}
		return sites
	}
	if set {
		for i, n := range counts {
			wn := w
			if left, ok := timeoutLeft(); ok {
				var cut bool
				if wn, cut = fitTimeout(w, opTime[n], left, len(counts)-i); cut {
					say(fmt.Sprintf("%s=%q: passes shortened to fit in half of what is left of -test.timeout", EnvSites, shortName(os.Getenv(EnvSites))))
				}
			}
			run(n, wn)
		}
		return
	}
	plan := planPasses(counts, opTime, timed, runs)
	notRun := map[int]string{}
	for i, n := range plan.order {
		w, ok := plan.next(i)
		if !ok {
			notRun[n] = fmt.Sprintf("not run: one op (%v, with what a pass costs beside it) does not fit what is left of the passes' budget (%v of %v: 5%% of the sweep's wall time)",
				opTime[n].Round(time.Microsecond), (plan.budget - plan.spent).Round(time.Millisecond), plan.budget.Round(time.Millisecond))
			continue
		}
		t0 := time.Now()
		if s := run(n, w); s != nil {
			plan.done(n, w, time.Since(t0), s.opsWall)
		}
	}
	// The other points say where the budget went, so that a reader
	// knows the pass was not lost.
	var at []string
	for _, n := range plan.order {
		at = append(at, fmt.Sprintf("%s=%d", key, n))
	}
	for _, n := range counts {
		why, ok := notRun[n]
		if !ok && slices.Contains(plan.order, n) {
			continue
		}
		if !ok {
			why = "not run: the passes' budget goes to the points the verdict reads (" + strings.Join(at, ", ") + ")"
		}
		name := fmt.Sprintf("%s=%d", key, n)
		if _, seen := sitesDone.LoadOrStore(b.Name()+"/"+name, true); seen {
			continue
		}
		printSites(&Sites{Skipped: []string{why}}, printedName(b.Name()+"/"+name))
	}
}

// noLoopStart holds, per benchmark, whether its last run showed no start
// of a timed loop (see Measure).
var noLoopStart sync.Map // *testing.B -> bool

// printSites writes a point's sites line, bounded (sitesLine), or says
// on stderr why there is none.
func printSites(s *Sites, point string) {
	if line, ok := sitesLine(s, point); ok {
		fmt.Fprintln(os.Stdout, line)
	} else {
		noSitesLine(point)
	}
}

// printedName is a sub-benchmark's name as go test prints it: with the
// -N suffix where GOMAXPROCS is not 1.
func printedName(name string) string {
	if p := runtime.GOMAXPROCS(0); p != 1 {
		return fmt.Sprintf("%s-%d", name, p)
	}
	return name
}

// shortBenchtime reports whether -test.benchtime is a count of iterations
// (20x) rather than a duration, the case where a cold first sample weighs.
func shortBenchtime() bool {
	f := flag.Lookup("test.benchtime")
	return f != nil && strings.HasSuffix(f.Value.String(), "x")
}

// Measure runs fn(b) and reports, beside its time, the evidence of what
// limits it, each per op over the timed window (the metrics are named by the
// Unit constants):
//
//   - cpu-sec/op: the CPU time of the whole process (getrusage);
//   - preempts/op: its threads' involuntary context switches;
//   - gomaxprocs: the GOMAXPROCS it ran at;
//   - others-sec/op: the CPU time the rest of the machine took meanwhile
//     (Linux: /proc/stat, steal included, less the process's own, counted
//     only beyond the 10 ms ticks /proc/stat resolves);
//   - runq-sec/op: the time the process's threads were runnable but not
//     running (Linux: /proc/self/task/*/schedstat);
//   - lockwait-sec/op, gc-sec/op, schedwait-sec/op: from runtime/metrics,
//     the time goroutines were blocked on locks, the collector's CPU time,
//     and the time goroutines waited for a P.
//
// The reads happen with the benchmark timer stopped, so they cost the time
// per op nothing (BenchmarkEvidenceCost measures it). fn is the body of a
// benchmark: call Measure from the function given to b.Run.
func Measure(b *testing.B, fn func(b *testing.B)) {
	procs := runtime.GOMAXPROCS(0)
	samples := make([]metrics.Sample, len(runtimeMetrics))
	for i, name := range runtimeMetrics {
		samples[i].Name = name
	}
	decl := new(sync.Map)
	declared.Store(b, decl)
	defer declared.Delete(b)
	b.StopTimer()
	s0 := take(samples)
	b.StartTimer()
	loopStart := func() (snapshot, bool) { return snapshot{}, false }
	if none, _ := noLoopStart.Load(b); none != true {
		loopStart = watchLoopStart()
	}
	fn(b)
	b.StopTimer()
	s1 := take(samples)
	startSeen := false
	if s, ok := loopStart(); ok {
		// The window starts where the timed loop did, after fn's setup.
		s0, startSeen = s, true
	}
	// A benchmark written with b.N that never resets its timer is timed
	// from its start: testing calls it again with a larger b.N, and the
	// watcher, which would poll all along those timed runs (its wake-ups
	// cost CPU the evidence would count), is not started for them.
	noLoopStart.Store(b, !startSeen)
	wall := s1.wall.Sub(s0.wall)
	b.ReportMetric(float64(procs), UnitProcs)
	decl.Range(func(unit, value any) bool {
		b.ReportMetric(value.(float64), unit.(string))
		return true
	})
	if !s0.cpuOK || !s1.cpuOK || b.N == 0 || wall <= 0 {
		return
	}
	// The window measured here holds the timed loop (from its start, where
	// watchLoopStart saw it) and whatever fn did inside it with the timer
	// stopped: scale by the share of the window that was timed.
	timed := b.Elapsed()
	if !startSeen {
		timed = min(timed, wall)
	}
	// (A loop start seen a poll late leaves the window a little short of
	// the timed time: the share then extrapolates over it.)
	share := timed.Seconds() / wall.Seconds() / float64(b.N)
	cpu := (s1.cpu - s0.cpu).Seconds()
	b.ReportMetric(cpu*share, UnitCPU)
	b.ReportMetric(float64(s1.preempts-s0.preempts)*share, UnitPreempts)
	report := func(d float64, unit string) {
		if !math.IsNaN(d) {
			b.ReportMetric(max(d, 0)*share, unit)
		}
	}
	if s0.machOK && s1.machOK {
		report(othersBusy(s0.machine, s1.machine, cpu), UnitOthers)
		report(stealBusy(s0.machine, s1.machine), UnitSteal)
	}
	report(s1.runq-s0.runq, UnitRunq)
	report(s1.lock-s0.lock, UnitLock)
	report(s1.gc-s0.gc, UnitGC)
	report(s1.sched-s0.sched, UnitSched)
}
