package bench_test

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/futuresbench/futures/bench"
)

// scaled returns a copy of a results file with every ns/op multiplied by f
// (a hand-made "new" run from a real one).
func scaled(t *testing.T, name string, f float64) io.Reader {
	b, err := os.ReadFile(filepath.Join(shared, name))
	require.NoError(t, err)
	var out strings.Builder
	for _, line := range strings.Split(string(b), "\n") {
		fields := strings.Fields(line)
		if strings.HasPrefix(line, "Benchmark") && len(fields) >= 4 && fields[3] == "ns/op" {
			var v float64
			fmt.Sscan(fields[2], &v)
			line = fmt.Sprintf("%s %s %.0f ns/op", fields[0], fields[1], v*f)
		}
		out.WriteString(line + "\n")
	}
	return strings.NewReader(out.String())
}

func TestCompare(t *testing.T) {
	old, err := readSamples(t, scaled(t, "cpu.txt", 1), "old")
	require.NoError(t, err)
	tests := []struct {
		name        string
		factor      float64
		regressions int
	}{
		{"same run", 1, 0},
		{"2% slower: under the threshold", 1.02, 0},
		{"20% slower", 1.2, -1}, // every benchmark
		{"20% faster", 0.8, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			new, err := readSamples(t, scaled(t, "cpu.txt", tt.factor), "new")
			require.NoError(t, err)
			changes := bench.Compare(old, new, bench.Uniform(0.05), 0.05)
			require.Equal(t, len(old.Names), len(changes))
			require.Equal(t, 21, len(changes))
			if tt.regressions < 0 {
				tt.regressions = len(changes)
			}
			n := 0
			for _, c := range changes {
				if c.Regression {
					n++
					assert.InDelta(t, tt.factor-1, c.Delta, 1e-3)
					assert.Less(t, c.P, 0.05)
				}
			}
			assert.Equal(t, tt.regressions, n)
		})
	}
}

// TestCompareNoise: two real runs of the same code are not a regression.
func TestCompareNoise(t *testing.T) {
	a, err := readSamples(t, openTestdata(t, "noise_a.txt"), "a")
	require.NoError(t, err)
	b, err := readSamples(t, openTestdata(t, "noise_b.txt"), "b")
	require.NoError(t, err)
	for _, c := range bench.Compare(a, b, bench.Uniform(0.05), 0.05) {
		assert.False(t, c.Regression, "%s: %+.1f%% p=%.3f", c.Name, 100*c.Delta, c.P)
	}
}

// readSamples reads one output.
func readSamples(t testing.TB, r io.Reader, name string) (*bench.Samples, error) {
	t.Helper()
	data, err := io.ReadAll(r)
	require.NoError(t, err)
	return bench.Read(bench.Input{Name: name, Data: data})
}

// handSamples is one benchmark "x" made by hand: run i holds the i-th value
// of each unit (NaN and infinities included, which Read never keeps).
func handSamples(units map[string][]float64) *bench.Samples {
	b := &bench.Benchmark{Name: "x"}
	for unit, vs := range units {
		b.Units = append(b.Units, unit)
		for i, v := range vs {
			for len(b.Runs) <= i {
				b.Runs = append(b.Runs, bench.Run{})
			}
			b.Runs[i][unit] = v
		}
	}
	slices.Sort(b.Units)
	return &bench.Samples{Names: []string{"x"}, Benchmarks: map[string]*bench.Benchmark{"x": b}}
}

func openTestdata(t *testing.T, name string) io.Reader {
	b, err := os.ReadFile(filepath.Join(shared, name))
	require.NoError(t, err)
	return bytes.NewReader(b)
}

func TestParseThreshold(t *testing.T) {
	for in, want := range map[string]float64{"5%": 0.05, "0.05": 0.05, "12.5%": 0.125, "0": 0} {
		got, err := bench.ParseThreshold(in)
		require.NoError(t, err, in)
		assert.InDelta(t, want, got, 1e-12, in)
	}
	for _, bad := range []string{"", "five", "-5%", "%"} {
		_, err := bench.ParseThreshold(bad)
		assert.Error(t, err, bad)
	}
	// A bare number of 1 or more is a percent meant, refused: as a
	// fraction it would be a gate that never fails (5 = 500%).
	for in, msg := range map[string]string{"5": "5: write 5% (a bare number is a fraction: 0.05)",
		"1": "1: write 1% (a bare number is a fraction: 0.01)", "10": "10: write 10% (a bare number is a fraction: 0.1)",
		"12.5": "12.5: write 12.5% (a bare number is a fraction: 0.125)"} {
		_, err := bench.ParseThreshold(in)
		var bare *bench.BareThresholdError
		require.ErrorAs(t, err, &bare, in)
		assert.Equal(t, msg, err.Error())
	}
	for in, msg := range map[string]string{"5": "5: write 5%", "allocs/op=5": "allocs/op=5: write allocs/op=5% (a bare number is a fraction: allocs/op=0.05)",
		"\x1b[2J=3": `\x1b[2J=3: write`} {
		_, err := bench.ParseThresholds([]string{"5%", in}, 0.05)
		var bare *bench.BareThresholdError
		require.ErrorAs(t, err, &bare, in)
		assert.Contains(t, err.Error(), msg)
	}
	got, err := bench.ParseThreshold("0.99")
	require.NoError(t, err)
	assert.InDelta(t, 0.99, got, 1e-12)
	got, err = bench.ParseThreshold("500%")
	require.NoError(t, err, "a percent up to 1000% is still taken")
	assert.InDelta(t, 5, got, 1e-12)
}

