package sweep_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/futuresbench/futures/bench"
	"github.com/futuresbench/futures/sweep"
)

// readBack reads a sites line as cmd/benchreport does, under a result of
// its benchmark: the line must be one benchfmt (and so benchstat) reads.
func readBack(t *testing.T, line string) *sweep.Sites {
	t.Helper()
	s, err := bench.Read(bench.Input{Name: "out.txt", Data: []byte("pkg: example.com/m\nBenchmarkX/workers=2-2 1 100 ns/op\n" + line + "\n")})
	require.NoError(t, err)
	st := s.Sites["example.com/m X/workers=2-2"]
	require.NotNil(t, st)
	return st
}

// TestSitesLineBounded: what sweep writes stays under MaxSitesLine, and so
// under what every reader reads: a function name of 25,000 characters
// (which gave a line of 76 KB, and a file no reader could read), generic
// instantiations, hundreds of entries, a long list of reasons skipped.
func TestSitesLineBounded(t *testing.T) {
	long := "example.com/m.F" + strings.Repeat("x", 25_000) + ".func1"
	st := &sweep.Sites{Ops: 10, CPU: []sweep.Site{{Func: long, File: strings.Repeat("d/", 5000) + "f.go", Line: 3, Value: 1e-3}}}
	line, ok := sweep.SitesLine(st, "BenchmarkX/workers=2-2")
	require.True(t, ok)
	assert.LessOrEqual(t, len(line)+1, sweep.MaxSitesLine)
	got := readBack(t, line)
	require.Len(t, got.CPU, 1)
	assert.LessOrEqual(t, len(got.CPU[0].Func), 240)
	assert.True(t, strings.HasPrefix(got.CPU[0].Func, "example.com/m.Fxxx"), got.CPU[0].Func)
	assert.True(t, strings.HasSuffix(got.CPU[0].Func, "xxx.func1"), got.CPU[0].Func)
	assert.Equal(t, 1e-3, got.CPU[0].Value)
	assert.Len(t, st.CPU[0].Func, len(long), "the sites given are left whole")

	// Hundreds of entries with long names, in every list.
	many := &sweep.Sites{Ops: 1}
	for _, l := range []*[]sweep.Site{&many.CPU, &many.Roots, &many.Serial, &many.Mutex, &many.Block, &many.Alloc, &many.Waits} {
		for i := range 500 {
			*l = append(*l, sweep.Site{Func: fmt.Sprintf("example.com/m.F%d%s", i, strings.Repeat("y", 1000)), File: "m/f.go", Line: i,
				User: fmt.Sprintf("example.com/m.U%d%s", i, strings.Repeat("z", 1000)), UserFile: "m/u.go", Wait: "sync.(*Mutex).Lock", Value: float64(i + 1)})
		}
	}
	for i := range 100 {
		many.Skipped = append(many.Skipped, fmt.Sprintf("reason %d %s", i, strings.Repeat("w", 5000)))
	}
	line, ok = sweep.SitesLine(many, "BenchmarkX/workers=2-2")
	require.True(t, ok)
	assert.LessOrEqual(t, len(line)+1, sweep.MaxSitesLine)
	got = readBack(t, line)
	assert.LessOrEqual(t, len(got.Skipped), 8)
	for _, l := range [][]sweep.Site{got.CPU, got.Roots, got.Serial, got.Mutex, got.Block, got.Alloc, got.Waits} {
		require.NotEmpty(t, l)
		assert.LessOrEqual(t, len(l), 12)
		assert.Equal(t, 500.0, l[0].Value, "the largest entries are kept")
	}

	// A name that leaves no room: no line at all, rather than one no
	// reader reads.
	_, ok = sweep.SitesLine(&sweep.Sites{Ops: 1}, "BenchmarkX/"+strings.Repeat("n", sweep.MaxSitesLine))
	assert.False(t, ok)
}

// TestSitesLineGenerics: the type arguments of a generic instantiation
// are written [...], as go tool pprof shows them; two instantiations of
// one site are one entry, their values summed.
func TestSitesLineGenerics(t *testing.T) {
	st := &sweep.Sites{Ops: 1, CPU: []sweep.Site{
		{Func: "example.com/m/pool.Map[go.shape.struct { A int; B []map[string]go.shape.int },go.shape.int].func1", File: "pool/map.go", Line: 7, Value: 2},
		{Func: "example.com/m/pool.Map[go.shape.string,go.shape.int].func1", File: "pool/map.go", Line: 7, Value: 1},
		{Func: "example.com/m/pool.(*Pool[go.shape.int]).Run", File: "pool/pool.go", Line: 9, Value: 0.5},
	}}
	line, ok := sweep.SitesLine(st, "BenchmarkX/workers=2-2")
	require.True(t, ok)
	got := readBack(t, line)
	assert.Equal(t, []sweep.Site{
		{Func: "example.com/m/pool.Map[...].func1", File: "pool/map.go", Line: 7, Value: 3},
		{Func: "example.com/m/pool.(*Pool[...]).Run", File: "pool/pool.go", Line: 9, Value: 0.5},
	}, got.CPU)
}

