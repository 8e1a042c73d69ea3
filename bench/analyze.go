package bench

import (
	"fmt"
	"math"
	"strings"

	"golang.org/x/perf/benchmath"
)

// Confidence is the level of every interval in the report.
const Confidence = 0.95

// The units of package sweep's evidence, as they appear in a benchfmt file.
const (
	unitOthers = "others-sec/op"
	unitRunq   = "runq-sec/op"
	unitLock   = "lockwait-sec/op"
	unitGC     = "gc-sec/op"
	unitSched  = "schedwait-sec/op"
	unitBest   = "best-sec/op"
	unitTasks  = "tasks/op"
)

// Evidence is what a point's runs measured beside their time: medians per
// op, in seconds (tasks in tasks). A value not reported is NaN.
type Evidence struct {
	Others float64 // CPU time the rest of the machine took meanwhile
	Runq   float64 // time the process's threads waited on a run queue, summed over threads
	Lock   float64 // time goroutines were blocked on locks, summed over goroutines
	GC     float64 // the collector's CPU time (an estimate, runtime/metrics)
	Sched  float64 // time goroutines waited for a P, summed over goroutines
	Tasks  float64 // tasks per op, as the sweep declared them
}

// Shares split the core time a point could use (its time per op times
// min(X, Bound)) into what the process used and three kinds of loss; they
// add up to 1. A process that used more than its cores (the collector
// beside one worker) has Used 1, no loss, and its surplus in Surplus.
type Shares struct {
	Used    float64 // the process ran on the cores
	Machine float64 // other processes ran while the process's threads waited to run
	Lock    float64 // idle while goroutines waited on locks
	Idle    float64 // idle for any other reason: IO, sleep, channels, a serial part, a long task
	Surplus float64 // CPU share above 1: work beside the workers (the collector)
}

// Factors decompose a point's speedup over the base into parts that
// multiply to it:
//
//	Speedup = Ideal × Surplus × Machine × Lock × Idle × Work
//
// Ideal is min(X, Bound) / min(Base, Bound), what more cores give; Surplus,
// Machine, Lock and Idle are each share of the point over the same share of
// the base (below 1: more of the time lost that way than at the base); Work
// is the CPU per op of the base over that of the point (below 1: each op
// costs more CPU, by contention, the collector or memory). NaN where the
// point or the base has no CPU time.
type Factors struct {
	Ideal, Surplus, Machine, Lock, Idle, Work float64
	// WorkLo and WorkHi bound Work from the intervals of the two CPU
	// times (NaN with fewer than 6 runs).
	WorkLo, WorkHi float64
}

// Product multiplies the factors: the speedup they explain.
func (f Factors) Product() float64 {
	return f.Ideal * f.Surplus * f.Machine * f.Lock * f.Idle * f.Work
}

// Row is one worker count of an analysed sweep. Times are in seconds; a
// value that cannot be computed (an interval from too few runs) is NaN.
type Row struct {
	X              int
	Runs           int
	Median, Lo, Hi float64 // time per op and its confidence interval
	Speedup        float64 // base median / this median
	SpeedupLo      float64 // base Lo / this Hi
	SpeedupHi      float64 // base Hi / this Lo
	Efficiency     float64 // speedup per worker, relative to the base count
	Best           float64 // the best time the workload allows at X; NaN if no bound applies
	OfBest         float64 // Best / Median: 1 is as good as it gets
	// CPU is the median CPU time per op (cpu-sec/op), NaN where not
	// reported; CPUShare is CPU / (Median x min(X, Bound)): the share of
	// the cores the work could use that it got.
	CPU, CPULo, CPUHi, CPUShare float64
	Evidence                    Evidence
	Shares                      Shares  // NaN fields without CPU time
	Factors                     Factors // NaN fields without CPU time
	// Disturbed says why this point is not to be trusted ("" if it is).
	Disturbed string
}

// Thresholds of the verdict.
const (
	// BoundSlack is how far past 100% of the best allowed a median may be
	// before its point is called disturbed, where the runs give no interval.
	BoundSlack = 0.05
	// LowShare is the CPU share under which a point of CPU-bound work
	// ran while something else held the cores or its work waited, where
	// the OS gives no run-queue evidence to tell which.
	LowShare = 0.80
	// BusyShare is the share of a point's core time that other processes
	// must have taken, while its threads waited to run, for the point to
	// be called disturbed.
	BusyShare = 0.10
	// WaitShare is the CPU share at the base under which the work waits
	// (IO, sleep, channels): more workers than cores help it.
	WaitShare = 0.5
	// LockShare is the time goroutines waited on locks, over the wall
	// time, from which a lock is named.
	LockShare = 0.10
	// GCShare is the collector's share of the CPU from which it is named.
	GCShare = 0.15
	// Near is the share of the ideal speedup from which a point is said
	// to use its cores fully.
	Near = 0.90
	// TinyTask is the time per task under which a loss is the executor's
	// own cost per task, where the sweep declares its tasks (tasks/op).
	TinyTask = 10e-6
)

