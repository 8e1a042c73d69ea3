package bench_test

import (
	"path"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/futuresbench/futures/bench"
)

// TestLooksQuiet: a real default make bench (commit 8a3611e, quiet), which
// looked after round 6 and stopped every suite but the grain sweep, which
// went on to round 12: the sweeps stopped at 6 are judged at the fixed
// count's level and are settled; the grain sweeps at the level the first
// look left, with a note that says so, and the report names what stayed
// undecided.
func TestLooksQuiet(t *testing.T) {
	d, err := load(t, "real_make_bench_looks.txt.gz")
	require.NoError(t, err)
	assert.Equal(t, []int{6, 12, 20}, d.Looks)
	grainOpen := 0
	for _, a := range bench.Analyze(d) {
		warnings := strings.Join(a.Warnings(), "\n")
		if path.Base(a.Pkg) == "pool" {
			assert.Equal(t, 12, a.Rounds, a.Title())
			assert.InDelta(t, bench.Level(d.Looks, 12), a.Level, 1e-12, a.Title())
			assert.Contains(t, warnings, "12 runs, past the run's first look: intervals at 99.1%", a.Title())
			if len(a.Undecided()) > 0 {
				grainOpen++
				assert.Contains(t, warnings, "undecided after 12 runs: ", a.Title())
			}
			continue
		}
		assert.Equal(t, 6, a.Rounds, a.Title())
		assert.Equal(t, bench.Confidence, a.Level, a.Title())
		assert.Empty(t, a.Undecided(), a.Title())
		assert.NotContains(t, warnings, "undecided", a.Title())
	}
	assert.Positive(t, grainOpen, "the grain suite ran on because some of its sweeps stayed open")
}

// TestLooksBusy: the same beside a CPU hog: it stopped at round 6 (the
// next look did not fit in its budget); every CPU-bound sweep at
// GOMAXPROCS=2 is disturbed and named undecided, and none claims a knee
// past its 2 cores.
func TestLooksBusy(t *testing.T) {
	d, err := load(t, "real_make_bench_looks_busy.txt.gz")
	require.NoError(t, err)
	for _, a := range bench.Analyze(d) {
		switch path.Base(a.Pkg) {
		case "arcfour", "sha", "primes", "qsort":
		default:
			continue
		}
		assert.Equal(t, 6, a.Rounds, a.Title())
		if a.Scaling.Kind == bench.ScalingScales || a.Scaling.Kind == bench.ScalingPastCores {
			assert.LessOrEqual(t, a.Scaling.Knee, a.Bound, "%s claims a knee past its cores", a.Title())
		}
		if a.Procs == 2 {
			require.NotEmpty(t, a.Undecided(), a.Title())
			assert.Equal(t, bench.ClaimDisturbed, a.Undecided()[0].Claim, a.Title())
			assert.Contains(t, strings.Join(a.Warnings(), "\n"), "disturbed: the claims they take part in are not made", a.Title())
		}
	}
}
