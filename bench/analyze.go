package bench

import (
	"cmp"
	"fmt"
	"math"
	"slices"
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
}

// Analysis is a sweep with its statistics and verdict.
type Analysis struct {
	*Sweep
	Base     int    // the X speedups are relative to (1 unless missing)
	Kind     string // "cpu", "list" or "io": how Best is computed
	BestRule string // Best in words
	Rows     []Row
	Verdict  string
	Warnings []string
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
		a.BestRule = fmt.Sprintf("min(w, %d cores) x faster than %s=%d", procs, s.Key, a.Base)
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
		a.Rows = append(a.Rows, r)
	}
	for _, f := range s.Failed {
		a.Warnings = append(a.Warnings, fmt.Sprintf("Benchmark%s failed: its point is missing", f))
	}
	if fewRuns {
		a.Warnings = append(a.Warnings, "fewer than 6 runs at some counts: no confidence interval there (run with COUNT >= 6)")
	}
	a.Verdict = verdict(a, tasks)
	return a
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

// verdict says in plain words how the sweep scales.
func verdict(a *Analysis, tasks []float64) string {
	rows := a.Rows
	top := slices.MaxFunc(rows, func(x, y Row) int { return cmp.Compare(x.Speedup, y.Speedup) })
	// The knee: the fewest workers that get within 5% of the top speedup.
	knee := top
	for _, r := range rows {
		if r.Speedup >= 0.95*top.Speedup {
			knee = r
			break
		}
	}
	last := rows[len(rows)-1]
	unit := a.Key
	if knee.X == 1 {
		unit = singular(a.Key)
	}
	pct := func(f float64) string { return fmt.Sprintf("%.0f%%", 100*f) }
	if len(rows) == 1 {
		r := rows[0]
		if math.IsNaN(r.OfBest) {
			return fmt.Sprintf("only %s=%d measured: %s per op", a.Key, r.X, fmtSec(r.Median))
		}
		return fmt.Sprintf("only %s=%d measured: %s per op, %s of the best allowed", a.Key, r.X, fmtSec(r.Median), pct(r.OfBest))
	}
	switch a.Kind {
	case "throughput":
		return fmt.Sprintf("no server delay: fastest at %s=%d (%.2fx %s=%d), bound by CPU and loopback beyond", a.Key, top.X, top.Speedup, a.Key, a.Base)
	case "io":
		worst := slices.MinFunc(rows, func(x, y Row) int { return cmp.Compare(x.OfBest, y.OfBest) })
		return fmt.Sprintf("IO-bound: waits overlap, %.1fx faster at %s=%d than at %d; every count within %.2fx of ceil(n/c) x %v (worst at %d)",
			last.Speedup, a.Key, last.X, a.Base, 1/worst.OfBest, a.Delay.Round(time.Millisecond), worst.X)
	case "list":
		total := 0.0
		for _, t := range tasks {
			total += t
		}
		allowed := total / knee.Best
		s := fmt.Sprintf("reaches %.2fx at %d %s, %s of the %.2fx its tasks allow there (longest task %s of %s in all)",
			knee.Speedup, knee.X, unit, pct(knee.OfBest), allowed, fmtSec(slices.Max(tasks)), fmtSec(total))
		if knee.X < last.X {
			s += fmt.Sprintf("; flat beyond: CPU-bound on %d cores", a.Procs)
		}
		return s
	}
	s := fmt.Sprintf("scales to %d %s (%.2fx, %s of the best allowed)", knee.X, unit, knee.Speedup, pct(knee.OfBest))
	switch {
	case knee.X == last.X:
		s += ", still scaling at the largest count measured"
	case a.Procs > 0 && knee.X <= a.Procs:
		s += fmt.Sprintf(", flat beyond: CPU-bound on %d cores", a.Procs)
	default:
		s += ", flat beyond"
	}
	return s
}

func singular(key string) string {
	switch key {
	case "workers":
		return "worker"
	}
	return key
}