// Limit is what stops a sweep from scaling further.
type Limit int

const (
	// LimitUnknown: the evidence cannot decide (no CPU time, or too few
	// trusted points).
	LimitUnknown Limit = iota
	// LimitCores: the work uses every core it can; more need more cores.
	LimitCores
	// LimitLock: goroutines wait on a lock.
	LimitLock
	// LimitWaiting: the work waits (IO, sleep, channels) even one at a
	// time, so more workers than cores help and the cores do not bound it.
	LimitWaiting
	// LimitGC: the garbage collector takes the CPU the workers would use.
	LimitGC
	// LimitParallelism: not enough parallel work, a serial part or one
	// long task: cores sit idle with nothing to run.
	LimitParallelism
	// LimitWork: each op costs more CPU with more workers.
	LimitWork
	// LimitExecutor: tasks so small that the executor's cost per task
	// decides.
	LimitExecutor
	// LimitMachine: other processes took the cores; the work's own limit
	// cannot be told until it runs on a quieter machine.
	LimitMachine
)

var limitNames = [...]string{"unknown", "cores", "lock", "waiting", "gc", "parallelism", "work", "executor", "machine"}

// String is the limit's stable name, as the csv and json outputs give it.
func (l Limit) String() string {
	if int(l) < len(limitNames) {
		return limitNames[l]
	}
	return fmt.Sprintf("Limit(%d)", int(l))
}

// Phrase is the limit in a few words, as the chapter's table gives it.
func (l Limit) Phrase() string {
	switch l {
	case LimitCores:
		return "the cores"
	case LimitLock:
		return "a lock"
	case LimitWaiting:
		return "waiting (IO, sleep, channels)"
	case LimitGC:
		return "the garbage collector"
	case LimitParallelism:
		return "not enough parallel work"
	case LimitWork:
		return "more CPU per op"
	case LimitExecutor:
		return "the executor's own cost per task"
	case LimitMachine:
		return "a busy machine (run again)"
	}
	return "cannot tell what stops it"
}

// Analysis is a sweep with its statistics, its model and its verdict.
type Analysis struct {
	*Sweep
	Base int // the X speedups are relative to (1 unless missing)
	// Bound is how many workers can run at once: GOMAXPROCS, or the
	// machine's cores where the input says they are fewer.
	Bound int
	// Declared says Best comes from the sweep's own best-sec/op metric,
	// not from min(workers, cores).
	Declared bool
	// Waits says the base used less than WaitShare of its core: the work
	// waits, and the cores do not bound it.
	Waits    bool
	BestRule string // Best in words
	Rows     []Row
	// Limit is what stops it, named from the evidence at At, the point
	// the diagnosis reads; Serial is the fitted serial fraction where the
	// limit is LimitParallelism (NaN elsewhere).
	Limit  Limit
	At     int
	Serial float64
	// Diagnosis is the limit in words with its evidence; Verdict is how
	// far it scales, then the diagnosis.
	Diagnosis string
	Verdict   string
	Warnings  []string
	// Distrust names the disturbed points and how to get a clean answer;
	// empty when every point is trusted.
	Distrust string
}

// Analyze computes the model and the verdict of every sweep of the samples.
func Analyze(samples *Samples) []*Analysis {
	var out []*Analysis
	for _, s := range samples.Sweeps() {
		out = append(out, analyze(s))
	}
	return out
}

func summarize(values []float64) benchmath.Summary {
	sample := benchmath.NewSample(values, &benchmath.DefaultThresholds)
	return benchmath.AssumeNothing.Summary(sample, Confidence)
}

func finite(x float64) float64 {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return math.NaN()
	}
	return x
}

// metricMedian is the median of a point's unit, NaN where not reported.
func metricMedian(p Point, unit string) float64 {
	if vs := p.Metrics[unit]; len(vs) > 0 {
		return median(vs)
	}
	return math.NaN()
}

