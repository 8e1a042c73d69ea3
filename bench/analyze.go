package bench

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/perf/benchmath"
)

// Confidence is the level of every interval in the report.
const Confidence = 0.95

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
	Best           float64 // the best time the workload allows at X
	OfBest         float64 // Best / Median: 1 is as good as it gets
	// CPU is the median CPU time per op (cpu-sec/op), NaN where not
	// reported; CPUShare is CPU / (Median x min(X, GOMAXPROCS)): the share
	// of the cores the work could use that it got, computed for CPU-bound
	// sweeps only (NaN elsewhere).
	CPU, CPUShare float64
	// Disturbed says why this point is not to be trusted ("" if it is).
	Disturbed string
}

// Thresholds of the verdict.
const (
	// BoundSlack is how far past 100% of the best allowed a median may be
	// before its point is called disturbed: timer and cache effects give a
	// few percent, a busy machine gives more.
	BoundSlack = 0.05
	// LowShare is the CPU share under which a point of a CPU-bound sweep
	// ran while something else held the cores.
	LowShare = 0.80
)

// Analysis is a sweep with its statistics and verdict.
type Analysis struct {
	*Sweep
	Base int // the X speedups are relative to (1 unless missing)
	// Bound is how many workers can run at once: GOMAXPROCS, or the
	// machine's cores where the input says they are fewer.
	Bound    int
	Kind     string // "cpu", "list" or "io": how Best is computed
	BestRule string // Best in words
	Rows     []Row
	Verdict  string
	Warnings []string
	// Distrust names the disturbed points and how to get a clean answer;
	// empty when every point is trusted.
	Distrust string
}

