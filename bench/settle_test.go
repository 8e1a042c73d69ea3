package bench_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/futuresbench/futures/bench"
)

// The confidence of the median's interval between order statistics x(k)
// and x(n+1-k) is 1 - 2 P(Binomial(n, 1/2) <= k-1) (Conover, Practical
// Nonparametric Statistics, 3rd ed., §3.2): with n = 6 the widest, x(1) to
// x(6), has 1 - 2/64 = 0.96875.
func TestSpent(t *testing.T) {
	assert.InDelta(t, 1-2.0/64, bench.Spent(6), 1e-12)
	assert.InDelta(t, 1-2.0/128, bench.Spent(7), 1e-12)
	assert.Equal(t, 0.0, bench.Spent(5), "5 runs give no 95% interval")
}

func TestLevel(t *testing.T) {
	looks := []int{6, 12, 20}
	assert.Equal(t, bench.Confidence, bench.Level(nil, 20), "a fixed count")
	assert.Equal(t, bench.Confidence, bench.Level(looks, 6), "at the first look: a fixed count's interval")
	// The first look spends 1 - 0.96875; the 0.01875 left is split
	// between the two later looks.
	assert.InDelta(t, 1-0.01875/2, bench.Level(looks, 12), 1e-12)
	assert.InDelta(t, 1-0.01875/2, bench.Level(looks, 20), 1e-12)
	// Every look together: at most 5%.
	spent := (1 - bench.Spent(6)) + 2*(1-bench.Level(looks, 12))
	assert.LessOrEqual(t, spent, 1-bench.Confidence+1e-12)
}

func TestParseLooks(t *testing.T) {
	got, err := bench.ParseLooks("6 12 20")
	require.NoError(t, err)
	assert.Equal(t, []int{6, 12, 20}, got)
	for _, bad := range []string{"5 10", "6 6", "12 6", "6 x", "6 -1", "6 99999", "", "  "} {
		_, err := bench.ParseLooks(bad)
		assert.Error(t, err, bad)
	}
}

// run writes a sweep's rounds as go test output: times[r][i] is round r's
// ns/op at workers=i+1, with the CPU time a CPU-bound op takes.
func sweepRounds(header string, times [][]float64, procs int) string {
	var b strings.Builder
	b.WriteString(header)
	b.WriteString("pkg: example.com/w\n")
	suffix := ""
	if procs > 1 {
		suffix = fmt.Sprintf("-%d", procs)
	}
	for _, round := range times {
		for i, ns := range round {
			cpu := ns * float64(min(i+1, procs))
			fmt.Fprintf(&b, "BenchmarkW/workers=%d%s 1 %.0f ns/op %.6f cpu-sec/op 0 others-sec/op 0 runq-sec/op %d gomaxprocs\n", i+1, suffix, ns, cpu/1e9, procs)
		}
	}
	return b.String()
}

func analyzeText(t *testing.T, text string) *bench.Analysis {
	t.Helper()
	s, err := bench.Read(bench.Input{Name: "t", Data: []byte(text)})
	require.NoError(t, err)
	as := bench.Analyze(s)
	require.Len(t, as, 1)
	return as[0]
}

func TestUndecided(t *testing.T) {
	// Two cores, CPU-bound: 2, 3 and 4 workers as fast, each round within
	// 2% of the others: settled at 6 rounds.
	var quiet, noisy [][]float64
	for r := range 6 {
		e := 1 + 0.004*float64(r%3)
		quiet = append(quiet, []float64{100e6 * e, 50e6 * e, 50.5e6 * e, 50.2e6 * e})
		// The same, but one round's workers=3 and another's workers=4
		// ran at half speed: their intervals reach 2x.
		n := []float64{100e6 * e, 50e6 * e, 50.5e6 * e, 50.2e6 * e}
		if r == 2 {
			n[2] *= 2
		}
		if r == 4 {
			n[3] *= 2
		}
		noisy = append(noisy, n)
	}
	a := analyzeText(t, sweepRounds("looks: 6 12 20\n", quiet, 2))
	assert.Equal(t, bench.ScalingScales, a.Scaling.Kind)
	assert.Equal(t, 2, a.Scaling.Knee)
	assert.Empty(t, a.Undecided())
	assert.True(t, bench.Settled([]*bench.Analysis{a}))
	assert.Equal(t, bench.Confidence, a.Level)

	a = analyzeText(t, sweepRounds("looks: 6 12 20\n", noisy, 2))
	u := a.Undecided()
	require.NotEmpty(t, u)
	for _, c := range u {
		assert.Equal(t, bench.ClaimKnee, c.Claim)
	}
	assert.False(t, bench.Settled([]*bench.Analysis{a}))
	assert.Contains(t, strings.Join(a.Warnings(), "\n"), "undecided after 6 runs: workers=")
	// Without a "looks:" line the report says nothing of it.
	a = analyzeText(t, sweepRounds("", noisy, 2))
	assert.NotContains(t, strings.Join(a.Warnings(), "\n"), "undecided")

	// Fewer than 6 rounds: no intervals.
	a = analyzeText(t, sweepRounds("looks: 6 12 20\n", quiet[:3], 2))
	assert.Equal(t, []bench.Undecided{{Claim: bench.ClaimIntervals}}, a.Undecided())

	// Past the first look: the level left, and a note that says it.
	a = analyzeText(t, sweepRounds("looks: 6 12 20\n", append(append(quiet, quiet...), quiet...)[:12], 2))
	assert.InDelta(t, 1-0.01875/2, a.Level, 1e-12)
	assert.Contains(t, strings.Join(a.Warnings(), "\n"), "12 runs, past the run's first look: intervals at 99.1%")
}

func TestUndecidedDisturbed(t *testing.T) {
	var rounds [][]float64
	for range 6 {
		rounds = append(rounds, []float64{100e6, 50e6, 50e6, 50e6})
	}
	text := sweepRounds("looks: 6 12 20\n", rounds, 2)
	// Others took 40% of workers=3's core time while its threads waited.
	text = strings.ReplaceAll(text, "BenchmarkW/workers=3-2 1 50000000 ns/op 0.100000 cpu-sec/op 0 others-sec/op 0 runq-sec/op",
		"BenchmarkW/workers=3-2 1 50000000 ns/op 0.060000 cpu-sec/op 0.04 others-sec/op 0.04 runq-sec/op")
	a := analyzeText(t, text)
	assert.Contains(t, a.Undecided(), bench.Undecided{Claim: bench.ClaimDisturbed, X: 3})
}

func TestLooksLineMalformed(t *testing.T) {
	// The error names the looks line, not the first result's.
	_, err := bench.Read(bench.Input{Name: "bad.txt", Data: []byte("BenchmarkW/workers=1 1 100 ns/op\nlooks: 6 6\nBenchmarkW/workers=1 1 100 ns/op\n")})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "bad.txt:2: looks")
}
