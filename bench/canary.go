package bench

import (
	"math"
	"strings"

	"golang.org/x/perf/benchmath"
)

// CanaryMin is the smallest move of the canary that says the machine
// changed, beside the U test and the intervals: below it, a move is its
// noise on this kind of machine.
const CanaryMin = 0.03

// Canary is what the canary (a benchmark named Canary, as internal/canary's
// BenchmarkCanary, measured in every round of make bench) says of two runs.
type Canary struct {
	Name     string // its key in the samples ("canary Canary")
	Old, New benchmath.Summary
	// Ratio is NEW's median over OLD's (1.25: the machine is 25% slower
	// in NEW); Lo and Hi bound it from the two intervals (NaN with fewer
	// than 6 runs).
	Ratio, Lo, Hi float64
	P             float64 // the U test
	// Moved says the machine changed: the U test at alpha, the two
	// intervals apart, and a move of more than CanaryMin.
	Moved bool
	// Slack is how far the canary's own interval reaches from its ratio
	// (relative): the uncertainty of the correction, added to the
	// threshold of every time judged against it.
	Slack float64
}

// isCanary reports whether a samples key ("pkg Name-2") names a canary.
func isCanary(key string) bool {
	_, full := splitKey(key)
	return baseName(full) == "Canary"
}

// findCanary compares the canary of two runs; ok is false when either has
// none, or they name different ones.
func findCanary(old, new *Samples, alpha float64) (c Canary, ok bool) {
	for _, name := range new.Names {
		ov, nv := old.Values(name, "sec/op"), new.Values(name, "sec/op")
		if !isCanary(name) || len(ov) == 0 || len(nv) == 0 {
			continue
		}
		bt := benchmath.DefaultThresholds
		bt.CompareAlpha = alpha
		so, sn := benchmath.NewSample(ov, &bt), benchmath.NewSample(nv, &bt)
		c = Canary{Name: name,
			Old: benchmath.AssumeNothing.Summary(so, Confidence), New: benchmath.AssumeNothing.Summary(sn, Confidence),
			P: benchmath.AssumeNothing.Compare(so, sn).P}
		c.Ratio = c.New.Center / c.Old.Center
		c.Lo, c.Hi = finite(c.New.Lo/c.Old.Hi), finite(c.New.Hi/c.Old.Lo)
		apart := c.New.Lo > c.Old.Hi || c.New.Hi < c.Old.Lo
		if math.IsNaN(c.Lo) {
			apart = false
		}
		c.Moved = c.P < alpha && apart && math.Abs(c.Ratio-1) > CanaryMin
		c.Slack = math.Max(c.Hi/c.Ratio-1, 1-c.Lo/c.Ratio)
		if math.IsNaN(c.Slack) {
			c.Slack = 0
		}
		return c, true
	}
	return Canary{}, false
}

// Against returns a copy of new with the machine's change taken out, as
// the canary measured it: every time divided by the canary's ratio (CPU
// time too), every rate (B/s, and units ending in /s) multiplied by it.
// Counts (B/op, allocs/op, others) are the code's alone and stay; so does
// the canary, which is the measure, not the measured.
func (c Canary) Against(new *Samples) *Samples {
	out := *new
	out.Benchmarks = make(map[string]*Benchmark, len(new.Benchmarks))
	for name, b := range new.Benchmarks {
		cb := *b
		cb.Runs = make([]Run, len(b.Runs))
		for i, r := range b.Runs {
			cr := make(Run, len(r))
			for unit, v := range r {
				cr[unit] = v * c.factor(name, unit)
			}
			cb.Runs[i] = cr
		}
		out.Benchmarks[name] = &cb
	}
	return &out
}

// factor is what Against multiplies a value of unit of the benchmark name
// by.
func (c Canary) factor(name, unit string) float64 {
	switch {
	case isCanary(name):
	case isTime(unit):
		return 1 / c.Ratio
	case isRate(unit):
		return c.Ratio
	}
	return 1
}

func isTime(unit string) bool {
	return strings.HasPrefix(unit, "sec/") || strings.HasSuffix(unit, "-sec/op")
}
func isRate(unit string) bool { return !isTime(unit) && strings.HasSuffix(unit, "/s") }

// Timed reports whether a unit is one that Against corrects: a time or a
// rate, which the machine's speed moves.
func Timed(unit string) bool { return isTime(unit) || isRate(unit) }