// Analyze computes the statistics of every sweep in d.
func Analyze(d *Data) []*Analysis {
	var out []*Analysis
	for _, s := range d.Sweeps {
		out = append(out, analyze(s, d.Tasks[s.Pkg]))
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

func analyze(s *Sweep, tasks []float64) *Analysis {
	a := &Analysis{Sweep: s, Base: s.Points[0].X}
	if a.Base != 1 {
		a.Warnings = append(a.Warnings, fmt.Sprintf("no %s=1: speedups are relative to %s=%d", s.Key, s.Key, a.Base))
	}
	procs := s.Procs
	if s.Cores > 0 && s.Cores < procs {
		a.Warnings = append(a.Warnings, fmt.Sprintf("GOMAXPROCS=%d on %d cores: at most %d run at once, and the bound, the CPU share and the verdict count %d", s.Procs, s.Cores, s.Cores, s.Cores))
		procs = s.Cores
	}
	a.Bound = max(procs, 1)
	switch {
	case s.Key == "concurrency" && s.Delay == 0:
		a.Kind = "throughput"
		a.BestRule = "none: with no server delay, requests are bound by CPU and loopback, not by waits"
	case s.Delay > 0 && s.N > 0:
		a.Kind = "io"
		a.BestRule = fmt.Sprintf("ceil(%d/c) x %v", s.N, s.Delay)
	case len(tasks) > 0:
		a.Kind = "list"
		a.BestRule = fmt.Sprintf("its %d tasks scheduled longest first on min(w, %d) workers", len(tasks), procs)
	default:
		a.Kind = "cpu"
		a.BestRule = fmt.Sprintf("min(w, %d %s) x faster than %s=%d", procs, plural("core", procs), s.Key, a.Base)
	}
	cores := func(x int) int {
		if procs > 0 {
			return min(x, procs)
		}
		return x
	}
	var base benchmath.Summary
	fewRuns := false
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
		switch a.Kind {
		case "throughput":
			r.Best = math.NaN()
		case "io":
			rounds := (s.N + p.X - 1) / p.X
			r.Best = float64(rounds) * s.Delay.Seconds()
		case "list":
			r.Best = makespan(tasks, cores(p.X))
		default:
			r.Best = base.Center * float64(cores(a.Base)) / float64(cores(p.X))
		}
		r.OfBest = r.Best / r.Median
		r.CPU, r.CPUShare = math.NaN(), math.NaN()
		if len(p.CPU) > 0 {
			r.CPU = median(p.CPU)
			if a.Kind == "cpu" || a.Kind == "list" {
				r.CPUShare = r.CPU / (r.Median * float64(cores(p.X)))
			}
		}
		a.Rows = append(a.Rows, r)
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
	a.Verdict = verdict(a, tasks)
	return a
}

// markDisturbed names the points that cannot be trusted: faster than the
// workload allows by more than BoundSlack, or, in a CPU-bound sweep, run
// with less than LowShare of the cores they could use.
func (a *Analysis) markDisturbed() {
	var names []string
	for i := range a.Rows {
		r := &a.Rows[i]
		var why []string
		// The share is read at the base in a list (its workers idle by
		// design once the long tasks are all that is left) and everywhere
		// in a sweep of equal jobs.
		if !math.IsNaN(r.CPUShare) && r.CPUShare < LowShare && (a.Kind == "cpu" || r.X == a.Base) {
			why = append(why, fmt.Sprintf("its CPU share was %.0f%%: it ran while the machine was busy, or its work waits (locks, channels, IO)", 100*r.CPUShare))
		}
		if r.OfBest > 1+BoundSlack {
			if a.Kind == "io" {
				why = append(why, fmt.Sprintf("%.0f%% of the best allowed: faster than the server's delay allows", 100*r.OfBest))
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

// makespan schedules task times on m workers, longest first onto the least
// loaded worker (LPT), and returns the finishing time.
func makespan(tasks []float64, m int) float64 {
	if m < 1 {
		m = 1
	}
	sorted := slices.Clone(tasks)
	slices.SortFunc(sorted, func(a, b float64) int { return cmp.Compare(b, a) })
	load := make([]float64, m)
	for _, t := range sorted {
		i := slices.Index(load, slices.Min(load))
		load[i] += t
	}
	return slices.Max(load)
}

// verdict says in plain words how the sweep scales. Claims rest on the
// confidence intervals of the speedups: two counts whose intervals overlap
// cannot be told apart, and the verdict says so instead of ranking them by
// their medians. A CPU-bound sweep is never said to scale past its cores.
func verdict(a *Analysis, tasks []float64) string {
	rows := a.Rows
	pct := func(f float64) string { return fmt.Sprintf("%.0f%%", 100*f) }
	if len(rows) == 1 {
		r := rows[0]
		if math.IsNaN(r.OfBest) {
			return fmt.Sprintf("only %s=%d measured: %s per op", a.Key, r.X, fmtSec(r.Median))
		}
		return fmt.Sprintf("only %s=%d measured: %s per op, %s of the best allowed", a.Key, r.X, fmtSec(r.Median), pct(r.OfBest))
	}
	last := rows[len(rows)-1]
	switch a.Kind {
	case "throughput":
		top := slices.MaxFunc(rows, func(x, y Row) int { return cmp.Compare(x.Speedup, y.Speedup) })
		return fmt.Sprintf("no server delay: fastest at %s=%d (%.2fx %s=%d), bound by CPU and loopback beyond", a.Key, top.X, top.Speedup, a.Key, a.Base)
	case "io":
		worst := slices.MinFunc(rows, func(x, y Row) int { return cmp.Compare(x.OfBest, y.OfBest) })
		s := fmt.Sprintf("IO-bound: waits overlap, %.1fx faster at %s=%d than at %d; every count within %.2fx of ceil(n/c) x %v (worst at %d)",
			last.Speedup, a.Key, last.X, a.Base, 1/worst.OfBest, a.Delay.Round(time.Millisecond), worst.X)
		if a.Bound == 1 {
			s += "; even one at a time (GOMAXPROCS=1): a wait holds no thread"
		}
		return s
	}

	if rows[0].Disturbed != "" {
		return fmt.Sprintf("cannot tell how it scales: %s=%d, the base of every speedup, was disturbed (%s)", a.Key, rows[0].X, rows[0].Disturbed)
	}
	var trusted []Row
	for _, r := range rows {
		if r.Disturbed == "" {
			trusted = append(trusted, r)
		}
	}
	if len(trusted) < 2 {
		return fmt.Sprintf("cannot tell how it scales: every point but %s=%d was disturbed", a.Key, rows[0].X)
	}
	intervals := true
	for _, r := range trusted {
		if math.IsNaN(r.SpeedupLo) {
			intervals = false
		}
	}
	// same reports whether r cannot be told apart from t: their speedup
	// intervals overlap (without intervals: medians within 5%).
	same := func(r, t Row) bool {
		if !intervals {
			return math.Abs(r.Speedup-t.Speedup) <= 0.05*math.Max(r.Speedup, t.Speedup)
		}
		return r.SpeedupLo <= t.SpeedupHi && t.SpeedupLo <= r.SpeedupHi
	}
	top := slices.MaxFunc(trusted, func(x, y Row) int { return cmp.Compare(x.Speedup, y.Speedup) })
	// The knee: the fewest workers that cannot be told apart from the top.
	// The base is the knee only if the top gains nothing over it: the top's
	// speedup interval already holds the base's noise, and comparing the
	// base's own interval with it again would count that noise twice.
	knee := top
	for _, r := range trusted {
		if same(r, top) && (r.X != a.Base || !gains(top)) {
			knee = r
			break
		}
	}
	procs := a.Bound
	var s string
	unit := func(x int) string {
		if x == 1 {
			return singular(a.Key)
		}
		return a.Key
	}
	ci := func(r Row) string {
		if math.IsNaN(r.SpeedupLo) {
			return fmt.Sprintf("%.2fx", r.Speedup)
		}
		return fmt.Sprintf("%.2fx [%.2f, %.2f]", r.Speedup, r.SpeedupLo, r.SpeedupHi)
	}
	atProcs := slices.IndexFunc(trusted, func(r Row) bool { return r.X == procs })
	if knee.X > procs && atProcs >= 0 && !gains(trusted[atProcs]) {
		s = fmt.Sprintf("does not scale within its %d %s: %s at %s=%d; its best, %s at %d, is past the cores (the pool's own cost, or a disturbance, at the counts below)",
			procs, plural("core", procs), ci(trusted[atProcs]), a.Key, procs, ci(knee), knee.X)
	} else if knee.X > procs {
		// Faster past the cores than at the cores, beyond the noise: on
		// CPU-bound work that is a slowed point at or below the cores, not
		// scaling.
		var slow []string
		for _, r := range trusted {
			if r.X <= procs && r.X > a.Base && !same(r, top) {
				slow = append(slow, strconv.Itoa(r.X))
			}
		}
		if len(slow) == 0 {
			var missing []string
			for x := a.Base + 1; x <= procs; x++ {
				if !slices.ContainsFunc(trusted, func(r Row) bool { return r.X == x }) {
					missing = append(missing, fmt.Sprintf("%s=%d", a.Key, x))
				}
			}
			s = fmt.Sprintf("reaches %s at %s=%d, past its %d %s (%s not measured, or disturbed)",
				ci(knee), a.Key, knee.X, procs, plural("core", procs), strings.Join(missing, ", "))
		} else {
			s = fmt.Sprintf("scales to %d %s at most, the core count", procs, unit(procs))
			if atProcs >= 0 {
				s += fmt.Sprintf(" (%s at %d)", ci(trusted[atProcs]), procs)
			}
			s += fmt.Sprintf("; %s=%d measured %s, faster than %s=%s beyond the noise: with tasks of uneven size, more workers than cores fill the idle end of a run (or those points were disturbed)",
				a.Key, knee.X, ci(knee), a.Key, strings.Join(slow, ","))
		}
	} else if knee.X == a.Base {
		s = fmt.Sprintf("does not scale: no count is faster than %s=%d beyond the noise (best %s at %d)", a.Key, a.Base, ci(top), top.X)
		if procs == 1 {
			s += "; one at a time (GOMAXPROCS=1), as Python threads under the GIL"
		}
	} else {
		s = fmt.Sprintf("scales to %d %s (%s, %s of the best allowed)", knee.X, unit(knee.X), ci(knee), pct(knee.OfBest))
		if a.Kind == "list" {
			total := 0.0
			for _, t := range tasks {
				total += t
			}
			s += fmt.Sprintf("; its tasks allow %.2fx there (longest task %s of %s in all)", total/knee.Best, fmtSec(slices.Max(tasks)), fmtSec(total))
		}
	}
	var beyond, slower []string
	for _, r := range trusted {
		if r.X <= knee.X {
			continue
		}
		if same(r, knee) || r.Speedup > knee.Speedup {
			beyond = append(beyond, strconv.Itoa(r.X))
		} else {
			slower = append(slower, fmt.Sprintf("%d (%.2fx)", r.X, r.Speedup))
		}
	}
	switch {
	case knee.X > procs:
	case knee.X == last.X && knee.X < procs:
		s += ", still scaling at the largest count measured"
	case knee.X == last.X:
		s += fmt.Sprintf(", the largest count measured: all %d %s", procs, plural("core", procs))
	case len(beyond) > 0 && len(slower) == 0:
		s += fmt.Sprintf("; %s cannot be told apart from %d: flat beyond, CPU-bound on %d %s", strings.Join(beyond, ", "), knee.X, procs, plural("core", procs))
	case len(slower) > 0:
		s += fmt.Sprintf("; slower beyond, at %s", strings.Join(slower, ", "))
		if slices.ContainsFunc(trusted, func(r Row) bool { return r.X > knee.X && r.X <= procs && !same(r, knee) && r.Speedup < knee.Speedup }) {
			s += ": the pool's own cost outweighs the gain"
		} else {
			s += ": more workers than cores cost here"
		}
	}
	if !intervals {
		s += " (no intervals: fewer than 6 runs; medians within 5% counted as equal)"
	}
	return s
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
