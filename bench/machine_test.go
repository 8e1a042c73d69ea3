package bench_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/futuresbench/futures/bench"
)

// checkBMF checks v against Bencher Metric Format's JSON schema
// (https://bencher.dev/bmf.json, draft-07: an object of non-empty benchmark
// names, each an object of non-empty measure names, each an object with a
// required number value and optional numbers lower_value and upper_value)
// and its documented limits (a benchmark name at most 1024 characters, a
// measure at most 64); and that every interval holds its value.
func checkBMF(t *testing.T, data []byte) map[string]map[string]map[string]float64 {
	t.Helper()
	var raw map[string]map[string]map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(data, &raw), "BMF is an object of objects of objects")
	out := map[string]map[string]map[string]float64{}
	for bench, measures := range raw {
		assert.NotEmpty(t, bench)
		assert.LessOrEqual(t, len(bench), 1024, bench)
		out[bench] = map[string]map[string]float64{}
		for measure, m := range measures {
			assert.NotEmpty(t, measure)
			assert.LessOrEqual(t, len(measure), 64, measure)
			require.Contains(t, m, "value", "%s %s: value is required", bench, measure)
			vals := map[string]float64{}
			for k, v := range m {
				require.Contains(t, []string{"value", "lower_value", "upper_value"}, k)
				var f float64
				require.NoError(t, json.Unmarshal(v, &f), "%s %s %s is a number: %s", bench, measure, k, v)
				vals[k] = f
			}
			_, lo := vals["lower_value"]
			_, hi := vals["upper_value"]
			assert.Equal(t, lo, hi, "%s %s: both bounds or none", bench, measure)
			if lo {
				assert.LessOrEqual(t, vals["lower_value"], vals["value"]*(1+1e-12), "%s %s", bench, measure)
				assert.GreaterOrEqual(t, vals["upper_value"]*(1+1e-12), vals["value"], "%s %s", bench, measure)
			}
			out[bench][measure] = vals
		}
	}
	return out
}

// bmfInput: a plain benchmark (no sweep) and a sweep at 1 and 2 workers,
// 6 runs each. The 95% interval of 6 runs with no assumption on their
// distribution is their range (benchmath: the order statistics 1 and 6
// cover the median with probability 1 - 2/2^6 = 0.97, rank 2 and 5 only
// 0.78), so the bounds can be read off the lines.
const bmfInput = `pkg: example.com/m
Unit widgets/s better=higher
BenchmarkParse-2 1000 100 ns/op 64 B/op 2 allocs/op 10 widgets/s
BenchmarkParse-2 1000 101 ns/op 64 B/op 2 allocs/op 11 widgets/s
BenchmarkParse-2 1000 102 ns/op 64 B/op 2 allocs/op 12 widgets/s
BenchmarkParse-2 1000 103 ns/op 64 B/op 2 allocs/op 13 widgets/s
BenchmarkParse-2 1000 104 ns/op 64 B/op 2 allocs/op 14 widgets/s
BenchmarkParse-2 1000 105 ns/op 64 B/op 2 allocs/op 15 widgets/s
BenchmarkJobs/workers=1-2 10 1000 ns/op
BenchmarkJobs/workers=1-2 10 1000 ns/op
BenchmarkJobs/workers=1-2 10 1000 ns/op
BenchmarkJobs/workers=1-2 10 1000 ns/op
BenchmarkJobs/workers=1-2 10 1000 ns/op
BenchmarkJobs/workers=1-2 10 1000 ns/op
BenchmarkJobs/workers=2-2 10 400 ns/op
BenchmarkJobs/workers=2-2 10 500 ns/op
BenchmarkJobs/workers=2-2 10 500 ns/op
BenchmarkJobs/workers=2-2 10 500 ns/op
BenchmarkJobs/workers=2-2 10 500 ns/op
BenchmarkJobs/workers=2-2 10 625 ns/op
`

