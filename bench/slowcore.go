package bench

import (
	"math"
	"slices"
)

// A machine whose speed moves is the machine's. On a shared VM the core a
// process runs on can be slower in one round than in the next (the host
// moved the vCPU, or its neighbour took the core's other thread): the same
// work then takes more CPU time, at a CPU share of 100%, and nothing else in
// the runs shows it: the machine is not busy, no thread waits to run. Seen
// here (issue 36): primes at workers=1 took 35 ms of CPU per op in four
// rounds of a default make bench and 58-61 ms in two.
//
// CPU time per op at one point of a sweep is the same work every round, so a
// round whose CPU per op is clearly above the sweep's other rounds at the
// same points ran on a slower core. make bench runs each sweep in one
// process per round, a run of every point per process, so a sweep's i-th
// run of each point is its i-th round; the round is judged over all its
// points at once (one point alone may be slowed by its own noise: the
// collector, a cache).

// SlowCore is how much more CPU per op the same work must take in a round
// than in the sweep's other rounds, as the median over the round's points
// of each point's CPU per op over that point's median, for the round to be
// named a slower core: 25%, as SettleMargin. Round factors measured on this
// 2-core VM: 0.75-1.15 at CPU-bound sweeps in quiet runs, 1.26-1.55 in a few
// rounds of some; issue 36's slow rounds 1.66-1.74.
const SlowCore = 0.25

// SlowRound is a round of a sweep in which its work took clearly more CPU
// per op than in its other rounds: a slower core, the machine's.
type SlowRound struct {
	Run int // the run (make bench: the round), from 1
	// Ratio is the round's CPU per op over the sweep's median at the same
	// points (the median over its points).
	Ratio float64
	// Start and End are the canary's times at the round's two ends over
	// the canary's median (make bench measures it before and after every
	// round); NaN where the run has no canary in every round.
	Start, End float64
}

// canaryRounds marks each slow round with the canary's two readings around
// it, where the samples hold a canary measured twice a round: rounds
// rounds, 2 x rounds canary runs.
func canaryRounds(slow []SlowRound, samples *Samples, rounds int) {
	var cv []float64
	for _, name := range samples.Names {
		if isCanary(name) {
			cv = samples.Values(name, "sec/op")
			break
		}
	}
	for i := range slow {
		slow[i].Start, slow[i].End = math.NaN(), math.NaN()
		if k := 2 * (slow[i].Run - 1); len(cv) >= 2*rounds && len(cv)%2 == 0 && k+1 < len(cv) {
			m := median(cv)
			slow[i].Start, slow[i].End = cv[k]/m, cv[k+1]/m
		}
	}
}

// slowRounds finds the rounds of s that ran on a slower core: those whose
// CPU per op, at the median over the sweep's points, is SlowCore or more
// above each point's median. Only sweeps whose every point has its CPU
// time in every run, with as many runs at each point (one process per
// round), and at least MinLook runs, are judged; and only work that uses
// its core (a CPU share of WaitShare or more at the base, in its best run:
// the CPU per op of work that waits is mostly its own overhead, and noisy). Fewer than half
// the rounds can be slow: the median is the reference.
func slowRounds(s *Sweep, cores func(x int) int) []SlowRound {
	n := len(s.Points[0].Values)
	if n < MinLook {
		return nil
	}
	for _, p := range s.Points {
		if len(p.Values) != n || len(p.CPU) != n {
			return nil
		}
	}
	// The share of its best run: a busy machine lowers the median's.
	b, share := s.Points[0], 0.0
	for i := range b.Values {
		share = math.Max(share, b.CPU[i]/(b.Values[i]*float64(cores(b.X))))
	}
	if share < WaitShare {
		return nil
	}
	meds := make([]float64, len(s.Points))
	for j, p := range s.Points {
		meds[j] = median(p.CPU)
	}
	var out []SlowRound
	for i := 0; i < n; i++ {
		ratios := make([]float64, len(s.Points))
		for j, p := range s.Points {
			ratios[j] = p.CPU[i] / meds[j]
		}
		if r := median(ratios); r >= 1+SlowCore {
			out = append(out, SlowRound{Run: i + 1, Ratio: r})
		}
	}
	if 2*len(out) >= n {
		return nil
	}
	return out
}

// withoutRuns returns a copy of s without the runs slow names (from 1) at
// any point: their time, CPU time and metrics.
func withoutRuns(s *Sweep, slow []SlowRound) *Sweep {
	if len(slow) == 0 {
		return s
	}
	drop := func(i int) bool {
		return slices.ContainsFunc(slow, func(r SlowRound) bool { return r.Run == i+1 })
	}
	keep := func(xs []float64) []float64 {
		var out []float64
		for i, x := range xs {
			if !drop(i) {
				out = append(out, x)
			}
		}
		return out
	}
	out := *s
	out.Points = make([]Point, len(s.Points))
	for j, p := range s.Points {
		q := p
		q.Values, q.CPU = keep(p.Values), keep(p.CPU)
		q.Metrics = make(map[string][]float64, len(p.Metrics))
		for unit, vs := range p.Metrics {
			q.Metrics[unit] = keep(vs)
		}
		out.Points[j] = q
	}
	return &out
}

// SlowRatios are the least and the most of the slow rounds' ratios (NaN
// where there are none).
func (a *Analysis) SlowRatios() (lo, hi float64) {
	lo, hi = math.NaN(), math.NaN()
	for i, r := range a.Slow {
		if i == 0 || r.Ratio < lo {
			lo = r.Ratio
		}
		if i == 0 || r.Ratio > hi {
			hi = r.Ratio
		}
	}
	return lo, hi
}
