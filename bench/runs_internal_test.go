package bench

import (
	"bytes"
	"compress/gzip"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/perf/benchmath"
)

// TestRunsToTellLikely holds the gate's "likely decided at about N runs a
// side" to what it says, on resamples of a real quiet run of 30 rounds
// (arcfour's jobs at workers=1, GOMAXPROCS=2; primes' map at workers=2):
// draw 6 runs of OLD and 6 of NEW (NEW 10% slower) from the 30; where the
// gate cannot decide, draw N a side as its estimate says, and count how
// often the gate then decides, beside how often 6 a side again would.
// Seeded: the same draws every run. Asserted: 90% or more at the estimate
// (a rate of 64/64 has a Wilson 95% lower bound of 94%), and more than 6 a
// side again.
func TestRunsToTellLikely(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "bench", "real_make_bench_count30.txt.gz"))
	require.NoError(t, err)
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	require.NoError(t, err)
	data, err := io.ReadAll(zr)
	require.NoError(t, err)
	s, err := Read(Input{Name: "count30", Data: data})
	require.NoError(t, err)
	for _, name := range []string{"github.com/futuresbench/futures/arcfour Jobs/workers=1-2", "github.com/futuresbench/futures/primes Map/workers=2-2"} {
		vs := s.Values(name, "sec/op")
		require.Len(t, vs, 30, name)
		r := rand.New(rand.NewPCG(1, 2))
		draw := func(n int, f float64) []float64 {
			out := make([]float64, n)
			for i := range out {
				out[i] = vs[r.IntN(len(vs))] * f
			}
			return out
		}
		undecided, decided, again := 0, 0, 0
		for range 300 {
			ov, nv := draw(6, 1), draw(6, 1.1)
			open, n := gateOne(ov, nv)
			if !open || n == 0 || n > 60 {
				continue
			}
			undecided++
			if regressed(draw(n, 1), draw(n, 1.1)) {
				decided++
			}
			if regressed(draw(6, 1), draw(6, 1.1)) {
				again++ // what running 6 a side again would have done
			}
		}
		t.Logf("%s: undecided at 6 a side in %d of 300 draws; decided at the estimate %d, at 6 again %d", name, undecided, decided, again)
		require.Greater(t, undecided, 20, "%s: enough undecided draws to hold a rate", name)
		assert.GreaterOrEqual(t, 10*decided, 9*undecided, "%s: decided %d of %d at the estimate", name, decided, undecided)
		assert.Greater(t, decided, again, "%s: the estimate decides more than 6 runs again", name)
	}
}

// gateOne judges one time unit as compare does: undecided where the
// median is worse than 5% but the U test and the intervals do not both
// show it; with the runs that would likely decide.
func gateOne(ov, nv []float64) (bool, int) {
	o, n, p := summaries(ov, nv)
	if n.Center/o.Center-1 > 0.05 && !(p < 0.05 && n.Lo > o.Hi) {
		return true, runsToTell(ov, nv, o.Center, n.Center)
	}
	return false, 0
}

func regressed(ov, nv []float64) bool {
	o, n, p := summaries(ov, nv)
	return n.Center/o.Center-1 > 0.05 && p < 0.05 && n.Lo > o.Hi
}

func summaries(ov, nv []float64) (o, n benchmath.Summary, p float64) {
	so, sn := benchmath.NewSample(ov, &benchmath.DefaultThresholds), benchmath.NewSample(nv, &benchmath.DefaultThresholds)
	return benchmath.AssumeNothing.Summary(so, Confidence), benchmath.AssumeNothing.Summary(sn, Confidence), benchmath.AssumeNothing.Compare(so, sn).P
}

// TestRunsToDecide: the runs a scaling claim would likely need grow as
// its interval widens and as its center nears the line between the two
// answers (no gain within 25%, a gain past 5%); 0 where neither answer
// can be reached from its center.
func TestRunsToDecide(t *testing.T) {
	wide := runsToDecide(6, 1.59, 0.93, 2.83)
	narrow := runsToDecide(6, 1.59, 1.2, 2.1)
	assert.Greater(t, wide, 6)
	assert.Less(t, narrow, 6, "[1.2, 2.1] shows the gain already")
	assert.Greater(t, runsToDecide(6, 1.10, 0.8, 1.5), runsToDecide(6, 1.40, 0.95, 2.0), "nearer the line between no gain and a gain, more runs")
	assert.Equal(t, 0, runsToDecide(6, 0.7, 0.5, 1.0), "a loss past 25%: neither answer can be shown")
	assert.Equal(t, 0, runsToDecide(6, 1, 1, 1))
}