func TestBMF(t *testing.T) {
	s, err := readSamples(t, strings.NewReader(bmfInput), "in")
	require.NoError(t, err)
	d, err := bench.Read(bench.Input{Name: "in", Data: []byte(bmfInput)})
	require.NoError(t, err)
	b, leftOut := bench.NewBMF(s, bench.Analyze(d))
	assert.Empty(t, leftOut)
	var buf bytes.Buffer
	require.NoError(t, bench.WriteBMF(&buf, b))
	got := checkBMF(t, buf.Bytes())

	parse := got["m.BenchmarkParse-2"]
	require.NotNil(t, parse, "benchmarks named pkg.BenchmarkName: %v", got)
	// sec/op is Bencher's latency measure, in nanoseconds.
	assert.InDelta(t, 102.5, parse["latency"]["value"], 1e-9)
	assert.InDelta(t, 100, parse["latency"]["lower_value"], 1e-9)
	assert.InDelta(t, 105, parse["latency"]["upper_value"], 1e-9)
	// Every other unit keeps its name; an exact unit has a zero-width interval.
	assert.Equal(t, map[string]float64{"value": 2, "lower_value": 2, "upper_value": 2}, parse["allocs/op"])
	assert.Equal(t, map[string]float64{"value": 64, "lower_value": 64, "upper_value": 64}, parse["B/op"])
	assert.Equal(t, map[string]float64{"value": 12.5, "lower_value": 10, "upper_value": 15}, parse["widgets/s"])
	assert.NotContains(t, parse, "speedup", "not a sweep")

	// Sweep points carry speedup and efficiency: 1000/500 = 2x, its
	// interval from the two ranges, 1000/625 to 1000/400.
	two := got["m.BenchmarkJobs/workers=2-2"]
	require.NotNil(t, two)
	assert.InDelta(t, 2, two["speedup"]["value"], 1e-9)
	assert.InDelta(t, 1.6, two["speedup"]["lower_value"], 1e-9)
	assert.InDelta(t, 2.5, two["speedup"]["upper_value"], 1e-9)
	assert.InDelta(t, 1, two["efficiency"]["value"], 1e-9)
	assert.InDelta(t, 0.8, two["efficiency"]["lower_value"], 1e-9)
	assert.InDelta(t, 1.25, two["efficiency"]["upper_value"], 1e-9)
	assert.InDelta(t, 1, got["m.BenchmarkJobs/workers=1-2"]["speedup"]["value"], 1e-9)
}

// TestBMFRealRun: a whole make bench in BMF is valid, every benchmark of
// the input is in it, and fewer than 6 runs give no bounds rather than
// made-up ones.
func TestBMFRealRun(t *testing.T) {
	for _, name := range []string{"real_make_bench_quiet.txt", "one_sample.txt", "mixed_units.txt"} {
		t.Run(name, func(t *testing.T) {
			data := readShared(t, name)
			s, err := readSamples(t, bytes.NewReader(data), name)
			require.NoError(t, err)
			d, err := bench.Read(bench.Input{Name: name, Data: data})
			require.NoError(t, err)
			b, _ := bench.NewBMF(s, bench.Analyze(d))
			var buf bytes.Buffer
			require.NoError(t, bench.WriteBMF(&buf, b))
			got := checkBMF(t, buf.Bytes())
			timed := 0
			for _, n := range s.Names {
				if len(s.Values(n, "sec/op")) > 0 {
					timed++
				}
			}
			assert.Equal(t, timed, countWith(got, "latency"), "every benchmark with a time")
			if name == "one_sample.txt" {
				for bench, ms := range got {
					assert.NotContains(t, ms["latency"], "lower_value", bench)
				}
			}
		})
	}
}

func countWith(b map[string]map[string]map[string]float64, measure string) int {
	n := 0
	for _, ms := range b {
		if _, ok := ms[measure]; ok {
			n++
		}
	}
	return n
}

// TestBMFHostileNames: names Bencher cannot take are left out and named,
// the rest written; quotes, newlines and non-ASCII are escaped by JSON.
func TestBMFHostileNames(t *testing.T) {
	long := strings.Repeat("x", 1100)
	in := "pkg: example.com/m\n" +
		"BenchmarkOdd\"<b>é-2 10 100 ns/op\n" +
		"Benchmark" + long + "-2 10 100 ns/op\n" +
		"BenchmarkUnit-2 10 100 ns/op 3 " + strings.Repeat("u", 70) + "/op\n"
	s, err := readSamples(t, strings.NewReader(in), "in")
	require.NoError(t, err)
	b, leftOut := bench.NewBMF(s, nil)
	assert.Len(t, leftOut, 2, "%q", leftOut)
	var buf bytes.Buffer
	require.NoError(t, bench.WriteBMF(&buf, b))
	got := checkBMF(t, buf.Bytes())
	assert.Contains(t, got, "m.BenchmarkOdd\"<b>é-2")
	assert.Contains(t, got["m.BenchmarkUnit-2"], "latency")
}

