package bench_test

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/perf/benchfmt"

	"github.com/futuresbench/futures/bench"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// shared holds the recorded runs that bench and cmd/benchreport both read
// (the module's top-level testdata); this package's goldens are in its own.
var shared = filepath.Join("..", "testdata", "bench")

func load(t testing.TB, names ...string) (*bench.Samples, error) {
	t.Helper()
	var inputs []bench.Input
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(shared, n))
		require.NoError(t, err)
		if strings.HasSuffix(n, ".gz") {
			zr, err := gzip.NewReader(bytes.NewReader(b))
			require.NoError(t, err)
			b, err = io.ReadAll(zr)
			require.NoError(t, err)
		}
		inputs = append(inputs, bench.Input{Name: n, Data: b})
	}
	return bench.Read(inputs...)
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))
}

// TestGoldenReports: reports of real runs (cpu: arcfour, sha and qsort jobs;
// downloads: the delayed flag sweep; primes: Map with its tasks) and of
// hand-made edge cases, in every format.
func TestGoldenReports(t *testing.T) {
	for _, name := range []string{"cpu", "downloads", "primes", "one_sample", "no_workers1", "mixed_units", "failed"} {
		for _, f := range []bench.Format{bench.Text, bench.Markdown, bench.CSV, bench.HTML} {
			t.Run(name+"/"+string(f), func(t *testing.T) {
				d, err := load(t, name+".txt")
				require.NoError(t, err)
				var out bytes.Buffer
				require.NoError(t, bench.Write(&out, f, bench.Analyze(d), nil))
				ext := map[bench.Format]string{bench.Text: "txt", bench.Markdown: "md", bench.CSV: "csv", bench.HTML: "html"}[f]
				golden(t, name+".golden."+ext, out.Bytes())
			})
		}
	}
}

// TestSpeedupArithmetic checks the numbers of a hand-made sweep directly.
func TestSpeedupArithmetic(t *testing.T) {
	d, err := load(t, "one_sample.txt")
	require.NoError(t, err)
	as := bench.Analyze(d)
	require.Len(t, as, 1)
	a := as[0]
	assert.Equal(t, "Spin-2", a.Name)
	assert.Equal(t, 2, a.Procs)
	require.Len(t, a.Rows, 3)
	assert.InDelta(t, 0.1, a.Rows[0].Median, 1e-12)
	assert.InDelta(t, 100.0/52, a.Rows[1].Speedup, 1e-9)
	assert.InDelta(t, 100.0/52/2, a.Rows[1].Efficiency, 1e-9)
	// Best at 4 workers on 2 cores: half the time of one worker.
	assert.InDelta(t, 0.05, a.Rows[2].Best, 1e-12)
	assert.InDelta(t, 50.0/51, a.Rows[2].OfBest, 1e-9)
	assert.True(t, math.IsNaN(a.Rows[1].SpeedupLo), "one run: no interval")
	assert.True(t, hasNote(a, bench.NoteFewRuns))
	assert.Equal(t, bench.ScalingScales, a.Scaling.Kind)
	assert.Equal(t, 2, a.Scaling.Knee)
	assert.Equal(t, bench.TailFlat, a.Scaling.Tail)
	assert.Equal(t, []int{4}, a.Scaling.Beyond)
	assert.Equal(t, bench.LimitUnknown, a.Limit)
	assert.Equal(t, bench.CauseNoCPU, a.Cause, "without cpu-sec/op the limit cannot be named")
}

func hasNote(a *bench.Analysis, k bench.NoteKind) bool {
	for _, n := range a.Notes {
		if n.Kind == k {
			return true
		}
	}
	return false
}

