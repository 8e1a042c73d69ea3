package bench_test

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/futuresbench/futures/bench"
	"github.com/futuresbench/futures/internal/benchtest"
)

func samplesOf(t *testing.T, data []byte) *bench.Samples {
	t.Helper()
	s, err := readSamples(t, bytes.NewReader(data), "in")
	require.NoError(t, err)
	return s
}

// gate runs the gate at 5% and alpha 0.05.
func gate(t *testing.T, old, new *bench.Samples) *bench.GateResult {
	t.Helper()
	g, err := bench.Gate(old, new, bench.GateOptions{Thresholds: bench.Uniform(0.05), Alpha: 0.05})
	require.NoError(t, err)
	return g
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
	// Without its commit line: copies of one commit would be an A/A
	// comparison (TestGateAA).
	base := regexp.MustCompile(`(?m)^commit: .*\n`).ReplaceAll(readShared(t, "aa/quiet-a.txt"), nil)
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
	g := gate(t, old, slower)
	assert.Empty(t, regressions(g.Changes), "corrected, it is the machine's")
	assert.Equal(t, bench.GateMachine, g.Status, "the machine changed, and nothing is worse than that")

	sha := func(name string) bool { return strings.HasPrefix(name, "BenchmarkJobs/workers=2-2") }
	worse := samplesOf(t, benchtest.Slowed(benchtest.Slowed(base, 1.25, benchtest.All), 1.5, sha))
	g = gate(t, old, worse)
	got := regressions(g.Changes)
	assert.Equal(t, bench.GateFail, g.Status)
	assert.NotEmpty(t, got, "50% beyond the machine's change is a regression")
	for _, r := range got {
		assert.Contains(t, r, "Jobs/workers=2-2", "only the benchmark made slower: %v", got)
	}

	code := samplesOf(t, benchtest.Slowed(base, 1.5, sha))
	c, _ = bench.FindCanary(old, code, 0.05)
	assert.False(t, c.Moved, "the canary did not move")
	g = gate(t, old, code)
	assert.NotEmpty(t, regressions(g.Changes))
	assert.Equal(t, bench.GateFail, g.Status)

	// The canary itself is never a regression.
	onlyCanary := samplesOf(t, benchtest.Slowed(base, 1.25, func(n string) bool { return strings.HasPrefix(n, "BenchmarkCanary") }))
	for _, ch := range gate(t, old, onlyCanary).Changes {
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
	assert.Equal(t, []string{"example.com/m Parse-2 allocs/op"}, regressions(gate(t, old, new).Changes))
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
		{"commit: 8a3611e\n", "commit: 8A3611E\n", true}, // hex in either case
		{"commit: 8a3611e\ncommit: 8A3611E\n", "commit: 8a3611e\n", true},
		{"commit: 8a3611e-dirty\n", "commit: 8A3611E-DIRTY\n", false},
		{"", "", false},
		{"commit: abc123\ninterleaved: ab\n", "commit: abc123\ninterleaved: ab\n", false},
	}
	for _, tt := range tests {
		_, same := bench.SameCode(mk(tt.old), mk(tt.new))
		assert.Equal(t, tt.same, same, "%q %q", tt.old, tt.new)
	}
}

// TestGateAA: one clean commit measured twice, the second time on a
// slower machine without a canary to show it: every difference is the
// machine's, none a regression, and the gate cannot judge.
func TestGateAA(t *testing.T) {
	base := regexp.MustCompile(`(?m)^BenchmarkCanary.*\n`).ReplaceAll(readShared(t, "aa/quiet-a.txt"), nil)
	old := samplesOf(t, base)
	new := samplesOf(t, benchtest.Slowed(base, 1.25, benchtest.All))
	g := gate(t, old, new)
	assert.Nil(t, g.Canary)
	assert.True(t, g.AA())
	assert.Empty(t, regressions(g.Changes))
	aa := 0
	for _, c := range g.Changes {
		if c.AA {
			aa++
		}
	}
	assert.Positive(t, aa, "the slower copy differs")
	assert.Equal(t, bench.GateMachine, g.Status)
	assert.Contains(t, g.Why(), fmt.Sprintf("differs in %d places", aa))

	// The same copy under another commit is a regression.
	other := samplesOf(t, regexp.MustCompile(`commit: \w+`).ReplaceAll(benchtest.Slowed(base, 1.25, benchtest.All), []byte("commit: 0ther")))
	g = gate(t, old, other)
	assert.False(t, g.AA())
	assert.NotEmpty(t, regressions(g.Changes))
	assert.Equal(t, bench.GateFail, g.Status)
}
