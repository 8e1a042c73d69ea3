package bench_test

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/futuresbench/futures/bench"
	"github.com/futuresbench/futures/internal/benchtest"
)

// TestGateUndecided: issue 36's pair. A real noisy make bench SUITES=arcfour
// COUNT=6 BENCHTIME=20x, against itself with every arcfour time 30% slower
// (testdata/bench/gate). Every arcfour time is worse than the 5% threshold
// by its median, but the evidence shows it nowhere: at workers=4-2 the U
// test says p=0.041 while the intervals overlap. The gate does not pass:
// each is undecided, with its interval, and the runs that would likely
// decide it; the status is GateUndecided. Before issue 36 it passed.
func TestGateUndecided(t *testing.T) {
	old := samplesOf(t, readShared(t, "gate/arcfour_old.txt"))
	new := samplesOf(t, readShared(t, "gate/arcfour_new_30pct_slower.txt"))
	g := gate(t, old, new)
	assert.Equal(t, bench.GateUndecided, g.Status)
	assert.Empty(t, regressions(g.Changes))
	und := g.Undecided()
	require.Len(t, und, 8, "every arcfour time, named once (its B/s is the same slowdown)")
	p041 := false
	for _, c := range und {
		assert.Equal(t, "sec/op", c.Unit, c.Name)
		assert.InDelta(t, 0.30, c.Delta, 0.001, c.Name)
		assert.Less(t, c.Lo, 0.0, "%s: its interval admits no change", c.Name)
		assert.Greater(t, c.Hi, 0.05, "%s: and more than the threshold", c.Name)
		assert.GreaterOrEqual(t, c.Runs, 6, c.Name)
		if c.P < 0.05 {
			p041 = true
			assert.Equal(t, "github.com/futuresbench/futures/arcfour Jobs/workers=4-2", c.Name)
			assert.InDelta(t, 0.041, c.P, 0.001)
			assert.Greater(t, c.Runs, c.NOld, "one slow process among six sets the interval: more runs than now")
		}
	}
	assert.True(t, p041, "the U test alone would have called one of them")
	assert.Contains(t, g.Why(), "cannot decide: 8 units are worse than the threshold")
}

// TestGateDecided: a clear regression (a real quiet run against itself 30%
// slower) fails, a quiet A/A pair passes, a noisy A/A pair is the
// machine's.
func TestGateDecided(t *testing.T) {
	quiet := readShared(t, "aa/quiet-a.txt")
	other := strings.ReplaceAll(string(benchtest.Slowed(quiet, 1.3, func(name string) bool { return !strings.HasPrefix(name, "BenchmarkCanary") })), "commit: f24082d", "commit: 0ther")
	g := gate(t, samplesOf(t, quiet), samplesOf(t, []byte(other)))
	assert.Equal(t, bench.GateFail, g.Status, "a failure outranks what cannot be decided")
	assert.NotEmpty(t, regressions(g.Changes))
	for _, c := range g.Undecided() {
		// primes at GOMAXPROCS=1 in this run: intervals of +-15%
		assert.LessOrEqual(t, c.Lo, 0.0, "%s: undecided only where the interval admits no change", c.Name)
	}

	g = gate(t, samplesOf(t, quiet), samplesOf(t, readShared(t, "aa/quiet-b.txt")))
	assert.Equal(t, bench.GatePass, g.Status)
	assert.Empty(t, g.Undecided())

	g = gate(t, samplesOf(t, readShared(t, "aa/shared-a-0223.txt")), samplesOf(t, readShared(t, "aa/shared-b-0231-host-slower.txt")))
	assert.Equal(t, bench.GateMachine, g.Status)
	assert.Empty(t, g.Undecided(), "one commit measured twice: whatever differs is the machine's")
}

// TestGateUndecidedNeverPasses: a change that the medians put past the
// threshold is never a pass: for every slowdown from 6% to 40% of a noisy
// real run, the gate fails or cannot decide.
func TestGateUndecidedNeverPasses(t *testing.T) {
	base := readShared(t, "gate/arcfour_old.txt")
	old := samplesOf(t, base)
	for _, f := range []float64{1.06, 1.1, 1.2, 1.4} {
		new := samplesOf(t, benchtest.Slowed(base, f, func(name string) bool { return !strings.HasPrefix(name, "BenchmarkCanary") }))
		g := gate(t, old, new)
		assert.Contains(t, []bench.GateStatus{bench.GateFail, bench.GateUndecided}, g.Status, "%.2fx", f)
		for _, c := range g.Changes {
			if c.Unit == "sec/op" && !c.Canary && !c.Exact && c.Worse > 0.05 {
				assert.True(t, c.Regression || c.Undecided || c.Disturbed, "%.2fx: %s", f, c.Name)
			}
		}
	}
}

// TestRunsToTell: the runs that would likely decide grow with the spread
// and shrink with the change; a 6-run side with one far run needs more
// than 6 (its interval reaches from its smallest run to its largest).
func TestRunsToTell(t *testing.T) {
	steady := []float64{10, 10.1, 9.9, 10.05, 9.95, 10}
	noisy := []float64{10, 11, 9, 10.5, 9.5, 10}
	far := []float64{10, 10.1, 9.9, 10.05, 9.95, 17}
	scale := func(xs []float64, f float64) []float64 {
		out := make([]float64, len(xs))
		for i, x := range xs {
			out[i] = x * f
		}
		return out
	}
	a := bench.RunsToTell(noisy, scale(noisy, 1.1), 10, 11)
	b := bench.RunsToTell(noisy, scale(noisy, 1.3), 10, 13)
	assert.Greater(t, a, b, "a smaller change needs more runs")
	assert.GreaterOrEqual(t, b, 6)
	c := bench.RunsToTell(steady, scale(steady, 1.1), 10, 11)
	assert.Greater(t, a, c, "a wider spread needs more runs")
	d := bench.RunsToTell(far, scale(far, 1.3), 10, 13)
	assert.Greater(t, d, 6, "one far run in six")
	assert.Equal(t, 0, bench.RunsToTell(steady, steady, 10, 10))
	assert.False(t, math.IsNaN(float64(d)))
}