func TestNoWorkers1(t *testing.T) {
	d, err := load(t, "no_workers1.txt")
	require.NoError(t, err)
	a := bench.Analyze(d)[0]
	assert.Equal(t, 2, a.Base)
	assert.InDelta(t, 50.0/26, a.Rows[1].Speedup, 1e-9)
	assert.InDelta(t, 50.0/26/2, a.Rows[1].Efficiency, 1e-9, "per worker, relative to 2")
	assert.Equal(t, bench.NoteNoBase, a.Notes[0].Kind)
}

// TestDeclaredBest: a sweep that declares its best (best-sec/op, as
// sweep.ReportBest writes it) is judged against it, not against the cores:
// downloads of 8 codes at 50 ms through c connections take ceil(8/c) x 50ms
// at best, and 8 connections on 2 cores are 8x faster, not impossible.
func TestDeclaredBest(t *testing.T) {
	var in strings.Builder
	in.WriteString("cores: 2\npkg: example.com/m/flags\n")
	for _, c := range []int{1, 2, 4, 8} {
		best := float64((8+c-1)/c) * 0.05
		for i := range 6 {
			fmt.Fprintf(&in, "BenchmarkGet/concurrency=%d-2 1 %.0f ns/op %g cpu-sec/op %g best-sec/op 0 runq-sec/op 0 others-sec/op 0 lockwait-sec/op\n",
				c, best*1.02e9*(1+0.003*float64(i)), 0.002, best)
		}
	}
	d, err := bench.Read(bench.Input{Name: "in", Data: []byte(in.String())})
	require.NoError(t, err)
	a := bench.Analyze(d)[0]
	require.True(t, a.Declared)
	for _, r := range a.Rows {
		assert.InDelta(t, float64((8+r.X-1)/r.X)*0.05, r.Best, 1e-9)
		assert.Empty(t, r.Disturbed, "concurrency=%d", r.X)
	}
	assert.Equal(t, bench.LimitWaiting, a.Limit, a.Verdict())
	assert.Equal(t, bench.ScalingScales, a.Scaling.Kind)
	assert.Equal(t, 8, a.Scaling.Knee)
	assert.InDelta(t, 1/1.02, a.Row(8).OfBest, 0.01)

	// Faster than the declared best, beyond the interval: disturbed.
	fast := strings.ReplaceAll(in.String(), "BenchmarkGet/concurrency=8-2 1 5", "BenchmarkGet/concurrency=8-2 1 3")
	d, err = bench.Read(bench.Input{Name: "in", Data: []byte(fast)})
	require.NoError(t, err)
	a = bench.Analyze(d)[0]
	require.Len(t, a.Rows[3].Disturbed, 1)
	assert.Equal(t, bench.DisturbPastBest, a.Rows[3].Disturbed[0].Kind)
	assert.True(t, a.Rows[3].Disturbed[0].Declared)
	assert.Greater(t, a.Rows[3].Disturbed[0].OfBest, 1.5)
}

func TestMixedAndFailed(t *testing.T) {
	d, err := load(t, "mixed_units.txt")
	require.NoError(t, err)
	require.Len(t, d.Sweeps(), 1, "OnlyRate has no sec/op, Size is no sweep")
	assert.Len(t, d.Sweeps()[0].Points[0].Values, 2)
	d, err = load(t, "failed.txt")
	require.NoError(t, err)
	xs := []int{}
	for _, p := range d.Sweeps()[0].Points {
		xs = append(xs, p.X)
	}
	assert.Equal(t, []int{1, 4}, xs, "the failed count is missing, the rest reported")
	assert.Equal(t, []string{"Flaky/workers=2"}, d.Sweeps()[0].Failed)
	assert.Equal(t, bench.Note{Kind: bench.NoteFailed, Name: "Flaky/workers=2"}, bench.Analyze(d)[0].Notes[0])
}

func TestReadErrors(t *testing.T) {
	_, err := load(t, "malformed.txt")
	var se *benchfmt.SyntaxError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 4, se.Line)
	assert.Contains(t, err.Error(), "malformed.txt:4")
	_, err = load(t, "no_results.txt")
	assert.ErrorIs(t, err, bench.ErrNoResults)
}

