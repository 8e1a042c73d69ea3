package bench

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSignedRankK(t *testing.T) {
	// The two-sided 5% critical values of Wilcoxon's signed-rank
	// statistic (reject when T <= c): n=6: 0, n=8: 3, n=10: 8, n=20: 52
	// (e.g. Zar, Biostatistical Analysis, Table B.12). The interval leaves
	// out the c+1 smallest and largest Walsh averages.
	for n, c := range map[int]int{6: 0, 8: 3, 10: 8, 20: 52} {
		k, level := signedRankK(n, 0.05)
		assert.Equal(t, c+1, k, "n=%d", n)
		assert.GreaterOrEqual(t, level, 0.95, "n=%d", n)
	}
	_, level := signedRankK(6, 0.05)
	assert.InDelta(t, 1-2.0/64, level, 1e-12, "6 pairs: min to max, 96.9%")
	k, level := signedRankK(5, 0.05)
	assert.Equal(t, 0, k, "5 pairs: no interval at 95%")
	assert.True(t, math.IsNaN(level))
}

func TestWalshAverages(t *testing.T) {
	assert.Equal(t, []float64{1, 1.5, 2, 2, 2.5, 3}, walshAverages([]float64{3, 1, 2}))
}

func series(name string, old, new []float64) PairedSeries {
	rounds := make([]int, len(old))
	for i := range rounds {
		rounds[i] = i + 1
	}
	return PairedSeries{Name: name, Unit: "sec/op", Better: -1, Threshold: 0.05, Rounds: rounds, Old: old, New: new}
}

func TestJudgePaired(t *testing.T) {
	// A machine whose speed moves 1.7x between rounds: OLD and NEW move
	// together, and NEW is 20% slower in every round.
	old := []float64{35, 60, 35, 36, 58, 35}
	slow := make([]float64, len(old))
	same := make([]float64, len(old))
	for i, v := range old {
		slow[i] = v * 1.2 * (1 + 0.01*float64(i%3-1))
		same[i] = v * (1 + 0.01*float64(i%3-1))
	}
	noisy := []float64{36, 80, 30, 50, 58, 40} // NEW's per-round ratios 1.03x to 1.43x and one 0.86x
	cs := JudgePaired([]PairedSeries{series("slow", old, slow), series("same", old, same), series("noisy", old, noisy)}, 0.05)
	require.Len(t, cs, 3)
	s := cs[0]
	assert.Equal(t, PairedDifferent, s.Answer, "%+v", s)
	assert.InDelta(t, 1.2, s.Ratio, 0.01)
	assert.Greater(t, s.Lo, 1.0)
	assert.InDelta(t, 1.0/64, s.P, 1e-12, "every round worse, the largest t: the identity alone of 64 arrangements")
	assert.Equal(t, 3, s.Family)
	assert.Equal(t, PairedSame, cs[1].Answer, "%+v", cs[1])
	n := cs[2]
	assert.Equal(t, PairedUnknown, n.Answer, "%+v", n)
	assert.Greater(t, n.Worse, 0.05)
	assert.Greater(t, n.P, 0.05)
	assert.Greater(t, n.More, 6, "more rounds would decide")

	// A rate (higher is better) 20% lower in every round is worse.
	r := series("rate", []float64{100, 60, 100, 99, 61, 100}, []float64{80, 48, 80, 79, 49, 80})
	r.Unit, r.Better = "B/s", 1
	c := JudgePaired([]PairedSeries{r}, 0.05)[0]
	assert.Equal(t, PairedDifferent, c.Answer, "%+v", c)
	assert.InDelta(t, 0.25, c.Worse, 0.01, "1/0.8 - 1")

	// Fewer than 6 rounds: no test; worse than the threshold is unknown.
	c = JudgePaired([]PairedSeries{series("few", old[:4], slow[:4])}, 0.05)[0]
	assert.Equal(t, PairedUnknown, c.Answer)
	assert.True(t, math.IsNaN(c.P))
	assert.Equal(t, 6, c.More)
}

// TestJudgePairedFamily: one unit clearly worse among many noisy ones is
// still found; the same unit alone among noisy ones that are all
// unchanged does not make them different.
func TestJudgePairedFamily(t *testing.T) {
	var fam []PairedSeries
	for i := range 50 {
		o := make([]float64, 8)
		n := make([]float64, 8)
		for j := range o {
			o[j] = 100
			// deterministic noise, ±20%, no change
			n[j] = 100 * (1 + 0.2*math.Sin(float64(7*i+3*j+1)))
		}
		fam = append(fam, series("noise", o, n))
	}
	o := []float64{10, 10.1, 9.9, 10, 10.2, 9.8, 10, 10}
	n := make([]float64, len(o))
	for j, v := range o {
		n[j] = v * 1.3 * (1 + 0.002*float64(j%2))
	}
	fam = append(fam, series("worse", o, n))
	cs := JudgePaired(fam, 0.05)
	assert.Equal(t, PairedDifferent, cs[50].Answer, "%+v", cs[50])
	for _, c := range cs[:50] {
		assert.NotEqual(t, PairedDifferent, c.Answer, "%+v", c)
	}
}

func TestReadRounds(t *testing.T) {
	data := `pkg: example.com/m/internal/canary
bench-ab round 1
BenchmarkCanary 1 100 ns/op
pkg: example.com/m/sha
BenchmarkJobs/workers=1 1 200 ns/op
pkg: example.com/m/internal/canary
BenchmarkCanary 1 104 ns/op
bench-ab round 2
BenchmarkCanary 1 102 ns/op
BenchmarkCanary 1 106 ns/op
bench-ab round 4
pkg: example.com/m/sha
BenchmarkJobs/workers=1 1 220 ns/op
`
	rs, err := ReadRounds(Input{Name: "old.txt", Data: []byte(data)}, "sec/op")
	require.NoError(t, err)
	assert.Equal(t, map[int][]float64{1: {200}, 4: {220}}, ns(rs["example.com/m/sha Jobs/workers=1"]), "round 3 was cut: round 4 stays round 4")
	assert.Equal(t, map[int][]float64{1: {100, 104}, 2: {102, 106}}, ns(rs["example.com/m/internal/canary Canary"]))

	// Without round lines, the i-th result of a benchmark is round i.
	plain := strings.ReplaceAll(strings.ReplaceAll(data, "bench-ab round 2\n", ""), "bench-ab round ", "x ")
	rs, err = ReadRounds(Input{Name: "old.txt", Data: []byte(plain)}, "sec/op")
	require.NoError(t, err)
	assert.Equal(t, map[int][]float64{1: {200}, 2: {220}}, ns(rs["example.com/m/sha Jobs/workers=1"]))

	rounds, o, n := Pairs(map[int][]float64{1: {1}, 2: {2}, 4: {4, 6}}, map[int][]float64{2: {3}, 4: {5}, 5: {9}})
	assert.Equal(t, []int{2, 4}, rounds)
	assert.Equal(t, []float64{2, 5}, o)
	assert.Equal(t, []float64{3, 5}, n)
}

// ns is values in seconds as whole nanoseconds.
func ns(m map[int][]float64) map[int][]float64 {
	out := map[int][]float64{}
	for r, vs := range m {
		for _, v := range vs {
			out[r] = append(out[r], math.Round(v*1e9))
		}
	}
	return out
}
