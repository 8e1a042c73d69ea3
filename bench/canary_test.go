package bench_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/futuresbench/futures/bench"
	"github.com/futuresbench/futures/internal/benchtest"
)

func samplesOf(t *testing.T, data []byte) *bench.Samples {
	t.Helper()
	s, err := bench.ReadSamples(bytes.NewReader(data), "in")
	require.NoError(t, err)
	return s
}

func regressions(cs []bench.Change) []string {
	var out []string
	for _, c := range cs {
		if c.Regression {
			out = append(out, c.Name+" "+c.Unit)
		}
	}
	return out
}

// TestCanary: on a real make bench (canary included), a copy whose every
// benchmark, canary too, ran 25% slower is the machine's: the canary moved
// by 1.25, and corrected for it nothing regresses, where without the
// correction everything does. One benchmark 25% slower on top of that is
// named. A copy with the code alone slower (canary untouched) is judged as
// it is. An allocation change is the code's whatever the machine did.
func TestCanary(t *testing.T) {
	base := readShared(t, "aa/quiet-a.txt")
	old := samplesOf(t, base)
	th := bench.Uniform(0.05)

	steady, ok := bench.FindCanary(old, old, 0.05)
	require.True(t, ok, "the run has a canary")
	assert.False(t, steady.Moved)
	assert.InDelta(t, 1, steady.Ratio, 1e-12)

	slower := samplesOf(t, benchtest.Slowed(base, 1.25, benchtest.All))
	c, ok := bench.FindCanary(old, slower, 0.05)
	require.True(t, ok)
	assert.True(t, c.Moved, "%+v", c)
	assert.InDelta(t, 1.25, c.Ratio, 1e-6)
	assert.NotEmpty(t, regressions(bench.Compare(old, slower, th, 0.05)), "uncorrected, a slower machine looks like regressions")
	assert.Empty(t, regressions(bench.CompareAgainst(old, slower, th, 0.05, &c)), "corrected, it is the machine's")

	sha := func(name string) bool { return strings.HasPrefix(name, "BenchmarkJobs/workers=2-2") }
	worse := samplesOf(t, benchtest.Slowed(benchtest.Slowed(base, 1.25, benchtest.All), 1.5, sha))
	c, _ = bench.FindCanary(old, worse, 0.05)
	got := regressions(bench.CompareAgainst(old, worse, th, 0.05, &c))
	assert.NotEmpty(t, got, "50% beyond the machine's change is a regression")
	for _, r := range got {
		assert.Contains(t, r, "Jobs/workers=2-2", "only the benchmark made slower: %v", got)
	}

	code := samplesOf(t, benchtest.Slowed(base, 1.5, sha))
	c, _ = bench.FindCanary(old, code, 0.05)
	assert.False(t, c.Moved, "the canary did not move")
	assert.NotEmpty(t, regressions(bench.CompareAgainst(old, code, th, 0.05, &c)))

	// The canary itself is never a regression.
	onlyCanary := samplesOf(t, benchtest.Slowed(base, 1.25, func(n string) bool { return strings.HasPrefix(n, "BenchmarkCanary") }))
	for _, ch := range bench.CompareAgainst(old, onlyCanary, th, 0.05, nil) {
		if strings.Contains(ch.Name, "Canary") {
			assert.True(t, ch.Canary)
			assert.False(t, ch.Regression)
		}
	}
}

// TestCanaryAbsent: a user's own runs carry no canary; nothing is found.
func TestCanaryAbsent(t *testing.T) {
	s := samplesOf(t, readShared(t, "cpu.txt"))
	_, ok := bench.FindCanary(s, s, 0.05)
	assert.False(t, ok)
}

// TestCanaryAllocations: allocations are not corrected for the machine.
func TestCanaryAllocations(t *testing.T) {
	line := func(ns float64, allocs int) string {
		return fmt.Sprintf("BenchmarkCanary 100 %.0f ns/op\nBenchmarkParse-2 1000 %.0f ns/op %d allocs/op\n", ns, ns/10, allocs)
	}
	var a, b strings.Builder
	a.WriteString("pkg: example.com/m\n")
	b.WriteString("pkg: example.com/m\n")
	for i := range 6 {
		j := 1 + 0.001*float64(i)
		a.WriteString(line(1e6*j, 10))
		b.WriteString(line(1.3e6*j, 11))
	}
	old, new := samplesOf(t, []byte(a.String())), samplesOf(t, []byte(b.String()))
	c, ok := bench.FindCanary(old, new, 0.05)
	require.True(t, ok)
	require.True(t, c.Moved)
	assert.Equal(t, []string{"m Parse-2 allocs/op"}, regressions(bench.CompareAgainst(old, new, bench.Uniform(0.05), 0.05, &c)))
}

// TestSameCode: one clean commit measured twice is an A/A comparison; a
// dirty tree, two commits, or runs measured interleaved (make bench-ab)
// are not.
func TestSameCode(t *testing.T) {
	mk := func(header string) *bench.Samples {
		return samplesOf(t, []byte(header+"pkg: m\nBenchmarkX 10 100 ns/op\n"))
	}
	tests := []struct {
		old, new string
		same     bool
	}{
		{"commit: abc123\n", "commit: abc123\n", true},
		{"commit: abc123-dirty\n", "commit: abc123-dirty\n", false},
		{"commit: abc123\n", "commit: def456\n", false},
		{"", "", false},
		{"commit: abc123\ninterleaved: ab\n", "commit: abc123\ninterleaved: ab\n", false},
	}
	for _, tt := range tests {
		_, same := bench.SameCode(mk(tt.old), mk(tt.new))
		assert.Equal(t, tt.same, same, "%q %q", tt.old, tt.new)
	}
}
