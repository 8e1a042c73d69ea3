package bench_test

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/futuresbench/futures/bench"
)

// loadShared reads recorded runs from the module's top-level testdata.
func loadShared(t *testing.T, name string) []*bench.Analysis {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", name))
	require.NoError(t, err)
	d, err := bench.Read(bench.Input{Name: name, Data: data})
	require.NoError(t, err)
	return bench.Analyze(d)
}

// TestLimits holds the verdicts on real runs of internal/limits, workloads
// whose limit is known by construction (scripts/record-limits.sh, 2 cores,
// -count 6 in interleaved rounds): on a quiet machine each is named by its
// limit and none is blamed on the machine; beside one CPU hog the machine
// is named, except for the work that waits, which a busy machine does not
// slow.
func TestLimits(t *testing.T) {
	quiet := map[string]bench.Limit{
		"Cores":     bench.LimitCores,
		"Lock":      bench.LimitLock,
		"Wait":      bench.LimitWaiting,
		"Garbage":   bench.LimitGC,
		"Serial":    bench.LimitParallelism,
		"Straggler": bench.LimitParallelism,
		"Inflate":   bench.LimitWork,
		"Tiny":      bench.LimitExecutor,
		// A lock convoy: the sampled lock-wait counter reads ~0 and the
		// counters alone read tiny tasks; the trace names the lock.
		"Convoy": bench.LimitLock,
		// A serial step after the parallel part, ~10% of the op.
		"Summarize": bench.LimitParallelism,
		// An op of ~200 ms of CPU: the cores.
		"LongOp": bench.LimitCores,
	}
	for _, tt := range []struct {
		file string
		want func(name string) bench.Limit
	}{
		{"limits/quiet.txt", func(name string) bench.Limit { return quiet[name] }},
		{"limits/busy.txt", func(name string) bench.Limit {
			if name == "Wait" {
				return bench.LimitWaiting
			}
			return bench.LimitMachine
		}},
	} {
		t.Run(tt.file, func(t *testing.T) {
			as := loadShared(t, tt.file)
			require.Len(t, as, len(quiet))
			for _, a := range as {
				name := strings.TrimSuffix(a.Name, "-2")
				got := a.Limit
				if got == bench.LimitSlowCore && tt.file == "limits/busy.txt" {
					// Beside the hog a round may read as a slower core:
					// the machine too.
					got = bench.LimitMachine
				}
				assert.Equal(t, tt.want(name), got, "%s: %s", name, a.Verdict())
				if tt.file == "limits/quiet.txt" {
					assert.Empty(t, a.Distrust(), name)
					assert.NotEqual(t, bench.LimitMachine, a.Limit, name)
				}
				checkTruthful(t, a)
				checkFactors(t, a)
				if a.Limit == bench.LimitMachine || a.Limit == bench.LimitSlowCore {
					assert.Nil(t, a.Where, "%s: no site is blamed for a busy machine", name)
				}
			}
		})
	}
}

// TestSites: on the quiet run, each workload's limit is named with its
// site, its own function (the sites pass of package sweep: profiles of a
// pass of its own), and the evidence the site was read from.
func TestSites(t *testing.T) {
	want := map[string]struct {
		kind bench.WhereKind
		fn   string // the site's function, or its user frame
	}{
		"Lock":    {bench.WhereLock, "limits_test.(*ledger).post"},
		"Wait":    {bench.WhereWait, "limits_test.callRemote"},
		"Garbage": {bench.WhereAlloc, "limits_test.buildRecords"},
		"Serial":  {bench.WhereSerial, "limits_test.loadIndex"},
		// The tail, from the trace's idle split: one long task.
		"Straggler": {bench.WhereLongTask, "limits_test.compressFile"},
		"Inflate":   {bench.WhereGrowth, "limits.Bounce"},
		// The lock, from the trace: goroutines woken by Unlock waited to
		// be scheduled; the critical section is the cache's.
		"Convoy": {bench.WhereLock, "limits.(*Cache).Add"},
		// A serial part under 15% of the op, named by the trace.
		"Summarize": {bench.WhereSerial, "limits_test.summarize"},
	}
	as := loadShared(t, "limits/quiet.txt")
	rep := bench.NewJSONReport(as, nil)
	for i, a := range as {
		name := strings.TrimSuffix(a.Name, "-2")
		w, ok := want[name]
		if !ok {
			continue
		}
		require.NotNil(t, a.Where, "%s: %s", name, a.Verdict())
		assert.Equal(t, w.kind, a.Where.Kind, name)
		if w.kind == bench.WhereUndecided {
			assert.Contains(t, a.Diagnosis(), "cannot decide", name)
			assert.NotContains(t, a.Diagnosis(), "one long task:", name)
			continue
		}
		require.NotEmpty(t, a.Where.Sites, name)
		top := a.Where.Sites[0]
		assert.True(t, strings.HasSuffix(top.Func, w.fn) || strings.HasSuffix(top.User, w.fn), "%s: %s, from %s", name, top.Func, top.User)
		assert.Contains(t, a.Diagnosis(), w.fn, name)
		assert.NotContains(t, a.Diagnosis(), "cannot tell which", name)
		jw := rep.Sweeps[i].Finding.Where
		require.NotNil(t, jw, "%s: the JSON model carries the site", name)
		assert.Equal(t, w.kind.String(), jw.Kind, name)
	}
}