// hostileSeeds are the inputs that once hung, panicked or passed a gate:
// NaN, ±Inf and zero times, failed and missing benchmarks.
func hostileSeeds(f *testing.F) [][]byte {
	names, err := filepath.Glob(filepath.Join(shared, "hostile", "*.txt"))
	require.NoError(f, err)
	require.NotEmpty(f, names)
	var out [][]byte
	for _, n := range append(names, filepath.Join(shared, "one_sample.txt"), filepath.Join(shared, "failed.txt"), filepath.Join(shared, "malformed.txt")) {
		b, err := os.ReadFile(n)
		require.NoError(f, err)
		out = append(out, b)
	}
	return out
}

func FuzzRead(f *testing.F) {
	for _, b := range hostileSeeds(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := bench.Read(bench.Input{Name: "in", Data: data})
		if err != nil {
			return
		}
		as := bench.Analyze(d)
		for _, format := range []bench.Format{bench.Text, bench.Markdown, bench.CSV} {
			require.NoError(t, bench.Write(io.Discard, format, as, nil))
		}
		require.NoError(t, bench.WriteSVG(io.Discard, as))
	})
}

func TestSVG(t *testing.T) {
	d, err := load(t, "cpu.txt")
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, bench.WriteSVG(&out, bench.Analyze(d)))
	svg := out.String()
	assert.True(t, strings.HasPrefix(svg, "<svg"))
	// Small multiples: a plot per sweep, each with its line, its band,
	// its ideal and its bound, and its title.
	assert.Equal(t, 3, strings.Count(svg, `class="speedup"`), "one plot per sweep")
	assert.Equal(t, 3, strings.Count(svg, `class="ideal"`))
	assert.Equal(t, 3, strings.Count(svg, `class="ci"`))
	assert.Equal(t, 3, strings.Count(svg, `class="best"`))
	assert.Equal(t, 1+3, strings.Count(svg, "<svg"), "nested plots")
	assert.Contains(t, svg, "arcfour: Jobs-2")
}

// BenchmarkReport reads and reports a results file of 10,000 lines.
func BenchmarkReport(b *testing.B) {
	var in bytes.Buffer
	in.WriteString("goos: linux\npkg: example.com/m/work\n")
	for i := range 10_000 {
		fmt.Fprintf(&in, "BenchmarkW%d/workers=%d-2 100 %d ns/op 12.5 MB/s\n", i%50, 1+i%8, 1_000_000+i)
	}
	data := in.Bytes()
	for b.Loop() {
		d, err := bench.Read(bench.Input{Name: "in", Data: data})
		if err != nil {
			b.Fatal(err)
		}
		bench.Write(io.Discard, bench.Text, bench.Analyze(d), nil)
	}
}

// checkTruthful holds every verdict to what a CPU-bound sweep can do: no
// claim of scaling past the cores, no "still scaling" past them, and no
// point whose speedup interval lies above the bound left unnamed.
func checkTruthful(t *testing.T, a *bench.Analysis) {
	t.Helper()
	if a.Waits || a.Declared {
		return
	}
	if a.Scaling.Kind == bench.ScalingScales {
		assert.LessOrEqual(t, a.Scaling.Knee, a.Procs, "%s: %s", a.Title(), a.Verdict())
	}
	if a.Rows[len(a.Rows)-1].X > a.Procs {
		assert.NotEqual(t, bench.TailStill, a.Scaling.Tail, a.Title())
	}
	for _, r := range a.Rows {
		past := r.SpeedupLo > r.Factors.Ideal
		if math.IsNaN(r.SpeedupLo) {
			past = r.OfBest > 1+bench.BoundSlack
		}
		if past {
			assert.NotEmpty(t, r.Disturbed, "%s: %s=%d at %.0f%% of the bound", a.Title(), a.Key, r.X, 100*r.OfBest)
			assert.Contains(t, a.Distrust(), fmt.Sprintf("%s=%d", a.Key, r.X))
		}
	}
}

