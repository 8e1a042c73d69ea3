package sweep

import (
	"math"
	"runtime/metrics"
	"sync"
	"testing"
	"time"
)

// The names of the metrics Measure reports beside the time per op. Each is a
// per-op delta over the timed window; cmd/benchreport reads them by these
// names, so that they travel in the benchfmt file and benchstat shows them.
const (
	// UnitCPU is the CPU time (user + system, the whole process) per op.
	UnitCPU = "cpu-sec/op"
	// UnitPreempts is the involuntary context switches per op.
	UnitPreempts = "preempts/op"
	// UnitProcs is GOMAXPROCS while the point ran.
	UnitProcs = "gomaxprocs"
	// UnitOthers is the CPU time per op that the rest of the machine used
	// while the point ran: the machine's busy time from /proc/stat (steal
	// included) minus the process's own.
	UnitOthers = "others-sec/op"
	// UnitRunq is the time per op the process's threads were runnable but
	// not running, summed over the threads (/proc/self/task/*/schedstat).
	UnitRunq = "runq-sec/op"
	// UnitLock is the time per op goroutines spent blocked on a
	// sync.Mutex, sync.RWMutex or runtime-internal lock, summed over the
	// goroutines (/sync/mutex/wait/total:seconds).
	UnitLock = "lockwait-sec/op"
	// UnitGC is the collector's CPU time per op
	// (/cpu/classes/gc/total:cpu-seconds, an overestimate that moves only
	// when a collection ends).
	UnitGC = "gc-sec/op"
	// UnitSteal is the CPU time per op the hypervisor gave to other guests
	// while the point ran, over the whole machine (Linux: /proc/stat's
	// steal, counted only beyond its 10 ms ticks). A stolen thread is not
	// on a run queue: without this, a busy host looks like idle cores.
	UnitSteal = "steal-sec/op"
	// UnitSched is the time per op goroutines spent runnable, waiting for
	// a P (the sum of /sched/latencies:seconds, from its buckets).
	UnitSched = "schedwait-sec/op"
	// UnitBest is the best time per op the work allows at this point, as
	// declared by [ReportBest].
	UnitBest = "best-sec/op"
	// UnitTasks is the number of tasks an op runs, as declared by
	// [ReportTasks].
	UnitTasks = "tasks/op"
)

// declared holds, per running [Measure], the metrics a sweep declared with
// [ReportBest] and [ReportTasks]. testing's b.Loop and b.ResetTimer delete
// the metrics reported before them, so Measure reports these after fn.
var declared sync.Map // *testing.B -> *sync.Map (unit -> float64)

func declare(b testing.TB, value float64, unit string) {
	if m, ok := declared.Load(b); ok {
		m.(*sync.Map).Store(unit, value)
		return
	}
	if rb, ok := b.(interface{ ReportMetric(float64, string) }); ok {
		rb.ReportMetric(value, unit)
	}
}

// ReportBest declares the best time per op the work of this point allows:
// a download of n items through c connections to a server that waits d for
// each can take no less than ceil(n/c) x d, and a list of uneven tasks no
// less than [Makespan] of its tasks on the cores. cmd/benchreport then
// judges the point against it rather than against min(workers, cores)
// times the speed of one worker. Call it from the function given to
// [Workers], [Over] or [Measure].
//
// Inside Measure (and so Workers and Over) it may be called anywhere, before
// or after the timed loop.
func ReportBest(b *testing.B, best time.Duration) { declare(b, best.Seconds(), UnitBest) }

// ReportTasks declares how many tasks an op runs, so that cmd/benchreport
// can tell the time per task and name the executor's own cost where tasks
// are tiny.
func ReportTasks(b *testing.B, n int) { declare(b, float64(n), UnitTasks) }

