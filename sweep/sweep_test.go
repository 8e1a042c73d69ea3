package sweep_test

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/futuresbench/futures/sweep"
)

func TestCountsFor(t *testing.T) {
	tests := []struct {
		procs int
		want  []int // nil: check the properties only
	}{
		{procs: 1, want: []int{1, 2, 3, 4}},
		{procs: 2, want: []int{1, 2, 3, 4}},
		{procs: 4, want: []int{1, 2, 3, 4, 5, 6, 8}},
		{procs: 64},
		{procs: 96},
		{procs: 1000},
		{procs: 1 << 20},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("procs=%d", tt.procs), func(t *testing.T) {
			got := sweep.CountsFor(tt.procs)
			if tt.want != nil {
				assert.Equal(t, tt.want, got)
			}
			assert.LessOrEqual(t, len(got), sweep.MaxCounts)
			assert.True(t, slices.IsSorted(got), "ascending: %v", got)
			assert.Equal(t, len(got), len(slices.Compact(slices.Clone(got))), "no count twice: %v", got)
			for _, c := range []int{1, tt.procs, max(2*tt.procs, 4)} {
				assert.Contains(t, got, c)
			}
			if tt.procs > 2 {
				assert.Contains(t, got, tt.procs-1)
				assert.Contains(t, got, tt.procs+1)
			}
			// Geometric: no gap wider than 4x between neighbours below procs.
			for i := 1; i < len(got) && got[i] <= tt.procs; i++ {
				assert.LessOrEqual(t, got[i], 4*got[i-1], "gap in %v", got)
			}
		})
	}
}

// BenchmarkProbe is run by TestWorkersOutput in a child process.
func BenchmarkProbe(b *testing.B) {
	sweep.Workers(b, func(b *testing.B, workers int) {
		for b.Loop() {
		}
	})
}

// TestWorkersOutput runs BenchmarkProbe in a child test process with
// GOMAXPROCS set in its environment, as make bench does, and checks the
// lines it prints: workers=N for each count at that setting, Go's -N suffix
// for GOMAXPROCS (none for 1), and a gomaxprocs metric that agrees with it.
func TestWorkersOutput(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process")
	}
	for _, procs := range []int{1, 2, 5} {
		t.Run(fmt.Sprintf("GOMAXPROCS=%d", procs), func(t *testing.T) {
			cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^$", "-test.bench=^BenchmarkProbe$", "-test.benchtime=1x")
			cmd.Env = append(os.Environ(), fmt.Sprintf("GOMAXPROCS=%d", procs))
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "%s", out)
			line := regexp.MustCompile(`(?m)^BenchmarkProbe/workers=(\d+)(-\d+)?\s+\d+\s+.*?\s([0-9.]+) gomaxprocs`)
			var got []int
			for _, m := range line.FindAllStringSubmatch(string(out), -1) {
				w, _ := strconv.Atoi(m[1])
				got = append(got, w)
				suffix := ""
				if procs > 1 {
					suffix = fmt.Sprintf("-%d", procs)
				}
				assert.Equal(t, suffix, m[2], "suffix of workers=%d", w)
				assert.Equal(t, fmt.Sprintf("%d.000", procs), m[3], "gomaxprocs metric of workers=%d", w)
			}
			assert.Equal(t, sweep.CountsFor(procs), got, "output:\n%s", out)
		})
	}
}

var sink uint64

// TestMeasure: the CPU per op of a CPU-bound loop on one goroutine is
// positive and no more than the time per op on GOMAXPROCS threads; the
// GOMAXPROCS it ran at is reported.
func TestMeasure(t *testing.T) {
	r := testing.Benchmark(func(b *testing.B) {
		sweep.Measure(b, func(b *testing.B) {
			x := uint64(1)
			for b.Loop() {
				for range 10_000 {
					x ^= x << 13
					x ^= x >> 7
					x ^= x << 17
				}
			}
			sink = x
		})
	})
	cpu, wall := r.Extra["cpu-sec/op"], float64(r.T.Seconds())/float64(r.N)
	assert.Positive(t, cpu)
	assert.LessOrEqual(t, cpu, 1.5*wall*float64(runtime.GOMAXPROCS(0)), "cpu %g s/op against %g s/op of wall time", cpu, wall)
	assert.Equal(t, float64(runtime.GOMAXPROCS(0)), r.Extra["gomaxprocs"])
}

// TestRotate: SWEEP_ROTATE=r starts the sweep r counts further along.
func TestRotate(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process")
	}
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^$", "-test.bench=^BenchmarkProbe$", "-test.benchtime=1x")
	cmd.Env = append(os.Environ(), "GOMAXPROCS=2", "SWEEP_ROTATE=5")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	var got []string
	for _, m := range regexp.MustCompile(`(?m)^BenchmarkProbe/workers=(\d+)-2 `).FindAllStringSubmatch(string(out), -1) {
		got = append(got, m[1])
	}
	assert.Equal(t, []string{"2", "3", "4", "1"}, got, "5 mod 4 = 1 place along")
}
