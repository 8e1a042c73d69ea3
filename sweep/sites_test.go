package sweep

import (
	"testing"

	"github.com/google/pprof/profile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// synth is a profile made by hand: each sample a stack (leaf first) and its
// values, of the sample types given.
func synth(types []string, units []string, samples map[string][]int64, stacks map[string][]string) *profile.Profile {
	p := &profile.Profile{PeriodType: &profile.ValueType{Type: types[0], Unit: units[0]}}
	for i, t := range types {
		p.SampleType = append(p.SampleType, &profile.ValueType{Type: t, Unit: units[i]})
	}
	fns := map[string]*profile.Function{}
	var id uint64
	for key, vals := range samples {
		s := &profile.Sample{Value: vals}
		for _, fn := range stacks[key] {
			f := fns[fn]
			if f == nil {
				id++
				f = &profile.Function{ID: id, Name: fn, Filename: "/src/" + fn + ".go"}
				fns[fn] = f
				p.Function = append(p.Function, f)
			}
			id++
			loc := &profile.Location{ID: id, Line: []profile.Line{{Function: f, Line: 10}}}
			p.Location = append(p.Location, loc)
			s.Location = append(s.Location, loc)
		}
		p.Sample = append(p.Sample, s)
	}
	return p
}

var testFrames = frames{bench: "example.com/m_test", module: "example.com/m", self: selfPkg}

// TestCPUSites: flat CPU by function with the user's frame (the
// benchmark's package before the rest of the module), CPU by goroutine
// root, and the benchmark's own goroutine's CPU as the serial part.
func TestCPUSites(t *testing.T) {
	p := synth([]string{"samples", "cpu"}, []string{"count", "nanoseconds"},
		map[string][]int64{
			"worker": {3, 30e6},
			"serial": {1, 10e6},
			"lib":    {2, 20e6},
		},
		map[string][]string{
			"worker": {"example.com/m.spin", "example.com/m_test.compress", "example.com/m/pool.(*run).work"},
			"serial": {"example.com/m.spin", "example.com/m_test.loadIndex", "example.com/m_test.BenchmarkX.func1", "testing.(*B).runN"},
			"lib":    {"example.com/lib.(*Cache).process"},
		})
	var s Sites
	testFrames.cpuSites(p, 2, &s)
	assert.Equal(t, 6, s.Samples)
	assert.InDelta(t, 0.030, s.CPUTotal, 1e-9, "60 ms over 2 ops")
	assert.InDelta(t, 0.005, s.SerialCPU, 1e-9)
	require.Len(t, s.Serial, 1)
	assert.Equal(t, "example.com/m_test.loadIndex", s.Serial[0].Func, "the serial part by the benchmark package's frame")
	require.NotEmpty(t, s.CPU)
	assert.Equal(t, "example.com/m.spin", s.CPU[0].Func)
	assert.Equal(t, "example.com/m_test.compress", s.CPU[0].User, "the benchmark's own package first, a site by leaf and user frame")
	assert.InDelta(t, 0.015, s.CPU[0].Value, 1e-9)
	roots := map[string]Site{}
	for _, r := range s.Roots {
		roots[r.Func] = r
	}
	assert.Empty(t, roots["example.com/lib.(*Cache).process"].User, "a library's own goroutine holds none of the user's frames")
	assert.InDelta(t, 0.010, roots["example.com/lib.(*Cache).process"].Value, 1e-9)
	assert.NotEmpty(t, roots["example.com/m/pool.(*run).work"].User)
}

// TestMutexDelta: a mutex profile's delta over the pass charges the delay
// to the Unlock caller, and leaves out what did not grow and the harness.
func TestMutexDelta(t *testing.T) {
	stacks := map[string][]string{
		"add":     {"sync.(*Mutex).Unlock", "example.com/lib.(*LRU).Add", "example.com/m_test.BenchmarkX.func1.1"},
		"get":     {"sync.(*Mutex).Unlock", "example.com/lib.(*LRU).Get", "example.com/m_test.BenchmarkX.func1.1"},
		"harness": {"sync.(*Mutex).Unlock", selfPkg + ".profilePass"},
	}
	before := synth([]string{"contentions", "delay"}, []string{"count", "nanoseconds"},
		map[string][]int64{"add": {1, 1e6}, "get": {1, 5e6}, "harness": {1, 1e6}}, stacks)
	after := synth([]string{"contentions", "delay"}, []string{"count", "nanoseconds"},
		map[string][]int64{"add": {9, 81e6}, "get": {1, 5e6}, "harness": {2, 9e6}}, stacks)
	d, err := delta(before, after)
	require.NoError(t, err)
	got := testFrames.mutexSites(d, 10)
	require.Len(t, got, 1, "Get did not grow; the harness is left out: %+v", got)
	assert.Equal(t, "example.com/lib.(*LRU).Add", got[0].Func)
	assert.Equal(t, "example.com/m_test.BenchmarkX.func1.1", got[0].User)
	assert.InDelta(t, 0.008, got[0].Value, 1e-9, "80 ms over 10 ops")
}

// TestSitesLine: the sites travel in one log line and come back whole; a
// line that is not one is refused.
func TestSitesLine(t *testing.T) {
	s := &Sites{Ops: 3, Mutex: []Site{{Func: "a.b", File: "x/y.go", Line: 4, Value: 0.5}}}
	name, got, ok := ParseSites(s.Encode("BenchmarkX/size=a b/workers=2-2"))
	require.True(t, ok)
	assert.Equal(t, s, got)
	assert.Equal(t, "X/size=a_b/workers=2-2", name)
	// A point whose pass did not run says why, with no ops.
	notRun := &Sites{Skipped: []string{"not run: the passes' budget goes to the points the verdict reads (workers=2, workers=1)"}}
	_, got, ok = ParseSites(notRun.Encode("BenchmarkX/workers=3-2"))
	require.True(t, ok)
	assert.Equal(t, notRun, got)
	for _, bad := range []string{"sweep-sites: BenchmarkX {", "sweep-sites: BenchmarkX {\"ops\":0}", "nothing",
		"sweep-sites: BenchmarkX [1]", "sweep-sites: X {\"ops\":1}", "sweep-sites: {\"ops\":1}"} {
		_, _, ok := ParseSites(bad)
		assert.False(t, ok, bad)
	}
}