// Makespan is the time a list of tasks takes on the given number of
// workers, scheduled longest first onto the least loaded worker (LPT): the
// best a list of uneven tasks allows, never less than its longest task.
func Makespan(tasks []time.Duration, workers int) time.Duration {
	workers = max(workers, 1)
	sorted := make([]time.Duration, len(tasks))
	copy(sorted, tasks)
	// Insertion sort, descending: lists are short.
	for i := 1; i < len(sorted); i++ {
		for j := i; j > 0 && sorted[j] > sorted[j-1]; j-- {
			sorted[j], sorted[j-1] = sorted[j-1], sorted[j]
		}
	}
	load := make([]time.Duration, workers)
	for _, t := range sorted {
		least := 0
		for i := range load {
			if load[i] < load[least] {
				least = i
			}
		}
		load[least] += t
	}
	var top time.Duration
	for _, l := range load {
		top = max(top, l)
	}
	return top
}

// clockTicks is USER_HZ, the unit of /proc/stat: 100 on every Linux
// architecture Go supports (the kernel exports it as such whatever HZ is).
const clockTicks = 100

// busyTicks are the machine's busy times by kind, in ticks (see
// machineBusy).
type busyTicks [6]uint64

// othersBusy is the CPU time the rest of the machine used between two
// readings, given the process's own (cpu, exact), in seconds: the machine's
// busy time less the process's, less what the readings cannot resolve. The
// kernel keeps nanoseconds but /proc/stat gives ticks of 10 ms, each kind
// truncated, so a delta of a kind that moved is off by up to one tick: the
// evidence counts only what is beyond that, and a window too short to
// resolve (a few ms) shows no busy machine rather than a made-up one.
func othersBusy(t0, t1 busyTicks, cpu float64) float64 {
	var busy, moved uint64
	for k := range t0 {
		if t1[k] > t0[k] {
			busy += t1[k] - t0[k]
			moved++
		}
	}
	return max(float64(busy)/clockTicks-cpu-float64(moved)/clockTicks, 0)
}

// stealBusy is the steal time between two readings, in seconds, beyond
// the one tick /proc/stat cannot resolve.
func stealBusy(t0, t1 busyTicks) float64 {
	if t1[5] <= t0[5] {
		return 0
	}
	return max(float64(t1[5]-t0[5]-1)/clockTicks, 0)
}

// snapshot is the evidence at one instant. A field the OS does not give is
// NaN (machine and runq off Linux).
type snapshot struct {
	wall     time.Time
	cpu      time.Duration
	preempts int64
	cpuOK    bool
	machine  busyTicks // busy time of the whole machine, steal included
	machOK   bool
	runq     float64 // seconds the process's threads waited on a run queue
	lock     float64
	gc       float64
	sched    float64
}

var runtimeMetrics = []string{
	"/sync/mutex/wait/total:seconds",
	"/cpu/classes/gc/total:cpu-seconds",
	"/sched/latencies:seconds",
}

// evidenceOn is false in the benchmark that measures what the evidence
// costs.
var evidenceOn = true

func take(samples []metrics.Sample) snapshot {
	var s snapshot
	s.cpu, s.preempts, s.cpuOK = usage()
	s.runq = math.NaN()
	s.lock, s.gc, s.sched = math.NaN(), math.NaN(), math.NaN()
	if evidenceOn {
		s.machine, s.machOK = machineBusy()
		s.runq = runQueueDelay()
		metrics.Read(samples)
		s.lock = float(samples[0])
		s.gc = float(samples[1])
		s.sched = histSum(samples[2])
	}
	s.wall = time.Now()
	return s
}

func float(s metrics.Sample) float64 {
	if s.Value.Kind() != metrics.KindFloat64 {
		return math.NaN()
	}
	return s.Value.Float64()
}

// histSum is the total of a histogram of seconds: each bucket's count at
// its middle (the lower bound of an open-ended last bucket).
func histSum(s metrics.Sample) float64 {
	if s.Value.Kind() != metrics.KindFloat64Histogram {
		return math.NaN()
	}
	h := s.Value.Float64Histogram()
	total := 0.0
	for i, n := range h.Counts {
		if n == 0 {
			continue
		}
		lo, hi := h.Buckets[i], h.Buckets[i+1]
		mid := (lo + hi) / 2
		switch {
		case math.IsInf(hi, 1):
			mid = lo
		case math.IsInf(lo, -1):
			mid = hi
		}
		total += float64(n) * mid
	}
	return total
}
