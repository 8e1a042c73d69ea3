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
// After a sweep's timed samples, once a process, a sites pass runs each
// point once more, untimed and unreported, with the CPU, mutex, block and
// allocs profiles and an execution trace on, and prints where the time went
// ([Sites]) in a line after the results, where cmd/benchreport finds it:
// the site of what limits the sweep (the critical section of a lock, the
// sites that allocate, the functions whose CPU grew, what ran beside the
// workers, a serial part or one long task, where goroutines waited).
// [EnvSites] sets its length or turns it off; [EnvProfiles] keeps the
// profiles as files for go tool pprof and go tool trace.
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
	benchPkg := callerPkg()
	for _, n := range counts {
		name := fmt.Sprintf("%s=%d", key, n)
		if sites := sitesPass(b, name, benchPkg, opTime[n], func(b *testing.B) { fn(b, n) }); sites != nil {
			if line, ok := sitesLine(sites, printedName(b.Name()+"/"+name)); ok {
				fmt.Fprintln(os.Stdout, line)
			} else {
				noSitesLine(printedName(b.Name() + "/" + name))
			}
		}
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
	fn(b)
	b.StopTimer()
	s1 := take(samples)
	wall := s1.wall.Sub(s0.wall)
	b.ReportMetric(float64(procs), UnitProcs)
	decl.Range(func(unit, value any) bool {
		b.ReportMetric(value.(float64), unit.(string))
		return true
	})
	if !s0.cpuOK || !s1.cpuOK || b.N == 0 || wall <= 0 {
		return
	}
	// The window measured here holds the timed loop and whatever fn did
	// around it: scale by the share of the window that was timed.
	share := min(b.Elapsed(), wall).Seconds() / wall.Seconds() / float64(b.N)
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
