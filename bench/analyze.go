package bench

import (
	"math"

	"golang.org/x/perf/benchmath"

	"github.com/futuresbench/futures/sweep"
)

// Confidence is the level of every interval in the report of a fixed
// number of runs; a run that looks at its sweeps as it goes spends it
// among its looks (Level).
const Confidence = 0.95

// evidenceUnits are the units of package sweep's evidence that the model
// reads, as they appear in a benchfmt file: declared once, in sweep.
var evidenceUnits = []string{sweep.UnitCPU, sweep.UnitOthers, sweep.UnitRunq, sweep.UnitLock, sweep.UnitGC, sweep.UnitSched, sweep.UnitSteal, sweep.UnitBest, sweep.UnitTasks, sweep.UnitProcs}

// Analyze computes the model and the verdict of every sweep of the samples.
func Analyze(samples *Samples) []*Analysis {
	var out []*Analysis
	rounds := 0
	for _, s := range samples.Sweeps() {
		rounds = max(rounds, s.Runs())
	}
	for _, s := range samples.Sweeps() {
		a := analyze(s, Level(samples.Looks, s.Runs()))
		a.Looked = len(samples.Looks) > 0
		canaryRounds(a.Slow, samples, rounds)
		out = append(out, a)
	}
	return out
}

func summarize(values []float64, level float64) benchmath.Summary {
	sample := benchmath.NewSample(values, &benchmath.DefaultThresholds)
	return benchmath.AssumeNothing.Summary(sample, level)
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

func analyze(s *Sweep, level float64) *Analysis {
	a := &Analysis{Sweep: s, Base: s.Points[0].X, Level: level}
	if a.Base != 1 {
		a.Notes = append(a.Notes, Note{Kind: NoteNoBase})
	}
	procs := s.Procs
	if s.Cores > 0 && s.Cores < procs {
		a.Notes = append(a.Notes, Note{Kind: NoteFewerCores, N: s.Cores})
		procs = s.Cores
	}
	a.Bound = max(procs, 1)
	a.Rounds = s.Runs()
	// Rounds on a slower core are the machine's: named, and kept out of
	// every claim (slowcore.go).
	if a.Slow = slowRounds(s, a.cores); len(a.Slow) > 0 {
		s = withoutRuns(s, a.Slow)
		a.Sweep = s
		a.Notes = append(a.Notes, Note{Kind: NoteSlowCore, N: len(a.Slow)})
	}
	a.Declared = true
	for _, p := range s.Points {
		if len(p.Metrics[sweep.UnitBest]) == 0 {
			a.Declared = false
		}
	}
	fewRuns := false
	var base benchmath.Summary
	for i, p := range s.Points {
		sum := summarize(p.Values, level)
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
			c := summarize(p.CPU, level)
			r.CPU, r.CPULo, r.CPUHi = c.Center, finite(c.Lo), finite(c.Hi)
			r.CPUShare = r.CPU / (r.Median * float64(a.cores(p.X)))
		}
		r.Evidence = Evidence{
			Others: metricMedian(p, sweep.UnitOthers), Runq: metricMedian(p, sweep.UnitRunq),
			Lock: metricMedian(p, sweep.UnitLock), GC: metricMedian(p, sweep.UnitGC),
			Sched: metricMedian(p, sweep.UnitSched), Tasks: metricMedian(p, sweep.UnitTasks),
			Steal: metricMedian(p, sweep.UnitSteal),
		}
		r.Evidence.GC, r.Evidence.GCInflated = gcBounded(p, r.Evidence.GC)
		r.Shares = shares(r, a.cores(p.X), a.vmCores())
		r.Best = math.NaN()
		if a.Declared {
			r.Best = metricMedian(p, sweep.UnitBest)
		}
		a.Rows = append(a.Rows, r)
	}
	b := a.Rows[0]
	a.BaseRunShare = RunShare(b, a.cores(a.Base))
	a.Waits = !a.Declared && a.BaseRunShare < WaitShare
	if !a.Declared && !a.Waits {
		for i := range a.Rows {
			a.Rows[i].Best = base.Center * float64(a.cores(a.Base)) / float64(a.cores(a.Rows[i].X))
		}
	}
	for i := range a.Rows {
		r := &a.Rows[i]
		r.OfBest = r.Best / r.Median
		r.Factors = factors(*r, b, a.cores(r.X), a.cores(a.Base))
	}
	if n := a.gcInflatedAt(); len(n) > 0 {
		a.Notes = append(a.Notes, Note{Kind: NoteGCInflated, X: n[0], N: len(n)})
	}
	if s.WrongProcs > 0 {
		a.Notes = append(a.Notes, Note{Kind: NoteWrongProcs, N: s.WrongProcs})
	}
	a.markDisturbed()
	for _, f := range s.Failed {
		a.Notes = append(a.Notes, Note{Kind: NoteFailed, Name: f})
	}
	if fewRuns {
		a.Notes = append(a.Notes, Note{Kind: NoteFewRuns})
	}
	if level != Confidence {
		a.Notes = append(a.Notes, Note{Kind: NoteLevel, N: a.Rounds})
	}
	a.Scaling, a.Finding = judge(a)
	return a
}