// FuzzCompare runs the regression gate's path (read both, compare, write,
// missing) on any two inputs: it must end, and never panic. The seeds hold
// the NaN input that made benchmath's U test loop while allocating.
func FuzzCompare(f *testing.F) {
	seeds := hostileSeeds(f)
	for _, a := range seeds {
		f.Add(a, seeds[0])
	}
	f.Fuzz(func(t *testing.T, a, b []byte) {
		old, err := readSamples(t, bytes.NewReader(a), "old")
		if err != nil {
			return
		}
		new, err := readSamples(t, bytes.NewReader(b), "new")
		if err != nil {
			return
		}
		changes := bench.Compare(old, new, bench.Uniform(0.05), 0.05)
		require.NoError(t, bench.WriteComparison(io.Discard, changes, 0.05))
		for _, name := range bench.Missing(old, new) {
			assert.Empty(t, new.Values(name, "sec/op"))
		}
	})
}

// TestCompareNaNEnds: samples with NaN made by hand are compared on what is
// left, and the comparison ends.
func TestCompareNaNEnds(t *testing.T) {
	old := handSamples(map[string][]float64{"sec/op": {1, 1.1, 0.9, 1, 1.05, 0.95}})
	new := handSamples(map[string][]float64{"sec/op": {math.NaN(), math.NaN(), math.Inf(1), 1.3, 1.35, 1.32, 1.31, 1.29, 1.3}})
	done := make(chan []bench.Change)
	go func() { done <- bench.Compare(old, new, bench.Uniform(0.05), 0.05) }()
	select {
	case changes := <-done:
		require.Len(t, changes, 1)
		assert.Equal(t, 6, changes[0].NNew)
		assert.True(t, changes[0].Regression)
	case <-time.After(10 * time.Second):
		t.Fatal("Compare did not end on NaN samples")
	}
}

// TestCompareDisturbed: a slowdown whose CPU per op did not rise while the
// process was preempted much more is the machine's, named and not counted;
// one that cost CPU, or that waited more without preemptions (a sleep
// added), is a regression.
func TestCompareDisturbed(t *testing.T) {
	spread := func(center float64) []float64 {
		return []float64{center * 0.99, center * 0.995, center, center, center * 1.005, center * 1.01}
	}
	old := handSamples(map[string][]float64{"sec/op": spread(1), "cpu-sec/op": spread(1), "preempts/op": spread(2)})
	tests := []struct {
		name                  string
		cpu, preempts         float64
		regression, disturbed bool
	}{
		{"busy machine: same CPU, 10x preemptions", 1, 20, false, true},
		{"slower code: more CPU", 1.3, 20, true, false},
		{"waits more: same CPU, same preemptions", 1, 2, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			new := handSamples(map[string][]float64{"sec/op": spread(1.3), "cpu-sec/op": spread(tt.cpu), "preempts/op": spread(tt.preempts)})
			c := bench.Compare(old, new, bench.Uniform(0.05), 0.05)
			require.Len(t, c, 1)
			assert.Equal(t, tt.regression, c[0].Regression)
			assert.Equal(t, tt.disturbed, c[0].Disturbed)
			if tt.disturbed {
				assert.Contains(t, c[0].Why, "busier")
			}
		})
	}
}

// TestUnknownUnit: a unit threshold naming no unit of either side is
// found (the first, in order), ns/op is sec/op, and the list of the units
// present is short and escaped however many there are.
func TestUnknownUnit(t *testing.T) {
	old, err := bench.Read(bench.Input{Name: "old", Data: []byte("BenchmarkA 1 100 ns/op 3 allocs/op\n")})
	require.NoError(t, err)
	nw, err := bench.Read(bench.Input{Name: "new", Data: []byte("BenchmarkA 1 100 ns/op 8 B/op\n")})
	require.NoError(t, err)
	th, err := bench.ParseThresholds([]string{"ns/op=1%", "allocs/op=0%", "B/op=0%"}, 0.05)
	require.NoError(t, err)
	unit, have := th.UnknownUnit(old, nw)
	assert.Empty(t, unit, "every unit is on one side")
	assert.Equal(t, []string{"sec/op", "allocs/op", "B/op"}, have)
	th, err = bench.ParseThresholds([]string{"zz/op=1%", "alloc/op=0%"}, 0.05)
	require.NoError(t, err)
	unit, _ = th.UnknownUnit(old, nw)
	assert.Equal(t, "alloc/op", unit)

	var many []string
	for i := range 30 {
		many = append(many, fmt.Sprintf("u%d\x1b/op", i))
	}
	many = append(many, strings.Repeat("é", 100))
	l := bench.UnitList(many, 12)
	assert.Contains(t, l, `u0\x1b/op, u1\x1b/op`)
	assert.True(t, strings.HasSuffix(l, " and 19 more"), l)
	assert.NotContains(t, l, "\x1b")
	assert.Equal(t, "none", bench.UnitList(nil, 12))
	assert.Contains(t, bench.UnitList(many[30:], 12), "...")
}