// checkFactors: at every point with CPU times, the factors multiply to the
// measured speedup, and the shares of the core time add up to 1.
func checkFactors(t *testing.T, a *bench.Analysis) {
	t.Helper()
	for _, r := range a.Rows {
		if math.IsNaN(r.CPU) {
			continue
		}
		assert.InEpsilon(t, r.Speedup, r.Factors.Product(), 1e-9, "%s %s=%d: %+v", a.Title(), a.Key, r.X, r.Factors)
		s := r.Shares
		assert.InDelta(t, 1, s.Used+s.Machine+s.Lock+s.Idle, 1e-9, "%s %s=%d: %+v", a.Title(), a.Key, r.X, s)
	}
}

// TestDecomposition checks the factors of a hand-made point against the
// arithmetic done by hand: at workers=2 on 2 cores, 8 ms an op with 12 ms
// of CPU (the base: 10 ms and 10 ms), 2 ms of lock waits, 0.5 ms on the run
// queue and 0.4 ms of others' CPU.
func TestDecomposition(t *testing.T) {
	in := "cores: 2\npkg: example.com/m/w\n"
	for range 6 {
		in += "BenchmarkW/workers=1-2 1 10000000 ns/op 0.010 cpu-sec/op 0 lockwait-sec/op 0 runq-sec/op 0 others-sec/op\n"
		in += "BenchmarkW/workers=2-2 1 8000000 ns/op 0.012 cpu-sec/op 0.002 lockwait-sec/op 0.0005 runq-sec/op 0.0004 others-sec/op\n"
	}
	d, err := bench.Read(bench.Input{Name: "in", Data: []byte(in)})
	require.NoError(t, err)
	a := bench.Analyze(d)[0]
	r := a.Rows[1]
	// Core time 16 ms: used 12, lost 4, of which the machine 0.4 (the
	// least of the loss, the queue and others' CPU), the lock 2, idle 1.6.
	assert.InDelta(t, 0.75, r.Shares.Used, 1e-9)
	assert.InDelta(t, 0.025, r.Shares.Machine, 1e-9)
	assert.InDelta(t, 0.125, r.Shares.Lock, 1e-9)
	assert.InDelta(t, 0.1, r.Shares.Idle, 1e-9)
	f := r.Factors
	assert.InDelta(t, 2, f.Ideal, 1e-9)
	assert.InDelta(t, 1, f.Surplus, 1e-9)
	assert.InDelta(t, 0.75/0.775, f.Machine, 1e-9)
	assert.InDelta(t, 0.775/0.9, f.Lock, 1e-9)
	assert.InDelta(t, 0.9, f.Idle, 1e-9)
	assert.InDelta(t, 10.0/12, f.Work, 1e-9)
	assert.InDelta(t, 1.25, f.Product(), 1e-9)
	assert.Equal(t, bench.LimitLock, a.Limit, a.Verdict())
	assert.Equal(t, 2, a.Worst)
	assert.InDelta(t, 0.25, a.Share, 0.005, "goroutines waited on locks for 25% of the wall time at workers=2")

	// The collector beside one worker: a CPU share of 150% at the base is
	// a surplus the second worker cannot add to.
	in = "cores: 2\npkg: example.com/m/w\n"
	for range 6 {
		in += "BenchmarkG/workers=1-2 1 10000000 ns/op 0.015 cpu-sec/op 0.005 gc-sec/op 0 lockwait-sec/op 0 runq-sec/op 0 others-sec/op\n"
		in += "BenchmarkG/workers=2-2 1 8000000 ns/op 0.015 cpu-sec/op 0.005 gc-sec/op 0 lockwait-sec/op 0.001 runq-sec/op 0 others-sec/op\n"
	}
	d, err = bench.Read(bench.Input{Name: "in", Data: []byte(in)})
	require.NoError(t, err)
	a = bench.Analyze(d)[0]
	f = a.Rows[1].Factors
	assert.InDelta(t, 0.5, a.Rows[0].Shares.Surplus, 1e-9)
	assert.InDelta(t, 1/1.5, f.Surplus, 1e-9)
	assert.InDelta(t, 1, f.Machine, 1e-9, "a queue with no one else's CPU is not the machine")
	assert.InDelta(t, 1.25, f.Product(), 1e-9)
	assert.Equal(t, bench.LimitGC, a.Limit, a.Verdict())
}

// TestNoRunQueueEvidence: where the OS gives no run-queue or machine
// evidence (another OS, or runs made before package sweep measured it),
// a low CPU share cannot be told from waiting, and the report says so.
func TestNoRunQueueEvidence(t *testing.T) {
	in := "cores: 2\npkg: example.com/m/w\n"
	for range 6 {
		in += "BenchmarkW/workers=1-2 1 10000000 ns/op 0.010 cpu-sec/op\n"
		in += "BenchmarkW/workers=2-2 1 9000000 ns/op 0.010 cpu-sec/op\n"
	}
	d, err := bench.Read(bench.Input{Name: "in", Data: []byte(in)})
	require.NoError(t, err)
	a := bench.Analyze(d)[0]
	require.NotEmpty(t, a.Rows[1].Disturbed)
	assert.Equal(t, bench.DisturbLowShare, a.Rows[1].Disturbed[0].Kind, "no run-queue evidence: a busy machine and waits cannot be told apart")
	assert.NotEqual(t, bench.LimitMachine, a.Limit)
}