// TestRealVerdicts reads real runs of the arcfour, sha and qsort sweeps on
// a 2-core machine (-count 6 -benchtime 300ms): quiet, beside one CPU hog
// for the whole run, and beside a two-thread hog switched on and off every
// 1.5 s.
func TestRealVerdicts(t *testing.T) {
	tests := []struct {
		file     string
		verdicts []bench.ScalingKind // per sweep
	}{
		{"real_quiet.txt", []bench.ScalingKind{bench.ScalingScales, bench.ScalingScales, bench.ScalingScales}},
		{"real_busy.txt", []bench.ScalingKind{bench.ScalingTooFew, bench.ScalingTooFew, bench.ScalingTooFew}},
		{"real_bursty.txt", []bench.ScalingKind{bench.ScalingTooFew, bench.ScalingNone, bench.ScalingBaseDisturbed}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			d, err := load(t, tt.file)
			require.NoError(t, err)
			as := bench.Analyze(d)
			require.Len(t, as, len(tt.verdicts))
			for i, a := range as {
				checkTruthful(t, a)
				assert.Equal(t, tt.verdicts[i], a.Scaling.Kind, "%s: %s", a.Title(), a.Verdict())
				if tt.verdicts[i] == bench.ScalingScales {
					assert.Equal(t, 2, a.Scaling.Knee, a.Title())
				}
				assert.Equal(t, tt.file == "real_quiet.txt", a.Distrust() == "", "%s: %s", a.Title(), a.Distrust())
			}
		})
	}
	// The busy run names the CPU share the points got.
	d, err := load(t, "real_busy.txt")
	require.NoError(t, err)
	a := bench.Analyze(d)[0]
	require.NotEmpty(t, a.Rows[1].Disturbed)
	assert.Equal(t, bench.DisturbLowShare, a.Rows[1].Disturbed[0].Kind)
	assert.Less(t, a.Rows[1].Disturbed[0].CPUShare, bench.LowShare)
	assert.NotContains(t, a.Distrust(), "COUNT", "the library does not speak in make's knobs")
}

// TestDisturbedBase is the run the verdict work started from (arcfour on a
// busy 2-core machine, from the figures): workers=1 slowed, so 4
// workers look 2.35x faster, 118% of what 2 cores allow. No CPU times.
// "Past the best allowed" is judged on the interval: with the base's runs
// spread ±21% the interval of workers=4 still holds 2x, and the point
// stands; with the base's runs tight, its interval lies above 2x and the
// point is named.
func TestDisturbedBase(t *testing.T) {
	for _, tt := range []struct {
		baseSpread float64
		past       bool
	}{{1, false}, {0.05, true}} {
		var in strings.Builder
		in.WriteString("pkg: example.com/m/arcfour\n")
		spread := []float64{0.79, 0.9, 0.97, 1.03, 1.1, 1.21}
		for _, p := range []struct {
			w      int
			median float64
			rel    float64
		}{{1, 9.78e6, tt.baseSpread}, {2, 4.95e6, 0.85}, {4, 4.16e6, 0.05}} {
			for _, s := range spread {
				fmt.Fprintf(&in, "BenchmarkJobs/workers=%d-2 100 %.0f ns/op\n", p.w, p.median*(1+(s-1)*p.rel))
			}
		}
		d, err := bench.Read(bench.Input{Name: "in", Data: []byte(in.String())})
		require.NoError(t, err)
		a := bench.Analyze(d)[0]
		checkTruthful(t, a)
		assert.NotEqual(t, 4, a.Scaling.Knee)
		if tt.past {
			require.Len(t, a.Rows[2].Disturbed, 1)
			assert.Equal(t, bench.DisturbPastBest, a.Rows[2].Disturbed[0].Kind)
			assert.InDelta(t, 1.18, a.Rows[2].Disturbed[0].OfBest, 0.01)
			assert.Contains(t, a.Distrust(), "workers=4")
		} else {
			assert.Empty(t, a.Rows[2].Disturbed, "interval [%.2f, %.2f] holds 2x", a.Rows[2].SpeedupLo, a.Rows[2].SpeedupHi)
			// Above the bound within its interval: a word all the same.
			assert.Contains(t, a.Notes, bench.Note{Kind: bench.NoteAboveBest, X: 4, OfBest: a.Rows[2].OfBest})
			assert.InDelta(t, 1.18, a.Rows[2].OfBest, 0.01)
		}
	}
}