// TestSitesLineUnchanged: sites within the bounds are written as Encode
// writes them.
func TestSitesLineUnchanged(t *testing.T) {
	st := &sweep.Sites{Ops: 3, Samples: 7, CPUTotal: 0.01, Skipped: []string{"cpu: go test -cpuprofile is on, and kept whole"},
		CPU:   []sweep.Site{{Func: "example.com/m.Spin", File: "m/spin.go", Line: 4, User: "example.com/m_test.BenchmarkX.func1", UserFile: "m/x_test.go", UserLine: 9, Value: 0.009}},
		Mutex: []sweep.Site{{Func: "example.com/m.(*T).post", File: "m/t.go", Line: 57, Value: 0.003}}}
	line, ok := sweep.SitesLine(st, "BenchmarkX/workers=2-2")
	require.True(t, ok)
	assert.Equal(t, st.Encode("BenchmarkX/workers=2-2"), line)
}

// TestSitesLineBoundsNewLists: the lists of #35 (LockCPU, Idle's) and
// every call path are bounded too: long names in a path and hundreds of
// entries stay under MaxSitesLine, the largest kept.
func TestSitesLineBoundsNewLists(t *testing.T) {
	long := "example.com/m.G" + strings.Repeat("q", 20_000)
	st := &sweep.Sites{Ops: 1, Idle: &sweep.Idle{Procs: 2, Ops: 1, Span: 1, Total: 1}}
	for _, l := range []*[]sweep.Site{&st.LockCPU, &st.Idle.SerialSites, &st.Idle.TailSites, &st.Idle.Blocked, &st.Idle.Runnable} {
		for i := range 300 {
			*l = append(*l, sweep.Site{Func: fmt.Sprintf("example.com/m.F%d", i), Kind: "lock", Value: float64(i + 1),
				Path: []sweep.Frame{{Func: long, File: strings.Repeat("d/", 3000) + "f.go", Line: i}, {Func: "sync.(*Mutex).Lock"}}})
		}
	}
	line, ok := sweep.SitesLine(st, "BenchmarkX/workers=2-2")
	require.True(t, ok)
	assert.LessOrEqual(t, len(line)+1, sweep.MaxSitesLine)
	got := readBack(t, line)
	require.NotNil(t, got.Idle)
	for _, l := range [][]sweep.Site{got.LockCPU, got.Idle.SerialSites, got.Idle.TailSites, got.Idle.Blocked, got.Idle.Runnable} {
		require.NotEmpty(t, l)
		assert.Equal(t, 300.0, l[0].Value, "the largest entries are kept")
		assert.LessOrEqual(t, len(l[0].Path[0].Func), 240)
	}
	assert.Len(t, st.Idle.Blocked, 300, "the sites given are left whole")
}

// TestSitesLineNewLists: #35's lists (LockCPU, Idle's four) and every call
// path are bounded too, with no list of them kept by hand: 300 entries of
// 5,000-byte names, each with a path of 50 frames, in every list, write a
// line a reader reads, and leave the pass's sites whole.
func TestSitesLineNewLists(t *testing.T) {
	long := strings.Repeat("p", 5000)
	var sites []sweep.Site
	for i := range 300 {
		var path []sweep.Frame
		for j := range 50 {
			path = append(path, sweep.Frame{Func: fmt.Sprintf("%s%d", long, j), File: long, Line: j})
		}
		sites = append(sites, sweep.Site{Func: fmt.Sprintf("%s%d", long, i), Value: float64(i), Kind: long, Path: path})
	}
	s := &sweep.Sites{Ops: 1, CPU: sites, LockCPU: sites,
		Idle: &sweep.Idle{Procs: 2, SerialSites: sites, TailSites: sites, Blocked: sites, Runnable: sites}}
	line, ok := sweep.SitesLine(s, "BenchmarkX/workers=2-2")
	require.True(t, ok)
	assert.LessOrEqual(t, len(line)+1, sweep.MaxSitesLine)
	got := readBack(t, line)
	require.NotNil(t, got.Idle)
	for _, l := range [][]sweep.Site{got.CPU, got.LockCPU, got.Idle.SerialSites, got.Idle.TailSites, got.Idle.Blocked, got.Idle.Runnable} {
		require.NotEmpty(t, l)
		assert.LessOrEqual(t, len(l), 12)
		assert.Equal(t, 299.0, l[0].Value, "the largest kept")
		assert.LessOrEqual(t, len(l[0].Path), 12)
		assert.LessOrEqual(t, len(l[0].Kind), 240)
	}
	assert.Len(t, s.CPU[0].Path, 50, "the pass's sites left whole")
	assert.Len(t, s.Idle.Blocked, 300)
	assert.Len(t, s.CPU[0].Func, 5001)
}