func analyze(s *Sweep) *Analysis {
	a := &Analysis{Sweep: s, Base: s.Points[0].X, Serial: math.NaN()}
	if a.Base != 1 {
		a.Warnings = append(a.Warnings, fmt.Sprintf("no %s=1: speedups are relative to %s=%d", s.Key, s.Key, a.Base))
	}
	procs := s.Procs
	if s.Cores > 0 && s.Cores < procs {
		a.Warnings = append(a.Warnings, fmt.Sprintf("GOMAXPROCS=%d on %d cores: at most %d run at once, and the bound, the CPU share and the verdict count %d", s.Procs, s.Cores, s.Cores, s.Cores))
		procs = s.Cores
	}
	a.Bound = max(procs, 1)
	a.Declared = true
	for _, p := range s.Points {
		if len(p.Metrics[unitBest]) == 0 {
			a.Declared = false
		}
	}
	fewRuns := false
	var base benchmath.Summary
	for i, p := range s.Points {
		sum := summarize(p.Values)
		if i == 0 {
			base = sum
		}
		r := Row{X: p.X, Runs: len(p.Values), Median: sum.Center, Lo: finite(sum.Lo), Hi: finite(sum.Hi)}
		if len(p.Values) < 6 {
			fewRuns = true
		}
		r.Speedup = base.Center / r.Median
		r.SpeedupLo = finite(base.Lo / sum.Hi)
		r.SpeedupHi = finite(base.Hi / sum.Lo)
		if math.IsNaN(r.Lo) || math.IsNaN(base.Lo) {
			r.SpeedupLo, r.SpeedupHi = math.NaN(), math.NaN()
		}
		r.Efficiency = r.Speedup * float64(a.Base) / float64(p.X)
		r.CPU, r.CPULo, r.CPUHi, r.CPUShare = math.NaN(), math.NaN(), math.NaN(), math.NaN()
		if len(p.CPU) > 0 {
			c := summarize(p.CPU)
			r.CPU, r.CPULo, r.CPUHi = c.Center, finite(c.Lo), finite(c.Hi)
			r.CPUShare = r.CPU / (r.Median * float64(a.cores(p.X)))
		}
		r.Evidence = Evidence{
			Others: metricMedian(p, unitOthers), Runq: metricMedian(p, unitRunq),
			Lock: metricMedian(p, unitLock), GC: metricMedian(p, unitGC),
			Sched: metricMedian(p, unitSched), Tasks: metricMedian(p, unitTasks),
		}
		r.Shares = shares(r, a.cores(p.X))
		r.Best = math.NaN()
		if a.Declared {
			r.Best = metricMedian(p, unitBest)
		}
		a.Rows = append(a.Rows, r)
	}
	b := a.Rows[0]
	a.Waits = !a.Declared && b.CPUShare < WaitShare
	switch {
	case a.Declared:
		a.BestRule = "declared by the sweep (best-sec/op)"
	case a.Waits:
		a.BestRule = fmt.Sprintf("none: at %s=%d the work used the CPU %s of the time, so it waits, and the cores do not bound it", a.Key, a.Base, pct(b.CPUShare))
	default:
		a.BestRule = fmt.Sprintf("min(w, %d %s) x faster than %s=%d", procs, plural("core", procs), s.Key, a.Base)
		for i := range a.Rows {
			a.Rows[i].Best = base.Center * float64(a.cores(a.Base)) / float64(a.cores(a.Rows[i].X))
		}
	}
	for i := range a.Rows {
		r := &a.Rows[i]
		r.OfBest = r.Best / r.Median
		r.Factors = factors(*r, b, a.cores(r.X), a.cores(a.Base))
	}
	if s.WrongProcs > 0 {
		a.Warnings = append(a.Warnings, fmt.Sprintf("%d runs left out: measured at another GOMAXPROCS than their name says (go test -cpu with sub-benchmarks, golang/go#49980: set GOMAXPROCS per process)", s.WrongProcs))
	}
	a.markDisturbed()
	for _, f := range s.Failed {
		a.Warnings = append(a.Warnings, fmt.Sprintf("Benchmark%s failed: its point is missing", f))
	}
	if fewRuns {
		a.Warnings = append(a.Warnings, "fewer than 6 runs at some counts: no confidence interval there (run with COUNT >= 6)")
	}
	a.Verdict = verdict(a)
	return a
}

// cores is how many of x workers can run at once.
func (a *Analysis) cores(x int) int { return max(min(x, a.Bound), 1) }

// shares splits a point's core time. The machine's part is the least of
// the time lost, the time the process's threads waited on a run queue and
// the CPU time others took: a queue alone may be the process's own threads
// (the collector behind the workers), and others' CPU alone may have run on
// cores the process did not want.
func shares(r Row, cores int) Shares {
	nan := math.NaN()
	if math.IsNaN(r.CPU) {
		return Shares{nan, nan, nan, nan, nan}
	}
	avail := r.Median * float64(cores)
	u := r.CPU / avail
	sh := Shares{Used: min(u, 1), Surplus: max(u-1, 0)}
	lost := max(1-u, 0)
	m := math.Min(lost, math.Min(r.Evidence.Runq, r.Evidence.Others)/avail)
	if math.IsNaN(m) {
		m = 0
	}
	l := math.Min(lost-m, r.Evidence.Lock/avail)
	if math.IsNaN(l) {
		l = 0
	}
	sh.Machine, sh.Lock, sh.Idle = m, l, lost-m-l
	return sh
}

