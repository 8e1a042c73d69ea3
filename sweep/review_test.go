package sweep

import (
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAllocsOfTheBenchmarksGoroutine: the user's code runs under
// profilePass; what it allocates on the benchmark's own goroutine is the
// user's, not the harness's.
func TestAllocsOfTheBenchmarksGoroutine(t *testing.T) {
	stacks := map[string][]string{
		"bench":   {"runtime.mallocgc", "example.com/m_test.summarize", "example.com/m_test.BenchmarkX.func1", selfPkg + ".profilePassFor", selfPkg + ".profilePass", "testing.(*B).run1.func1"},
		"workers": {"runtime.mallocgc", "example.com/m_test.work", "example.com/m/pool.(*run).work"},
		"harness": {"runtime.mallocgc", "bytes.(*Buffer).grow", selfPkg + ".readProfile", selfPkg + ".profilePassFor"},
	}
	p := synth([]string{"alloc_objects", "alloc_space"}, []string{"count", "bytes"},
		map[string][]int64{"bench": {1, 8 << 20}, "workers": {1, 8 << 20}, "harness": {1, 1 << 20}}, stacks)
	got := testFrames.allocSites(p, 1)
	total := 0.0
	for _, s := range got {
		total += s.Value
	}
	assert.InDelta(t, 16<<20, total, 1, "the benchmark's goroutine's 8 MB and the workers' 8 MB, not the harness's: %+v", got)
}

// TestCPULeavesHarnessOut: a runtime/trace.Stop sample on the
// benchmark's goroutine is the harness's, not a serial part.
func TestCPULeavesHarnessOut(t *testing.T) {
	p := synth([]string{"samples", "cpu"}, []string{"count", "nanoseconds"},
		map[string][]int64{"stop": {5, 50e6}, "work": {1, 10e6}},
		map[string][]string{
			"stop": {"runtime.traceAdvance", "runtime.StopTrace", "runtime/trace.Stop", selfPkg + ".profilePassFor", "testing.(*B).run1.func1"},
			"work": {"example.com/m_test.work", "example.com/m/pool.(*run).work"},
		})
	var s Sites
	testFrames.cpuSites(p, 1, &s)
	assert.Zero(t, s.SerialCPU, "trace.Stop is no serial work")
	assert.InDelta(t, 0.010, s.CPUTotal, 1e-9)
}

// TestNames: a module without a dot has user frames; a generic
// instantiation's package is its path's; a site's line is its heaviest.
func TestNames(t *testing.T) {
	assert.Equal(t, "github.com/futuresbench/futures/pool", pkgOf("github.com/futuresbench/futures/pool.(*collectRun[go.shape.int,go.shape.uint64]).work"))
	assert.Equal(t, "example.com/a/pool", pkgOf("example.com/a/pool.(*collectRun[go.shape.struct { example.com/b/c.X int }]).work"))
	assert.Equal(t, "example.com/a/pool", pkgOf("example.com/a/pool.Map[...].func1"))
	my := frames{bench: "", module: "myapp", self: selfPkg}
	u, ok := my.user([]frame{{fn: "encoding/json.Marshal"}, {fn: "myapp/report.summarize"}, {fn: "main.main"}})
	require.True(t, ok, "a module path without a dot is the user's")
	assert.Equal(t, "myapp/report.summarize", u.fn)

	p := synth([]string{"samples", "cpu"}, []string{"count", "nanoseconds"},
		map[string][]int64{"a": {1, 10e6}, "b": {9, 90e6}},
		map[string][]string{"a": {"example.com/m.spin"}, "b": {"example.com/m.spin"}})
	// The same function at two lines: 10 ms at line 10, 90 ms at line 42.
	for _, smp := range p.Sample {
		if smp.Value[0] == 9 {
			loc := *smp.Location[0]
			loc.ID = 999
			loc.Line = slices.Clone(loc.Line)
			loc.Line[0].Line = 42
			p.Location = append(p.Location, &loc)
			smp.Location[0] = &loc
		}
	}
	var s Sites
	testFrames.cpuSites(p, 1, &s)
	require.Len(t, s.CPU, 1)
	assert.Equal(t, 42, s.CPU[0].Line, "the heaviest line, not the first sample's")
}

// TestCallPath: the site is the user's call, the library function it
// called and where the time went; a helper comes with its caller; a
// runtime leaf is climbed out of.
func TestCallPath(t *testing.T) {
	st := []frame{
		{fn: "runtime.memmove", file: "runtime/memmove.s", line: 1},
		{fn: "encoding/json.(*encodeState).string", file: "json/encode.go", line: 900},
		{fn: "encoding/json.Marshal", file: "json/encode.go", line: 160},
		{fn: "example.com/m_test.summarize", file: "m/report_test.go", line: 210},
		{fn: "example.com/m_test.BenchmarkX.func1", file: "m/report_test.go", line: 30},
		{fn: "testing.(*B).run1.func1"},
	}
	s := Site{Func: "runtime.memmove", Path: testFrames.path(st)}
	assert.Equal(t, "example.com/m_test.BenchmarkX.func1 (report_test.go:30) → example.com/m_test.summarize (report_test.go:210) → encoding/json.Marshal (encode.go:160) → encoding/json.(*encodeState).string", s.PathString())
	// The time went in the runtime, called from the user's own function
	// (boxing a value): the path names the runtime function it called,
	// never the user's frame alone.
	st2 := []frame{{fn: "runtime.mallocgc"}, {fn: "runtime.convT64", file: "runtime/iface.go", line: 9}, {fn: "example.com/m_test.BenchmarkX.func1.1", file: "m/a_test.go", line: 5}, {fn: "example.com/m/pool.(*run).work"}}
	assert.Equal(t, []Frame{{Func: "example.com/m_test.BenchmarkX.func1.1", File: "m/a_test.go", Line: 5}, {Func: "runtime.convT64", File: "runtime/iface.go", Line: 9}}, testFrames.path(st2))
	// The user's own code, the leaf: its frame is where the time went.
	st3 := []frame{{fn: "example.com/m_test.build", file: "m/a_test.go", line: 5}, {fn: "example.com/m/pool.(*run).work"}}
	assert.Equal(t, []Frame{{Func: "example.com/m_test.build", File: "m/a_test.go", Line: 5}}, testFrames.path(st3))
	assert.Nil(t, testFrames.path([]frame{{fn: "runtime.gcBgMarkWorker"}}), "no user frame, no path")
}

// TestLockSpinIsTheLock: CPU in a mutex's spin and wake paths is the
// lock's, charged to the function that took it, and not CPU growth.
func TestLockSpinIsTheLock(t *testing.T) {
	p := synth([]string{"samples", "cpu"}, []string{"count", "nanoseconds"},
		map[string][]int64{"spin": {6, 60e6}, "wake": {2, 20e6}, "work": {2, 20e6}},
		map[string][]string{
			"spin": {"runtime.procyieldAsm", "runtime.procyield", "internal/sync.(*Mutex).lockSlow", "internal/sync.(*Mutex).Lock", "sync.(*Mutex).Lock", "example.com/lru.(*Cache).Set", "example.com/m_test.BenchmarkX.func1.1", "example.com/m/pool.(*run).work"},
			"wake": {"runtime.futex", "runtime.futexwakeup", "runtime.semrelease1", "sync.runtime_Semrelease", "internal/sync.(*Mutex).unlockSlow", "internal/sync.(*Mutex).Unlock", "sync.(*Mutex).Unlock", "example.com/lru.(*Cache).Set", "example.com/m_test.BenchmarkX.func1.1", "example.com/m/pool.(*run).work"},
			"work": {"example.com/lru.(*Cache).hash", "example.com/lru.(*Cache).Set", "example.com/m_test.BenchmarkX.func1.1", "example.com/m/pool.(*run).work"},
		})
	var s Sites
	testFrames.cpuSites(p, 1, &s)
	assert.InDelta(t, 0.080, s.LockCPUTotal, 1e-9)
	require.NotEmpty(t, s.LockCPU)
	assert.Equal(t, "example.com/lru.(*Cache).Set", s.LockCPU[0].Func)
	assert.Equal(t, "sync.(*Mutex).Lock", s.LockCPU[0].Wait)
	assert.Equal(t, "lock", s.LockCPU[0].Kind)
	var funcs []string
	for _, fr := range s.LockCPU[0].Path {
		funcs = append(funcs, fr.Func)
	}
	assert.Equal(t, []string{"example.com/m_test.BenchmarkX.func1.1", "example.com/lru.(*Cache).Set", "sync.(*Mutex).Lock"}, funcs,
		"the user's call, the library's function, the lock")
	for _, c := range s.CPU {
		assert.NotContains(t, c.Func, "procyield", "the spin is not CPU growth")
		assert.NotContains(t, c.Func, "futex")
	}
	assert.InDelta(t, 0.100, s.CPUTotal, 1e-9, "the whole CPU still counts it")
}

// TestPassRestoresRates: the pass leaves the mutex fraction and the
// block profile's rate as the program set them.
func TestPassRestoresRates(t *testing.T) {
	prev := runtime.SetMutexProfileFraction(7)
	defer runtime.SetMutexProfileFraction(prev)
	runtime.SetBlockProfileRate(1)
	defer runtime.SetBlockProfileRate(0)
	blockSome()
	testing.Benchmark(func(b *testing.B) {
		setWindow(b, window{n: 1})
		profilePass(b, contend, selfPkg, "")
	})
	assert.Equal(t, 7, runtime.SetMutexProfileFraction(-1), "the mutex fraction the program set")
	before := blockCount()
	blockSome()
	assert.Greater(t, blockCount(), before, "the block profile still records at the program's rate")
}

// blockSome blocks on a channel for a millisecond.
func blockSome() {
	ch := make(chan int)
	go func() { time.Sleep(time.Millisecond); ch <- 1 }()
	<-ch
}

func blockCount() int64 {
	p := readProfile("block")
	if p == nil {
		return 0
	}
	n := int64(0)
	for _, s := range p.Sample {
		n += s.Value[0]
	}
	return n
}

// TestPassOfBN: a benchmark written with b.N runs the window's ops, not
// one.
func TestPassOfBN(t *testing.T) {
	var s *Sites
	testing.Benchmark(func(b *testing.B) {
		setWindow(b, window{n: 5})
		s = profilePass(b, func(b *testing.B) {
			for range b.N {
				spinFor(100 * time.Microsecond)
			}
		}, selfPkg, "")
	})
	require.NotNil(t, s)
	assert.Equal(t, 5, s.Ops)
	testing.Benchmark(func(b *testing.B) {
		setWindow(b, window{d: 300 * time.Millisecond})
		s = profilePass(b, func(b *testing.B) {
			for range b.N {
				spinFor(100 * time.Microsecond)
			}
		}, selfPkg, "")
	})
	// testing sizes b.N from a first run of one op, which the pass's
	// trace and profiles start with: on a loaded machine that run of a
	// 1 ms op took longer than the whole window once, so the op is short
	// enough that only a window of one op could leave it at 1.
	assert.Greater(t, s.Ops, 1, "a window of 300 ms runs more than one 100µs op")
}

// TestPassSaysUnbounded: where the window cannot be set, the pass says it
// ran go test's benchtime.
func TestPassSaysUnbounded(t *testing.T) {
	var s *Sites
	testing.Benchmark(func(b *testing.B) {
		s = profilePassFor(b, func(b *testing.B) {
			for range b.N {
			}
		}, selfPkg, "", window{})
	})
	require.NotNil(t, s)
	assert.Contains(t, strings.Join(s.Skipped, "; "), "window:")
}

// TestRWMutexPath: a lock taken through an RWMutex is named by it, and
// the path ends there, not in the Mutex inside it.
func TestRWMutexPath(t *testing.T) {
	p := synth([]string{"samples", "cpu"}, []string{"count", "nanoseconds"},
		map[string][]int64{"spin": {6, 60e6}},
		map[string][]string{
			"spin": {"runtime.procyieldAsm", "internal/sync.(*Mutex).lockSlow", "internal/sync.(*Mutex).Lock", "sync.(*Mutex).Lock", "sync.(*RWMutex).Lock", "example.com/lru.(*Cache).Add", "example.com/m_test.BenchmarkX.func1.1", "example.com/m/pool.(*run).work"},
		})
	var s Sites
	testFrames.cpuSites(p, 1, &s)
	require.Len(t, s.LockCPU, 1)
	assert.Equal(t, "sync.(*RWMutex).Lock", s.LockCPU[0].Wait)
	path := s.LockCPU[0].Path
	require.NotEmpty(t, path)
	assert.Equal(t, "sync.(*RWMutex).Lock", path[len(path)-1].Func)
	assert.Equal(t, "example.com/lru.(*Cache).Add", path[len(path)-2].Func)
}

// TestMeasureLeavesSetupOut: 300 ms of setup before b.Loop that uses no
// CPU (a fixture read, here a sleep) is not judged with the op: the CPU
// per op is the op's 2 ms of CPU, not less for the setup's share of the
// window (the window was scaled by the timed share: 0.8 of it here).
func TestMeasureLeavesSetupOut(t *testing.T) {
	if raceOn {
		t.Skip("the race detector changes the CPU it measures")
	}
	var cpu, ops float64
	res := testing.Benchmark(func(b *testing.B) {
		Measure(b, func(b *testing.B) {
			time.Sleep(300 * time.Millisecond)
			for b.Loop() {
				spinFor(2 * time.Millisecond)
			}
		})
	})
	cpu, ops = res.Extra[UnitCPU], float64(res.N)
	require.Greater(t, ops, 0.0)
	// The op's own CPU, measured apart.
	c0, _, ok0 := usage()
	for range 50 {
		spinFor(2 * time.Millisecond)
	}
	c1, _, ok1 := usage()
	if !ok0 || !ok1 {
		t.Skip("no CPU time here")
	}
	ref := (c1 - c0).Seconds() / 50
	t.Logf("cpu-sec/op %.3gms, the op's CPU %.3gms, %v ops", 1e3*cpu, 1e3*ref, res.N)
	assert.InDelta(t, 1, cpu/ref, 0.12, "cpu-sec/op %.3g, the op's CPU %.3g", cpu, ref)
}
