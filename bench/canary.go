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
	_, full, _ := strings.Cut(key, " ")
	return baseName(full) == "Canary"
}

// FindCanary compares the canary of two runs; ok is false when either has
// none, or they name different ones.
func FindCanary(old, new *Samples, alpha float64) (c Canary, ok bool) {
	for _, name := range new.Names {
		if !isCanary(name) || len(old.Values[name]) == 0 || len(new.Values[name]) == 0 {
			continue
		}
		bt := benchmath.DefaultThresholds
		bt.CompareAlpha = alpha
		so, sn := benchmath.NewSample(old.Values[name], &bt), benchmath.NewSample(new.Values[name], &bt)
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
	out.Values, out.CPU = map[string][]float64{}, map[string][]float64{}
	out.Units = map[string]map[string][]float64{}
	for name, units := range new.Units {
		m := map[string][]float64{}
		for unit, vs := range units {
			m[unit] = c.correct(name, unit, vs)
		}
		out.Units[name] = m
	}
	for name, vs := range new.Values {
		out.Values[name] = c.correct(name, "sec/op", vs)
	}
	for name, vs := range new.CPU {
		out.CPU[name] = c.correct(name, "cpu-sec/op", vs)
	}
	return &out
}

// correct is the runs of one unit of one benchmark with the machine's
// change taken out (see Against).
func (c Canary) correct(name, unit string, vs []float64) []float64 {
	f := 1.0
	switch {
	case isCanary(name):
	case isTime(unit):
		f = 1 / c.Ratio
	case isRate(unit):
		f = c.Ratio
	}
	out := make([]float64, len(vs))
	for i, v := range vs {
		out[i] = v * f
	}
	return out
}

func isTime(unit string) bool {
	return strings.HasPrefix(unit, "sec/") || strings.HasSuffix(unit, "-sec/op")
}
func isRate(unit string) bool { return !isTime(unit) && strings.HasSuffix(unit, "/s") }

// Timed reports whether a unit is one that Against corrects: a time or a
// rate, which the machine's speed moves.
func Timed(unit string) bool { return isTime(unit) || isRate(unit) }

// CompareAgainst compares as Compare does, with the machine's change
// between the runs taken out where the canary moved: NEW's times and rates
// corrected by the canary's ratio (Against), and every timed unit's
// threshold raised by the canary's own uncertainty (Slack). The canary
// itself is never a regression. Where it did not move, it is Compare.
func CompareAgainst(old, new *Samples, th Thresholds, alpha float64, c *Canary) []Change {
	if c != nil && c.Moved {
		adj := th
		adj.Slack += c.Slack
		changes := Compare(old, c.Against(new), adj, alpha)
		for i := range changes {
			changes[i].Corrected = Timed(changes[i].Unit) && !isCanary(changes[i].Name)
		}
		return dropCanary(changes)
	}
	return dropCanary(Compare(old, new, th, alpha))
}

// dropCanary marks the canary's own changes as no regression: it is read
// first, as the machine's.
func dropCanary(changes []Change) []Change {
	for i := range changes {
		if isCanary(changes[i].Name) {
			changes[i].Regression, changes[i].Canary = false, true
		}
	}
	return changes
}