// TestJSONModel: -format json is the model with its documented names;
// what cannot be computed is null, never NaN (which JSON has not), and each
// point's factors multiply to its speedup.
func TestJSONModel(t *testing.T) {
	for _, name := range []string{"real_make_bench_quiet.txt", "one_sample.txt", "primes.txt"} {
		t.Run(name, func(t *testing.T) {
			d, err := load(t, name)
			require.NoError(t, err)
			var buf bytes.Buffer
			require.NoError(t, bench.Write(&buf, bench.JSON, bench.Analyze(d), []string{"x.txt:3: BenchmarkX: NaN sec/op"}))
			var rep struct {
				Schema  string
				LeftOut []string
				Sweeps  []struct {
					Package, Name, Key, Limit, Verdict string
					Points                             []struct {
						Workers  int
						SecPerOp struct{ Median, Lo, Hi *float64 }
						Speedup  struct{ Median *float64 }
						Factors  struct{ Product *float64 }
					}
				}
			}
			dec := json.NewDecoder(&buf)
			require.NoError(t, dec.Decode(&rep))
			assert.Equal(t, bench.JSONSchema, rep.Schema)
			assert.Equal(t, []string{"x.txt:3: BenchmarkX: NaN sec/op"}, rep.LeftOut)
			require.Len(t, rep.Sweeps, len(d.Sweeps()))
			for _, s := range rep.Sweeps {
				assert.NotEmpty(t, s.Package)
				assert.Contains(t, []string{"unknown", "cores", "lock", "waiting", "gc", "parallelism", "work", "executor", "machine", "slowCore"}, s.Limit)
				assert.NotEmpty(t, s.Verdict)
				require.NotEmpty(t, s.Points)
				for _, p := range s.Points {
					require.NotNil(t, p.SecPerOp.Median)
					assert.Greater(t, *p.SecPerOp.Median, 0.0)
					if name == "one_sample.txt" {
						assert.Nil(t, p.SecPerOp.Lo, "one run: no interval, null")
					}
					if p.Factors.Product != nil {
						assert.InEpsilon(t, *p.Speedup.Median, *p.Factors.Product, 1e-9, "%s %d", s.Name, p.Workers)
					}
				}
			}
		})
	}
}

func readShared(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(shared, name))
	require.NoError(t, err)
	return data
}

// TestGAB: github-action-benchmark takes one direction per file; each
// measure goes to the file of its direction, none to both, and the
// evidence units with no direction to neither.
func TestGAB(t *testing.T) {
	in := bmfInput + "BenchmarkEv-2 10 100 ns/op 0.5 runq-sec/op 7 MB/s\n"
	s, err := readSamples(t, strings.NewReader(in), "in")
	require.NoError(t, err)
	d, err := bench.Read(bench.Input{Name: "in", Data: []byte(in)})
	require.NoError(t, err)
	b, _ := bench.NewBMF(s, bench.Analyze(d))
	names := func(better int) map[string]string {
		out := map[string]string{}
		for _, e := range bench.NewGAB(b, s, better) {
			out[e.Name] = e.Unit
		}
		return out
	}
	smaller, bigger := names(-1), names(1)
	assert.Equal(t, "ns/op", smaller["m.BenchmarkParse-2 latency"])
	assert.Equal(t, "allocs/op", smaller["m.BenchmarkParse-2 allocs/op"])
	assert.Equal(t, "B/op", smaller["m.BenchmarkParse-2 B/op"])
	assert.Equal(t, "widgets/s", bigger["m.BenchmarkParse-2 widgets/s"])
	assert.Equal(t, "B/s", bigger["m.BenchmarkEv-2 B/s"])
	assert.Equal(t, "x", bigger["m.BenchmarkJobs/workers=2-2 speedup"])
	assert.Equal(t, "x", bigger["m.BenchmarkJobs/workers=2-2 efficiency"])
	for name := range smaller {
		assert.NotContains(t, bigger, name)
	}
	assert.NotContains(t, smaller, "m.BenchmarkEv-2 runq-sec/op")
	assert.NotContains(t, bigger, "m.BenchmarkEv-2 runq-sec/op")
	// Every measure with a direction is in one of the two: the latency of
	// all four benchmarks and Parse's B/op and allocs/op; Parse's
	// widgets/s, Ev's B/s, and speedup and efficiency at both worker counts.
	assert.Len(t, smaller, 4+2, "%v", smaller)
	assert.Len(t, bigger, 1+1+4, "%v", bigger)
}