// factors decomposes r's speedup over the base b. With u the CPU share,
// v = min(u, 1) and Used + Machine + Lock + Idle = 1:
//
//	T(b)/T(r) = (P(r)/P(b)) × (u(r)/u(b)) × (C(b)/C(r))
//	u = max(u, 1) × v/(v+m) × (v+m)/(v+m+l) × (v+m+l)
//
// and each factor is the point's term over the base's.
func factors(r, b Row, cores, baseCores int) Factors {
	nan := math.NaN()
	f := Factors{Ideal: float64(cores) / float64(baseCores), Surplus: nan, Machine: nan, Lock: nan, Idle: nan, Work: nan, WorkLo: nan, WorkHi: nan}
	if math.IsNaN(r.CPU) || math.IsNaN(b.CPU) {
		return f
	}
	terms := func(s Shares) (sur, mach, lock, idle float64) {
		v := s.Used
		return 1 + s.Surplus, v / (v + s.Machine), (v + s.Machine) / (v + s.Machine + s.Lock), v + s.Machine + s.Lock
	}
	s1, m1, l1, i1 := terms(r.Shares)
	s0, m0, l0, i0 := terms(b.Shares)
	f.Surplus, f.Machine, f.Lock, f.Idle = s1/s0, m1/m0, l1/l0, i1/i0
	f.Work = b.CPU / r.CPU
	f.WorkLo, f.WorkHi = finite(b.CPULo/r.CPUHi), finite(b.CPUHi/r.CPULo)
	return f
}

// markDisturbed names the points that cannot be trusted: those where other
// processes took BusyShare or more of the core time while the process's
// threads waited to run; where the OS gives no such evidence, those of
// CPU-bound work that got less than LowShare of their cores; and those
// faster than the best allowed beyond their interval.
func (a *Analysis) markDisturbed() {
	var names []string
	b := a.Rows[0]
	for i := range a.Rows {
		r := &a.Rows[i]
		var why []string
		switch {
		case !math.IsNaN(r.Evidence.Runq) && !math.IsNaN(r.Evidence.Others):
			if r.Shares.Machine >= BusyShare {
				why = append(why, fmt.Sprintf("the machine was busy: other processes took %s of its cores' time while its threads waited to run (run-queue delay %s of the wall time)",
					pct(r.Evidence.Others/(r.Median*float64(a.cores(r.X)))), pct(r.Evidence.Runq/r.Median)))
			}
		case !math.IsNaN(r.CPUShare) && r.CPUShare < LowShare && (a.Waits && r.X == a.Base || !a.Waits && !a.Declared):
			why = append(why, fmt.Sprintf("its CPU share was %.0f%%: it ran while the machine was busy, or its work waits (locks, channels, IO); without run-queue evidence (package sweep on Linux) the report cannot tell which", 100*r.CPUShare))
		}
		if a.pastBest(*r, b) {
			if a.Declared {
				why = append(why, fmt.Sprintf("%.0f%% of the best allowed: faster than the best the sweep declared", 100*r.OfBest))
			} else {
				why = append(why, fmt.Sprintf("%.0f%% of the best allowed: impossible, so %s=%d, the base, was slowed", 100*r.OfBest, a.Key, a.Base))
			}
		}
		if len(why) > 0 {
			r.Disturbed = strings.Join(why, "; ")
			names = append(names, fmt.Sprintf("%s=%d (%s)", a.Key, r.X, r.Disturbed))
		}
	}
	if len(names) > 0 {
		a.Distrust = "distrust " + strings.Join(names, ", ") +
			"; for a clean answer run again on a quieter machine, with more runs (COUNT=20)"
	}
}

// pastBest reports whether r is faster than the best allowed beyond its
// interval: the lower end of its speedup interval above the speedup the
// bound allows (without intervals, the median more than BoundSlack past).
func (a *Analysis) pastBest(r, b Row) bool {
	if math.IsNaN(r.Best) {
		return false
	}
	if math.IsNaN(r.SpeedupLo) {
		return r.OfBest > 1+BoundSlack
	}
	if a.Declared {
		return r.Hi < r.Best
	}
	return r.SpeedupLo > b.Median/r.Best
}

func plural(word string, n int) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

func singular(key string) string {
	switch key {
	case "workers":
		return "worker"
	}
	return key
}