// RunShare is a point's CPU over the time its threads could run: all per
// op, cpu-sec / (wall x cores - runq-sec), at least the CPU. A thread is,
// at each instant, running (cpu), on a run queue (runq: ready, but the
// machine ran something else) or waiting (IO, a sleep, a lock, a channel);
// the time it waits is what says the work waits, so the run-queue delay is
// no part of it. On a quiet machine runq is near 0 and this is CPUShare;
// on a busy one CPU-bound work queued for most of its wall time still
// reads as using its core. Without run-queue evidence it is CPUShare.
func RunShare(r Row, cores int) float64 {
	q := r.Evidence.Runq
	if math.IsNaN(q) || q < 0 {
		return r.CPUShare
	}
	avail := math.Max(r.Median*float64(cores)-q, r.CPU)
	if !(avail > 0) {
		return r.CPUShare
	}
	return r.CPU / avail
}

// gcBounded is the median of the point's collector CPU with each run's
// bounded by that run's CPU (the runtime's estimate can exceed it on a busy
// machine), and how many runs exceeded it; med (the plain median) where
// the runs do not carry both.
func gcBounded(p Point, med float64) (float64, int) {
	gc := p.Metrics[sweep.UnitGC]
	if len(gc) == 0 || len(gc) != len(p.CPU) {
		return med, 0
	}
	b, n := make([]float64, len(gc)), 0
	for i, g := range gc {
		if g > p.CPU[i] {
			n++
		}
		b[i] = math.Min(g, p.CPU[i])
	}
	return median(b), n
}

// gcInflatedAt is the points whose collector estimate exceeds their CPU.
func (a *Analysis) gcInflatedAt() []int {
	var xs []int
	for _, r := range a.Rows {
		if gcInflated(r) {
			xs = append(xs, r.X)
		}
	}
	return xs
}

// vmCores is the machine's cores: as the input says, else the bound.
func (a *Analysis) vmCores() int { return max(a.Cores, a.Bound) }

// cores is how many of x workers can run at once.
func (a *Analysis) cores(x int) int { return max(min(x, a.Bound), 1) }

// shares splits a point's core time. The machine's part is the least of
// the time lost, the time the process's threads waited on a run queue and
// the CPU time others took: a queue alone may be the process's own threads
// (the collector behind the workers), and others' CPU alone may have run on
// cores the process did not want.
func shares(r Row, cores, vmCores int) Shares {
	nan := math.NaN()
	if math.IsNaN(r.CPU) {
		return Shares{nan, nan, nan, nan, nan}
	}
	avail := r.Median * float64(cores)
	u := r.CPU / avail
	sh := Shares{Used: min(u, 1), Surplus: max(u-1, 0)}
	lost := max(1-u, 0)
	// Stolen time is the machine's without a run queue to show it; it is
	// the whole machine's, of which the point's cores are a part.
	machine := math.Min(r.Evidence.Runq, r.Evidence.Others)
	if st := r.Evidence.Steal * float64(cores) / float64(max(vmCores, cores)); st > machine || math.IsNaN(machine) && !math.IsNaN(st) {
		machine = st
	}
	m := math.Min(lost, machine/avail)
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
// faster than the best allowed beyond their interval. A point faster than
// the best allowed within its interval gets a note.
func (a *Analysis) markDisturbed() {
	b := a.Rows[0]
	for i := range a.Rows {
		r := &a.Rows[i]
		switch {
		case !math.IsNaN(r.Evidence.Runq) && !math.IsNaN(r.Evidence.Others):
			if r.Shares.Machine >= BusyShare {
				r.Disturbed = append(r.Disturbed, Disturbance{Kind: DisturbBusy,
					Others: r.Evidence.Others / (r.Median * float64(a.cores(r.X))), Runq: r.Evidence.Runq / r.Median,
					Steal: r.Evidence.Steal / (r.Median * float64(a.vmCores()))})
			}
		case !math.IsNaN(r.CPUShare) && r.CPUShare < LowShare && (a.Waits && r.X == a.Base || !a.Waits && !a.Declared):
			r.Disturbed = append(r.Disturbed, Disturbance{Kind: DisturbLowShare, CPUShare: r.CPUShare})
		}
		switch {
		case a.pastBest(*r, b):
			r.Disturbed = append(r.Disturbed, Disturbance{Kind: DisturbPastBest, OfBest: r.OfBest, Declared: a.Declared})
		case r.OfBest >= 1.005: // at least 101% as the report prints it
			a.Notes = append(a.Notes, Note{Kind: NoteAboveBest, X: r.X, OfBest: r.OfBest})
		}
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