// TestWrongProcs: with go test -cpu 1,2 the first sample of each
// sub-benchmark named for GOMAXPROCS=1 ran at 2 (golang/go#49980; a real
// run). Its gomaxprocs metric gives it away, and it is left out.
func TestWrongProcs(t *testing.T) {
	d, err := load(t, "real_cpuflag.txt")
	require.NoError(t, err)
	require.Len(t, d.Sweeps(), 2)
	one, all := d.Sweeps()[0], d.Sweeps()[1]
	require.Equal(t, 1, one.Procs, one.Name)
	require.Equal(t, 2, all.Procs, all.Name)
	assert.Equal(t, 4, one.WrongProcs)
	assert.Zero(t, all.WrongProcs)
	for _, p := range one.Points {
		assert.Len(t, p.Values, 1, "workers=%d", p.X)
	}
	as := bench.Analyze(d)
	assert.True(t, hasNote(as[0], bench.NoteWrongProcs))

}

// TestFewerCoresThanGOMAXPROCS: GOMAXPROCS=64 on 2 cores (make bench
// writes "cores: 2"): the bound, the CPU share and the verdict count 2.
func TestFewerCoresThanGOMAXPROCS(t *testing.T) {
	var in strings.Builder
	in.WriteString("cores: 2\npkg: example.com/m/work\n")
	for _, p := range []struct {
		w      int
		ms     float64
		cpuSec float64
	}{{1, 10, 0.010}, {2, 5.1, 0.0101}, {4, 5.0, 0.0100}, {64, 5.05, 0.0101}} {
		for i := range 6 {
			fmt.Fprintf(&in, "BenchmarkJobs/workers=%d-64 100 %.0f ns/op %g cpu-sec/op 64 gomaxprocs\n", p.w, p.ms*1e6*(1+0.002*float64(i)), p.cpuSec)
		}
	}
	d, err := bench.Read(bench.Input{Name: "in", Data: []byte(in.String())})
	require.NoError(t, err)
	a := bench.Analyze(d)[0]
	assert.Equal(t, 64, a.Procs)
	assert.Equal(t, 2, a.Bound)
	assert.Equal(t, bench.ScalingScales, a.Scaling.Kind)
	assert.Equal(t, 2, a.Scaling.Knee)
	assert.Empty(t, a.Distrust(), "every point got its 2 cores")
	assert.InDelta(t, 0.99, a.Rows[3].CPUShare, 0.02)
	assert.Contains(t, a.Notes, bench.Note{Kind: bench.NoteFewerCores, N: 2})
}

// TestEveryRealRunTruthful holds every verdict on every real run kept in
// testdata to what the machine can do (checkTruthful).
func TestEveryRealRunTruthful(t *testing.T) {
	names, err := filepath.Glob(filepath.Join(shared, "real_*.txt"))
	require.NoError(t, err)
	require.NotEmpty(t, names)
	for _, n := range names {
		t.Run(filepath.Base(n), func(t *testing.T) {
			d, err := load(t, filepath.Base(n))
			require.NoError(t, err)
			for _, a := range bench.Analyze(d) {
				checkTruthful(t, a)
			}
		})
	}
}
